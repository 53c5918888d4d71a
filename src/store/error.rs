//! Store errors: each failure a person can act on gets its own clear message.

use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no project database at {0} (run `auditbench scan` first or pass --db)")]
    Missing(PathBuf),
    #[error("the project database {0} is locked by another process (waited {secs}s); try again when the other scan or app has finished", secs = super::BUSY_TIMEOUT.as_secs())]
    Locked(PathBuf),
    #[error("the project database {0} is read-only: check the file and folder permissions")]
    ReadOnly(PathBuf),
    #[error("the disk holding the project database {0} is full: nothing of this change was written (the database is as it was); free some space and try again")]
    DiskFull(PathBuf),
    #[error("{0} is not a valid auditbench database (corrupt or not SQLite): {1}; it was left untouched, move it away to start a new one")]
    Corrupt(PathBuf, String),
    #[error("the project database {path} has schema version {found}, newer than this auditbench understands (up to {supported}): upgrade auditbench; the file was left untouched")]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("no finding with id {0}")]
    NoSuchFinding(i64),
    #[error("{0}")]
    Invalid(String),
    #[error("cannot access {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
}

/// Whether the file system holding `db` has no room left: a small probe file
/// beside it cannot be written and synced for want of space.
fn disk_is_full(db: &Path) -> bool {
    use std::io::Write;
    let probe = db.with_extension("space-probe");
    let result = std::fs::File::create(&probe)
        .and_then(|mut f| f.write_all(&[0u8; 64 * 1024]).and_then(|_| f.sync_all()));
    let _ = std::fs::remove_file(&probe);
    matches!(result, Err(e) if e.kind() == std::io::ErrorKind::StorageFull)
}

impl StoreError {
    /// Classifies a SQLite error (locked, read-only, corrupt) for `path`.
    pub fn from_sqlite(e: rusqlite::Error, path: &Path) -> StoreError {
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
                StoreError::Locked(path.to_path_buf())
            }
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly(path.to_path_buf()),
            Some(ErrorCode::DiskFull) => StoreError::DiskFull(path.to_path_buf()),
            // SQLite reports some writes that fail for want of space (the WAL's
            // shared-memory file on tmpfs) as a plain I/O error: ask the disk.
            Some(ErrorCode::SystemIoFailure) if disk_is_full(path) => {
                StoreError::DiskFull(path.to_path_buf())
            }
            Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => {
                StoreError::Corrupt(path.to_path_buf(), e.to_string())
            }
            _ => StoreError::Sqlite(e),
        }
    }

    /// Fills in the path of errors classified without one.
    pub(crate) fn with_path(self, path: &Path) -> StoreError {
        match self {
            StoreError::Sqlite(e) => StoreError::from_sqlite(e, path),
            StoreError::NewerSchema {
                found, supported, ..
            } => StoreError::NewerSchema {
                path: path.to_path_buf(),
                found,
                supported,
            },
            StoreError::Locked(p) if p.as_os_str().is_empty() => {
                StoreError::Locked(path.to_path_buf())
            }
            StoreError::ReadOnly(p) if p.as_os_str().is_empty() => {
                StoreError::ReadOnly(path.to_path_buf())
            }
            StoreError::DiskFull(p) if p.as_os_str().is_empty() => {
                StoreError::DiskFull(path.to_path_buf())
            }
            StoreError::Corrupt(p, m) if p.as_os_str().is_empty() => {
                StoreError::Corrupt(path.to_path_buf(), m)
            }
            other => other,
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
                StoreError::Locked(PathBuf::new())
            }
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly(PathBuf::new()),
            Some(ErrorCode::DiskFull) => StoreError::DiskFull(PathBuf::new()),
            Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => {
                StoreError::Corrupt(PathBuf::new(), e.to_string())
            }
            _ => StoreError::Sqlite(e),
        }
    }
}
