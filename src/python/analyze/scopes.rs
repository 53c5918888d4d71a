//! Scopes and what each holds: the scope tree (parents, children, methods of a
//! class, the class around a scope), whether a name refers to a module global,
//! decorators, and the per-scope tables (assignments, calls, name loads; and the
//! statement tree) built once on first use.

use std::collections::HashSet;

use super::statements::stmt_parents;
use crate::python::model::*;
use crate::python::ModuleIndex;

impl ModuleIndex {
    /// The class a method is defined in (directly in the class body).
    pub(crate) fn class_of(&self, scope: ScopeId) -> Option<ScopeId> {
        let p = self.scopes[scope].parent?;
        (self.scopes[p].kind == ScopeKind::Class).then_some(p)
    }

    /// Per-scope tables, built on first use: rules that ask per class or per
    /// method would otherwise scan every scope, assignment or call of the module
    /// each time (quadratic on generated modules with thousands of classes).
    pub(super) fn scope_tables(&self) -> &ScopeTables {
        self.cache
            .scope_tables
            .get_or_init(|| ScopeTables::new(self))
    }

    /// The functions defined directly in a class body, in source order.
    pub(crate) fn methods_of(&self, class: ScopeId) -> impl Iterator<Item = ScopeId> + '_ {
        self.scope_tables().children[class]
            .iter()
            .copied()
            .filter(move |s| self.scopes[*s].kind == ScopeKind::Function)
    }

    /// The scopes nested directly in `scope`, in source order.
    pub(crate) fn child_scopes(&self, scope: ScopeId) -> &[ScopeId] {
        &self.scope_tables().children[scope]
    }

    /// `scope` and every scope nested in it, at any depth.
    pub(crate) fn scope_and_descendants(&self, scope: ScopeId) -> Vec<ScopeId> {
        let mut out = vec![scope];
        let mut i = 0;
        while i < out.len() {
            out.extend_from_slice(self.child_scopes(out[i]));
            i += 1;
        }
        out
    }

    /// The first class of the module with this name, at any depth (what a base
    /// class written as a bare name most likely refers to).
    pub(crate) fn class_named(&self, name: &str) -> Option<ScopeId> {
        self.scope_tables().class_by_name.get(name).copied()
    }

    /// `scope` and every scope nested in it.
    pub(crate) fn is_within(&self, scope: ScopeId, ancestor: ScopeId) -> bool {
        let mut cur = Some(scope);
        while let Some(s) = cur {
            if s == ancestor {
                return true;
            }
            cur = self.scopes[s].parent;
        }
        false
    }

    /// The innermost class enclosing `scope` (methods, and functions nested in them).
    pub(crate) fn enclosing_class(&self, scope: ScopeId) -> Option<ScopeId> {
        let mut cur = Some(scope);
        while let Some(s) = cur {
            if self.scopes[s].kind == ScopeKind::Class {
                return Some(s);
            }
            cur = self.scopes[s].parent;
        }
        None
    }

    /// Whether the scope is a decorated `@staticmethod` / `@classmethod`.
    pub(crate) fn has_decorator(&self, scope: ScopeId, names: &[&str]) -> bool {
        self.scopes[scope].decorators.iter().any(|d| {
            names.iter().any(|n| {
                d.text == *n
                    || d.qualified.as_deref() == Some(*n)
                    || d.text.ends_with(&format!(".{n}"))
            })
        })
    }

    /// Whether `name` used in `scope` refers to the module-level binding: it is
    /// declared `global`, or no enclosing function binds it.
    pub fn refers_to_global(&self, name: &str, scope: ScopeId) -> bool {
        let mut cur = Some(scope);
        while let Some(s) = cur {
            let sc = &self.scopes[s];
            if sc.kind == ScopeKind::Module {
                return true;
            }
            if sc.globals.iter().any(|g| g == name) {
                return true;
            }
            if sc.kind != ScopeKind::Class && sc.locals.iter().any(|l| l == name) {
                return false;
            }
            cur = sc.parent;
        }
        true
    }

    /// Whether the module's top level binds `name`.
    pub(crate) fn is_module_local(&self, name: &str) -> bool {
        self.scope_tables().module_locals.contains(name)
    }

    /// Whether an import (anywhere in the module) binds `name`.
    pub(crate) fn is_imported_name(&self, name: &str) -> bool {
        self.scope_tables().import_locals.contains(name)
    }

    /// The assignments made directly in `scope`, in source order.
    pub(crate) fn assignments_in(&self, scope: ScopeId) -> impl Iterator<Item = &Assignment> + '_ {
        self.scope_tables().assignments[scope]
            .iter()
            .map(|i| &self.assignments[*i])
    }

    /// The indices in `assignments` of those made directly in `scope`, ascending.
    pub(crate) fn assignment_ids_in(&self, scope: ScopeId) -> &[usize] {
        &self.scope_tables().assignments[scope]
    }

    /// The assignment whose value is call `cid` (possibly awaited), the first one.
    pub(crate) fn assignment_of_call(&self, cid: CallId) -> Option<&Assignment> {
        let i = *self.scope_tables().assignment_of_call.get(&cid)?;
        Some(&self.assignments[i])
    }

    /// The ids of the calls made directly in `scope`, in index order.
    pub(crate) fn calls_in(&self, scope: ScopeId) -> &[CallId] {
        &self.scope_tables().calls[scope]
    }

    /// The ids of the calls made directly in `scope`, by start byte.
    pub(crate) fn calls_by_start(&self, scope: ScopeId) -> &[CallId] {
        &self.scope_tables().calls_by_start[scope]
    }

    /// Calls in `scope` whose span lies within `span`, with their ids.
    pub(crate) fn calls_within(
        &self,
        scope: ScopeId,
        span: Span,
    ) -> impl Iterator<Item = (CallId, &Call)> + '_ {
        // The scope's calls by start byte narrow the candidates to those starting
        // inside `span` (a scan of every call per question was quadratic on
        // generated modules); they come back in index order, as before.
        let by_start = self.calls_by_start(scope);
        let first = by_start.partition_point(|c| self.calls[*c].span.start_byte < span.start_byte);
        let last = by_start.partition_point(|c| self.calls[*c].span.start_byte < span.end_byte);
        let mut ids: Vec<CallId> = by_start[first..last]
            .iter()
            .copied()
            .filter(|c| span.contains(&self.calls[*c].span))
            .collect();
        ids.sort_unstable();
        ids.into_iter().map(move |c| (c, &self.calls[c]))
    }

    /// The name loads made directly in `scope`.
    pub(crate) fn loads_in(&self, scope: ScopeId) -> impl Iterator<Item = &NameLoad> + '_ {
        self.scope_tables().loads[scope]
            .iter()
            .map(|i| &self.loads[*i])
    }

    /// The name loads made directly in `scope` that lie inside `span`, in index order.
    pub(crate) fn loads_within(
        &self,
        scope: ScopeId,
        span: Span,
    ) -> impl Iterator<Item = &NameLoad> + '_ {
        let by_start = &self.scope_tables().loads_by_start[scope];
        let first = by_start.partition_point(|l| self.loads[*l].span.start_byte < span.start_byte);
        let last = by_start.partition_point(|l| self.loads[*l].span.start_byte < span.end_byte);
        let mut ids: Vec<usize> = by_start[first..last.max(first)]
            .iter()
            .copied()
            .filter(|l| span.contains(&self.loads[*l].span))
            .collect();
        ids.sort_unstable();
        ids.into_iter().map(move |l| &self.loads[l])
    }

    /// Name loads of `name` in `scope` (and nested scopes) after byte `after`.
    pub(crate) fn loads_after<'a>(
        &'a self,
        name: &'a str,
        scope: ScopeId,
        after: usize,
    ) -> impl Iterator<Item = &'a NameLoad> + 'a {
        self.loads.iter().filter(move |l| {
            l.name == name && l.span.start_byte >= after && self.is_within(l.scope, scope)
        })
    }
}

