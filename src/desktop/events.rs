//! Events the backend pushes to the web view (docs/desktop-api.md, "Events").
//! The library only calls a [`Sink`]; the Tauri shell forwards each event with
//! `emit(name, payload)`, tests collect them.

use std::sync::Arc;

use serde::Serialize;

use super::error::ApiError;
use crate::store::SyncSummary;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanFinished {
    pub headline: String,
    pub new: usize,
    pub fixed: usize,
    pub regressed: usize,
    pub files: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingsChanged {
    /// A short notice: "2 fixed, 1 new in cache.py".
    pub headline: String,
    /// Relative paths the batch re-scanned or removed.
    pub paths: Vec<String>,
    pub new: usize,
    pub fixed: usize,
    pub regressed: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    ScanProgress(Progress),
    ScanFinished(ScanFinished),
    FindingsChanged(FindingsChanged),
    ProjectError(ApiError),
    /// The watcher started (it is ready for changes) or stopped.
    WatcherState(WatcherState),
}

/// Payload of `watcher-state`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct WatcherState {
    pub watching: bool,
}

impl Event {
    /// The event name the web view listens to.
    pub fn name(&self) -> &'static str {
        match self {
            Event::ScanProgress(_) => "scan-progress",
            Event::ScanFinished(_) => "scan-finished",
            Event::FindingsChanged(_) => "findings-changed",
            Event::ProjectError(_) => "project-error",
            Event::WatcherState(_) => "watcher-state",
        }
    }

    pub fn payload(&self) -> serde_json::Value {
        let v = match self {
            Event::ScanProgress(p) => serde_json::to_value(p),
            Event::ScanFinished(p) => serde_json::to_value(p),
            Event::FindingsChanged(p) => serde_json::to_value(p),
            Event::ProjectError(p) => serde_json::to_value(p),
            Event::WatcherState(p) => serde_json::to_value(p),
        };
        v.unwrap_or(serde_json::Value::Null)
    }
}

pub type Sink = Arc<dyn Fn(Event) + Send + Sync>;

/// A sink that drops every event.
pub fn null_sink() -> Sink {
    Arc::new(|_| {})
}

/// The notice shown after a batch: "2 fixed, 1 new in cache.py", "no change in
/// db.py"; after a configuration change, what it hid and showed, by rule:
/// "configuration changed: 211 findings of RES005 hidden".
pub fn notice(summary: &SyncSummary, paths: &[String], config_changed: bool) -> String {
    if config_changed {
        return config_notice(summary, "configuration changed");
    }
    let mut parts = vec![];
    for (n, word) in [
        (summary.fixed.len(), "fixed"),
        (summary.new.len(), "new"),
        (summary.regressed.len(), "regressed"),
        (summary.removed.len(), "removed"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    let changes = if parts.is_empty() {
        "no change".to_string()
    } else {
        parts.join(", ")
    };
    let names: Vec<&str> = paths
        .iter()
        .map(|p| p.rsplit('/').next().unwrap_or(p))
        .collect();
    match names.as_slice() {
        [] => changes,
        [one] => format!("{changes} in {one}"),
        [a, b] => format!("{changes} in {a} and {b}"),
        [a, rest @ ..] => format!("{changes} in {a} and {} other files", rest.len()),
    }
}

/// A re-scan after a configuration change (a rule switched, new excludes):
/// `what` ("RES005 disabled") then the findings it hid (removed) and showed
/// (new or back), by rule, and any fixed or regressed.
pub fn config_notice(summary: &SyncSummary, what: &str) -> String {
    let mut parts = vec![];
    if !summary.removed.is_empty() {
        parts.push(format!("{} hidden", by_rule(&summary.removed)));
    }
    if !summary.new.is_empty() {
        parts.push(format!("{} shown", by_rule(&summary.new)));
    }
    for (n, word) in [
        (summary.fixed.len(), "fixed"),
        (summary.regressed.len(), "regressed"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    if parts.is_empty() {
        format!("{what}: no finding hidden or shown")
    } else {
        format!("{what}: {}", parts.join(", "))
    }
}

/// "211 findings of RES005", "1 finding of RES005", "240 findings (211 RES005,
/// 29 ERR002)" (the three largest rules, then "...").
fn by_rule(refs: &[crate::store::FindingRef]) -> String {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for r in refs {
        *counts.entry(r.rule.as_str()).or_default() += 1;
    }
    let n = refs.len();
    let noun = if n == 1 { "finding" } else { "findings" };
    if counts.len() == 1 {
        let rule = counts.keys().next().copied().unwrap_or_default();
        return format!("{n} {noun} of {rule}");
    }
    let mut v: Vec<(&str, usize)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut shown: Vec<String> = v.iter().take(3).map(|(r, c)| format!("{c} {r}")).collect();
    if v.len() > 3 {
        shown.push("...".into());
    }
    format!("{n} {noun} ({})", shown.join(", "))
}

impl FindingsChanged {
    pub fn new(summary: &SyncSummary, paths: Vec<String>, config_changed: bool) -> Self {
        Self::with_headline(
            summary,
            paths.clone(),
            notice(summary, &paths, config_changed),
        )
    }

    pub fn with_headline(summary: &SyncSummary, paths: Vec<String>, headline: String) -> Self {
        FindingsChanged {
            headline,
            paths,
            new: summary.new.len(),
            fixed: summary.fixed.len(),
            regressed: summary.regressed.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::FindingRef;

    fn r() -> FindingRef {
        FindingRef {
            id: 1,
            rule: "MEM001".into(),
            severity: Some("high".into()),
            path: "app/cache.py".into(),
            line: 1,
            message: "m".into(),
        }
    }

    #[test]
    fn notice_names_the_changes_and_the_file() {
        let s = SyncSummary {
            fixed: vec![r(), r()],
            new: vec![r()],
            ..Default::default()
        };
        assert_eq!(
            notice(&s, &["app/cache.py".into()], false),
            "2 fixed, 1 new in cache.py"
        );
        assert_eq!(
            notice(
                &SyncSummary::default(),
                &["a/db.py".into(), "b.py".into()],
                false
            ),
            "no change in db.py and b.py"
        );
        assert_eq!(
            notice(&s, &["a.py".into(), "b.py".into(), "c.py".into()], true),
            "configuration changed: 1 finding of MEM001 shown, 2 fixed"
        );
        // A rule switched off: what it hid, by rule, not "no change".
        let of = |rule: &str, n: usize| {
            (0..n)
                .map(|_| FindingRef {
                    rule: rule.into(),
                    ..r()
                })
                .collect::<Vec<_>>()
        };
        let off = SyncSummary {
            removed: of("RES005", 211),
            ..Default::default()
        };
        assert_eq!(
            config_notice(&off, "RES005 disabled"),
            "RES005 disabled: 211 findings of RES005 hidden"
        );
        let mixed = SyncSummary {
            removed: [of("RES005", 3), of("ERR002", 5), of("A1", 1), of("B1", 1)].concat(),
            ..Default::default()
        };
        assert_eq!(
            notice(&mixed, &[], true),
            "configuration changed: 10 findings (5 ERR002, 3 RES005, 1 A1, ...) hidden"
        );
        assert_eq!(
            config_notice(&SyncSummary::default(), "RES005 severity high"),
            "RES005 severity high: no finding hidden or shown"
        );
        assert_eq!(
            notice(&s, &["a.py".into(), "b.py".into(), "c.py".into()], false),
            "2 fixed, 1 new in a.py and 2 other files"
        );
    }
}
