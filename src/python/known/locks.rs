//! Lock types: constructors whose instances are locks (or lock-like) for `with`
//! regions.

/// Constructors whose instances are locks (or lock-like) for `with` regions.
pub(crate) const LOCK_TYPES: &[&str] = &[
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
