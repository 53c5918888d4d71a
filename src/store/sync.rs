//! `Store::sync`: records one scan in one transaction: matches its findings to
//! the stored ones (see `identity`), inserts new ones, moves moved ones, marks
//! vanished ones `fixed` (capturing the real code after the fix) or `removed`,
//! brings fixed ones back as `regressed`, and appends events.
//!
//! A scan may be partial ([`SyncScope::Files`], for the watcher): findings in
//! files it does not cover are left untouched.
//!
//! Strengths (`Kind::Strength`, good patterns the report lists) are stored and
//! tracked the same way, with `kind = 'strength'`, but never appear in the
//! [`SyncSummary`] (nor in the scan's counts): that is about findings only.

use std::cell::OnceCell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;

use super::capture;
use super::error::Result;
use super::identity::{self, Incoming, MatchKind, Stored};
use super::types::{Detection, FindingRef, MANUAL_RULE};
use super::Store;
use crate::finding::{Finding, Kind, Status};
use crate::project::fingerprint::normalise;
use crate::project::scan::ScanResult;

/// Which files a scan covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncScope {
    /// The whole project: a stored file that the scan did not see was deleted
    /// (or excluded), and its findings become `removed`.
    Full,
    /// Only these files (relative paths, forward slashes): other files'
    /// findings are left untouched; a listed path that the scan did not see
    /// was deleted.
    Files(Vec<String>),
}

/// What started the scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Trigger {
    Cli,
    Watcher,
    App,
    Test,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Cli => "cli",
            Trigger::Watcher => "watcher",
            Trigger::App => "app",
            Trigger::Test => "test",
        }
    }
}

#[derive(Debug, Clone)]
pub struct SyncOptions {
    pub scope: SyncScope,
    pub trigger: Trigger,
    /// Scan time (seconds since the epoch); default [`super::now`].
    pub at: Option<i64>,
    /// Ids of the rules the scan ran. In a full scan, an open finding of a rule
    /// outside this set becomes `removed` (rule disabled) rather than `fixed`; in
    /// a partial scan it is left untouched (a watcher that skips the project-wide
    /// pass lists only the per-file rules it ran). `None` = all rules.
    pub rules: Option<Vec<String>>,
    /// The checked-out commit; default: asked from git at the scan root.
    pub git_commit: Option<String>,
    /// Actor written on scan events.
    pub actor: String,
    /// Recorded with each file, so that a later scan with the same key may
    /// skip the file while its content hash is unchanged
    /// (`crate::project::incremental`); `None` records no key (never skipped).
    pub analysis_key: Option<String>,
}

impl SyncOptions {
    pub fn new(scope: SyncScope, trigger: Trigger) -> Self {
        SyncOptions {
            scope,
            trigger,
            at: None,
            rules: None,
            git_commit: None,
            actor: "scan".into(),
            analysis_key: None,
        }
    }

    pub fn analysis_key(mut self, key: String) -> Self {
        self.analysis_key = Some(key);
        self
    }

    pub fn at(mut self, at: i64) -> Self {
        self.at = Some(at);
        self
    }

    pub fn rules(mut self, rules: Vec<String>) -> Self {
        self.rules = Some(rules);
        self
    }
}

/// What a sync changed (findings only: strengths are tracked silently).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncSummary {
    pub scan_id: i64,
    pub new: Vec<FindingRef>,
    pub fixed: Vec<FindingRef>,
    pub regressed: Vec<FindingRef>,
    pub moved: Vec<FindingRef>,
    pub removed: Vec<FindingRef>,
    /// Findings seen again where they were.
    pub unchanged: usize,
}

impl SyncSummary {
    pub fn is_quiet(&self) -> bool {
        self.new.is_empty()
            && self.fixed.is_empty()
            && self.regressed.is_empty()
            && self.removed.is_empty()
    }

    /// One line: `3 new, 1 fixed, 0 regressed, 2 moved, 0 removed`.
    pub fn headline(&self) -> String {
        format!(
            "{} new, {} fixed, {} regressed, {} moved, {} removed",
            self.new.len(),
            self.fixed.len(),
            self.regressed.len(),
            self.moved.len(),
            self.removed.len()
        )
    }
}

/// Test hook: when set to a path, `sync` creates that file once all its writes
/// are done and then sleeps inside the open transaction, so that a test can
/// kill the process at a known point.
const PAUSE_ENV: &str = "AUDITBENCH_TEST_PAUSE_IN_SYNC";

fn fref(id: i64, f: &Finding) -> FindingRef {
    FindingRef {
        id,
        rule: f.rule.clone(),
        severity: f.severity.map(|s| s.as_str().to_string()),
        path: f.path.clone(),
        line: f.line,
        message: f.message.clone(),
    }
}

