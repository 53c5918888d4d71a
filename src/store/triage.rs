//! Triage: decisions people make about findings (who, when, why), notes, and the
//! export/import of decisions as JSON so that two auditors can merge their work.
//!
//! Import merges by finding identity (fingerprint, then line-content hash); when
//! both sides decided, the later decision wins; manual findings missing from the
//! target database are created.

use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};

use super::error::{Result, StoreError};
use super::manual::{insert_manual, ManualFinding};
use super::types::{Triage, MANUAL_RULE};
use super::Store;

/// A triage decision to apply.
#[derive(Debug, Clone)]
pub struct TriageChange {
    pub status: Triage,
    pub note: Option<String>,
    pub actor: String,
    /// Default: now.
    pub at: Option<i64>,
}

/// One exported decision (or manual finding).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Decision {
    pub fingerprint: String,
    pub line_hash: String,
    pub rule: String,
    pub path: String,
    pub line: usize,
    pub triage: Triage,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub by: Option<String>,
    #[serde(default)]
    pub at: Option<i64>,
    /// Present for manual findings, so that an import can create them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual: Option<ManualFinding>,
    #[serde(default)]
    pub anchor_text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TriageExport {
    /// Always `auditbench-triage`.
    pub format: String,
    pub version: u32,
    pub exported_at: i64,
    pub decisions: Vec<Decision>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ImportSummary {
    /// Decisions applied (newer than the local one, or no local one).
    pub applied: usize,
    /// Decisions identical to the local one.
    pub unchanged: usize,
    /// Decisions older than a different local decision: local kept.
    pub kept_local: usize,
    /// Decisions whose finding is not in this database.
    pub unmatched: usize,
    /// Manual findings created.
    pub created_manual: usize,
}

impl Store {
    /// Sets the triage status of findings (all or none). `accepted_risk` needs a
    /// justification; `suppressed` comes only from source comments.
    pub fn triage(&mut self, ids: &[i64], change: &TriageChange) -> Result<()> {
        let db = self.path.clone();
        self.triage_inner(ids, change).map_err(|e| e.with_path(&db))
    }

    fn triage_inner(&mut self, ids: &[i64], change: &TriageChange) -> Result<()> {
        if change.status == Triage::Suppressed {
            return Err(StoreError::Invalid(
                "`suppressed` comes from source comments (`# auditbench: ignore[RULE] -- reason`); use false_positive, accepted_risk or wont_fix".into(),
            ));
        }
        let note = change
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        if change.status == Triage::AcceptedRisk && note.is_none() {
            return Err(StoreError::Invalid(
                "accepted_risk needs a justification (--note \"why the risk is acceptable\")"
                    .into(),
            ));
        }
        let at = change.at.unwrap_or_else(super::now);
        let db = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| StoreError::from_sqlite(e, &db))?;
        for &id in ids {
            let old: Option<String> = tx
                .query_row("SELECT triage FROM findings WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()?;
            let Some(old) = old else {
                return Err(StoreError::NoSuchFinding(id));
            };
            tx.execute(
                "UPDATE findings SET triage = ?2, triage_note = ?3, triage_by = ?4, triage_at = ?5
                 WHERE id = ?1",
                params![id, change.status.as_str(), note, change.actor, at],
            )?;
            tx.execute(
                "INSERT INTO events (finding_id, at, actor, kind, from_value, to_value, note)
                 VALUES (?1, ?2, ?3, 'triage_changed', ?4, ?5, ?6)",
                params![id, at, change.actor, old, change.status.as_str(), note],
            )?;
        }
        tx.commit().map_err(|e| StoreError::from_sqlite(e, &db))?;
        Ok(())
    }

    /// Appends a note to a finding's history (its triage is unchanged).
    pub fn add_note(&mut self, id: i64, actor: &str, note: &str, at: Option<i64>) -> Result<()> {
        let db = self.path.clone();
        self.add_note_inner(id, actor, note, at)
            .map_err(|e| e.with_path(&db))
    }

    fn add_note_inner(&mut self, id: i64, actor: &str, note: &str, at: Option<i64>) -> Result<()> {
        let at = at.unwrap_or_else(super::now);
        let n = self
            .conn
            .query_row("SELECT count(*) FROM findings WHERE id = ?1", [id], |r| {
                r.get::<_, i64>(0)
            })?;
        if n == 0 {
            return Err(StoreError::NoSuchFinding(id));
        }
        self.conn
            .execute(
                "INSERT INTO events (finding_id, at, actor, kind, note)
                 VALUES (?1, ?2, ?3, 'note_added', ?4)",
                params![id, at, actor, note],
            )
            .map_err(|e| StoreError::from_sqlite(e, &self.path))?;
        Ok(())
    }

    /// Every human decision (triage other than `needs_review`) and every manual
    /// finding (strengths are not exported).
    pub fn export_triage(&self) -> Result<TriageExport> {
        let mut st = self.conn.prepare(
            "SELECT fingerprint, line_hash, rule, path, line, triage, triage_note, triage_by,
                    triage_at, anchor_text, severity, title, description, fix_after
             FROM findings
             WHERE kind = 'finding' AND (triage != 'needs_review' OR rule = ?1)
             ORDER BY path, line, id",
        )?;
        let rows = st.query_map([MANUAL_RULE], |r| {
            let rule: String = r.get(2)?;
            let path: String = r.get(3)?;
            let line = r.get::<_, i64>(4)? as usize;
            let triage: String = r.get(5)?;
            let manual = if rule == MANUAL_RULE {
                let sev: Option<String> = r.get(10)?;
                Some(ManualFinding {
                    path: path.clone(),
                    line,
                    severity: sev
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(crate::finding::Severity::Medium),
                    title: r.get::<_, Option<String>>(11)?.unwrap_or_default(),
                    description: r.get::<_, Option<String>>(12)?.unwrap_or_default(),
                    fix: r.get(13)?,
                })
            } else {
                None
            };
            Ok(Decision {
                fingerprint: r.get(0)?,
                line_hash: r.get(1)?,
                rule,
                path,
                line,
                triage: Triage::parse(&triage).unwrap_or(Triage::NeedsReview),
                note: r.get(6)?,
                by: r.get(7)?,
                at: r.get(8)?,
                manual,
                anchor_text: r.get(9)?,
            })
        })?;
        Ok(TriageExport {
            format: "auditbench-triage".into(),
            version: 1,
            exported_at: super::now(),
            decisions: rows.collect::<rusqlite::Result<_>>()?,
        })
    }

    /// Merges exported decisions into this database (one transaction).
    pub fn import_triage(&mut self, export: &TriageExport, actor: &str) -> Result<ImportSummary> {
        let db = self.path.clone();
        self.import_triage_inner(export, actor)
            .map_err(|e| e.with_path(&db))
    }

    fn import_triage_inner(&mut self, export: &TriageExport, actor: &str) -> Result<ImportSummary> {
        if export.format != "auditbench-triage" || export.version != 1 {
            return Err(StoreError::Invalid(format!(
                "not an auditbench triage export (format `{}`, version {})",
                export.format, export.version
            )));
        }
        let db = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| StoreError::from_sqlite(e, &db))?;
        let mut sum = ImportSummary::default();
        for d in &export.decisions {
            let mut id: Option<i64> = super::sync::id_by_fingerprint(&tx, &d.fingerprint)?;
            if id.is_none() {
                id = tx
                    .query_row(
                        "SELECT id FROM findings WHERE line_hash = ?1 AND rule = ?2
                         ORDER BY abs(line - ?3) LIMIT 1",
                        params![d.line_hash, d.rule, d.line as i64],
                        |r| r.get(0),
                    )
                    .optional()?;
            }
            let id = match (id, &d.manual) {
                (Some(id), _) => id,
                (None, Some(m)) => {
                    let at = d.at.unwrap_or(export.exported_at);
                    let by = d.by.as_deref().unwrap_or(actor);
                    let id = insert_manual(
                        &tx,
                        m,
                        &m.path,
                        &d.anchor_text,
                        by,
                        at,
                        Some(&d.fingerprint),
                    )?;
                    sum.created_manual += 1;
                    id
                }
                (None, None) => {
                    sum.unmatched += 1;
                    continue;
                }
            };
            let (cur, cur_note, cur_at): (String, Option<String>, Option<i64>) = tx.query_row(
                "SELECT triage, triage_note, triage_at FROM findings WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            if cur == d.triage.as_str() && cur_note == d.note {
                sum.unchanged += 1;
                continue;
            }
            if d.triage == Triage::NeedsReview && d.note.is_none() {
                // A manual finding nobody triaged yet: nothing to merge.
                sum.unchanged += 1;
                continue;
            }
            let their_at = d.at.unwrap_or(0);
            if cur_at.is_some_and(|mine| mine > their_at) {
                sum.kept_local += 1;
                continue;
            }
            let by = d.by.clone().unwrap_or_else(|| actor.to_string());
            tx.execute(
                "UPDATE findings SET triage = ?2, triage_note = ?3, triage_by = ?4, triage_at = ?5
                 WHERE id = ?1",
                params![id, d.triage.as_str(), d.note, by, their_at],
            )?;
            tx.execute(
                "INSERT INTO events (finding_id, at, actor, kind, from_value, to_value, note)
                 VALUES (?1, ?2, ?3, 'triage_changed', ?4, ?5, ?6)",
                params![
                    id,
                    their_at,
                    by,
                    cur,
                    d.triage.as_str(),
                    format!(
                        "{}(imported by {actor})",
                        d.note
                            .as_deref()
                            .map(|n| format!("{n} "))
                            .unwrap_or_default()
                    )
                ],
            )?;
            sum.applied += 1;
        }
        tx.commit().map_err(|e| StoreError::from_sqlite(e, &db))?;
        Ok(sum)
    }
}
