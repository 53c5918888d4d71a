//! Locks: which dotted paths are bound to lock objects (and by which
//! constructor), and which lock a `with` around a point holds.

use std::collections::HashSet;

use crate::python::known::locks::LOCK_TYPES;
use crate::python::model::*;
use crate::python::ModuleIndex;

impl ModuleIndex {
    /// Dotted paths bound to lock objects: `_lock = threading.Lock()` gives `_lock`;
    /// `self._lock = asyncio.Lock()` and class attribute `_lock = Lock()` give
    /// `self._lock` (and `cls._lock`, `ClassName._lock`).
    pub fn lock_paths(&self) -> HashSet<String> {
        self.lock_bindings().map(|(path, _)| path).collect()
    }

    /// (path, qualified lock constructor) for every binding of a lock object.
    pub(crate) fn lock_bindings(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.assignments.iter().flat_map(move |a| {
            let q = a
                .value
                .as_ref()
                .and_then(|v| self.call_value(v))
                .and_then(|c| c.qualified.as_deref())
                .filter(|q| LOCK_TYPES.contains(q))
                .map(str::to_string);
            let mut out = vec![];
            let Some(q) = q else { return out };
            for t in &a.targets {
                match t {
                    Target::Name(n) => {
                        out.push((n.clone(), q.clone()));
                        if self.scopes[a.scope].kind == ScopeKind::Class {
                            for prefix in ["self", "cls", self.scopes[a.scope].name.as_str()] {
                                out.push((format!("{prefix}.{n}"), q.clone()));
                            }
                        }
                    }
                    Target::Attr(p) => out.push((p.clone(), q.clone())),
                    _ => {}
                }
            }
            out
        })
    }

    /// The qualified constructor of lock `path` (`self._lock`) as assigned inside
    /// `class` (its methods or its body), or module-wide for a plain name.
    pub(crate) fn lock_type_in(&self, path: &str, class: Option<ScopeId>) -> Option<String> {
        let attr = path
            .strip_prefix("self.")
            .or_else(|| path.strip_prefix("cls."));
        // Only the class's scopes (or the module's top level) can bind it: their
        // assignments, in module order (a scan of every assignment per question
        // was quadratic on generated modules).
        let mut ids: Vec<usize> = match class {
            Some(c) => self
                .scope_and_descendants(c)
                .into_iter()
                .flat_map(|s| self.assignment_ids_in(s).iter().copied())
                .collect(),
            None => self.assignment_ids_in(0).to_vec(),
        };
        ids.sort_unstable();
        ids.into_iter().map(|i| &self.assignments[i]).find_map(|a| {
            let q = self.call_value(a.value.as_ref()?)?.qualified.as_deref()?;
            if !LOCK_TYPES.contains(&q) {
                return None;
            }
            let hit = a.targets.iter().any(|t| match (t, class, attr) {
                (Target::Attr(p), Some(c), _) => p == path && self.is_within(a.scope, c),
                (Target::Name(n), Some(c), Some(at)) => n == at && a.scope == c,
                (Target::Name(n), None, None) => n == path && a.scope == 0,
                _ => false,
            });
            hit.then(|| q.to_string())
        })
    }

    /// The innermost `with`/`async with` holding a lock around `block`, if any.
    pub(crate) fn lock_held_at(&self, block: Option<BlockId>) -> Option<&With> {
        self.blocks_of(block)
            .filter(|b| b.kind == BlockKind::With)
            .map(|b| &self.withs[b.owner])
            .find(|w| w.lock.is_some())
    }
}
