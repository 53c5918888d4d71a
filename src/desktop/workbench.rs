//! The app-wide state behind the commands: preferences, recent projects, the
//! folders the user chose, and the open project. Each Tauri command is one call
//! to a method here (or to the [`Session`] it returns).
//!
//! Which folder may be opened: the web view cannot name an arbitrary folder.
//! `open_project` accepts a folder the user picked in the native dialog, a
//! recent project (one the user opened before), or the folder given on the
//! command line; anything else is refused. Every later path is confined to the
//! open project's root ([`super::confine`]).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use super::confine;
use super::error::{ApiError, ApiResult};
use super::events::Sink;
use super::prefs::Prefs;
use super::session::Session;
use super::types::{ProjectInfo, Settings};
use crate::store;

pub struct Workbench {
    prefs_dir: PathBuf,
    prefs: Mutex<Prefs>,
    /// Canonical folders the user chose in this run (picker, command line).
    chosen: Mutex<HashSet<PathBuf>>,
    session: Mutex<Option<Arc<Session>>>,
    sink: Sink,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Workbench {
    /// `prefs_dir`: the app's config folder (preferences and recent projects).
    pub fn new(prefs_dir: PathBuf, sink: Sink) -> Workbench {
        Workbench {
            prefs: Mutex::new(Prefs::load(&prefs_dir)),
            prefs_dir,
            chosen: Mutex::new(HashSet::new()),
            session: Mutex::new(None),
            sink,
        }
    }

    /// Marks a folder as chosen by the user (native picker, command line).
    pub fn allow_folder(&self, path: &Path) {
        if let Ok(p) = path.canonicalize() {
            lock(&self.chosen).insert(p);
        }
    }

    fn may_open(&self, root: &Path) -> bool {
        lock(&self.chosen).contains(root)
            || lock(&self.prefs)
                .recent
                .iter()
                .any(|r| Path::new(r) == root)
    }

    /// Opens a project (closing the current one) and starts its first scan.
    pub fn open_project(&self, path: &str) -> ApiResult<ProjectInfo> {
        let root = Path::new(path)
            .canonicalize()
            .map_err(|e| ApiError::not_found(format!("cannot open {path}: {e}")))?;
        if !self.may_open(&root) {
            return Err(ApiError::new(
                "outside_root",
                format!("{path} was not chosen in the folder picker: open it with \"Open folder\""),
            ));
        }
        self.close_project();
        let (db, watcher) = {
            let prefs = lock(&self.prefs);
            let key = root.to_string_lossy().into_owned();
            let db = match prefs.db_paths.get(&key).filter(|p| !p.is_empty()) {
                Some(rel) => confine::resolve_new(&root, rel)?,
                None => store::default_path(&root)?,
            };
            (db, prefs.watcher_enabled)
        };
        let session = Session::open(&root, db, watcher, self.sink.clone())?;
        let info = session.info();
        *lock(&self.session) = Some(session);
        let mut prefs = lock(&self.prefs);
        prefs.touch_recent(&info.root);
        if let Err(e) = prefs.save(&self.prefs_dir) {
            tracing::warn!("{}", e.message);
        }
        Ok(info)
    }

    pub fn close_project(&self) {
        if let Some(s) = lock(&self.session).take() {
            s.close();
        }
    }

    pub fn project_info(&self) -> Option<ProjectInfo> {
        lock(&self.session).as_ref().map(|s| s.info())
    }

    /// Recent projects that still exist, most recent first.
    pub fn recent_projects(&self) -> Vec<String> {
        lock(&self.prefs)
            .recent
            .iter()
            .filter(|r| Path::new(r).is_dir())
            .cloned()
            .collect()
    }

    /// The open project, or `no_project`.
    pub fn session(&self) -> ApiResult<Arc<Session>> {
        lock(&self.session).clone().ok_or_else(ApiError::no_project)
    }

    pub fn open_in_editor(&self, path: &str, line: usize) -> ApiResult<()> {
        let template = lock(&self.prefs).editor_command.clone();
        self.session()?.open_in_editor(path, line, &template)
    }

    pub fn dashboard(&self, weeks: Option<usize>) -> ApiResult<super::dashboard::Dashboard> {
        let sla = lock(&self.prefs).sla_days;
        self.session()?.dashboard(weeks, &sla)
    }

    pub fn settings(&self) -> ApiResult<Settings> {
        let prefs = lock(&self.prefs).clone();
        let session = lock(&self.session).clone();
        let (db_path, excludes) = match &session {
            Some(s) => (
                s.db_path
                    .strip_prefix(&s.root)
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_default(),
                s.excludes()?,
            ),
            None => (String::new(), vec![]),
        };
        Ok(Settings {
            editor_command: prefs.editor_command,
            db_path,
            watcher_enabled: prefs.watcher_enabled,
            excludes,
            sla_days: prefs.sla_days,
        })
    }

    /// Saves the settings; a new database location or watcher switch reopens
    /// the project, new excludes re-scan it.
    pub fn set_settings(&self, new: Settings) -> ApiResult<Settings> {
        if new.editor_command.trim().is_empty() {
            return Err(ApiError::invalid("the editor command is empty"));
        }
        super::editor::command_line(&new.editor_command, Path::new("x"), 1)?;
        let old_watcher = lock(&self.prefs).watcher_enabled;
        let session = lock(&self.session).clone();
        let mut reopen = old_watcher != new.watcher_enabled;
        if let Some(s) = &session {
            // Checked before anything is saved.
            let rel = new.db_path.trim();
            let db = if rel.is_empty() {
                store::default_path(&s.root)?
            } else {
                confine::resolve_new(&s.root, rel)?
            };
            reopen |= db != s.db_path;
            s.set_excludes(&new.excludes)?;
            let mut prefs = lock(&self.prefs);
            let key = s.root.to_string_lossy().into_owned();
            if rel.is_empty() {
                prefs.db_paths.remove(&key);
            } else {
                prefs.db_paths.insert(key, rel.to_string());
            }
        }
        {
            let mut prefs = lock(&self.prefs);
            prefs.editor_command = new.editor_command.clone();
            prefs.watcher_enabled = new.watcher_enabled;
            prefs.sla_days = new.sla_days;
            prefs.save(&self.prefs_dir)?;
        }
        if let (true, Some(s)) = (reopen, session) {
            self.open_project(&s.root.to_string_lossy())?;
        }
        self.settings()
    }
}
