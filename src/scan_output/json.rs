//! JSON output, version 1: `{"version":1,"root",...,"warnings","findings"}`.
use serde::Serialize;

use crate::finding::Finding;
use crate::scan::{ScanResult, Warning};

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    root: &'a str,
    files_scanned: usize,
    lines_scanned: usize,
    duration_ms: u64,
    /// Added in place (version stays 1): test files found and not scanned.
    test_files_skipped: usize,
    warnings: &'a [Warning],
    findings: &'a [Finding],
}

pub fn render(r: &ScanResult) -> String {
    let doc = JsonReport {
        version: 1,
        root: &r.root,
        files_scanned: r.files_scanned,
        lines_scanned: r.lines_scanned,
        duration_ms: r.duration_ms,
        test_files_skipped: r.test_files_skipped,
        warnings: &r.warnings,
        findings: &r.findings,
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("findings serialise");
    s.push('\n');
    s
}
