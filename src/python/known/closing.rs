//! Method names that release a resource or client.

/// Methods that release a resource or client.
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
