//! The watch service on a real temporary project with real file-system events:
//! edit, fix, undo, atomic save (write temp + rename), delete, a burst of many
//! files, a configuration change. Each step waits for the batch that reflects it.

use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use auditbench::project::{live, Project};
use auditbench::scan::state::Update;
use auditbench::store::Trigger;
use auditbench::store::{FindingFilter, Store};
use auditbench::watch::{watch, WatchOptions};

const BAD: &str = "class Session:\n    def __enter__(self):\n        return self\n";
const GOOD: &str = "class Session:\n    def __enter__(self):\n        return self\n\n    def __exit__(self, *exc):\n        return False\n";

struct Batch {
    update: Update,
    findings: Vec<(String, usize)>,
    /// (path, detection) of every finding in the database after the batch.
    stored: Vec<(String, String)>,
    /// Scans recorded in the database so far (one per batch plus the first).
    scans: i64,
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
            let project = Project::open(&root, None)?;
            let store = Store::open(root.join(".auditbench/audit.db"))?;
            let (mut state, mut recorder, _) = live::open(&project, store, None, Trigger::Watcher)?;
            let options = WatchOptions::default();
            ready_tx.send(()).ok();
            watch(&mut state, &options, s2, |st, update| {
                recorder.record(st, update)?;
                let findings = st
                    .result()
                    .findings
                    .iter()
                    .map(|f| (f.path.clone(), f.line))
                    .collect();
                let stored = recorder
                    .store
                    .findings(&FindingFilter::default())?
                    .items
                    .into_iter()
                    .map(|f| (f.path, f.detection))
                    .collect();
                let scans = recorder.store.connection().query_row(
                    "SELECT count(*) FROM scans",
                    [],
                    |r| r.get(0),
                )?;
                tx.send(Batch {
                    update: update.clone(),
                    findings,
                    stored,
                    scans,
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

/// The detection states of the stored findings of `path`.
fn stored<'a>(b: &'a Batch, path: &str) -> Vec<&'a str> {
    b.stored
        .iter()
        .filter(|(p, _)| p == path)
        .map(|(_, d)| d.as_str())
        .collect()
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
    assert_eq!(stored(&b, "a.py"), vec!["open"]);
    let scans_after_edit = b.scans;

    // fix
    fs::write(root.join("a.py"), GOOD).unwrap();
    let b = h.wait("fix", |b| !has(b, "a.py"));
    assert_eq!(stored(&b, "a.py"), vec!["fixed"]);
    assert_eq!(b.scans, scans_after_edit + 1, "one recorded scan per batch");

    // undo: the same finding comes back as regressed
    fs::write(root.join("a.py"), BAD).unwrap();
    let b = h.wait("undo", |b| has(b, "a.py"));
    assert_eq!(stored(&b, "a.py"), vec!["regressed"]);

    // atomic save: write a temp file and rename it over the original
    fs::write(root.join(".a.py.tmp"), GOOD).unwrap();
    fs::rename(root.join(".a.py.tmp"), root.join("a.py")).unwrap();
    let b = h.wait("atomic save", |b| !has(b, "a.py"));
    assert_eq!(stored(&b, "a.py"), vec!["fixed"]);

    // a new folder with a file, then deleting the folder
    fs::create_dir(root.join("pkg")).unwrap();
    fs::write(root.join("pkg/b.py"), BAD).unwrap();
    let b = h.wait("new folder", |b| has(b, "pkg/b.py"));
    assert_eq!(stored(&b, "pkg/b.py"), vec!["open"]);
    fs::remove_dir_all(root.join("pkg")).unwrap();
    let b = h.wait("folder removed", |b| !has(b, "pkg/b.py"));
    assert!(b.update.removed.contains(&"pkg/b.py".to_string()));
    assert_eq!(stored(&b, "pkg/b.py"), vec!["removed"]);

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
    // The new folder starts a burst: the watcher waits for the tree to settle,
    // so all 200 files arrive in the one batch that completes them.
    let in_batch = b
        .update
        .rescanned
        .iter()
        .filter(|p| p.starts_with("many/"))
        .count();
    assert_eq!(in_batch, 200, "burst split into batches");
    assert_eq!(
        b.stored
            .iter()
            .filter(|(p, d)| p.starts_with("many/") && d == "open")
            .count(),
        200
    );

    // ignored paths produce no batch; a configuration change re-scans everything
    fs::create_dir_all(root.join(".auditbench")).unwrap();
    fs::write(root.join(".auditbench/x.py"), BAD).unwrap();
    fs::write(root.join(".auditbench.toml"), "ignore = [\"RES007\"]\n").unwrap();
    let b = h.wait("config change", |b| b.update.full_rescan);
    assert!(
        b.findings.is_empty(),
        "RES007 ignored by the new configuration"
    );
    assert!(
        b.stored
            .iter()
            .all(|(_, d)| d != "open" && d != "regressed"),
        "the disabled rule's findings leave the open set: {:?}",
        &b.stored[..3]
    );
}

#[test]
fn watch_command_prints_one_line_per_batch_and_stops_on_ctrl_c() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let d = tempfile::tempdir().unwrap();
    let root = d.path().canonicalize().unwrap();
    fs::write(root.join("a.py"), GOOD).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_auditbench"))
        .arg("watch")
        .arg(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while !line.starts_with("watching") {
        line.clear();
        assert!(err.read_line(&mut line).unwrap() > 0, "watch exited early");
    }
    std::thread::sleep(Duration::from_millis(300));
    fs::write(root.join("a.py"), BAD).unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut batch = String::new();
    out.read_line(&mut batch).unwrap();
    assert!(
        batch.contains("1 file(s) [a.py]: 1 new, 0 fixed, 0 regressed"),
        "{batch}"
    );
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap()
        .success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "clean exit on Ctrl-C");
    assert!(root.join(".auditbench/audit.db").is_file());
}
