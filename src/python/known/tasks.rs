//! Tasks and background work: calls that spawn work running after the caller
//! returns, event loop getters, task group constructors, worker pools, and the
//! calls that move blocking work off the event loop.

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

/// Executors with a bounded number of workers (`max_workers`) (GOOD008).
pub(crate) const WORKER_POOLS: &[&str] = &[
    "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.ProcessPoolExecutor",
];

/// Functions that run a blocking call on a worker thread (`asyncio.to_thread`):
/// a call handed to them does not block the event loop (ASYNC003).
pub(crate) const THREAD_OFFLOAD_FUNCTIONS: &[&str] = &["asyncio.to_thread"];

/// Methods that run a blocking call elsewhere (`loop.run_in_executor`, anyio's
/// `run_sync`, `executor.submit`) (ASYNC003).
pub(crate) const THREAD_OFFLOAD_METHODS: &[&str] = &["run_in_executor", "run_sync", "submit"];
