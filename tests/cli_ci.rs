//! CI adoption: the baseline of a legacy project, `--fail-on never`, the CI
//! formats (GitHub annotations, GitLab Code Quality, JUnit, JSON Lines),
//! several outputs from one run, and SARIF ready for GitHub code scanning.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::validate_sarif;

const RES007: &str = "class Session:\n    def __enter__(self):\n        return self\n";
const MEM001: &str = "CACHE = {}\n\n\ndef put(k, v):\n    CACHE[k] = v\n";

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_auditbench"))
        .args(args)
        .output()
        .expect("runs")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn demo() -> String {
    format!("{}/fixtures/demo-backend", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_baseline_hides_and_ungates_the_findings_it_holds() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    fs::write(root.join("ctx.py"), RES007).unwrap();
    let baseline = root.join("baseline.json");
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        s(root),
        "--no-db",
        "--write-baseline",
        s(&baseline),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "writing a baseline accepts everything"
    );
    let file: Value = serde_json::from_str(&fs::read_to_string(&baseline).unwrap()).unwrap();
    assert_eq!(file["version"], 1);
    assert_eq!(file["findings"][0]["rule"], "RES007");
    // Lines inserted above the finding keep it baselined (fingerprint).
    fs::write(root.join("ctx.py"), format!("import os\n\n\n{RES007}")).unwrap();
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        s(root),
        "--no-db",
        "--baseline",
        s(&baseline),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("No open findings."),
        "{}",
        stdout(&out)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 finding(s) accepted by the baseline"));
    // A new finding is reported and gates.
    fs::write(root.join("mem.py"), MEM001).unwrap();
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        s(root),
        "--no-db",
        "--baseline",
        s(&baseline),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["MEM001"]);
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        s(root),
        "--no-db",
        "--fail-on",
        "never",
    ]);
    assert_eq!(out.status.code(), Some(0), "--fail-on never only reports");
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        s(root),
        "--no-db",
        "--baseline",
        s(&root.join("nope.json")),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        s(root),
        "--no-db",
        "--fail-on",
        "sometimes",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("or never"));
}

#[test]
fn github_gitlab_junit_and_json_lines_formats() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    fs::write(root.join("ctx.py"), RES007).unwrap();
    fs::write(root.join("mem, 50%.py"), MEM001).unwrap();
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        s(root),
        "--no-db",
        "--format",
        "github",
    ]);
    let text = stdout(&out);
    assert!(text.contains(
        "::warning file=ctx.py,line=2,endLine=2,col=9,endColumn=18,title=RES007 incomplete-context-manager [medium]::`Session` defines"
    ), "{text}");
    assert!(
        text.contains("::error file=mem%2C 50%25.py,line=1,"),
        "{text}"
    );

    let out = run(&[
        "scan",
        "--confidence",
        "low",
        s(root),
        "--no-db",
        "--format",
        "gitlab",
    ]);
    let issues: Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &issues.as_array().unwrap()[0];
    assert_eq!(first["check_name"], "RES007");
    assert_eq!(first["severity"], "major");
    assert_eq!(first["location"]["path"], "ctx.py");
    assert_eq!(first["location"]["lines"]["begin"], 2);
    assert_eq!(first["fingerprint"].as_str().unwrap().len(), 32);

    let out = run(&[
        "scan",
        "--confidence",
        "low",
        s(root),
        "--no-db",
        "--format",
        "junit",
    ]);
    let xml = stdout(&out);
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(xml.contains("tests=\"2\" failures=\"2\""), "{xml}");
    assert!(xml.contains("<failure type=\"RES007\""), "{xml}");

    let out = run(&[
        "scan",
        "--confidence",
        "low",
        s(root),
        "--no-db",
        "--format",
        "json-lines",
    ]);
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|f| f["fingerprint"].is_string()));

    let clean = tempfile::tempdir().unwrap();
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        s(clean.path()),
        "--no-db",
        "--format",
        "junit",
    ]);
    assert!(stdout(&out).contains("tests=\"1\" failures=\"0\""));
}

