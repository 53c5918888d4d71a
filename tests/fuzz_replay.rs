//! The fuzz targets' checks on stable Rust: every saved crash input
//! (`fuzz/regressions/<target>/`, kept when `scripts/fuzz` found and we fixed a
//! problem) and the seed files are replayed through the same harness
//! (`fuzz/harness.rs`) libFuzzer runs.

#[path = "../fuzz/harness.rs"]
mod harness;

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Runs `check` on every file of `dirs`; fails naming every input that panics.
fn replay(target: &str, seeds: &[&str], check: fn(&[u8])) -> usize {
    let mut inputs = vec![];
    files_under(&repo().join("fuzz/regressions").join(target), &mut inputs);
    for s in seeds {
        files_under(&repo().join(s), &mut inputs);
    }
    inputs.sort();
    let mut failed = vec![];
    for p in &inputs {
        let data = std::fs::read(p).unwrap();
        if std::panic::catch_unwind(|| check(&data)).is_err() {
            failed.push(p.display().to_string());
        }
    }
    assert!(failed.is_empty(), "{target}: failing inputs {failed:#?}");
    inputs.len()
}

#[test]
fn scan_regressions_and_seeds() {
    let n = replay(
        "scan_bytes",
        &[
            "fuzz/regressions/scan_python",
            "fixtures/python",
            "fixtures/demo-backend",
        ],
        harness::scan_bytes,
    );
    assert!(n > 50, "the fixtures are seeds: {n}");
}

#[test]
fn config_regressions_and_seeds() {
    let n = replay("config", &["fuzz/seeds/config"], harness::config);
    assert!(n > 0);
}

#[test]
fn report_escape_regressions_and_seeds() {
    let n = replay(
        "report_escape",
        &["fuzz/seeds/report_escape", "fixtures/python"],
        harness::report_escape,
    );
    assert!(n > 0);
}
