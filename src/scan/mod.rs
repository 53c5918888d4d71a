//! The scan: the pure pipeline from disk to findings, by stage:
//!
//! discover ([`discover`]) -> read and decode ([`read`]) -> per-file analysis:
//! parse, index, rules, project facts ([`analyse`]) -> project-wide pass
//! ([`project_pass`]) -> findings with their identity ([`fingerprint`]).
//! [`known`] skips files whose content the project database recorded
//! unchanged; [`state`] keeps the per-file results of an opened project for
//! incremental re-scans (the watcher).
//!
//! Nothing here touches the project database: the scan hands the store
//! everything it needs (each finding's anchor text, and the text and scope
//! regions of the files the store asked for through [`KeepText`]), so that
//! recording never reads a project file again. The project layer
//! (`crate::project`) connects the two.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::finding::{Finding, Kind, Severity, Status};
use crate::rules::ProjectFacts;

pub mod analyse;
pub mod discover;
pub mod fingerprint;
pub mod known;
pub mod model_pass;
pub mod project_pass;
pub mod read;
pub mod state;
pub mod summaries;
pub mod suppress;
pub mod text;

pub use analyse::{check_module, check_module_until, scan_bytes};
pub use known::{KnownFile, KnownFiles};
pub use project_pass::{project_pass, project_pass_over, project_rule_ids};
pub use read::scan_file;
pub use text::{FileText, KeepText, ScopeRegion};

/// Stack size of scan threads: the index recursion is bounded by
/// `python::MAX_DEPTH`, and this leaves a wide margin for it.
pub const SCAN_STACK: usize = 32 * 1024 * 1024;

/// A problem with one file or the walk, reported and never fatal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Warning {
    /// Relative path (forward slashes), when the problem is about one file.
    pub path: Option<String>,
    /// `not-utf8`, `syntax-error`, `binary`, `too-large`, `unreadable`, `walk`,
    /// `too-deep`, `timed-out`, `outside-root`; about suppression comments:
    /// `unknown-rule`, `unused-suppression`.
    pub kind: String,
    pub message: String,
}

/// Everything a scan learned about one file.
#[derive(Debug, Clone)]
pub struct FileResult {
    pub path: String,
    /// sha256 of the file's bytes (empty when unreadable).
    pub hash: String,
    pub lines: usize,
    /// Whether the file was analysed (false for binary, huge, unreadable files).
    pub analysed: bool,
    pub findings: Vec<Finding>,
    pub facts: ProjectFacts,
    pub warnings: Vec<Warning>,
    /// Skipped because its content hash matches the project database's record
    /// from a scan with the same analysis key: `findings` is empty here (the
    /// caller takes them from the database), `lines`, `warnings` and `facts`
    /// come from the record. See [`known`].
    pub unchanged: bool,
    /// The file's text and scope regions, when the scan was asked to keep them
    /// ([`KeepText`]): what the store needs to record the real code after a
    /// fix and to follow manual findings, without reading the file again (it
    /// may have been saved since).
    pub text: Option<std::sync::Arc<FileText>>,
    /// The module summary ([`crate::model::summary::encode`]d) of an analysed
    /// file: what the project model is built from. `None` for a file not
    /// analysed, and for a file skipped as unchanged (the database has it)
    /// until the project layer fills it in (`ProjectState::adopt_summaries`).
    pub summary: Option<std::sync::Arc<[u8]>>,
}

pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

pub struct ScanOptions<'a> {
    pub root: PathBuf,
    pub config: Config,
    /// Called with (files done, total) as files complete.
    pub progress: Option<Progress<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScanResult {
    pub root: String,
    pub files_scanned: usize,
    pub lines_scanned: usize,
    pub duration_ms: u64,
    /// Test files found and not scanned (`include-tests` off; see
    /// [`discover::is_test_path`]).
    pub test_files_skipped: usize,
    pub warnings: Vec<Warning>,
    pub findings: Vec<Finding>,
    #[serde(skip)]
    pub files: Vec<FileResult>,
}

/// What a scan is told before it starts.
#[derive(Debug, Default)]
pub struct Prior {
    /// Files it may skip while their content hash is unchanged ([`known`]).
    pub known: KnownFiles,
    /// Files whose text it keeps in the result.
    pub keep_text: KeepText,
}

impl Prior {
    /// Keeps every file's text: a scan to be recorded by a caller that does
    /// not ask the database which files hold findings (tests, one file).
    pub fn keep_all_text() -> Prior {
        Prior {
            keep_text: KeepText::All,
            ..Prior::default()
        }
    }
}

