//! Shared state: every write to a named or dotted piece of state (assignments,
//! `del X[k]`, mutating method calls) with its key, and whether a path names state
//! shared between calls (`self.x`, a module global).

use crate::python::known::collections::MUTATING_METHODS;
use crate::python::model::*;
use crate::python::ModuleIndex;

/// How a piece of shared state is written.
#[derive(Debug, Clone, PartialEq)]
pub enum WriteKind {
    /// `X = v`, `self.x = v`, `self.x += 1`.
    Assign,
    /// `X[k] = v` with the key.
    SetItem(Value),
    /// `del X[k]` with the key.
    DelItem(Value),
    /// A mutating method call (`X.append(v)`, `X.pop(k)`), with the method and its
    /// first positional argument.
    Method(String, Option<Value>),
}

/// A write to a dotted path (`self._jobs`, `_config`).
#[derive(Debug, Clone)]
pub struct StateWrite {
    pub path: String,
    pub kind: WriteKind,
    /// The whole statement or call doing the write.
    pub span: Span,
    pub scope: ScopeId,
    pub block: Option<BlockId>,
    /// For assignments: the index into `assignments`.
    pub assignment: Option<usize>,
}

impl ModuleIndex {
    /// Every write to a named or dotted piece of state in the module: assignment
    /// targets, `del X[k]`, and mutating method calls on a path.
    pub fn state_writes(&self) -> &[StateWrite] {
        self.cache
            .state_writes
            .get_or_init(|| self.compute_state_writes())
    }

    fn compute_state_writes(&self) -> Vec<StateWrite> {
        let mut out = vec![];
        for (i, a) in self.assignments.iter().enumerate() {
            for t in &a.targets {
                let (path, kind) = match t {
                    Target::Name(n) | Target::Attr(n) => (n.clone(), WriteKind::Assign),
                    Target::Subscript { base, key } => {
                        (base.clone(), WriteKind::SetItem(key.clone()))
                    }
                    Target::Other(_) => continue,
                };
                out.push(StateWrite {
                    path,
                    kind,
                    span: a.span,
                    scope: a.scope,
                    block: a.block,
                    assignment: Some(i),
                });
            }
        }
        for d in &self.dels {
            for t in &d.targets {
                if let Target::Subscript { base, key } = t {
                    out.push(StateWrite {
                        path: base.clone(),
                        kind: WriteKind::DelItem(key.clone()),
                        span: d.span,
                        scope: d.scope,
                        block: d.block,
                        assignment: None,
                    });
                }
            }
        }
        for c in &self.calls {
            if !MUTATING_METHODS.contains(&c.method.as_str()) {
                continue;
            }
            let Some(p) = c.receiver_path() else { continue };
            out.push(StateWrite {
                path: p.to_string(),
                kind: WriteKind::Method(c.method.clone(), c.positional(0).map(|a| a.value.clone())),
                span: c.span,
                scope: c.scope,
                block: c.block,
                assignment: None,
            });
        }
        out
    }

    /// Whether `path` used in `scope` names state shared between calls: an attribute
    /// of `self`/`cls` or a module-level name (not shadowed by a local).
    pub(crate) fn is_shared_state(&self, path: &str, scope: ScopeId) -> bool {
        let first = path.split('.').next().unwrap_or(path);
        if (first == "self" || first == "cls") && path.contains('.') {
            return self.enclosing_class(scope).is_some();
        }
        self.is_module_local(first)
            && !self.is_imported_name(first)
            && self.refers_to_global(first, scope)
    }
}
