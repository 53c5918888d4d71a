//! Finding the Python files of a project, honouring `.gitignore` and the default
//! excludes (VCS folders, virtualenvs, site-packages, node_modules, build output,
//! our own `.auditbench/`), and telling test code from production code.

use std::path::{Path, PathBuf};

use ignore::overrides::OverrideBuilder;
use ignore::WalkBuilder;

/// Folders never scanned, whatever `.gitignore` says.
pub const DEFAULT_EXCLUDES: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "env",
    ".env",
    "virtualenv",
    ".virtualenv",
    ".tox",
    ".nox",
    "site-packages",
    "dist-packages",
    "node_modules",
    "build",
    "dist",
    ".auditbench",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".eggs",
];

/// Folder names that mark everything below them as test code.
pub const TEST_DIRS: &[&str] = &["tests", "test", "testing"];

/// Whether a path relative to the project root is test code: a folder component
/// named `tests`/`test`/`testing`, or a file named `test_*.py`, `*_test.py` or
/// `conftest.py`. Findings there are not production hazards (a test's session or
/// socket lives as long as the test, and its harness cleans up), so scans skip
/// these files unless `include-tests` is set.
pub fn is_test_path(rel: &Path) -> bool {
    let Some(name) = rel.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if rel.parent().is_some_and(is_test_dir) {
        return true;
    }
    let Some(stem) = name.strip_suffix(".py") else {
        return false;
    };
    name == "conftest.py" || stem.starts_with("test_") || stem.ends_with("_test")
}

/// Whether a folder relative to the project root is (inside) a test folder.
pub fn is_test_dir(rel: &Path) -> bool {
    rel.components().any(|c| match c {
        std::path::Component::Normal(s) => s.to_str().is_some_and(|s| TEST_DIRS.contains(&s)),
        _ => false,
    })
}

/// A problem met while walking the tree (unreadable folder, symlink loop).
#[derive(Debug, Clone)]
pub struct WalkProblem {
    pub path: Option<PathBuf>,
    pub message: String,
}

/// The `.py` files under `root` (sorted), and the problems met on the way.
pub fn discover(
    root: &Path,
    extra_excludes: &[String],
) -> anyhow::Result<(Vec<PathBuf>, Vec<WalkProblem>)> {
    let mut overrides = OverrideBuilder::new(root);
    for d in DEFAULT_EXCLUDES {
        overrides.add(&format!("!**/{d}/"))?;
    }
    for e in extra_excludes {
        let pat = e.trim_start_matches("./");
        overrides.add(&format!("!{pat}"))?;
    }
    let overrides = overrides.build()?;
    let escaped = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let escaped_in_filter = escaped.clone();
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let walker = WalkBuilder::new(root)
        .standard_filters(true)
        .hidden(false)
        .require_git(false)
        .follow_links(true)
        .overrides(overrides)
        .filter_entry(move |e| {
            // A symlink out of the project is never followed: the repository is
            // untrusted and must not make us read (or report) anything else.
            if e.path_is_symlink() {
                if let Some(target) = outside(&real_root, e.path()) {
                    if let Ok(mut v) = escaped_in_filter.lock() {
                        v.push(WalkProblem {
                            message: format!(
                                "skipped: {} is a symlink to {} outside the project",
                                e.path().display(),
                                target.display()
                            ),
                            path: Some(e.path().to_path_buf()),
                        });
                    }
                    return false;
                }
            }
            // A folder holding pyvenv.cfg is a virtualenv whatever its name.
            !(e.file_type().is_some_and(|t| t.is_dir()) && e.path().join("pyvenv.cfg").is_file())
        })
        .build();
    let mut files = vec![];
    let mut problems = vec![];
    for entry in walker {
        match entry {
            Ok(e) => {
                let is_file = e.file_type().is_some_and(|t| t.is_file());
                if is_file && e.path().extension().is_some_and(|x| x == "py") {
                    files.push(e.into_path());
                }
            }
            Err(err) => problems.push(WalkProblem {
                path: error_path(&err),
                message: describe(&err),
            }),
        }
    }
    files.sort();
    files.dedup();
    problems.extend(escaped.lock().map(|v| v.clone()).unwrap_or_default());
    Ok((files, problems))
}

