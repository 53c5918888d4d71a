//! Weekly history over a simulated multi-week scan sequence, per-file counts,
//! and merging two auditors' triage through export/import.

mod common;

use auditbench::finding::Severity;
use auditbench::store::{
    FindingFilter, ManualFinding, SortKey, Store, Triage, TriageChange, TriageExport,
};
use common::*;

const WEEK: i64 = 7 * DAY;
const FIXED: &str = "class A:\n    def __enter__(self):\n        return self\n\n    def __exit__(self, *exc):\n        pass\n";

#[test]
fn weekly_history_over_several_weeks() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut store = Store::open(db_path(root)).unwrap();
    // Week 1 (2026-W02): two findings appear.
    write(root, "a.py", RES007);
    write(root, "b.py", RES007);
    assert_eq!(rescan(&mut store, root, T0 + 3600).new.len(), 2);
    assert_eq!(rescan(&mut store, root, T0 + 2 * DAY).new.len(), 0);
    // Week 2: a.py fixed.
    write(root, "a.py", FIXED);
    assert_eq!(rescan(&mut store, root, T0 + WEEK + DAY).fixed.len(), 1);
    // Week 3: a new file with a finding.
    write(root, "c.py", &format!("import os\n{RES007}"));
    assert_eq!(rescan(&mut store, root, T0 + 2 * WEEK + DAY).new.len(), 1);
    // Week 4: the a.py fix is reverted.
    write(root, "a.py", RES007);
    assert_eq!(
        rescan(&mut store, root, T0 + 3 * WEEK + DAY)
            .regressed
            .len(),
        1
    );

    let rows = store.weekly(5, Some(T0 + 3 * WEEK + 2 * DAY)).unwrap();
    let got: Vec<(&str, &str, usize, usize, usize, usize)> = rows
        .iter()
        .map(|r| {
            (
                r.week.as_str(),
                r.starts.as_str(),
                r.new,
                r.fixed,
                r.regressed,
                r.open,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("2026-W01", "2025-12-29", 0, 0, 0, 0),
            ("2026-W02", "2026-01-05", 2, 0, 0, 2),
            ("2026-W03", "2026-01-12", 0, 1, 0, 1),
            ("2026-W04", "2026-01-19", 1, 0, 0, 2),
            ("2026-W05", "2026-01-26", 0, 0, 1, 3),
        ]
    );
    assert_eq!(rows[4].open_by_severity.get("medium"), Some(&3));

    // A false positive no longer counts as open.
    let b = store
        .findings(&FindingFilter {
            path: Some("b.py".into()),
            ..Default::default()
        })
        .unwrap()
        .items[0]
        .id;
    store
        .triage(
            &[b],
            &TriageChange {
                status: Triage::FalsePositive,
                note: Some("test double".into()),
                actor: "alice".into(),
                at: Some(T0 + 3 * WEEK + 2 * DAY),
            },
        )
        .unwrap();
    let rows = store.weekly(1, Some(T0 + 3 * WEEK + 2 * DAY)).unwrap();
    assert_eq!(rows[0].open, 2);

    // Per-file counts and a sorted, counted list.
    let files = store.file_counts().unwrap();
    assert_eq!(files.len(), 3);
    assert!(files.iter().all(|f| f.open == 1));
    let list = store
        .findings(&FindingFilter {
            sort: SortKey::Newest,
            limit: Some(1),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(list.total, 3);
    assert_eq!(list.items.len(), 1);
    assert_eq!(list.items[0].path, "c.py");
    assert_eq!(list.by_triage.get("false_positive"), Some(&1));
    assert_eq!(list.by_detection.get("regressed"), Some(&1));
}

fn triage(store: &mut Store, id: i64, status: Triage, note: &str, who: &str, at: i64) {
    store
        .triage(
            &[id],
            &TriageChange {
                status,
                note: Some(note.into()),
                actor: who.into(),
                at: Some(at),
            },
        )
        .unwrap();
}

#[test]
fn two_auditors_merge_their_triage() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.py", RES007);
    write(root, "b.py", &format!("X = 1\n{RES007}"));
    let mut alice = Store::open(root.join("alice.db")).unwrap();
    let mut bob = Store::open(root.join("bob.db")).unwrap();
    rescan(&mut alice, root, T0);
    rescan(&mut bob, root, T0);
    let id_of = |s: &Store, p: &str| {
        s.findings(&FindingFilter {
            path: Some(p.into()),
            ..Default::default()
        })
        .unwrap()
        .items[0]
            .id
    };
    let (aa, ab) = (id_of(&alice, "a.py"), id_of(&alice, "b.py"));
    let (ba, bb) = (id_of(&bob, "a.py"), id_of(&bob, "b.py"));
    // Both decide on a.py (bob later); only bob on b.py; bob records a manual finding.
    triage(
        &mut alice,
        aa,
        Triage::Confirmed,
        "alice: real",
        "alice",
        T0 + 10,
    );
    triage(&mut bob, ba, Triage::WontFix, "bob: legacy", "bob", T0 + 20);
    triage(
        &mut bob,
        bb,
        Triage::AcceptedRisk,
        "only in tests",
        "bob",
        T0 + 30,
    );
    auditbench::project::manual::add(
        &mut bob,
        root,
        &ManualFinding {
            path: "b.py".into(),
            line: 1,
            severity: Severity::Low,
            title: "global X".into(),
            description: String::new(),
            fix: None,
        },
        "bob",
        Some(T0 + 40),
    )
    .unwrap();

    let export = bob.export_triage().unwrap();
    let json = serde_json::to_string(&export).unwrap();
    let export: TriageExport = serde_json::from_str(&json).unwrap();
    let s = alice.import_triage(&export, "alice").unwrap();
    assert_eq!(
        (s.applied, s.created_manual, s.unmatched),
        (2, 1, 0),
        "{s:?}"
    );
    let a = alice.finding(aa).unwrap();
    assert_eq!(
        (a.triage.as_str(), a.triage_by.as_deref()),
        ("wont_fix", Some("bob"))
    );
    let b = alice.finding(ab).unwrap();
    assert_eq!(b.triage, "accepted_risk");
    assert_eq!(b.note.as_deref(), Some("only in tests"));
    // Alice's own history is kept.
    let kinds: Vec<String> = alice
        .history(aa)
        .unwrap()
        .events
        .into_iter()
        .map(|e| e.to.unwrap_or_default())
        .collect();
    assert!(kinds.contains(&"confirmed".to_string()) && kinds.contains(&"wont_fix".to_string()));
    // Importing again changes nothing and creates no duplicates.
    let s = alice.import_triage(&export, "alice").unwrap();
    assert_eq!((s.applied, s.created_manual), (0, 0), "{s:?}");
    let manual = alice
        .findings(&FindingFilter {
            rules: vec!["MANUAL".into()],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(manual.total, 1);
    // An older decision does not override a newer local one.
    triage(
        &mut alice,
        aa,
        Triage::Confirmed,
        "alice again",
        "alice",
        T0 + 100,
    );
    let s = alice.import_triage(&export, "alice").unwrap();
    assert_eq!(s.kept_local, 1, "{s:?}");
    assert_eq!(alice.finding(aa).unwrap().triage, "confirmed");
}

#[test]
fn accepted_risk_needs_a_justification() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", RES007);
    let mut store = Store::open(db_path(dir.path())).unwrap();
    let id = rescan(&mut store, dir.path(), T0).new[0].id;
    let err = store
        .triage(
            &[id],
            &TriageChange {
                status: Triage::AcceptedRisk,
                note: Some("  ".into()),
                actor: "x".into(),
                at: None,
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("justification"));
    // Unknown ids fail the whole change.
    let err = store
        .triage(
            &[id, 999],
            &TriageChange {
                status: Triage::Confirmed,
                note: None,
                actor: "x".into(),
                at: None,
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("999"));
    assert_eq!(store.finding(id).unwrap().triage, "needs_review");
}

/// The path filter matches any part of a path (`clients` finds
/// `app/clients/x.py`), and `%`, `_` and `\` in it match only themselves.
#[test]
fn the_path_filter_matches_any_part_of_a_path() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for p in [
        "app/clients/pay.py",
        "app/cache.py",
        "app/a_b.py",
        "app/axb.py",
        "app/100%.py",
        "app/1000.py",
    ] {
        write(root, p, RES007);
    }
    let mut store = Store::open(db_path(root)).unwrap();
    rescan(&mut store, root, T0);
    let paths = |p: &str| -> Vec<String> {
        let mut v: Vec<String> = store
            .findings(&FindingFilter {
                path: Some(p.into()),
                ..Default::default()
            })
            .unwrap()
            .items
            .into_iter()
            .map(|f| f.path)
            .collect();
        v.sort();
        v
    };
    assert_eq!(paths("clients"), ["app/clients/pay.py"]);
    assert_eq!(paths("lients/p"), ["app/clients/pay.py"]);
    // A file and a folder still match as before; case does not matter.
    assert_eq!(paths("app/cache.py"), ["app/cache.py"]);
    assert_eq!(paths("./app/clients/"), ["app/clients/pay.py"]);
    assert_eq!(paths("CLIENTS"), ["app/clients/pay.py"]);
    assert_eq!(paths("app/").len(), 6);
    // LIKE's wildcards are literal.
    assert_eq!(paths("a_b"), ["app/a_b.py"]);
    assert_eq!(paths("100%"), ["app/100%.py"]);
    assert_eq!(paths("%"), ["app/100%.py"]);
    // A backslash is read as a separator (a path typed the Windows way).
    assert_eq!(paths("app\\clients"), ["app/clients/pay.py"]);
    assert!(paths("nowhere").is_empty());
}

/// The confidence filter takes several levels; a finding without a
/// confidence (a manual one) passes any; the counts are per level.
#[test]
fn the_confidence_filter_takes_several_levels() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for p in ["h.py", "m.py", "l.py"] {
        write(root, p, RES007);
    }
    let mut store = Store::open(db_path(root)).unwrap();
    rescan(&mut store, root, T0);
    for (p, c) in [("h.py", "high"), ("m.py", "medium"), ("l.py", "low")] {
        store
            .connection()
            .execute(
                "UPDATE findings SET confidence = ?1 WHERE path = ?2",
                [c, p],
            )
            .unwrap();
    }
    store
        .add_manual(
            &ManualFinding {
                path: "h.py".into(),
                line: 1,
                severity: Severity::High,
                title: "by hand".into(),
                description: String::new(),
                fix: None,
            },
            "class A:",
            "alice",
            Some(T0),
        )
        .unwrap();
    let list = |levels: &[&str]| {
        store
            .findings(&FindingFilter {
                confidence: levels.iter().map(|s| s.to_string()).collect(),
                sort: SortKey::Path,
                ..Default::default()
            })
            .unwrap()
    };
    let rows = |levels: &[&str]| -> Vec<(String, Option<String>)> {
        list(levels)
            .items
            .into_iter()
            .map(|f| (f.path, f.confidence))
            .collect()
    };
    let s = |v: &str| Some(v.to_string());
    assert_eq!(
        rows(&["high", "medium"]),
        [
            // The manual finding on line 1, before the class's.
            ("h.py".to_string(), None),
            ("h.py".to_string(), s("high")),
            ("m.py".to_string(), s("medium")),
        ]
    );
    assert_eq!(rows(&["low"]).len(), 2);
    let all = list(&[]);
    assert_eq!(all.total, 4);
    assert_eq!(all.by_confidence.get("high"), Some(&1));
    assert_eq!(all.by_confidence.get("low"), Some(&1));
    assert_eq!(all.by_confidence.get("none"), Some(&1));
}
