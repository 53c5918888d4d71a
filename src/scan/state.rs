//! The in-memory state of an opened project: the last scan result of every file,
//! kept so that a change to a few files re-scans only those files and re-runs the
//! project-wide pass over the cached per-file facts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;

use crate::config::Config;
use crate::finding::Finding;
use crate::scan::discover::PathFilter;
use crate::scan::{self as scan, FileResult, Prior, ScanOptions, ScanResult};

/// What one incremental update did.
#[derive(Debug, Clone, Default)]
pub struct Update {
    /// Relative paths re-scanned (created or modified).
    pub rescanned: Vec<String>,
    /// Relative paths that disappeared (deleted, renamed away, now excluded).
    pub removed: Vec<String>,
    /// The configuration changed, so everything was re-scanned.
    pub full_rescan: bool,
    /// The changed configuration is invalid: the message, and the last good
    /// configuration stays in force (a typo while editing must not stop the
    /// watcher).
    pub config_error: Option<String>,
    pub duration_ms: u64,
}

impl Update {
    /// Every relative path whose findings this update recomputed.
    pub fn covered(&self) -> Vec<String> {
        self.rescanned
            .iter()
            .chain(&self.removed)
            .cloned()
            .collect()
    }
}

pub struct ProjectState {
    pub root: PathBuf,
    pub config: Config,
    filter: PathFilter,
    files: BTreeMap<String, FileResult>,
    /// Walk problems of the last full scan.
    walk_warnings: Vec<scan::Warning>,
    last_duration_ms: u64,
    /// Test files the last full scan skipped.
    test_files_skipped: usize,
}

/// Files whose change means "re-read the configuration and re-scan everything".
pub const CONFIG_FILES: &[&str] = &["pyproject.toml", ".auditbench.toml", ".gitignore"];

impl ProjectState {
    /// Loads the configuration and runs a full scan of `root` (a directory).
    pub fn open(root: &Path, progress: Option<scan::Progress>) -> Result<ProjectState> {
        let root = root
            .canonicalize()
            .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", root.display()))?;
        let config = Config::load(&root)?;
        Self::open_with(&root, config, progress, &Prior::default())
    }

    /// [`ProjectState::open`] with a loaded configuration and what is known
    /// from before: files skipped as unchanged get their findings from
    /// [`ProjectState::adopt_stored`].
    pub fn open_with(
        root: &Path,
        config: Config,
        progress: Option<scan::Progress>,
        prior: &Prior,
    ) -> Result<ProjectState> {
        let root = root
            .canonicalize()
            .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", root.display()))?;
        let mut state = ProjectState {
            filter: PathFilter::for_config(&root, &config)?,
            root,
            config,
            files: BTreeMap::new(),
            walk_warnings: vec![],
            last_duration_ms: 0,
            test_files_skipped: 0,
        };
        state.full_scan(progress, prior)?;
        Ok(state)
    }

    /// Gives the files skipped as unchanged their stored findings (per-file
    /// rules only: the project-wide ones are computed again).
    pub fn adopt_stored(&mut self, findings: Vec<Finding>) {
        for f in findings {
            if let Some(file) = self.files.get_mut(&f.path).filter(|r| r.unchanged) {
                file.findings.push(f);
            }
        }
        for file in self.files.values_mut().filter(|r| r.unchanged) {
            scan::sort_findings(&mut file.findings);
        }
    }

    /// Gives the files skipped as unchanged their stored module summaries
    /// (from the database), so that the project model covers every file.
    pub fn adopt_summaries(&mut self, mut summaries: scan::model_pass::StoredSummaries) {
        for file in self.files.values_mut().filter(|r| r.unchanged) {
            if let Some(s) = summaries.remove(&file.path) {
                file.summary = Some(s);
            }
        }
    }

    /// Drops the kept text of every file but `keep` (the text is only needed
    /// until the scan that read it is recorded, and for files whose findings
    /// can change without the file changing: project-wide findings).
    pub fn release_text(&mut self, keep: &std::collections::HashSet<String>) {
        for (path, file) in self.files.iter_mut() {
            if !keep.contains(path) {
                file.text = None;
            }
        }
    }

