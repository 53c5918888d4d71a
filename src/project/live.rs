//! A project kept live for the watcher (CLI `watch`, the desktop app): the
//! opened state, whose first scan skips the files the database recorded
//! unchanged as `scan` does, and the recorder of its batches: one partial sync
//! (one transaction) per batch, covering the changed files plus every file
//! that holds a project-wide finding before or after the batch (those can
//! change when a different file is edited).

use std::collections::HashSet;

use super::record::{prior_from, stored_findings_of};
use super::Project;
use crate::scan::known::analysis_key;
use crate::scan::state::{ProjectState, Update};
use crate::scan::Progress;
use crate::store::{self, Store, SyncOptions, SyncScope, SyncSummary, Trigger};

pub struct Recorder {
    pub store: Store,
    project_paths: Vec<String>,
    git_commit: Option<String>,
    trigger: Trigger,
}

/// Opens the project's state (first scan, skipping unchanged files) and
/// records it: returns the state, the recorder for the following batches and
/// what the first scan changed in the database.
pub fn open(
    project: &Project,
    store: Store,
    progress: Option<Progress>,
    trigger: Trigger,
) -> anyhow::Result<(ProjectState, Recorder, SyncSummary)> {
    let (mut state, key) = scan(project, &store, progress)?;
    let (recorder, summary) = Recorder::start(store, &mut state, Some(key), trigger)?;
    Ok((state, recorder, summary))
}

/// The first half of [`open`]: the project's state, its files recorded
/// unchanged in `store` skipped (their stored findings adopted), and the
/// analysis key it was scanned under.
pub fn scan(
    project: &Project,
    store: &Store,
    progress: Option<Progress>,
) -> anyhow::Result<(ProjectState, String)> {
    let key = analysis_key(&project.config);
    let prior = prior_from(store, &key)?;
    let mut state =
        ProjectState::open_with(&project.root, project.config.clone(), progress, &prior)?;
    let unchanged = state.unchanged_paths();
    state.adopt_stored(stored_findings_of(store, &unchanged)?);
    state.adopt_summaries(store.summaries(&unchanged)?);
    Ok((state, key))
}

impl Recorder {
    /// Records the state's current full result (the first scan of a session) and
    /// returns the recorder for the following batches. `analysis_key`: the key
    /// the state's scan was made under (see `crate::scan::known`).
    pub fn start(
        mut store: Store,
        state: &mut ProjectState,
        analysis_key: Option<String>,
        trigger: Trigger,
    ) -> anyhow::Result<(Recorder, SyncSummary)> {
        // Ask git once per session, not once per batch ("" = not a repository).
        let git_commit = Some(store::git_head(&state.root).unwrap_or_default());
        let mut opts =
            SyncOptions::new(SyncScope::Full, trigger).rules(state.config.enabled_rules());
        opts.git_commit = git_commit.clone();
        opts.analysis_key = analysis_key;
        let summary = store.sync(&state.result(), &opts)?;
        let mut recorder = Recorder {
            store,
            project_paths: vec![],
            git_commit,
            trigger,
        };
        recorder.recorded(state, state.project_finding_paths());
        Ok((recorder, summary))
    }

    /// Records one batch.
    pub fn record(
        &mut self,
        state: &mut ProjectState,
        update: &Update,
    ) -> anyhow::Result<SyncSummary> {
        if update.full_rescan {
            return self.record_full(state);
        }
        let (result, covered, project_paths) = state.partial_result(update, &self.project_paths);
        let mut opts = SyncOptions::new(SyncScope::Files(covered), self.trigger);
        opts.git_commit = self.git_commit.clone();
        let summary = self.store.sync(&result, &opts)?;
        self.recorded(state, project_paths);
        Ok(summary)
    }

    /// Records the state's whole current result (after the configuration
    /// changed, or after a batch could not be recorded, e.g. the database was
    /// locked, so that nothing stays missed).
    pub fn record_full(&mut self, state: &mut ProjectState) -> anyhow::Result<SyncSummary> {
        // A rule turned off is `removed`, not `fixed`.
        let mut opts =
            SyncOptions::new(SyncScope::Full, self.trigger).rules(state.config.enabled_rules());
        opts.git_commit = self.git_commit.clone();
        let summary = self.store.sync(&state.result(), &opts)?;
        self.recorded(state, state.project_finding_paths());
        Ok(summary)
    }

    /// After a sync: the files holding project-wide findings now are covered
    /// by the next batch, and keep their text for it (a finding there can be
    /// fixed by an edit elsewhere); every other text is released.
    fn recorded(&mut self, state: &mut ProjectState, project_paths: Vec<String>) {
        let keep: HashSet<String> = project_paths.iter().cloned().collect();
        state.release_text(&keep);
        self.project_paths = project_paths;
    }
}
