//! Project discovery, as Ruff finds its configuration: a command run anywhere
//! inside a project uses that project's configuration and database, from the
//! nearest folder at or above the path that marks a project
//! ([`Config::marks_project`]: `.auditbench.toml`, `.auditbench/`, or a
//! `pyproject.toml` with `[tool.auditbench]`).

use std::path::{Path, PathBuf};

use crate::config::Config;

/// The root of the project holding `path` (a folder or a file), canonical;
/// `None` when no folder at or above it marks a project.
pub fn find_root(path: &Path) -> Option<PathBuf> {
    let abs = path.canonicalize().ok()?;
    let dir = if abs.is_file() { abs.parent()? } else { &abs };
    dir.ancestors()
        .find(|d| Config::marks_project(d))
        .map(Path::to_path_buf)
}

/// The project folder of a command given the folder `path`: the project
/// holding it, else the folder itself.
pub fn project_folder(path: &Path) -> PathBuf {
    find_root(path).unwrap_or_else(|| path.to_path_buf())
}
