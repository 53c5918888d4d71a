//! `auditbench watch [PATH]`: scan, then re-scan changed files as they are saved,
//! recording each batch in the project database and printing one line per batch.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};

use crate::project::{live, Project};
use crate::scan::state::{ProjectState, Update};
use crate::store::{SyncSummary, Trigger};
use crate::watch::{watch, WatchOptions};

pub fn run(path: Option<PathBuf>, db: Option<PathBuf>, no_db: bool) -> Result<i32> {
    let root = path.unwrap_or_else(|| PathBuf::from("."));
    if !root.is_dir() {
        anyhow::bail!("not a folder: {}", root.display());
    }
    let (mut state, mut recorder) = if no_db {
        (ProjectState::open(&root, None)?, None)
    } else {
        let project = Project::open(&root, db)?;
        let store = project.open_store().with_context(|| {
            format!(
                "cannot open the project database {}",
                project.db_path.display()
            )
        })?;
        let (state, recorder, summary) = live::open(&project, store, None, Trigger::Watcher)?;
        eprintln!(
            "{} initial scan: {} file(s), {}",
            clock(),
            state.result().files_scanned,
            summary.headline()
        );
        (state, Some(recorder))
    };
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed))
        .context("cannot install the Ctrl-C handler")?;
    eprintln!("watching {} (Ctrl-C to stop)", state.root.display());
    watch(&mut state, &WatchOptions::default(), stop, |st, update| {
        let summary = match recorder.as_mut() {
            Some(r) => Some(r.record(st, update)?),
            None => None,
        };
        println!("{}", batch_line(update, summary.as_ref(), &st.root));
        Ok(())
    })?;
    eprintln!("stopped");
    Ok(0)
}

/// `12:04:31 2 file(s) [cache.py, db.py]: 1 new, 2 fixed, 0 regressed (14 ms)`
pub fn batch_line(update: &Update, summary: Option<&SyncSummary>, _root: &Path) -> String {
    let mut files: Vec<&str> = update
        .rescanned
        .iter()
        .chain(&update.removed)
        .map(String::as_str)
        .collect();
    files.sort();
    files.dedup();
    let shown = if files.len() <= 3 {
        files.join(", ")
    } else {
        format!("{}, ... +{}", files[..3].join(", "), files.len() - 3)
    };
    let what = if update.full_rescan {
        "configuration changed, full re-scan".to_string()
    } else {
        format!("{} file(s) [{shown}]", files.len())
    };
    let changes = match summary {
        Some(s) => format!(
            "{} new, {} fixed, {} regressed",
            s.new.len(),
            s.fixed.len(),
            s.regressed.len()
        ),
        None => "not recorded (--no-db)".to_string(),
    };
    format!("{} {what}: {changes} ({} ms)", clock(), update.duration_ms)
}

/// Wall-clock time of day (UTC), `HH:MM:SS`.
fn clock() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        % 86_400;
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}
