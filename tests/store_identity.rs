//! Finding identity across edits, detection transitions and partial scans.

mod common;

use auditbench::finding::Severity;
use auditbench::store::{
    Detection, FindingFilter, ManualFinding, Store, SyncOptions, SyncScope, Triage, TriageChange,
    Trigger,
};
use auditbench::ScanResult;
use common::*;

fn confirm(store: &mut Store, id: i64) {
    store
        .triage(
            &[id],
            &TriageChange {
                status: Triage::Confirmed,
                note: Some("seen in prod".into()),
                actor: "alice".into(),
                at: Some(T0 + 10),
            },
        )
        .unwrap();
}

fn only_finding(store: &Store) -> auditbench::store::FindingRow {
    let all = store.findings(&FindingFilter::default()).unwrap();
    assert_eq!(all.total, 1, "{:#?}", all.items);
    all.items.into_iter().next().unwrap()
}

fn setup(text: &str) -> (tempfile::TempDir, Store, i64) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app/a.py", text);
    let mut store = Store::open(db_path(dir.path())).unwrap();
    let s = rescan(&mut store, dir.path(), T0);
    assert_eq!(s.new.len(), 1);
    let id = s.new[0].id;
    confirm(&mut store, id);
    (dir, store, id)
}

#[test]
fn triage_survives_lines_inserted_above() {
    let (dir, mut store, id) = setup(RES007);
    let above = "import os\n\n# a comment\nX = 1\n\n\ndef helper():\n    return os.getcwd()\n\n\n";
    write(dir.path(), "app/a.py", &format!("{above}{RES007}"));
    let s = rescan(&mut store, dir.path(), T0 + 100);
    assert!(s.new.is_empty(), "{s:#?}");
    assert_eq!(s.moved.len(), 1);
    let f = only_finding(&store);
    assert_eq!(f.id, id);
    assert_eq!(f.line, 12);
    assert_eq!(f.triage, "confirmed");
    assert_eq!(f.note.as_deref(), Some("seen in prod"));
    assert_eq!(f.detection, "open");
    let h = store.history(id).unwrap();
    assert_eq!(h.locations.len(), 2);
    assert!(h.events.iter().any(|e| e.kind == "moved"));
}

#[test]
fn triage_survives_reformatting() {
    let (dir, mut store, id) = setup(RES007);
    // Whitespace-only changes keep the fingerprint.
    write(
        dir.path(),
        "app/a.py",
        "class A :\n\n    def __enter__( self ) :\n        return  self\n",
    );
    let s = rescan(&mut store, dir.path(), T0 + 100);
    assert!(s.new.is_empty() && s.fixed.is_empty(), "{s:#?}");
    // A token-level change of the anchor line: matched by rule + scope.
    write(
        dir.path(),
        "app/a.py",
        "class A:\n    def __enter__(\n        self,\n    ):\n        return self\n",
    );
    let s = rescan(&mut store, dir.path(), T0 + 200);
    assert!(s.new.is_empty() && s.fixed.is_empty(), "{s:#?}");
    let f = only_finding(&store);
    assert_eq!((f.id, f.triage.as_str()), (id, "confirmed"));
}

#[test]
fn triage_survives_moving_the_function() {
    let (dir, mut store, id) = setup(&format!("{RES007}\n\ndef later():\n    return 1\n"));
    // Moved below other code in the same file.
    write(
        dir.path(),
        "app/a.py",
        &format!(
            "def later():\n    return 1\n\n\ndef other():\n    x = 2\n    return x\n\n\n{RES007}"
        ),
    );
    let s = rescan(&mut store, dir.path(), T0 + 100);
    assert!(s.new.is_empty() && s.fixed.is_empty(), "{s:#?}");
    // The class renamed: same anchor line, other scope.
    write(
        dir.path(),
        "app/a.py",
        "def later():\n    return 1\n\n\nclass Renamed:\n    def __enter__(self):\n        return self\n",
    );
    let s = rescan(&mut store, dir.path(), T0 + 200);
    assert!(s.new.is_empty() && s.fixed.is_empty(), "{s:#?}");
    // Moved to another file (the old one deleted).
    std::fs::remove_file(dir.path().join("app/a.py")).unwrap();
    write(
        dir.path(),
        "app/sessions.py",
        "import os\n\n\nclass Renamed:\n    def __enter__(self):\n        return self\n",
    );
    let s = rescan(&mut store, dir.path(), T0 + 300);
    assert!(s.new.is_empty() && s.removed.is_empty(), "{s:#?}");
    let f = only_finding(&store);
    assert_eq!(f.id, id);
    assert_eq!(f.path, "app/sessions.py");
    assert_eq!(f.line, 5);
    assert_eq!(f.triage, "confirmed");
    assert_eq!(f.detection, "open");
}

