//! The watch service on a real temporary project with real file-system events:
//! edit, fix, undo, atomic save (write temp + rename), delete, a burst of many
//! files, a configuration change. Each step waits for the batch that reflects it.

use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use auditbench::project::state::{ProjectState, Update};
use auditbench::watch::{watch, WatchOptions};

const BAD: &str = "class Session:\n    def __enter__(self):\n        return self\n";
const GOOD: &str = "class Session:\n    def __enter__(self):\n        return self\n\n    def __exit__(self, *exc):\n        return False\n";

struct Batch {
    update: Update,
    findings: Vec<(String, usize)>,
}

struct Harness {
    rx: mpsc::Receiver<Batch>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<anyhow::Result<()>>>,
}

impl Harness {
    fn start(root: &Path) -> Harness {
        let (tx, rx) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let s2 = stop.clone();
        let root = root.to_path_buf();
        let (ready_tx, ready_rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            let mut state = ProjectState::open(&root, None)?;
            let options = WatchOptions::default();
            let mut ready = Some(ready_tx);
            // `watch` installs the watcher before its first wait; signal readiness
            // from a first tick of the loop by sending right away.
            if let Some(r) = ready.take() {
                r.send(()).ok();
            }
            watch(&mut state, &options, s2, |st, update| {
                let findings = st
                    .result()
                    .findings
                    .iter()
                    .map(|f| (f.path.clone(), f.line))
                    .collect();
                tx.send(Batch {
                    update: update.clone(),
                    findings,
                })
                .ok();
                Ok(())
            })
        });
        ready_rx
            .recv_timeout(Duration::from_secs(20))
            .expect("watcher started");
        // Give inotify a moment to register the watches before the first edit.
        std::thread::sleep(Duration::from_millis(300));
        Harness {
            rx,
            stop,
            thread: Some(thread),
        }
    }

    /// Waits for a batch satisfying `pred`, skipping intermediate ones.
    fn wait(&self, what: &str, pred: impl Fn(&Batch) -> bool) -> Batch {
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        while std::time::Instant::now() < deadline {
            if let Ok(b) = self.rx.recv_timeout(Duration::from_millis(200)) {
                if pred(&b) {
                    return b;
                }
            }
        }
        panic!("no batch for: {what}");
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn has(b: &Batch, path: &str) -> bool {
    b.findings.iter().any(|(p, _)| p == path)
}

#[test]
fn watcher_follows_edits_fixes_undos_renames_deletes_bursts_and_config() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().canonicalize().unwrap();
    fs::write(root.join("a.py"), "x = 1\n").unwrap();
    let h = Harness::start(&root);

    // edit introduces a finding
    fs::write(root.join("a.py"), BAD).unwrap();
    let b = h.wait("edit", |b| has(b, "a.py"));
    assert_eq!(b.update.rescanned, vec!["a.py"]);

    // fix
    fs::write(root.join("a.py"), GOOD).unwrap();
    h.wait("fix", |b| !has(b, "a.py"));

    // undo
    fs::write(root.join("a.py"), BAD).unwrap();
    h.wait("undo", |b| has(b, "a.py"));

    // atomic save: write a temp file and rename it over the original
    fs::write(root.join(".a.py.tmp"), GOOD).unwrap();
    fs::rename(root.join(".a.py.tmp"), root.join("a.py")).unwrap();
    h.wait("atomic save", |b| !has(b, "a.py"));

    // a new folder with a file, then deleting the folder
    fs::create_dir(root.join("pkg")).unwrap();
    fs::write(root.join("pkg/b.py"), BAD).unwrap();
    h.wait("new folder", |b| has(b, "pkg/b.py"));
    fs::remove_dir_all(root.join("pkg")).unwrap();
    let b = h.wait("folder removed", |b| !has(b, "pkg/b.py"));
    assert!(b.update.removed.contains(&"pkg/b.py".to_string()));

    // a burst of many files becomes one batch
    fs::create_dir(root.join("many")).unwrap();
    for i in 0..200 {
        fs::write(root.join(format!("many/m{i}.py")), BAD).unwrap();
    }
    let b = h.wait("burst", |b| {
        b.findings
            .iter()
            .filter(|(p, _)| p.starts_with("many/"))
            .count()
            == 200
    });
    assert!(
        b.update.rescanned.len() >= 150,
        "burst split into small batches: {}",
        b.update.rescanned.len()
    );

    // ignored paths produce no batch; a configuration change re-scans everything
    fs::create_dir_all(root.join(".auditbench")).unwrap();
    fs::write(root.join(".auditbench/x.py"), BAD).unwrap();
    fs::write(root.join(".auditbench.toml"), "ignore = [\"RES007\"]\n").unwrap();
    let b = h.wait("config change", |b| b.update.full_rescan);
    assert!(
        b.findings.is_empty(),
        "RES007 ignored by the new configuration: {:?}",
        &b.findings[..b.findings.len().min(3)]
    );
}
