//! The report's input, gathered from the project database: findings with their
//! detection and triage state, notes, before/after code, the scan history, the
//! files, the health score and the remediation plan. Every list is sorted, so
//! that the same database and options give the same report.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::grouping::{cause_of, group_by, worst_first};
use super::health::{Health, Inputs};
use super::plan::{self, Plan, Task};
use super::strengths::Pattern;
use crate::finding::{Confidence, Severity};
use crate::rules::{self, RuleMeta};
use crate::store::report_queries::{FileRecord, ReportRow, ScanRecord};
use crate::store::{self, Detection, Standing, Store, Triage, WeekRow, MANUAL_RULE};

/// What to put in the report.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// Default: "<project>: Memory Leaks & Concurrency Audit".
    pub title: Option<String>,
    pub client: Option<String>,
    /// Default: "auditbench".
    pub auditor: Option<String>,
    /// `YYYY-MM-DD`; default: today (UTC, or `AUDITBENCH_NOW`).
    pub date: Option<String>,
    /// Findings below this severity are left out.
    pub min_severity: Severity,
    /// Triage states to include; empty = all.
    pub statuses: Vec<Triage>,
    pub include_code: bool,
    pub include_strengths: bool,
    /// Default: the scanned folder's name.
    pub project: Option<String>,
    pub capacity_hours: f32,
    /// Findings the scan is less sure of than this are left out (and
    /// counted in the scope line), unless a person triaged them.
    pub confidence: Confidence,
}

/// The report's default confidence threshold: medium. The scan's default
/// suite is high (a CI gate must not cry wolf); an audit report is read by
/// a person who weighs each finding, and high alone leaves out most real
/// ones (on the application corpus 42 of the 84 real findings among the
/// labelled high and medium ones are medium; low ones are 8 % real).
pub const DEFAULT_CONFIDENCE: Confidence = crate::config::DEFAULT_REPORT_CONFIDENCE;

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            title: None,
            client: None,
            auditor: None,
            date: None,
            min_severity: Severity::Info,
            statuses: vec![],
            include_code: true,
            include_strengths: true,
            project: None,
            capacity_hours: plan::DEFAULT_CAPACITY_HOURS,
            confidence: DEFAULT_CONFIDENCE,
        }
    }
}

/// Title block and scope.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub title: String,
    pub date: String,
    pub auditor: String,
    pub client: Option<String>,
    pub project: String,
    pub git_commit: Option<String>,
    pub files_analysed: usize,
    pub lines_analysed: usize,
    pub scans: usize,
    pub first_scan: Option<String>,
    pub last_scan: Option<String>,
    /// Rules enabled in the latest scan, catalog order.
    pub rules: Vec<String>,
    pub min_severity: String,
    pub statuses: Vec<String>,
    /// The least confidence of the findings shown (`high`, `medium`, `low`).
    pub confidence: String,
    /// Findings left out for their confidence (within the severity and status
    /// asked for): none of the report's counts includes them.
    pub below_confidence: BelowConfidence,
    #[serde(skip)]
    pub include_code: bool,
    #[serde(skip)]
    pub include_strengths: bool,
    #[serde(skip)]
    pub date_ts: i64,
}

/// The findings the confidence threshold leaves out, for the scope line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BelowConfidence {
    /// Every one of them (open, fixed, accepted, false positives aside).
    pub total: usize,
    /// Of which still open.
    pub open: usize,
}

/// Whether a finding is left out of a report at `threshold`: the scan is
/// less sure of it, and no person triaged it (a decision someone made, or a
/// manual finding, is reported whatever the scan's confidence).
pub fn below_threshold(confidence: Option<&str>, triage: Triage, threshold: Confidence) -> bool {
    triage == Triage::NeedsReview
        && confidence
            .and_then(|c| c.parse::<Confidence>().ok())
            .is_some_and(|c| !c.at_least(threshold))
}

