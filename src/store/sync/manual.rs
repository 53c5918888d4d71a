//! Manual findings follow their anchor line (nearest line with the same text,
//! whitespace ignored) and are removed with their file.

use std::collections::HashMap;

use rusqlite::params;

use super::load::Loaded;
use super::{SyncSummary, Writer};
use crate::scan::fingerprint::normalise;
use crate::store::error::Result;
use crate::store::identity;
use crate::store::types::{Detection, FindingRef, MANUAL_RULE};

/// id, path, line, anchor text, detection, severity, title.
type ManualRow = (i64, String, usize, String, String, Option<String>, String);

pub(super) fn follow(
    w: &Writer,
    loaded: &Loaded,
    renames: &HashMap<String, String>,
    summary: &mut SyncSummary,
) -> Result<()> {
    let tx = w.tx;
    let rows: Vec<ManualRow> = {
        let mut st = tx.prepare(
            "SELECT id, path, line, anchor_text, detection, severity, message
             FROM findings WHERE rule = ?1",
        )?;
        let rows = st.query_map([MANUAL_RULE], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get::<_, i64>(2)? as usize,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (id, path, line, anchor, detection, severity, message) in rows {
        if !loaded.covered.contains(&path) {
            continue;
        }
        let detection = Detection::parse(&detection).unwrap_or(Detection::Open);
        let new_path = renames.get(&path).cloned().unwrap_or_else(|| path.clone());
        let r = FindingRef {
            id,
            rule: MANUAL_RULE.into(),
            severity,
            path: path.clone(),
            line,
            message,
        };
        let Some(src) = loaded.text(&new_path) else {
            if loaded.deleted.contains(&path) && detection.is_active() {
                w.set_detection(id, Detection::Removed)?;
                w.event(
                    id,
                    "removed",
                    Some(detection.as_str()),
                    Some("removed"),
                    Some("file deleted or excluded"),
                )?;
                summary.removed.push(r);
            }
            continue;
        };
        // The anchor line, nearest to the old position.
        let norm = normalise(&anchor);
        let found = if norm.is_empty() {
            None
        } else {
            src.text
                .lines()
                .enumerate()
                .filter(|(_, l)| normalise(l) == norm)
                .map(|(i, _)| i + 1)
                .min_by_key(|l| l.abs_diff(line))
        };
        let new_line = found.unwrap_or(line);
        if detection == Detection::Removed {
            w.set_detection(id, Detection::Open)?;
            w.event(
                id,
                "detected",
                Some("removed"),
                Some("open"),
                Some("file is back"),
            )?;
        }
        if new_line != line || new_path != path {
            tx.execute(
                "UPDATE findings SET path = ?2, line = ?3, end_line = ?3,
                     line_hash = ?4, last_scan_id = ?5, last_seen_at = ?6 WHERE id = ?1",
                params![
                    id,
                    new_path,
                    new_line as i64,
                    identity::line_hash(MANUAL_RULE, &new_path, &anchor),
                    w.scan_id,
                    w.at
                ],
            )?;
            w.location(id, &new_path, new_line, new_line)?;
            w.event(
                id,
                "moved",
                Some(&format!("{path}:{line}")),
                Some(&format!("{new_path}:{new_line}")),
                Some("matched by anchor line"),
            )?;
            summary.moved.push(FindingRef {
                path: new_path,
                line: new_line,
                ..r
            });
        }
    }
    Ok(())
}