/// Scans a project directory (or a single file).
pub fn scan(opts: ScanOptions) -> Result<ScanResult> {
    scan_with(opts, &Prior::default())
}

/// [`scan`] with what is known from before (see [`Prior`]).
pub fn scan_with(opts: ScanOptions, prior: &Prior) -> Result<ScanResult> {
    let start = Instant::now();
    let given = &opts.root;
    if !given.exists() {
        bail!("path does not exist: {}", given.display());
    }
    let given = given
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", given.display()))?;
    let (root, files, walk_problems) = if given.is_file() {
        let root = given
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| given.clone());
        (root, vec![given.clone()], vec![])
    } else {
        let (files, problems) = discover::discover(&given, &opts.config.exclude)?;
        (given.clone(), files, problems)
    };
    // A file named on the command line is scanned whatever it is; in a folder,
    // test code is skipped unless asked for.
    let (files, tests): (Vec<PathBuf>, Vec<PathBuf>) = if given.is_file() {
        (files, vec![])
    } else {
        files.into_iter().partition(|f| {
            opts.config.include_tests || !discover::is_test_path(f.strip_prefix(&root).unwrap_or(f))
        })
    };
    let total = files.len();
    let done = AtomicUsize::new(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(SCAN_STACK)
        .build()?;
    let config = &opts.config;
    let mut results: Vec<FileResult> = pool.install(|| {
        files
            .par_iter()
            .map(|f| {
                // `root` is canonical already (resolved above).
                let r = read::scan_file_with(&root, &root, f, config, prior);
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                if let Some(p) = opts.progress {
                    p(n, total);
                }
                r
            })
            .collect()
    });
    results.sort_by(|a, b| a.path.cmp(&b.path));
    let mut warnings: Vec<Warning> = walk_problems
        .into_iter()
        .map(|p| Warning {
            path: p.path.as_deref().map(|x| rel_path(&root, x)),
            kind: "walk".into(),
            message: p.message,
        })
        .collect();
    let mut findings = vec![];
    for r in &results {
        warnings.extend(r.warnings.iter().cloned());
        findings.extend(r.findings.iter().cloned());
    }
    findings.extend(project_pass(&results, config));
    if results.iter().all(|r| !r.unchanged) {
        // Every summary is here (an incremental scan's caller, which has the
        // database, judges once the stored findings are added).
        warnings.extend(model_pass::judge(
            &mut findings,
            results.iter(),
            &Default::default(),
        ));
    }
    sort_findings(&mut findings);
    Ok(ScanResult {
        root: root.to_string_lossy().into_owned(),
        files_scanned: results.iter().filter(|r| r.analysed).count(),
        lines_scanned: results.iter().map(|r| r.lines).sum(),
        duration_ms: start.elapsed().as_millis() as u64,
        test_files_skipped: tests.len(),
        warnings,
        findings,
        files: results,
    })
}

/// A total order (path, position, rule, message), so that output is byte-identical
/// from run to run whatever order rules produced their diagnostics in.
pub fn sort_findings(findings: &mut [Finding]) {
    for f in findings.iter_mut() {
        f.related
            .sort_by(|a, b| (&a.path, a.line, &a.message).cmp(&(&b.path, b.line, &b.message)));
    }
    findings.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.rule, &a.message)
            .cmp(&(&b.path, b.line, b.column, &b.rule, &b.message))
    });
}

/// Relative path with forward slashes.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Dotted module name of a relative path: `app/db/__init__.py` -> (`app.db`, true).
pub fn module_name(rel: &str) -> (String, bool) {
    let stem = rel.trim_end_matches(".py");
    let is_package = stem == "__init__" || stem.ends_with("/__init__");
    let stem = stem.trim_end_matches("__init__").trim_end_matches('/');
    (stem.replace('/', "."), is_package)
}

pub(crate) fn warn(path: &str, kind: &str, message: String) -> Warning {
    Warning {
        path: Some(path.to_string()),
        kind: kind.into(),
        message,
    }
}

impl FileResult {
    pub(crate) fn empty(rel: &str) -> FileResult {
        FileResult {
            path: rel.to_string(),
            hash: String::new(),
            lines: 0,
            analysed: false,
            findings: vec![],
            facts: ProjectFacts::default(),
            warnings: vec![],
            unchanged: false,
            text: None,
            summary: None,
        }
    }
}

/// Highest severity among open findings, for `--fail-on`.
pub fn worst_open(findings: &[Finding]) -> Option<Severity> {
    findings
        .iter()
        .filter(|f| f.status == Status::Open && f.kind == Kind::Finding)
        .filter_map(|f| f.severity)
        .min()
}
