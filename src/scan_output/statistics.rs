//! `scan --statistics`: one line per rule with its count of open findings,
//! most frequent first (as `ruff check --statistics` does), then the total.
use std::collections::BTreeMap;
use std::fmt::Write;

use super::open_findings;
use crate::scan::ScanResult;

pub fn render(r: &ScanResult) -> String {
    let mut by_rule: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for f in open_findings(r) {
        *by_rule
            .entry((f.rule.as_str(), f.name.as_str()))
            .or_default() += 1;
    }
    let mut rows: Vec<((&str, &str), usize)> = by_rule.into_iter().collect();
    // Most frequent first; equal counts by rule id.
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let width = rows.first().map_or(1, |r| r.1.to_string().len());
    let mut s = String::new();
    for ((rule, name), n) in &rows {
        let _ = writeln!(s, "{n:>width$}\t{rule}\t{name}");
    }
    let total: usize = rows.iter().map(|r| r.1).sum();
    let _ = writeln!(s, "{total} open finding(s) of {} rule(s)", rows.len());
    s
}
