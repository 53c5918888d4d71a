//! Project discovery as Ruff does it: run anywhere inside a project, a
//! command finds the project's configuration and database in the nearest
//! folder up the tree that marks a project, and prints paths relative to the
//! current folder.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const RES007: &str = "class Session:\n    def __enter__(self):\n        return self\n";
const MEM001: &str = "CACHE = {}\n\n\ndef put(k, v):\n    CACHE[k] = v\n";

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_auditbench"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// proj/ (pyproject.toml with [tool.auditbench] ignoring MEM001),
/// proj/app/{ctx,mem}.py, proj/lib/other.py.
fn project() -> (tempfile::TempDir, std::path::PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().canonicalize().unwrap().join("proj");
    fs::create_dir_all(root.join("app")).unwrap();
    fs::create_dir_all(root.join("lib")).unwrap();
    fs::write(
        root.join("pyproject.toml"),
        "[project]\nname = \"x\"\n\n[tool.auditbench]\nignore = [\"MEM001\"]\n",
    )
    .unwrap();
    // A pyproject without our table does not mark a project.
    fs::write(
        root.join("app/pyproject.toml"),
        "[project]\nname = \"app\"\n",
    )
    .unwrap();
    fs::write(root.join("app/ctx.py"), RES007).unwrap();
    fs::write(root.join("app/mem.py"), MEM001).unwrap();
    fs::write(root.join("lib/other.py"), RES007).unwrap();
    (d, root)
}

#[test]
fn a_scan_inside_a_project_uses_its_configuration_and_database() {
    let (_d, root) = project();
    let app = root.join("app");
    let out = run_in(&app, &["scan", "--confidence", "low"]);
    let text = stdout(&out);
    assert!(
        text.starts_with("ctx.py:2:9: RES007"),
        "relative to the current folder: {text}"
    );
    assert!(
        !text.contains("MEM001"),
        "the project's configuration: {text}"
    );
    let (findings, recorded) = text.split_once("\ndatabase ").unwrap();
    assert!(
        !findings.contains("other.py"),
        "only the folder asked for: {text}"
    );
    // The database records the whole project, paths shown from here.
    assert!(recorded.contains("new       #1 RES007 ctx.py:2"), "{text}");
    assert!(recorded.contains("RES007 lib/other.py:2"), "{text}");
    assert!(
        root.join(".auditbench/audit.db").is_file(),
        "the project's database"
    );
    assert!(!app.join(".auditbench").exists());
    // The database holds the whole project; `findings` from app/ shows paths
    // under it relative to it, the others relative to the project.
    let out = run_in(&app, &["findings"]);
    let text = stdout(&out);
    assert!(text.contains(" ctx.py:2 "), "{text}");
    assert!(text.contains(" lib/other.py:2 "), "{text}");
    // Machine formats keep the project-relative contract.
    let out = run_in(
        &app,
        &["scan", "--confidence", "low", "--format", "json", "--quiet"],
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["path"], "app/ctx.py");
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    // From the project's parent, paths carry the project's folder.
    let out = run_in(
        root.parent().unwrap(),
        &["scan", "--confidence", "low", "proj", "--no-db"],
    );
    assert!(
        stdout(&out).contains("proj/app/ctx.py:2:9"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn dedicated_file_and_database_folder_mark_a_project_and_config_overrides() {
    let (_d, root) = project();
    fs::remove_file(root.join("pyproject.toml")).unwrap();
    fs::write(root.join(".auditbench.toml"), "select = [\"MEM001\"]\n").unwrap();
    let out = run_in(
        &root.join("app"),
        &["scan", "--confidence", "low", "--no-db"],
    );
    let text = stdout(&out);
    assert!(text.starts_with("mem.py:1:1: MEM001"), "{text}");
    assert!(!text.contains("RES007"), "{text}");
    // --config FILE replaces the project's configuration.
    let other = root.parent().unwrap().join("strict.toml");
    fs::write(&other, "select = [\"RES007\"]\n").unwrap();
    let out = run_in(
        &root.join("app"),
        &[
            "scan",
            "--confidence",
            "low",
            "--no-db",
            "--config",
            other.to_str().unwrap(),
        ],
    );
    let text = stdout(&out);
    assert!(
        text.starts_with("ctx.py:2:9: RES007") && !text.contains("MEM001"),
        "{text}"
    );
    let out = run_in(
        &root,
        &["scan", "--confidence", "low", "--config", "nope.toml"],
    );
    assert_eq!(out.status.code(), Some(2));
    // --config is used instead of a broken project configuration, also
    // when the scan is recorded.
    fs::write(root.join(".auditbench.toml"), "selct = 1\n").unwrap();
    let out = run_in(
        &root.join("app"),
        &[
            "scan",
            "--confidence",
            "low",
            "--config",
            other.to_str().unwrap(),
        ],
    );
    let text = stdout(&out);
    assert!(
        text.starts_with("ctx.py:2:9: RES007"),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    fs::remove_file(root.join(".auditbench.toml")).unwrap();
    fs::remove_dir_all(root.join(".auditbench")).unwrap();
    // A project database folder marks the project too.
    fs::create_dir(root.join(".auditbench")).unwrap();
    let out = run_in(&root.join("lib"), &["scan", "--confidence", "low"]);
    assert!(
        stdout(&out).starts_with("other.py:2:9: RES007"),
        "{}",
        stdout(&out)
    );
    assert!(root.join(".auditbench/audit.db").is_file());
}
