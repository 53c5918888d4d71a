//! Schema migrations and clear errors for databases we must not touch.

mod common;

use auditbench::store::{schema, FindingFilter, Store, StoreError};
use common::*;

const V1_DUMP: &str = include_str!("data/store_v1.sql");

fn v1_db(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("audit.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(V1_DUMP).unwrap();
    drop(conn);
    path
}

#[test]
fn migration_from_v1_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = v1_db(dir.path());
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), schema::LATEST);
    let all = store.findings(&FindingFilter::default()).unwrap();
    assert_eq!(all.total, 2);
    let one = store.finding(1).unwrap();
    assert_eq!(one.triage, "accepted_risk");
    assert_eq!(one.note.as_deref(), Some("only used in a CLI script"));
    assert_eq!(one.triage_by.as_deref(), Some("alice"));
    assert_eq!(one.detection, "open");
    assert_eq!(one.title, None);
    let two = store.history(2).unwrap();
    assert_eq!(two.finding.detection, "fixed");
    assert!(two.finding.after_code.unwrap().contains("__exit__"));
    assert_eq!(two.events.len(), 3);
    assert_eq!(two.locations.len(), 1);
    let scans: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM scans", [], |r| r.get(0))
        .unwrap();
    assert_eq!(scans, 2);
    let week = store.weekly(2, Some(T0 + 8 * DAY)).unwrap();
    assert_eq!(week[0].new, 2);
    assert_eq!(week[1].fixed, 1);
    drop(store);
    // Opening again is a no-op.
    let store = Store::open(&path).unwrap();
    assert_eq!(store.findings(&FindingFilter::default()).unwrap().total, 2);
}

#[test]
fn migrated_database_keeps_working_with_scans() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app/a.py", RES007);
    let path = v1_db(dir.path());
    let mut store = Store::open(&path).unwrap();
    // The v1 rows have made-up fingerprints; the real scan matches app/a.py's
    // finding by rule + scope and keeps its triage.
    let s = rescan(&mut store, dir.path(), T0 + 30 * DAY);
    assert!(s.new.is_empty(), "{s:#?}");
    let one = store.finding(1).unwrap();
    assert_eq!(one.triage, "accepted_risk");
    assert_eq!(one.detection, "open");
}

#[test]
fn newer_schema_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = v1_db(dir.path());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("PRAGMA user_version = 99").unwrap();
    drop(conn);
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).err().expect("must fail");
    assert!(
        matches!(err, StoreError::NewerSchema { found: 99, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("upgrade auditbench"), "{err}");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM findings", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2);
    assert!(!before.is_empty());
}

#[test]
fn corrupt_file_gets_a_clear_error_and_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.db");
    let junk = b"this is not a database at all, just some bytes ......".repeat(100);
    std::fs::write(&path, &junk).unwrap();
    let err = Store::open(&path).err().expect("must fail");
    assert!(matches!(err, StoreError::Corrupt(..)), "{err}");
    assert!(err.to_string().contains("left untouched"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), junk);
}

#[test]
fn foreign_sqlite_file_is_not_adopted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE users (id INTEGER)")
        .unwrap();
    drop(conn);
    let err = Store::open(&path).err().expect("must fail");
    assert!(
        err.to_string().contains("not an auditbench database"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn read_only_database_gets_a_clear_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.db");
    drop(Store::open(&path).unwrap());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    // root ignores permissions: nothing to check then.
    if std::fs::OpenOptions::new().write(true).open(&path).is_ok() {
        return;
    }
    let err = Store::open(&path).err().expect("must fail");
    assert!(matches!(err, StoreError::ReadOnly(_)), "{err}");
}

#[test]
fn missing_database_for_queries() {
    let dir = tempfile::tempdir().unwrap();
    let err = Store::open_existing(dir.path().join("nope.db"))
        .err()
        .unwrap();
    assert!(err.to_string().contains("run `auditbench scan` first"));
}

#[test]
fn locked_database_gets_a_clear_error_and_no_change() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", RES007);
    let path = db_path(dir.path());
    let mut store = Store::open(&path).unwrap();
    let id = rescan(&mut store, dir.path(), T0).new[0].id;
    // Another process holds the write lock.
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    store
        .set_busy_timeout(std::time::Duration::from_millis(200))
        .unwrap();
    let err = store
        .triage(
            &[id],
            &auditbench::store::TriageChange {
                status: auditbench::store::Triage::Confirmed,
                note: None,
                actor: "x".into(),
                at: None,
            },
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Locked(_)), "{err}");
    assert!(err.to_string().contains(path.to_str().unwrap()), "{err}");
    let scan = scan_dir(dir.path());
    let err = store
        .sync(
            &scan,
            &auditbench::store::SyncOptions::new(
                auditbench::store::SyncScope::Full,
                auditbench::store::Trigger::Test,
            ),
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Locked(_)), "{err}");
    other.execute_batch("ROLLBACK").unwrap();
    assert_eq!(store.finding(id).unwrap().triage, "needs_review");
}
