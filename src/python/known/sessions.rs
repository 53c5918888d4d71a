//! Database sessions and connections: session and factory types, the usual names
//! of session objects and factories, and the methods of a database handle that
//! run a query or only stage work.

/// The usual names of database session / connection objects, sessions whatever
/// they are bound to.
pub(crate) const CONVENTIONAL_SESSION_PATHS: &[&str] = &[
    "db",
    "session",
    "self.db",
    "self._db",
    "self.session",
    "self._session",
];

/// SQLAlchemy / SQLModel session classes (RES005).
pub(crate) const SESSION_TYPES: &[&str] = &[
    "sqlalchemy.orm.Session",
    "sqlalchemy.orm.session.Session",
    "sqlmodel.Session",
    "sqlalchemy.ext.asyncio.AsyncSession",
    "sqlmodel.ext.asyncio.session.AsyncSession",
];

/// Session factory constructors (`sessionmaker(...)`) (RES005).
pub(crate) const SESSION_FACTORY_TYPES: &[&str] = &[
    "sqlalchemy.orm.sessionmaker",
    "sqlalchemy.orm.session.sessionmaker",
    "sqlalchemy.ext.asyncio.async_sessionmaker",
];

/// Session methods that stage or end work without running a query per item
/// (PERF001).
pub(crate) const SESSION_STAGING_METHODS: &[&str] = &[
    "add",
    "add_all",
    "delete",
    "expunge",
    "expunge_all",
    "flush",
    "commit",
    "rollback",
    "close",
    "begin",
    "merge_result",
];

/// Methods of a database handle whose first argument is the statement text.
pub(crate) const STATEMENT_METHODS: &[&str] = &[
    "execute",
    "executemany",
    "exec",
    "exec_driver_sql",
    "scalar",
    "scalars",
    "fetch",
    "fetchrow",
    "fetchval",
];

/// Methods that run a query on a generic database handle (`db`, `session`,
/// `cursor`, `conn`). Other methods on such handles (`conn.request` of
/// `http.client`, `session.emit` of botocore, `conn.send_bytes` of
/// `multiprocessing`, `con.create_function` of sqlite3, `cur.append` on a list)
/// are not queries.
pub(crate) const QUERY_METHODS: &[&str] = &[
    "execute",
    "executemany",
    "exec",
    "exec_driver_sql",
    "query",
    "get",
    "scalar",
    "scalars",
    "scalar_one",
    "scalar_one_or_none",
    "fetch",
    "fetchrow",
    "fetchval",
    "fetchone",
    "fetchall",
    "filter",
    "filter_by",
    "find",
    "find_one",
    "count",
    "count_documents",
    "aggregate",
    "select",
    "insert",
    "insert_one",
    "update_one",
    "replace_one",
    "delete_one",
    "refresh",
    "merge",
    "load",
    "run",
    "callproc",
];

/// The usual names of session factories (`SessionLocal = sessionmaker(...)`),
/// factories wherever they are defined: (name, whether it makes async sessions)
/// (RES005).
pub(crate) const CONVENTIONAL_SESSION_FACTORIES: &[(&str, bool)] =
    &[("SessionLocal", false), ("AsyncSessionLocal", true)];
