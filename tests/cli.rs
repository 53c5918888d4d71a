//! The `auditbench` binary: exit codes, output formats (JSON contract, SARIF
//! validated against the official 2.1.0 schema), and bad input.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod common;

const POSITIVE: &str = "class Session:\n    def __enter__(self):\n        return self\n";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_auditbench"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("runs")
}

fn scan_json(dir: &Path, extra: &[&str]) -> (Value, i32) {
    let mut args = vec![
        "scan",
        "--confidence",
        "low",
        dir.to_str().unwrap(),
        "--format",
        "json",
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let out = run(&args);
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("json: {e}\n{}", String::from_utf8_lossy(&out.stderr)));
    (v, out.status.code().unwrap())
}

fn warnings_of<'a>(v: &'a Value, kind: &str) -> Vec<&'a Value> {
    v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["kind"] == kind)
        .collect()
}

#[test]
fn json_contract_and_exit_codes() {
    let d = tempfile::tempdir().unwrap();
    fs::create_dir(d.path().join("pkg")).unwrap();
    fs::write(d.path().join("pkg/ctx.py"), POSITIVE).unwrap();
    let (v, code) = scan_json(d.path(), &[]);
    assert_eq!(code, 1, "a medium finding fails the default --fail-on low");
    assert_eq!(v["version"], 1);
    assert_eq!(v["files_scanned"], 1);
    assert_eq!(v["lines_scanned"], 3);
    for key in ["root", "duration_ms", "warnings", "findings"] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let f = &v["findings"][0];
    assert_eq!(f["rule"], "RES007");
    assert_eq!(f["name"], "incomplete-context-manager");
    assert_eq!(f["kind"], "finding");
    assert_eq!(f["severity"], "medium");
    assert_eq!(f["path"], "pkg/ctx.py");
    assert_eq!(f["line"], 2);
    assert_eq!(f["status"], "open");
    assert_eq!(f["fingerprint"].as_str().unwrap().len(), 32);
    assert!(f["fix"]["before"].as_str().unwrap().contains("__enter__"));
    assert!(f["fix"]["after"].as_str().unwrap().contains("__exit__"));
    assert!(f["related"].is_array());
    for key in ["end_line", "column", "end_column", "message"] {
        assert!(f.get(key).is_some(), "missing {key}");
    }
    let (_, code) = scan_json(d.path(), &["--fail-on", "high"]);
    assert_eq!(code, 0, "medium is below --fail-on high");
    let (v, code) = scan_json(d.path(), &["--ignore", "RES"]);
    assert_eq!((v["findings"].as_array().unwrap().len(), code), (0, 0));
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        d.path().to_str().unwrap(),
        "--select",
        "NOPE999",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown rule"));
}

#[test]
fn text_output_and_output_file() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("ctx.py"), POSITIVE).unwrap();
    let out = run(&["scan", "--confidence", "low", d.path().to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("ctx.py:2:"), "{text}");
    assert!(text.contains("RES007 [medium]"));
    assert!(text.contains("1 open finding(s)"));
    let target = d.path().join("out.json");
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        d.path().to_str().unwrap(),
        "--format",
        "json",
        "-o",
        target.to_str().unwrap(),
    ]);
    assert!(out.stdout.is_empty());
    let v: Value = serde_json::from_str(&fs::read_to_string(target).unwrap()).unwrap();
    assert_eq!(v["findings"][0]["rule"], "RES007");
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("ctx.py"), POSITIVE).unwrap();
    fs::write(d.path().join("quiet.py"), "class Quiet:\n    def __enter__(self):  # auditbench: ignore[RES007] -- owned by the framework\n        return self\n").unwrap();
    fs::write(d.path().join("name with space.py"), POSITIVE).unwrap();
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        d.path().to_str().unwrap(),
        "--format",
        "sarif",
    ]);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    common::validate_sarif(&sarif);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert!(results
        .iter()
        .all(|r| r["partialFingerprints"]["auditbench/v1"].is_string()));
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(
        suppressed[0]["suppressions"][0]["justification"],
        "owned by the framework"
    );
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules
        .iter()
        .all(|r| r["help"]["text"].as_str().is_some_and(|t| !t.is_empty())));
    assert!(results.iter().any(
        |r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            == "name%20with%20space.py"
    ));
}

