//! Scan and record: a whole project, skipping the files the database recorded
//! unchanged under the same analysis key (their stored findings complete the
//! result, so the output is a cold scan's), or one file recorded as a partial
//! scan of the project that holds it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use crate::finding::Finding;
use crate::scan::{
    self, fingerprint, known::analysis_key, project_rule_ids, sort_findings, KeepText, Prior,
    ScanOptions, ScanResult,
};
use crate::store::{Store, SyncOptions, SyncScope, SyncSummary, Trigger, MANUAL_RULE};

/// A scan made to be recorded, and the analysis key to record with it.
pub struct RecordedScan {
    pub result: ScanResult,
    pub analysis_key: String,
}

/// What the scan of a project folder should know from `store`: the files it
/// may skip, and the files whose text it keeps for the sync (those holding
/// stored findings: only there can a finding be fixed or a manual finding
/// move; among unchanged files, only those with project-wide or manual
/// findings).
pub fn prior_from(store: &Store, key: &str) -> Result<Prior> {
    let project_rules = project_rule_ids();
    let mut analysed = HashSet::new();
    let mut unchanged = HashSet::new();
    for (path, rule, active) in store.finding_paths()? {
        if rule == MANUAL_RULE || (active && project_rules.contains(&rule.as_str())) {
            unchanged.insert(path.clone());
        }
        analysed.insert(path);
    }
    Ok(Prior {
        known: store.known_files(key)?,
        keep_text: KeepText::Paths {
            analysed,
            unchanged,
        },
    })
}

/// Scans a project folder for recording in `store` (see the module doc).
pub fn scan_folder(store: &Store, opts: ScanOptions) -> Result<RecordedScan> {
    let key = analysis_key(&opts.config);
    let prior = prior_from(store, &key)?;
    let mut result = scan::scan_with(opts, &prior)?;
    let stored = stored_findings(store, &result)?;
    result.findings.extend(stored);
    judge_incremental(store, &prior, &mut result)?;
    sort_findings(&mut result.findings);
    Ok(RecordedScan {
        result,
        analysis_key: key,
    })
}

/// The model pass of an incremental scan (a cold one judged its findings
/// already): when a file changed, appeared or vanished, the model is built
/// again from the analysed files' summaries and the stored ones of the
/// unchanged files, and every finding is judged again (a change in one file
/// can make a function elsewhere run per request). When nothing changed, the
/// stored judgements stand.
fn judge_incremental(store: &Store, prior: &Prior, result: &mut ScanResult) -> Result<()> {
    let unchanged = unchanged_of(result);
    if unchanged.is_empty() {
        return Ok(());
    }
    let changed = unchanged.len() != result.files.len() || prior.known.len() != unchanged.len();
    if changed {
        let stored = store.summaries(&unchanged)?;
        let warning = scan::model_pass::judge(&mut result.findings, result.files.iter(), &stored);
        result.warnings.extend(warning);
    }
    Ok(())
}

/// The stored per-file findings of the files a scan skipped as unchanged.
pub fn stored_findings(store: &Store, result: &ScanResult) -> Result<Vec<Finding>> {
    stored_findings_of(store, &unchanged_of(result))
}

/// The paths a scan skipped as unchanged.
fn unchanged_of(result: &ScanResult) -> HashSet<String> {
    result
        .files
        .iter()
        .filter(|f| f.unchanged)
        .map(|f| f.path.clone())
        .collect()
}

/// The stored per-file findings of `unchanged` (paths skipped as unchanged).
pub fn stored_findings_of(store: &Store, unchanged: &HashSet<String>) -> Result<Vec<Finding>> {
    if unchanged.is_empty() {
        return Ok(vec![]);
    }
    Ok(store.current_findings(unchanged, &project_rule_ids())?)
}

/// Records a full scan of the project (`rules`: the rule ids that ran, so that
/// the findings of a rule turned off become `removed`, not `fixed`;
/// `left_out`: rules the configuration runs that this run left out, whose
/// findings stay as they are).
pub fn record_full(
    store: &mut Store,
    scan: &RecordedScan,
    trigger: Trigger,
    rules: Vec<String>,
    left_out: Vec<String>,
) -> Result<SyncSummary> {
    let opts = SyncOptions::new(SyncScope::Full, trigger)
        .rules(rules)
        .left_out(left_out)
        .analysis_key(scan.analysis_key.clone());
    Ok(store.sync(&scan.result, &opts)?)
}

/// [`scan_folder`] then [`record_full`]: a project's whole scan, recorded.
pub fn scan_and_record(
    store: &mut Store,
    opts: ScanOptions,
    trigger: Trigger,
) -> Result<(ScanResult, SyncSummary)> {
    let rules = opts.config.enabled_rules();
    let scan = scan_folder(store, opts)?;
    let summary = record_full(store, &scan, trigger, rules, vec![])?;
    Ok((scan.result, summary))
}

/// Records the scan of one file (made with [`Prior::keep_all_text`]) as a partial scan of
/// the project that holds it (the nearest folder above it that marks a
/// project: [`super::discover`]), else its own folder. Paths and fingerprints are rebased on that
/// project; the project-wide rules, which need every file, are left out.
/// `db`: the database, else the project's default one.
pub fn record_file(
    result: &ScanResult,
    db: Option<&Path>,
    mut rules: Vec<String>,
) -> Result<(SyncSummary, PathBuf)> {
    let project_rules = project_rule_ids();
    rules.retain(|r| !project_rules.contains(&r.as_str()));
    let rebased;
    let mut result = result;
    if let Some(project) = project_of(Path::new(&result.root)) {
        rebased = rebase(result, &project);
        result = &rebased;
    }
    let paths: Vec<String> = result.files.iter().map(|f| f.path.clone()).collect();
    if paths.is_empty() {
        bail!("nothing to record");
    }
    let db = match db {
        Some(db) => db.to_path_buf(),
        None => crate::store::default_path(Path::new(&result.root))?,
    };
    let mut store = Store::open(&db)?;
    let opts = SyncOptions::new(SyncScope::Files(paths), Trigger::Cli).rules(rules);
    Ok((store.sync(result, &opts)?, db))
}

/// The project at or above `dir` ([`super::discover`]).
fn project_of(dir: &Path) -> Option<PathBuf> {
    super::discover::find_root(dir)
}

/// A scan of files under `project`, re-rooted there (paths and fingerprints,
/// which include the path; the anchor texts are the scan's own).
fn rebase(result: &ScanResult, project: &Path) -> ScanResult {
    let mut result = result.clone();
    let old_root = PathBuf::from(&result.root);
    if old_root == project {
        return result;
    }
    let prefix = scan::rel_path(project, &old_root);
    let re = |p: &str| format!("{prefix}/{p}");
    result.root = project.to_string_lossy().into_owned();
    for f in &mut result.files {
        f.path = re(&f.path);
    }
    for f in &mut result.findings {
        f.path = re(&f.path);
        for r in &mut f.related {
            r.path = re(&r.path);
        }
    }
    let mut by_file: std::collections::BTreeMap<String, Vec<Finding>> = Default::default();
    for f in result.findings.drain(..) {
        by_file.entry(f.path.clone()).or_default().push(f);
    }
    for (_, mut findings) in by_file {
        sort_findings(&mut findings);
        fingerprint::assign(&mut findings, |f| f.anchor.clone());
        result.findings.extend(findings);
    }
    result
}
