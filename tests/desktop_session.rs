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

fn scans(root: &std::path::Path) -> i64 {
    let db = rusqlite::Connection::open(store::default_path(root).unwrap()).unwrap();
    db.query_row("SELECT count(*) FROM scans", [], |r| r.get(0))
        .unwrap()
}

fn headline(e: &Event) -> String {
    e.payload()["headline"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// A rule toggle re-scans the project once (the watcher's re-scan of the
/// configuration it wrote, which the command waits for; its own when no
/// watcher runs), and the notice says what it hid and showed.
#[test]
fn a_rule_toggle_rescans_once_and_the_notice_says_what_it_hid() {
    let b = bench();
    std::fs::write(b.root.join("more.py"), LEAKY.replace("_cache", "_other")).unwrap();
    b.open();
    let s = b.wb.session().unwrap();
    assert_eq!(s.list_findings(&FilterArgs::default()).unwrap().total, 2);
    let before = scans(&b.root);
    s.set_rule("MEM001", Some(false), None).unwrap();
    // When the command returns, the findings are hidden already.
    let list = s.list_findings(&FilterArgs::default()).unwrap();
    assert!(
        list.items.iter().all(|f| f.detection == "removed"),
        "{list:?}"
    );
    let e = b.wait("findings-changed", 30, |e| {
        matches!(e, Event::FindingsChanged(_))
    });
    assert_eq!(headline(&e), "MEM001 disabled: 2 findings of MEM001 hidden");
    // No second re-scan follows.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(scans(&b.root), before + 1);
    assert!(b
        .events
        .try_iter()
        .all(|e| !matches!(e, Event::FindingsChanged(_))));

    s.set_rule("MEM001", Some(true), None).unwrap();
    let e = b.wait("findings-changed", 30, |e| {
        matches!(e, Event::FindingsChanged(_))
    });
    assert_eq!(headline(&e), "MEM001 enabled: 2 findings of MEM001 shown");
    s.set_rule("MEM001", None, Some("critical")).unwrap();
    let e = b.wait("findings-changed", 30, |e| {
        matches!(e, Event::FindingsChanged(_))
    });
    assert_eq!(
        headline(&e),
        "MEM001 severity critical: no finding hidden or shown"
    );
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(scans(&b.root), before + 3);

    // Without a watcher, the command re-scans itself, once.
    let mut settings = b.wb.settings().unwrap();
    settings.watcher_enabled = false;
    b.wb.set_settings(settings).unwrap();
    b.wait("scan-finished", 60, |e| matches!(e, Event::ScanFinished(_)));
    let s = b.wb.session().unwrap();
    let before = scans(&b.root);
    s.set_rule("MEM001", Some(false), None).unwrap();
    let e = b.wait("findings-changed", 30, |e| {
        matches!(e, Event::FindingsChanged(_))
    });
    assert_eq!(headline(&e), "MEM001 disabled: 2 findings of MEM001 hidden");
    assert_eq!(scans(&b.root), before + 1);
}

/// Files and folders the scan could not read are counted in `ProjectInfo` and
/// listed by `Session::warnings`, first; the watcher keeps them current.
#[test]
fn files_the_scan_could_not_read_are_counted_and_listed() {
    let b = bench();
    std::fs::write(b.root.join("blob.py"), b"\0\x01\x02binary\0").unwrap();
    std::fs::write(b.root.join("broken.py"), "def f(:\n    pass\n").unwrap();
    let outside = b.root.parent().unwrap().join("outside.py");
    std::fs::write(&outside, LEAKY).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, b.root.join("link.py")).unwrap();
    b.open();
    let info = b.wb.project_info().unwrap();
    assert_eq!(info.unread, 2, "{:?}", b.wb.session().unwrap().warnings());
    assert!(info.warnings >= 3);
    let w = b.wb.session().unwrap().warnings();
    let unread: Vec<(Option<&str>, &str)> = w
        .iter()
        .filter(|w| w.unread)
        .map(|w| (w.path.as_deref(), w.kind.as_str()))
        .collect();
    assert_eq!(
        unread,
        [(Some("blob.py"), "binary"), (Some("link.py"), "walk")]
    );
    assert!(w[..2].iter().all(|w| w.unread), "unread first: {w:?}");
    assert!(w
        .iter()
        .any(|w| w.path.as_deref() == Some("broken.py") && w.kind == "syntax-error" && !w.unread));
    // A new unreadable file, seen by the watcher.
    std::fs::write(b.root.join("blob2.py"), b"\0\0\0").unwrap();
    b.wait("findings-changed", 30, |e| {
        matches!(e, Event::FindingsChanged(_))
    });
    assert_eq!(b.wb.project_info().unwrap().unread, 3);
    // Fixed: it goes from the list.
    std::fs::remove_file(b.root.join("blob.py")).unwrap();
    b.wait("findings-changed", 30, |e| {
        matches!(e, Event::FindingsChanged(_))
    });
    assert_eq!(b.wb.project_info().unwrap().unread, 2);
}

/// Triage, notes and manual findings are signed by the auditor name of the
/// app's settings, else the project's report auditor, not the OS account.
#[test]
fn triage_is_signed_by_the_configured_auditor() {
    let b = bench();
    std::fs::write(
        b.root.join(".auditbench.toml"),
        "[report]\nauditor = \"Pat Lead\"\n",
    )
    .unwrap();
    b.open();
    let s = b.wb.session().unwrap();
    let id = s.list_findings(&FilterArgs::default()).unwrap().items[0].id;
    let rows = s.triage(&[id], "confirmed", None).unwrap();
    assert_eq!(rows[0].triage_by.as_deref(), Some("Pat Lead"));
    let mut settings = b.wb.settings().unwrap();
    assert_eq!(settings.auditor, "");
    settings.auditor = "  Dana Auditor ".into();
    let saved = b.wb.set_settings(settings).unwrap();
    assert_eq!(saved.auditor, "Dana Auditor");
    let s = b.wb.session().unwrap();
    let rows = s.triage(&[id], "in_progress", None).unwrap();
    assert_eq!(rows[0].triage_by.as_deref(), Some("Dana Auditor"));
    s.add_note(id, "looked at it").unwrap();
    let detail = s.finding_detail(id).unwrap();
    let last = detail.detail.events.last().unwrap();
    assert_eq!(
        (last.kind.as_str(), last.actor.as_str()),
        ("note_added", "Dana Auditor")
    );
    // Kept across runs (app-wide), and the next session signs with it.
    b.wb.close_project();
    let again = Workbench::new(b.root.parent().unwrap().join("prefs"), Arc::new(|_| {}));
    assert_eq!(again.settings().unwrap().auditor, "Dana Auditor");
}

/// A checkout where the project database cannot be created (read-only) is
/// refused with `db_unwritable`; opened with its database in the app's data
/// folder, it works, writes nothing in the project, and is remembered.
#[test]
fn a_read_only_checkout_keeps_its_database_in_the_app_data_folder() {
    let b = bench();
    // The tests run as root, for whom no permission makes a folder read-only:
    // a file where the database folder would go fails the same way.
    std::fs::write(b.root.join(".auditbench"), "not a folder").unwrap();
    let listing = |root: &std::path::Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let files = listing(&b.root);
    let e = b.wb.open_project(b.root.to_str().unwrap()).unwrap_err();
    assert_eq!(e.kind, "db_unwritable", "{}", e.message);
    assert!(e.message.contains("app's data folder"), "{}", e.message);
    let info =
        b.wb.open_project_with(b.root.to_str().unwrap(), Some(true))
            .unwrap();
    let data = b
        .root
        .parent()
        .unwrap()
        .join("prefs/data")
        .canonicalize()
        .unwrap();
    assert!(
        std::path::Path::new(&info.db_path).starts_with(&data),
        "{}",
        info.db_path
    );
    b.wait("scan-finished", 60, |e| matches!(e, Event::ScanFinished(_)));
    let s = b.wb.session().unwrap();
    assert_eq!(s.list_findings(&FilterArgs::default()).unwrap().total, 1);
    assert!(b.wb.settings().unwrap().db_in_app_data);
    // Remembered: the next open (a recent project) uses it without asking.
    b.wb.close_project();
    let info = b.wb.open_project(b.root.to_str().unwrap()).unwrap();
    assert!(std::path::Path::new(&info.db_path).starts_with(&data));
    b.wait("scan-finished", 60, |e| matches!(e, Event::ScanFinished(_)));
    assert_eq!(listing(&b.root), files, "nothing written in the project");
}

/// The project given on the command line that cannot be opened leaves its
/// reason for the start screen, until a project opens.
#[test]
fn a_start_up_project_that_cannot_be_opened_is_explained() {
    let b = bench();
    let missing = b.root.parent().unwrap().join("no-such-project");
    b.wb.open_startup_project(&missing);
    let p = b.wb.startup_problem().unwrap();
    assert_eq!(p.kind, "not_found");
    assert!(p.message.contains("no-such-project"), "{}", p.message);
    assert!(b.wb.project_info().is_none());
    // A read-only one: the start screen can offer the app's data folder.
    std::fs::write(b.root.join(".auditbench"), "not a folder").unwrap();
    b.wb.open_startup_project(&b.root);
    let p = b.wb.startup_problem().unwrap();
    assert_eq!(
        (p.kind.as_str(), p.path.as_str()),
        ("db_unwritable", b.root.to_str().unwrap())
    );
    b.wb.open_project_with(b.root.to_str().unwrap(), Some(true))
        .unwrap();
    assert!(b.wb.startup_problem().is_none());
}
