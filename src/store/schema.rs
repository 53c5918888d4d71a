//! Versioned schema migrations, tracked with `PRAGMA user_version`.
//!
//! Each entry of [`MIGRATIONS`] moves the schema from version `i` to `i + 1`; all
//! pending ones run in one transaction, so a failed upgrade leaves the file as it
//! was. Never edit a released migration: append a new one (a test opens a
//! database made by version 1 and checks that nothing is lost).

use rusqlite::Connection;

use super::error::{Result, StoreError};

/// Version 1: scans, files, findings, locations over time, the event log.
const V1: &str = r#"
CREATE TABLE scans (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at      INTEGER NOT NULL,
    trigger         TEXT    NOT NULL,
    git_commit      TEXT,
    root            TEXT    NOT NULL,
    partial         INTEGER NOT NULL DEFAULT 0,
    files_scanned   INTEGER NOT NULL DEFAULT 0,
    lines_scanned   INTEGER NOT NULL DEFAULT 0,
    duration_ms     INTEGER NOT NULL DEFAULT 0,
    rule_set        TEXT    NOT NULL DEFAULT '',
    new_count       INTEGER NOT NULL DEFAULT 0,
    fixed_count     INTEGER NOT NULL DEFAULT 0,
    regressed_count INTEGER NOT NULL DEFAULT 0,
    moved_count     INTEGER NOT NULL DEFAULT 0,
    removed_count   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE files (
    path         TEXT PRIMARY KEY,
    hash         TEXT    NOT NULL,
    lines        INTEGER NOT NULL,
    analysed     INTEGER NOT NULL,
    problems     TEXT    NOT NULL DEFAULT '[]',
    last_scan_id INTEGER REFERENCES scans(id),
    deleted      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE findings (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    fingerprint   TEXT    NOT NULL,
    line_hash     TEXT    NOT NULL,
    anchor_text   TEXT    NOT NULL DEFAULT '',
    rule          TEXT    NOT NULL,
    name          TEXT    NOT NULL DEFAULT '',
    kind          TEXT    NOT NULL DEFAULT 'finding',
    severity      TEXT,
    path          TEXT    NOT NULL,
    line          INTEGER NOT NULL,
    end_line      INTEGER NOT NULL,
    col           INTEGER NOT NULL DEFAULT 0,
    end_col       INTEGER NOT NULL DEFAULT 0,
    scope         TEXT    NOT NULL DEFAULT '',
    message       TEXT    NOT NULL,
    fix_before    TEXT,
    fix_after     TEXT,
    related       TEXT    NOT NULL DEFAULT '[]',
    detection     TEXT    NOT NULL DEFAULT 'open',
    triage        TEXT    NOT NULL DEFAULT 'needs_review',
    triage_note   TEXT,
    triage_by     TEXT,
    triage_at     INTEGER,
    suppressed    INTEGER NOT NULL DEFAULT 0,
    suppression   TEXT,
    after_code    TEXT,
    after_line    INTEGER,
    first_scan_id INTEGER REFERENCES scans(id),
    last_scan_id  INTEGER REFERENCES scans(id),
    first_seen_at INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    fixed_at      INTEGER
);
CREATE INDEX findings_fingerprint ON findings(fingerprint);
CREATE INDEX findings_path ON findings(path);
CREATE TABLE locations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    finding_id INTEGER NOT NULL REFERENCES findings(id),
    scan_id    INTEGER REFERENCES scans(id),
    path       TEXT    NOT NULL,
    line       INTEGER NOT NULL,
    end_line   INTEGER NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX locations_finding ON locations(finding_id);
CREATE TABLE events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    finding_id INTEGER NOT NULL REFERENCES findings(id),
    scan_id    INTEGER REFERENCES scans(id),
    at         INTEGER NOT NULL,
    actor      TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    from_value TEXT,
    to_value   TEXT,
    note       TEXT
);
CREATE INDEX events_finding ON events(finding_id);
"#;

/// Version 2: manual findings (title, description) and indexes for the weekly
/// history.
const V2: &str = r#"
ALTER TABLE findings ADD COLUMN title TEXT;
ALTER TABLE findings ADD COLUMN description TEXT;
CREATE INDEX events_kind_at ON events(kind, at);
CREATE INDEX findings_rule ON findings(rule);
"#;

/// Version 3: what an incremental scan needs to skip an unchanged file: its
/// project-wide facts (JSON) and the analysis key of the scan that wrote them
/// (`crate::scan::known`).
const V3: &str = r#"
ALTER TABLE files ADD COLUMN facts TEXT;
ALTER TABLE files ADD COLUMN analysis_key TEXT;
"#;

/// Version 4: each finding's confidence and the project model's evidence for
/// it (JSON steps), and each file's module summary (a compact binary
/// encoding, `crate::model::summary`), read back only when another file
/// changed and the project model must be built again. Summaries have their
/// own table: a scan that skips a file as unchanged updates its `files` row,
/// and a BLOB in that row would be written again each time.
const V4: &str = r#"
ALTER TABLE findings ADD COLUMN confidence TEXT;
ALTER TABLE findings ADD COLUMN evidence TEXT;
CREATE TABLE summaries (
    path    TEXT PRIMARY KEY,
    summary BLOB NOT NULL
);
"#;

pub const MIGRATIONS: &[&str] = &[V1, V2, V3, V4];

/// The schema version this build writes.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// Brings the database up to [`LATEST`]; refuses a newer schema untouched.
pub fn migrate(conn: &Connection) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > LATEST {
        return Err(StoreError::NewerSchema {
            path: Default::default(),
            found: version,
            supported: LATEST,
        });
    }
    if version == LATEST {
        return Ok(());
    }
    if version == 0 {
        // A version-0 file must be empty: never adopt someone else's database.
        let tables: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )?;
        if tables > 0 {
            return Err(StoreError::Invalid(
                "this SQLite file already holds tables but is not an auditbench database; it was left untouched".into(),
            ));
        }
    }
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let res = (|| -> Result<()> {
        // Re-read under the write lock: another process may have migrated.
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            conn.execute_batch(sql)?;
            conn.execute_batch(&format!("PRAGMA user_version = {}", i + 1))?;
        }
        Ok(())
    })();
    match res {
        Ok(()) => {
            conn.execute_batch("COMMIT")?;
            Ok(())
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}
