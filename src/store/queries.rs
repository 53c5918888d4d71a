//! Read queries for the CLI, the report and the desktop app: filtered and sorted
//! finding lists with counts, per-file counts, weekly aggregates, and one
//! finding's full history.
//!
//! Strengths (`kind = 'strength'`) are stored next to findings but stay out of
//! these queries (unless [`FindingFilter::include_strengths`]); one finding's
//! history ([`Store::finding`], [`Store::history`]) works for both.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{params_from_iter, types::Value, OptionalExtension, Row};
use serde::Serialize;

use super::error::{Result, StoreError};
use super::standing::Standing;
use super::types::{Detection, Triage};
use super::week;
use super::Store;
use crate::finding::Severity;

/// SQL for the effective triage: a suppression comment wins over the stored one.
const TRIAGE_SQL: &str = "CASE WHEN suppressed = 1 THEN 'suppressed' ELSE triage END";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    /// Most severe first, then path and line.
    #[default]
    Severity,
    Path,
    Rule,
    /// Most recently first seen first.
    Newest,
}

/// Empty lists mean "any".
#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    pub detection: Vec<Detection>,
    pub triage: Vec<Triage>,
    pub severity: Vec<Severity>,
    /// Rule ids, or family prefixes (`RES`).
    pub rules: Vec<String>,
    /// Any part of a path, case-insensitive (`app/db.py`, `app/`, `clients`
    /// finds `app/clients/x.py`); `%` and `_` match themselves, `\` is read
    /// as `/`.
    pub path: Option<String>,
    /// Confidence levels (`high`, `medium`, `low`); a finding without one
    /// (manual, or recorded before confidence existed) passes any.
    pub confidence: Vec<String>,
    pub sort: SortKey,
    pub limit: Option<usize>,
    pub offset: usize,
    /// Also list strengths (good patterns, `kind = 'strength'`); default: findings only.
    pub include_strengths: bool,
    /// Free text matched (case-insensitive, as a substring) against the rule id,
    /// rule name, path, message and title.
    pub text: Option<String>,
}

