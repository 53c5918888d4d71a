//! Incremental full scans into the database: unchanged files (same content
//! hash, same analysis key) are not analysed again, their findings and triage
//! are kept, a changed file is analysed again (fixed / regressed stay right),
//! and the project-wide RES006 pass still sees every file.

mod common;

use std::path::Path;

use auditbench::project::record::scan_folder;
use auditbench::store::{
    Store, SyncOptions, SyncScope, SyncSummary, Triage, TriageChange, Trigger,
};
use auditbench::{Config, ScanOptions, ScanResult};
use common::*;

const CLEAN: &str = "def f():\n    return 1\n";

/// Client created in `app/http.py`, closed in `app/main.py` (no RES006).
const HTTP: &str = "import httpx\n\nhttp_client = httpx.AsyncClient(timeout=10)\n";
const MAIN_CLOSES: &str =
    "from app.http import http_client\n\n\nasync def shutdown():\n    await http_client.aclose()\n";
const MAIN_FORGETS: &str =
    "from app.http import http_client\n\n\nasync def shutdown():\n    pass\n";

fn opts(root: &Path, config: Config) -> ScanOptions<'static> {
    ScanOptions {
        root: root.to_path_buf(),
        config,
        progress: None,
    }
}

/// One incremental scan recorded at `at`: the result and the sync summary.
fn scan_in(store: &mut Store, root: &Path, config: Config, at: i64) -> (ScanResult, SyncSummary) {
    let scanned = scan_folder(store, opts(root, config)).unwrap();
    let (result, key) = (scanned.result, scanned.analysis_key);
    let sync = SyncOptions::new(SyncScope::Full, Trigger::Test)
        .at(at)
        .analysis_key(key);
    let summary = store.sync(&result, &sync).unwrap();
    (result, summary)
}

fn unchanged(r: &ScanResult) -> Vec<&str> {
    let mut v: Vec<&str> = r
        .files
        .iter()
        .filter(|f| f.unchanged)
        .map(|f| f.path.as_str())
        .collect();
    v.sort();
    v
}

fn json(r: &ScanResult) -> String {
    serde_json::to_string(&(&r.findings, &r.warnings, r.files_scanned, r.lines_scanned)).unwrap()
}

#[test]
fn unchanged_files_are_skipped_and_keep_findings_and_triage() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.py", RES007);
    write(root, "b.py", &format!("import os\n{RES007}"));
    write(root, "c.py", CLEAN);
    write(root, "broken.py", "def f(:\n    pass\n");
    let mut store = Store::open(db_path(root)).unwrap();

    let (cold, s1) = scan_in(&mut store, root, Config::default(), T0);
    assert!(unchanged(&cold).is_empty());
    assert_eq!(s1.new.len(), 2);
    // Triage one finding.
    let id = s1.new.iter().find(|f| f.path == "a.py").unwrap().id;
    store
        .triage(
            &[id],
            &TriageChange {
                status: Triage::AcceptedRisk,
                note: Some("bounded".into()),
                actor: "tester".into(),
                at: Some(T0 + 10),
            },
        )
        .unwrap();

    let (warm, s2) = scan_in(&mut store, root, Config::default(), T0 + DAY);
    assert_eq!(unchanged(&warm), ["a.py", "b.py", "broken.py", "c.py"]);
    // Same result as the cold scan (findings with fingerprints, warnings, counts).
    assert_eq!(json(&warm), json(&cold));
    assert!(s2.is_quiet(), "{}", s2.headline());
    assert_eq!(s2.unchanged, 2);
    let (triage, detection, last_seen): (String, String, i64) = store
        .connection()
        .query_row(
            "SELECT triage, detection, last_seen_at FROM findings WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (triage.as_str(), detection.as_str(), last_seen),
        ("accepted_risk", "open", T0 + DAY)
    );

    // Proof that a.py's findings come from the database and not from a new
    // analysis: a stored message edited behind the scan's back is what it reports.
    store
        .connection()
        .execute(
            "UPDATE findings SET message = 'from the database' WHERE id = ?1",
            [id],
        )
        .unwrap();
    let (again, _) = scan_in(&mut store, root, Config::default(), T0 + 2 * DAY);
    let a = again.findings.iter().find(|f| f.path == "a.py").unwrap();
    assert_eq!(a.message, "from the database");
}

