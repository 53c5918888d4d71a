//! Text output: one line per finding (`path:line:col: RES003 [high] message`), the
//! warnings, then a summary grouped by severity and rule.
use std::collections::BTreeMap;
use std::fmt::Write;

use crate::finding::{Kind, Severity, Status};
use crate::scan::ScanResult;

pub fn render(r: &ScanResult) -> String {
    let mut s = String::new();
    for f in r
        .findings
        .iter()
        .filter(|f| f.kind == Kind::Finding && f.status == Status::Open)
    {
        let sev = f.severity.map(|s| s.as_str()).unwrap_or("info");
        let _ = writeln!(
            s,
            "{}:{}:{}: {} [{}] {}",
            f.path, f.line, f.column, f.rule, sev, f.message
        );
    }
    for w in &r.warnings {
        let _ = writeln!(
            s,
            "warning: {}{}",
            w.path
                .as_deref()
                .map(|p| format!("{p}: "))
                .unwrap_or_default(),
            w.message
        );
    }
    let open: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.kind == Kind::Finding && f.status == Status::Open)
        .collect();
    let suppressed = r
        .findings
        .iter()
        .filter(|f| f.status == Status::Suppressed)
        .count();
    let strengths = r
        .findings
        .iter()
        .filter(|f| f.kind == Kind::Strength && f.status == Status::Open)
        .count();
    let _ = writeln!(
        s,
        "\nScanned {} files ({} lines) in {} ms.",
        r.files_scanned, r.lines_scanned, r.duration_ms
    );
    if r.test_files_skipped > 0 {
        let _ = writeln!(
            s,
            "Skipped {} test file(s) (tests/, test_*.py, conftest.py); --include-tests scans them.",
            r.test_files_skipped
        );
    }
    if open.is_empty() {
        let _ = writeln!(s, "No open findings.");
    } else {
        let mut by_sev: BTreeMap<Severity, BTreeMap<&str, usize>> = BTreeMap::new();
        for f in &open {
            *by_sev
                .entry(f.severity.unwrap_or(Severity::Info))
                .or_default()
                .entry(f.rule.as_str())
                .or_default() += 1;
        }
        let _ = writeln!(s, "{} open finding(s):", open.len());
        for (sev, rules) in by_sev {
            let total: usize = rules.values().sum();
            let detail = rules
                .iter()
                .map(|(r, n)| format!("{r} x{n}"))
                .collect::<Vec<_>>()
                .join(", ");
            let _ = writeln!(s, "  {:<8} {:>4}  ({detail})", sev.as_str(), total);
        }
    }
    if suppressed > 0 {
        let _ = writeln!(s, "{suppressed} suppressed by comments.");
    }
    if strengths > 0 {
        let _ = writeln!(s, "{strengths} strength(s) recognised (see --format json).");
    }
    if !r.warnings.is_empty() {
        let _ = writeln!(s, "{} warning(s).", r.warnings.len());
    }
    s
}
