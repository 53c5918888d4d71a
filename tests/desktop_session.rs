//! The desktop workbench's engine without Tauri: a project session's first
//! scan, live updates and error states (database locked, bad configuration,
//! project folder removed while open) arrive as events.

use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use auditbench::desktop::types::FilterArgs;
use auditbench::desktop::{Event, Workbench};
use auditbench::store;

const LEAKY: &str = "_cache = {}\n\n\ndef put(key, value):\n    _cache[key] = value\n";

struct Bench {
    _dir: tempfile::TempDir,
    root: PathBuf,
    wb: Workbench,
    events: mpsc::Receiver<Event>,
}

fn bench() -> Bench {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("proj");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("app.py"), LEAKY).unwrap();
    let (tx, events) = mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let wb = Workbench::new(
        dir.path().join("prefs"),
        Arc::new(move |e| {
            let _ = tx.lock().unwrap().send(e);
        }),
    );
    wb.allow_folder(&root);
    Bench {
        root: root.canonicalize().unwrap(),
        _dir: dir,
        wb,
        events,
    }
}

impl Bench {
    fn wait(&self, what: &str, secs: u64, pred: impl Fn(&Event) -> bool) -> Event {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(e) if pred(&e) => return e,
                Ok(_) => {}
                Err(_) => panic!("no {what} within {secs} s"),
            }
        }
    }

    fn open(&self) {
        self.wb.open_project(self.root.to_str().unwrap()).unwrap();
        self.wait("scan-finished", 60, |e| matches!(e, Event::ScanFinished(_)));
        self.wait_watching();
    }

    /// Edits are seen from the moment the watcher is registered.
    fn wait_watching(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.wb.project_info().unwrap().watching {
            assert!(Instant::now() < deadline, "the watcher did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn project_error(e: &Event) -> Option<(String, String)> {
    match e {
        Event::ProjectError(err) => Some((err.kind.clone(), err.message.clone())),
        _ => None,
    }
}

#[test]
fn first_scan_reports_progress_then_live_updates_follow_edits() {
    let b = bench();
    b.wb.open_project(b.root.to_str().unwrap()).unwrap();
    let p = b.wait("scan-progress", 60, |e| matches!(e, Event::ScanProgress(_)));
    assert_eq!(
        p.payload(),
        serde_json::json!({ "done": 1, "total": 1 }),
        "one file"
    );
    let Event::ScanFinished(done) =
        b.wait("scan-finished", 60, |e| matches!(e, Event::ScanFinished(_)))
    else {
        unreachable!()
    };
    assert_eq!((done.new, done.files), (1, 1));
    let s = b.wb.session().unwrap();
    let list = s.list_findings(&FilterArgs::default()).unwrap();
    assert_eq!(list.items[0].rule, "MEM001");
    assert_eq!(b.wb.recent_projects(), [b.root.to_str().unwrap()]);
    b.wait_watching();

    std::fs::write(b.root.join("app.py"), "VALUE = 1\n").unwrap();
    let e = b.wait("findings-changed", 30, |e| {
        matches!(e, Event::FindingsChanged(_))
    });
    assert_eq!(e.name(), "findings-changed");
    assert_eq!(e.payload()["headline"], "1 fixed in app.py");
    let list = s.list_findings(&FilterArgs::default()).unwrap();
    assert_eq!(list.items[0].detection, "fixed");
}

#[test]
fn a_folder_not_chosen_by_the_user_cannot_be_opened() {
    let b = bench();
    let other = b.root.parent().unwrap().join("other");
    std::fs::create_dir_all(&other).unwrap();
    let e = b.wb.open_project(other.to_str().unwrap()).unwrap_err();
    assert_eq!(e.kind, "outside_root");
    assert_eq!(b.wb.session().err().unwrap().kind, "no_project");
}

#[test]
fn a_bad_configuration_is_refused_at_open_and_reported_while_watching() {
    let b = bench();
    std::fs::write(b.root.join(".auditbench.toml"), "bogus = 1\n").unwrap();
    let e = b.wb.open_project(b.root.to_str().unwrap()).unwrap_err();
    assert_eq!(e.kind, "invalid");
    assert!(e.message.contains("bogus"), "{}", e.message);
    std::fs::remove_file(b.root.join(".auditbench.toml")).unwrap();
    b.open();
    std::fs::write(b.root.join(".auditbench.toml"), "select = [\"NOPE\"]\n").unwrap();
    let e = b.wait("project-error", 30, |e| project_error(e).is_some());
    let (kind, message) = project_error(&e).unwrap();
    assert_eq!(kind, "scan_failed");
    assert!(message.contains("NOPE"), "{message}");
    let info = b.wb.project_info().unwrap();
    assert!(!info.watching);
    assert!(info.error.unwrap().contains("NOPE"));
}

#[test]
fn removing_the_project_folder_while_open_is_reported() {
    let b = bench();
    b.open();
    std::fs::remove_dir_all(&b.root).unwrap();
    let e = b.wait("project-error", 30, |e| project_error(e).is_some());
    let (kind, message) = project_error(&e).unwrap();
    assert_eq!(kind, "not_found");
    assert!(message.contains("was removed"), "{message}");
}

#[test]
fn a_locked_database_is_reported_as_db_locked() {
    let b = bench();
    b.open();
    b.wb.close_project();
    // Another process holds the write lock for longer than the busy timeout.
    let db = store::default_path(&b.root).unwrap();
    let other = rusqlite::Connection::open(&db).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    b.wb.open_project(b.root.to_str().unwrap()).unwrap();
    let e = b.wait("project-error", 60, |e| project_error(e).is_some());
    let (kind, message) = project_error(&e).unwrap();
    assert_eq!(kind, "db_locked", "{message}");
    assert!(message.contains("locked"), "{message}");
    other.execute_batch("ROLLBACK").unwrap();
}

/// `watcher-state` says when the watcher is ready for changes and when it
/// stops, so the window's "watching" indicator follows the real watcher.
#[test]
fn the_watcher_state_event_follows_the_watcher() {
    let b = bench();
    b.wb.open_project(b.root.to_str().unwrap()).unwrap();
    let on = b.wait("watcher-state on", 60, |e| {
        matches!(e, Event::WatcherState(_))
    });
    assert_eq!(on.name(), "watcher-state");
    assert_eq!(on.payload(), serde_json::json!({ "watching": true }));
    assert!(b.wb.project_info().unwrap().watching);
    b.wb.close_project();
    let off = b.wait("watcher-state off", 30, |e| {
        matches!(e, Event::WatcherState(_))
    });
    assert_eq!(off.payload(), serde_json::json!({ "watching": false }));
}
