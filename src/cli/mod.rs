//! The `auditbench` command line: `scan`, `rules`, `rule ID`, and the project
//! database commands of [`store_cmds`].
//!
//! Exit codes: 0 = nothing open at or above `--fail-on`, 1 = findings at or above
//! it, 2 = usage or fatal error.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use crate::config::Config;
use crate::finding::{Kind, Severity};
use crate::output;
use crate::project::incremental;
use crate::project::scan::{scan, worst_open, ScanOptions};
use crate::rules;
use crate::store;

pub mod report_cmd;
pub mod store_cmds;
pub mod watch_cmd;

#[derive(Parser)]
#[command(
    name = "auditbench",
    version,
    about = "Find memory leaks, resource leaks and concurrency hazards in Python backends"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Sarif,
}

#[derive(Subcommand)]
enum Command {
    /// Scan a Python project (or one file) and print the findings.
    Scan {
        /// Project folder or file (default: the current folder).
        path: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Exit with 1 when an open finding is at or above this severity.
        #[arg(long, value_name = "SEVERITY", default_value = "low")]
        fail_on: String,
        /// Only run these rules (ids or families, comma-separated).
        #[arg(long, value_delimiter = ',')]
        select: Vec<String>,
        /// Do not run these rules (ids or families, comma-separated).
        #[arg(long, value_delimiter = ',')]
        ignore: Vec<String>,
        /// Write the output to a file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
        /// Project database to record the scan in
        /// (default: <project>/.auditbench/audit.db).
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
        /// Do not record the scan (pure CI run).
        #[arg(long, conflicts_with = "db")]
        no_db: bool,
        /// Scan test code too (tests/, test/, testing/ folders, test_*.py,
        /// *_test.py, conftest.py), skipped by default; same as
        /// `include-tests = true` in the configuration.
        #[arg(long)]
        include_tests: bool,
    },
    /// List every rule.
    Rules,
    /// Print one rule's documentation.
    Rule { id: String },
    /// Write the audit report (markdown, SARIF or JSON) from the project database.
    Report(report_cmd::ReportArgs),
    #[command(flatten)]
    Store(store_cmds::StoreCommand),
    /// Scan, then re-scan files as they change, recording each batch in the
    /// project database (one line per batch; Ctrl-C to stop).
    Watch {
        /// Project folder (default: the current folder).
        path: Option<PathBuf>,
        /// Project database (default: <project>/.auditbench/audit.db).
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
        /// Do not record anything.
        #[arg(long, conflicts_with = "db")]
        no_db: bool,
    },
}

/// Runs the CLI and returns the process exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match execute(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            2
        }
    }
}

fn execute(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Rules => {
            print!("{}", rules_table());
            Ok(0)
        }
        Command::Rule { id } => {
            let m = rules::find_meta(&id)
                .with_context(|| format!("unknown rule `{id}` (see `auditbench rules`)"))?;
            let sev = if m.kind == Kind::Strength {
                "strength".to_string()
            } else {
                format!("default severity: {}", m.severity)
            };
            println!(
                "# {} {}\n\n{} ({sev}, category: {})\n\n{}",
                m.id,
                m.name,
                m.summary,
                m.category,
                m.doc.trim_end()
            );
            Ok(0)
        }
        Command::Report(args) => report_cmd::execute(args),
        Command::Store(cmd) => store_cmds::execute(cmd),
        Command::Watch { path, db, no_db } => watch_cmd::run(path, db, no_db),
        Command::Scan {
            path,
            format,
            fail_on,
            select,
            ignore,
            output: out,
            quiet,
            db,
            no_db,
            include_tests,
        } => {
            let fail_on: Severity = fail_on.parse().map_err(anyhow::Error::msg)?;
            let root = path.unwrap_or_else(|| PathBuf::from("."));
            if !root.exists() {
                anyhow::bail!("path does not exist: {}", root.display());
            }
            let config_dir = if root.is_file() {
                root.parent().map(PathBuf::from).unwrap_or_default()
            } else {
                root.clone()
            };
            let mut config = Config::load(&config_dir)?;
            config.apply_cli(&select, &ignore)?;
            config.include_tests |= include_tests;
            let rule_ids: Vec<String> = rules::all_meta()
                .iter()
                .filter(|m| config.is_enabled(m.id))
                .map(|m| m.id.to_string())
                .collect();
            let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
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
            let (result, key) = if !no_db && root.is_dir() {
                let canonical = root.canonicalize()?;
                let path = match db.clone() {
                    Some(db) => db,
                    None => store::default_path(&canonical)?,
                };
                let store = store::Store::open(&path)?;
                let (result, key) = incremental::scan_recorded(&store, opts)?;
                (result, Some(key))
            } else {
                (scan(opts)?, None)
            };
            if let Some(b) = &bar {
                b.finish_and_clear();
            }
            let text = match format {
                Format::Text => output::text::render(&result),
                Format::Json => output::json::render(&result),
                Format::Sarif => output::sarif::render(&result.root, &result.findings),
            };
            let to_stdout = out.is_none() && matches!(format, Format::Text);
            match out {
                Some(p) => std::fs::write(&p, text)
                    .with_context(|| format!("cannot write {}", p.display()))?,
                None => print!("{text}"),
            }
            if !no_db {
                let changes =
                    store_cmds::record_scan(&result, &root, db.as_deref(), rule_ids, key)?;
                if to_stdout {
                    print!("\n{changes}");
                } else if !quiet {
                    eprint!("{changes}");
                }
            }
            Ok(match worst_open(&result.findings) {
                Some(s) if s.at_least(fail_on) => 1,
                _ => 0,
            })
        }
    }
}

pub fn rules_table() -> String {
    let mut s = format!(
        "{:<9} {:<38} {:<9} {}\n",
        "ID", "NAME", "SEVERITY", "WHAT IT FLAGS"
    );
    for m in rules::all_meta() {
        let sev = if m.kind == Kind::Strength {
            "strength"
        } else {
            m.severity.as_str()
        };
        s.push_str(&format!(
            "{:<9} {:<38} {:<9} {}\n",
            m.id, m.name, sev, m.summary
        ));
    }
    s
}
