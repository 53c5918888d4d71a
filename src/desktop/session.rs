//! One open project: its database, the first scan on a background thread
//! (progress as events, so the window stays responsive), then the watcher on
//! the same thread, recording each batch and announcing it. Commands read and
//! write through their own database connection, so they never wait for a scan
//! (SQLite WAL: readers do not block the writer).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::confine;
use super::error::{ApiError, ApiResult};
use super::events::{
    config_notice, Event, FindingsChanged, Progress, ScanFinished, Sink, WatcherState,
};
use super::types::{
    report_format, DetailOut, FileMarker, FileText, FilterArgs, ManualInput, ProjectInfo,
    ReportArgs, RuleInfo, ScanInfo, ScanWarning, SlaDays,
};
use super::{dashboard, editor, rules_config};
use crate::config::Config;
use crate::finding::{Kind, Related, Severity};
use crate::project::live::{self, Recorder};
use crate::project::{record, Project};
use crate::report;
use crate::rules::{self, RuleMeta};
use crate::scan::{self, ScanOptions, Warning};
use crate::store::{
    self, FileCount, FindingFilter, FindingList, FindingRow, ManualFinding, Store, SyncSummary,
    TriageChange, Trigger, MANUAL_RULE,
};
use crate::watch::{watch_with_ready, WatchOptions};

#[derive(Debug, Default, Clone)]
struct Status {
    scanning: bool,
    progress: Option<Progress>,
    watching: bool,
    last_scan: Option<ScanInfo>,
    error: Option<String>,
    /// The last scan's problems (files and folders not read, syntax errors...).
    warnings: Vec<Warning>,
}

/// Warning kinds of a file or folder the scan could not read or analyse (the
/// others, such as `syntax-error` or `not-utf8`, were analysed anyway).
pub const UNREAD_KINDS: &[&str] = &[
    "unreadable",
    "walk",
    "binary",
    "too-large",
    "too-deep",
    "timed-out",
    "outside-root",
];

/// How long a rule toggle waits for the watcher's re-scan of the configuration
/// it wrote before re-scanning itself.
const CONFIG_BATCH_WAIT: Duration = Duration::from_secs(180);

/// Between the commands and the watcher: the configuration re-scans the watcher
/// recorded (a rule toggle waits for the next one rather than scanning again),
/// and what the next one is about ("RES005 disabled"), for its notice.
#[derive(Default)]
struct ConfigBatches {
    count: Mutex<u64>,
    done: Condvar,
    what: Mutex<Option<String>>,
}

pub struct Session {
    pub root: PathBuf,
    pub name: String,
    pub db_path: PathBuf,
    store: Mutex<Store>,
    status: Arc<Mutex<Status>>,
    stop: Arc<AtomicBool>,
    sink: Sink,
    config_batches: Arc<ConfigBatches>,
    /// The auditor name of the app's settings (who signs triage and notes).
    auditor: Mutex<String>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not make the project unusable.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Session {
    /// Opens `root` (an existing folder) with its database at `db_path`, and
    /// starts the first scan (then the watcher, when `watcher`) in the background.
    pub fn open(
        root: &Path,
        db_path: PathBuf,
        watcher: bool,
        sink: Sink,
    ) -> ApiResult<Arc<Session>> {
        let root = root
            .canonicalize()
            .map_err(|e| ApiError::not_found(format!("cannot open {}: {e}", root.display())))?;
        if !root.is_dir() {
            return Err(ApiError::invalid(format!(
                "{} is not a folder",
                root.display()
            )));
        }
        Config::load(&root).map_err(|e| ApiError::invalid(format!("{e:#}")))?;
        let store = Store::open(&db_path)?;
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| root.to_string_lossy().into_owned());
        let session = Arc::new(Session {
            name,
            db_path,
            store: Mutex::new(store),
            status: Arc::new(Mutex::new(Status {
                scanning: true,
                ..Default::default()
            })),
            stop: Arc::new(AtomicBool::new(false)),
            sink,
            root,
            config_batches: Arc::new(ConfigBatches::default()),
            auditor: Mutex::new(String::new()),
        });
        let worker = Worker {
            root: session.root.clone(),
            db_path: session.db_path.clone(),
            watcher,
            status: session.status.clone(),
            stop: session.stop.clone(),
            sink: session.sink.clone(),
            config_batches: session.config_batches.clone(),
        };
        std::thread::Builder::new()
            .name("auditbench-project".into())
            .spawn(move || worker.run())
            .map_err(|e| ApiError::io(format!("cannot start the scan thread: {e}")))?;
        Ok(session)
    }

