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
/// db.py", "configuration changed: 3 removed".
pub fn notice(summary: &SyncSummary, paths: &[String], config_changed: bool) -> String {
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
    if config_changed {
        return format!("configuration changed: {changes}");
    }
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

impl FindingsChanged {
    pub fn new(summary: &SyncSummary, paths: Vec<String>, config_changed: bool) -> Self {
        FindingsChanged {
            headline: notice(summary, &paths, config_changed),
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
            "configuration changed: 2 fixed, 1 new"
        );
        assert_eq!(
            notice(&s, &["a.py".into(), "b.py".into(), "c.py".into()], false),
            "2 fixed, 1 new in a.py and 2 other files"
        );
    }
}