/// One finding as reported.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// `CRITICAL-001`, numbered per severity.
    pub number: String,
    pub id: i64,
    pub rule: String,
    pub rule_name: String,
    pub category: String,
    pub title: String,
    pub severity: Severity,
    pub path: String,
    pub line: usize,
    pub end_line: usize,
    pub scope: String,
    pub detection: Detection,
    pub triage: Triage,
    /// Where it stands (`store::standing`): what every count uses.
    pub standing: Standing,
    /// "Open", "Fixed", "Accepted risk", ...
    pub status: String,
    pub triage_by: Option<String>,
    pub triage_date: Option<String>,
    pub message: String,
    /// Why it matters (from the rule's documentation or the manual description).
    pub impact: String,
    /// The offending code as captured when detected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The recommended fix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommended_fix: Option<String>,
    /// The real code after the fix (fixed findings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_code: Option<String>,
    /// Unified diff of `code` -> `after_code` (fixed) or `code` -> `recommended_fix`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    pub note: Option<String>,
    pub suppression: Option<String>,
    pub first_seen: String,
    pub fixed_on: Option<String>,
    pub fix_commit: Option<String>,
    pub fingerprint: String,
    pub effort_hours: f32,
    /// SARIF `baselineState`: new, unchanged, updated or absent.
    pub baseline_state: String,
    /// How sure the scan is (`high`, `medium`, `low`); `None` for manual
    /// findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<String>,
    /// The project model's path to this place (entry point first): why the
    /// finding applies in this project.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<crate::finding::Related>,
}

impl Item {
    /// `path:164-178` or `path:164`.
    pub fn location(&self) -> String {
        if self.end_line > self.line {
            format!("{}:{}-{}", self.path, self.line, self.end_line)
        } else {
            format!("{}:{}", self.path, self.line)
        }
    }

    /// Open: work to do (`store::standing`).
    pub fn is_open(&self) -> bool {
        self.standing == Standing::Open
    }

    /// Left in place on purpose: accepted risk, won't fix, suppressed in source.
    pub fn is_accepted(&self) -> bool {
        self.standing.is_accepted()
    }
}

/// One issue of the report: a finding, or repeated instances of one rule and
/// cause grouped (`super::grouping`).
#[derive(Debug, Clone, Serialize)]
pub struct Issue {
    /// `HIGH-003`, numbered per severity; shared by its findings' `number`.
    pub number: String,
    pub severity: Severity,
    pub rule: String,
    /// The finding's title, or "<rule name> in N places".
    pub title: String,
    pub standing: Standing,
    /// Indices into `Report::findings`, worst first.
    pub members: Vec<usize>,
    pub effort_hours: f32,
}

/// A strength: a pattern to preserve.
#[derive(Debug, Clone, Serialize)]
pub struct Strength {
    pub rule: String,
    pub name: String,
    pub summary: String,
    pub path: String,
    pub line: usize,
    pub scope: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub fingerprint: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeverityCount {
    pub severity: Severity,
    /// Every finding detected since the first scan, false positives aside:
    /// `fixed + open + accepted + removed`.
    pub found: usize,
    pub fixed: usize,
    pub open: usize,
    pub accepted: usize,
    /// Found in files deleted since (not listed in the report).
    pub removed: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileLine {
    pub path: String,
    pub lines: usize,
    /// Open findings by severity.
    pub open: BTreeMap<Severity, usize>,
    /// Accepted or suppressed findings still in the code.
    pub accepted: usize,
    pub fixed: usize,
    pub strengths: usize,
}

/// Everything the renderers need.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub format: String,
    pub version: u32,
    pub meta: Meta,
    pub health: Health,
    pub severity_table: Vec<SeverityCount>,
    /// Findings (not false positives), numbered, most severe first.
    pub findings: Vec<Item>,
    /// The findings as issues: repeated instances grouped, most severe first.
    pub issues: Vec<Issue>,
    /// Findings triaged false positive (numbered `FP-001`): left out of the
    /// markdown, kept in SARIF (suppressed) and JSON.
    pub false_positives: Vec<Item>,
    pub strengths: Vec<Strength>,
    /// The strengths the report shows, grouped by pattern, by impact.
    pub patterns: Vec<Pattern>,
    pub plan: Plan,
    pub progress: Vec<WeekRow>,
    pub files: Vec<FileLine>,
    /// Categories of the findings still open or accepted, sorted.
    pub categories: Vec<String>,
}

impl Report {
    /// The issues standing so, in report order.
    pub fn issues_in(&self, pred: impl Fn(Standing) -> bool) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(move |i| pred(i.standing))
    }