    /// Stops the watcher (within about 100 ms; a first scan still running
    /// finishes but records nothing).
    pub fn close(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    pub fn info(&self) -> ProjectInfo {
        let st = lock(&self.status).clone();
        ProjectInfo {
            root: self.root.to_string_lossy().into_owned(),
            name: self.name.clone(),
            db_path: self.db_path.to_string_lossy().into_owned(),
            scanning: st.scanning,
            progress: st.progress,
            watching: st.watching,
            last_scan: st.last_scan,
            error: st.error,
            unread: st
                .warnings
                .iter()
                .filter(|w| UNREAD_KINDS.contains(&w.kind.as_str()))
                .count(),
            warnings: st.warnings.len(),
        }
    }

    /// The last scan's warnings: first the files and folders it could not read
    /// or analyse, then the others, each by path.
    pub fn warnings(&self) -> Vec<ScanWarning> {
        let mut v: Vec<ScanWarning> = lock(&self.status)
            .warnings
            .iter()
            .map(|w| ScanWarning {
                path: w.path.clone(),
                kind: w.kind.clone(),
                message: w.message.clone(),
                unread: UNREAD_KINDS.contains(&w.kind.as_str()),
            })
            .collect();
        v.sort_by(|a, b| b.unread.cmp(&a.unread).then(a.path.cmp(&b.path)));
        v
    }

    /// Sets the app's auditor name ("" = none): it signs triage and notes.
    pub fn set_auditor(&self, name: &str) {
        *lock(&self.auditor) = name.trim().to_string();
    }

    /// Who signs triage and notes: the auditor name of the app's settings, else
    /// the project's `[tool.auditbench.report] auditor`, else the account
    /// (`AUDITBENCH_USER`, `USER`).
    pub fn actor(&self) -> String {
        let app = lock(&self.auditor).clone();
        if !app.is_empty() {
            return app;
        }
        self.config()
            .ok()
            .and_then(|c| c.report.auditor)
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .unwrap_or_else(store::default_actor)
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    fn config(&self) -> ApiResult<Config> {
        Config::load(&self.root).map_err(|e| ApiError::invalid(format!("{e:#}")))
    }

    pub fn list_findings(&self, filter: &FilterArgs) -> ApiResult<FindingList> {
        Ok(self.store().findings(&filter.to_filter()?)?)
    }

    pub fn finding_detail(&self, id: i64) -> ApiResult<DetailOut> {
        let (detail, related) = {
            let store = self.store();
            let detail = store.history(id)?;
            let related: String = store
                .connection()
                .query_row("SELECT related FROM findings WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .map_err(store::StoreError::from)?;
            (detail, related)
        };
        let related: Vec<Related> = serde_json::from_str(&related).unwrap_or_default();
        let rule = match rules::find_meta(&detail.finding.rule) {
            Some(meta) => rule_info(meta, &self.config()?, 0),
            None => manual_rule_info(&detail.finding),
        };
        Ok(DetailOut {
            detail,
            rule,
            related,
        })
    }

    pub fn read_file(&self, path: &str) -> ApiResult<FileText> {
        let file = confine::resolve_file(&self.root, path)?;
        let limit = self.config()?.max_file_size;
        let size = std::fs::metadata(&file.abs)
            .map_err(|e| ApiError::io(format!("cannot read `{path}`: {e}")))?
            .len();
        if size > limit {
            return Err(ApiError::invalid(format!(
                "`{path}` is {size} bytes, over the {limit}-byte limit"
            )));
        }
        let bytes = std::fs::read(&file.abs)
            .map_err(|e| ApiError::io(format!("cannot read `{path}`: {e}")))?;
        let list = self.store().findings(&FindingFilter {
            path: Some(file.rel.clone()),
            ..Default::default()
        })?;
        let findings = list
            .items
            .into_iter()
            .filter(|f| f.path == file.rel && f.detection != "removed")
            .map(|f| FileMarker {
                id: f.id,
                line: f.line,
                end_line: f.end_line,
                severity: f.severity,
                rule: f.rule,
                detection: f.detection,
            })
            .collect();
        Ok(FileText {
            path: file.rel,
            text: String::from_utf8_lossy(&bytes).into_owned(),
            findings,
        })
    }

    pub fn triage(
        &self,
        ids: &[i64],
        status: &str,
        note: Option<String>,
    ) -> ApiResult<Vec<FindingRow>> {
        let change = TriageChange {
            status: status.parse()?,
            note: note.filter(|n| !n.trim().is_empty()),
            actor: self.actor(),
            at: None,
        };
        let mut store = self.store();
        store.triage(ids, &change)?;
        Ok(ids
            .iter()
            .map(|&id| store.finding(id))
            .collect::<store::Result<_>>()?)
    }

    pub fn add_note(&self, id: i64, note: &str) -> ApiResult<()> {
        Ok(self.store().add_note(id, &self.actor(), note, None)?)
    }

    pub fn add_manual(&self, input: &ManualInput) -> ApiResult<i64> {
        let file = confine::resolve_file(&self.root, &input.path)?;
        let lines = std::fs::read(&file.abs)
            .map(|b| String::from_utf8_lossy(&b).lines().count())
            .map_err(|e| ApiError::io(format!("cannot read `{}`: {e}", input.path)))?;
        if input.line == 0 || input.line > lines.max(1) {
            return Err(ApiError::invalid(format!(
                "line {} is not in `{}` ({lines} lines)",
                input.line, file.rel
            )));
        }
        let m = ManualFinding {
            path: file.rel,
            line: input.line,
            severity: input.severity,
            title: input.title.clone(),
            description: input.description.clone(),
            fix: input.fix.clone().filter(|f| !f.trim().is_empty()),
        };
        Ok(crate::project::manual::add(
            &mut self.store(),
            &self.root,
            &m,
            &self.actor(),
            None,
        )?)
    }

    pub fn open_in_editor(&self, path: &str, line: usize, template: &str) -> ApiResult<()> {
        let file = confine::resolve_file(&self.root, path)?;
        editor::open(template, &file.abs, line.max(1))
    }

    pub fn dashboard(
        &self,
        weeks: Option<usize>,
        sla: &SlaDays,
    ) -> ApiResult<dashboard::Dashboard> {
        let weeks = weeks.unwrap_or(dashboard::DEFAULT_WEEKS);
        Ok(dashboard::build(&self.store(), weeks, sla, store::now())?)
    }

    pub fn file_counts(&self) -> ApiResult<Vec<FileCount>> {
        Ok(self.store().file_counts()?)
    }

    pub fn list_rules(&self) -> ApiResult<Vec<RuleInfo>> {
        let config = self.config()?;
        let open = self.store().findings(&dashboard::open_filter())?.by_rule;
        Ok(rules::all_meta()
            .into_iter()
            .map(|m| rule_info(m, &config, open.get(m.id).copied().unwrap_or(0)))
            .collect())
    }

    /// Writes the change to the project's configuration file and has the
    /// project re-scanned once: by the watcher, which sees the file change (the
    /// command waits for its batch), or here when no watcher runs. The notice
    /// (`findings-changed`) says what the change hid and showed, by rule.
    pub fn set_rule(
        &self,
        id: &str,
        enabled: Option<bool>,
        severity: Option<&str>,
    ) -> ApiResult<Vec<RuleInfo>> {
        let severity = severity
            .map(|s| s.parse::<Severity>().map_err(ApiError::invalid))
            .transpose()?;
        let mut what = vec![];
        if let Some(on) = enabled {
            what.push(if on { "enabled" } else { "disabled" }.to_string());
        }
        if let Some(s) = severity {
            what.push(format!("severity {}", s.as_str()));
        }
        let what = format!("{} {}", id.to_ascii_uppercase(), what.join(", "));
        self.config_change(&what, || {
            rules_config::set_rule(&self.root, id, enabled, severity).map(|_| ())
        })?;
        self.list_rules()
    }

    /// Writes a configuration change and re-scans once (see [`Session::set_rule`]).
    fn config_change(&self, what: &str, write: impl FnOnce() -> ApiResult<()>) -> ApiResult<()> {
        let batches = &self.config_batches;
        let watching = lock(&self.status).watching;
        let before = *lock(&batches.count);
        if watching {
            *lock(&batches.what) = Some(what.to_string());
        }
        if let Err(e) = write() {
            *lock(&batches.what) = None;
            return Err(e);
        }
        if watching && self.wait_config_batch(before) {
            return Ok(());
        }
        // No watcher (or it stopped meanwhile): re-scan here.
        *lock(&batches.what) = None;
        self.rescan_as(Some(what)).map(|_| ())
    }

    /// Waits for the watcher to record a configuration re-scan after `before`;
    /// false when it stopped or took too long.
    fn wait_config_batch(&self, before: u64) -> bool {
        let batches = &self.config_batches;
        let deadline = Instant::now() + CONFIG_BATCH_WAIT;
        let mut count = lock(&batches.count);
        while *count == before {
            let now = Instant::now();
            if now >= deadline || !lock(&self.status).watching {
                return false;
            }
            let wait = (deadline - now).min(Duration::from_millis(200));
            count = batches
                .done
                .wait_timeout(count, wait)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        true
    }

    pub fn excludes(&self) -> ApiResult<Vec<String>> {
        Ok(self.config()?.exclude)
    }

    /// Replaces the `exclude` list and re-scans once, when it changed.
    pub fn set_excludes(&self, excludes: &[String]) -> ApiResult<()> {
        if self.excludes()? != excludes {
            self.config_change("excludes changed", || {
                rules_config::set_excludes(&self.root, excludes).map(|_| ())
            })?;
        }
        Ok(())
    }

    /// A full scan with the configuration on disk, recorded now (unchanged
    /// files skipped, as `scan` does).
    pub fn rescan(&self) -> ApiResult<SyncSummary> {
        self.rescan_as(None)
    }

    /// [`Session::rescan`] after a configuration change `what` (its notice).
    fn rescan_as(&self, what: Option<&str>) -> ApiResult<SyncSummary> {
        let config = self.config()?;
        let opts = ScanOptions {
            root: self.root.clone(),
            config,
            progress: None,
        };
        let (result, summary) = record::scan_and_record(&mut self.store(), opts, Trigger::App)
            .map_err(|e| ApiError::scan_failed(format!("{e:#}")))?;
        {
            let mut st = lock(&self.status);
            st.last_scan = Some(scan_info(&summary, result.files_scanned));
            st.warnings = read_warnings(result.warnings);
        }
        let headline = config_notice(&summary, what.unwrap_or("configuration changed"));
        (self.sink)(Event::FindingsChanged(FindingsChanged::with_headline(
            &summary,
            vec![],
            headline,
        )));
        Ok(summary)
    }

    pub fn render_report(&self, args: &ReportArgs, format: &str) -> ApiResult<String> {
        let (format, _) = report_format(format)?;
        let opts = args.to_options(&self.config()?, crate::config::project_name(&self.root))?;
        Ok(report::render(&self.store(), &opts, format)?)
    }

    /// Renders and writes the report to `dest` (a path the user chose in the
    /// save dialog); returns the path written.
    pub fn export_report(&self, args: &ReportArgs, format: &str, dest: &Path) -> ApiResult<String> {
        let text = self.render_report(args, format)?;
        std::fs::write(dest, text)
            .map_err(|e| ApiError::io(format!("cannot write {}: {e}", dest.display())))?;
        Ok(dest.to_string_lossy().into_owned())
    }
}

pub fn rule_info(meta: &RuleMeta, config: &Config, open: usize) -> RuleInfo {
    let strength = meta.kind == Kind::Strength;
    let sev = |s: Severity| {
        if strength {
            String::new()
        } else {
            s.as_str().to_string()
        }
    };
    RuleInfo {
        id: meta.id.into(),
        name: meta.name.into(),
        kind: if strength { "strength" } else { "finding" }.into(),
        default_severity: sev(meta.severity),
        severity: sev(config.severity_of(meta.id, meta.severity)),
        enabled: config.is_enabled(meta.id),
        summary: meta.summary.into(),
        doc: meta.doc.into(),
        open,
    }
}

fn manual_rule_info(f: &FindingRow) -> RuleInfo {
    let sev = f.severity.clone().unwrap_or_default();
    RuleInfo {
        id: MANUAL_RULE.into(),
        name: "manual-finding".into(),
        kind: "finding".into(),
        default_severity: sev.clone(),
        severity: sev,
        enabled: true,
        summary: "Recorded by hand by an auditor.".into(),
        doc: "A finding recorded by a person: no rule detects it, so only triage closes it.".into(),
        open: 0,
    }
}

/// A scan's warnings without the model pass's (`model-budget`: about
/// confidence, not about reading the project).
fn read_warnings(mut v: Vec<Warning>) -> Vec<Warning> {
    v.retain(|w| !w.kind.starts_with("model"));
    v
}

fn scan_info(summary: &SyncSummary, files: usize) -> ScanInfo {
    ScanInfo {
        at: store::now(),
        files,
        headline: summary.headline(),
    }
}

/// The background half of a session: first scan, first record, then watching.
struct Worker {
    root: PathBuf,
    db_path: PathBuf,
    watcher: bool,
    status: Arc<Mutex<Status>>,
    stop: Arc<AtomicBool>,
    sink: Sink,
    config_batches: Arc<ConfigBatches>,
}

impl Worker {
    /// A configuration re-scan was recorded (or failed): a waiting rule toggle
    /// goes on.
    fn config_batch_done(&self) {
        *lock(&self.config_batches.count) += 1;
        self.config_batches.done.notify_all();
    }

    fn run(self) {
        if let Err(e) = self.run_inner() {
            let e = if !self.root.exists() {
                ApiError::not_found(format!(
                    "the project folder {} was removed",
                    self.root.display()
                ))
            } else {
                e
            };
            {
                let mut st = lock(&self.status);
                st.scanning = false;
                st.watching = false;
                st.error = Some(e.message.clone());
            }
            (self.sink)(Event::WatcherState(WatcherState { watching: false }));
            (self.sink)(Event::ProjectError(e));
        }
    }

    fn fail(&self, e: anyhow::Error) -> ApiError {
        ApiError::from(e)
    }

    fn run_inner(&self) -> ApiResult<()> {
        let last_pct = AtomicUsize::new(usize::MAX);
        let progress = |done: usize, total: usize| {
            // At most ~100 events per scan, plus the last one.
            let pct = done * 100 / total.max(1);
            if last_pct.swap(pct, Ordering::Relaxed) != pct || done == total {
                let p = Progress { done, total };
                lock(&self.status).progress = Some(p);
                (self.sink)(Event::ScanProgress(p));
            }
        };
        let progress: scan::Progress = &progress;
        let project = Project {
            root: self.root.clone(),
            config: Config::load(&self.root).map_err(|e| ApiError::invalid(format!("{e:#}")))?,
            db_path: self.db_path.clone(),
        };
        let store = Store::open(&self.db_path)?;
        let (mut state, key) = live::scan(&project, &store, Some(progress))
            .map_err(|e| ApiError::scan_failed(format!("{e:#}")))?;
        if self.stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        let (mut recorder, summary) =
            Recorder::start(store, &mut state, Some(key), Trigger::Watcher)
                .map_err(|e| self.fail(e))?;
        let files = state.files_scanned();
        {
            let mut st = lock(&self.status);
            st.scanning = false;
            st.last_scan = Some(scan_info(&summary, files));
            st.warnings = state.warnings();
        }
        (self.sink)(Event::ScanFinished(ScanFinished {
            headline: summary.headline(),
            new: summary.new.len(),
            fixed: summary.fixed.len(),
            regressed: summary.regressed.len(),
            files,
        }));
        if !self.watcher {
            return Ok(());
        }
        let mut missed = false;
        let watching = |on: bool| {
            lock(&self.status).watching = on;
            (self.sink)(Event::WatcherState(WatcherState { watching: on }));
        };
        let ready = || watching(true);
        let result = watch_with_ready(
            &mut state,
            &WatchOptions::default(),
            self.stop.clone(),
            ready,
            |st, update| {
                // The desktop stops watching on an invalid configuration and
                // shows the error (the CLI reports it and keeps the last good
                // one): the watcher now hands it over instead of failing.
                if let Some(e) = &update.config_error {
                    anyhow::bail!("{e}");
                }
                let recorded = if missed {
                    recorder.record_full(st)
                } else {
                    recorder.record(st, update)
                };
                // A configuration re-scan a command asked for says what it was.
                let what = if update.full_rescan {
                    lock(&self.config_batches.what).take()
                } else {
                    None
                };
                match recorded {
                    Ok(summary) => {
                        missed = false;
                        let warnings = st.warnings();
                        {
                            let mut status = lock(&self.status);
                            // The file count of the first scan: counting again would
                            // copy every file's result on each batch.
                            status.last_scan = Some(scan_info(&summary, files));
                            status.warnings = warnings;
                        }
                        let paths = update.covered();
                        let headline = match &what {
                            Some(w) => config_notice(&summary, w),
                            None => super::events::notice(&summary, &paths, update.full_rescan),
                        };
                        (self.sink)(Event::FindingsChanged(FindingsChanged::with_headline(
                            &summary, paths, headline,
                        )));
                    }
                    Err(e) => {
                        // Keep watching; the next batch records everything.
                        missed = true;
                        (self.sink)(Event::ProjectError(self.fail(e)));
                    }
                }
                if update.full_rescan {
                    self.config_batch_done();
                }
                Ok(())
            },
        );
        watching(false);
        result.map_err(|e| self.fail(e))
    }
}
