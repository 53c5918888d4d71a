//! Paths on the command line: which project a command acts on, a path given by
//! the user as the database knows it, and a stored path as the user sees it
//! (relative to the current folder, as Ruff prints them).

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::project::discover;
use crate::scan_output::text::terminal_safe;

/// The project a command acts on, given its folder argument (default: the
/// current folder): the nearest project at or above it.
pub fn project(path: Option<&Path>) -> PathBuf {
    discover::project_folder(path.unwrap_or(Path::new(".")))
}

/// Refuses a `--db` whose folder does not exist: a typo in it would
/// otherwise create folders and record the scan where nobody looks.
pub fn check_db_folder(db: Option<&Path>) -> Result<()> {
    if let Some((db, dir)) = db.and_then(|db| {
        db.parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map(|d| (db, d))
    }) {
        if !dir.is_dir() {
            anyhow::bail!(
                "the folder of the database {} does not exist",
                terminal_safe(&db.display().to_string())
            );
        }
    }
    Ok(())
}

/// A path given on the command line as the project database knows it:
/// relative to the project folder, forward slashes. An absolute path (or one
/// relative to the current folder, which is not the project's) is made
/// relative to the project when it lies inside it.
pub fn project_relative(project: &Path, path: &str) -> String {
    let p = Path::new(path);
    let root = project.canonicalize().ok();
    let abs = if p.is_absolute() {
        Some(p.to_path_buf())
    } else {
        std::env::current_dir().ok().map(|d| d.join(p))
    };
    // Canonicalized when it exists (symlinks, `..`); a deleted file keeps its
    // spelling, so the store can still find its findings.
    let abs = abs.map(|a| a.canonicalize().unwrap_or(a));
    match (root, abs) {
        (Some(root), Some(abs)) if p.is_absolute() || !root.join(p).exists() => {
            match abs.strip_prefix(&root) {
                Ok(rel) => crate::scan::rel_path(Path::new(""), rel),
                Err(_) => path.to_string(),
            }
        }
        _ => path.to_string(),
    }
}

/// Shows project-relative paths relative to the current folder when they lie
/// under it (`app/db.py` run from `app/` is `db.py`; a project scanned from
/// its parent shows `proj/app/db.py`); other paths stay project-relative.
pub struct Shown {
    root: Option<PathBuf>,
    cwd: Option<PathBuf>,
}

impl Shown {
    pub fn new(root: &Path) -> Shown {
        Shown {
            root: root.canonicalize().ok(),
            cwd: std::env::current_dir().and_then(|d| d.canonicalize()).ok(),
        }
    }

    pub fn path(&self, rel: &str) -> String {
        let (Some(root), Some(cwd)) = (&self.root, &self.cwd) else {
            return rel.to_string();
        };
        match root.join(rel).strip_prefix(cwd) {
            Ok(p) if !p.as_os_str().is_empty() => crate::scan::rel_path(Path::new(""), p),
            _ => rel.to_string(),
        }
    }
}