#[test]
fn several_outputs_from_one_run() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("proj");
    fs::create_dir(&root).unwrap();
    fs::write(root.join("ctx.py"), RES007).unwrap();
    let sarif = d.path().join("out.sarif");
    let junit = d.path().join("junit.xml");
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        s(&root),
        "--output-format",
        &format!("sarif={}", s(&sarif)),
        "--output-format",
        &format!("junit={}", s(&junit)),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("ctx.py:2:9: RES007"),
        "text on stdout"
    );
    let v: Value = serde_json::from_str(&fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(v["runs"][0]["results"].as_array().unwrap().len(), 1);
    assert!(fs::read_to_string(&junit).unwrap().contains("RES007"));
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        s(&root),
        "--output-format",
        "pdf=x.pdf",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown format `pdf`"));
}

#[test]
fn sarif_is_ready_for_github_code_scanning() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("broken.py"), "def broken(:\n    pass\n").unwrap();
    fs::write(d.path().join("ctx.py"), RES007).unwrap();
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        s(d.path()),
        "--no-db",
        "--format",
        "sarif",
    ]);
    let text = stdout(&out);
    let sarif: Value = serde_json::from_str(&text).unwrap();
    validate_sarif(&sarif);
    assert!(
        !text.contains("file://"),
        "no absolute path of the scanning machine"
    );
    let run0 = &sarif["runs"][0];
    assert!(run0["originalUriBaseIds"]["%SRCROOT%"].is_object());
    assert_eq!(run0["tool"]["driver"]["name"], "auditbench");
    assert_eq!(run0["automationDetails"]["id"], "auditbench/");
    let notes = run0["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(
        notes.iter().any(
            |n| n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.py"
        ),
        "{notes:?}"
    );
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let res001 = rules.iter().find(|r| r["id"] == "RES001").unwrap();
    assert_eq!(res001["properties"]["security-severity"], "9.5");
    let good = rules.iter().find(|r| r["id"] == "GOOD001").unwrap();
    assert!(good["properties"].get("security-severity").is_none());

    // The demo holds every strength: left out unless asked for.
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        &demo(),
        "--no-db",
        "--format",
        "sarif",
    ]);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    validate_sarif(&sarif);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().all(|r| r["kind"] == "fail"));
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        &demo(),
        "--no-db",
        "--format",
        "sarif",
        "--sarif-strengths",
    ]);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    validate_sarif(&sarif);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["kind"] == "pass"));
}

#[test]
fn statistics_count_open_findings_per_rule() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    fs::write(root.join("a.py"), RES007).unwrap();
    fs::write(
        root.join("b.py"),
        "class Other:\n    def __enter__(self):\n        return self\n",
    )
    .unwrap();
    fs::write(root.join("c.py"), MEM001).unwrap();
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        s(root),
        "--no-db",
        "--statistics",
        "--fail-on",
        "never",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "2\tRES007\tincomplete-context-manager", "{text}");
    assert!(lines[1].starts_with("1\tMEM001\t"), "{text}");
    assert_eq!(lines.last().unwrap(), &"3 open finding(s) of 2 rule(s)");
    // The gate still applies.
    let gated = run(&[
        "scan",
        "--confidence",
        "low",
        s(root),
        "--no-db",
        "--statistics",
    ]);
    assert_eq!(gated.status.code(), Some(1));
    let bad = run(&[
        "scan",
        "--confidence",
        "low",
        s(root),
        "--no-db",
        "--statistics",
        "--format",
        "json",
    ]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn the_full_format_shows_each_fix_as_a_diff() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    fs::write(root.join("a.py"), RES007).unwrap();
    let out = run(&[
        "scan",
        "--confidence",
        "low",
        s(root),
        "--no-db",
        "--format",
        "full",
        "--fail-on",
        "never",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("a.py:2:9: RES007 [medium]"), "{text}");
    assert!(text.contains("    --- code\n    +++ fix\n"), "{text}");
    assert!(
        text.contains("    +def __exit__(self, exc_type, exc, tb):"),
        "{text}"
    );
}
