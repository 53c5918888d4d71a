//! Apply: the matched findings take their new place and content (fixed or
//! removed ones come back), unmatched incoming ones are inserted, unmatched
//! stored ones are fixed (file analysed), removed (file gone, rule off) or
//! left as they are (file not analysed: unknown).

use rusqlite::params;

use super::load::{rule_ran, Loaded};
use super::{fref, kind_str, SyncOptions, SyncScope, SyncSummary, Writer};
use crate::finding::{Kind, Status};
use crate::store::error::Result;
use crate::store::identity::{Incoming, MatchKind, Matching};
use crate::store::types::{Detection, FindingRef};

pub(super) fn apply(
    w: &Writer,
    loaded: &Loaded,
    incoming: &[Incoming],
    matching: &Matching,
    opts: &SyncOptions,
    summary: &mut SyncSummary,
) -> Result<()> {
    // Strengths are recorded like findings but reported here, not in `summary`.
    let mut silent = SyncSummary::default();

    // Matched: update place and content, bring back fixed/removed ones.
    let tx = w.tx;
    let (scan_id, at) = (w.scan_id, w.at);
    let new_findings = &loaded.new_findings;
    let stored_rows = &loaded.stored_rows;
    let mut matched_in = vec![false; incoming.len()];
    let mut matched_st = vec![false; stored_rows.len()];
    for &(i, j, kind) in &matching.pairs {
        matched_in[i] = true;
        matched_st[j] = true;
        let f = new_findings[i];
        let inc = &incoming[i];
        let row = &stored_rows[j];
        let id = row.s.id;
        let out = if f.kind == Kind::Strength {
            &mut silent
        } else {
            &mut *summary
        };
        tx.execute(
            "UPDATE findings SET fingerprint = ?2, line_hash = ?3, anchor_text = ?4, name = ?5,
                 kind = ?6, severity = ?7, path = ?8, line = ?9, end_line = ?10, col = ?11,
                 end_col = ?12, scope = ?13, message = ?14, fix_before = ?15, fix_after = ?16,
                 related = ?17, suppressed = ?18, suppression = ?19, last_scan_id = ?20,
                 last_seen_at = ?21, confidence = ?22, evidence = ?23
             WHERE id = ?1",
            params![
                id,
                f.fingerprint,
                inc.line_hash,
                inc.anchor_text,
                f.name,
                kind_str(f.kind),
                f.severity.map(|s| s.as_str()),
                f.path,
                f.line as i64,
                f.end_line as i64,
                f.column as i64,
                f.end_column as i64,
                f.scope,
                f.message,
                f.fix.as_ref().map(|x| x.before.as_str()),
                f.fix.as_ref().map(|x| x.after.as_str()),
                serde_json::to_string(&f.related)?,
                f.status == Status::Suppressed,
                f.suppression,
                scan_id,
                at,
                f.confidence.as_str(),
                evidence_json(f)?,
            ],
        )?;
        if f.path != row.s.path || f.line != row.s.line {
            w.location(id, &f.path, f.line, f.end_line)?;
            let how = match kind {
                MatchKind::Fingerprint => "fingerprint",
                MatchKind::LineHash => "line-content",
                MatchKind::Scope => "scope",
                MatchKind::Rename => "file-rename",
            };
            w.event(
                id,
                "moved",
                Some(&format!("{}:{}", row.s.path, row.s.line)),
                Some(&format!("{}:{}", f.path, f.line)),
                Some(&format!("matched by {how}")),
            )?;
            out.moved.push(fref(id, f));
        }
        match row.detection {
            Detection::Fixed => {
                w.set_detection(id, Detection::Regressed)?;
                w.event(id, "regressed", Some("fixed"), Some("regressed"), None)?;
                out.regressed.push(fref(id, f));
            }
            Detection::Removed => {
                w.set_detection(id, Detection::Open)?;
                w.event(
                    id,
                    "detected",
                    Some("removed"),
                    Some("open"),
                    Some("seen again"),
                )?;
                out.new.push(fref(id, f));
            }
            _ => {
                if f.path == row.s.path && f.line == row.s.line {
                    out.unchanged += 1;
                }
            }
        }
        let now_suppressed = f.status == Status::Suppressed;
        if now_suppressed != row.suppressed {
            let (kind, to) = if now_suppressed {
                ("suppressed", f.suppression.as_deref())
            } else {
                ("unsuppressed", None)
            };
            w.event(id, kind, None, to, None)?;
        }
    }

    // New.
    for (i, f) in new_findings.iter().enumerate() {
        if matched_in[i] {
            continue;
        }
        let inc = &incoming[i];
        let out = if f.kind == Kind::Strength {
            &mut silent
        } else {
            &mut *summary
        };
        tx.execute(
            "INSERT INTO findings (fingerprint, line_hash, anchor_text, rule, name, kind, severity,
                 path, line, end_line, col, end_col, scope, message, fix_before, fix_after,
                 related, detection, suppressed, suppression, first_scan_id, last_scan_id,
                 first_seen_at, last_seen_at, confidence, evidence)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                 ?17, 'open', ?18, ?19, ?20, ?20, ?21, ?21, ?22, ?23)",
            params![
                f.fingerprint,
                inc.line_hash,
                inc.anchor_text,
                f.rule,
                f.name,
                kind_str(f.kind),
                f.severity.map(|s| s.as_str()),
                f.path,
                f.line as i64,
                f.end_line as i64,
                f.column as i64,
                f.end_column as i64,
                f.scope,
                f.message,
                f.fix.as_ref().map(|x| x.before.as_str()),
                f.fix.as_ref().map(|x| x.after.as_str()),
                serde_json::to_string(&f.related)?,
                f.status == Status::Suppressed,
                f.suppression,
                scan_id,
                at,
                f.confidence.as_str(),
                evidence_json(f)?,
            ],
        )?;
        let id = tx.last_insert_rowid();
        w.location(id, &f.path, f.line, f.end_line)?;
        w.event(id, "detected", None, Some("open"), None)?;
        if f.status == Status::Suppressed {
            w.event(id, "suppressed", None, f.suppression.as_deref(), None)?;
        }
        out.new.push(fref(id, f));
    }

    // Vanished: fixed (file still analysed) or removed (file gone, rule off).
    for (j, row) in stored_rows.iter().enumerate() {
        if matched_st[j] || !row.detection.is_active() {
            continue;
        }
        let id = row.s.id;
        let r = FindingRef {
            id,
            rule: row.s.rule.clone(),
            severity: row.severity.clone(),
            path: row.s.path.clone(),
            line: row.s.line,
            message: row.message.clone(),
        };
        let out = if row.strength {
            &mut silent
        } else {
            &mut *summary
        };
        if !rule_ran(opts, &row.s.rule) {
            if matches!(opts.scope, SyncScope::Files(_)) || opts.left_out.contains(&row.s.rule) {
                // A partial scan, or a run that left the rule out by choice,
                // says nothing about it.
                continue;
            }
            w.set_detection(id, Detection::Removed)?;
            w.event(
                id,
                "removed",
                Some(row.detection.as_str()),
                Some("removed"),
                Some("rule not run"),
            )?;
            out.removed.push(r);
            continue;
        }
        let now_path = matching
            .renames
            .get(&row.s.path)
            .cloned()
            .unwrap_or_else(|| row.s.path.clone());
        if loaded.analysed(&now_path) {
            // The real code there now, as the scan read it (always kept for a
            // file with stored findings; see `crate::project::record`).
            let after = loaded
                .text(&now_path)
                .map(|t| t.after_code(&row.s.scope, row.s.line));
            tx.execute(
                "UPDATE findings SET detection = 'fixed', fixed_at = ?2, after_code = ?3,
                     after_line = ?4, path = ?5, last_scan_id = ?6
                 WHERE id = ?1",
                params![
                    id,
                    at,
                    after.as_ref().map(|a| &a.1),
                    after.as_ref().map(|a| a.0 as i64),
                    now_path,
                    scan_id
                ],
            )?;
            w.event(
                id,
                "fixed",
                Some(row.detection.as_str()),
                Some("fixed"),
                after.as_ref().map(|a| a.1.as_str()),
            )?;
            out.fixed.push(r);
        } else if loaded.deleted.contains(&row.s.path) {
            w.set_detection(id, Detection::Removed)?;
            w.event(
                id,
                "removed",
                Some(row.detection.as_str()),
                Some("removed"),
                Some("file deleted or excluded"),
            )?;
            out.removed.push(r);
        }
        // Otherwise the file was not analysed (binary, too large): unknown.
    }

    Ok(())
}

/// The evidence column: JSON steps, NULL when the model gave none.
fn evidence_json(f: &crate::finding::Finding) -> serde_json::Result<Option<String>> {
    if f.evidence.is_empty() {
        return Ok(None);
    }
    serde_json::to_string(&f.evidence).map(Some)
}
