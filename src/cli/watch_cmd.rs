//! `auditbench watch [PATH]`: scan, then re-scan changed files as they are saved,
//! recording each batch in the project database and printing one line per batch
//! (local time), then what changed: the findings it recorded new, fixed,
//! regressed or removed (with `--no-db`, the open findings of the changed
//! files), and the warnings of the changed files (a syntax error means the file
//! was not analysed). An invalid configuration is reported and the last good
//! one stays in force.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::{Context, Result};

use crate::finding::{Kind, Status};
use crate::project::{live, Project};
use crate::scan::state::{ProjectState, Update};
use crate::scan_output::text::terminal_safe;
use crate::store::{SyncSummary, Trigger};
use crate::watch::{watch, WatchOptions};

use super::out;
use super::paths::Shown;
use super::store_cmds::named_findings;

/// Findings named per kind of change in a batch; the rest are counted.
const NAMED: usize = 20;

pub fn run(path: Option<PathBuf>, db: Option<PathBuf>, no_db: bool) -> Result<i32> {
    let root = path.unwrap_or_else(|| PathBuf::from("."));
    if !root.is_dir() {
        anyhow::bail!("not a folder: {}", root.display());
    }
    super::paths::check_db_folder(db.as_deref())?;
    let root = super::paths::project(Some(&root));
    let (mut state, mut recorder) = if no_db {
        let state = ProjectState::open(&root, None)?;
        let result = state.result();
        eprintln!(
            "{} initial scan: {} file(s), {} open finding(s) (not recorded: --no-db)",
            clock(),
            result.files_scanned,
            result
                .findings
                .iter()
                .filter(|f| f.kind == Kind::Finding && f.status == Status::Open)
                .count()
        );
        (state, None)
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
            state.files_scanned(),
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
        out::print(&batch_text(st, update, summary.as_ref()))?;
        Ok(())
    })?;
    eprintln!("stopped");
    Ok(0)
}

/// A batch: its line, then the configuration error, the findings and the
/// warnings of the changed files, one indented line each.
fn batch_text(state: &ProjectState, update: &Update, summary: Option<&SyncSummary>) -> String {
    let mut t = batch_line(update, summary);
    t.push('\n');
    if let Some(e) = &update.config_error {
        t.push_str(&format!(
            "  error: invalid configuration, the last good one stays in force: {}\n",
            terminal_safe(e)
        ));
    }
    match summary {
        Some(s) => {
            for (label, list) in [
                ("new", &s.new),
                ("fixed", &s.fixed),
                ("regressed", &s.regressed),
                ("removed", &s.removed),
            ] {
                named_findings(&mut t, label, list, &Shown::new(&state.root));
            }
        }
        None => {
            // Without a database nothing is compared: show what is open now in
            // the files of the batch.
            let mut shown = 0;
            for rel in &update.rescanned {
                let Some(file) = state.file(rel) else {
                    continue;
                };
                for f in file
                    .findings
                    .iter()
                    .filter(|f| f.kind == Kind::Finding && f.status == Status::Open)
                {
                    shown += 1;
                    if shown <= NAMED {
                        t.push_str(&format!(
                            "  open      {} {}:{} {}\n",
                            f.rule,
                            terminal_safe(&f.path),
                            f.line,
                            terminal_safe(&f.message)
                        ));
                    }
                }
            }
            if shown > NAMED {
                t.push_str(&format!("  ... and {} more open\n", shown - NAMED));
            }
        }
    }
    for rel in &update.rescanned {
        for w in state.file(rel).map(|f| &f.warnings[..]).unwrap_or_default() {
            t.push_str(&format!(
                "  warning: {}: {}\n",
                terminal_safe(rel),
                terminal_safe(&w.message)
            ));
        }
    }
    t
}

/// `12:04:31 2 file(s) [cache.py, db.py]: 1 new, 2 fixed, 0 regressed, 0 removed (14 ms)`
pub fn batch_line(update: &Update, summary: Option<&SyncSummary>) -> String {
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
    } else if files.is_empty() && update.config_error.is_some() {
        "configuration invalid, not reloaded".to_string()
    } else {
        format!("{} file(s) [{}]", files.len(), terminal_safe(&shown))
    };
    let changes = match summary {
        Some(s) => format!(
            "{} new, {} fixed, {} regressed, {} removed",
            s.new.len(),
            s.fixed.len(),
            s.regressed.len(),
            s.removed.len()
        ),
        None => "not recorded (--no-db)".to_string(),
    };
    format!("{} {what}: {changes} ({} ms)", clock(), update.duration_ms)
}

/// Wall-clock time of day in the system's time zone (`TZ`), `HH:MM:SS`.
fn clock() -> String {
    jiff::ZonedDateTime::now().strftime("%H:%M:%S").to_string()
}
