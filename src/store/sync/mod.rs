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
//!
//! Everything recorded comes from the scan result: the anchor texts on its
//! findings and the text of the files it kept (`FileResult::text`); the sync
//! never reads a project file, so a file saved after the scan is recorded as
//! the scan saw it and left for the next batch.
//!
//! By phase, one file each: [`load`] (what the scan covers, the stored rows),
//! matching (`super::identity`), [`apply`] (matched, new and vanished
//! findings), [`manual`] (manual findings follow their anchor line) and
//! [`files`] (the files table).

mod apply;
mod files;
mod load;
mod manual;

use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;

use super::error::Result;
use super::identity::{self, Incoming, Stored};
use super::types::{Detection, FindingRef};
use super::Store;
use crate::finding::{Finding, Kind};
use crate::scan::ScanResult;

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
    /// Rules outside `rules` that were left out for this run only (`scan
    /// --select X` on a project whose configuration runs more): their stored
    /// findings are left untouched, neither removed nor fixed, so that the next
    /// full run does not call them new.
    pub left_out: Vec<String>,
    /// The checked-out commit; default: asked from git at the scan root.
    pub git_commit: Option<String>,
    /// Actor written on scan events.
    pub actor: String,
    /// Recorded with each file, so that a later scan with the same key may
    /// skip the file while its content hash is unchanged
    /// (`crate::scan::known`); `None` records no key (never skipped).
    pub analysis_key: Option<String>,
}

impl SyncOptions {
    pub fn new(scope: SyncScope, trigger: Trigger) -> Self {
        SyncOptions {
            scope,
            trigger,
            at: None,
            rules: None,
            left_out: vec![],
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

    /// See [`SyncOptions::left_out`].
    pub fn left_out(mut self, rules: Vec<String>) -> Self {
        self.left_out = rules;
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

/// A stored rule finding (or strength) in a covered file.
struct StoredRow {
    s: Stored,
    detection: Detection,
    suppressed: bool,
    severity: Option<String>,
    message: String,
    strength: bool,
}

/// The writes of one sync: events and locations carry its scan, time and actor.
struct Writer<'a> {
    tx: &'a Transaction<'a>,
    scan_id: i64,
    at: i64,
    actor: &'a str,
}

impl Writer<'_> {
    fn event(
        &self,
        finding: i64,
        kind: &str,
        from: Option<&str>,
        to: Option<&str>,
        note: Option<&str>,
    ) -> rusqlite::Result<usize> {
        self.tx.execute(
            "INSERT INTO events (finding_id, scan_id, at, actor, kind, from_value, to_value, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                finding,
                self.scan_id,
                self.at,
                self.actor,
                kind,
                from,
                to,
                note
            ],
        )
    }

    fn location(
        &self,
        finding: i64,
        path: &str,
        line: usize,
        end_line: usize,
    ) -> rusqlite::Result<usize> {
        self.tx.execute(
            "INSERT INTO locations (finding_id, scan_id, path, line, end_line, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                finding,
                self.scan_id,
                path,
                line as i64,
                end_line as i64,
                self.at
            ],
        )
    }

    fn set_detection(&self, id: i64, d: Detection) -> rusqlite::Result<usize> {
        self.tx.execute(
            "UPDATE findings SET detection = ?2 WHERE id = ?1",
            params![id, d.as_str()],
        )
    }
}

impl Store {
    /// Records a scan; see the module documentation.
    pub fn sync(&mut self, scan: &ScanResult, opts: &SyncOptions) -> Result<SyncSummary> {
        let path = self.path.clone();
        self.sync_inner(scan, opts).map_err(|e| e.with_path(&path))
    }

    fn sync_inner(&mut self, scan: &ScanResult, opts: &SyncOptions) -> Result<SyncSummary> {
        let at = opts.at.unwrap_or_else(super::now);
        let root = std::path::Path::new(&scan.root);
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
    let w = Writer {
        tx,
        scan_id: tx.last_insert_rowid(),
        at,
        actor: &opts.actor,
    };
    let mut summary = SyncSummary {
        scan_id: w.scan_id,
        ..Default::default()
    };
    let loaded = load::load(tx, scan, opts)?;

    // Matching: incoming findings to stored rows (see `identity`).
    let incoming: Vec<Incoming> = loaded
        .new_findings
        .iter()
        .map(|f| Incoming {
            fingerprint: f.fingerprint.clone(),
            line_hash: identity::line_hash(&f.rule, &f.path, &f.anchor),
            anchor_text: f.anchor.clone(),
            rule: f.rule.clone(),
            path: f.path.clone(),
            line: f.line,
            scope: f.scope.clone(),
        })
        .collect();
    let stored: Vec<Stored> = loaded.stored_rows.iter().map(|r| r.s.clone()).collect();
    let mut known_paths = loaded.finding_paths.clone();
    known_paths.extend(loaded.known_files.keys().cloned());
    let old_hash = |p: &str| loaded.known_files.get(p).cloned();
    let new_hash = |p: &str| loaded.scanned.get(p).map(|f| f.hash.clone());
    let matching = identity::match_findings(
        &incoming,
        &stored,
        &loaded.deleted,
        &known_paths,
        &old_hash,
        &new_hash,
    );

    apply::apply(&w, &loaded, &incoming, &matching, opts, &mut summary)?;
    manual::follow(&w, &loaded, &matching.renames, &mut summary)?;
    files::record(&w, &loaded, opts, &mut summary)?;
    tx.execute(
        "UPDATE scans SET new_count = ?2, fixed_count = ?3, regressed_count = ?4,
             moved_count = ?5, removed_count = ?6 WHERE id = ?1",
        params![
            w.scan_id,
            summary.new.len() as i64,
            summary.fixed.len() as i64,
            summary.regressed.len() as i64,
            summary.moved.len() as i64,
            summary.removed.len() as i64
        ],
    )?;
    Ok(summary)
}

fn kind_str(k: Kind) -> &'static str {
    match k {
        Kind::Finding => "finding",
        Kind::Strength => "strength",
    }
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
