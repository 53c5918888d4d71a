//! The scan pipeline: discover -> read -> parse -> index -> per-file rules ->
//! project-wide rules -> findings. The CLI, the watcher and the desktop app all
//! call [`scan`] (whole project) or [`scan_file`] + [`project_pass`] (incremental).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::finding::{Finding, Fix, Kind, Related, Severity, Status};
use crate::project::incremental::{self, KnownFiles};
use crate::project::{discover, fingerprint, suppress::Suppressions};
use crate::python::{self, ModuleIndex};
use crate::rules::{self, Checker, ProjectDiagnostic, ProjectFacts};

/// Stack size of scan threads: the index recursion is bounded by
/// `python::index::MAX_DEPTH`, and this leaves a wide margin for it.
pub const SCAN_STACK: usize = 32 * 1024 * 1024;

/// A problem with one file or the walk, reported and never fatal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Warning {
    /// Relative path (forward slashes), when the problem is about one file.
    pub path: Option<String>,
    /// `not-utf8`, `syntax-error`, `binary`, `too-large`, `unreadable`, `walk`,
    /// `too-deep`, `timed-out`, `outside-root`.
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
    /// come from the record. See [`crate::project::incremental`].
    pub unchanged: bool,
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

/// Scans a project directory (or a single file).
pub fn scan(opts: ScanOptions) -> Result<ScanResult> {
    scan_with_known(opts, None)
}

