//! Database faults: a full disk, a read-only file system, a lock held past the
//! busy timeout, a corrupt page. Each gets a clear error, the transaction is
//! rolled back, and what people triaged is still there afterwards.
//! (Newer schema and whole-file corruption: tests/store_migration.rs.)

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use auditbench::store::{FindingFilter, Store, StoreError, Triage, TriageChange};
use common::*;

const BIN: &str = env!("CARGO_BIN_EXE_auditbench");

/// A project with one finding, scanned and triaged (confirmed, with a note).
fn triaged_project(dir: &Path) -> (PathBuf, PathBuf, i64) {
    let root = dir.join("proj");
    write(&root, "app/a.py", RES007);
    let db = dir.join("db").join("audit.db");
    let mut store = Store::open(&db).unwrap();
    let id = rescan(&mut store, &root, T0).new[0].id;
    store
        .triage(
            &[id],
            &TriageChange {
                status: Triage::Confirmed,
                note: Some("seen in production".into()),
                actor: "alice".into(),
                at: Some(T0 + 60),
            },
        )
        .unwrap();
    (root, db, id)
}

/// Adds many files with findings: a sync needs many new pages for them.
fn grow(root: &Path, n: usize) {
    for i in 0..n {
        write(
            root,
            &format!("bulk/m_{i:04}.py"),
            &format!(
                "class Ctx{i}:\n    def __enter__(self):\n        return self  # {}\n",
                "x".repeat(200)
            ),
        );
    }
}

/// What must survive every fault: the triage decision, its note and its event.
fn assert_triage_intact(db: &Path, id: i64, findings: i64, scans: i64) {
    let store = Store::open_existing(db).unwrap();
    let f = store.finding(id).unwrap();
    assert_eq!(f.triage, "confirmed");
    assert_eq!(f.note.as_deref(), Some("seen in production"));
    assert_eq!(f.triage_by.as_deref(), Some("alice"));
    assert_eq!(
        store.findings(&FindingFilter::default()).unwrap().total as i64,
        findings,
        "no finding added or lost"
    );
    let n: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM scans", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, scans, "no half-recorded scan");
    let events = store.history(id).unwrap().events;
    assert!(
        events.iter().any(|e| e.to.as_deref() == Some("confirmed")),
        "{events:#?}"
    );
}

#[test]
fn full_database_rolls_back_and_keeps_triage() {
    let dir = tempfile::tempdir().unwrap();
    let (root, db, id) = triaged_project(dir.path());
    grow(&root, 300);
    let mut store = Store::open(&db).unwrap();
    // SQLite's own size cap: writing one page more fails with SQLITE_FULL, as
    // on a full disk.
    let pages: i64 = store
        .connection()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    store
        .connection()
        .execute_batch(&format!("PRAGMA max_page_count = {pages}"))
        .unwrap();
    let result = scan_dir(&root);
    let err = store
        .sync(
            &result,
            &auditbench::store::SyncOptions::new(
                auditbench::store::SyncScope::Full,
                auditbench::store::Trigger::Test,
            ),
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::DiskFull(_)), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("is full") && msg.contains(db.to_str().unwrap()) && msg.contains("as it was"),
        "{msg}"
    );
    drop(store);
    assert_triage_intact(&db, id, 1, 1);
    // Space again: the same scan records everything, the decision kept.
    let mut store = Store::open(&db).unwrap();
    let s = rescan(&mut store, &root, T0 + DAY);
    assert_eq!(s.new.len(), 300);
    drop(store);
    assert_triage_intact(&db, id, 301, 2);
}

#[test]
fn corrupt_page_is_a_clear_error_and_the_file_is_left_as_is() {
    let dir = tempfile::tempdir().unwrap();
    let (root, db, _) = triaged_project(dir.path());
    grow(&root, 50);
    {
        let mut store = Store::open(&db).unwrap();
        rescan(&mut store, &root, T0 + DAY);
        // Everything in the main file, so that the damage below is read.
        store
            .connection()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
    }
    // Damage every page after the schema's: b-tree headers become garbage.
    let mut bytes = std::fs::read(&db).unwrap();
    let page = 4096;
    for p in (page * 2..bytes.len()).step_by(page) {
        bytes[p..p + 16].copy_from_slice(&[0xA5; 16]);
    }
    std::fs::write(&db, &bytes).unwrap();
    let out = Command::new(BIN)
        .args([
            "scan",
            root.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
            "--quiet",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("not a valid auditbench database") && stderr.contains("left untouched"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(&db).unwrap(),
        bytes,
        "the damaged file is not touched"
    );
}

#[test]
fn lock_held_past_the_busy_timeout_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (root, db, id) = triaged_project(dir.path());
    grow(&root, 5);
    let mut store = Store::open(&db).unwrap();
    store
        .set_busy_timeout(std::time::Duration::from_millis(100))
        .unwrap();
    let other = rusqlite::Connection::open(&db).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let result = scan_dir(&root);
    let opts = auditbench::store::SyncOptions::new(
        auditbench::store::SyncScope::Full,
        auditbench::store::Trigger::Test,
    );
    assert!(matches!(
        store.sync(&result, &opts).unwrap_err(),
        StoreError::Locked(_)
    ));
    let err = store
        .triage(
            &[id],
            &TriageChange {
                status: Triage::FalsePositive,
                note: Some("overwrite".into()),
                actor: "bob".into(),
                at: None,
            },
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Locked(_)), "{err}");
    other.execute_batch("ROLLBACK").unwrap();
    drop(store);
    assert_triage_intact(&db, id, 1, 1);
}

