//! `show` and `triage` take the report's issue numbers (`MEDIUM-001`) as well
//! as database ids: an issue stands for every finding grouped in it.

use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_auditbench"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn report_numbers_name_their_findings() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let class =
        |name: &str| format!("class {name}:\n    def __enter__(self):\n        return self\n");
    std::fs::write(root.join("a.py"), class("A")).unwrap();
    std::fs::write(root.join("b.py"), class("B")).unwrap();
    let scan = run(root, &["scan", ".", "--fail-on", "never"]);
    assert!(scan.status.success(), "{}", text(&scan));
    let report = run(root, &["report", "."]);
    let md = text(&report);
    assert!(md.contains("MEDIUM-001"), "{md}");
    let show = run(root, &["show", "medium-001"]);
    assert!(show.status.success(), "{}", text(&show));
    assert!(text(&show).contains("RES007"), "{}", text(&show));
    let triage = run(root, &["triage", "MEDIUM-001", "--status", "confirmed"]);
    assert!(triage.status.success(), "{}", text(&triage));
    assert!(
        text(&triage).contains("2 finding(s) set to confirmed"),
        "{}",
        text(&triage)
    );
    let unknown = run(root, &["show", "HIGH-042"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown).contains("neither a finding id nor an issue of the report"));
}
