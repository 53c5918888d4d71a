//! Questions the concurrency (CONC) and asyncio (ASYNC) rules ask of a
//! [`ModuleIndex`]: which lock is held at a point, whether a scope runs on the event
//! loop, await points inside a region, task-spawning calls, and writes to shared
//! state (assignments, `del`, mutating method calls) with their key.

use std::collections::HashMap;

use super::model::*;
use super::queries::LOCK_TYPES;
use super::ModuleIndex;

/// How a call starts a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpawnKind {
    /// `asyncio.create_task(...)`
    CreateTask,
    /// `asyncio.ensure_future(...)`
    EnsureFuture,
    /// `loop.create_task(...)` on an event loop object.
    LoopCreateTask,
    /// `tg.create_task(...)` on an `asyncio.TaskGroup` / anyio task group: the group
    /// owns (keeps and awaits) the task.
    TaskGroup,
}

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

/// Method names that mutate a collection in place.
pub const MUTATING_METHODS: &[&str] = &[
    "append",
    "appendleft",
    "extend",
    "insert",
    "add",
    "update",
    "setdefault",
    "pop",
    "popleft",
    "popitem",
    "remove",
    "discard",
    "clear",
    "__setitem__",
    "__delitem__",
];

impl ModuleIndex {
    /// Whether code in `scope` runs directly on the event loop: the scope is an
    /// `async def` (a nested sync `def` or a `lambda` inside it is not).
    pub fn is_async_scope(&self, scope: ScopeId) -> bool {
        let s = &self.scopes[scope];
        s.kind == ScopeKind::Function && s.is_async
    }

    /// The innermost `with`/`async with` holding a lock around `block`, if any.
    pub fn lock_held_at(&self, block: Option<BlockId>) -> Option<&With> {
        self.blocks_of(block)
            .filter(|b| b.kind == BlockKind::With)
            .map(|b| &self.withs[b.owner])
            .find(|w| w.lock.is_some())
    }

    /// Lock paths with the qualified constructor that built them
    /// (`self._lock` -> `threading.Lock`); see [`ModuleIndex::lock_paths`].
    pub fn lock_types(&self) -> HashMap<String, String> {
        self.lock_bindings().collect()
    }

    /// The qualified constructor of lock `path` (`self._lock`) as assigned inside
    /// `class` (its methods or its body), or module-wide for a plain name.
    pub fn lock_type_in(&self, path: &str, class: Option<ScopeId>) -> Option<String> {
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

    /// Await points of `scope` (not of nested scopes) inside `span`.
    pub fn awaits_in<'a>(
        &'a self,
        scope: ScopeId,
        span: Span,
    ) -> impl Iterator<Item = &'a Await> + 'a {
        self.awaits
            .iter()
            .filter(move |a| a.scope == scope && span.contains(&a.span))
    }

    /// The block opened by the body of `ifs[if_id]`.
    pub fn if_body_block(&self, if_id: usize) -> Option<BlockId> {
        self.blocks
            .iter()
            .position(|b| b.kind == BlockKind::If && b.owner == if_id)
    }

    /// The block opened by the body of `loops[loop_id]`.
    pub fn loop_body_block(&self, loop_id: usize) -> Option<BlockId> {
        self.blocks
            .iter()
            .position(|b| b.kind == BlockKind::Loop && b.owner == loop_id)
    }

    /// The `while` condition / `for` header of a loop: from the keyword to the body.
    pub fn loop_header(&self, l: &Loop) -> Span {
        Span {
            end_byte: l.body.start_byte.max(l.span.start_byte),
            end_line: l.body.line,
            end_column: l.body.column,
            ..l.span
        }
    }

    /// Whether a call starts an asyncio task, and how.
    pub fn spawn_kind(&self, call: &Call) -> Option<SpawnKind> {
        match call.qualified.as_deref() {
            Some("asyncio.create_task") => return Some(SpawnKind::CreateTask),
            Some("asyncio.ensure_future") => return Some(SpawnKind::EnsureFuture),
            _ => {}
        }
        if call.method != "create_task" && call.method != "start_soon" {
            return None;
        }
        let recv = call.receiver_path()?;
        if self.is_task_group(recv, call.scope) {
            return Some(SpawnKind::TaskGroup);
        }
        if call.method != "create_task" {
            return None;
        }
        let last = recv.rsplit('.').next().unwrap_or(recv).to_ascii_lowercase();
        let bound_to_loop = self.assignments.iter().any(|a| {
            a.targets
                .iter()
                .any(|t| matches!(t, Target::Name(n) | Target::Attr(n) if n == recv))
                && a.value
                    .as_ref()
                    .and_then(|v| self.call_value(v))
                    .and_then(|c| c.qualified.as_deref())
                    .is_some_and(|q| {
                        matches!(
                            q,
                            "asyncio.get_event_loop"
                                | "asyncio.get_running_loop"
                                | "asyncio.new_event_loop"
                        )
                    })
        });
        (bound_to_loop || last == "loop" || last.ends_with("_loop") || last.ends_with("event_loop"))
            .then_some(SpawnKind::LoopCreateTask)
    }

    /// Whether `name` (as seen from `scope`) is a task group: bound by
    /// `async with asyncio.TaskGroup() as name` / `anyio.create_task_group()`, or
    /// assigned from one.
    pub fn is_task_group(&self, name: &str, _scope: ScopeId) -> bool {
        let is_group_ctor = |v: &Value| {
            self.call_value(v)
                .and_then(|c| c.qualified.as_deref().or(Some(c.method.as_str())))
                .is_some_and(|q| {
                    matches!(
                        q,
                        "asyncio.TaskGroup"
                            | "anyio.create_task_group"
                            | "trio.open_nursery"
                            | "TaskGroup"
                            | "create_task_group"
                            | "open_nursery"
                    )
                })
        };
        self.withs.iter().any(|w| {
            w.items
                .iter()
                .any(|i| i.alias.as_deref() == Some(name) && is_group_ctor(&i.value))
        }) || self.assignments.iter().any(|a| {
            a.targets
                .iter()
                .any(|t| matches!(t, Target::Name(n) | Target::Attr(n) if n == name))
                && a.value.as_ref().is_some_and(is_group_ctor)
        })
    }

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
    pub fn is_shared_state(&self, path: &str, scope: ScopeId) -> bool {
        let first = path.split('.').next().unwrap_or(path);
        if (first == "self" || first == "cls") && path.contains('.') {
            return self.enclosing_class(scope).is_some();
        }
        self.is_module_local(first)
            && !self.is_imported_name(first)
            && self.refers_to_global(first, scope)
    }

    /// Lines `from..=to` of the source with their original indentation.
    pub fn raw_lines(&self, from: usize, to: usize) -> Vec<String> {
        (from..=to).map(|l| self.line_text(l).to_string()).collect()
    }
}
