//! Exception types.

/// Handler types that catch everything (with a bare `except:`).
pub(crate) const BROAD_EXCEPTIONS: &[&str] = &["Exception", "BaseException", "builtins.Exception"];
