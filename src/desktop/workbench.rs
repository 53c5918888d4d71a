//! The app-wide state behind the commands: preferences, recent projects, the
//! folders the user chose, and the open project. Each Tauri command is one call
//! to a method here (or to the [`Session`] it returns).
//!
//! Which folder may be opened: the web view cannot name an arbitrary folder.
//! `open_project` accepts a folder the user picked in the native dialog, a
//! recent project (one the user opened before), or the folder given on the
//! command line; anything else is refused. Every later path is confined to the
//! open project's root ([`super::confine`]).
//!
//! The database lives in the project (`.auditbench/audit.db`, or the relative
//! path of Settings) or, for a read-only checkout, in the app's data folder
//! ([`confine::app_db_path`]): when the project's cannot be created,
//! `open_project` fails with `db_unwritable` and the UI offers the data folder.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use super::confine;
use super::error::{ApiError, ApiResult};
use super::events::Sink;
use super::prefs::Prefs;
use super::session::Session;
use super::types::{ProjectInfo, Settings, StartupProblem};
use crate::store;

pub struct Workbench {
    prefs_dir: PathBuf,
    /// The app's data folder (databases of read-only checkouts).
    data_dir: PathBuf,
    /// The project given at start that could not be opened (shown on the
    /// start screen until a project opens).
    startup_problem: Mutex<Option<StartupProblem>>,
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
    /// The data folder is `prefs_dir/data` ([`Workbench::with_data_dir`] to choose).
    pub fn new(prefs_dir: PathBuf, sink: Sink) -> Workbench {
        let data_dir = prefs_dir.join("data");
        Workbench::with_data_dir(prefs_dir, data_dir, sink)
    }

    /// `data_dir`: the app's data folder, where the databases of read-only
    /// checkouts go.
    pub fn with_data_dir(prefs_dir: PathBuf, data_dir: PathBuf, sink: Sink) -> Workbench {
        Workbench {
            prefs: Mutex::new(Prefs::load(&prefs_dir)),
            prefs_dir,
            data_dir,
            startup_problem: Mutex::new(None),
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
        self.open_project_with(path, None)
    }

    /// Opens the project given at start; when it cannot be opened, the reason
    /// is kept for the start screen ([`Workbench::startup_problem`]).
    pub fn open_startup_project(&self, path: &Path) {
        self.allow_folder(path);
        let shown = path.to_string_lossy().into_owned();
        if let Err(e) = self.open_project(&shown) {
            tracing::error!("cannot open {shown}: {}", e.message);
            *lock(&self.startup_problem) = Some(StartupProblem {
                path: path
                    .canonicalize()
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or(shown),
                kind: e.kind,
                message: e.message,
            });
        }
    }

    /// Why the project given at start is not open (`None` once a project opened).
    pub fn startup_problem(&self) -> Option<StartupProblem> {
        lock(&self.startup_problem).clone()
    }

    /// [`Workbench::open_project`]; `db_in_app_data`: keep (`true`) or stop
    /// keeping (`false`) this project's database in the app's data folder
    /// (remembered); `None`: as before.
    pub fn open_project_with(
        &self,
        path: &str,
        db_in_app_data: Option<bool>,
    ) -> ApiResult<ProjectInfo> {
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
        let key = root.to_string_lossy().into_owned();
        let (db, in_app, watcher, auditor) = {
            let prefs = lock(&self.prefs);
            let in_app = db_in_app_data.unwrap_or_else(|| prefs.app_db.contains(&key));
            let db = if in_app {
                confine::app_db_path(&self.data_dir, &root)?
            } else {
                match prefs.db_paths.get(&key).filter(|p| !p.is_empty()) {
                    Some(rel) => confine::resolve_new(&root, rel)?,
                    None => store::default_path(&root)?,
                }
            };
            (db, in_app, prefs.watcher_enabled, prefs.auditor.clone())
        };
        let session = match Session::open(&root, db.clone(), watcher, self.sink.clone()) {
            Ok(s) => s,
            // The project's database cannot be created or opened (a read-only
            // checkout): say so, and that the app's data folder is the way out.
            Err(e) if !in_app && matches!(e.kind.as_str(), "io" | "db_error") => {
                return Err(ApiError::new(
                    "db_unwritable",
                    format!(
                        "cannot create the project database {}: {}. Is the folder read-only? \
                         The database can live in the app's data folder instead.",
                        db.display(),
                        e.message
                    ),
                ))
            }
            Err(e) => return Err(e),
        };
        session.set_auditor(&auditor);
        let info = session.info();
        *lock(&self.session) = Some(session);
        *lock(&self.startup_problem) = None;
        let mut prefs = lock(&self.prefs);
        if in_app {
            prefs.app_db.insert(key);
        } else {
            prefs.app_db.remove(&key);
        }
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
        let (db_path, excludes, in_app) = match &session {
            Some(s) => (
                s.db_path
                    .strip_prefix(&s.root)
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_default(),
                s.excludes()?,
                prefs.app_db.contains(&*s.root.to_string_lossy()),
            ),
            None => (String::new(), vec![], false),
        };
        Ok(Settings {
            editor_command: prefs.editor_command,
            db_path,
            db_in_app_data: in_app,
            auditor: prefs.auditor,
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
            let db = if new.db_in_app_data {
                confine::app_db_path(&self.data_dir, &s.root)?
            } else if rel.is_empty() {
                store::default_path(&s.root)?
            } else {
                confine::resolve_new(&s.root, rel)?
            };
            reopen |= db != s.db_path;
            s.set_auditor(&new.auditor);
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
            prefs.auditor = new.auditor.trim().to_string();
            prefs.save(&self.prefs_dir)?;
        }
        if let (true, Some(s)) = (reopen, session) {
            self.open_project_with(&s.root.to_string_lossy(), Some(new.db_in_app_data))?;
        }
        self.settings()
    }
}
