//! The project database: every scan, finding and human decision, in one local
//! SQLite file (by default `<project>/.auditbench/audit.db`).
//!
//! The CLI, the watcher and the desktop app all use the same functions:
//!
//! ```no_run
//! # use auditbench::store::{Store, SyncOptions, SyncScope, Trigger};
//! # fn demo(scan: &auditbench::ScanResult) -> Result<(), auditbench::store::StoreError> {
//! let mut store = Store::open(".auditbench/audit.db")?;
//! let summary = store.sync(scan, &SyncOptions::new(SyncScope::Full, Trigger::Cli))?;
//! println!("{} new, {} fixed", summary.new.len(), summary.fixed.len());
//! # Ok(()) }
//! ```
//!
//! Two status axes: detection (`open`, `fixed`, `regressed`, `removed`) is set
//! only by [`Store::sync`]; triage (`needs_review`, `confirmed`, ...) only by
//! people through [`Store::triage`]. Nothing a person wrote is deleted by a scan.

mod error;
mod fix_events;
mod identity;
pub mod manual;
pub mod queries;
pub mod report_queries;
pub mod schema;
pub mod standing;
mod sync;
pub mod triage;
mod types;
mod unchanged;
pub mod week;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

pub use error::{Result, StoreError};
pub use manual::ManualFinding;
pub use queries::{
    FileCount, FindingDetail, FindingFilter, FindingList, FindingRow, HistoryEvent, Location,
    SortKey, WeekRow,
};
pub use standing::Standing;
pub use sync::{SyncOptions, SyncScope, SyncSummary, Trigger};
pub use triage::{ImportSummary, TriageChange, TriageExport};
pub use types::{Detection, FindingRef, Triage, MANUAL_RULE};

/// How long a writer waits for another writer before reporting "locked".
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Default database location for a project folder: `.auditbench/audit.db`.
/// The audited repository is not ours: if it ships `.auditbench` (or the database
/// file) as a symlink leading out of the project, this refuses rather than write
/// the database wherever the repository points.
pub fn default_path(project: &Path) -> Result<PathBuf> {
    let dir = project.join(".auditbench");
    let path = dir.join("audit.db");
    let root = project
        .canonicalize()
        .unwrap_or_else(|_| project.to_path_buf());
    for p in [&dir, &path] {
        let is_link = std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
        if is_link && !p.canonicalize().is_ok_and(|t| t.starts_with(&root)) {
            return Err(StoreError::Invalid(format!(
                "{} is a symlink leading out of the project: refusing to write the project database there (pass --db to choose a location)",
                p.display()
            )));
        }
    }
    Ok(path)
}

/// An open project database. Not `Sync`: a multi-threaded host (the desktop app)
/// keeps it behind a mutex or opens one per thread; several processes may open
/// the same file at once (WAL mode, busy timeout).
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating it and its folder if needed) and migrates a database.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        Self::open_inner(path.as_ref(), true)
    }

    /// Opens an existing database; fails with [`StoreError::Missing`] when absent.
    pub fn open_existing(path: impl AsRef<Path>) -> Result<Store> {
        Self::open_inner(path.as_ref(), false)
    }

    fn open_inner(path: &Path, create: bool) -> Result<Store> {
        if !path.exists() {
            if !create {
                return Err(StoreError::Missing(path.to_path_buf()));
            }
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                let fresh = !dir.exists();
                std::fs::create_dir_all(dir).map_err(|e| StoreError::Io {
                    path: dir.to_path_buf(),
                    source: e,
                })?;
                if fresh && dir.file_name().is_some_and(|n| n == ".auditbench") {
                    // The database is this machine's: keep it out of the
                    // project's git without asking the team to edit their
                    // .gitignore (as Ruff's cache does). A folder that existed
                    // is left as its owners made it.
                    let _ = std::fs::write(
                        dir.join(".gitignore"),
                        "# Written by auditbench: the project database is local (share triage with `auditbench export-triage`).\n*\n",
                    );
                }
            }
        }
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|e| StoreError::from_sqlite(e, path))?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.configure()?;
        schema::migrate(&store.conn).map_err(|e| e.with_path(path))?;
        Ok(store)
    }

    fn configure(&self) -> Result<()> {
        let path = &self.path;
        self.conn
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| StoreError::from_sqlite(e, path))?;
        if self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
            return Err(StoreError::ReadOnly(path.clone()));
        }
        // Reading the schema first tells a corrupt file or a non-database apart.
        self.conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })
            .map_err(|e| StoreError::from_sqlite(e, path))?;
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(|e| StoreError::from_sqlite(e, path))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!("database {} is in {mode} mode, not WAL", path.display());
        }
        self.conn
            .execute_batch("PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;")
            .map_err(|e| StoreError::from_sqlite(e, path))?;
        Ok(())
    }

    /// How long to wait for another process's write before failing with
    /// [`StoreError::Locked`] (default [`BUSY_TIMEOUT`]).
    pub fn set_busy_timeout(&self, timeout: Duration) -> Result<()> {
        self.conn
            .busy_timeout(timeout)
            .map_err(|e| StoreError::from_sqlite(e, &self.path))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Direct access for tests and diagnostics (read-only use recommended).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// Seconds since the Unix epoch; `AUDITBENCH_NOW` (seconds) overrides it, so
/// that tests and demos can simulate scans over several weeks.
pub fn now() -> i64 {
    if let Some(v) = std::env::var("AUDITBENCH_NOW")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return v;
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Who is acting: `AUDITBENCH_USER`, else the login name from the environment,
/// else the account's name from the system (a desktop app started by a service
/// manager or under Xvfb often has no `USER`), else `unknown`.
pub fn default_actor() -> String {
    ["AUDITBENCH_USER", "USER", "USERNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .or_else(|| whoami::fallible::username().ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "unknown".into())
}

/// The commit checked out at `root`, when it is in a git repository.
pub fn git_head(root: &Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--verify", "-q", "HEAD"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}
