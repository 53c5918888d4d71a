//! Shared helpers of the integration tests (store, report, fix round trip).
#![allow(dead_code)]

use std::path::Path;

mod fix_apply;
// Not every test binary applies fixes: the re-export is unused in some.
#[allow(unused_imports)]
pub use fix_apply::apply_fix;

use auditbench::scan::{scan_with, Prior};
use auditbench::store::{Store, SyncOptions, SyncScope, SyncSummary, Trigger};
use auditbench::{Config, ScanOptions, ScanResult};

/// A class that triggers RES007 (incomplete context manager).
pub const RES007: &str = "class A:\n    def __enter__(self):\n        return self\n";

pub fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    if let Some(d) = p.parent() {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(p, text).unwrap();
}

/// A scan to record: it keeps the files' text, which the store records the
/// code after a fix from.
pub fn scan_dir(root: &Path) -> ScanResult {
    scan_with(
        ScanOptions {
            root: root.to_path_buf(),
            config: Config::default(),
            progress: None,
        },
        &Prior::keep_all_text(),
    )
    .unwrap()
}

/// The open findings (not strengths) of a scan of `root` with its configuration.
pub fn open_findings(root: &Path) -> Vec<auditbench::Finding> {
    auditbench::scan(ScanOptions {
        root: root.to_path_buf(),
        config: Config::load(root).unwrap(),
        progress: None,
    })
    .unwrap()
    .findings
    .into_iter()
    .filter(|f| f.status == auditbench::Status::Open && f.kind == auditbench::Kind::Finding)
    .collect()
}

/// Scans the whole project and records it at time `at`.
pub fn rescan(store: &mut Store, root: &Path, at: i64) -> SyncSummary {
    let result = scan_dir(root);
    store
        .sync(
            &result,
            &SyncOptions::new(SyncScope::Full, Trigger::Test).at(at),
        )
        .unwrap()
}

pub fn db_path(root: &Path) -> std::path::PathBuf {
    root.join(".auditbench").join("audit.db")
}

/// A Monday, 2026-01-05 00:00 UTC.
pub const T0: i64 = 1_767_571_200;
pub const DAY: i64 = 86_400;

/// Copies the folder `from` to `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// Fails with every error when `sarif` does not validate against the
/// official SARIF 2.1.0 schema.
pub fn validate_sarif(sarif: &serde_json::Value) {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../data/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF invalid: {errors:?}");
}
