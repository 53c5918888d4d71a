//! Recording watcher batches in the project database: one partial sync (one
//! transaction) per batch, covering the changed files plus every file that holds
//! a project-wide finding before or after the batch (those can change when a
//! different file is edited).

use crate::project::state::{ProjectState, Update};
use crate::store::{self, Store, SyncOptions, SyncScope, SyncSummary, Trigger};

pub struct Recorder {
    pub store: Store,
    project_paths: Vec<String>,
    git_commit: Option<String>,
}

impl Recorder {
    /// Records the state's current full result (the first scan of a session) and
    /// returns the recorder for the following batches.
    pub fn start(
        mut store: Store,
        state: &ProjectState,
    ) -> anyhow::Result<(Recorder, SyncSummary)> {
        // Ask git once per session, not once per batch ("" = not a repository).
        let git_commit = Some(store::git_head(&state.root).unwrap_or_default());
        let mut opts =
            SyncOptions::new(SyncScope::Full, Trigger::Watcher).rules(state.config.enabled_rules());
        opts.git_commit = git_commit.clone();
        let summary = store.sync(&state.result(), &opts)?;
        Ok((
            Recorder {
                store,
                project_paths: state.project_finding_paths(),
                git_commit,
            },
            summary,
        ))
    }

    /// Records one batch.
    pub fn record(&mut self, state: &ProjectState, update: &Update) -> anyhow::Result<SyncSummary> {
        let (result, covered, project_paths) = state.partial_result(update, &self.project_paths);
        let scope = if update.full_rescan {
            SyncScope::Full
        } else {
            SyncScope::Files(covered)
        };
        let mut opts = SyncOptions::new(scope, Trigger::Watcher);
        if update.full_rescan {
            // The configuration changed: a rule turned off is `removed`, not `fixed`.
            opts.rules = Some(state.config.enabled_rules());
        }
        opts.git_commit = self.git_commit.clone();
        let full;
        let result = if update.full_rescan {
            full = state.result();
            &full
        } else {
            &result
        };
        let summary = self.store.sync(result, &opts)?;
        self.project_paths = if update.full_rescan {
            state.project_finding_paths()
        } else {
            project_paths
        };
        Ok(summary)
    }

    /// Records the state's whole current result (after a batch could not be
    /// recorded, e.g. the database was locked, so that nothing stays missed).
    pub fn record_full(&mut self, state: &ProjectState) -> anyhow::Result<SyncSummary> {
        let mut opts =
            SyncOptions::new(SyncScope::Full, Trigger::Watcher).rules(state.config.enabled_rules());
        opts.git_commit = self.git_commit.clone();
        let summary = self.store.sync(&state.result(), &opts)?;
        self.project_paths = state.project_finding_paths();
        Ok(summary)
    }
}
