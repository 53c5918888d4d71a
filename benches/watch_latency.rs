//! Benchmark: time from a file save to the finding's state changing in the project
//! database, through the real watcher (inotify + debouncer), the incremental scan
//! and the store sync.
//!
//! Usage: `cargo bench --bench watch_latency -- [PROJECT] [ITERATIONS]`
//! PROJECT defaults to the demo backend; it is copied to a temporary folder first
//! (the copy's database lives in its `.auditbench/`). For the large-project figure,
//! `scripts/bench-watch-large` builds a tree of tens of thousands of real Python
//! files from the machine's Python installation and runs this on it.
//!
//! Each iteration writes a file that alternately introduces and fixes a finding,
//! and measures the time until the sync that records it has committed.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use auditbench::project::live::{self, Recorder};
use auditbench::project::Project;
use auditbench::store::{Store, Trigger};
use auditbench::watch::{watch, WatchOptions};

const BAD: &str = "class Session:\n    def __enter__(self):\n        return self\n";
const GOOD: &str = "class Session:\n    def __enter__(self):\n        return self\n\n    def __exit__(self, *exc):\n        return False\n";

fn copy_tree(from: &Path, to: &Path) {
    let status = std::process::Command::new("cp")
        .arg("-r")
        .arg(from)
        .arg(to)
        .status()
        .expect("cp");
    assert!(status.success(), "copy failed");
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let source = args
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo-backend"));
    let iterations: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(30);
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("project");
    copy_tree(&source, &root);
    let root = root.canonicalize().unwrap();
    let target = root.join("auditbench_bench_target.py");
    std::fs::write(&target, GOOD).unwrap();

    let t = Instant::now();
    let project = Project::open(&root, None).expect("project");
    let store = Store::open(&project.db_path).expect("database");
    let (mut state, key) = live::scan(&project, &store, None).expect("initial scan");
    let initial_scan = t.elapsed();
    let t = Instant::now();
    let (mut recorder, _) =
        Recorder::start(store, &mut state, Some(key), Trigger::Watcher).expect("initial sync");
    let initial_sync = t.elapsed();
    let files = state.result().files_scanned;
    println!(
        "project: {} ({} Python files), initial scan {:.1} s, initial sync {:.1} s",
        source.display(),
        files,
        initial_scan.as_secs_f64(),
        initial_sync.as_secs_f64()
    );

    let (tx, rx) = mpsc::channel::<(Instant, usize, usize)>();
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = stop.clone();
    let watcher = std::thread::spawn(move || {
        watch(&mut state, &WatchOptions::default(), stop2, |st, update| {
            let summary = recorder.record(st, update)?;
            tx.send((
                Instant::now(),
                summary.new.len() + summary.regressed.len(),
                summary.fixed.len(),
            ))
            .ok();
            Ok(())
        })
    });
    std::thread::sleep(Duration::from_millis(500));

    let mut samples = vec![];
    for i in 0..iterations {
        // Even iterations introduce the finding (new, then regressed), odd ones fix it.
        let introduce = i % 2 == 0;
        let saved = Instant::now();
        std::fs::write(&target, if introduce { BAD } else { GOOD }).unwrap();
        loop {
            let (at, appeared, fixed) = rx
                .recv_timeout(Duration::from_secs(30))
                .expect("a batch for the save");
            if (introduce && appeared == 1) || (!introduce && fixed == 1) {
                samples.push(at.duration_since(saved));
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(150));
    }
    stop.store(true, Ordering::Relaxed);
    watcher.join().unwrap().expect("watcher");
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = samples[samples.len() / 2];
    let p90 = samples[(samples.len() * 9 / 10).min(samples.len() - 1)];
    println!(
        "save -> database, {} single-file edits: median {:.1} ms, p90 {:.1} ms, min {:.1} ms, max {:.1} ms",
        samples.len(),
        ms(median),
        ms(p90),
        ms(samples[0]),
        ms(*samples.last().unwrap())
    );
}
