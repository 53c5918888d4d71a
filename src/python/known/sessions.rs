//! Database sessions and connections: the usual names of session objects.

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