/// [`scan`], skipping the files whose path and content hash are in `known`
/// (see [`crate::project::incremental`]).
pub fn scan_with_known(opts: ScanOptions, known: Option<&KnownFiles>) -> Result<ScanResult> {
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
                let r = scan_file_known(&root, &root, f, config, known);
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

fn warn(path: &str, kind: &str, message: String) -> Warning {
    Warning {
        path: Some(path.to_string()),
        kind: kind.into(),
        message,
    }
}

/// Reads, parses, indexes and checks one file. Never fails: problems become warnings.
pub fn scan_file(root: &Path, path: &Path, config: &Config) -> FileResult {
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    scan_file_known(root, &real_root, path, config, None)
}

/// `real_root` is `root` resolved (canonical): resolving it again for every
/// file was a tenth of an unchanged re-scan.
fn scan_file_known(
    root: &Path,
    real_root: &Path,
    path: &Path,
    config: &Config,
    known: Option<&KnownFiles>,
) -> FileResult {
    let rel = rel_path(root, path);
    let skipped = |kind: &str, message: String| FileResult {
        warnings: vec![warn(&rel, kind, message)],
        ..FileResult::empty(&rel)
    };
    match read_bounded(real_root, path, config.max_file_size) {
        Ok(Read::Outside(target)) => skipped(
            "outside-root",
            format!(
                "skipped: a symlink to {} outside the project",
                target.display()
            ),
        ),
        Ok(Read::Bytes(bytes)) => scan_bytes_known(&rel, bytes, config, known),
        Ok(Read::TooLarge(len)) => skipped(
            "too-large",
            format!(
                "skipped: {len} bytes is over the size limit of {} bytes (max-file-size)",
                config.max_file_size
            ),
        ),
        Ok(Read::NotAFile) => skipped(
            "unreadable",
            "skipped: not a regular file (a device, socket or pipe)".into(),
        ),
        Err(e) => skipped("unreadable", format!("cannot read file: {e}")),
    }
}

enum Read {
    Bytes(Vec<u8>),
    /// Really somewhere outside the project root (through a symlink).
    Outside(PathBuf),
    TooLarge(u64),
    NotAFile,
}

/// Reads a regular file of at most `max` bytes. The limit holds while reading
/// too, for a file that grows after its size was checked; a pipe or device
/// named `*.py` is never opened (a FIFO would block forever). Nothing outside
/// `real_root` (canonical) is read: where the file really is is checked on the
/// opened file (see [`discover::opened_outside`]), before any byte is read.
fn read_bounded(real_root: &Path, path: &Path, max: u64) -> std::io::Result<Read> {
    use std::io::Read as _;
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        // A symlink out of the project says so, whatever it points to.
        return Ok(match discover::outside_real_root(real_root, path) {
            Some(target) => Read::Outside(target),
            None => Read::NotAFile,
        });
    }
    let file = std::fs::File::open(path)?;
    if let Some(target) = discover::opened_outside(real_root, path, &file) {
        return Ok(Read::Outside(target));
    }
    if meta.len() > max {
        return Ok(Read::TooLarge(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Ok(Read::TooLarge(bytes.len() as u64));
    }
    Ok(Read::Bytes(bytes))
}

impl FileResult {
    fn empty(rel: &str) -> FileResult {
        FileResult {
            path: rel.to_string(),
            hash: String::new(),
            lines: 0,
            analysed: false,
            findings: vec![],
            facts: ProjectFacts::default(),
            warnings: vec![],
            unchanged: false,
        }
    }
}

/// Analyses the content of one file (relative path `rel`): decoding, parsing,
/// index, per-file rules and project facts, within the per-file time limit
/// (`max-file-time-ms`). The whole engine path on untrusted bytes; the fuzz
/// targets call it directly.
pub fn scan_bytes(rel: &str, bytes: Vec<u8>, config: &Config) -> FileResult {
    scan_bytes_known(rel, bytes, config, None)
}

/// [`scan_bytes`], returning the stored result of a file whose content hash is
/// in `known` (incremental scans) instead of analysing it again.
fn scan_bytes_known(
    rel: &str,
    bytes: Vec<u8>,
    config: &Config,
    known: Option<&KnownFiles>,
) -> FileResult {
    let start = Instant::now();
    let deadline = (config.max_file_time_ms > 0)
        .then(|| start + std::time::Duration::from_millis(config.max_file_time_ms));
    let rel = rel.to_string();
    let mut out = FileResult::empty(&rel);
    out.hash = {
        use sha2::{Digest, Sha256};
        Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    if let Some(k) = known
        .and_then(|k| k.get(&rel))
        .filter(|k| k.hash == out.hash)
    {
        return incremental::unchanged_result(out, k);
    }
    // Python refuses source with a NUL byte anywhere; tree-sitter would stop
    // there silently (found by tests/hostile.rs).
    if bytes.contains(&0) {
        out.warnings.push(warn(
            &rel,
            "binary",
            "skipped: binary content (NUL bytes) in a .py file".into(),
        ));
        return out;
    }
    let source = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..valid]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            out.warnings.push(warn(&rel, "not-utf8", format!("not valid UTF-8 (first bad byte on line {line}); analysed with invalid bytes replaced")));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    // A lone `\r` ends a line for Python but not for tree-sitter: make it `\n`
    // (same length, so byte offsets stay true).
    let source = if source.contains('\r') {
        let b = source.as_bytes();
        let fixed: Vec<u8> = (0..b.len())
            .map(|i| {
                if b[i] == b'\r' && b.get(i + 1) != Some(&b'\n') {
                    b'\n'
                } else {
                    b[i]
                }
            })
            .collect();
        String::from_utf8(fixed).unwrap_or(source)
    } else {
        source
    };
    let (module, is_package) = module_name(&rel);
    let timed_out = |start: Instant, what: &str| {
        warn(
            &rel,
            "timed-out",
            format!(
                "{what} timed out after {} ms (limit max-file-time-ms = {})",
                start.elapsed().as_millis(),
                config.max_file_time_ms
            ),
        )
    };
    let ix = match python::analyse_within(source, &module, is_package, deadline) {
        Ok(ix) => ix,
        Err(python::parse::ParseFailure::TimedOut) => {
            out.warnings
                .push(timed_out(start, "skipped: parsing this file"));
            return out;
        }
        Err(python::parse::ParseFailure::Failed) => {
            out.warnings.push(warn(
                &rel,
                "unreadable",
                "the parser could not process this file".into(),
            ));
            return out;
        }
    };
    out.analysed = true;
    out.lines = ix.line_count();
    if let Some(first) = ix.syntax_errors.first() {
        out.warnings.push(warn(
            &rel,
            "syntax-error",
            format!(
                "syntax error at line {} ({} error region(s)); the rest of the file was analysed",
                first.line,
                ix.syntax_errors.len()
            ),
        ));
    }
    if ix.truncated {
        out.warnings.push(warn(
            &rel,
            "too-deep",
            format!(
                "nesting deeper than {} levels was not analysed",
                python::index::MAX_DEPTH
            ),
        ));
    }
    let (findings, complete) = check_module_until(&ix, &rel, config, deadline);
    out.findings = findings;
    if !complete {
        // Not every rule ran: the store must not read the missing findings as fixed.
        out.analysed = false;
        out.warnings.push(timed_out(
            start,
            "incomplete: the rules on this file (findings so far are kept)",
        ));
    }
    let mut clients = rules::res::res006_client_not_closed_at_shutdown::collect(
        &ix,
        rules::Settings::from_config(config),
    );
    let suppressions = Suppressions::new(&ix.comments);
    for c in &mut clients.created {
        c.suppression = suppressions.find(
            rules::res::res006_client_not_closed_at_shutdown::META.id,
            c.line,
        );
        c.anchor_text = ix.line_text(c.line).to_string();
    }
    out.facts = ProjectFacts { clients };
    out
}

/// Runs every enabled per-file rule on an indexed module.
pub fn check_module(ix: &ModuleIndex, rel: &str, config: &Config) -> Vec<Finding> {
    check_module_until(ix, rel, config, None).0
}

/// [`check_module`] that stops between two rules once `deadline` has passed;
/// the flag says whether every enabled rule ran.
pub fn check_module_until(
    ix: &ModuleIndex,
    rel: &str,
    config: &Config,
    deadline: Option<Instant>,
) -> (Vec<Finding>, bool) {
    let mut checker = Checker::new(ix, config);
    checker.deadline = deadline;
    let mut complete = true;
    for rule in rules::registry() {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            complete = false;
            break;
        }
        if config.is_enabled(rule.meta().id) {
            rule.check(&mut checker);
        }
    }
    complete &= !checker.cut_short;
    let suppressions = Suppressions::new(&ix.comments);
    let mut findings: Vec<Finding> = checker
        .diagnostics
        .into_iter()
        .map(|d| {
            let meta = d.rule;
            let severity = (meta.kind == Kind::Finding)
                .then(|| config.severity_of(meta.id, d.severity.unwrap_or(meta.severity)));
            let suppressed = suppressions.find(meta.id, d.anchor.line);
            Finding {
                rule: meta.id.to_string(),
                name: meta.name.to_string(),
                kind: meta.kind,
                severity,
                path: rel.to_string(),
                line: d.anchor.line,
                end_line: d.anchor.end_line,
                column: d.anchor.column,
                end_column: d.anchor.end_column,
                message: d.message,
                fingerprint: String::new(),
                fix: d.fix.map(|(before, after)| Fix { before, after }),
                related: d
                    .related
                    .into_iter()
                    .map(|(s, m)| Related {
                        path: rel.to_string(),
                        line: s.line,
                        message: m,
                    })
                    .collect(),
                status: if suppressed.is_some() {
                    Status::Suppressed
                } else {
                    Status::Open
                },
                suppression: suppressed.flatten(),
                scope: ix.scopes[d.scope].qualname.clone(),
            }
        })
        .collect();
    sort_findings(&mut findings);
    findings.dedup_by(|a, b| {
        a.rule == b.rule && a.line == b.line && a.column == b.column && a.message == b.message
    });
    fingerprint::assign(&mut findings, |f| ix.line_text(f.line).to_string());
    (findings, complete)
}

/// The project-wide pass over the per-file facts (cheap: no parsing).
pub fn project_pass(files: &[FileResult], config: &Config) -> Vec<Finding> {
    project_pass_over(files.iter(), config)
}

/// [`project_pass`] over any collection of file results (the watcher's cache).
pub fn project_pass_over<'a>(
    files: impl Iterator<Item = &'a FileResult>,
    config: &Config,
) -> Vec<Finding> {
    let meta = &rules::res::res006_client_not_closed_at_shutdown::META;
    if !config.is_enabled(meta.id) {
        return vec![];
    }
    let facts: Vec<(
        &str,
        &rules::res::res006_client_not_closed_at_shutdown::ClientFacts,
    )> = files.map(|f| (f.path.as_str(), &f.facts.clients)).collect();
    let diags = rules::res::res006_client_not_closed_at_shutdown::check_project(&facts);
    project_findings(diags, config)
}

