//! Confidence from the project model (issue 24, item 8): the same pattern is
//! judged by where it runs. A client built per call in a helper that a route
//! reaches is high, with the route -> helper path as evidence; the same code
//! reached only from a script's `__main__` is low; unreached code keeps the
//! rule's base. The default CLI suite shows high only, `--confidence` and the
//! configuration widen it, the database keeps every finding with its
//! judgement, and an edit in another file changes the judgement.

mod common;

use std::path::Path;

use assert_cmd::Command;
use auditbench::finding::{Confidence, Finding};
use common::{scan_dir, write};

const HELPER: &str = "import requests\n\n\nclass RatesClient:\n    def fetch(self, url):\n        session = requests.Session()\n        resp = session.get(url, timeout=5)\n        session.close()\n        return resp.text\n\n\ndef fetch(url):\n    client = RatesClient()\n    return client.fetch(url)\n";

fn project(root: &Path) {
    write(root, "pyproject.toml", "[project]\nname = \"shop\"\n");
    write(root, "app/__init__.py", "");
    write(root, "app/clients.py", HELPER);
    write(
        root,
        "app/main.py",
        "from fastapi import FastAPI\n\nfrom app.clients import fetch\n\napp = FastAPI()\n\n\n@app.get(\"/rates\")\ndef rates():\n    return fetch(\"https://rates.example\")\n",
    );
    write(root, "tools/__init__.py", "");
    write(root, "tools/clients.py", HELPER);
    write(
        root,
        "tools/export.py",
        "from tools.clients import fetch\n\n\ndef main():\n    print(fetch(\"https://rates.example\"))\n\n\nif __name__ == \"__main__\":\n    main()\n",
    );
    write(root, "lib/__init__.py", "");
    write(root, "lib/clients.py", HELPER);
}

fn res002<'a>(findings: &'a [Finding], path: &str) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.rule == "RES002" && f.path == path)
        .unwrap_or_else(|| panic!("no RES002 in {path}: {findings:#?}"))
}

#[test]
fn the_same_pattern_is_judged_by_where_it_runs() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root);
    let result = scan_dir(root);
    let served = res002(&result.findings, "app/clients.py");
    assert_eq!(served.confidence, Confidence::High, "{served:#?}");
    let steps: Vec<String> = served
        .evidence
        .iter()
        .map(|e| format!("{}:{} {}", e.path, e.line, e.message))
        .collect();
    assert!(
        steps[0].starts_with("app/main.py:") && steps[0].contains("@app.get"),
        "{steps:#?}"
    );
    assert!(steps.iter().any(|s| s.contains("fetch")), "{steps:#?}");
    let script = res002(&result.findings, "tools/clients.py");
    assert_eq!(script.confidence, Confidence::Low, "{script:#?}");
    assert!(
        script.evidence.iter().any(|e| e.path == "tools/export.py"),
        "{script:#?}"
    );
    let unreached = res002(&result.findings, "lib/clients.py");
    assert_eq!(
        unreached.confidence,
        auditbench::rules::confidence::base("RES002", unreached.kind)
    );
    assert!(unreached.evidence.is_empty());
}

fn bin(root: &Path) -> Command {
    let mut c = Command::cargo_bin("auditbench").unwrap();
    c.current_dir(root);
    c
}

fn json_rules(out: &[u8]) -> Vec<(String, String, String)> {
    let v: serde_json::Value = serde_json::from_slice(out).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "RES002")
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["confidence"].as_str().unwrap().to_string(),
                f["evidence"].to_string(),
            )
        })
        .collect()
}

#[test]
fn the_default_suite_is_high_and_the_database_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root);
    let out = bin(root)
        .args(["scan", ".", "--format", "json", "--fail-on", "never"])
        .output()
        .unwrap();
    let shown = json_rules(&out.stdout);
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(shown[0].0, "app/clients.py");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("of lower confidence than high not shown"),
        "{err}"
    );
    // Widened on the command line and in the configuration.
    let out = bin(root)
        .args([
            "scan",
            ".",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--confidence",
            "low",
        ])
        .output()
        .unwrap();
    assert_eq!(json_rules(&out.stdout).len(), 3);
    write(
        root,
        "pyproject.toml",
        "[project]\nname = \"shop\"\n\n[tool.auditbench]\nconfidence = \"medium\"\n",
    );
    let out = bin(root)
        .args(["scan", ".", "--format", "json", "--fail-on", "never"])
        .output()
        .unwrap();
    let paths: Vec<String> = json_rules(&out.stdout).into_iter().map(|r| r.0).collect();
    assert_eq!(paths, ["app/clients.py", "lib/clients.py"]);
    // The gate counts only what is shown: the low one does not fail a run.
    write(root, "pyproject.toml", "[project]\nname = \"shop\"\n");
    bin(root)
        .args(["scan", ".", "--select", "RES002", "--quiet"])
        .assert()
        .code(1);
    std::fs::remove_file(root.join("app/clients.py")).unwrap();
    bin(root)
        .args([
            "scan",
            ".",
            "--select",
            "RES002",
            "--quiet",
            "--fail-on",
            "high",
        ])
        .assert()
        .code(0);
    // The database holds every finding with its judgement.
    let db = rusqlite::Connection::open(root.join(".auditbench/audit.db")).unwrap();
    let mut st = db
        .prepare("SELECT path, confidence FROM findings WHERE rule = 'RES002' AND detection = 'open' ORDER BY path")
        .unwrap();
    let rows: Vec<(String, String)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        rows,
        [
            ("lib/clients.py".to_string(), "medium".to_string()),
            ("tools/clients.py".to_string(), "low".to_string())
        ]
    );
}

