//! The dashboard's aggregates, all from the project database: the health score
//! now and at the baseline (the report's numbers, from the same code), open
//! findings by severity, new vs fixed per ISO week with the open count at each
//! week's end (the burndown), the age of open findings against per-severity
//! target days, and the files and rules with the most open findings.
//!
//! "Open" here is what the health score counts: detected now (open or
//! regressed) and not triaged false positive or suppressed.

use std::collections::BTreeMap;

use serde::Serialize;

use super::types::SlaDays;
use crate::finding::Severity;
use crate::report::{self, ReportOptions};
use crate::rules;
use crate::store::{self, FindingFilter, Store, WeekRow};

pub const DEFAULT_WEEKS: usize = 12;
const TOP: usize = 10;
const DAY: i64 = 86_400;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HealthPair {
    pub now: f64,
    pub baseline: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AgeRow {
    pub severity: String,
    pub open: usize,
    /// Open for longer than the target.
    pub overdue: usize,
    pub target_days: u32,
    pub oldest_days: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TopFile {
    pub path: String,
    pub open: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TopRule {
    pub rule: String,
    pub name: String,
    pub open: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    pub health: HealthPair,
    /// Every severity from critical to low, zero included.
    pub open_by_severity: BTreeMap<String, usize>,
    pub weekly: Vec<WeekRow>,
    pub age: Vec<AgeRow>,
    pub top_files: Vec<TopFile>,
    pub top_rules: Vec<TopRule>,
}

const RANKED: [Severity; 4] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
];

/// The findings that count as open (one definition: `store::standing`).
pub fn open_filter() -> FindingFilter {
    FindingFilter::open()
}

pub fn build(store: &Store, weeks: usize, sla: &SlaDays, now: i64) -> store::Result<Dashboard> {
    let health = report::gather(store, &ReportOptions::default())?.health;
    let open = store.findings(&open_filter())?;
    let mut open_by_severity: BTreeMap<String, usize> =
        RANKED.iter().map(|s| (s.as_str().to_string(), 0)).collect();
    for (sev, n) in &open.by_severity {
        *open_by_severity.entry(sev.clone()).or_default() += n;
    }
    let age = RANKED
        .iter()
        .map(|&sev| {
            let target = sla.of(sev).unwrap_or(0);
            let ages: Vec<i64> = open
                .items
                .iter()
                .filter(|f| f.severity.as_deref() == Some(sev.as_str()))
                .map(|f| (now - f.first_seen_at).max(0) / DAY)
                .collect();
            AgeRow {
                severity: sev.as_str().into(),
                open: ages.len(),
                overdue: ages.iter().filter(|&&d| d > target as i64).count(),
                target_days: target,
                oldest_days: ages.iter().copied().max().unwrap_or(0),
            }
        })
        .collect();
    let mut files: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &open.items {
        *files.entry(f.path.as_str()).or_default() += 1;
    }
    let mut top_files: Vec<TopFile> = files
        .into_iter()
        .map(|(path, open)| TopFile {
            path: path.into(),
            open,
        })
        .collect();
    top_files.sort_by(|a, b| b.open.cmp(&a.open).then(a.path.cmp(&b.path)));
    top_files.truncate(TOP);
    let mut top_rules: Vec<TopRule> = open
        .by_rule
        .iter()
        .map(|(rule, &n)| TopRule {
            rule: rule.clone(),
            name: rules::find_meta(rule)
                .map(|m| m.name.to_string())
                .unwrap_or_else(|| "manual-finding".into()),
            open: n,
        })
        .collect();
    top_rules.sort_by(|a, b| b.open.cmp(&a.open).then(a.rule.cmp(&b.rule)));
    top_rules.truncate(TOP);
    Ok(Dashboard {
        health: HealthPair {
            now: health.now,
            baseline: health.baseline,
        },
        open_by_severity,
        weekly: store.weekly(weeks.clamp(1, 520), Some(now))?,
        age,
        top_files,
        top_rules,
    })
}