impl FindingFilter {
    /// The findings that count as open (`super::standing`): detected now and
    /// not triaged away.
    pub fn open() -> FindingFilter {
        FindingFilter {
            detection: vec![Detection::Open, Detection::Regressed],
            triage: super::standing::open_triage(),
            ..Default::default()
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FindingRow {
    pub id: i64,
    pub fingerprint: String,
    pub rule: String,
    pub name: String,
    pub severity: Option<String>,
    pub path: String,
    pub line: usize,
    pub end_line: usize,
    pub scope: String,
    pub message: String,
    pub detection: String,
    pub triage: String,
    pub note: Option<String>,
    pub triage_by: Option<String>,
    pub triage_at: Option<i64>,
    pub suppression: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub fix_before: Option<String>,
    pub fix_after: Option<String>,
    /// The real code at the place after the fix (fixed findings).
    pub after_code: Option<String>,
    pub after_line: Option<usize>,
    pub first_seen_at: i64,
    pub last_seen_at: i64,
    pub fixed_at: Option<i64>,
    /// How sure the scan is (`high`, `medium`, `low`; `None` for manual
    /// findings and those recorded before confidence existed).
    pub confidence: Option<String>,
    /// The project model's evidence path (entry point first).
    pub evidence: Vec<crate::finding::Related>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct FindingList {
    pub items: Vec<FindingRow>,
    /// Matching findings before limit/offset.
    pub total: usize,
    /// Counts over all matching findings.
    pub by_severity: BTreeMap<String, usize>,
    pub by_detection: BTreeMap<String, usize>,
    pub by_triage: BTreeMap<String, usize>,
    pub by_rule: BTreeMap<String, usize>,
    /// `none` counts the findings without a confidence.
    pub by_confidence: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FileCount {
    pub path: String,
    /// Open or regressed findings.
    pub open: usize,
    pub by_severity: BTreeMap<String, usize>,
    pub fixed: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct WeekRow {
    /// `2026-W07`
    pub week: String,
    /// Monday of the week, `2026-02-09`.
    pub starts: String,
    pub new: usize,
    pub fixed: usize,
    pub regressed: usize,
    /// Open at the end of the week (`super::standing`: detected and, by the
    /// current triage, not false positive, suppressed nor accepted), by
    /// current severity.
    pub open_by_severity: BTreeMap<String, usize>,
    pub open: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HistoryEvent {
    pub at: i64,
    pub actor: String,
    pub kind: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub note: Option<String>,
    pub scan_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    pub line: usize,
    pub end_line: usize,
    pub at: i64,
    pub scan_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingDetail {
    pub finding: FindingRow,
    pub locations: Vec<Location>,
    pub events: Vec<HistoryEvent>,
}

pub(super) const COLUMNS: &str =
    "id, fingerprint, rule, name, severity, path, line, end_line, scope, message,
    detection, CASE WHEN suppressed = 1 THEN 'suppressed' ELSE triage END, triage_note, triage_by,
    triage_at, suppression, title, description, fix_before, fix_after, after_code, after_line,
    first_seen_at, last_seen_at, fixed_at, confidence, evidence";

/// A [`FindingRow`] from the first columns of a query selecting [`COLUMNS`].
pub(super) fn row(r: &Row) -> rusqlite::Result<FindingRow> {
    Ok(FindingRow {
        id: r.get(0)?,
        fingerprint: r.get(1)?,
        rule: r.get(2)?,
        name: r.get(3)?,
        severity: r.get(4)?,
        path: r.get(5)?,
        line: r.get::<_, i64>(6)? as usize,
        end_line: r.get::<_, i64>(7)? as usize,
        scope: r.get(8)?,
        message: r.get(9)?,
        detection: r.get(10)?,
        triage: r.get(11)?,
        note: r.get(12)?,
        triage_by: r.get(13)?,
        triage_at: r.get(14)?,
        suppression: r.get(15)?,
        title: r.get(16)?,
        description: r.get(17)?,
        fix_before: r.get(18)?,
        fix_after: r.get(19)?,
        after_code: r.get(20)?,
        after_line: r.get::<_, Option<i64>>(21)?.map(|v| v as usize),
        first_seen_at: r.get(22)?,
        last_seen_at: r.get(23)?,
        fixed_at: r.get(24)?,
        confidence: r.get(25)?,
        evidence: r
            .get::<_, Option<String>>(26)?
            .and_then(|e| serde_json::from_str(&e).ok())
            .unwrap_or_default(),
    })
}

fn in_list(col: &str, values: Vec<String>, args: &mut Vec<Value>) -> String {
    let marks: Vec<String> = values
        .into_iter()
        .map(|v| {
            args.push(Value::Text(v));
            format!("?{}", args.len())
        })
        .collect();
    format!("{col} IN ({})", marks.join(", "))
}

/// `s` as a LIKE pattern that matches itself (with `ESCAPE '\\'`).
fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

const SEVERITY_RANK: &str = "CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 WHEN 'info' THEN 4 ELSE 5 END";

impl Store {
    /// A filtered, sorted page of findings with counts over all matches.
    pub fn findings(&self, filter: &FindingFilter) -> Result<FindingList> {
        let mut args: Vec<Value> = vec![];
        let mut conds: Vec<String> = vec!["1 = 1".into()];
        if !filter.include_strengths {
            conds.push("kind = 'finding'".into());
        }
        if !filter.detection.is_empty() {
            let v = filter
                .detection
                .iter()
                .map(|d| d.as_str().to_string())
                .collect();
            conds.push(in_list("detection", v, &mut args));
        }
        if !filter.triage.is_empty() {
            let v = filter
                .triage
                .iter()
                .map(|d| d.as_str().to_string())
                .collect();
            conds.push(in_list(&format!("({TRIAGE_SQL})"), v, &mut args));
        }
        if !filter.severity.is_empty() {
            let v = filter
                .severity
                .iter()
                .map(|d| d.as_str().to_string())
                .collect();
            conds.push(in_list("severity", v, &mut args));
        }
        if !filter.rules.is_empty() {
            let mut ors = vec![];
            for r in &filter.rules {
                args.push(Value::Text(r.to_ascii_uppercase()));
                let n = args.len();
                ors.push(format!(
                    "(rule = ?{n} OR rule LIKE ?{n} || '0%' OR rule LIKE ?{n} || '1%')"
                ));
            }
            conds.push(format!("({})", ors.join(" OR ")));
        }
        if !filter.confidence.is_empty() {
            let v = filter.confidence.iter().map(|c| c.to_lowercase()).collect();
            let cond = in_list("confidence", v, &mut args);
            conds.push(format!("(confidence IS NULL OR {cond})"));
        }
        if let Some(p) = filter.path.as_deref().filter(|p| !p.is_empty()) {
            // Any part of the path: a file, a folder, or a name inside one.
            let p = p.replace('\\', "/");
            let p = p.trim_start_matches("./");
            args.push(Value::Text(format!("%{}%", like_escape(p))));
            conds.push(format!("path LIKE ?{} ESCAPE '\\'", args.len()));
        }
        if let Some(t) = filter
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            // LIKE with an escape character, so that `%` and `_` match themselves.
            let pattern = like_escape(&t.to_lowercase());
            args.push(Value::Text(format!("%{pattern}%")));
            let n = args.len();
            let cols = ["rule", "name", "path", "message", "coalesce(title, '')"];
            let ors: Vec<String> = cols
                .iter()
                .map(|c| format!("lower({c}) LIKE ?{n} ESCAPE '\\'"))
                .collect();
            conds.push(format!("({})", ors.join(" OR ")));
        }
        let where_ = conds.join(" AND ");
        let order = match filter.sort {
            SortKey::Severity => format!("{SEVERITY_RANK}, path, line, id"),
            SortKey::Path => "path, line, id".to_string(),
            SortKey::Rule => "rule, path, line, id".to_string(),
            SortKey::Newest => "first_seen_at DESC, id DESC".to_string(),
        };
        let sql = format!("SELECT {COLUMNS} FROM findings WHERE {where_} ORDER BY {order}");
        let mut st = self.conn.prepare(&sql)?;
        let all: Vec<FindingRow> = st
            .query_map(params_from_iter(args.iter()), row)?
            .collect::<rusqlite::Result<_>>()
            .map_err(|e| StoreError::from_sqlite(e, &self.path))?;
        let mut list = FindingList {
            total: all.len(),
            ..Default::default()
        };
        for f in &all {
            *list
                .by_severity
                .entry(f.severity.clone().unwrap_or_else(|| "none".into()))
                .or_default() += 1;
            *list.by_detection.entry(f.detection.clone()).or_default() += 1;
            *list.by_triage.entry(f.triage.clone()).or_default() += 1;
            *list.by_rule.entry(f.rule.clone()).or_default() += 1;
            *list
                .by_confidence
                .entry(f.confidence.clone().unwrap_or_else(|| "none".into()))
                .or_default() += 1;
        }
        list.items = all
            .into_iter()
            .skip(filter.offset)
            .take(filter.limit.unwrap_or(usize::MAX))
            .collect();
        Ok(list)
    }

    /// One finding.
    pub fn finding(&self, id: i64) -> Result<FindingRow> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM findings WHERE id = ?1"),
                [id],
                row,
            )
            .optional()?
            .ok_or(StoreError::NoSuchFinding(id))
    }

    /// One finding with its locations over time and its events, oldest first.
    pub fn history(&self, id: i64) -> Result<FindingDetail> {
        let finding = self.finding(id)?;
        let mut st = self.conn.prepare(
            "SELECT path, line, end_line, at, scan_id FROM locations WHERE finding_id = ?1
             ORDER BY at, id",
        )?;
        let locations = st
            .query_map([id], |r| {
                Ok(Location {
                    path: r.get(0)?,
                    line: r.get::<_, i64>(1)? as usize,
                    end_line: r.get::<_, i64>(2)? as usize,
                    at: r.get(3)?,
                    scan_id: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut st = self.conn.prepare(
            "SELECT at, actor, kind, from_value, to_value, note, scan_id FROM events
             WHERE finding_id = ?1 ORDER BY at, id",
        )?;
        let events = st
            .query_map([id], |r| {
                Ok(HistoryEvent {
                    at: r.get(0)?,
                    actor: r.get(1)?,
                    kind: r.get(2)?,
                    from: r.get(3)?,
                    to: r.get(4)?,
                    note: r.get(5)?,
                    scan_id: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(FindingDetail {
            finding,
            locations,
            events,
        })
    }

    /// Per-file counts of findings open now (and fixed), most open first
    /// (strengths not counted).
    pub fn file_counts(&self) -> Result<Vec<FileCount>> {
        let mut st = self
            .conn
            .prepare("SELECT path, severity, detection FROM findings WHERE kind = 'finding'")?;
        let mut map: BTreeMap<String, FileCount> = BTreeMap::new();
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for r in rows {
            let (path, sev, det) = r?;
            let e = map.entry(path.clone()).or_insert_with(|| FileCount {
                path,
                open: 0,
                by_severity: BTreeMap::new(),
                fixed: 0,
            });
            match Detection::parse(&det) {
                Some(d) if d.is_active() => {
                    e.open += 1;
                    *e.by_severity
                        .entry(sev.unwrap_or_else(|| "none".into()))
                        .or_default() += 1;
                }
                Some(Detection::Fixed) => e.fixed += 1,
                _ => {}
            }
        }
        let mut v: Vec<FileCount> = map.into_values().collect();
        v.sort_by(|a, b| b.open.cmp(&a.open).then(a.path.cmp(&b.path)));
        Ok(v)
    }

    /// The last `weeks` ISO weeks up to the week containing `now` (default: the
    /// current time), oldest first: new, fixed, regressed in the week and open at
    /// its end, replayed from the event log (findings only, not strengths).
    pub fn weekly(&self, weeks: usize, now: Option<i64>) -> Result<Vec<WeekRow>> {
        self.weekly_except(weeks, now, &std::collections::HashSet::new())
    }

    /// [`Store::weekly`] without the findings `skip` (the report's, left out
    /// by its confidence threshold): they count in no column.
    pub fn weekly_except(
        &self,
        weeks: usize,
        now: Option<i64>,
        skip: &std::collections::HashSet<i64>,
    ) -> Result<Vec<WeekRow>> {
        let now = now.unwrap_or_else(super::now);
        let weeks = weeks.max(1);
        let first = week::week_start(now) - (weeks as i64 - 1) * week::WEEK;
        // Current severity and whether the finding counts (not a false positive).
        let mut info: HashMap<i64, (String, bool, bool)> = HashMap::new();
        {
            let mut st = self.conn.prepare(&format!(
                "SELECT id, coalesce(severity, 'none'), ({TRIAGE_SQL}) FROM findings
                 WHERE kind = 'finding'"
            ))?;
            let rows = st.query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?;
            for r in rows {
                let (id, sev, tri) = r?;
                let tri = Triage::parse(&tri).unwrap_or(Triage::NeedsReview);
                // Open at a week's end and found in a week by today's triage (as
                // the report counts them): a false positive was never found.
                let open = Standing::of(Detection::Open, tri) == Standing::Open;
                info.insert(id, (sev, open, tri != Triage::FalsePositive));
            }
        }
        let mut st = self.conn.prepare(
            "SELECT e.finding_id, e.at, e.kind, e.to_value FROM events e
             JOIN findings f ON f.id = e.finding_id
             WHERE e.kind IN ('detected', 'fixed', 'regressed', 'removed')
               AND f.kind = 'finding'
             ORDER BY e.at, e.id",
        )?;
        let events: Vec<(i64, i64, String, Option<String>)> = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut state: HashMap<i64, bool> = HashMap::new(); // open?
        let mut idx = 0;
        let mut out = vec![];
        for w in 0..weeks {
            let start = first + w as i64 * week::WEEK;
            let end = start + week::WEEK;
            // Replay everything before this week's start without counting.
            let mut row = WeekRow {
                week: week::iso_week(start),
                starts: week::date(start),
                new: 0,
                fixed: 0,
                regressed: 0,
                open_by_severity: BTreeMap::new(),
                open: 0,
            };
            while idx < events.len() && events[idx].1 < end {
                let (id, at, kind, to) = &events[idx];
                if skip.contains(id) {
                    idx += 1;
                    continue;
                }
                let counted = *at >= start;
                match kind.as_str() {
                    "detected" => {
                        // A first detection is new; a re-detection (removed -> open) is not.
                        let found = info.get(id).is_some_and(|i| i.2);
                        if counted
                            && found
                            && to.as_deref() == Some("open")
                            && !state.contains_key(id)
                        {
                            row.new += 1;
                        }
                        state.insert(*id, true);
                    }
                    "regressed" => {
                        if counted {
                            row.regressed += 1;
                        }
                        state.insert(*id, true);
                    }
                    "fixed" => {
                        if counted {
                            row.fixed += 1;
                        }
                        state.insert(*id, false);
                    }
                    _ => {
                        state.insert(*id, false);
                    }
                }
                idx += 1;
            }
            for (id, open) in &state {
                if !open {
                    continue;
                }
                if let Some((sev, counts, _)) = info.get(id) {
                    if *counts {
                        row.open += 1;
                        *row.open_by_severity.entry(sev.clone()).or_default() += 1;
                    }
                }
            }
            out.push(row);
        }
        Ok(out)
    }

    /// The fingerprints of the findings triaged as needing no action
    /// ([`Triage::DISMISSED`]), for the CI gate.
    pub fn dismissed_fingerprints(&self) -> Result<std::collections::HashSet<String>> {
        let list = Triage::DISMISSED
            .iter()
            .map(|t| format!("'{}'", t.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        let mut st = self.conn.prepare(&format!(
            "SELECT fingerprint FROM findings WHERE triage IN ({list})"
        ))?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
