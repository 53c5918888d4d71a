//! `auditbench scan [PATH]`: scan a project (or one file), print the findings,
//! record the scan in the project database unless `--no-db`, write the other
//! outputs of the run (`--output-format FORMAT=FILE`), and exit with 1 when an
//! open finding is at or above `--fail-on` ([`super::gate`]).

use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};

use crate::config::Config;
use crate::finding::{Confidence, Finding, Kind};
use crate::project::{discover, record, Project};
use crate::scan::{self, ScanOptions, ScanResult};
use crate::scan_output::{self, baseline, baseline::Baseline, sarif::SarifOptions, Format};
use crate::store::Trigger;

use super::gate::{self, FailOn};
use super::{paths, store_cmds};

/// `--output-format FORMAT=FILE`: one more output of the same run.
#[derive(Clone)]
pub struct ExtraOutput {
    pub format: Format,
    pub path: PathBuf,
}

fn parse_extra_output(s: &str) -> Result<ExtraOutput, String> {
    let (format, path) = s
        .split_once('=')
        .ok_or_else(|| format!("expected FORMAT=FILE (sarif=results.sarif), got `{s}`"))?;
    let name = format;
    let format = Format::from_str(format, true).map_err(|_| {
        let names: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_string()))
            .collect();
        format!("unknown format `{format}` (expected {})", names.join(", "))
    })?;
    if path.is_empty() {
        return Err(format!("no file after `{name}=`"));
    }
    Ok(ExtraOutput {
        format,
        path: PathBuf::from(path),
    })
}

#[derive(Args)]
pub struct ScanArgs {
    /// Project folder or file (default: the current folder).
    pub path: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Exit with 1 when an open finding is at or above this severity
    /// (critical, high, medium, low, info), or `never`.
    #[arg(long, value_name = "SEVERITY", default_value = "low")]
    pub fail_on: String,
    /// Let findings triaged false_positive, accepted_risk or wont_fix in the
    /// project database fail `--fail-on` too (by default they do not).
    #[arg(long)]
    pub fail_on_triaged: bool,
    /// Report findings of at least this confidence: high (the default suite),
    /// medium, or low (everything); same as `confidence = "..."` in the
    /// configuration. The project database records every finding.
    #[arg(long, value_name = "LEVEL")]
    pub confidence: Option<Confidence>,
    /// Only run these rules (ids or families, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules (ids or families, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Write the output to a file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// One more output of the same run, FORMAT=FILE (repeatable):
    /// `--output-format sarif=results.sarif --output-format junit=junit.xml`.
    #[arg(long, value_name = "FORMAT=FILE", value_parser = parse_extra_output)]
    pub output_format: Vec<ExtraOutput>,
    /// Report (and gate on) only the findings not in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write every open finding of this scan to a baseline file (and exit 0).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// The configuration file (a `pyproject.toml` with `[tool.auditbench]`, or
    /// an `.auditbench.toml`), instead of the project's own.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// SARIF: include the strengths (good patterns) as results of kind `pass`.
    #[arg(long)]
    pub sarif_strengths: bool,
    /// Print a count of open findings per rule instead of every finding
    /// (text output only).
    #[arg(long)]
    pub statistics: bool,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Project database to record the scan in
    /// (default: <project>/.auditbench/audit.db).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Do not record the scan (pure CI run).
    #[arg(long, conflicts_with = "db")]
    pub no_db: bool,
    /// Scan test code too (tests/, test/, testing/ folders, test_*.py,
    /// *_test.py, conftest.py), skipped by default; same as
    /// `include-tests = true` in the configuration.
    #[arg(long)]
    pub include_tests: bool,
}

