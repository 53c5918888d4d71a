//! The app's own preferences (not the project's): recent projects, the editor
//! command, the watcher switch, the overdue targets, and per-project database
//! locations. One JSON file in the app's config folder; a missing or unreadable
//! file gives the defaults (and a warning), never a failure to start.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::{ApiError, ApiResult};
use super::types::SlaDays;

pub const FILE_NAME: &str = "preferences.json";
/// How many recent projects are kept.
pub const MAX_RECENT: usize = 10;
pub const DEFAULT_EDITOR: &str = "code -g {path}:{line}";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", default)]
pub struct Prefs {
    /// Canonical project folders, most recent first.
    pub recent: Vec<String>,
    pub editor_command: String,
    pub watcher_enabled: bool,
    pub sla_days: SlaDays,
    /// Project root -> database path relative to it (absent = default).
    pub db_paths: BTreeMap<String, String>,
    /// Project roots whose database lives in the app's data folder (a
    /// read-only checkout), not in the project.
    pub app_db: BTreeSet<String>,
    /// Who signs triage and notes in the app ("" = the project's report
    /// auditor, else the account).
    pub auditor: String,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            recent: vec![],
            editor_command: DEFAULT_EDITOR.into(),
            watcher_enabled: true,
            sla_days: SlaDays::default(),
            db_paths: BTreeMap::new(),
            app_db: BTreeSet::new(),
            auditor: String::new(),
        }
    }
}

impl Prefs {
    pub fn load(dir: &Path) -> Prefs {
        let path = dir.join(FILE_NAME);
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).unwrap_or_else(|e| {
                tracing::warn!("ignoring unreadable preferences {}: {e}", path.display());
                Prefs::default()
            }),
            Err(_) => Prefs::default(),
        }
    }

    /// Writes the file atomically (temp file + rename).
    pub fn save(&self, dir: &Path) -> ApiResult<()> {
        let io = |e: std::io::Error| ApiError::io(format!("cannot save preferences: {e}"));
        std::fs::create_dir_all(dir).map_err(io)?;
        let tmp: PathBuf = dir.join(format!("{FILE_NAME}.tmp"));
        let text = serde_json::to_string_pretty(self).map_err(|e| ApiError::io(e.to_string()))?;
        std::fs::write(&tmp, text).map_err(io)?;
        std::fs::rename(&tmp, dir.join(FILE_NAME)).map_err(io)
    }

    pub fn touch_recent(&mut self, root: &str) {
        self.recent.retain(|r| r != root);
        self.recent.insert(0, root.to_string());
        self.recent.truncate(MAX_RECENT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_recent_order() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Prefs::load(dir.path()), Prefs::default());
        let mut p = Prefs::default();
        for r in ["/a", "/b", "/a"] {
            p.touch_recent(r);
        }
        assert_eq!(p.recent, ["/a", "/b"]);
        p.save(dir.path()).unwrap();
        assert_eq!(Prefs::load(dir.path()), p);
        std::fs::write(dir.path().join(FILE_NAME), "{not json").unwrap();
        assert_eq!(Prefs::load(dir.path()), Prefs::default());
    }
}
