//! Manual findings: what an auditor found that no rule catches (a wrong cache
//! size estimate, a pool configuration). Rule id `MANUAL`; tracked like rule
//! findings: they follow their anchor line when code moves, are `removed` with
//! their file, and have the same triage and history. Only a person closes them
//! (triage), since no scan can tell that they are fixed.

use rusqlite::params;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::error::{Result, StoreError};
use super::identity;
use super::types::MANUAL_RULE;
use super::Store;
use crate::finding::Severity;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManualFinding {
    /// Relative to the project root, forward slashes.
    pub path: String,
    pub line: usize,
    pub severity: Severity,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The recommended fix (free text or code).
    #[serde(default)]
    pub fix: Option<String>,
}

pub(crate) fn fingerprint(path: &str, anchor: &str, salt: i64) -> String {
    let mut h = Sha256::new();
    for part in [MANUAL_RULE, path, anchor, &salt.to_string()] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    h.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Store {
    /// Records a manual finding whose anchor line (the text of line `m.line`
    /// of its file, which the finding follows when code moves) is `anchor`;
    /// `crate::project::manual::add` reads it from the project. Returns its id.
    pub fn add_manual(
        &mut self,
        m: &ManualFinding,
        anchor: &str,
        actor: &str,
        at: Option<i64>,
    ) -> Result<i64> {
        let db = self.path.clone();
        self.add_manual_inner(m, anchor, actor, at)
            .map_err(|e| e.with_path(&db))
    }

    fn add_manual_inner(
        &mut self,
        m: &ManualFinding,
        anchor: &str,
        actor: &str,
        at: Option<i64>,
    ) -> Result<i64> {
        if m.title.trim().is_empty() {
            return Err(StoreError::Invalid("a manual finding needs a title".into()));
        }
        if m.line == 0 {
            return Err(StoreError::Invalid("lines start at 1".into()));
        }
        let path = normal_path(&m.path);
        let at = at.unwrap_or_else(super::now);
        let db = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| StoreError::from_sqlite(e, &db))?;
        let id = insert_manual(&tx, m, &path, anchor, actor, at, None)?;
        tx.commit().map_err(|e| StoreError::from_sqlite(e, &db))?;
        Ok(id)
    }
}

/// A manual finding's path as stored: forward slashes, no leading `./`.
pub fn normal_path(path: &str) -> String {
    path.replace('\\', "/").trim_start_matches("./").to_string()
}

/// Inserts a manual finding in an open transaction; `fp` forces the fingerprint
/// (import keeps the exporter's fingerprint so a second import matches it).
pub(crate) fn insert_manual(
    tx: &rusqlite::Transaction,
    m: &ManualFinding,
    path: &str,
    anchor: &str,
    actor: &str,
    at: i64,
    fp: Option<&str>,
) -> Result<i64> {
    tx.execute(
        "INSERT INTO findings (fingerprint, line_hash, anchor_text, rule, name, kind, severity,
             path, line, end_line, message, fix_after, detection, first_seen_at, last_seen_at,
             title, description)
         VALUES ('', ?1, ?2, ?3, 'manual-finding', 'finding', ?4, ?5, ?6, ?6, ?7, ?8, 'open',
             ?9, ?9, ?7, ?10)",
        params![
            identity::line_hash(MANUAL_RULE, path, anchor),
            anchor,
            MANUAL_RULE,
            m.severity.as_str(),
            path,
            m.line as i64,
            m.title,
            m.fix,
            at,
            m.description
        ],
    )?;
    let id = tx.last_insert_rowid();
    let fp = fp
        .map(str::to_string)
        .unwrap_or_else(|| fingerprint(path, anchor, id));
    tx.execute(
        "UPDATE findings SET fingerprint = ?2 WHERE id = ?1",
        params![id, fp],
    )?;
    tx.execute(
        "INSERT INTO locations (finding_id, path, line, end_line, at) VALUES (?1, ?2, ?3, ?3, ?4)",
        params![id, path, m.line as i64, at],
    )?;
    tx.execute(
        "INSERT INTO events (finding_id, at, actor, kind, to_value, note)
         VALUES (?1, ?2, ?3, 'detected', 'open', 'recorded by hand')",
        params![id, at, actor],
    )?;
    Ok(id)
}
