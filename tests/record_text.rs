//! The store records a scan from what the scan read: the real code after a
//! fix comes from the text the scan kept (`FileResult::text`), never from a
//! read of the file at sync time. These tests go through the real recording
//! paths (the project layer's `scan_and_record`, the watcher's `live`
//! recorder), whose scans keep only the texts the database says they need,
//! and check that every fixed finding still gets its after-code.

mod common;

use std::path::Path;

use auditbench::project::{live, record, Project};
use auditbench::store::{FindingFilter, Store, Trigger};
use auditbench::{Config, ScanOptions};
use common::{write, RES007};

fn opts(root: &Path) -> ScanOptions<'static> {
    ScanOptions {
        root: root.to_path_buf(),
        config: Config::default(),
        progress: None,
    }
}

fn record(store: &mut Store, root: &Path) -> auditbench::store::SyncSummary {
    record::scan_and_record(store, opts(root), Trigger::Test)
        .unwrap()
        .1
}

/// The stored finding of `rule` in `path`.
fn finding(store: &Store, rule: &str, path: &str) -> auditbench::store::FindingRow {
    store
        .findings(&FindingFilter {
            rules: vec![rule.into()],
            ..Default::default()
        })
        .unwrap()
        .items
        .into_iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {rule} finding in {path}"))
}

fn after_code(store: &Store, id: i64) -> Option<String> {
    store.finding(id).unwrap().after_code
}

const FIXED_RES007: &str =
    "class A:\n    def __enter__(self):\n        return self\n\n    def __exit__(self, *exc):\n        return None\n";

#[test]
fn a_fix_recorded_by_scan_has_its_after_code() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.py", RES007);
    write(root, "b.py", "x = 1\n");
    let mut store = Store::open(root.join(".auditbench/audit.db")).unwrap();
    assert_eq!(record(&mut store, root).new.len(), 1);
    write(root, "a.py", FIXED_RES007);
    let summary = record(&mut store, root);
    assert_eq!(summary.fixed.len(), 1, "{summary:?}");
    let f = finding(&store, "RES007", "a.py");
    let after = after_code(&store, f.id).expect("after-code recorded");
    assert!(after.contains("def __exit__"), "{after}");
}

/// A project-wide finding in a file that did not change is fixed by an edit
/// of another file: the unchanged file's text is kept for it.
#[test]
fn a_project_wide_fix_in_an_unchanged_file_has_its_after_code() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "svc.py",
        "import redis\n\ncache = redis.Redis(host=\"cache\")\n\n\ndef get(key):\n    return cache.get(key)\n",
    );
    write(
        root,
        "main.py",
        "from svc import cache\n\n\ndef run():\n    pass\n",
    );
    let mut store = Store::open(root.join(".auditbench/audit.db")).unwrap();
    record(&mut store, root);
    let f = finding(&store, "RES006", "svc.py");
    write(
        root,
        "main.py",
        "from svc import cache\n\n\ndef run():\n    pass\n\n\ndef shutdown():\n    cache.close()\n",
    );
    let summary = record(&mut store, root);
    assert!(
        summary.fixed.iter().any(|x| x.id == f.id),
        "RES006 fixed by the close in main.py: {summary:?}"
    );
    let after = after_code(&store, f.id).expect("after-code of the unchanged file");
    assert!(after.contains("redis.Redis"), "{after}");
}

#[test]
fn the_watcher_records_fixes_with_their_after_code() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    write(&root, "a.py", RES007);
    write(
        &root,
        "svc.py",
        "import redis\n\ncache = redis.Redis(host=\"cache\")\n",
    );
    write(&root, "main.py", "from svc import cache\n");
    let project = Project::open(&root, None).unwrap();
    let store = project.open_store().unwrap();
    let (mut state, mut recorder, first) =
        live::open(&project, store, None, Trigger::Watcher).unwrap();
    assert_eq!(first.new.len(), 2, "{first:?}");
    // A per-file fix in the batch's file.
    write(&root, "a.py", FIXED_RES007);
    let update = state.apply(&[root.join("a.py")]).unwrap();
    let batch = recorder.record(&mut state, &update).unwrap();
    assert_eq!(batch.fixed.len(), 1, "{batch:?}");
    let f = finding(&recorder.store, "RES007", "a.py");
    assert!(after_code(&recorder.store, f.id)
        .unwrap()
        .contains("__exit__"));
    // A project-wide fix in a file the batch did not touch: its text was kept
    // between batches.
    write(
        &root,
        "main.py",
        "from svc import cache\n\n\ndef stop():\n    cache.close()\n",
    );
    let update = state.apply(&[root.join("main.py")]).unwrap();
    let batch = recorder.record(&mut state, &update).unwrap();
    let f = finding(&recorder.store, "RES006", "svc.py");
    assert!(batch.fixed.iter().any(|x| x.id == f.id), "{batch:?}");
    assert!(after_code(&recorder.store, f.id)
        .unwrap()
        .contains("redis.Redis"));
}

/// The first scan of a watch session skips the files the database recorded
/// unchanged, as `scan` does, and keeps their findings.
#[test]
fn the_watchers_first_scan_skips_unchanged_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    write(&root, "a.py", RES007);
    write(&root, "b.py", "x = 1\n");
    let project = Project::open(&root, None).unwrap();
    let mut store = project.open_store().unwrap();
    record(&mut store, &root);
    let (state, recorder, first) = live::open(&project, store, None, Trigger::Watcher).unwrap();
    assert!(first.is_quiet(), "nothing changed: {first:?}");
    let result = state.result();
    assert!(
        result.files.iter().all(|f| f.unchanged),
        "every file skipped"
    );
    assert_eq!(
        result
            .findings
            .iter()
            .filter(|f| f.rule == "RES007")
            .count(),
        1,
        "the skipped file keeps its finding"
    );
    assert_eq!(finding(&recorder.store, "RES007", "a.py").line, 2);
}