#[test]
fn file_rename_is_matched_when_unambiguous() {
    let (dir, mut store, id) = setup(RES007);
    std::fs::rename(dir.path().join("app/a.py"), dir.path().join("app/b.py")).unwrap();
    let s = rescan(&mut store, dir.path(), T0 + 100);
    assert!(s.new.is_empty() && s.removed.is_empty(), "{s:#?}");
    let f = only_finding(&store);
    assert_eq!((f.id, f.path.as_str()), (id, "app/b.py"));
}

#[test]
fn fixed_then_regressed_with_real_after_code() {
    let (dir, mut store, id) = setup(RES007);
    let fixed = "class A:\n    def __enter__(self):\n        return self\n\n    def __exit__(self, exc_type, exc, tb):\n        self.release_all()\n";
    write(dir.path(), "app/a.py", fixed);
    let s = rescan(&mut store, dir.path(), T0 + 100);
    assert_eq!(s.fixed.len(), 1, "{s:#?}");
    let f = store.finding(id).unwrap();
    assert_eq!(f.detection, "fixed");
    assert_eq!(f.fixed_at, Some(T0 + 100));
    let after = f.after_code.unwrap();
    assert!(
        after.contains("def __exit__(self, exc_type, exc, tb):"),
        "{after}"
    );
    assert!(after.contains("self.release_all()"), "{after}");
    assert!(f.fix_before.unwrap().contains("def __enter__"));
    assert_eq!(f.triage, "confirmed");

    // Seen again in a later scan: fixed stays fixed.
    let s = rescan(&mut store, dir.path(), T0 + 150);
    assert!(s.fixed.is_empty() && s.regressed.is_empty());

    // The fix is reverted: regressed, same finding, triage kept.
    write(dir.path(), "app/a.py", RES007);
    let s = rescan(&mut store, dir.path(), T0 + 200);
    assert_eq!(s.regressed.len(), 1, "{s:#?}");
    assert!(s.new.is_empty());
    let f = store.finding(id).unwrap();
    assert_eq!(f.detection, "regressed");
    assert_eq!(f.triage, "confirmed");
    let kinds: Vec<String> = store
        .history(id)
        .unwrap()
        .events
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        ["detected", "triage_changed", "fixed", "regressed"],
        "{kinds:?}"
    );
}