    fn full_scan(&mut self, progress: Option<scan::Progress>, prior: &Prior) -> Result<()> {
        let result = scan::scan_with(
            ScanOptions {
                root: self.root.clone(),
                config: self.config.clone(),
                progress,
            },
            prior,
        )?;
        self.walk_warnings = result
            .warnings
            .iter()
            .filter(|w| w.kind == "walk")
            .cloned()
            .collect();
        self.last_duration_ms = result.duration_ms;
        self.test_files_skipped = result.test_files_skipped;
        self.files = result
            .files
            .into_iter()
            .map(|f| (f.path.clone(), f))
            .collect();
        Ok(())
    }

    /// Applies a batch of changed absolute paths (created, modified, deleted,
    /// renamed: the path's current state on disk decides).
    pub fn apply(&mut self, changed: &[PathBuf]) -> Result<Update> {
        let start = Instant::now();
        let mut update = Update::default();
        let config_changed = changed.iter().any(|p| {
            p.parent() == Some(self.root.as_path())
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| CONFIG_FILES.contains(&n))
        });
        let reloaded = config_changed
            .then(|| {
                Config::load(&self.root).and_then(|c| {
                    let filter = PathFilter::for_config(&self.root, &c)?;
                    Ok((c, filter))
                })
            })
            .transpose();
        let reloaded = match reloaded {
            Ok(r) => r,
            Err(e) => {
                update.config_error = Some(format!("{e:#}"));
                None
            }
        };
        if let Some((config, filter)) = reloaded {
            let before: Vec<String> = self.files.keys().cloned().collect();
            self.config = config;
            self.filter = filter;
            // Every file is analysed again: keep every text until the
            // recorder has synced this batch (then `release_text`).
            self.full_scan(None, &Prior::keep_all_text())?;
            update.full_rescan = true;
            update.rescanned = self.files.keys().cloned().collect();
            update.removed = before
                .into_iter()
                .filter(|p| !self.files.contains_key(p))
                .collect();
            update.duration_ms = start.elapsed().as_millis() as u64;
            return Ok(update);
        }
        let mut to_scan = vec![];
        for p in changed {
            let Ok(rel_path) = p.strip_prefix(&self.root) else {
                continue;
            };
            let rel = scan::rel_path(&self.root, p);
            if p.is_dir() {
                // A folder appeared (or was moved in): scan the Python files inside.
                if self.filter.is_excluded(rel_path, true) {
                    continue;
                }
                if let Ok((found, _)) = crate::scan::discover::discover(p, &self.config.exclude) {
                    to_scan.extend(found.into_iter().filter(|f| {
                        f.strip_prefix(&self.root)
                            .is_ok_and(|r| !self.filter.is_excluded(r, false))
                    }));
                }
                continue;
            }
            let gone = !p.exists();
            if gone {
                // A file or a whole folder vanished: drop everything under it.
                let prefix = format!("{rel}/");
                let dropped: Vec<String> = self
                    .files
                    .keys()
                    .filter(|k| **k == rel || k.starts_with(&prefix))
                    .cloned()
                    .collect();
                for d in dropped {
                    self.files.remove(&d);
                    update.removed.push(d);
                }
                continue;
            }
            if p.extension().is_some_and(|x| x == "py") && !self.filter.is_excluded(rel_path, false)
            {
                to_scan.push(p.clone());
            }
        }
        to_scan.sort();
        to_scan.dedup();
        let batch = Prior::keep_all_text();
        for p in to_scan {
            let r = scan::scan_file(&self.root, &p, &self.config, &batch);
            if !p.exists() {
                // Vanished between the event and the read (a temp file, a
                // checkout in progress): it is gone, not unreadable.
                if self.files.remove(&r.path).is_some() {
                    update.removed.push(r.path);
                }
                continue;
            }
            update.rescanned.push(r.path.clone());
            self.files.insert(r.path.clone(), r);
        }
        update.removed.sort();
        update.removed.dedup();
        update.duration_ms = start.elapsed().as_millis() as u64;
        self.last_duration_ms = update.duration_ms;
        Ok(update)
    }

    /// The current result of the whole project: cached per-file findings plus a
    /// fresh project-wide pass.
    pub fn result(&self) -> ScanResult {
        let files: Vec<FileResult> = self.files.values().cloned().collect();
        let mut findings: Vec<crate::Finding> = files
            .iter()
            .flat_map(|f| f.findings.iter().cloned())
            .collect();
        findings.extend(scan::project_pass(&files, &self.config));
        let model = scan::model_pass::judge(&mut findings, files.iter(), &Default::default());
        scan::sort_findings(&mut findings);
        let mut warnings = self.walk_warnings.clone();
        warnings.extend(model);
        warnings.extend(files.iter().flat_map(|f| f.warnings.iter().cloned()));
        ScanResult {
            root: self.root.to_string_lossy().into_owned(),
            files_scanned: files.iter().filter(|f| f.analysed).count(),
            lines_scanned: files.iter().map(|f| f.lines).sum(),
            duration_ms: self.last_duration_ms,
            test_files_skipped: self.test_files_skipped,
            warnings,
            findings,
            files,
        }
    }

    /// The result restricted to what an update may have changed: the findings of
    /// the covered files plus every project-wide finding (those can move with an
    /// edit elsewhere). Returns the result, the relative paths it covers
    /// completely (for a partial store sync), and the paths holding project-wide
    /// findings now (to pass as `previous_project_paths` next time).
    pub fn partial_result(
        &self,
        update: &Update,
        previous_project_paths: &[String],
    ) -> (ScanResult, Vec<String>, Vec<String>) {
        let mut covered: Vec<String> = update.covered();
        let project = scan::project_pass_over(self.files.values(), &self.config);
        let project_paths: Vec<String> = project.iter().map(|f| f.path.clone()).collect();
        covered.extend(project_paths.iter().cloned());
        covered.extend(previous_project_paths.iter().cloned());
        covered.sort();
        covered.dedup();
        let files: Vec<FileResult> = covered
            .iter()
            .filter_map(|p| self.files.get(p))
            .cloned()
            .collect();
        let mut findings: Vec<crate::Finding> = files
            .iter()
            .flat_map(|f| f.findings.iter().cloned())
            .collect();
        findings.extend(project);
        // Judged against the model of the whole project, not only the
        // covered files.
        let model =
            scan::model_pass::judge(&mut findings, self.files.values(), &Default::default());
        scan::sort_findings(&mut findings);
        let warnings = files
            .iter()
            .flat_map(|f| f.warnings.iter().cloned())
            .chain(model)
            .collect();
        let result = ScanResult {
            root: self.root.to_string_lossy().into_owned(),
            files_scanned: files.iter().filter(|f| f.analysed).count(),
            lines_scanned: files.iter().map(|f| f.lines).sum(),
            duration_ms: update.duration_ms,
            test_files_skipped: self.test_files_skipped,
            warnings,
            findings,
            files,
        };
        (result, covered, project_paths)
    }

    /// Paths holding project-wide findings now (pass them to the next
    /// [`ProjectState::partial_result`] so a finding that vanishes is seen).
    pub fn project_finding_paths(&self) -> Vec<String> {
        scan::project_pass_over(self.files.values(), &self.config)
            .into_iter()
            .map(|f| f.path)
            .collect()
    }

    /// Paths of the files the last full scan skipped as unchanged (and not
    /// re-scanned since).
    pub fn unchanged_paths(&self) -> std::collections::HashSet<String> {
        self.files
            .values()
            .filter(|f| f.unchanged)
            .map(|f| f.path.clone())
            .collect()
    }

    /// How many files are analysed (what [`ProjectState::result`] counts,
    /// without building the result and its model pass).
    pub fn files_scanned(&self) -> usize {
        self.files.values().filter(|f| f.analysed).count()
    }

    pub fn file(&self, rel: &str) -> Option<&FileResult> {
        self.files.get(rel)
    }

    /// The problems of the last scan: folders the walk could not read, then each
    /// file's (unreadable, binary, too large, syntax errors...), without the
    /// model pass [`ProjectState::result`] runs.
    pub fn warnings(&self) -> Vec<scan::Warning> {
        let mut v = self.walk_warnings.clone();
        v.extend(self.files.values().flat_map(|f| f.warnings.iter().cloned()));
        v
    }
}
