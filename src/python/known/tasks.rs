//! Tasks and background work: calls that spawn work running after the caller
//! returns, event loop getters, task group constructors.

/// Methods that spawn work running after the caller returns: passing a resource
/// to them hands its ownership on.
pub(crate) const SPAWNERS: &[&str] = &[
    "create_task",
    "ensure_future",
    "submit",
    "run_in_executor",
    "start_soon",
    "add_task",
    "Thread",
    "Process",
    "apply_async",
    "delay",
];

/// Functions returning an event loop: a name bound to their result is a loop.
pub(crate) const EVENT_LOOP_GETTERS: &[&str] = &[
    "asyncio.get_event_loop",
    "asyncio.get_running_loop",
    "asyncio.new_event_loop",
];

/// Constructors of task groups (qualified, or as written when unresolved): the
/// group owns (keeps and awaits) the tasks started in it.
pub(crate) const TASK_GROUP_CONSTRUCTORS: &[&str] = &[
    "asyncio.TaskGroup",
    "anyio.create_task_group",
    "trio.open_nursery",
    "TaskGroup",
    "create_task_group",
    "open_nursery",
];