// ------------------------------------------------ real file-system faults

/// Runs `script` (sh) in a private mount namespace, where it may mount a small
/// tmpfs or remount a folder read-only without touching the machine. `None`
/// when this machine allows no mount namespace (say so and skip).
fn in_mount_namespace(script: &str) -> Option<String> {
    let probe = Command::new("unshare")
        .args([
            "-rm",
            "sh",
            "-c",
            "mount -t tmpfs tmpfs /mnt 2>/dev/null || mount -t tmpfs tmpfs /tmp",
        ])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("SKIPPED: no mount namespace (`unshare -rm`) on this machine; the max_page_count test covers a full database");
        return None;
    }
    let out = Command::new("unshare")
        .args(["-rm", "sh", "-c", script])
        .env("AUDITBENCH_USER", "tester")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "namespace script failed:\n{text}");
    Some(text)
}

#[test]
fn full_disk_on_a_small_tmpfs() {
    let dir = tempfile::tempdir().unwrap();
    let (root, db, id) = triaged_project(dir.path());
    grow(&root, 400);
    let mnt = dir.path().join("mnt");
    let saved = dir.path().join("saved");
    std::fs::create_dir_all(&mnt).unwrap();
    std::fs::create_dir_all(&saved).unwrap();
    let script = format!(
        r#"set -u
mount -t tmpfs -o size=2m tmpfs {mnt}
cp {db} {mnt}/audit.db
# Fill the disk, leaving no room for the scan's new pages.
cat /dev/zero > {mnt}/fill 2>/dev/null
{bin} scan {root} --db {mnt}/audit.db --quiet >/dev/null 2>{mnt}/../scan.err
echo "scan exit $?"
cp {mnt}/audit.db* {saved}/
# Space again: the same scan succeeds.
rm {mnt}/fill
{bin} scan {root} --db {mnt}/audit.db --quiet --confidence low >/dev/null 2>&1
echo "second scan exit $?"
{bin} findings --db {mnt}/audit.db --format json > {mnt}/../after.json
"#,
        mnt = mnt.display(),
        db = db.display(),
        bin = BIN,
        root = root.display(),
        saved = saved.display(),
    );
    let Some(out) = in_mount_namespace(&script) else {
        return;
    };
    assert!(out.contains("scan exit 2"), "{out}");
    let err = std::fs::read_to_string(dir.path().join("scan.err")).unwrap();
    assert!(
        err.contains("is full") && err.contains("as it was"),
        "{err}"
    );
    assert_triage_intact(&saved.join("audit.db"), id, 1, 1);
    assert!(
        out.contains("second scan exit 1"),
        "findings open: exit 1\n{out}"
    );
    let after: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("after.json")).unwrap())
            .unwrap();
    assert!(after.to_string().contains("seen in production"), "{after}");
}

#[test]
fn read_only_file_system() {
    let dir = tempfile::tempdir().unwrap();
    let (root, db, id) = triaged_project(dir.path());
    grow(&root, 5);
    let db_dir = db.parent().unwrap();
    let script = format!(
        r#"set -u
mount --bind {d} {d} && mount -o remount,bind,ro {d}
{bin} scan {root} --db {db} --quiet >/dev/null 2>{d}/../scan.err
echo "scan exit $?"
{bin} triage {id} --status false_positive --note x --db {db} >/dev/null 2>{d}/../triage.err
echo "triage exit $?"
"#,
        d = db_dir.display(),
        bin = BIN,
        root = root.display(),
        db = db.display(),
    );
    let Some(out) = in_mount_namespace(&script) else {
        return;
    };
    assert!(
        out.contains("scan exit 2") && out.contains("triage exit 2"),
        "{out}"
    );
    for f in ["scan.err", "triage.err"] {
        let err = std::fs::read_to_string(dir.path().join(f)).unwrap();
        assert!(err.contains("read-only"), "{f}: {err}");
    }
    assert_triage_intact(&db, id, 1, 1);
}
