//! The `auditbench` command line: `scan`, `rules`, `rule ID`, and the project
//! database commands of [`store_cmds`].
//!
//! Exit codes: 0 = nothing open at or above `--fail-on`, 1 = findings at or above
//! it, 2 = usage or fatal error.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{CommandFactory, Parser, Subcommand};

use crate::finding::Kind;
use crate::rules;

pub mod explain_cmd;
pub mod fix_cmd;
pub mod gate;
pub mod out;
pub mod paths;
pub mod report_cmd;
pub mod scan_cmd;
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

#[derive(Subcommand)]
enum Command {
    /// Scan a Python project (or one file) and print the findings.
    Scan(scan_cmd::ScanArgs),
    /// What the project model knows at a place: the function at PATH[:LINE],
    /// where it can run (request, task, thread, script...) and the call path
    /// that proves it, its callers and callees.
    Explain {
        /// A file, or FILE:LINE.
        place: String,
        /// Project folder (default: the current folder).
        #[arg(long, value_name = "DIR")]
        project: Option<PathBuf>,
    },
    /// Apply the fixes the findings carry as edits (the safe ones; the unsafe
    /// ones too with --unsafe), each verified before its file is written;
    /// `--diff` prints them and writes nothing.
    Fix(fix_cmd::FixArgs),
    /// List every rule.
    Rules,
    /// Print one rule's documentation.
    Rule { id: String },
    /// Print the shell completion script (bash, zsh, fish, elvish, powershell):
    /// `auditbench completions bash > ~/.local/share/bash-completion/completions/auditbench`.
    Completions { shell: clap_complete::Shell },
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
        // The reader of the output went away (`| head`): a normal end.
        Err(e) if out::is_broken_pipe(&e) => 0,
        Err(e) => {
            eprintln!("error: {e:#}");
            2
        }
    }
}

fn execute(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Rules => {
            out::print(&rules_table())?;
            Ok(0)
        }
        Command::Rule { id } => {
            let m = rules::find_meta(&id).with_context(|| crate::rule_ids::unknown_rule(&id))?;
            let sev = if m.kind == Kind::Strength {
                "strength".to_string()
            } else {
                format!("default severity: {}", m.severity)
            };
            out::print(&format!(
                "# {} {}\n\n{} ({sev}, category: {})\n\n{}\n",
                m.id,
                m.name,
                m.summary,
                m.category,
                m.doc.trim_end()
            ))?;
            Ok(0)
        }
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "auditbench", &mut script);
            out::print(&String::from_utf8_lossy(&script))?;
            Ok(0)
        }
        Command::Report(args) => report_cmd::execute(args),
        Command::Store(cmd) => store_cmds::execute(cmd),
        Command::Watch { path, db, no_db } => watch_cmd::run(path, db, no_db),
        Command::Scan(args) => scan_cmd::run(args),
        Command::Fix(args) => fix_cmd::run(args),
        Command::Explain { place, project } => explain_cmd::run(&place, project),
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
