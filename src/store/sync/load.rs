//! Load: which stored paths the scan covers, which of them were deleted, the
//! incoming findings to match and the stored rows to match them against.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use rusqlite::{params, OptionalExtension, Transaction};

use super::{StoredRow, SyncOptions, SyncScope};
use crate::finding::Finding;
use crate::scan::{FileResult, FileText, ScanResult};
use crate::store::error::Result;
use crate::store::identity::Stored;
use crate::store::types::{Detection, MANUAL_RULE};

pub(super) struct Loaded<'s> {
    /// What the scan saw, by path.
    pub scanned: HashMap<&'s str, &'s FileResult>,
    /// Stored, present files and their content hash.
    pub known_files: HashMap<String, String>,
    /// Paths holding stored findings (of the covered files, in a partial scan).
    pub finding_paths: HashSet<String>,
    /// Every path this sync speaks for.
    pub covered: BTreeSet<String>,
    /// Covered paths that are gone (deleted or excluded).
    pub deleted: HashSet<String>,
    /// Files skipped as unchanged: their per-file findings are kept as they are.
    pub unchanged: HashSet<&'s str>,
    /// Rule findings to match, in covered files, of rules that ran.
    pub new_findings: Vec<&'s Finding>,
    /// Stored rule findings in covered files (manual ones: `super::manual`).
    pub stored_rows: Vec<StoredRow>,
}

impl Loaded<'_> {
    /// The text the scan kept of a covered, analysed file.
    pub fn text(&self, path: &str) -> Option<&FileText> {
        self.scanned
            .get(path)
            .filter(|f| f.analysed && self.covered.contains(path))
            .and_then(|f| f.text.as_deref())
    }

    /// Whether `path` was analysed by this scan (so a finding missing there is fixed).
    pub fn analysed(&self, path: &str) -> bool {
        self.covered.contains(path) && self.scanned.get(path).is_some_and(|f| f.analysed)
    }
}

/// Whether the rule `r` ran in this scan.
pub(super) fn rule_ran(opts: &SyncOptions, r: &str) -> bool {
    opts.rules
        .as_ref()
        .is_none_or(|rs| rs.iter().any(|x| x == r))
}

pub(super) fn load<'s>(
    tx: &Transaction,
    scan: &'s ScanResult,
    opts: &SyncOptions,
) -> Result<Loaded<'s>> {
    let root = Path::new(&scan.root);
    // Files: what the scan saw, and which stored paths it covers.
    let scanned: HashMap<&str, &FileResult> =
        scan.files.iter().map(|f| (f.path.as_str(), f)).collect();
    // A partial scan (the watcher) reads only the rows of its files, so that its
    // cost does not grow with the project.
    let partial: Option<Vec<String>> = match &opts.scope {
        SyncScope::Full => None,
        SyncScope::Files(paths) => Some(
            paths
                .iter()
                .map(|p| p.replace('\\', "/").trim_start_matches("./").to_string())
                .collect(),
        ),
    };
    let mut known_files: HashMap<String, String> = HashMap::new(); // path -> hash
    let mut finding_paths: HashSet<String> = HashSet::new();
    match &partial {
        None => {
            let mut st = tx.prepare("SELECT path, hash FROM files WHERE deleted = 0")?;
            let rows =
                st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            for r in rows {
                let (p, h) = r?;
                known_files.insert(p, h);
            }
            let mut st = tx.prepare("SELECT DISTINCT path FROM findings")?;
            let rows = st.query_map([], |r| r.get::<_, String>(0))?;
            for r in rows {
                finding_paths.insert(r?);
            }
        }
        Some(paths) => {
            let mut files = tx.prepare("SELECT hash FROM files WHERE deleted = 0 AND path = ?1")?;
            let mut any = tx.prepare("SELECT 1 FROM findings WHERE path = ?1 LIMIT 1")?;
            for p in paths {
                if let Some(h) = files.query_row([p], |r| r.get::<_, String>(0)).optional()? {
                    known_files.insert(p.clone(), h);
                }
                if any.exists([p])? {
                    finding_paths.insert(p.clone());
                }
            }
        }
    }
    let covered: BTreeSet<String> = match &opts.scope {
        SyncScope::Full => scan
            .files
            .iter()
            .map(|f| f.path.clone())
            .chain(known_files.keys().cloned())
            .chain(finding_paths.iter().cloned())
            .collect(),
        SyncScope::Files(_) => partial.iter().flatten().cloned().collect(),
    };
    let deleted: HashSet<String> = covered
        .iter()
        .filter(|p| !scanned.contains_key(p.as_str()))
        .filter(|p| !root.join(p).is_file() || matches!(opts.scope, SyncScope::Full))
        .cloned()
        .collect();
    // Incoming findings in covered files, of rules that ran.
    let rule_on = |r: &str| rule_ran(opts, r);
    // Files skipped as unchanged keep their per-file findings as they are; only
    // the project-wide rules' findings in them are matched again.
    let unchanged: HashSet<&str> = scan
        .files
        .iter()
        .filter(|f| f.unchanged)
        .map(|f| f.path.as_str())
        .collect();
    let project_rules = crate::scan::project_rule_ids();
    let kept = |path: &str, rule: &str| unchanged.contains(path) && !project_rules.contains(&rule);
    let new_findings: Vec<&Finding> = scan
        .findings
        .iter()
        .filter(|f| {
            covered.contains(&f.path)
                && f.rule != MANUAL_RULE
                && rule_on(&f.rule)
                && !kept(&f.path, &f.rule)
        })
        .collect();
    // Stored findings in covered files (rule findings; manual ones below).
    let mut stored_rows: Vec<StoredRow> = vec![];
    {
        // Full scans read every row; partial ones only their files' rows.
        let sql = format!(
            "SELECT id, fingerprint, line_hash, anchor_text, rule, path, line, scope,
                    detection, suppressed, severity, message, kind
             FROM findings WHERE rule != ?1 {}",
            if partial.is_some() {
                "AND path = ?2"
            } else {
                "AND ?2 IS NULL"
            }
        );
        let mut st = tx.prepare(&sql)?;
        let keys: Vec<Option<&String>> = match &partial {
            None => vec![None],
            Some(paths) => paths.iter().map(Some).collect(),
        };
        for key in keys {
            let rows = st.query_map(params![MANUAL_RULE, key], |r| {
                let detection: String = r.get(8)?;
                let detection = Detection::parse(&detection).unwrap_or(Detection::Open);
                Ok(StoredRow {
                    s: Stored {
                        id: r.get(0)?,
                        fingerprint: r.get(1)?,
                        line_hash: r.get(2)?,
                        anchor_text: r.get(3)?,
                        rule: r.get(4)?,
                        path: r.get(5)?,
                        line: r.get::<_, i64>(6)? as usize,
                        scope: r.get(7)?,
                        active: detection.is_active(),
                    },
                    detection,
                    suppressed: r.get(9)?,
                    severity: r.get(10)?,
                    message: r.get(11)?,
                    strength: r.get::<_, String>(12)? == "strength",
                })
            })?;
            for r in rows {
                let r = r?;
                if covered.contains(&r.s.path) && !kept(&r.s.path, &r.s.rule) {
                    stored_rows.push(r);
                }
            }
        }
    }
    Ok(Loaded {
        scanned,
        known_files,
        finding_paths,
        covered,
        deleted,
        unchanged,
        new_findings,
        stored_rows,
    })
}
