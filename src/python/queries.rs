//! Questions rules ask of a [`ModuleIndex`], answered from its tables.

use std::collections::HashSet;

use super::model::*;
use super::resolve::resolve_in;
use super::ModuleIndex;

/// Constructors whose instances are locks (or lock-like) for `with` regions.
pub const LOCK_TYPES: &[&str] = &[
    "threading.Lock",
    "threading.RLock",
    "threading.Semaphore",
    "threading.BoundedSemaphore",
    "threading.Condition",
    "asyncio.Lock",
    "asyncio.Semaphore",
    "asyncio.BoundedSemaphore",
    "asyncio.Condition",
    "multiprocessing.Lock",
    "multiprocessing.RLock",
    "anyio.Lock",
    "anyio.Semaphore",
];

impl ModuleIndex {
    /// The chain of blocks from `block` outwards to its scope's top level.
    pub fn blocks_of(&self, block: Option<BlockId>) -> impl Iterator<Item = &Block> + '_ {
        let mut cur = block;
        std::iter::from_fn(move || {
            let b = &self.blocks[cur?];
            cur = b.parent;
            Some(b)
        })
    }

    pub fn inside(&self, block: Option<BlockId>, kind: BlockKind) -> bool {
        self.blocks_of(block).any(|b| b.kind == kind)
    }

    /// Resolves a dotted name through the imports visible from `scope`.
    pub fn resolve(&self, dotted_name: &str, scope: ScopeId) -> Option<String> {
        resolve_in(self, dotted_name, scope)
    }

    /// Whether the module imports `module` or anything under it (`httpx`,
    /// `redis.asyncio`), for rules that skip files early.
    pub fn imports_any(&self, modules: &[&str]) -> bool {
        self.imports.iter().any(|i| {
            modules
                .iter()
                .any(|m| i.qualified == *m || i.qualified.starts_with(&format!("{m}.")))
        })
    }

    pub fn call_value(&self, v: &Value) -> Option<&Call> {
        match v {
            Value::Call(id) => Some(&self.calls[*id]),
            Value::Await(inner) => self.call_value(inner),
            _ => None,
        }
    }

    /// The class a method is defined in (directly in the class body).
    pub fn class_of(&self, scope: ScopeId) -> Option<ScopeId> {
        let p = self.scopes[scope].parent?;
        (self.scopes[p].kind == ScopeKind::Class).then_some(p)
    }

    /// Per-scope tables, built on first use: rules that ask per class or per
    /// method would otherwise scan every scope, assignment or call of the module
    /// each time (quadratic on generated modules with thousands of classes).
    fn scope_tables(&self) -> &ScopeTables {
        self.cache
            .scope_tables
            .get_or_init(|| ScopeTables::new(self))
    }

    /// The functions defined directly in a class body, in source order.
    pub fn methods_of(&self, class: ScopeId) -> impl Iterator<Item = ScopeId> + '_ {
        self.scope_tables().children[class]
            .iter()
            .copied()
            .filter(move |s| self.scopes[*s].kind == ScopeKind::Function)
    }

    /// The scopes nested directly in `scope`, in source order.
    pub fn child_scopes(&self, scope: ScopeId) -> &[ScopeId] {
        &self.scope_tables().children[scope]
    }

    /// `scope` and every scope nested in it, at any depth.
    pub fn scope_and_descendants(&self, scope: ScopeId) -> Vec<ScopeId> {
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
    pub fn class_named(&self, name: &str) -> Option<ScopeId> {
        self.scope_tables().class_by_name.get(name).copied()
    }

    /// The assignments made directly in `scope`, in source order.
    pub fn assignments_in(&self, scope: ScopeId) -> impl Iterator<Item = &Assignment> + '_ {
        self.scope_tables().assignments[scope]
            .iter()
            .map(|i| &self.assignments[*i])
    }

    /// The indices in `assignments` of those made directly in `scope`, ascending.
    pub fn assignment_ids_in(&self, scope: ScopeId) -> &[usize] {
        &self.scope_tables().assignments[scope]
    }

    /// Whether the module's top level binds `name`.
    pub fn is_module_local(&self, name: &str) -> bool {
        self.scope_tables().module_locals.contains(name)
    }

    /// Whether an import (anywhere in the module) binds `name`.
    pub fn is_imported_name(&self, name: &str) -> bool {
        self.scope_tables().import_locals.contains(name)
    }

    /// The assignment whose value is call `cid` (possibly awaited), the first one.
    pub fn assignment_of_call(&self, cid: CallId) -> Option<&Assignment> {
        let i = *self.scope_tables().assignment_of_call.get(&cid)?;
        Some(&self.assignments[i])
    }

    /// The name loads made directly in `scope` that lie inside `span`, in index order.
    pub fn loads_within(&self, scope: ScopeId, span: Span) -> impl Iterator<Item = &NameLoad> + '_ {
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

    /// The ids of the calls made directly in `scope`, in index order.
    pub fn calls_in(&self, scope: ScopeId) -> &[CallId] {
        &self.scope_tables().calls[scope]
    }

    /// The ids of the calls made directly in `scope`, by start byte.
    pub fn calls_by_start(&self, scope: ScopeId) -> &[CallId] {
        &self.scope_tables().calls_by_start[scope]
    }

    /// The name loads made directly in `scope`.
    pub fn loads_in(&self, scope: ScopeId) -> impl Iterator<Item = &NameLoad> + '_ {
        self.scope_tables().loads[scope]
            .iter()
            .map(|i| &self.loads[*i])
    }

    /// `scope` and every scope nested in it.
    pub fn is_within(&self, scope: ScopeId, ancestor: ScopeId) -> bool {
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
    pub fn enclosing_class(&self, scope: ScopeId) -> Option<ScopeId> {
        let mut cur = Some(scope);
        while let Some(s) = cur {
            if self.scopes[s].kind == ScopeKind::Class {
                return Some(s);
            }
            cur = self.scopes[s].parent;
        }
        None
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

    /// Whether the scope is a decorated `@staticmethod` / `@classmethod`.
    pub fn has_decorator(&self, scope: ScopeId, names: &[&str]) -> bool {
        self.scopes[scope].decorators.iter().any(|d| {
            names.iter().any(|n| {
                d.text == *n
                    || d.qualified.as_deref() == Some(*n)
                    || d.text.ends_with(&format!(".{n}"))
            })
        })
    }

    /// Dotted paths bound to lock objects: `_lock = threading.Lock()` gives `_lock`;
    /// `self._lock = asyncio.Lock()` and class attribute `_lock = Lock()` give
    /// `self._lock` (and `cls._lock`, `ClassName._lock`).
    pub fn lock_paths(&self) -> HashSet<String> {
        self.lock_bindings().map(|(path, _)| path).collect()
    }

    /// (path, qualified lock constructor) for every binding of a lock object.
    pub fn lock_bindings(&self) -> impl Iterator<Item = (String, String)> + '_ {
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

    /// Await points (`await`, `async with`, `async for`) in `scope` strictly between
    /// two byte offsets.
    pub fn awaits_between(
        &self,
        scope: ScopeId,
        from: usize,
        to: usize,
    ) -> impl Iterator<Item = &Await> + '_ {
        self.awaits
            .iter()
            .filter(move |a| a.scope == scope && a.span.start_byte > from && a.span.start_byte < to)
    }

    /// Name loads of `name` in `scope` (and nested scopes) after byte `after`.
    pub fn loads_after<'a>(
        &'a self,
        name: &'a str,
        scope: ScopeId,
        after: usize,
    ) -> impl Iterator<Item = &'a NameLoad> + 'a {
        self.loads.iter().filter(move |l| {
            l.name == name && l.span.start_byte >= after && self.is_within(l.scope, scope)
        })
    }

    /// The function (not class, not module) scope that a scope belongs to.
    pub fn function_of(&self, scope: ScopeId) -> Option<ScopeId> {
        matches!(
            self.scopes[scope].kind,
            ScopeKind::Function | ScopeKind::Lambda
        )
        .then_some(scope)
    }

    /// The smallest statement in `scope` that contains `span`, as a span.
    pub fn statement_at(&self, span: &Span) -> Option<&Stmt> {
        self.statement_index_at(span).map(|i| &self.stmts[i])
    }

    /// Whether `stmts` is in pre-order (each statement's nested statements
    /// follow it), as the index records them.
    pub fn stmts_in_preorder(&self) -> bool {
        self.scope_tables().stmt_parents.is_some()
    }

    /// The index in `stmts` of [`Self::statement_at`]'s statement.
    ///
    /// Statements are recorded in pre-order, so the candidates start at or before
    /// `span`, and the innermost one containing it is found by walking up the
    /// statement tree from the last statement starting there (instead of a scan
    /// of every statement per question, quadratic on generated modules).
    pub fn statement_index_at(&self, span: &Span) -> Option<usize> {
        let Some(parents) = self.scope_tables().stmt_parents.as_ref() else {
            // Not in pre-order (never seen; kept correct rather than fast).
            return self
                .stmts
                .iter()
                .enumerate()
                .filter(|(_, s)| s.span.contains(span))
                .min_by_key(|(_, s)| s.span.end_byte - s.span.start_byte)
                .map(|(i, _)| i);
        };
        let after = self
            .stmts
            .partition_point(|s| s.span.start_byte <= span.start_byte);
        let mut cur = after.checked_sub(1);
        while let Some(i) = cur {
            if self.stmts[i].span.contains(span) {
                break;
            }
            cur = parents[i];
        }
        let mut i = cur?;
        // Equal spans: the outermost one, as the first of the smallest.
        let size = |i: usize| self.stmts[i].span.end_byte - self.stmts[i].span.start_byte;
        while let Some(p) = parents[i] {
            if size(p) != size(i) {
                break;
            }
            i = p;
        }
        Some(i)
    }

    /// Whether the scope is a function whose body is only a docstring / `...` / `pass`
    /// (abstract methods, protocols).
    pub fn is_stub(&self, scope: ScopeId) -> bool {
        self.stmts
            .iter()
            .filter(|s| s.scope == scope && s.block.is_none())
            .all(|s| {
                s.kind == "pass_statement"
                    || s.kind == "expression_statement" && {
                        let t = self.text_of(&s.span).trim();
                        t == "..." || t.starts_with('"') || t.starts_with('\'')
                    }
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
    stmt_parents: Option<Vec<Option<usize>>>,
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

/// The enclosing statement of each statement, from their pre-order (a stack of
/// the open statements); `None` when some statement starts before the previous
/// one or overlaps it without nesting.
fn stmt_parents(stmts: &[Stmt]) -> Option<Vec<Option<usize>>> {
    let mut parents = Vec::with_capacity(stmts.len());
    let mut open: Vec<usize> = vec![];
    for (i, s) in stmts.iter().enumerate() {
        if i > 0 && s.span.start_byte < stmts[i - 1].span.start_byte {
            return None;
        }
        while let Some(&top) = open.last() {
            let t = &stmts[top].span;
            if t.contains(&s.span) {
                break;
            }
            if t.end_byte > s.span.start_byte {
                return None; // overlapping without nesting
            }
            open.pop();
        }
        parents.push(open.last().copied());
        open.push(i);
    }
    Some(parents)
}