struct StoredRow {
    s: Stored,
    detection: Detection,
    suppressed: bool,
    severity: Option<String>,
    message: String,
    strength: bool,
}

impl Store {
    /// Records a scan; see the module documentation.
    pub fn sync(&mut self, scan: &ScanResult, opts: &SyncOptions) -> Result<SyncSummary> {
        let path = self.path.clone();
        self.sync_inner(scan, opts).map_err(|e| e.with_path(&path))
    }

    fn sync_inner(&mut self, scan: &ScanResult, opts: &SyncOptions) -> Result<SyncSummary> {
        let at = opts.at.unwrap_or_else(super::now);
        let root = Path::new(&scan.root);
        // An empty commit means "not a git repository, do not ask again".
        let git = match &opts.git_commit {
            Some(c) if c.is_empty() => None,
            Some(c) => Some(c.clone()),
            None => super::git_head(root),
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let summary = sync_tx(&tx, scan, opts, at, git)?;
        if let Ok(marker) = std::env::var(PAUSE_ENV) {
            let _ = std::fs::write(&marker, summary.scan_id.to_string());
            std::thread::sleep(std::time::Duration::from_secs(120));
        }
        tx.commit()?;
        Ok(summary)
    }
}

fn sync_tx(
    tx: &Transaction,
    scan: &ScanResult,
    opts: &SyncOptions,
    at: i64,
    git: Option<String>,
) -> Result<SyncSummary> {
    let root = Path::new(&scan.root);
    let rule_set = opts.rules.as_ref().map(|r| r.join(",")).unwrap_or_default();
    tx.execute(
        "INSERT INTO scans (started_at, trigger, git_commit, root, partial, files_scanned,
             lines_scanned, duration_ms, rule_set)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            at,
            opts.trigger.as_str(),
            git,
            scan.root,
            matches!(opts.scope, SyncScope::Files(_)),
            scan.files_scanned as i64,
            scan.lines_scanned as i64,
            scan.duration_ms as i64,
            rule_set
        ],
    )?;
    let scan_id = tx.last_insert_rowid();
    let mut summary = SyncSummary {
        scan_id,
        ..Default::default()
    };

    // Files: what the scan saw, and which stored paths it covers.
    let scanned: HashMap<&str, &crate::project::scan::FileResult> =
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
    let rule_on = |r: &str| {
        opts.rules
            .as_ref()
            .is_none_or(|rs| rs.iter().any(|x| x == r))
    };
    // Files skipped as unchanged keep their per-file findings as they are; only
    // the project-wide rules' findings in them are matched again.
    let unchanged: HashSet<&str> = scan
        .files
        .iter()
        .filter(|f| f.unchanged)
        .map(|f| f.path.as_str())
        .collect();
    let project_rules = crate::project::scan::project_rule_ids();
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
    // Sources of covered, analysed files: anchor texts and after-code.
    let mut sources = Sources {
        root,
        cells: HashMap::new(),
    };
    for p in &covered {
        if let Some(f) = scanned.get(p.as_str()) {
            // An unchanged file is read only when a finding of it is matched.
            let needed = !f.unchanged
                || new_findings.iter().any(|n| &n.path == p)
                || stored_rows.iter().any(|r| &r.s.path == p);
            if f.analysed && needed {
                sources.cells.insert(p.clone(), OnceCell::new());
            }
        }
    }
    let line_of = |path: &str, line: usize| -> String {
        sources
            .get(path)
            .and_then(|s| s.lines().nth(line.saturating_sub(1)))
            .unwrap_or("")
            .to_string()
    };

    let incoming: Vec<Incoming> = new_findings
        .iter()
        .map(|f| {
            let text = line_of(&f.path, f.line);
            Incoming {
                fingerprint: f.fingerprint.clone(),
                line_hash: identity::line_hash(&f.rule, &f.path, &text),
                anchor_text: text,
                rule: f.rule.clone(),
                path: f.path.clone(),
                line: f.line,
                scope: f.scope.clone(),
            }
        })
        .collect();

    let stored: Vec<Stored> = stored_rows.iter().map(|r| r.s.clone()).collect();
    let mut known_paths: HashSet<String> = finding_paths.clone();
    known_paths.extend(known_files.keys().cloned());
    let old_hash = |p: &str| known_files.get(p).cloned();
    let new_hash = |p: &str| scanned.get(p).map(|f| f.hash.clone());
    let matching = identity::match_findings(
        &incoming,
        &stored,
        &deleted,
        &known_paths,
        &old_hash,
        &new_hash,
    );

    let event =
        |finding: i64, kind: &str, from: Option<&str>, to: Option<&str>, note: Option<&str>| {
            tx.execute(
            "INSERT INTO events (finding_id, scan_id, at, actor, kind, from_value, to_value, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![finding, scan_id, at, opts.actor, kind, from, to, note],
        )
        };
    let location = |finding: i64, path: &str, line: usize, end_line: usize| {
        tx.execute(
            "INSERT INTO locations (finding_id, scan_id, path, line, end_line, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![finding, scan_id, path, line as i64, end_line as i64, at],
        )
    };

    // Strengths are recorded like findings but reported here, not in `summary`.
    let mut silent = SyncSummary::default();

    // Matched: update place and content, bring back fixed/removed ones.
    let mut matched_in = vec![false; incoming.len()];
    let mut matched_st = vec![false; stored.len()];
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
            &mut summary
        };
        tx.execute(
            "UPDATE findings SET fingerprint = ?2, line_hash = ?3, anchor_text = ?4, name = ?5,
                 kind = ?6, severity = ?7, path = ?8, line = ?9, end_line = ?10, col = ?11,
                 end_col = ?12, scope = ?13, message = ?14, fix_before = ?15, fix_after = ?16,
                 related = ?17, suppressed = ?18, suppression = ?19, last_scan_id = ?20,
                 last_seen_at = ?21
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
                at
            ],
        )?;
        if f.path != row.s.path || f.line != row.s.line {
            location(id, &f.path, f.line, f.end_line)?;
            let how = match kind {
                MatchKind::Fingerprint => "fingerprint",
                MatchKind::LineHash => "line-content",
                MatchKind::Scope => "scope",
                MatchKind::Rename => "file-rename",
            };
            event(
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
                set_detection(tx, id, Detection::Regressed)?;
                event(id, "regressed", Some("fixed"), Some("regressed"), None)?;
                out.regressed.push(fref(id, f));
            }
            Detection::Removed => {
                set_detection(tx, id, Detection::Open)?;
                event(
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
            event(id, kind, None, to, None)?;
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
            &mut summary
        };
        tx.execute(
            "INSERT INTO findings (fingerprint, line_hash, anchor_text, rule, name, kind, severity,
                 path, line, end_line, col, end_col, scope, message, fix_before, fix_after,
                 related, detection, suppressed, suppression, first_scan_id, last_scan_id,
                 first_seen_at, last_seen_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                 ?17, 'open', ?18, ?19, ?20, ?20, ?21, ?21)",
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
                at
            ],
        )?;
        let id = tx.last_insert_rowid();
        location(id, &f.path, f.line, f.end_line)?;
        event(id, "detected", None, Some("open"), None)?;
        if f.status == Status::Suppressed {
            event(id, "suppressed", None, f.suppression.as_deref(), None)?;
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
            &mut summary
        };
        if !rule_on(&row.s.rule) {
            if matches!(opts.scope, SyncScope::Files(_)) {
                // A partial scan that did not run the rule says nothing about it.
                continue;
            }
            set_detection(tx, id, Detection::Removed)?;
            event(
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
        if let Some(src) = sources.get(&now_path) {
            let (after_line, code) = capture::after_code(src, &now_path, &row.s.scope, row.s.line);
            tx.execute(
                "UPDATE findings SET detection = 'fixed', fixed_at = ?2, after_code = ?3,
                     after_line = ?4, path = ?5, last_scan_id = ?6
                 WHERE id = ?1",
                params![id, at, code, after_line as i64, now_path, scan_id],
            )?;
            event(
                id,
                "fixed",
                Some(row.detection.as_str()),
                Some("fixed"),
                Some(&code),
            )?;
            out.fixed.push(r);
        } else if deleted.contains(&row.s.path) {
            set_detection(tx, id, Detection::Removed)?;
            event(
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

    // Manual findings: follow their anchor line; removed with their file.
    sync_manual(
        tx,
        scan_id,
        at,
        &opts.actor,
        &covered,
        &deleted,
        &matching.renames,
        &sources,
        &mut summary,
    )?;

    // Files table.
    let mut upsert_file = tx.prepare_cached(
        "INSERT INTO files (path, hash, lines, analysed, problems, last_scan_id, deleted,
             facts, analysis_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8)
         ON CONFLICT(path) DO UPDATE SET hash = ?2, lines = ?3, analysed = ?4,
             problems = ?5, last_scan_id = ?6, deleted = 0, facts = ?7, analysis_key = ?8",
    )?;
    for p in &covered {
        if let Some(f) = scanned.get(p.as_str()) {
            let problems: Vec<&crate::project::scan::Warning> = f.warnings.iter().collect();
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
        } else if deleted.contains(p) {
            tx.execute(
                "UPDATE files SET deleted = 1, last_scan_id = ?2 WHERE path = ?1",
                params![p, scan_id],
            )?;
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
        for p in &unchanged {
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
    tx.execute(
        "UPDATE scans SET new_count = ?2, fixed_count = ?3, regressed_count = ?4,
             moved_count = ?5, removed_count = ?6 WHERE id = ?1",
        params![
            scan_id,
            summary.new.len() as i64,
            summary.fixed.len() as i64,
            summary.regressed.len() as i64,
            summary.moved.len() as i64,
            summary.removed.len() as i64
        ],
    )?;
    Ok(summary)
}

/// The sources of the covered, analysed files, each read from disk on first
/// use. Only files with findings (new, stored or manual) are ever read: reading
/// every changed file up front held the whole project's text during the sync (as
/// much memory as the corpus: 87 MB for 2.5 M lines on a cold scan).
struct Sources<'a> {
    root: &'a Path,
    cells: HashMap<String, OnceCell<Option<String>>>,
}

impl Sources<'_> {
    /// The file's text; `None` when it is not a covered, analysed file or cannot
    /// be read now.
    fn get(&self, path: &str) -> Option<&str> {
        self.cells
            .get(path)?
            .get_or_init(|| {
                let bytes = std::fs::read(self.root.join(path)).ok()?;
                Some(String::from_utf8_lossy(&bytes).into_owned())
            })
            .as_deref()
    }
}

fn kind_str(k: Kind) -> &'static str {
    match k {
        Kind::Finding => "finding",
        Kind::Strength => "strength",
    }
}

fn set_detection(tx: &Transaction, id: i64, d: Detection) -> rusqlite::Result<usize> {
    tx.execute(
        "UPDATE findings SET detection = ?2 WHERE id = ?1",
        params![id, d.as_str()],
    )
}

/// id, path, line, anchor text, detection, severity, title.
type ManualRow = (i64, String, usize, String, String, Option<String>, String);

#[allow(clippy::too_many_arguments)]
fn sync_manual(
    tx: &Transaction,
    scan_id: i64,
    at: i64,
    actor: &str,
    covered: &BTreeSet<String>,
    deleted: &HashSet<String>,
    renames: &HashMap<String, String>,
    sources: &Sources,
    summary: &mut SyncSummary,
) -> Result<()> {
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
        if !covered.contains(&path) {
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
        let Some(src) = sources.get(&new_path) else {
            if deleted.contains(&path) && detection.is_active() {
                tx.execute(
                    "UPDATE findings SET detection = 'removed' WHERE id = ?1",
                    [id],
                )?;
                tx.execute(
                    "INSERT INTO events (finding_id, scan_id, at, actor, kind, from_value, to_value, note)
                     VALUES (?1, ?2, ?3, ?4, 'removed', ?5, 'removed', 'file deleted or excluded')",
                    params![id, scan_id, at, actor, detection.as_str()],
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
            src.lines()
                .enumerate()
                .filter(|(_, l)| normalise(l) == norm)
                .map(|(i, _)| i + 1)
                .min_by_key(|l| l.abs_diff(line))
        };
        let new_line = found.unwrap_or(line);
        if detection == Detection::Removed {
            tx.execute("UPDATE findings SET detection = 'open' WHERE id = ?1", [id])?;
            tx.execute(
                "INSERT INTO events (finding_id, scan_id, at, actor, kind, from_value, to_value, note)
                 VALUES (?1, ?2, ?3, ?4, 'detected', 'removed', 'open', 'file is back')",
                params![id, scan_id, at, actor],
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
                    scan_id,
                    at
                ],
            )?;
            tx.execute(
                "INSERT INTO locations (finding_id, scan_id, path, line, end_line, at)
                 VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
                params![id, scan_id, new_path, new_line as i64, at],
            )?;
            tx.execute(
                "INSERT INTO events (finding_id, scan_id, at, actor, kind, from_value, to_value, note)
                 VALUES (?1, ?2, ?3, ?4, 'moved', ?5, ?6, 'matched by anchor line')",
                params![
                    id,
                    scan_id,
                    at,
                    actor,
                    format!("{path}:{line}"),
                    format!("{new_path}:{new_line}")
                ],
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

/// The stored id of a finding with this fingerprint, if any.
pub(crate) fn id_by_fingerprint(tx: &rusqlite::Connection, fp: &str) -> Result<Option<i64>> {
    Ok(tx
        .query_row(
            "SELECT id FROM findings WHERE fingerprint = ?1 ORDER BY id LIMIT 1",
            [fp],
            |r| r.get(0),
        )
        .optional()?)
}
