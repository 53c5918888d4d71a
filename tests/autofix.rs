//! `auditbench fix` (issue 31): for each rule with file edits, the diff, the
//! fixed file and the re-scan; the refusals (file changed since the scan,
//! result that does not parse, new finding); the database event; and the
//! demo backend fixed by `fix --unsafe`, then scanned clean of the fixable
//! rules.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use auditbench::autofix::{self, Selection};
use auditbench::finding::{unified_diff, Applicability, TextEdit};
use auditbench::scan::{scan, ScanOptions};
use auditbench::Config;
use common::{copy_dir, open_findings as findings};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fix(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_auditbench"))
        .arg("fix")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A project folder holding `fixtures/fix/RULE.py` as `app.py`.
fn project_with(rule: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(repo().join(format!("fixtures/fix/{rule}.py"))).unwrap();
    fs::write(dir.path().join("app.py"), &text).unwrap();
    (dir, text)
}

const SAFE: [&str; 5] = ["ERR001", "RESIL003", "RESIL001", "RES004", "ASYNC002"];

/// The fixture of `rule`: its finding has edits of `applicability`; the
/// diff, then the fixed file and a clean re-scan; then nothing more to do.
/// An unsafe fix first waits for `--unsafe`.
fn check_rule(rule: &str, applicability: Applicability) {
    let (dir, before) = project_with(rule);
    let expected =
        fs::read_to_string(repo().join(format!("fixtures/fix/{rule}.fixed.py"))).unwrap();
    let read = || fs::read_to_string(dir.path().join("app.py")).unwrap();
    let f = findings(dir.path())
        .into_iter()
        .find(|f| f.rule == rule)
        .unwrap_or_else(|| panic!("{rule}: no finding"));
    let fx = f.fix.as_ref().unwrap();
    assert_eq!(fx.applicability, Some(applicability), "{rule}");
    assert!(!fx.edits.is_empty(), "{rule}");
    let mut args = vec!["--no-db", "--select", rule];
    if applicability == Applicability::Unsafe {
        let o = fix(dir.path(), &args);
        assert!(
            stdout(&o).starts_with("nothing to fix"),
            "{rule}: {}",
            stdout(&o)
        );
        assert_eq!(read(), before, "{rule}");
        args.push("--unsafe");
    }

    // --diff: the unified diff, nothing written.
    let o = fix(dir.path(), &[args.as_slice(), &["--diff"]].concat());
    assert_eq!(o.status.code(), Some(0), "{rule}: {}", stdout(&o));
    let diff = unified_diff(&before, &expected, "a/app.py", "b/app.py");
    assert!(
        stdout(&o).starts_with(&diff),
        "{rule}:\n{}\nexpected:\n{diff}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("(--diff: nothing written)"), "{rule}");
    assert_eq!(read(), before, "{rule}");

    // Applied: the file is the expected one, the re-scan has no finding of the rule.
    let o = fix(dir.path(), &args);
    assert_eq!(o.status.code(), Some(0), "{rule}: {}", stdout(&o));
    let line = format!(
        "fixed app.py:{}: {rule} [{}]",
        f.line,
        applicability.as_str()
    );
    assert!(stdout(&o).contains(&line), "{rule}: {}", stdout(&o));
    assert_eq!(read(), expected, "{rule}");
    let left: Vec<_> = findings(dir.path())
        .into_iter()
        .filter(|f| f.rule == rule)
        .collect();
    assert!(left.is_empty(), "{rule}: still {left:?}");
    assert!(auditbench::python::is_valid_python(&expected), "{rule}");

    // Nothing more to do.
    let o = fix(dir.path(), &args);
    assert!(
        stdout(&o).starts_with("nothing to fix"),
        "{rule}: {}",
        stdout(&o)
    );
}

#[test]
fn each_safe_rule_diff_applies_and_rescans_clean() {
    for rule in SAFE {
        check_rule(rule, Applicability::Safe);
    }
}

const UNSAFE: [&str; 3] = ["ERR002", "ERR003", "RESIL002"];

#[test]
fn each_unsafe_rule_waits_for_the_flag_then_applies_and_rescans_clean() {
    for rule in UNSAFE {
        check_rule(rule, Applicability::Unsafe);
    }
}

#[test]
fn edits_are_in_the_json_output() {
    let (dir, _) = project_with("RESIL003");
    let o = Command::new(env!("CARGO_BIN_EXE_auditbench"))
        .args(["scan", "--no-db", "--format", "json", "--fail-on", "never"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = &v["findings"][0]["fix"];
    assert_eq!(f["applicability"], "safe");
    assert_eq!(f["edits"][0]["text"], ", timeout=10");
    assert!(f["edits"][0]["start"].as_u64().unwrap() > 0);
}

#[test]
fn unsafe_fixes_wait_for_the_flag() {
    let all = Selection {
        unsafe_fixes: true,
        rules: None,
    };
    let safe = Selection {
        unsafe_fixes: false,
        rules: None,
    };
    let mut f = findings(&repo().join("fixtures/fix/RESIL003.py"))
        .into_iter()
        .next()
        .unwrap();
    assert!(safe.wants(&f) && all.wants(&f));
    f.fix.as_mut().unwrap().applicability = Some(Applicability::Unsafe);
    assert!(!safe.wants(&f) && all.wants(&f));
    let only_err = Selection {
        unsafe_fixes: true,
        rules: Some(["ERR001".to_string()].into()),
    };
    assert!(!only_err.wants(&f));
}

fn plan_one(dir: &Path, tweak: impl Fn(&mut Vec<TextEdit>)) -> autofix::FileFix {
    let config = Config::default();
    let mut result = scan(ScanOptions {
        root: dir.to_path_buf(),
        config: config.clone(),
        progress: None,
    })
    .unwrap();
    for f in &mut result.findings {
        if let Some(fx) = &mut f.fix {
            tweak(&mut fx.edits);
        }
    }
    let sel = Selection {
        unsafe_fixes: true,
        rules: None,
    };
    let mut plans = autofix::plan(dir, &result, &config, &sel);
    assert_eq!(plans.len(), 1);
    plans.remove(0)
}

#[test]
fn a_file_changed_since_the_scan_is_not_fixed() {
    let (dir, before) = project_with("RESIL003");
    let config = Config::default();
    let result = scan(ScanOptions {
        root: dir.path().to_path_buf(),
        config: config.clone(),
        progress: None,
    })
    .unwrap();
    let edited = format!("{before}\n# edited after the scan\n");
    fs::write(dir.path().join("app.py"), &edited).unwrap();
    let sel = Selection {
        unsafe_fixes: false,
        rules: None,
    };
    let plans = autofix::plan(dir.path(), &result, &config, &sel);
    assert_eq!(plans[0].applied.len(), 0);
    assert_eq!(plans[0].refused.len(), 2);
    assert!(
        plans[0].refused[0]
            .reason
            .contains("changed since the scan"),
        "{:?}",
        plans[0].refused
    );
    // And between planning and writing.
    let (dir, _) = project_with("RESIL003");
    let p = plan_one(dir.path(), |_| {});
    assert!(p.changed());
    fs::write(dir.path().join("app.py"), "x = 1\n").unwrap();
    let e = autofix::write_checked(dir.path(), &p.path, &p.before, &p.after).unwrap_err();
    assert_eq!(e, autofix::WriteError::Changed);
    assert_eq!(
        fs::read_to_string(dir.path().join("app.py")).unwrap(),
        "x = 1\n"
    );
}

#[test]
fn a_fix_whose_result_does_not_parse_is_refused() {
    let (dir, before) = project_with("RESIL003");
    let p = plan_one(dir.path(), |edits| {
        for e in edits {
            e.text = ", timeout=((".into();
        }
    });
    assert!(p.applied.is_empty());
    assert_eq!(p.refused.len(), 2);
    assert!(
        p.refused
            .iter()
            .all(|r| r.reason.contains("does not parse")),
        "{:?}",
        p.refused
    );
    assert_eq!(p.after, before);
}

#[test]
fn a_fix_that_brings_a_new_finding_or_leaves_the_rule_firing_is_refused() {
    let (dir, before) = project_with("RESIL003");
    let len = before.len();
    let p = plan_one(dir.path(), |edits| {
        // The right edit, and a swallowed exception (ERR002) added at the end.
        edits.push(TextEdit {
            start: len,
            end: len,
            text: "\n\ndef g():\n    try:\n        g()\n    except Exception:\n        pass\n"
                .into(),
        });
    });
    assert!(p.applied.is_empty());
    assert!(
        p.refused
            .iter()
            .all(|r| r.reason.contains("brings a new finding: ERR002")),
        "{:?}",
        p.refused
    );
    assert_eq!(p.after, before);
    // A rule that still fires where the fix was: refused.
    let p = plan_one(dir.path(), |edits| {
        for e in edits {
            e.text = "".into();
        }
    });
    assert!(
        p.refused
            .iter()
            .all(|r| r.reason.contains("RESIL003 still fires")),
        "{:?}",
        p.refused
    );
}

#[test]
fn overlapping_edits_are_never_applied_together() {
    let (dir, _) = project_with("RESIL003");
    let config = Config::default();
    let mut result = scan(ScanOptions {
        root: dir.path().to_path_buf(),
        config: config.clone(),
        progress: None,
    })
    .unwrap();
    // A second fix whose edit overlaps the first one's.
    let mut other = result.findings[0].clone();
    other.fingerprint = "overlapping".into();
    let e = &mut other.fix.as_mut().unwrap().edits[0];
    e.start -= 3;
    e.text = "BROKEN".into();
    result.findings.push(other);
    let plans = autofix::plan(
        dir.path(),
        &result,
        &config,
        &Selection {
            unsafe_fixes: false,
            rules: None,
        },
    );
    assert_eq!(plans[0].applied.len(), 2, "{:?}", plans[0].refused);
    assert!(!plans[0].after.contains("BROKEN"));
    assert!(plans[0]
        .applied
        .iter()
        .all(|f| f.fingerprint != "overlapping"));
}

#[test]
fn the_database_records_who_applied_the_fix() {
    let (dir, _) = project_with("ERR001");
    let scan = Command::new(env!("CARGO_BIN_EXE_auditbench"))
        .args(["scan", "--fail-on", "never"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(scan.status.success());
    let o = Command::new(env!("CARGO_BIN_EXE_auditbench"))
        .args(["fix"])
        .env("AUDITBENCH_USER", "alice")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let store = auditbench::Store::open_existing(common::db_path(dir.path())).unwrap();
    let rows: Vec<(String, String, String)> = store
        .connection()
        .prepare(
            "SELECT e.actor, e.to_value, f.detection FROM events e JOIN findings f ON f.id = e.finding_id
             WHERE e.kind = 'fix_applied' ORDER BY e.id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    for (actor, applicability, detection) in rows {
        assert_eq!(
            (actor.as_str(), applicability.as_str(), detection.as_str()),
            ("alice", "safe", "fixed")
        );
    }
}

#[test]
fn fix_unsafe_on_the_demo_leaves_no_finding_of_the_fixable_rules() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("fixtures/demo-backend"), dir.path());
    let _ = fs::remove_dir_all(dir.path().join(".auditbench"));
    let before = findings(dir.path());
    let fixable: BTreeSet<String> = before
        .iter()
        .filter(|f| f.fix.as_ref().is_some_and(|x| !x.edits.is_empty()))
        .map(|f| f.rule.clone())
        .collect();
    for rule in SAFE.iter().chain(&UNSAFE) {
        assert!(fixable.contains(*rule), "{rule} has no edits on the demo");
    }
    let o = fix(dir.path(), &["--unsafe", "--no-db"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let after = findings(dir.path());
    let left: Vec<String> = after
        .iter()
        .filter(|f| fixable.contains(&f.rule))
        .map(|f| format!("{}:{} {}", f.path, f.line, f.rule))
        .collect();
    assert!(left.is_empty(), "left: {left:?}\n{}", stdout(&o));
    // Every fixed file still parses.
    for f in before.iter().filter(|f| fixable.contains(&f.rule)) {
        let text = fs::read_to_string(dir.path().join(&f.path)).unwrap();
        assert!(auditbench::python::is_valid_python(&text), "{}", f.path);
    }
    assert!(after.len() < before.len());
}

#[test]
fn nothing_is_written_outside_the_root_or_through_a_link() {
    let outside = tempfile::tempdir().unwrap();
    let (dir, before) = project_with("RESIL003");
    let target = outside.path().join("other.py");
    fs::write(&target, &before).unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join("link.py")).unwrap();
    for rel in ["link.py", "../other.py", "/etc/passwd"] {
        let e = autofix::write_checked(dir.path(), rel, &before, "x = 1\n").unwrap_err();
        assert!(
            matches!(e, autofix::WriteError::Confined(_)),
            "{rel}: {e:?}"
        );
    }
    assert_eq!(fs::read_to_string(&target).unwrap(), before);
}