pub fn run(args: ScanArgs) -> Result<i32> {
    if args.statistics && args.format != Format::Text {
        anyhow::bail!("--statistics prints text: it cannot be combined with --format");
    }
    let fail_on = FailOn::parse(&args.fail_on)?;
    let baseline = args.baseline.as_deref().map(Baseline::read).transpose()?;
    let target = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if !target.exists() {
        anyhow::bail!("path does not exist: {}", target.display());
    }
    paths::check_db_folder(args.db.as_deref())?;
    // A folder inside a project is scanned as its project (configuration,
    // database, project-wide rules), and only the findings under it are
    // reported; a file is scanned alone, with its project's configuration.
    let (root, config_dir, under) = if target.is_file() {
        let parent = target.parent().map(PathBuf::from).unwrap_or_default();
        let dir = discover::find_root(&target).unwrap_or(parent);
        (target.clone(), dir, None)
    } else {
        match discover::find_root(&target) {
            Some(project) => {
                let here = target.canonicalize()?;
                let under = (here != project).then(|| scan::rel_path(&project, &here));
                (project.clone(), project, under)
            }
            None => (target.clone(), target.clone(), None),
        }
    };
    let mut config = match &args.config {
        Some(file) => Config::load_file(file)?,
        None => Config::load(&config_dir)?,
    };
    let configured = config.enabled_rules();
    config.apply_cli(&args.select, &args.ignore)?;
    config.include_tests |= args.include_tests;
    let rule_ids = config.enabled_rules();
    let config_confidence = config.confidence;
    // Rules the configuration runs that `--select`/`--ignore` left out of this
    // run only: the database keeps their findings as they are.
    let left_out: Vec<String> = configured
        .into_iter()
        .filter(|r| !rule_ids.contains(r))
        .collect();
    let bar = (!args.quiet && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} scanning {pos}/{len} files {wide_bar} {elapsed}",
            )
            .expect("valid template"),
        );
        b
    });
    let progress = |done: usize, total: usize| {
        if let Some(b) = &bar {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    };
    let opts = ScanOptions {
        root: root.clone(),
        config,
        progress: Some(&progress),
    };
    // Into the database, a folder's unchanged files are not analysed again.
    // (project, its open database) and the scan to record there:
    let mut folder = None;
    let mut scanned = None;
    let mut plain = None;
    if args.no_db {
        plain = Some(scan::scan(opts)?);
    } else if root.is_dir() {
        let config = opts.config.clone();
        let project = Project::open_with(&root, args.db.clone(), |_| Ok(config))?;
        let store = project.open_store()?;
        scanned = Some(record::scan_folder(&store, opts)?);
        folder = Some((project, store));
    } else {
        plain = Some(scan::scan_with(opts, &scan::Prior::keep_all_text())?);
    }
    let result = match (&scanned, &plain) {
        (Some(scanned), _) => &scanned.result,
        (None, Some(result)) => result,
        (None, None) => unreachable!("one of the scans ran"),
    };
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    // Recorded before any output, so that a reader closing the pipe early
    // (`| head`) cannot lose the scan.
    let mut changes = None;
    let mut dismissed = HashSet::new();
    if !args.no_db {
        let (summary, db) = match (&mut folder, &scanned) {
            (Some((project, store)), Some(scanned)) => {
                let summary =
                    record::record_full(store, scanned, Trigger::Cli, rule_ids, left_out)?;
                if !args.fail_on_triaged {
                    dismissed = store.dismissed_fingerprints()?;
                }
                (summary, project.db_path.clone())
            }
            _ => record::record_file(result, args.db.as_deref(), rule_ids)?,
        };
        let open = crate::store::Store::open_existing(&db)?.open_by_severity()?;
        // Recorded paths are relative to the project (a file's too).
        let shown = paths::Shown::new(&config_dir);
        let mut text = store_cmds::summary_text(&summary, &db, &shown, &open);
        let skipped = result.files.iter().filter(|f| f.unchanged).count();
        if skipped > 0 {
            text.push_str(&format!(
                "{skipped} unchanged file(s) skipped (same content hash as the last scan)\n"
            ));
        }
        changes = Some(text);
    }
    if let Some(path) = &args.write_baseline {
        let n = baseline::write(path, &result.findings)?;
        if !args.quiet {
            eprintln!("wrote {n} finding(s) to the baseline {}", path.display());
        }
    }
    // What is reported: the findings under the folder asked for, that the
    // baseline does not accept.
    let least = args.confidence.unwrap_or(config_confidence);
    let below = |f: &Finding| f.kind == Kind::Finding && !f.confidence.at_least(least);
    let hidden = result.findings.iter().filter(|f| below(f)).count();
    let shown;
    let result = if baseline.is_some() || under.is_some() || hidden > 0 {
        let mut r = result.clone();
        r.findings.retain(|f| !below(f));
        if let Some(dir) = &under {
            let inside = |p: &str| {
                p.strip_prefix(dir.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
            };
            r.findings.retain(|f| inside(&f.path));
            r.warnings.retain(|w| w.path.as_deref().is_none_or(inside));
        }
        if let Some(b) = &baseline {
            let before = r.findings.len();
            r.findings.retain(|f| !b.contains(f));
            if !args.quiet && before > r.findings.len() {
                eprintln!(
                    "{} finding(s) accepted by the baseline not shown",
                    before - r.findings.len()
                );
            }
        }
        if !args.quiet && hidden > 0 {
            eprintln!(
                "{hidden} finding(s) of lower confidence than {least} not shown \
                 (--confidence {} shows them)",
                if least == Confidence::High {
                    "medium or low"
                } else {
                    "low"
                }
            );
        }
        shown = r;
        &shown
    } else {
        result
    };
    let sarif = SarifOptions {
        strengths: args.sarif_strengths,
    };
    for extra in &args.output_format {
        let text = scan_output::render(extra.format, result, sarif);
        std::fs::write(&extra.path, text)
            .with_context(|| format!("cannot write {}", extra.path.display()))?;
    }
    let to_stdout = args.output.is_none() && args.format == Format::Text;
    if args.statistics {
        let text = scan_output::statistics::render(result);
        match &args.output {
            Some(p) => {
                std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display()))?
            }
            None => super::out::print(&text)?,
        }
    } else if to_stdout {
        // For people: paths relative to the current folder, colour.
        super::out::print_styled(&scan_output::text::render_styled(&for_display(result)))?;
    } else {
        let text = if matches!(args.format, Format::Text | Format::Full) {
            scan_output::render(args.format, &for_display(result), sarif)
        } else {
            scan_output::render(args.format, result, sarif)
        };
        match &args.output {
            Some(p) => {
                std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display()))?
            }
            None => super::out::print(&text)?,
        }
    }
    if let Some(changes) = changes {
        if to_stdout {
            super::out::print(&format!("\n{changes}"))?;
        } else if !args.quiet {
            eprint!("{changes}");
        }
    }
    if args.write_baseline.is_some() {
        return Ok(0);
    }
    Ok(gate::exit_code(fail_on, &result.findings, &dismissed))
}

/// `result` with its paths as [`paths::Shown`] prints them.
fn for_display(result: &ScanResult) -> ScanResult {
    let root = Path::new(&result.root);
    let shown = paths::Shown::new(if root.is_file() {
        root.parent().unwrap_or(root)
    } else {
        root
    });
    let mut r = result.clone();
    for f in &mut r.findings {
        f.path = shown.path(&f.path);
    }
    for w in &mut r.warnings {
        if let Some(p) = &mut w.path {
            *p = shown.path(p);
        }
    }
    r
}
