//! Tasks: whether a call starts an asyncio task and how (`create_task`,
//! `ensure_future`, on an event loop, in a task group), and whether a name is a
//! task group.

use crate::python::known::tasks::{EVENT_LOOP_GETTERS, TASK_GROUP_CONSTRUCTORS};
use crate::python::model::*;
use crate::python::ModuleIndex;

/// How a call starts a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SpawnKind {
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

impl ModuleIndex {
    /// Whether a call starts an asyncio task, and how.
    pub(crate) fn spawn_kind(&self, call: &Call) -> Option<SpawnKind> {
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
                    .is_some_and(|q| EVENT_LOOP_GETTERS.contains(&q))
        });
        (bound_to_loop || last == "loop" || last.ends_with("_loop") || last.ends_with("event_loop"))
            .then_some(SpawnKind::LoopCreateTask)
    }

    /// Whether `name` (as seen from `scope`) is a task group: bound by
    /// `async with asyncio.TaskGroup() as name` / `anyio.create_task_group()`, or
    /// assigned from one.
    pub(crate) fn is_task_group(&self, name: &str, _scope: ScopeId) -> bool {
        let is_group_ctor = |v: &Value| {
            self.call_value(v)
                .and_then(|c| c.qualified.as_deref().or(Some(c.method.as_str())))
                .is_some_and(|q| TASK_GROUP_CONSTRUCTORS.contains(&q))
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
}
