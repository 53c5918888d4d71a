//! Exception types: those that catch everything, those that catch a
//! cancellation.

/// Handler types that catch everything (with a bare `except:`).
pub(crate) const BROAD_EXCEPTIONS: &[&str] = &["Exception", "BaseException", "builtins.Exception"];

/// Handler types that catch a task's cancellation (ASYNC006). The first two are
/// the cancellation itself (ASYNC006 reads `[..2]`), the last catches it with
/// everything else.
pub(crate) const CANCELLATION_CATCHERS: &[&str] = &[
    "asyncio.CancelledError",
    "asyncio.exceptions.CancelledError",
    "BaseException",
];
