//! Clock reads: calls that return the current time.

/// Clock reads: a loop whose condition reads the clock polls for a deadline (ASYNC004).
pub(crate) const POLLED_CLOCKS: &[&str] = &[
    "time.time",
    "time.monotonic",
    "time.perf_counter",
    "time.time_ns",
    "time.monotonic_ns",
    "datetime.datetime.now",
    "datetime.datetime.utcnow",
];

/// Clock reads that date an entry or check its age (MEM005).
pub(crate) const EXPIRY_CLOCKS: &[&str] = &[
    "time.time",
    "time.time_ns",
    "time.monotonic",
    "time.monotonic_ns",
    "time.perf_counter",
    "datetime.datetime.now",
    "datetime.datetime.utcnow",
    "datetime.datetime.today",
    "django.utils.timezone.now",
];
