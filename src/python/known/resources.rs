//! Closable resources other than pooled clients: files, sockets, processes,
//! database connections, archives; and what manages their closing.

/// Resources RES003 tracks: (qualified opener, whether its own context manager
/// closes it).
pub(crate) const CLOSABLE_RESOURCES: &[(&str, bool)] = &[
    ("sqlite3.connect", false),
    ("duckdb.connect", true),
    ("psycopg2.connect", false),
    ("psycopg.connect", true),
    ("psycopg.Connection.connect", true),
    ("pymysql.connect", false),
    ("open", true),
    ("io.open", true),
    ("socket.socket", true),
    ("socket.create_connection", true),
    ("urllib.request.urlopen", true),
    ("subprocess.Popen", true),
    ("zipfile.ZipFile", true),
    ("tarfile.open", true),
];

/// Wrappers whose context manager closes the resource given to them
/// (`with closing(x)`).
pub(crate) const CLOSING_WRAPPERS: &[&str] = &["contextlib.closing"];

/// `ExitStack` / `AsyncExitStack` methods that take a resource over and close it
/// with the stack.
pub(crate) const EXIT_STACK_ENTER_METHODS: &[&str] = &["enter_context", "enter_async_context"];

/// Connections whose own context manager ends a transaction but does not close
/// the connection (RES004).
pub(crate) const CONTEXT_MANAGER_KEEPS_OPEN: &[&str] = &["sqlite3.connect", "psycopg2.connect"];

/// Openers whose `with` closes what they open (GOOD005).
pub(crate) const SELF_CLOSING_CONTEXT_MANAGERS: &[&str] = &[
    "open",
    "io.open",
    "contextlib.closing",
    "contextlib.aclosing",
    "socket.socket",
    "socket.create_connection",
    "zipfile.ZipFile",
    "tarfile.open",
    "tempfile.NamedTemporaryFile",
    "tempfile.TemporaryDirectory",
    "subprocess.Popen",
    "psycopg.connect",
    "duckdb.connect",
    "sqlalchemy.orm.Session",
    "sqlalchemy.ext.asyncio.AsyncSession",
];
