//! Caching decorators.

/// Memoizing decorators that keep every argument tuple (and `self`) alive (MEM003).
pub(crate) const MEMOIZING_DECORATORS: &[&str] = &["functools.lru_cache", "functools.cache"];
