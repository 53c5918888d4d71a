//! The database shared by several processes: concurrent writers lose nothing,
//! and a scan killed with SIGKILL mid-transaction leaves the database as it was.
//! Also the CLI commands end to end.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use auditbench::store::{FindingFilter, Store};
use common::*;

const BIN: &str = env!("CARGO_BIN_EXE_auditbench");

fn cli(root: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("AUDITBENCH_USER", "tester")
        .current_dir(root)
        .output()
        .unwrap()
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.code() == Some(0) || o.status.code() == Some(1),
        "status {:?}\nstdout: {}\nstderr: {}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn concurrent_writers_do_not_lose_updates() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    write(&root, "a.py", RES007);
    ok(&cli(&root, &["scan", ".", "--quiet"]));
    const N: usize = 8;
    let r1 = root.clone();
    let adder = std::thread::spawn(move || {
        for i in 0..N {
            let title = format!("A{i}");
            ok(&cli(
                &r1,
                &["add", "--path", "a.py", "--line", "1", "--title", &title],
            ));
            let note = format!("note {i}");
            ok(&cli(
                &r1,
                &["triage", "1", "--status", "confirmed", "--note", &note],
            ));
        }
    });
    let r2 = root.clone();
    let scanner = std::thread::spawn(move || {
        for i in 0..N {
            let title = format!("B{i}");
            ok(&cli(
                &r2,
                &["add", "--path", "a.py", "--line", "2", "--title", &title],
            ));
            ok(&cli(&r2, &["scan", ".", "--quiet", "--format", "json"]));
        }
    });
    adder.join().unwrap();
    scanner.join().unwrap();
    let store = Store::open(db_path(&root)).unwrap();
    let manual = store
        .findings(&FindingFilter {
            rules: vec!["MANUAL".into()],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(manual.total, 2 * N);
    let triaged = store
        .history(1)
        .unwrap()
        .events
        .iter()
        .filter(|e| e.kind == "triage_changed")
        .count();
    assert_eq!(triaged, N);
    let scans: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM scans", [], |r| r.get(0))
        .unwrap();
    assert_eq!(scans, 1 + N as i64);
    let f = store.finding(1).unwrap();
    assert_eq!(
        (f.detection.as_str(), f.triage.as_str()),
        ("open", "confirmed")
    );
}

fn snapshot(db: &Path) -> String {
    let store = Store::open(db).unwrap();
    let mut s =
        serde_json::to_string(&store.findings(&FindingFilter::default()).unwrap().items).unwrap();
    for table in ["scans", "events", "locations", "files"] {
        let n: i64 = store
            .connection()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        s.push_str(&format!(" {table}={n}"));
    }
    s
}

#[cfg(unix)]
#[test]
fn kill_9_mid_scan_leaves_the_database_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.py", RES007);
    ok(&cli(root, &["scan", ".", "--quiet"]));
    ok(&cli(
        root,
        &["triage", "1", "--status", "in_progress", "--note", "on it"],
    ));
    let before = snapshot(&db_path(root));

    // Change everything a scan would record: a fix, a new file.
    write(root, "a.py", "class A:\n    def __enter__(self):\n        return self\n    def __exit__(self, *e):\n        pass\n");
    write(root, "b.py", RES007);
    let marker = root.join("in-transaction");
    let mut child = Command::new(BIN)
        .args(["scan", ".", "--quiet", "--format", "json"])
        .current_dir(root)
        .env("AUDITBENCH_TEST_PAUSE_IN_SYNC", &marker)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !marker.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the scan never reached its transaction"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert!(!status.success());

    assert_eq!(snapshot(&db_path(root)), before);
    // And the next scan records the change normally.
    let out = cli(root, &["scan", ".", "--format", "json"]);
    ok(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1 new, 1 fixed"), "{err}");
    let store = Store::open(db_path(root)).unwrap();
    let f = store.finding(1).unwrap();
    assert_eq!(
        (f.detection.as_str(), f.triage.as_str()),
        ("fixed", "in_progress")
    );
}

#[test]
fn cli_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "app/a.py", RES007);
    // --no-db writes nothing; json on stdout stays pure JSON.
    let out = cli(root, &["scan", ".", "--no-db", "--format", "json"]);
    let stdout = ok(&out);
    serde_json::from_str::<serde_json::Value>(&stdout).unwrap();
    assert!(!db_path(root).exists());
    let out = cli(root, &["scan", ".", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert!(v.is_object());
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 new"));
    // --db elsewhere.
    let other = root.join("elsewhere.db");
    ok(&cli(
        root,
        &["scan", ".", "--db", other.to_str().unwrap(), "--quiet"],
    ));
    assert!(other.exists());

    let list: serde_json::Value =
        serde_json::from_str(&ok(&cli(root, &["findings", "--format", "json"]))).unwrap();
    let items = list.as_array().unwrap();
    assert_eq!(items.len(), 1);
    for key in [
        "id",
        "fingerprint",
        "rule",
        "severity",
        "path",
        "line",
        "detection",
        "triage",
        "note",
    ] {
        assert!(items[0].get(key).is_some(), "missing {key}");
    }
    let id = items[0]["id"].as_i64().unwrap().to_string();
    ok(&cli(
        root,
        &[
            "add",
            "--path",
            "app/a.py",
            "--line",
            "1",
            "--severity",
            "high",
            "--title",
            "cache too big",
            "--description",
            "10k entries x 2MB",
            "--fix",
            "maxsize=100",
        ],
    ));
    ok(&cli(
        root,
        &[
            "triage",
            &id,
            "2",
            "--status",
            "confirmed",
            "--note",
            "checked",
        ],
    ));
    let high: serde_json::Value = serde_json::from_str(&ok(&cli(
        root,
        &[
            "findings",
            "--severity",
            "high",
            "--status",
            "confirmed",
            "--format",
            "json",
        ],
    )))
    .unwrap();
    assert_eq!(high.as_array().unwrap().len(), 1);
    assert_eq!(high[0]["rule"], "MANUAL");
    let show = ok(&cli(root, &["show", &id]));
    assert!(
        show.contains("triage_changed") && show.contains("def __enter__"),
        "{show}"
    );
    let hist = ok(&cli(root, &["history", "--weeks", "3"]));
    assert_eq!(hist.lines().count(), 4, "{hist}");
    let exported = root.join("triage.json");
    ok(&cli(
        root,
        &["export-triage", "-o", exported.to_str().unwrap()],
    ));
    let imported = ok(&cli(root, &["import-triage", exported.to_str().unwrap()]));
    assert!(imported.contains("0 applied"), "{imported}");
    let bad = cli(root, &["triage", &id, "--status", "accepted_risk"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("justification"));
}

#[test]
fn scanning_one_file_records_a_partial_scan_of_its_project() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "app/a.py", RES007);
    write(root, "app/b.py", RES007);
    ok(&cli(root, &["scan", ".", "--quiet"]));
    // Unchanged file: nothing new, nothing fixed.
    let out = cli(root, &["scan", "app/a.py", "--format", "json"]);
    ok(&out);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.contains("0 new, 0 fixed"), "{err}");
    // Fixed on disk (both), only a.py scanned.
    let fixed = format!("{RES007}    def __exit__(self, *e):\n        pass\n");
    write(root, "app/a.py", &fixed);
    write(root, "app/b.py", &fixed);
    let out = cli(root, &["scan", "app/a.py", "--format", "json"]);
    ok(&out);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.contains("0 new, 1 fixed"), "{err}");
    assert!(!root.join("app/.auditbench").exists());
    let store = Store::open(db_path(root)).unwrap();
    let open = store.findings(&FindingFilter::default()).unwrap();
    let states: Vec<(String, String)> = open
        .items
        .iter()
        .map(|f| (f.path.clone(), f.detection.clone()))
        .collect();
    assert_eq!(
        states,
        [
            ("app/a.py".to_string(), "fixed".to_string()),
            ("app/b.py".to_string(), "open".to_string())
        ]
    );
}

/// A desktop app started by a service manager or under Xvfb often has no
/// `USER`: the triage author is then the account's name from the system, not
/// "unknown".
#[cfg(unix)]
#[test]
fn triage_author_without_user_in_the_environment_is_the_account_name() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.py", RES007);
    ok(&cli(root, &["scan", ".", "--quiet"]));
    let o = Command::new(BIN)
        .args(["triage", "1", "--status", "confirmed"])
        .env_remove("AUDITBENCH_USER")
        .env_remove("USER")
        .env_remove("USERNAME")
        .env_remove("LOGNAME")
        .current_dir(root)
        .output()
        .unwrap();
    ok(&o);
    let id = Command::new("id").arg("-un").output().unwrap();
    let account = String::from_utf8(id.stdout).unwrap().trim().to_string();
    assert!(!account.is_empty());
    let store = Store::open(db_path(root)).unwrap();
    let events = store.history(1).unwrap().events;
    let triage = events
        .iter()
        .find(|e| e.kind == "triage_changed")
        .expect("a triage event");
    assert_eq!(triage.actor, account);
}
