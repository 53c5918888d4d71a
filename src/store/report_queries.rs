//! Read queries for the audit report (`crate::report`): every finding with its
//! kind, the scan history, the files table and the commit that recorded each fix.

use std::collections::BTreeMap;

use serde::Serialize;

use super::error::{Result, StoreError};
use super::Store;

pub use super::queries::FindingRow;

/// A finding as the report needs it: the list row plus its kind.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReportRow {
    #[serde(flatten)]
    pub row: FindingRow,
    /// `finding` or `strength`.
    pub kind: String,
    pub first_scan_id: Option<i64>,
    pub last_scan_id: Option<i64>,
}

/// One recorded scan.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ScanRecord {
    pub id: i64,
    pub started_at: i64,
    pub trigger: String,
    pub git_commit: Option<String>,
    pub root: String,
    pub partial: bool,
    pub files_scanned: usize,
    pub lines_scanned: usize,
    /// Comma-separated rule ids; empty = every rule.
    pub rule_set: String,
}

/// One file known to the database.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FileRecord {
    pub path: String,
    pub lines: usize,
    pub analysed: bool,
    pub deleted: bool,
}

/// The list query's columns, then the report's extra ones (from index 27).
fn report_columns() -> String {
    format!(
        "{}, kind, first_scan_id, last_scan_id",
        super::queries::COLUMNS
    )
}

impl Store {
    /// Every finding and strength, by id.
    pub fn report_rows(&self) -> Result<Vec<ReportRow>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {} FROM findings ORDER BY id",
            report_columns()
        ))?;
        let rows = st
            .query_map([], |r| {
                Ok(ReportRow {
                    row: super::queries::row(r)?,
                    kind: r.get(27)?,
                    first_scan_id: r.get(28)?,
                    last_scan_id: r.get(29)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| StoreError::from_sqlite(e, &self.path))?;
        Ok(rows)
    }

    /// Every scan, oldest first.
    pub fn scans(&self) -> Result<Vec<ScanRecord>> {
        let mut st = self.conn.prepare(
            "SELECT id, started_at, trigger, git_commit, root, partial, files_scanned,
                    lines_scanned, rule_set FROM scans ORDER BY started_at, id",
        )?;
        let rows = st
            .query_map([], |r| {
                Ok(ScanRecord {
                    id: r.get(0)?,
                    started_at: r.get(1)?,
                    trigger: r.get(2)?,
                    git_commit: r.get(3)?,
                    root: r.get(4)?,
                    partial: r.get::<_, i64>(5)? != 0,
                    files_scanned: r.get::<_, i64>(6)? as usize,
                    lines_scanned: r.get::<_, i64>(7)? as usize,
                    rule_set: r.get(8)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Every file, by path.
    pub fn files(&self) -> Result<Vec<FileRecord>> {
        let mut st = self
            .conn
            .prepare("SELECT path, lines, analysed, deleted FROM files ORDER BY path")?;
        let rows = st
            .query_map([], |r| {
                Ok(FileRecord {
                    path: r.get(0)?,
                    lines: r.get::<_, i64>(1)? as usize,
                    analysed: r.get::<_, i64>(2)? != 0,
                    deleted: r.get::<_, i64>(3)? != 0,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// For each fixed finding, the commit of the scan that last recorded it as
    /// fixed (when that scan knew its commit).
    pub fn fix_commits(&self) -> Result<BTreeMap<i64, String>> {
        let mut st = self.conn.prepare(
            "SELECT e.finding_id, s.git_commit FROM events e JOIN scans s ON s.id = e.scan_id
             WHERE e.kind = 'fixed' AND s.git_commit IS NOT NULL ORDER BY e.at, e.id",
        )?;
        let mut map = BTreeMap::new();
        let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        for r in rows {
            let (id, c) = r?;
            map.insert(id, c);
        }
        Ok(map)
    }
}