#[test]
fn partial_scan_leaves_other_files_untouched() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", RES007);
    write(dir.path(), "b.py", RES007);
    let mut store = Store::open(db_path(dir.path())).unwrap();
    assert_eq!(rescan(&mut store, dir.path(), T0).new.len(), 2);
    // Both files fixed on disk, but only a.py is rescanned.
    let fixed = format!("{RES007}    def __exit__(self, *exc):\n        pass\n");
    write(dir.path(), "a.py", &fixed);
    write(dir.path(), "b.py", &fixed);
    let partial = scan_dir(&dir.path().join("a.py"));
    let s = store
        .sync(
            &partial,
            &SyncOptions::new(SyncScope::Files(vec!["a.py".into()]), Trigger::Watcher).at(T0 + 1),
        )
        .unwrap();
    assert_eq!(s.fixed.len(), 1);
    assert_eq!(s.fixed[0].path, "a.py");
    let open = store
        .findings(&FindingFilter {
            detection: vec![Detection::Open],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(open.total, 1);
    assert_eq!(open.items[0].path, "b.py");

    // b.py deleted; a partial scan covering it marks its finding removed.
    std::fs::remove_file(dir.path().join("b.py")).unwrap();
    let empty = ScanResult {
        root: dir
            .path()
            .canonicalize()
            .unwrap()
            .to_string_lossy()
            .into_owned(),
        files_scanned: 0,
        lines_scanned: 0,
        duration_ms: 0,
        test_files_skipped: 0,
        warnings: vec![],
        findings: vec![],
        files: vec![],
    };
    let s = store
        .sync(
            &empty,
            &SyncOptions::new(SyncScope::Files(vec!["b.py".into()]), Trigger::Watcher).at(T0 + 2),
        )
        .unwrap();
    assert_eq!(s.removed.len(), 1);
    let removed = store
        .findings(&FindingFilter {
            detection: vec![Detection::Removed],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(removed.items[0].path, "b.py");
    // a.py stays fixed.
    let fixed = store
        .findings(&FindingFilter {
            detection: vec![Detection::Fixed],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(fixed.items[0].path, "a.py");
}

#[test]
fn rule_not_run_means_removed_not_fixed() {
    let (dir, mut store, id) = setup(RES007);
    let result = scan_dir(dir.path());
    let s = store
        .sync(
            &ScanResult {
                findings: vec![],
                ..result
            },
            &SyncOptions::new(SyncScope::Full, Trigger::Test)
                .at(T0 + 5)
                .rules(vec!["MEM001".into()]),
        )
        .unwrap();
    assert_eq!(s.removed.len(), 1);
    assert_eq!(store.finding(id).unwrap().detection, "removed");
    // Back when the rule runs again: open, same id, triage kept.
    let s = rescan(&mut store, dir.path(), T0 + 6);
    assert_eq!(s.new.len(), 1);
    let f = store.finding(id).unwrap();
    assert_eq!(
        (f.detection.as_str(), f.triage.as_str()),
        ("open", "confirmed")
    );
}

#[test]
fn manual_findings_follow_their_line_and_are_triaged() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/pool.py",
        "import x\nPOOL = x.Pool(size=5)\n",
    );
    let mut store = Store::open(db_path(dir.path())).unwrap();
    let id = auditbench::project::manual::add(
        &mut store,
        dir.path(),
        &ManualFinding {
            path: "app/pool.py".into(),
            line: 2,
            severity: Severity::High,
            title: "pool of 5 for 40 workers".into(),
            description: "each worker holds a connection".into(),
            fix: Some("POOL = x.Pool(size=40)".into()),
        },
        "bob",
        Some(T0),
    )
    .unwrap();
    rescan(&mut store, dir.path(), T0 + 1);
    store
        .triage(
            &[id],
            &TriageChange {
                status: Triage::InProgress,
                note: None,
                actor: "bob".into(),
                at: Some(T0 + 2),
            },
        )
        .unwrap();
    write(
        dir.path(),
        "app/pool.py",
        "import x\n\n# tuned below\nPOOL = x.Pool(size=5)\n",
    );
    let s = rescan(&mut store, dir.path(), T0 + 3);
    assert_eq!(s.moved.len(), 1);
    let f = store.finding(id).unwrap();
    assert_eq!((f.rule.as_str(), f.line), ("MANUAL", 4));
    assert_eq!(f.triage, "in_progress");
    assert_eq!(f.detection, "open");
    assert_eq!(f.title.as_deref(), Some("pool of 5 for 40 workers"));
    let list = store
        .findings(&FindingFilter {
            rules: vec!["MANUAL".into()],
            severity: vec![Severity::High],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(list.total, 1);
}

#[test]
fn suppressed_comes_from_source_and_keeps_human_triage() {
    let (dir, mut store, id) = setup(RES007);
    write(
        dir.path(),
        "app/a.py",
        "class A:\n    # auditbench: ignore[RES007] -- callers use close()\n    def __enter__(self):\n        return self\n",
    );
    rescan(&mut store, dir.path(), T0 + 100);
    let f = store.finding(id).unwrap();
    assert_eq!(f.triage, "suppressed");
    assert_eq!(f.suppression.as_deref(), Some("callers use close()"));
    let err = store
        .triage(
            &[id],
            &TriageChange {
                status: Triage::Suppressed,
                note: None,
                actor: "x".into(),
                at: None,
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("source comments"));
    write(dir.path(), "app/a.py", RES007);
    rescan(&mut store, dir.path(), T0 + 200);
    assert_eq!(store.finding(id).unwrap().triage, "confirmed");
}
