//! Calls that block: sleeps, and methods that wait until something happens.

/// Qualified names of sleep functions.
pub(crate) const SLEEPS: &[&str] = &[
    "time.sleep",
    "asyncio.sleep",
    "anyio.sleep",
    "trio.sleep",
    "gevent.sleep",
    "eventlet.sleep",
];

pub(crate) const BLOCKING_WAIT_METHODS: &[&str] = &[
    "wait",
    "wait_for",
    "receive",
    "recv",
    "recv_json",
    "recv_multipart",
    "accept",
    "get_message",
    "brpop",
    "blpop",
    "bzpopmin",
    "xread",
    "xreadgroup",
    "select",
];