#[test]
fn a_changed_file_is_analysed_again_fixed_then_regressed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.py", RES007);
    write(root, "b.py", RES007);
    let mut store = Store::open(db_path(root)).unwrap();
    scan_in(&mut store, root, Config::default(), T0);

    write(root, "a.py", CLEAN);
    let (r, s) = scan_in(&mut store, root, Config::default(), T0 + DAY);
    assert_eq!(unchanged(&r), ["b.py"]);
    assert_eq!(s.fixed.len(), 1);
    assert_eq!(s.fixed[0].path, "a.py");
    assert_eq!(r.findings.iter().filter(|f| f.rule == "RES007").count(), 1);

    write(root, "a.py", RES007);
    let (r, s) = scan_in(&mut store, root, Config::default(), T0 + 2 * DAY);
    assert_eq!(unchanged(&r), ["b.py"]);
    assert_eq!(s.regressed.len(), 1);
    assert!(s.new.is_empty() && s.fixed.is_empty());

    // A deleted unchanged-neighbour's findings are removed, not kept.
    std::fs::remove_file(root.join("b.py")).unwrap();
    let (r, s) = scan_in(&mut store, root, Config::default(), T0 + 3 * DAY);
    assert_eq!(unchanged(&r), ["a.py"]);
    assert_eq!(s.removed.len(), 1);
    assert_eq!(s.removed[0].path, "b.py");
}

#[test]
fn another_configuration_analyses_every_file_again() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.py", RES007);
    let mut store = Store::open(db_path(root)).unwrap();
    scan_in(&mut store, root, Config::default(), T0);
    let mut config = Config::default();
    config.apply_cli(&["MEM".to_string()], &[]).unwrap();
    let (r, s) = scan_in(&mut store, root, config, T0 + DAY);
    assert!(unchanged(&r).is_empty());
    assert!(r.findings.is_empty());
    // (The sync is given no rule set, so the vanished RES007 counts as fixed.)
    assert_eq!(s.fixed.len(), 1, "a.py analysed again without RES007");
    // A scan recorded without a key (the watcher, older versions) is never trusted.
    let plain = scan_dir(root);
    store
        .sync(
            &plain,
            &SyncOptions::new(SyncScope::Full, Trigger::Test).at(T0 + 2 * DAY),
        )
        .unwrap();
    let (r, _) = scan_in(&mut store, root, Config::default(), T0 + 3 * DAY);
    assert!(unchanged(&r).is_empty());
}

#[test]
fn project_wide_findings_follow_a_change_in_another_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "app/__init__.py", "");
    write(root, "app/http.py", HTTP);
    write(root, "app/main.py", MAIN_CLOSES);
    let mut store = Store::open(db_path(root)).unwrap();
    let (r, _) = scan_in(&mut store, root, Config::default(), T0);
    assert!(!r.findings.iter().any(|f| f.rule == "RES006"));

    // main.py stops closing the client: RES006 appears in the unchanged http.py.
    write(root, "app/main.py", MAIN_FORGETS);
    let (r, s) = scan_in(&mut store, root, Config::default(), T0 + DAY);
    assert_eq!(unchanged(&r), ["app/__init__.py", "app/http.py"]);
    let res006: Vec<_> = s.new.iter().filter(|f| f.rule == "RES006").collect();
    assert_eq!(res006.len(), 1);
    assert_eq!(res006[0].path, "app/http.py");

    // Nothing changes: it stays open, seen again.
    let (r, s) = scan_in(&mut store, root, Config::default(), T0 + 2 * DAY);
    assert_eq!(r.files.iter().filter(|f| f.unchanged).count(), 3);
    assert!(s.is_quiet(), "{}", s.headline());
    assert_eq!(r.findings.iter().filter(|f| f.rule == "RES006").count(), 1);

    // main.py closes it again: fixed, though http.py did not change.
    write(root, "app/main.py", MAIN_CLOSES);
    let (_, s) = scan_in(&mut store, root, Config::default(), T0 + 3 * DAY);
    assert_eq!(s.fixed.len(), 1);
    assert_eq!(s.fixed[0].rule, "RES006");
}

#[test]
fn cli_scan_reports_skipped_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.py", RES007);
    write(root, "c.py", CLEAN);
    let run = || {
        assert_cmd::Command::cargo_bin("auditbench")
            .unwrap()
            .args(["scan", "--format", "json", "--fail-on", "critical"])
            .arg(root)
            .output()
            .unwrap()
    };
    let first = run();
    assert!(first.status.success());
    let second = run();
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(err.contains("2 unchanged file(s) skipped"), "stderr: {err}");
    let strip = |o: &[u8]| {
        let mut v: serde_json::Value = serde_json::from_slice(o).unwrap();
        v["duration_ms"] = 0.into();
        v
    };
    assert_eq!(strip(&first.stdout), strip(&second.stdout));
}
