//! Name resolution: dotted names as written (`h.AsyncClient`) to the qualified
//! names they refer to (`httpx.AsyncClient`), through the imports and aliases
//! visible from a scope, relative imports included.

use super::known::builtins::BUILTINS;
use super::model::*;
use super::module_index::ModuleIndex;

/// The package a module's relative imports start from (`app.db` gives `app`; an
/// `__init__.py` is its own package).
pub(super) fn package_of(module_name: &str, is_package: bool) -> Vec<String> {
    let mut parts: Vec<String> = module_name
        .split('.')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    if !is_package {
        parts.pop();
    }
    parts
}

/// The module a relative import names (`..core` from `pkg.sub` gives `core`
/// under `pkg`'s parent), from the text of the `relative_import` node.
pub(super) fn relative_module(text: &str, package: &[String]) -> String {
    let dots = text.chars().take_while(|c| *c == '.').count();
    let rest = text[dots..].trim();
    let mut pkg = package.to_vec();
    for _ in 1..dots {
        pkg.pop();
    }
    if !rest.is_empty() {
        pkg.push(rest.to_string());
    }
    pkg.join(".")
}

/// Resolves a dotted name (`h.AsyncClient`) through the imports visible from `scope`
/// to a qualified name (`httpx.AsyncClient`). Builtins resolve to themselves.
pub(super) fn resolve_in(ix: &ModuleIndex, dotted_name: &str, scope: ScopeId) -> Option<String> {
    let mut parts = dotted_name.splitn(2, '.');
    let first = parts.next()?;
    let rest = parts.next();
    let qualify = |imp: &Import| match rest {
        Some(r) => format!("{}.{}", imp.qualified, r),
        None => imp.qualified.clone(),
    };
    let mut s = Some(scope);
    while let Some(sid) = s {
        let sc = &ix.scopes[sid];
        let key = (sid != 0).then_some(sc.body_span.start_byte);
        if let Some(imp) = ix
            .imports
            .iter()
            .rev()
            .find(|i| i.local == first && i.owner_body == key)
        {
            return Some(qualify(imp));
        }
        // A name bound in a function (parameter, assignment) shadows outer imports.
        if sid != 0 && sc.kind != ScopeKind::Class && sc.locals.iter().any(|l| l == first) {
            return None;
        }
        s = sc.parent;
    }
    // `import a.b` then `a.b.c()`: the longest imported dotted prefix.
    if let Some(imp) = ix
        .imports
        .iter()
        .filter(|i| {
            i.local.contains('.')
                && i.owner_body.is_none()
                && dotted_name.starts_with(&format!("{}.", i.local))
        })
        .max_by_key(|i| i.local.len())
    {
        return Some(format!(
            "{}{}",
            imp.qualified,
            &dotted_name[imp.local.len()..]
        ));
    }
    // (the scan of the module's locals last: it is the longest list)
    if rest.is_none()
        && BUILTINS.contains(&first)
        && !ix.scopes[0].locals.iter().any(|l| l == first)
    {
        return Some(first.to_string());
    }
    None
}

impl ModuleIndex {
    /// Resolves a dotted name through the imports visible from `scope`.
    pub(crate) fn resolve(&self, dotted_name: &str, scope: ScopeId) -> Option<String> {
        resolve_in(self, dotted_name, scope)
    }

    /// Whether the module imports `module` or anything under it (`httpx`,
    /// `redis.asyncio`), for rules that skip files early.
    pub(crate) fn imports_any(&self, modules: &[&str]) -> bool {
        self.imports.iter().any(|i| {
            modules
                .iter()
                .any(|m| i.qualified == *m || i.qualified.starts_with(&format!("{m}.")))
        })
    }
}