/// Ids of the project-wide rules (their findings can change in files that did
/// not change).
pub fn project_rule_ids() -> Vec<&'static str> {
    rules::res::project_rules().iter().map(|m| m.id).collect()
}

fn project_findings(diags: Vec<ProjectDiagnostic>, config: &Config) -> Vec<Finding> {
    let mut by_file: std::collections::BTreeMap<String, Vec<(Finding, String)>> =
        Default::default();
    for d in diags {
        let f = Finding {
            rule: d.rule.id.into(),
            name: d.rule.name.into(),
            kind: d.rule.kind,
            severity: Some(config.severity_of(d.rule.id, d.rule.severity)),
            path: d.path.clone(),
            line: d.line,
            end_line: d.end_line,
            column: d.column,
            end_column: d.end_column,
            message: d.message,
            fingerprint: String::new(),
            fix: d.fix.map(|(before, after)| Fix { before, after }),
            related: vec![],
            status: if d.suppression.is_some() {
                Status::Suppressed
            } else {
                Status::Open
            },
            suppression: d.suppression.flatten(),
            scope: d.scope,
        };
        by_file.entry(d.path).or_default().push((f, d.anchor_text));
    }
    let mut out = vec![];
    for (_, mut pairs) in by_file {
        pairs.sort_by(|a, b| (a.0.line, a.0.column).cmp(&(b.0.line, b.0.column)));
        let texts: Vec<String> = pairs.iter().map(|p| p.1.clone()).collect();
        let mut findings: Vec<Finding> = pairs.into_iter().map(|p| p.0).collect();
        let mut i = 0;
        fingerprint::assign(&mut findings, |_| {
            i += 1;
            texts[i - 1].clone()
        });
        out.extend(findings);
    }
    out
}

/// Highest severity among open findings, for `--fail-on`.
pub fn worst_open(findings: &[Finding]) -> Option<Severity> {
    findings
        .iter()
        .filter(|f| f.status == Status::Open && f.kind == Kind::Finding)
        .filter_map(|f| f.severity)
        .min()
}