/// Where `path` really is, when that is outside the project `root` (a symlink
/// out of it, or through a linked folder). `None` for paths inside, and for
/// paths that do not resolve (the read then reports them).
pub fn outside_root(root: &Path, path: &Path) -> Option<PathBuf> {
    let real_root = root.canonicalize().ok()?;
    outside(&real_root, path)
}

/// [`outside_root`] for a `real_root` that is canonical already.
pub fn outside_real_root(real_root: &Path, path: &Path) -> Option<PathBuf> {
    outside(real_root, path)
}

/// [`outside_real_root`] for a file already opened from `path`: where the
/// opened file really is, from the kernel (`/proc/self/fd`, one `readlink`),
/// instead of resolving every component of `path` again (`realpath` made
/// nine failed `readlink`s a file, most of the system time of an unchanged
/// re-scan). Checking the opened file also closes the window in which `path`
/// could be swapped for a symlink between the check and the read. Falls back
/// to resolving `path` where `/proc` is not available.
pub fn opened_outside(real_root: &Path, path: &Path, file: &std::fs::File) -> Option<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        if let Ok(real) = std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd())) {
            if real.is_absolute() {
                return (!real.starts_with(real_root)).then_some(real);
            }
        }
    }
    let _ = file;
    outside(real_root, path)
}

fn outside(real_root: &Path, path: &Path) -> Option<PathBuf> {
    let real = path.canonicalize().ok()?;
    (!real.starts_with(real_root)).then_some(real)
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

fn describe(err: &ignore::Error) -> String {
    match err {
        ignore::Error::Loop { ancestor, child } => {
            format!(
                "symlink loop: {} points back to {}",
                child.display(),
                ancestor.display()
            )
        }
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => describe(err),
        other => other.to_string(),
    }
}

/// Decides for a single path (from a file-system event) what a scan would
/// decide: default excludes, extra excludes, the root `.gitignore`, test code.
pub struct PathFilter {
    excludes: ignore::gitignore::Gitignore,
    gitignore: ignore::gitignore::Gitignore,
    skip_tests: bool,
}

impl PathFilter {
    /// The filter a scan with this configuration applies (test code skipped
    /// unless `include-tests`).
    pub fn for_config(root: &Path, config: &crate::config::Config) -> anyhow::Result<PathFilter> {
        let mut f = PathFilter::new(root, &config.exclude)?;
        f.skip_tests = !config.include_tests;
        Ok(f)
    }

    /// Excludes and `.gitignore` only (test code kept).
    pub fn new(root: &Path, extra_excludes: &[String]) -> anyhow::Result<PathFilter> {
        let mut ex = ignore::gitignore::GitignoreBuilder::new(root);
        for d in DEFAULT_EXCLUDES {
            ex.add_line(None, &format!("**/{d}/"))?;
        }
        for e in extra_excludes {
            ex.add_line(None, e.trim_start_matches("./"))?;
        }
        let mut gi = ignore::gitignore::GitignoreBuilder::new(root);
        if let Some(err) = gi.add(root.join(".gitignore")) {
            // A missing .gitignore is normal; anything else is not fatal either.
            tracing::debug!("gitignore: {err}");
        }
        Ok(PathFilter {
            excludes: ex.build()?,
            gitignore: gi.build()?,
            skip_tests: false,
        })
    }

    /// `rel`: path relative to the root.
    pub fn is_excluded(&self, rel: &Path, is_dir: bool) -> bool {
        let hit = |g: &ignore::gitignore::Gitignore| {
            g.matched_path_or_any_parents(rel, is_dir).is_ignore()
        };
        hit(&self.excludes)
            || hit(&self.gitignore)
            || (self.skip_tests
                && if is_dir {
                    is_test_dir(rel)
                } else {
                    is_test_path(rel)
                })
    }
}