#[test]
fn an_edit_elsewhere_changes_the_judgement_and_an_unchanged_rescan_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root);
    let scan = |root: &Path| {
        let out = bin(root)
            .args([
                "scan",
                ".",
                "--format",
                "json",
                "--fail-on",
                "never",
                "--confidence",
                "low",
            ])
            .output()
            .unwrap();
        json_rules(&out.stdout)
    };
    let first = scan(root);
    // Nothing changed: the stored judgements (and evidence) are the output.
    assert_eq!(scan(root), first);
    // A route now calls lib's helper: only main.py changed, yet lib/clients.py
    // (skipped as unchanged) is judged again from its stored summary.
    write(
        root,
        "app/main.py",
        "from fastapi import FastAPI\n\nfrom app.clients import fetch\nfrom lib.clients import fetch as fetch_lib\n\napp = FastAPI()\n\n\n@app.get(\"/rates\")\ndef rates():\n    return fetch(\"https://rates.example\")\n\n\n@app.get(\"/other\")\ndef other():\n    return fetch_lib(\"https://other.example\")\n",
    );
    let after = scan(root);
    let lib = after.iter().find(|r| r.0 == "lib/clients.py").unwrap();
    assert_eq!(lib.1, "high", "{after:?}");
    assert!(lib.2.contains("/other"), "{lib:?}");
}

#[test]
fn sarif_carries_rank_precision_and_the_code_flow() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root);
    let out = bin(root)
        .args([
            "scan",
            ".",
            "--format",
            "sarif",
            "--fail-on",
            "never",
            "--no-db",
        ])
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    common::validate_sarif(&sarif);
    let run = &sarif["runs"][0];
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "RES002")
        .unwrap();
    assert_eq!(result["rank"], 90.0);
    assert_eq!(result["properties"]["confidence"], "high");
    let flow = &result["codeFlows"][0]["threadFlows"][0]["locations"];
    assert!(flow.as_array().unwrap().len() >= 2, "{flow}");
    assert_eq!(
        flow[0]["location"]["physicalLocation"]["artifactLocation"]["uri"],
        "app/main.py"
    );
    let rule = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "RESIL003")
        .unwrap();
    assert_eq!(rule["properties"]["precision"], "high");
}

/// Test code is out of the model (`scan::model_pass`): a helper that only a
/// test calls keeps its rule's base instead of being called one-shot by its
/// tests (a library's public API is often called only there), and a finding
/// in test code itself is low, with the reason.
#[test]
fn test_code_is_judged_by_its_path_and_does_not_judge_the_code_it_calls() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "pyproject.toml",
        "[tool.auditbench]\ninclude-tests = true\n",
    );
    write(root, "lib/__init__.py", "");
    write(root, "lib/clients.py", HELPER);
    write(
        root,
        "tests/test_clients.py",
        "from lib.clients import fetch\n\n\ndef test_fetch():\n    assert fetch(\"https://rates.example\")\n",
    );
    // A grow-only module cache in a test helper (RES002 itself stays silent
    // in test code; MEM001 does not).
    write(
        root,
        "tests/fakes.py",
        "SEEN = {}\n\n\ndef remember(key, value):\n    SEEN[key] = value\n",
    );
    let findings = common::open_findings(root);
    let lib = res002(&findings, "lib/clients.py");
    assert_eq!(
        lib.confidence,
        auditbench::rules::confidence::base("RES002", lib.kind),
        "{lib:#?}"
    );
    assert!(lib.evidence.is_empty(), "{lib:#?}");
    let in_test = findings
        .iter()
        .find(|f| f.rule == "MEM001" && f.path == "tests/fakes.py")
        .unwrap_or_else(|| panic!("no MEM001 in tests/fakes.py: {findings:#?}"));
    assert_eq!(in_test.confidence, Confidence::Low, "{in_test:#?}");
    assert!(
        in_test
            .evidence
            .iter()
            .any(|e| e.message.contains("test code")),
        "{in_test:#?}"
    );
}
