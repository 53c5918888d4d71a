//! `auditbench scan [PATH]`: scan a project (or one file), print the findings,
//! record the scan in the project database unless `--no-db`, and exit with 1
//! when an open finding is at or above `--fail-on`.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};

use crate::config::Config;
use crate::finding::Severity;
use crate::project::{record, Project};
use crate::scan::{self, worst_open, ScanOptions};
use crate::scan_output;
use crate::store::Trigger;

use super::store_cmds;

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
}

#[derive(Args)]
pub struct ScanArgs {
    /// Project folder or file (default: the current folder).
    pub path: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Exit with 1 when an open finding is at or above this severity.
    #[arg(long, value_name = "SEVERITY", default_value = "low")]
    pub fail_on: String,
    /// Only run these rules (ids or families, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules (ids or families, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Write the output to a file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
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
    let fail_on: Severity = args.fail_on.parse().map_err(anyhow::Error::msg)?;
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if !root.exists() {
        anyhow::bail!("path does not exist: {}", root.display());
    }
    let config_dir = if root.is_file() {
        root.parent().map(PathBuf::from).unwrap_or_default()
    } else {
        root.clone()
    };
    let mut config = Config::load(&config_dir)?;
    config.apply_cli(&args.select, &args.ignore)?;
    config.include_tests |= args.include_tests;
    let rule_ids = config.enabled_rules();
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
        let project = Project {
            config: opts.config.clone(),
            ..Project::open(&root, args.db.clone())?
        };
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
    let text = match args.format {
        Format::Text => scan_output::text::render(result),
        Format::Json => scan_output::json::render(result),
        Format::Sarif => scan_output::sarif::render(&result.root, &result.findings),
    };
    let to_stdout = args.output.is_none() && matches!(args.format, Format::Text);
    match &args.output {
        Some(p) => {
            std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display()))?
        }
        None => print!("{text}"),
    }
    if !args.no_db {
        let (summary, db) = match (&mut folder, &scanned) {
            (Some((project, store)), Some(scanned)) => (
                record::record_full(store, scanned, Trigger::Cli, rule_ids)?,
                project.db_path.clone(),
            ),
            _ => record::record_file(result, args.db.as_deref(), rule_ids)?,
        };
        let open = crate::store::Store::open_existing(&db)?.open_by_severity()?;
        let mut changes = store_cmds::summary_text(&summary, &db, &open);
        let skipped = result.files.iter().filter(|f| f.unchanged).count();
        if skipped > 0 {
            changes.push_str(&format!(
                "{skipped} unchanged file(s) skipped (same content hash as the last scan)\n"
            ));
        }
        if to_stdout {
            print!("\n{changes}");
        } else if !args.quiet {
            eprint!("{changes}");
        }
    }
    Ok(match worst_open(&result.findings) {
        Some(s) if s.at_least(fail_on) => 1,
        _ => 0,
    })
}
