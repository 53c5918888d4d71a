//! Method names that release a resource or client: the general list the
//! lifecycle of a local resource and RES001 read, and the variants other rules
//! read (see `known/mod.rs` for how they differ).

/// Methods that release a resource or client (the lifecycle of a local resource:
/// RES003, RES004; and RES001).
pub(crate) const CLOSE_METHODS: &[&str] = &[
    "close",
    "aclose",
    "dispose",
    "shutdown",
    "disconnect",
    "terminate",
    "clear",
    "release",
    "close_all",
];

/// Methods that end a process (`subprocess.Popen`): the lifecycle of a local
/// resource counts them as closes, with [`CLOSE_METHODS`].
pub(crate) const PROCESS_END_METHODS: &[&str] = &["wait", "communicate", "kill"];

/// Cleanup calls a handler may swallow errors of (ERR002): releasing, cancelling,
/// removing, killing.
pub(crate) const CLEANUP_METHODS: &[&str] = &[
    "close",
    "aclose",
    "dispose",
    "shutdown",
    "cancel",
    "unlink",
    "remove",
    "rmtree",
    "kill",
    "terminate",
    "release",
];

/// The verbs of closing a long-lived client, pool or engine. RES006 and
/// GOOD007 read them through `rules::res::shutdown::closes`: RES006 also
/// takes `close_all`, GOOD007 also `terminate` and helpers named `<verb>_...`
/// (`close_redis()`).
pub(crate) const CLIENT_CLOSE_VERBS: &[&str] =
    &["close", "aclose", "dispose", "shutdown", "disconnect"];

/// Names of methods (defined on a class) that close what the class owns: a class
/// with one closes its clients (RES001).
pub(crate) const CLOSING_METHOD_NAMES: &[&str] = &[
    "close",
    "aclose",
    "shutdown",
    "dispose",
    "__exit__",
    "__aexit__",
    "__del__",
    "stop",
    "cleanup",
    "teardown",
    "disconnect",
];

/// Methods that release a resource when called in `finally` (GOOD005).
pub(crate) const FINALLY_RELEASE_METHODS: &[&str] =
    &["close", "aclose", "dispose", "shutdown", "release"];