    /// An issue's findings, worst first.
    pub fn members<'a>(&'a self, i: &'a Issue) -> impl Iterator<Item = &'a Item> + 'a {
        i.members.iter().map(|&k| &self.findings[k])
    }

    /// Open findings in total (the severity table's sum).
    pub fn open_total(&self) -> usize {
        self.severity_table.iter().map(|s| s.open).sum()
    }
}

/// Human label of a finding's state.
pub fn status_label(d: Detection, t: Triage) -> String {
    let det = match d {
        Detection::Open => "Open",
        Detection::Fixed => "Fixed",
        Detection::Regressed => "Regressed",
        Detection::Removed => "Removed",
    };
    let tri = match t {
        Triage::NeedsReview => return det.to_string(),
        Triage::Confirmed => "confirmed",
        Triage::InProgress => "in progress",
        Triage::FalsePositive => "false positive",
        Triage::AcceptedRisk => "accepted risk",
        Triage::WontFix => "won't fix",
        Triage::Suppressed => "suppressed in source",
    };
    if d == Detection::Fixed && matches!(t, Triage::Confirmed | Triage::InProgress) {
        return det.to_string();
    }
    format!("{det}, {tri}")
}

/// `2026-11-23` -> seconds at 00:00 UTC.
pub fn parse_date(s: &str) -> Option<i64> {
    let mut it = s.trim().splitn(3, '-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let d: u32 = it.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let yy = if m <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy.rem_euclid(400);
    let mm = m as i64;
    let doy = (153 * (if mm > 2 { mm - 3 } else { mm + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let t = days * 86_400;
    (store::week::date(t) == format!("{y:04}-{m:02}-{d:02}")).then_some(t)
}

/// The part of `after` that corresponds to `before`: when the captured after
/// code is a larger block (the whole class) that contains `before`'s first line,
/// the lines from there on, dedented to `before`'s indentation; otherwise
/// `after` unchanged. Keeps the diff about the change, not the context.
pub fn focus(before: &str, after: &str) -> String {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let Some(first) = before.lines().find(|l| !l.trim().is_empty()) else {
        return after.to_string();
    };
    let lines: Vec<&str> = after.lines().collect();
    let Some(k) = lines.iter().position(|l| l.trim() == first.trim()) else {
        return after.to_string();
    };
    let shift = indent(lines[k]).saturating_sub(indent(first));
    if k == 0 && shift == 0 {
        return after.to_string();
    }
    // Keep following lines while they are indented at least as deep as the match.
    let base = indent(lines[k]);
    let mut out = vec![];
    for l in &lines[k..] {
        if !l.trim().is_empty() && indent(l) < base {
            break;
        }
        out.push(if l.len() >= shift && l[..shift].trim().is_empty() {
            &l[shift..]
        } else {
            l.trim_start()
        });
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    let mut s = out.join("\n");
    s.push('\n');
    s
}

/// "Incomplete context manager" from `incomplete-context-manager`; acronyms keep
/// their capitals ("LRU cache on method", "Secret in URL").
pub fn humanise(name: &str) -> String {
    const ACRONYMS: &[(&str, &str)] = &[
        ("lru", "LRU"),
        ("url", "URL"),
        ("http", "HTTP"),
        ("sql", "SQL"),
        ("io", "I/O"),
    ];
    let words: Vec<String> = name
        .split('-')
        .enumerate()
        .map(|(i, w)| match ACRONYMS.iter().find(|(a, _)| *a == w) {
            Some((_, up)) => up.to_string(),
            None if i == 0 => {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            }
            None => w.to_string(),
        })
        .collect();
    words.join(" ")
}

/// `text` without its parenthesised references to the seed reports
/// ("(Seed 000 CRITICAL-001: `get_db_config()` created ...)"): they are the
/// rule authors' sources, not the client's business. The parenthesis is
/// closed by its matching `)`, so a call inside it does not cut it short.
pub fn without_seed_refs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("(Seed") {
        out.push_str(&rest[..i]);
        let mut depth = 0usize;
        let mut end = rest.len();
        for (k, c) in rest[i..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i + k + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The first paragraph of a rule's "Why is this bad?" section, without the
/// seed references.
pub fn impact_of(meta: &RuleMeta) -> String {
    let doc = meta.doc;
    let Some(start) = doc.find("## Why is this bad?") else {
        return meta.summary.to_string();
    };
    let body = &doc[start + "## Why is this bad?".len()..];
    let para: Vec<&str> = body
        .trim_start()
        .lines()
        .take_while(|l| !l.trim().is_empty() && !l.starts_with("##"))
        .collect();
    let text = without_seed_refs(&para.join(" "));
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        meta.summary.to_string()
    } else {
        text
    }
}

/// Login names of shared or service accounts: a decision recorded under one of
/// them was made by whoever ran the tool, not by a person the client knows.
const ACCOUNT_NAMES: &[&str] = &[
    "root",
    "admin",
    "administrator",
    "unknown",
    "runner",
    "ubuntu",
    "user",
    "ci",
];

/// Who a triage decision is attributed to in the report: the recorded actor,
/// but never a service account ("by root"): that is the auditor's decision
/// when one is named, else nobody's name is printed.
fn signer(actor: &str, auditor: Option<&str>) -> Option<String> {
    let a = actor.trim();
    if a.is_empty() || ACCOUNT_NAMES.contains(&a.to_ascii_lowercase().as_str()) {
        auditor.map(str::to_string)
    } else {
        Some(a.to_string())
    }
}

fn severity_of(row: &ReportRow, meta: Option<&RuleMeta>) -> Severity {
    row.row
        .severity
        .as_deref()
        .and_then(|s| s.parse().ok())
        .or(meta.map(|m| m.severity))
        .unwrap_or(Severity::Medium)
}

fn project_name(scans: &[ScanRecord]) -> String {
    scans
        .last()
        .map(|s| {
            let root = s.root.replace('\\', "/");
            root.trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string()
        })
        .filter(|s| !s.is_empty() && s != ".")
        .unwrap_or_else(|| "project".into())
}

/// Groups the findings (already in report order) into issues and numbers
/// them per severity, each finding taking its issue's number.
fn number_issues(findings: &mut [Item]) -> Vec<Issue> {
    let groups = group_by(findings, cause_of, worst_first(findings));
    let mut counters: BTreeMap<Severity, usize> = BTreeMap::new();
    let mut issues = vec![];
    for members in groups {
        let first = &findings[members[0]];
        let n = counters.entry(first.severity).or_default();
        *n += 1;
        let number = format!("{}-{:03}", first.severity.as_str().to_ascii_uppercase(), n);
        let title = if members.len() == 1 {
            first.title.clone()
        } else {
            format!("{} in {} places", humanise(&first.rule_name), members.len())
        };
        issues.push(Issue {
            number: number.clone(),
            severity: first.severity,
            rule: first.rule.clone(),
            title,
            standing: first.standing,
            effort_hours: members.iter().map(|&k| findings[k].effort_hours).sum(),
            members: members.clone(),
        });
        for k in members {
            findings[k].number = number.clone();
        }
    }
    issues
}

/// Reads the database and builds the report.
pub fn gather(store: &Store, opts: &ReportOptions) -> store::Result<Report> {
    let rows = store.report_rows()?;
    let scans = store.scans()?;
    let files = store.files()?;
    let fix_commits = store.fix_commits()?;
    let date_ts = match &opts.date {
        Some(d) => parse_date(d).ok_or_else(|| {
            store::StoreError::Invalid(format!("invalid date `{d}` (expected YYYY-MM-DD)"))
        })?,
        None => {
            let n = store::now();
            n - n.rem_euclid(86_400)
        }
    };
    let full_scans: Vec<&ScanRecord> = scans.iter().filter(|s| !s.partial).collect();
    let first_scan = full_scans.first().copied().or(scans.first());
    let last_scan = full_scans.last().copied().or(scans.last());
    let latest_id = scans.last().map(|s| s.id);
    let all_meta = rules::all_meta();
    let meta_of = |id: &str| all_meta.iter().copied().find(|m| m.id == id);

    let included = |t: Triage| opts.statuses.is_empty() || opts.statuses.contains(&t);

    // Findings: everything but false positives, strengths and removed findings.
    let mut picked: Vec<(Severity, &ReportRow)> = vec![];
    let mut removed: BTreeMap<Severity, usize> = BTreeMap::new();
    let mut strengths = vec![];
    let mut baseline = Inputs {
        lines: first_scan.map(|s| s.lines_scanned).unwrap_or(0),
        ..Default::default()
    };
    let mut now = Inputs {
        lines: last_scan.map(|s| s.lines_scanned).unwrap_or(0),
        ..Default::default()
    };
    let mut below = BelowConfidence::default();
    let mut hidden_ids: std::collections::HashSet<i64> = Default::default();
    for r in &rows {
        let meta = meta_of(&r.row.rule);
        let Some(det) = Detection::parse(&r.row.detection) else {
            continue;
        };
        let tri = Triage::parse(&r.row.triage).unwrap_or(Triage::NeedsReview);
        if r.kind != "strength"
            && r.row.rule != MANUAL_RULE
            && below_threshold(r.row.confidence.as_deref(), tri, opts.confidence)
        {
            // Out of every count: the table, the score, the plan, the history.
            hidden_ids.insert(r.row.id);
            let sev = severity_of(r, meta);
            if sev.at_least(opts.min_severity)
                && included(tri)
                && Standing::of(det, tri) != Standing::Removed
            {
                below.total += 1;
                if Standing::of(det, tri) == Standing::Open {
                    below.open += 1;
                }
            }
            continue;
        }
        if r.kind == "strength" {
            if det.is_active() && opts.include_strengths {
                strengths.push(Strength {
                    rule: r.row.rule.clone(),
                    name: r.row.name.clone(),
                    summary: meta.map(|m| m.summary.to_string()).unwrap_or_default(),
                    path: r.row.path.clone(),
                    line: r.row.line,
                    scope: r.row.scope.clone(),
                    message: r.row.message.clone(),
                    code: if opts.include_code {
                        r.row.fix_before.clone().filter(|c| !c.trim().is_empty())
                    } else {
                        None
                    },
                    fingerprint: r.row.fingerprint.clone(),
                });
            }
            continue;
        }
        let sev = severity_of(r, meta);
        let standing = Standing::of(det, tri);
        if !matches!(tri, Triage::FalsePositive | Triage::Suppressed)
            && first_scan.is_some()
            && r.first_scan_id == first_scan.map(|s| s.id)
        {
            baseline.add(sev);
        }
        if standing.weighs() {
            now.add(sev);
        }
        if !sev.at_least(opts.min_severity) || !included(tri) {
            continue;
        }
        if standing == Standing::Removed {
            if tri != Triage::FalsePositive {
                *removed.entry(sev).or_default() += 1;
            }
            continue;
        }
        picked.push((sev, r));
    }
    picked.sort_by_key(|(s, r)| (*s, r.row.id));

    let mut findings = vec![];
    let mut false_positives = vec![];
    let mut fp_counter = 0;
    for (sev, r) in picked {
        let meta = meta_of(&r.row.rule);
        let det = Detection::parse(&r.row.detection).unwrap_or(Detection::Open);
        let tri = Triage::parse(&r.row.triage).unwrap_or(Triage::NeedsReview);
        // Issues are numbered once grouped, below.
        let number = if tri == Triage::FalsePositive {
            fp_counter += 1;
            format!("FP-{fp_counter:03}")
        } else {
            String::new()
        };
        let manual = r.row.rule == MANUAL_RULE;
        let rule_name = if manual {
            "manual finding".to_string()
        } else {
            meta.map(|m| m.name.to_string())
                .unwrap_or_else(|| r.row.name.clone())
        };
        let title = match (&r.row.title, r.row.scope.is_empty()) {
            (Some(t), _) if !t.trim().is_empty() => t.trim().to_string(),
            (_, false) => format!("{} in `{}`", humanise(&rule_name), r.row.scope),
            (_, true) => format!(
                "{} in `{}`",
                humanise(&rule_name),
                r.row.path.rsplit('/').next().unwrap_or(&r.row.path)
            ),
        };
        let impact = match (manual, &r.row.description, meta) {
            (true, Some(d), _) if !d.trim().is_empty() => d.trim().to_string(),
            (_, _, Some(m)) => impact_of(m),
            _ => String::new(),
        };
        let code = r.row.fix_before.clone().filter(|c| !c.trim().is_empty());
        let fix = r.row.fix_after.clone().filter(|c| !c.trim().is_empty());
        let after = if det == Detection::Fixed {
            r.row.after_code.clone().filter(|c| !c.trim().is_empty())
        } else {
            None
        };
        let diff = match (&code, &after, &fix) {
            (Some(b), Some(a), _) => Some(crate::finding::unified_diff(
                b,
                &focus(b, a),
                "before",
                "after",
            )),
            (Some(b), None, Some(f)) if !manual => {
                Some(crate::finding::unified_diff(b, f, "current", "recommended"))
            }
            _ => None,
        };
        let baseline_state = if det == Detection::Fixed {
            "absent"
        } else if det == Detection::Regressed {
            "updated"
        } else if scans.len() <= 1 || r.first_scan_id == latest_id {
            "new"
        } else {
            "unchanged"
        };
        let item = Item {
            number,
            id: r.row.id,
            rule: r.row.rule.clone(),
            rule_name,
            category: meta
                .map(|m| m.category.to_string())
                .unwrap_or_else(|| "manual".into()),
            title,
            severity: sev,
            path: r.row.path.clone(),
            line: r.row.line,
            end_line: r.row.end_line.max(r.row.line),
            scope: r.row.scope.clone(),
            detection: det,
            triage: tri,
            standing: Standing::of(det, tri),
            status: status_label(det, tri),
            triage_by: r
                .row
                .triage_by
                .as_deref()
                .and_then(|b| signer(b, opts.auditor.as_deref())),
            triage_date: r.row.triage_at.map(store::week::date),
            message: r.row.message.clone(),
            impact,
            code: code.filter(|_| opts.include_code),
            recommended_fix: fix.filter(|_| opts.include_code),
            after_code: after.filter(|_| opts.include_code),
            diff: diff.filter(|_| opts.include_code),
            note: r.row.note.clone().filter(|n| !n.trim().is_empty()),
            suppression: r.row.suppression.clone(),
            first_seen: store::week::date(r.row.first_seen_at),
            fixed_on: r.row.fixed_at.map(store::week::date),
            fix_commit: fix_commits.get(&r.row.id).cloned(),
            fingerprint: r.row.fingerprint.clone(),
            effort_hours: if manual {
                plan::MANUAL_EFFORT_HOURS
            } else {
                meta.map(|m| m.effort_hours)
                    .unwrap_or(plan::MANUAL_EFFORT_HOURS)
            },
            baseline_state: baseline_state.into(),
            confidence: r.row.confidence.clone().filter(|_| !manual),
            evidence: r.row.evidence.clone(),
        };
        if tri == Triage::FalsePositive {
            false_positives.push(item);
        } else {
            findings.push(item);
        }
    }
    strengths.sort_by(|a, b| (&a.rule, &a.path, a.line).cmp(&(&b.rule, &b.path, b.line)));

    let issues = number_issues(&mut findings);

    let mut severity_table = vec![];
    for s in Severity::ALL {
        let of: Vec<&Item> = findings.iter().filter(|f| f.severity == s).collect();
        let gone = removed.get(&s).copied().unwrap_or(0);
        if of.is_empty() && gone == 0 && s == Severity::Info {
            continue;
        }
        let count = |st: fn(Standing) -> bool| of.iter().filter(|f| st(f.standing)).count();
        severity_table.push(SeverityCount {
            severity: s,
            found: of.len() + gone,
            fixed: count(|s| s == Standing::Fixed),
            open: count(|s| s == Standing::Open),
            accepted: count(Standing::is_accepted),
            removed: gone,
        });
    }

    // One task per open finding, under its issue's number: the plan splits a
    // large issue over weeks and merges what lands in the same week.
    let tasks: Vec<Task> = issues
        .iter()
        .filter(|i| i.standing == Standing::Open)
        .flat_map(|i| {
            i.members.iter().map(|&k| {
                let f = &findings[k];
                Task {
                    number: i.number.clone(),
                    severity: i.severity,
                    title: i.title.clone(),
                    path: f.path.clone(),
                    effort_hours: f.effort_hours,
                    places: 1,
                    of: i.members.len(),
                }
            })
        })
        .collect();
    let plan = plan::schedule(&tasks, opts.capacity_hours);

    // Weekly progress from the first scan's week to the report's week (at most a year).
    let progress = match first_scan {
        Some(s) if s.started_at <= date_ts + 86_399 => {
            let weeks = ((store::week::week_start(date_ts) - store::week::week_start(s.started_at))
                / store::week::WEEK
                + 1)
            .clamp(1, 52) as usize;
            store.weekly_except(weeks, Some(date_ts + 86_399), &hidden_ids)?
        }
        _ => vec![],
    };

    // Files: open findings by severity, fixed, strengths.
    let mut file_map: BTreeMap<String, FileLine> = BTreeMap::new();
    let live: Vec<&FileRecord> = files.iter().filter(|f| !f.deleted).collect();
    for f in &live {
        file_map.insert(
            f.path.clone(),
            FileLine {
                path: f.path.clone(),
                lines: f.lines,
                open: BTreeMap::new(),
                accepted: 0,
                fixed: 0,
                strengths: 0,
            },
        );
    }
    for f in &findings {
        if let Some(e) = file_map.get_mut(&f.path) {
            match f.standing {
                Standing::Open => *e.open.entry(f.severity).or_default() += 1,
                Standing::Fixed => e.fixed += 1,
                s if s.is_accepted() => e.accepted += 1,
                _ => {}
            }
        }
    }
    for s in &strengths {
        if let Some(e) = file_map.get_mut(&s.path) {
            e.strengths += 1;
        }
    }
    let mut file_lines: Vec<FileLine> = file_map.into_values().collect();
    let risk = |f: &FileLine| -> i64 {
        f.open
            .iter()
            .map(|(s, n)| (super::health::weight(*s) * 100.0) as i64 * *n as i64)
            .sum::<i64>()
    };
    file_lines.sort_by(|a, b| {
        risk(b)
            .cmp(&risk(a))
            .then(b.accepted.cmp(&a.accepted))
            .then(b.fixed.cmp(&a.fixed))
            .then(b.strengths.cmp(&a.strengths))
            .then(a.path.cmp(&b.path))
    });

    let categories: BTreeSet<String> = findings
        .iter()
        .filter(|f| f.detection.is_active())
        .map(|f| f.category.clone())
        .collect();

    let project = opts.project.clone().unwrap_or_else(|| project_name(&scans));
    let rule_ids: Vec<String> = match last_scan.map(|s| s.rule_set.as_str()) {
        Some(set) if !set.trim().is_empty() => {
            let set: BTreeSet<&str> = set.split(',').map(str::trim).collect();
            all_meta
                .iter()
                .filter(|m| set.contains(m.id))
                .map(|m| m.id.to_string())
                .collect()
        }
        _ => all_meta.iter().map(|m| m.id.to_string()).collect(),
    };
    let meta = Meta {
        title: opts
            .title
            .clone()
            .unwrap_or_else(|| format!("{project}: Memory Leaks & Concurrency Audit")),
        date: store::week::date(date_ts),
        auditor: opts.auditor.clone().unwrap_or_else(|| "auditbench".into()),
        client: opts.client.clone(),
        project,
        git_commit: last_scan.and_then(|s| s.git_commit.clone()),
        files_analysed: live.iter().filter(|f| f.analysed).count(),
        lines_analysed: live.iter().filter(|f| f.analysed).map(|f| f.lines).sum(),
        scans: scans.len(),
        first_scan: first_scan.map(|s| store::week::date(s.started_at)),
        last_scan: last_scan.map(|s| store::week::date(s.started_at)),
        rules: rule_ids,
        min_severity: opts.min_severity.as_str().into(),
        statuses: if opts.statuses.is_empty() {
            vec!["all".into()]
        } else {
            opts.statuses
                .iter()
                .map(|t| t.as_str().to_string())
                .collect()
        },
        confidence: opts.confidence.as_str().into(),
        below_confidence: below,
        include_code: opts.include_code,
        include_strengths: opts.include_strengths,
        date_ts,
    };
    Ok(Report {
        format: "auditbench-report".into(),
        version: 1,
        meta,
        health: Health::new(baseline, now),
        severity_table,
        findings,
        issues,
        false_positives,
        patterns: super::strengths::patterns(&strengths),
        strengths,
        plan,
        progress,
        files: file_lines,
        categories: categories.into_iter().collect(),
    })
}

/// An open finding for the renderers' unit tests.
#[cfg(test)]
pub(crate) fn test_item(
    n: &str,
    rule: &str,
    cat: &str,
    path: &str,
    scope: &str,
    msg: &str,
) -> Item {
    use crate::finding::Severity;
    use crate::store::{Detection, Triage};
    Item {
        number: n.into(),
        id: 1,
        rule: rule.into(),
        rule_name: String::new(),
        category: cat.into(),
        title: String::new(),
        severity: Severity::High,
        path: path.into(),
        line: 1,
        end_line: 1,
        scope: scope.into(),
        detection: Detection::Open,
        triage: Triage::NeedsReview,
        standing: crate::store::Standing::Open,
        status: String::new(),
        triage_by: None,
        triage_date: None,
        message: msg.into(),
        impact: String::new(),
        code: None,
        recommended_fix: None,
        after_code: None,
        diff: None,
        note: None,
        suppression: None,
        first_seen: String::new(),
        fixed_on: None,
        fix_commit: None,
        fingerprint: String::new(),
        effort_hours: 1.0,
        baseline_state: "new".into(),
        confidence: None,
        evidence: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn focus_cuts_the_after_block_to_the_changed_part() {
        let before = "async def __aenter__(self):\n    return self\n";
        let after = "class A:\n    x = 1\n\n    async def __aenter__(self):\n        return self\n\n    async def __aexit__(self, *a):\n        pass\n\n\ndef other():\n    pass\n";
        assert_eq!(
            focus(before, after),
            "async def __aenter__(self):\n    return self\n\nasync def __aexit__(self, *a):\n    pass\n"
        );
        assert_eq!(focus("x = 1\n", "y = 2\n"), "y = 2\n");
    }

    #[test]
    fn impacts_are_whole_sentences_without_internal_references() {
        for m in rules::all_meta() {
            if m.kind == crate::finding::Kind::Strength {
                continue;
            }
            let t = impact_of(m);
            assert!(!t.to_lowercase().contains("seed"), "{}: {t}", m.id);
            assert_eq!(
                t.matches('(').count(),
                t.matches(')').count(),
                "{}: {t}",
                m.id
            );
            assert_eq!(t.matches('`').count() % 2, 0, "{}: {t}", m.id);
            assert!(t.ends_with('.'), "{}: {t}", m.id);
        }
        assert_eq!(
            without_seed_refs("State differs. (Seed 000: `f()` made two.) Next."),
            "State differs.  Next."
        );
    }

    #[test]
    fn dates_parse_and_round_trip() {
        assert_eq!(parse_date("2026-01-20"), Some(1_768_867_200));
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("yesterday"), None);
    }
}
