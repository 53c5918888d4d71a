//! Strengths (GOOD rules) are stored with `kind = 'strength'` and tracked like
//! findings, but stay out of the sync summary, finding lists, per-file counts,
//! weekly history and triage export.

mod common;

use auditbench::store::{Detection, FindingFilter, Store};
use common::*;

/// RES007 (a finding) plus two strengths: a bounded deque (GOOD002) and a file
/// opened in `with` (GOOD005).
const MIXED: &str = "import collections\n\n\nclass A:\n    def __enter__(self):\n        return self\n\n\n_recent = collections.deque(maxlen=100)\n\n\ndef read(path):\n    with open(path) as f:\n        return f.read()\n";
/// The same without the `with open` strength.
const LESS: &str = "import collections\n\n\nclass A:\n    def __enter__(self):\n        return self\n\n\n_recent = collections.deque(maxlen=100)\n";

#[test]
fn strengths_are_stored_but_kept_out_of_findings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut store = Store::open(db_path(root)).unwrap();
    write(root, "app.py", MIXED);
    let scan = scan_dir(root);
    let good = scan
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("GOOD"))
        .count();
    assert!(good >= 2, "the fixture should hold strengths: {good}");

    let s = rescan(&mut store, root, T0 + 3600);
    let rules: Vec<&str> = s.new.iter().map(|r| r.rule.as_str()).collect();
    assert_eq!(rules, ["RES007"], "the summary lists findings only");

    // Stored with kind strength.
    let rows = store.report_rows().unwrap();
    let strengths: Vec<_> = rows.iter().filter(|r| r.kind == "strength").collect();
    assert_eq!(strengths.len(), good);
    assert!(strengths.iter().all(|r| r.row.rule.starts_with("GOOD")));
    assert!(strengths.iter().all(|r| r.row.detection == "open"));
    assert!(rows
        .iter()
        .filter(|r| r.kind == "finding")
        .all(|r| r.row.rule == "RES007"));

    // Lists, counts, per-file counts, weekly history: findings only.
    let list = store.findings(&FindingFilter::default()).unwrap();
    assert_eq!(list.total, 1);
    assert_eq!(list.items[0].rule, "RES007");
    assert!(list.by_rule.keys().all(|r| r == "RES007"));
    let with = store
        .findings(&FindingFilter {
            include_strengths: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(with.total, 1 + good);
    let files = store.file_counts().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].open, 1);
    let week = store.weekly(1, Some(T0 + 2 * DAY)).unwrap();
    assert_eq!((week[0].new, week[0].open), (1, 1));

    // Triage export: no strengths, even triaged ones.
    let id = strengths[0].row.id;
    store
        .triage(
            &[id],
            &auditbench::store::TriageChange {
                status: auditbench::store::Triage::Confirmed,
                note: None,
                actor: "alice".into(),
                at: Some(T0 + 7200),
            },
        )
        .unwrap();
    assert!(store.export_triage().unwrap().decisions.is_empty());

    // A vanished strength is recorded like a vanished finding, silently.
    write(root, "app.py", LESS);
    let s = rescan(&mut store, root, T0 + DAY);
    assert!(s.is_quiet(), "{}", s.headline());
    assert!(s.moved.is_empty() && s.fixed.is_empty(), "{}", s.headline());
    assert_eq!(s.unchanged, 1);
    let rows = store.report_rows().unwrap();
    let vanished: Vec<_> = rows
        .iter()
        .filter(|r| r.kind == "strength" && r.row.detection == Detection::Fixed.as_str())
        .collect();
    assert_eq!(vanished.len(), 1);
    assert_eq!(vanished[0].row.rule, "GOOD005");
    let week = store.weekly(1, Some(T0 + 2 * DAY)).unwrap();
    assert_eq!((week[0].new, week[0].fixed, week[0].open), (1, 0, 1));
    assert_eq!(store.findings(&FindingFilter::default()).unwrap().total, 1);
}