/// Per-scope lists of the module's tables (indices into them, ascending).
#[derive(Debug)]
pub(crate) struct ScopeTables {
    children: Vec<Vec<ScopeId>>,
    class_by_name: std::collections::HashMap<String, ScopeId>,
    assignments: Vec<Vec<usize>>,
    calls: Vec<Vec<CallId>>,
    calls_by_start: Vec<Vec<CallId>>,
    loads: Vec<Vec<usize>>,
    loads_by_start: Vec<Vec<usize>>,
    module_locals: HashSet<String>,
    import_locals: HashSet<String>,
    assignment_of_call: std::collections::HashMap<CallId, usize>,
    /// The enclosing statement of each statement (`None` at the top level), or
    /// `None` when the statements are not in pre-order.
    pub(super) stmt_parents: Option<Vec<Option<usize>>>,
}

impl ScopeTables {
    fn new(ix: &ModuleIndex) -> Self {
        let n = ix.scopes.len();
        let mut children = vec![vec![]; n];
        let mut class_by_name = std::collections::HashMap::new();
        for (id, s) in ix.scopes.iter().enumerate() {
            if let Some(p) = s.parent {
                children[p].push(id);
            }
            if s.kind == ScopeKind::Class {
                class_by_name.entry(s.name.clone()).or_insert(id);
            }
        }
        let by_scope = |scopes: &mut dyn Iterator<Item = ScopeId>| {
            let mut out = vec![vec![]; n];
            for (i, s) in scopes.enumerate() {
                out[s].push(i);
            }
            out
        };
        let calls = by_scope(&mut ix.calls.iter().map(|c| c.scope));
        let loads = by_scope(&mut ix.loads.iter().map(|l| l.scope));
        let mut calls_by_start = calls.clone();
        for ids in &mut calls_by_start {
            ids.sort_by_key(|c| ix.calls[*c].span.start_byte);
        }
        ScopeTables {
            children,
            class_by_name,
            assignments: by_scope(&mut ix.assignments.iter().map(|a| a.scope)),
            calls,
            calls_by_start,
            stmt_parents: stmt_parents(&ix.stmts),
            loads_by_start: {
                let mut v = loads.clone();
                for ids in &mut v {
                    ids.sort_by_key(|l| ix.loads[*l].span.start_byte);
                }
                v
            },
            loads,
            module_locals: ix.scopes[0].locals.iter().cloned().collect(),
            import_locals: ix.imports.iter().map(|i| i.local.clone()).collect(),
            assignment_of_call: {
                let mut m = std::collections::HashMap::new();
                for (i, a) in ix.assignments.iter().enumerate() {
                    let cid = match &a.value {
                        Some(Value::Call(id)) => Some(*id),
                        Some(Value::Await(inner)) => match **inner {
                            Value::Call(id) => Some(id),
                            _ => None,
                        },
                        _ => None,
                    };
                    if let Some(cid) = cid {
                        m.entry(cid).or_insert(i);
                    }
                }
                m
            },
        }
    }
}