#[test]
fn rules_and_rule_docs() {
    let out = run(&["rules"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("RES007    incomplete-context-manager"));
    let out = run(&["rule", "res007"]);
    let doc = String::from_utf8_lossy(&out.stdout);
    assert!(doc.contains("## What it does") && doc.contains("## Use instead"));
    let out = run(&["rule", "XYZ"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn missing_path_is_a_clear_error() {
    let out = run(&["scan", "--confidence", "low", "/definitely/not/here"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("path does not exist: /definitely/not/here")
    );
}

#[test]
fn empty_repository_scans_cleanly() {
    let d = tempfile::tempdir().unwrap();
    let (v, code) = scan_json(d.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(v["files_scanned"], 0);
    assert!(v["findings"].as_array().unwrap().is_empty());
}

#[test]
fn bad_files_get_warnings_and_the_rest_is_analysed() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    // not UTF-8: a latin-1 byte in a comment; the finding below it must still be found
    let mut latin = b"# caf\xe9\n".to_vec();
    latin.extend_from_slice(POSITIVE.as_bytes());
    fs::write(p.join("latin.py"), latin).unwrap();
    // syntax error before a finding
    fs::write(
        p.join("broken.py"),
        format!("def broken(:\n    pass\n\n{POSITIVE}"),
    )
    .unwrap();
    // binary named .py
    fs::write(p.join("blob.py"), [0x7f, b'E', b'L', b'F', 0, 0, 1, 2]).unwrap();
    // over the size limit (set to 100 kB in the configuration)
    fs::write(p.join(".auditbench.toml"), "max-file-size = 100000\n").unwrap();
    fs::write(
        p.join("huge.py"),
        format!("{POSITIVE}{}", "x = 1\n".repeat(20000)),
    )
    .unwrap();
    // a symlink loop and a dangling symlink
    fs::create_dir(p.join("pkg")).unwrap();
    std::os::unix::fs::symlink("..", p.join("pkg/loop")).unwrap();
    std::os::unix::fs::symlink("missing.py", p.join("dangling.py")).unwrap();
    // a deeply nested expression
    fs::write(
        p.join("deep.py"),
        format!(
            "x = {}1{}\n{POSITIVE}",
            "(".repeat(20000),
            ")".repeat(20000)
        ),
    )
    .unwrap();

    let (v, _) = scan_json(p, &[]);
    let paths: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"latin.py") && paths.contains(&"broken.py") && paths.contains(&"deep.py"),
        "{paths:?}"
    );
    assert!(!paths.contains(&"huge.py") && !paths.contains(&"blob.py"));
    assert_eq!(warnings_of(&v, "not-utf8")[0]["path"], "latin.py");
    assert!(warnings_of(&v, "not-utf8")[0]["message"]
        .as_str()
        .unwrap()
        .contains("line 1"));
    assert_eq!(warnings_of(&v, "syntax-error")[0]["path"], "broken.py");
    assert_eq!(warnings_of(&v, "binary")[0]["path"], "blob.py");
    assert_eq!(warnings_of(&v, "too-large")[0]["path"], "huge.py");
    assert_eq!(warnings_of(&v, "too-deep")[0]["path"], "deep.py");
    let walk: Vec<String> = warnings_of(&v, "walk")
        .iter()
        .map(|w| w["message"].as_str().unwrap().to_string())
        .collect();
    assert!(walk.iter().any(|m| m.contains("symlink loop")), "{walk:?}");
    assert!(
        walk.iter()
            .any(|m| m.contains("missing.py") || m.contains("No such file")),
        "{walk:?}"
    );
}

#[test]
fn unreadable_file_is_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("secret.py");
    fs::write(&f, POSITIVE).unwrap();
    fs::set_permissions(&f, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&f).is_ok() {
        // Running as root: permissions do not stop reads. Use a file that is
        // removed after discovery instead: a path whose read fails the same way.
        let result = auditbench::scan::scan_file(
            d.path(),
            &d.path().join("vanished.py"),
            &auditbench::Config::default(),
            &auditbench::scan::Prior::default(),
        );
        assert_eq!(result.warnings[0].kind, "unreadable");
        assert!(result.warnings[0].message.contains("cannot read file"));
        return;
    }
    let (v, _) = scan_json(d.path(), &[]);
    assert_eq!(warnings_of(&v, "unreadable")[0]["path"], "secret.py");
}

#[test]
fn configuration_errors_are_clear() {
    let d = tempfile::tempdir().unwrap();
    fs::write(
        d.path().join("pyproject.toml"),
        "[tool.auditbench]\nselct = [\"MEM\"]\n",
    )
    .unwrap();
    let out = run(&["scan", "--confidence", "low", d.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("unknown field `selct`"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    fs::write(
        d.path().join("pyproject.toml"),
        "[tool.auditbench]\nignore = [\"RES999\"]\n",
    )
    .unwrap();
    let out = run(&["scan", "--confidence", "low", d.path().to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown rule `RES999`"));
    fs::write(
        d.path().join("pyproject.toml"),
        "[tool.auditbench]\nseverity = { RES007 = \"critical\" }\n",
    )
    .unwrap();
    fs::write(d.path().join("ctx.py"), POSITIVE).unwrap();
    let (v, _) = scan_json(d.path(), &[]);
    assert_eq!(v["findings"][0]["severity"], "critical");
}

#[test]
fn suppression_is_kept_with_its_reason() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("ctx.py"), "class Session:\n    # auditbench: ignore[RES007] -- exit handled by the pool\n    def __enter__(self):\n        return self\n").unwrap();
    let (v, code) = scan_json(d.path(), &[]);
    assert_eq!(code, 0, "suppressed findings do not fail the run");
    assert_eq!(v["findings"][0]["status"], "suppressed");
    assert_eq!(v["findings"][0]["suppression"], "exit handled by the pool");
}

/// A repository that ships `.auditbench` as a symlink out of the project must not
/// make the scan write its database there.
#[test]
fn database_folder_symlinked_out_of_the_project_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("repo");
    let outside = dir.path().join("elsewhere");
    fs::create_dir_all(&project).unwrap();
    fs::create_dir_all(&outside).unwrap();
    fs::write(project.join("app.py"), POSITIVE).unwrap();
    std::os::unix::fs::symlink(&outside, project.join(".auditbench")).unwrap();
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        project.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("symlink leading out of the project"), "{err}");
    assert_eq!(
        fs::read_dir(&outside).unwrap().count(),
        0,
        "nothing written outside"
    );
    // With --db the user chooses, and the scan works.
    let db = dir.path().join("chosen.db");
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        project.to_str().unwrap(),
        "--quiet",
        "--db",
        db.to_str().unwrap(),
    ]);
    assert!(db.exists(), "{}", String::from_utf8_lossy(&out.stderr));
}
