//! Issue 28's bugs of the command line, each pinned by a test: closed pipes,
//! partial rule runs, the gate and triage, `add`, paths and databases, the
//! suppression directive, control characters in file names.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const RES007: &str = "class Session:\n    def __enter__(self):\n        return self\n";
const MEM001: &str = "CACHE = {}\n\n\ndef put(k, v):\n    CACHE[k] = v\n";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_auditbench"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("runs")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A project with a medium RES007 (ctx.py) and a low MEM001 (mem.py).
fn project() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("ctx.py"), RES007).unwrap();
    fs::write(d.path().join("mem.py"), MEM001).unwrap();
    d
}

fn findings_json(root: &Path, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["findings", "--project", s(root), "--format", "json"];
    args.extend_from_slice(extra);
    let out = run(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn scans_recorded(root: &Path) -> i64 {
    let store = auditbench::store::Store::open_existing(root.join(".auditbench/audit.db")).unwrap();
    store
        .connection()
        .query_row("SELECT count(*) FROM scans", [], |r| r.get(0))
        .unwrap()
}

/// Runs the binary with its standard output closed before it writes.
fn with_closed_stdout(args: &[&str]) -> Output {
    let mut child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_pipe_is_a_quiet_exit_and_the_scan_is_still_recorded() {
    let d = project();
    let out = with_closed_stdout(&["scan", "--confidence", "low", s(d.path())]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the gate's code, not 2 or 101: {err}"
    );
    assert!(err.is_empty(), "quiet: {err}");
    assert_eq!(scans_recorded(d.path()), 1, "the scan is recorded");
    for args in [
        vec!["findings", "--project", s(d.path())],
        vec!["report", s(d.path())],
        vec!["rules"],
    ] {
        let out = with_closed_stdout(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: {err}");
    }
}

#[test]
fn a_partial_rule_run_leaves_the_other_rules_findings_untouched() {
    let d = project();
    run(&["scan", "--confidence", "low", s(d.path()), "--quiet"]);
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        s(d.path()),
        "--select",
        "RES007",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("0 removed"), "{text}");
    let all = findings_json(d.path(), &["--all"]);
    let mem = all.iter().find(|f| f["rule"] == "MEM001").unwrap();
    assert_eq!(mem["detection"], "open", "{all:?}");
    let out = run(&["scan", "--confidence", "low", s(d.path())]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(": 0 new, 0 fixed"),
        "nothing new after the partial run: {text}"
    );
    // Turned off in the configuration, a rule's findings are removed.
    fs::write(d.path().join(".auditbench.toml"), "ignore = [\"MEM001\"]\n").unwrap();
    let out = run(&["scan", "--confidence", "low", s(d.path())]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 removed"));
}

#[test]
fn the_gate_honours_triage_unless_asked_not_to() {
    let d = project();
    fs::remove_file(d.path().join("mem.py")).unwrap();
    let out = run(&["scan", "--confidence", "low", s(d.path()), "--quiet"]);
    assert_eq!(out.status.code(), Some(1));
    let id = findings_json(d.path(), &[])[0]["id"].to_string();
    for status in ["false_positive", "accepted_risk", "wont_fix"] {
        let out = run(&[
            "triage",
            "--project",
            s(d.path()),
            &id,
            "--status",
            status,
            "--note",
            "bounded",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = run(&["scan", "--confidence", "low", s(d.path()), "--quiet"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{status} does not fail the gate"
        );
        let out = run(&[
            "scan",
            "--confidence",
            "low",
            s(d.path()),
            "--quiet",
            "--fail-on-triaged",
        ]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "--fail-on-triaged counts {status}"
        );
    }
    run(&[
        "triage",
        "--project",
        s(d.path()),
        &id,
        "--status",
        "confirmed",
    ]);
    assert_eq!(
        run(&["scan", "--confidence", "low", s(d.path()), "--quiet"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn add_refuses_places_that_are_not_in_the_project() {
    let d = project();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.txt"), "password = hunter2\n").unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), d.path().join("link.py"))
        .unwrap();
    let add = |path: &str, line: &str| {
        run(&[
            "add",
            "--project",
            s(d.path()),
            "--path",
            path,
            "--line",
            line,
            "--title",
            "t",
        ])
    };
    let abs_outside = outside.path().join("secret.txt");
    for (path, line, says) in [
        ("nope.py", "1", "does not exist"),
        ("ctx.py", "99", "line 99 is not in `ctx.py` (3 line(s))"),
        ("ctx.py", "0", "line 0 is not in"),
        ("../secret.txt", "1", "without `..`"),
        (s(&abs_outside), "1", "not a path inside the project"),
        ("link.py", "1", "leads outside the project"),
        (".", "1", "is not a file"),
    ] {
        let out = add(path, line);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{path}:{line}: {err}");
        assert!(err.contains(says), "{path}:{line}: {err}");
    }
    let out = add("ctx.py", "2");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // An absolute path inside the project is the project's relative path.
    let abs = d.path().canonicalize().unwrap().join("mem.py");
    let out = add(s(&abs), "1");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let manual: Vec<Value> = findings_json(d.path(), &["--rule", "MANUAL"]);
    let paths: Vec<&str> = manual.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["ctx.py", "mem.py"]);
}

#[test]
fn a_missing_database_folder_or_project_is_an_error() {
    let d = project();
    let missing = d.path().join("no/such/dir/x.db");
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        s(d.path()),
        "--db",
        s(&missing),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
    assert!(!d.path().join("no").exists(), "no folder created");
    let out = run(&["findings", "--project", s(d.path()), "--db", s(&missing)]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["report", s(&d.path().join("nope"))]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("path does not exist"), "{err}");
    assert!(!err.contains("run `auditbench scan` first"), "{err}");
}

#[test]
fn findings_takes_absolute_paths_and_sorts_its_footer_by_severity() {
    let d = project();
    run(&["scan", "--confidence", "low", s(d.path()), "--quiet"]);
    let abs = d.path().canonicalize().unwrap().join("ctx.py");
    let list = findings_json(d.path(), &["--path", s(&abs)]);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["path"], "ctx.py");
    let out = run(&["findings", "--project", s(d.path())]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.ends_with("2 finding(s): 1 high, 1 medium\n"), "{text}");
}

#[test]
fn the_ignore_directive_is_a_whole_word() {
    let d = tempfile::tempdir().unwrap();
    fs::write(
        d.path().join("ctx.py"),
        "class Session:\n    def __enter__(self):  # auditbench: ignored for now\n        return self\n",
    )
    .unwrap();
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        s(d.path()),
        "--no-db",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["status"], "open");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn control_characters_in_file_names_are_escaped_on_the_terminal() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("evil\u{1b}[2Jname.py"), RES007).unwrap();
    let out = run(&["scan", "--confidence", "low", s(d.path())]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(text.contains("evil\\u{1b}[2Jname.py:2:9: RES007"), "{text}");
    let out = run(&["findings", "--project", s(d.path())]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains('\u{1b}') && text.contains("evil\\u{1b}"),
        "{text:?}"
    );
}

#[test]
fn suppression_hygiene_and_file_level_suppressions() {
    let d = tempfile::tempdir().unwrap();
    fs::write(
        d.path().join("a.py"),
        "import os  # auditbench: ignore[RES007] -- nothing here\n\nclass Session:  # auditbench: ignore[RES07]\n    def __enter__(self):\n        return self\n",
    )
    .unwrap();
    fs::write(
        d.path().join("gen.py"),
        "# auditbench: ignore-file[RES007] -- generated\nclass S:\n    def __enter__(self):\n        return self\n",
    )
    .unwrap();
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        s(d.path()),
        "--no-db",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let warnings: Vec<(String, String)> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["kind"].as_str().unwrap().into(),
                w["message"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert_eq!(warnings[0].0, "unused-suppression");
    assert!(warnings[0].1.starts_with("line 1:"), "{warnings:?}");
    assert_eq!(warnings[1].0, "unknown-rule");
    assert!(
        warnings[1].1.contains("did you mean `RES007`?"),
        "{warnings:?}"
    );
    let gen: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == "gen.py")
        .collect();
    assert_eq!(gen[0]["status"], "suppressed");
    assert_eq!(gen[0]["suppression"], "generated");
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        s(d.path()),
        "--select",
        "RES07",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `RES007`?"));
}

#[test]
fn a_new_database_folder_keeps_itself_out_of_git() {
    let d = project();
    run(&["scan", "--confidence", "low", s(d.path()), "--quiet"]);
    let ignore = fs::read_to_string(d.path().join(".auditbench/.gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "*"), "{ignore}");
}

#[test]
fn colour_only_when_the_terminal_wants_it() {
    let d = project();
    let out = run(&["scan", "--confidence", "low", s(d.path()), "--no-db"]);
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains('\u{1b}'),
        "plain in a pipe"
    );
    let out = bin()
        .args(["scan", "--confidence", "low", s(d.path()), "--no-db"])
        .env("CLICOLOR_FORCE", "1")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("RES007 [\u{1b}[33mmedium\u{1b}[0m]"),
        "{text:?}"
    );
    let out = bin()
        .args([
            "scan",
            "--confidence",
            "low",
            s(d.path()),
            "--no-db",
            "-o",
            s(&d.path().join("out.txt")),
        ])
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(out.status.code() == Some(1));
    assert!(!fs::read_to_string(d.path().join("out.txt"))
        .unwrap()
        .contains('\u{1b}'));
}

#[test]
fn shell_completions() {
    for shell in ["bash", "zsh", "fish"] {
        let out = run(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(
            script.contains("auditbench") && script.contains("write-baseline"),
            "{shell}"
        );
    }
}
