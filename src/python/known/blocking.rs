//! Calls that block: sleeps, methods that wait until something happens, the
//! blocking calls ASYNC003 reports; and the state checks that do not wait.

use super::http::REQUESTS_HTTP_FUNCTIONS;

/// Qualified names of sleep functions.
pub(crate) const SLEEPS: &[&str] = &[
    "time.sleep",
    "asyncio.sleep",
    "anyio.sleep",
    "trio.sleep",
    "gevent.sleep",
    "eventlet.sleep",
];

/// Methods that block until something happens (`queue.get`, `event.wait`,
/// `sock.recv`, `redis.brpop`), called on a receiver: they pace a loop.
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

/// Methods that report a state without waiting for it (`event.is_set()`,
/// `lock.locked()`, `task.done()`, `queue.empty()`): polled in a loop (ASYNC004).
pub(crate) const STATE_POLL_METHODS: &[&str] =
    &["is_set", "locked", "done", "empty", "full", "qsize"];

/// What kind of blocking call a qualified callee is, for ASYNC003: `sleep`
/// (`time.sleep`), `network` (`requests.get`, sync `httpx`, `urlopen`), `database`
/// (`sqlite3.connect`, `psycopg2.connect`), `subprocess` (`subprocess.run`,
/// `os.system`) or `file I/O` (`open`).
pub(crate) fn blocking_call_kind(q: &str) -> Option<&'static str> {
    let http = REQUESTS_HTTP_FUNCTIONS;
    let (module, func) = q.rsplit_once('.').unwrap_or(("", q));
    Some(match (module, func) {
        ("time", "sleep") => "sleep",
        ("requests", f) if http.contains(&f) => "network",
        ("httpx", f) if http.contains(&f) || f == "stream" || f == "Client" => "network",
        ("urllib.request", "urlopen") => "network",
        ("sqlite3", "connect") | ("psycopg2", "connect") => "database",
        ("subprocess", "run" | "call" | "check_call" | "check_output") | ("os", "system") => {
            "subprocess"
        }
        ("", "open") => "file I/O",
        _ => return None,
    })
}
