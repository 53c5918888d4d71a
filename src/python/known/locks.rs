//! Lock types: constructors whose instances are locks (or lock-like) for `with`
//! regions, and the limiters that bound concurrency.

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

/// Semaphores and capacity limiters: `with` one bounds concurrency (GOOD008).
pub(crate) const CONCURRENCY_LIMITERS: &[&str] = &[
    "asyncio.Semaphore",
    "asyncio.BoundedSemaphore",
    "threading.Semaphore",
    "threading.BoundedSemaphore",
    "anyio.Semaphore",
    "anyio.CapacityLimiter",
];
