//! What an incremental scan reads back (see `crate::scan::known`):
//! the files recorded under an analysis key, and the current findings of
//! files that did not change.

use std::collections::HashSet;

use rusqlite::params;

use super::error::Result;
use super::types::MANUAL_RULE;
use super::Store;
use crate::finding::{Finding, Fix, Kind, Related, Severity, Status};
use crate::rules::ProjectFacts;
use crate::scan::known::{KnownFile, KnownFiles};

impl Store {
    /// The analysed, present files whose record was written by a scan with
    /// this analysis key (a record with unreadable facts is left out: that
    /// file is simply scanned again).
    pub fn known_files(&self, key: &str) -> Result<KnownFiles> {
        let mut st = self.conn.prepare(
            "SELECT path, hash, lines, problems, facts FROM files
             WHERE deleted = 0 AND analysed = 1 AND analysis_key = ?1 AND facts IS NOT NULL",
        )?;
        let rows = st.query_map(params![key], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        let mut out = KnownFiles::new();
        for row in rows {
            let (path, hash, lines, problems, facts) = row?;
            let (Ok(warnings), Ok(clients)) = (
                serde_json::from_str(&problems),
                serde_json::from_str(&facts),
            ) else {
                continue;
            };
            out.insert(
                path,
                KnownFile {
                    hash,
                    lines: lines as usize,
                    warnings,
                    facts: ProjectFacts { clients },
                },
            );
        }
        Ok(out)
    }

    /// The open (or regressed) rule findings and strengths of `paths`, as the
    /// last scan reported them, leaving out the rules in `skip` (project-wide
    /// rules, which the caller computes again).
    pub fn current_findings(&self, paths: &HashSet<String>, skip: &[&str]) -> Result<Vec<Finding>> {
        let mut st = self.conn.prepare(
            "SELECT rule, name, kind, severity, path, line, end_line, col, end_col, message,
                    fingerprint, fix_before, fix_after, related, suppressed, suppression, scope,
                    anchor_text, confidence, evidence
             FROM findings WHERE detection IN ('open', 'regressed') AND rule != ?1",
        )?;
        let rows = st.query_map(params![MANUAL_RULE], |r| {
            let fix = match (
                r.get::<_, Option<String>>(11)?,
                r.get::<_, Option<String>>(12)?,
            ) {
                (Some(before), Some(after)) => Some(Fix::snippet(before, after)),
                _ => None,
            };
            let severity: Option<String> = r.get(3)?;
            let related: String = r.get(13)?;
            Ok(Finding {
                rule: r.get(0)?,
                name: r.get(1)?,
                kind: if r.get::<_, String>(2)? == "strength" {
                    Kind::Strength
                } else {
                    Kind::Finding
                },
                severity: severity.and_then(|s| s.parse::<Severity>().ok()),
                path: r.get(4)?,
                line: r.get::<_, i64>(5)? as usize,
                end_line: r.get::<_, i64>(6)? as usize,
                column: r.get::<_, i64>(7)? as usize,
                end_column: r.get::<_, i64>(8)? as usize,
                message: r.get(9)?,
                fingerprint: r.get(10)?,
                fix,
                related: serde_json::from_str::<Vec<Related>>(&related).unwrap_or_default(),
                status: if r.get::<_, bool>(14)? {
                    Status::Suppressed
                } else {
                    Status::Open
                },
                suppression: r.get(15)?,
                scope: r.get(16)?,
                anchor: r.get(17)?,
                confidence: r
                    .get::<_, Option<String>>(18)?
                    .and_then(|c| c.parse().ok())
                    .unwrap_or_default(),
                evidence: r
                    .get::<_, Option<String>>(19)?
                    .and_then(|e| serde_json::from_str(&e).ok())
                    .unwrap_or_default(),
            })
        })?;
        let mut out = vec![];
        for row in rows {
            let f = row?;
            if paths.contains(&f.path) && !skip.contains(&f.rule.as_str()) {
                out.push(f);
            }
        }
        Ok(out)
    }
}

impl Store {
    /// The stored module summaries of `paths` (files a scan skipped as
    /// unchanged), for the project model; a file without one is left out.
    pub fn summaries(
        &self,
        paths: &HashSet<String>,
    ) -> Result<std::collections::HashMap<String, std::sync::Arc<[u8]>>> {
        let mut st = self.conn.prepare(
            "SELECT s.path, s.summary FROM summaries s JOIN files f ON f.path = s.path
             WHERE f.deleted = 0",
        )?;
        let rows = st.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
        })?;
        let mut out = std::collections::HashMap::new();
        for row in rows {
            let (path, blob) = row?;
            if paths.contains(&path) {
                out.insert(path, blob.into());
            }
        }
        Ok(out)
    }

    /// Every (path, rule, active) of the stored findings, manual ones included
    /// (`active`: open or regressed): the files whose text a scan must keep
    /// for the sync (`crate::project::record::prior_from`).
    pub fn finding_paths(&self) -> Result<Vec<(String, String, bool)>> {
        let mut st = self.conn.prepare(
            "SELECT DISTINCT path, rule, detection IN ('open', 'regressed') FROM findings",
        )?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
