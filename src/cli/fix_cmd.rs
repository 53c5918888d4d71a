//! `auditbench fix [PATH]`: applies the fixes the findings carry as edits
//! ([`crate::autofix`]): the safe ones, the unsafe ones too with `--unsafe`;
//! `--diff` prints them as a unified diff and writes nothing. Each fix is
//! verified before its file is written; a refused one is reported with the
//! reason. With a project database, the scans before and after the fixes are
//! recorded and each applied fix is an event (`fix_applied`, by whom) in its
//! finding's history.
//!
//! Exit codes: 0 every selected fix applied (or none to apply), 1 at least one
//! refused, 2 usage or fatal error.

use std::collections::HashSet;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::autofix::{self, FileFix, Selection};
use crate::config::Config;
use crate::finding::Finding;
use crate::project::{discover, record, Project};
use crate::scan::{self, ScanOptions};
use crate::scan_output::text::terminal_safe;
use crate::store::{self, Trigger};

use super::paths;

#[derive(Args)]
pub struct FixArgs {
    /// Project folder or file (default: the current folder); only the findings
    /// under it are fixed.
    pub path: Option<PathBuf>,
    /// Only fix the findings of these rules (ids or families, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Apply the unsafe fixes too (they change behaviour: review the diff).
    #[arg(long = "unsafe")]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff and write nothing.
    #[arg(long)]
    pub diff: bool,
    /// The configuration file, instead of the project's own.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Project database (default: <project>/.auditbench/audit.db, when it exists).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Do not record anything.
    #[arg(long, conflicts_with = "db")]
    pub no_db: bool,
}

pub fn run(args: FixArgs) -> Result<i32> {
    let target = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if !target.exists() {
        anyhow::bail!("path does not exist: {}", target.display());
    }
    paths::check_db_folder(args.db.as_deref())?;
    let start = if target.is_file() {
        target.parent().map(PathBuf::from).unwrap_or_default()
    } else {
        target.clone()
    };
    let start = if start.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        start
    };
    let root = discover::find_root(&target)
        .unwrap_or(start)
        .canonicalize()?;
    let here = target.canonicalize()?;
    let under = (here != root).then(|| scan::rel_path(&root, &here));
    let config = match &args.config {
        Some(file) => Config::load_file(file)?,
        None => Config::load(&root)?,
    };
    let rules = if args.select.is_empty() {
        None
    } else {
        let mut c = config.clone();
        c.apply_cli(&args.select, &[])?;
        Some(c.enabled_rules().into_iter().collect::<HashSet<_>>())
    };
    let sel = Selection {
        unsafe_fixes: args.unsafe_fixes,
        rules,
    };
    let opts = |config: &Config| ScanOptions {
        root: root.clone(),
        config: config.clone(),
        progress: None,
    };
    // The database, when the project has one (a fix never creates it).
    let db = match (&args.db, args.no_db || args.diff) {
        (_, true) => None,
        (Some(db), false) => Some(db.clone()),
        (None, false) => Some(store::default_path(&root)?).filter(|p| p.exists()),
    };
    let project = db
        .map(|db| Project::open_with(&root, Some(db), |_| Ok(config.clone())))
        .transpose()?;
    let mut store = project.as_ref().map(|p| p.open_store()).transpose()?;
    if let Some(store) = &mut store {
        // The findings as they stand before the fix, so that each has its row.
        record::scan_and_record(store, opts(&config), Trigger::Cli)?;
    }
    // Every file analysed (none skipped as unchanged): the edits are computed
    // on the content read now.
    let mut result = scan::scan(opts(&config))?;
    if let Some(dir) = &under {
        result
            .findings
            .retain(|f| &f.path == dir || f.path.starts_with(&format!("{dir}/")));
    }
    let mut plans = autofix::plan(&root, &result, &config, &sel);
    let shown = paths::Shown::new(&root);
    let show =
        |f: &Finding| terminal_safe(&format!("{}:{}", shown.path(&f.path), f.line)).into_owned();
    let mut out = String::new();
    if args.diff {
        for p in plans.iter().filter(|p| p.changed()) {
            for line in p.diff().lines() {
                out.push_str(&terminal_safe(line));
                out.push('\n');
            }
        }
    } else {
        for p in plans.iter_mut().filter(|p| p.changed()) {
            if let Err(e) = autofix::write_checked(&root, &p.path, &p.before, &p.after) {
                let reason = e.to_string();
                p.refused
                    .extend(p.applied.drain(..).map(|finding| autofix::Refusal {
                        finding,
                        reason: reason.clone(),
                    }));
                p.after = p.before.clone();
            }
        }
    }
    // What the scan after the fixes still reports.
    let still: HashSet<(String, String)> = if args.diff || plans.iter().all(|p| !p.changed()) {
        HashSet::new()
    } else {
        let after = match &mut store {
            Some(store) => record::scan_and_record(store, opts(&config), Trigger::Cli)?.0,
            None => scan::scan(opts(&config))?,
        };
        after
            .findings
            .into_iter()
            .map(|f| (f.rule, f.fingerprint))
            .collect()
    };
    let verb = if args.diff { "would fix" } else { "fixed" };
    let (mut applied, mut refused) = (0, 0);
    for p in &plans {
        for f in &p.applied {
            applied += 1;
            let app = f
                .fix
                .as_ref()
                .and_then(|x| x.applicability)
                .map_or("", |a| a.as_str());
            let mut line = format!(
                "{verb} {}: {} [{app}] {}",
                show(f),
                f.rule,
                terminal_safe(&f.message)
            );
            if still.contains(&(f.rule.clone(), f.fingerprint.clone())) {
                line.push_str(" (the re-scan still reports it)");
            }
            out.push_str(&line);
            out.push('\n');
            if let Some(store) = &mut store {
                let note = format!("applied by `auditbench fix` at {}:{}", f.path, f.line);
                store.record_fix_applied(
                    &f.fingerprint,
                    &f.rule,
                    &store::default_actor(),
                    app,
                    &note,
                )?;
            }
        }
        for r in &p.refused {
            refused += 1;
            out.push_str(&format!(
                "not fixed {}: {}: {}\n",
                show(&r.finding),
                r.finding.rule,
                terminal_safe(&r.reason)
            ));
        }
    }
    let files = plans.iter().filter(|p| p.changed()).count();
    out.push_str(&summary(&plans, applied, refused, files, &args));
    super::out::print(&out)?;
    Ok(if refused > 0 { 1 } else { 0 })
}

fn summary(
    plans: &[FileFix],
    applied: usize,
    refused: usize,
    files: usize,
    args: &FixArgs,
) -> String {
    if plans.is_empty() {
        let which = if args.unsafe_fixes { "" } else { " safe" };
        let more = if args.unsafe_fixes {
            ""
        } else {
            " (--unsafe for the unsafe ones)"
        };
        return format!("nothing to fix: no open finding has a{which} fix as edits{more}\n");
    }
    let what = if args.diff {
        "would be applied"
    } else {
        "applied"
    };
    let mut s = format!("{applied} fix(es) {what} in {files} file(s)");
    if refused > 0 {
        s.push_str(&format!(", {refused} refused"));
    }
    if args.diff {
        s.push_str(" (--diff: nothing written)");
    }
    s.push('\n');
    s
}
