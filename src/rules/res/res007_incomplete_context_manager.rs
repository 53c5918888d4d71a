//! RES007 incomplete-context-manager.
use crate::finding::{Kind, Severity};
use crate::python::ScopeKind;
use crate::rules::{fix, Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags a class that defines `__aenter__` without `__aexit__`, or `__enter__` without
`__exit__` (and inherits neither from a base class defined in the same module).

## Why is this bad?
`async with obj:` / `with obj:` require both halves of the protocol. With only the
entering half, the `with` statement fails at runtime, and callers fall back to manual
`open`/`close` calls that leak on errors. When the exit half exists in a base class
defined elsewhere the class is fine, so unknown bases keep the rule silent.
(Seed 000 MEDIUM-005.)

## Example
```python
class ProviderSession:
    async def __aenter__(self):
        await self.connect()
        return self
```

## Use instead
```python
class ProviderSession:
    async def __aenter__(self):
        await self.connect()
        return self

    async def __aexit__(self, exc_type, exc, tb):
        await self.close()
```

## Not reported
A `typing.Protocol` (it only describes a type; sqlalchemy's `AsyncIODBAPICursor`
declares `__aenter__` alone).
"#;

pub static META: RuleMeta = RuleMeta {
    id: "RES007",
    name: "incomplete-context-manager",
    kind: Kind::Finding,
    severity: Severity::Medium,
    summary: "a class defines `__aenter__` without `__aexit__` (or `__enter__` without `__exit__`)",
    category: "resources",
    doc: DOC,
    effort_hours: 1.0,
};

pub struct Res007;

impl Rule for Res007 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        for (cid, class) in ix
            .scopes
            .iter()
            .enumerate()
            .filter(|(_, s)| s.kind == ScopeKind::Class)
        {
            // A base class we cannot see may provide the missing half: stay silent.
            let local_bases: Vec<usize> = class
                .bases
                .iter()
                .filter_map(|b| b.path())
                .filter_map(|b| ix.class_named(b))
                .collect();
            let unknown_bases = class.bases.iter().any(|b| match b.path() {
                Some(p) => p != "object" && !p.ends_with("Protocol") && ix.class_named(p).is_none(),
                None => true,
            });
            // A `typing.Protocol` only describes a type (its methods are stubs and
            // it is never instantiated): nothing can leak through it.
            let protocol = class
                .bases
                .iter()
                .any(|b| b.path().is_some_and(|p| p.ends_with("Protocol")));
            if unknown_bases || protocol {
                continue;
            }
            let defines = |name: &str| {
                std::iter::once(cid)
                    .chain(local_bases.iter().copied())
                    .any(|c| ix.methods_of(c).any(|m| ix.scopes[m].name == name))
            };
            for (enter, exit, is_async) in [
                ("__aenter__", "__aexit__", true),
                ("__enter__", "__exit__", false),
            ] {
                let Some(m) = ix.methods_of(cid).find(|m| ix.scopes[*m].name == enter) else {
                    continue;
                };
                if defines(exit) {
                    continue;
                }
                let sc = &ix.scopes[m];
                let before = fix::function_or_statement(ix, m, &sc.name_span);
                let after = format!(
                    "{before}\n{}def {exit}(self, exc_type, exc, tb):\n    {}self.close()\n",
                    if is_async { "async " } else { "" },
                    if is_async { "await " } else { "" },
                );
                cx.report(&META, sc.name_span, m, format!("`{}` defines `{enter}` but no `{exit}`: `{}with` cannot be used and cleanup is left to callers", class.name, if is_async { "async " } else { "" }))
                    .with_fix(before, after);
            }
        }
    }
}
