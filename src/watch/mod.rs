//! The watch service: file-system events (notify + notify-debouncer-full) become
//! batches of changed paths, each applied to a [`ProjectState`] (re-scanning only
//! the changed files, then the cheap project-wide pass) and handed to a listener
//! (the CLI prints it, the store syncs it, the desktop app forwards it).
//!
//! Batching: the debouncer merges the events of each file within `debounce`
//! (an editor's atomic save, write-temp-then-rename, arrives as one change). When a
//! batch is large (a `git checkout`, a formatter run over the tree) or creates a
//! folder (unpacking, generated code), more events are awaited until the tree has been quiet for `settle`, so that the burst
//! becomes one batch instead of dozens.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Result};
use notify::RecursiveMode;
use notify_debouncer_full::{new_debouncer, DebounceEventResult};

use crate::scan::state::{ProjectState, Update};

#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// Quiet time per file before its change is reported.
    pub debounce: Duration,
    /// A batch with more paths than this waits for the tree to settle.
    pub burst_threshold: usize,
    /// Quiet time that ends a burst.
    pub settle: Duration,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            debounce: Duration::from_millis(30),
            burst_threshold: 16,
            settle: Duration::from_millis(300),
        }
    }
}

/// Watches the project of `state` until `stop` is set, calling `on_batch` after
/// each applied batch. Returns an error when the project folder disappears.
pub fn watch(
    state: &mut ProjectState,
    options: &WatchOptions,
    stop: Arc<AtomicBool>,
    on_batch: impl FnMut(&mut ProjectState, &Update) -> Result<()>,
) -> Result<()> {
    watch_with_ready(state, options, stop, || {}, on_batch)
}

/// [`watch`], calling `on_ready` once the folder is being watched (changes from
/// then on are seen; the desktop app shows "watching" only from that moment).
pub fn watch_with_ready(
    state: &mut ProjectState,
    options: &WatchOptions,
    stop: Arc<AtomicBool>,
    on_ready: impl FnOnce(),
    mut on_batch: impl FnMut(&mut ProjectState, &Update) -> Result<()>,
) -> Result<()> {
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(options.debounce, None, move |r: DebounceEventResult| {
        let _ = tx.send(r);
    })?;
    debouncer.watch(&state.root, RecursiveMode::Recursive)?;
    on_ready();
    let root = state.root.clone();
    while !stop.load(Ordering::Relaxed) {
        let first = match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(r) => r,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if !root.exists() {
                    bail!("the project folder {} was removed", root.display());
                }
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        let mut paths = vec![];
        let new_folder = collect(first, &mut paths);
        // A new folder starts a bulk change (checkout, unpack, generated code)
        // as surely as many paths do: wait for the tree to settle in both cases,
        // so that files written after the folder's event join this batch.
        if new_folder || paths.len() > options.burst_threshold {
            while let Ok(more) = rx.recv_timeout(options.settle) {
                collect(more, &mut paths);
            }
        }
        paths.sort();
        paths.dedup();
        if !root.exists() {
            bail!("the project folder {} was removed", root.display());
        }
        let relevant: Vec<PathBuf> = paths.into_iter().filter(|p| p.starts_with(&root)).collect();
        if relevant.is_empty() {
            continue;
        }
        let update = state.apply(&relevant)?;
        if update.rescanned.is_empty()
            && update.removed.is_empty()
            && !update.full_rescan
            && update.config_error.is_none()
        {
            continue; // only ignored paths changed (.auditbench/, excluded folders)
        }
        on_batch(state, &update)?;
    }
    debouncer.stop();
    Ok(())
}

/// Adds the changed paths of `r` to `out`; true when a folder was created.
fn collect(r: DebounceEventResult, out: &mut Vec<PathBuf>) -> bool {
    let mut new_folder = false;
    match r {
        Ok(events) => {
            for e in events {
                if e.kind.is_access() {
                    continue;
                }
                new_folder |= matches!(
                    e.kind,
                    notify::EventKind::Create(notify::event::CreateKind::Folder)
                );
                out.extend(e.event.paths.iter().cloned());
            }
        }
        Err(errors) => {
            for e in errors {
                tracing::warn!("file watcher: {e}");
            }
        }
    }
    new_folder
}
