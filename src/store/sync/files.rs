//! Files: the files table (hash, lines, problems, project facts and analysis
//! key of every covered file; deleted ones marked), and the findings kept from
//! files skipped as unchanged, seen again where they were.

use rusqlite::params;

use super::load::Loaded;
use super::{SyncOptions, SyncSummary, Writer};
use crate::scan::Warning;
use crate::store::error::Result;
use crate::store::types::MANUAL_RULE;

pub(super) fn record(
    w: &Writer,
    loaded: &Loaded,
    opts: &SyncOptions,
    summary: &mut SyncSummary,
) -> Result<()> {
    let (tx, scan_id, at) = (w.tx, w.scan_id, w.at);
    let project_rules = crate::scan::project_rule_ids();
    let mut upsert_file = tx.prepare_cached(
        "INSERT INTO files (path, hash, lines, analysed, problems, last_scan_id, deleted,
             facts, analysis_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8)
         ON CONFLICT(path) DO UPDATE SET hash = ?2, lines = ?3, analysed = ?4,
             problems = ?5, last_scan_id = ?6, deleted = 0, facts = ?7, analysis_key = ?8",
    )?;
    let mut put_summary = tx.prepare_cached(
        "INSERT INTO summaries (path, summary) VALUES (?1, ?2)
         ON CONFLICT(path) DO UPDATE SET summary = ?2",
    )?;
    let mut drop_summary = tx.prepare_cached("DELETE FROM summaries WHERE path = ?1")?;
    for p in &loaded.covered {
        if let Some(f) = loaded.scanned.get(p.as_str()) {
            let problems: Vec<&Warning> = f.warnings.iter().collect();
            upsert_file.execute(params![
                p,
                f.hash,
                f.lines as i64,
                f.analysed,
                serde_json::to_string(&problems)?,
                scan_id,
                serde_json::to_string(&f.facts.clients)?,
                opts.analysis_key
            ])?;
            // A file skipped as unchanged keeps the summary stored with it.
            if !f.unchanged {
                match f.summary.as_deref() {
                    Some(blob) => put_summary.execute(params![p, blob])?,
                    None => drop_summary.execute(params![p])?,
                };
            }
        } else if loaded.deleted.contains(p) {
            tx.execute(
                "UPDATE files SET deleted = 1, last_scan_id = ?2 WHERE path = ?1",
                params![p, scan_id],
            )?;
            drop_summary.execute(params![p])?;
        }
    }
    // Findings kept from unchanged files were seen again where they were.
    {
        let sql = format!(
            "UPDATE findings SET last_scan_id = ?2, last_seen_at = ?3
             WHERE path = ?1 AND detection IN ('open', 'regressed') AND rule != ?4
                 AND rule NOT IN ({})
             RETURNING kind",
            project_rules
                .iter()
                .map(|r| format!("'{r}'"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut seen = tx.prepare(&sql)?;
        for p in &loaded.unchanged {
            let kinds = seen.query_map(params![p, scan_id, at, MANUAL_RULE], |r| {
                r.get::<_, String>(0)
            })?;
            for k in kinds {
                if k? == "finding" {
                    summary.unchanged += 1;
                }
            }
        }
    }
    Ok(())
}
