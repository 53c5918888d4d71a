//! The project layer: what every front end (CLI `scan` and `watch`, the
//! desktop app) does with a project, above the scan, the store and the
//! watcher, which know nothing of each other:
//!
//! - [`Project::open`]: the project folder, its configuration and where its
//!   database is; [`discover`]: the project that holds a path;
//! - [`record`]: scan and record a whole project (skipping the files the
//!   database recorded unchanged), or one file of it;
//! - [`live`]: a project kept live for the watcher: the opened state and the
//!   recorder of its batches.

pub mod discover;
pub mod live;
pub mod manual;
pub mod record;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::config::Config;
use crate::store::{self, Store};

/// An opened project: a folder, its configuration and its database's path.
#[derive(Debug, Clone)]
pub struct Project {
    /// Canonical.
    pub root: PathBuf,
    pub config: Config,
    pub db_path: PathBuf,
}

impl Project {
    /// Opens the project at the folder `root`: loads its configuration and
    /// resolves its database (`db`, else `.auditbench/audit.db` inside it,
    /// refused when the repository makes that a symlink out of the project).
    pub fn open(root: &Path, db: Option<PathBuf>) -> Result<Project> {
        Self::open_with(root, db, |root| Config::load(root))
    }

    /// [`Project::open`] with the configuration from `config` (given the
    /// canonical root): `scan --config FILE` never reads the project's own.
    pub fn open_with(
        root: &Path,
        db: Option<PathBuf>,
        config: impl FnOnce(&Path) -> Result<Config>,
    ) -> Result<Project> {
        let root = root
            .canonicalize()
            .with_context(|| format!("cannot open {}", root.display()))?;
        let config = config(&root)?;
        let db_path = match db {
            Some(db) => db,
            None => store::default_path(&root)?,
        };
        Ok(Project {
            root,
            config,
            db_path,
        })
    }

    /// Opens (creating it if needed) the project's database. The error stays
    /// typed (locked, corrupt, read-only...): the front ends word it.
    pub fn open_store(&self) -> store::Result<Store> {
        Store::open(&self.db_path)
    }
}
