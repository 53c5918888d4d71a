//! The report's generated tests run (issue 29, "tests that run"): on a copy of
//! the demo project, the runnable pytest module of the report's testing
//! recommendations is written and run in a virtualenv holding the demo's
//! dependencies; every test must fail on the hazardous code, and pass once
//! the recommended fixes of the findings it covers are applied (the report's
//! fix snippets, pasted as a person would; ASYNC002's through `auditbench fix`,
//! which places its task registry at module level as the snippet says).
//!
//! It needs `python3 -m venv` and PyPI, so plain `cargo test` skips it;
//! `scripts/test` runs it (`cargo test --test generated_pytests -- --ignored`).
//! The virtualenv is kept in the target folder and rebuilt when the demo's
//! dependencies change; every pytest run is bounded by `timeout`.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use auditbench::finding::Confidence;
use auditbench::report::test_recommendations::{runnable, RUNNABLE_RULES};
use auditbench::report::{self, ReportOptions};
use auditbench::store::{Store, SyncOptions, SyncScope, Trigger};
use auditbench::{Config, ScanOptions};
use common::{apply_fix, copy_dir};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `timeout SECS program args...`, its output; panics with it on failure.
fn run(secs: u32, program: &Path, args: &[&str], cwd: &Path) -> (bool, String) {
    let out = Command::new("timeout")
        .arg(secs.to_string())
        .arg(program)
        .args(args)
        .current_dir(cwd)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_ne!(
        out.status.code(),
        Some(124),
        "{} timed out after {secs} s:\n{text}",
        program.display()
    );
    (out.status.success(), text)
}

/// The demo's dependencies (`[project] dependencies` of its pyproject) and pytest.
fn requirements() -> Vec<String> {
    let text = fs::read_to_string(repo().join("fixtures/demo-backend/pyproject.toml")).unwrap();
    let v: toml::Value = toml::from_str(&text).unwrap();
    let mut reqs: Vec<String> = v["project"]["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap().to_string())
        .collect();
    reqs.push("pytest>=8".into());
    reqs
}

/// The virtualenv's python, created (or rebuilt when the requirements moved).
fn venv() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pytest-venv");
    let python = dir.join("bin/python");
    let stamp = dir.join("requirements.txt");
    let reqs = requirements().join("\n") + "\n";
    if python.exists() && fs::read_to_string(&stamp).ok().as_deref() == Some(reqs.as_str()) {
        return python;
    }
    let _ = fs::remove_dir_all(&dir);
    let (ok, out) = run(
        120,
        Path::new("python3"),
        &["-m", "venv", dir.to_str().unwrap()],
        &repo(),
    );
    assert!(
        ok,
        "python3 -m venv failed (scripts/install-deps installs python3-venv):\n{out}"
    );
    let tmp_reqs = dir.join("requirements.in");
    fs::write(&tmp_reqs, &reqs).unwrap();
    let (ok, out) = run(
        600,
        &python,
        &[
            "-m",
            "pip",
            "install",
            "--quiet",
            "-r",
            tmp_reqs.to_str().unwrap(),
        ],
        &repo(),
    );
    assert!(ok, "pip install of the demo's dependencies failed:\n{out}");
    fs::write(&stamp, &reqs).unwrap();
    python
}

/// Runs the generated module; the outcome of each test by name.
fn pytest(python: &Path, root: &Path) -> (BTreeMap<String, String>, String) {
    let (_, out) = run(
        180,
        python,
        &[
            "-m",
            "pytest",
            "-rA",
            "-p",
            "no:cacheprovider",
            "tests/test_audit_hazards.py",
        ],
        root,
    );
    let mut outcomes = BTreeMap::new();
    for line in out.lines() {
        for kind in ["PASSED", "FAILED", "ERROR"] {
            if let Some(rest) = line.strip_prefix(&format!("{kind} ")) {
                let test = rest.split(" - ").next().unwrap();
                let name = test.rsplit("::").next().unwrap().to_string();
                outcomes.insert(name, kind.to_string());
            }
        }
    }
    (outcomes, out)
}

#[test]
#[ignore = "needs python3-venv and PyPI: scripts/test runs it with --ignored"]
fn generated_tests_fail_on_the_hazards_and_pass_once_fixed() {
    let python = venv();
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("demo-backend");
    copy_dir(&repo().join("fixtures/demo-backend"), &root);
    let _ = fs::remove_dir_all(root.join(".auditbench"));

    let mut store = Store::open(d.path().join("audit.db")).unwrap();
    let result = auditbench::scan::scan_with(
        ScanOptions {
            root: root.clone(),
            config: Config::load(&root).unwrap(),
            progress: None,
        },
        &auditbench::scan::Prior::keep_all_text(),
    )
    .unwrap();
    store
        .sync(&result, &SyncOptions::new(SyncScope::Full, Trigger::Test))
        .unwrap();
    let report = report::gather(
        &store,
        &ReportOptions {
            confidence: Confidence::Low,
            date: Some("2026-01-20".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let rec = runnable(&report).expect("the demo has hazards the generator writes tests for");
    let covered: Vec<&report::Item> = report
        .findings
        .iter()
        .filter(|f| rec.covers.contains(&f.number) && RUNNABLE_RULES.contains(&f.rule.as_str()))
        .collect();
    let mut rules: Vec<&str> = covered.iter().map(|f| f.rule.as_str()).collect();
    rules.sort();
    rules.dedup();
    let mut every: Vec<&str> = RUNNABLE_RULES.to_vec();
    every.sort();
    assert_eq!(rules, every, "a test for every rule the generator knows");
    fs::create_dir_all(root.join("tests")).unwrap();
    fs::write(root.join("tests/test_audit_hazards.py"), &rec.code).unwrap();

    // On the hazardous code: every test fails (an assertion, not an error).
    let (before, out) = pytest(&python, &root);
    eprintln!("on the hazardous code: {before:?}");
    assert!(before.len() >= RUNNABLE_RULES.len(), "{out}");
    for (name, outcome) in &before {
        assert_eq!(
            outcome, "FAILED",
            "{name} must fail on the hazardous code:\n{out}"
        );
    }
    assert!(!out.contains("ERROR "), "{out}");

    // The recommended fixes.
    for f in &covered {
        if f.rule == "ASYNC002" {
            continue;
        }
        let (before_code, after_code) = (
            f.code.as_ref().unwrap(),
            f.recommended_fix.as_ref().unwrap(),
        );
        let file = root.join(&f.path);
        let text = fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let (fixed, _, _) =
            apply_fix(&lines, before_code, after_code, f.line).unwrap_or_else(|| {
                panic!(
                    "{} {}: the fix's before code is not in the file",
                    f.rule, f.path
                )
            });
        fs::write(&file, fixed).unwrap();
    }
    let fix = assert_cmd::Command::cargo_bin("auditbench")
        .unwrap()
        .args(["fix", root.to_str().unwrap(), "--select", "ASYNC002"])
        .output()
        .unwrap();
    assert!(
        fix.status.success(),
        "{}",
        String::from_utf8_lossy(&fix.stderr)
    );

    // Fixed: every test passes.
    let (after, out) = pytest(&python, &root);
    eprintln!("once fixed: {after:?}");
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>(),
        "{out}"
    );
    for (name, outcome) in &after {
        assert_eq!(
            outcome, "PASSED",
            "{name} must pass once the fix is applied:\n{out}"
        );
    }
}
