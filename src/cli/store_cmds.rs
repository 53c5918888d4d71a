//! CLI commands over the project database: `findings`, `triage`, `show`,
//! `history`, `add`, `export-triage`, `import-triage`, and the summary `scan`
//! prints of what it recorded.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};

use crate::finding::Severity;
use crate::scan_output::text::terminal_safe;

use super::paths::{self, check_db_folder, project_relative};
use crate::store::{
    self, Detection, FindingFilter, FindingRef, FindingRow, ManualFinding, SortKey, Store,
    SyncSummary, Triage, TriageChange, TriageExport,
};

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Args, Clone)]
pub struct DbArgs {
    /// Project database (default: <project>/.auditbench/audit.db).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Project folder (default: the current folder).
    #[arg(long, value_name = "DIR")]
    pub project: Option<PathBuf>,
}

impl DbArgs {
    /// The project holding `--project` (default: the current folder).
    fn project(&self) -> PathBuf {
        paths::project(self.project.as_deref())
    }
    fn path(&self) -> Result<PathBuf> {
        check_db_folder(self.db.as_deref())?;
        match &self.db {
            Some(db) => Ok(db.clone()),
            None => Ok(store::default_path(&self.project())?),
        }
    }
    fn open_existing(&self) -> Result<Store> {
        Ok(Store::open_existing(self.path()?)?)
    }
}

#[derive(Subcommand)]
pub enum StoreCommand {
    /// List findings recorded in the project database.
    Findings {
        #[command(flatten)]
        db: DbArgs,
        /// Detection (open, fixed, regressed, removed) and/or triage statuses
        /// (needs_review, confirmed, in_progress, false_positive, accepted_risk,
        /// wont_fix, suppressed), comma-separated. Default: the open findings
        /// (open or regressed, and not false positive, suppressed or accepted),
        /// as the report counts them; with only triage statuses: open and regressed.
        #[arg(long, value_delimiter = ',')]
        status: Vec<String>,
        /// Every finding, whatever its status.
        #[arg(long)]
        all: bool,
        #[arg(long, value_delimiter = ',')]
        severity: Vec<String>,
        /// Rule ids or family prefixes (RES, MEM007, MANUAL).
        #[arg(long, value_delimiter = ',')]
        rule: Vec<String>,
        /// A file, a folder, or any part of a path (`clients` finds `app/clients/x.py`).
        #[arg(long)]
        path: Option<String>,
        #[arg(long, value_enum, default_value = "severity")]
        sort: SortArg,
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Set the triage status of one or more findings.
    Triage {
        #[command(flatten)]
        db: DbArgs,
        /// Finding ids (`12`), or the report's issue numbers (`HIGH-003`: every
        /// finding of the issue, as `auditbench report` numbers them).
        #[arg(required = true)]
        ids: Vec<String>,
        /// needs_review, confirmed, in_progress, false_positive, accepted_risk, wont_fix.
        #[arg(long)]
        status: String,
        /// Why (required for accepted_risk).
        #[arg(long)]
        note: Option<String>,
        /// Who (default: $AUDITBENCH_USER or $USER).
        #[arg(long)]
        actor: Option<String>,
    },
    /// Show one finding with its code, fix and history.
    Show {
        #[command(flatten)]
        db: DbArgs,
        /// A finding id (`12`), or a report issue number (`HIGH-003`: its
        /// first, worst place).
        id: String,
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Weekly history: new, fixed and open findings by severity per ISO week.
    History {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, default_value_t = 8)]
        weeks: usize,
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Record a finding by hand (rule MANUAL).
    Add {
        #[command(flatten)]
        db: DbArgs,
        /// File, relative to the project folder.
        #[arg(long)]
        path: String,
        #[arg(long)]
        line: usize,
        #[arg(long, default_value = "medium")]
        severity: String,
        #[arg(long)]
        title: String,
        #[arg(long, default_value = "")]
        description: String,
        #[arg(long)]
        fix: Option<String>,
        #[arg(long)]
        actor: Option<String>,
    },
    /// Write triage decisions and manual findings as JSON.
    ExportTriage {
        #[command(flatten)]
        db: DbArgs,
        /// Output file (default: standard output).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Merge triage decisions exported from another database (later decision wins).
    ImportTriage {
        #[command(flatten)]
        db: DbArgs,
        file: PathBuf,
        #[arg(long)]
        actor: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SortArg {
    Severity,
    Path,
    Rule,
    Newest,
}

pub fn execute(cmd: StoreCommand) -> Result<i32> {
    let mut out = std::io::stdout().lock();
    match cmd {
        StoreCommand::Findings {
            db,
            status,
            all,
            severity,
            rule,
            path,
            sort,
            limit,
            format,
        } => {
            let store = db.open_existing()?;
            let mut filter = FindingFilter {
                rules: rule,
                path: path.map(|p| project_relative(&db.project(), &p)),
                limit,
                sort: match sort {
                    SortArg::Severity => SortKey::Severity,
                    SortArg::Path => SortKey::Path,
                    SortArg::Rule => SortKey::Rule,
                    SortArg::Newest => SortKey::Newest,
                },
                ..Default::default()
            };
            for s in &status {
                if let Some(d) = Detection::parse(s) {
                    filter.detection.push(d);
                } else {
                    filter.triage.push(s.parse::<Triage>()?);
                }
            }
            if status.is_empty() && !all {
                // The one definition of open (`store::standing`), as the report counts.
                let open = FindingFilter::open();
                filter.detection = open.detection;
                filter.triage = open.triage;
            } else if filter.detection.is_empty() && !all {
                filter.detection = vec![Detection::Open, Detection::Regressed];
            }
            for s in &severity {
                filter
                    .severity
                    .push(s.parse::<Severity>().map_err(anyhow::Error::msg)?);
            }
            let list = store.findings(&filter)?;
            match format {
                ListFormat::Json => {
                    let items: Vec<serde_json::Value> = list.items.iter().map(json_row).collect();
                    writeln!(out, "{}", serde_json::to_string_pretty(&items)?)?;
                }
                ListFormat::Text => {
                    let shown = paths::Shown::new(&db.project());
                    for f in &list.items {
                        writeln!(
                            out,
                            "#{:<5} {:<8} {:<8} {:<9} {:<14} {}:{}  {}",
                            f.id,
                            f.rule,
                            f.severity.as_deref().unwrap_or("-"),
                            f.detection,
                            f.triage,
                            terminal_safe(&shown.path(&f.path)),
                            f.line,
                            terminal_safe(f.title.as_deref().unwrap_or(&f.message))
                        )?;
                    }
                    // Most severe first (the map is alphabetical), then findings
                    // without a severity.
                    let rank = |k: &str| {
                        Severity::ALL
                            .iter()
                            .position(|s| s.as_str() == k)
                            .unwrap_or(Severity::ALL.len())
                    };
                    let mut by_severity: Vec<(&String, &usize)> = list.by_severity.iter().collect();
                    by_severity.sort_by_key(|(k, _)| rank(k));
                    let counts: Vec<String> = by_severity
                        .iter()
                        .map(|(k, v)| format!("{v} {k}"))
                        .collect();
                    writeln!(
                        out,
                        "{} finding(s){}",
                        list.total,
                        if counts.is_empty() {
                            String::new()
                        } else {
                            format!(": {}", counts.join(", "))
                        }
                    )?;
                }
            }
            Ok(0)
        }
        StoreCommand::Triage {
            db,
            ids,
            status,
            note,
            actor,
        } => {
            let mut store = db.open_existing()?;
            let status: Triage = status.parse()?;
            let ids = resolve_ids(&store, &db.project(), &ids)?;
            store.triage(
                &ids,
                &TriageChange {
                    status,
                    note,
                    actor: actor.unwrap_or_else(store::default_actor),
                    at: None,
                },
            )?;
            writeln!(out, "{} finding(s) set to {status}", ids.len())?;
            Ok(0)
        }
        StoreCommand::Show { db, id, format } => {
            let store = db.open_existing()?;
            let id = resolve_ids(&store, &db.project(), std::slice::from_ref(&id))?[0];
            let d = store.history(id)?;
            if format == ListFormat::Json {
                writeln!(out, "{}", serde_json::to_string_pretty(&d)?)?;
                return Ok(0);
            }
            let f = &d.finding;
            writeln!(
                out,
                "#{} {} {} [{}]  {}:{}",
                f.id,
                f.rule,
                f.name,
                f.severity.as_deref().unwrap_or("-"),
                terminal_safe(&f.path),
                f.line
            )?;
            if f.title.as_deref() != Some(f.message.as_str()) {
                if let Some(t) = &f.title {
                    writeln!(out, "{t}")?;
                }
            }
            writeln!(out, "{}", f.message)?;
            if let Some(desc) = f.description.as_deref().filter(|d| !d.is_empty()) {
                writeln!(out, "\n{desc}")?;
            }
            writeln!(
                out,
                "\ndetection: {}   triage: {}{}",
                f.detection,
                f.triage,
                f.note
                    .as_deref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            )?;
            if let Some(b) = &f.fix_before {
                writeln!(out, "\nbefore:\n{}", indent(b))?;
            }
            if let Some(a) = &f.after_code {
                writeln!(
                    out,
                    "after (the code now, line {}):\n{}",
                    f.after_line.unwrap_or(0),
                    indent(a)
                )?;
            } else if let Some(a) = &f.fix_after {
                writeln!(out, "suggested fix:\n{}", indent(a))?;
            }
            writeln!(out, "history:")?;
            for e in &d.events {
                let change = match (&e.from, &e.to) {
                    (Some(a), Some(b)) => format!(" {a} -> {b}"),
                    (None, Some(b)) => format!(" {b}"),
                    _ => String::new(),
                };
                let note = e
                    .note
                    .as_deref()
                    .filter(|_| e.kind != "fixed")
                    .map(|n| format!(": {n}"))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "  {} {:<14} {}{change}{note}",
                    store::week::date(e.at),
                    e.kind,
                    e.actor
                )?;
            }
            Ok(0)
        }
        StoreCommand::History { db, weeks, format } => {
            let store = db.open_existing()?;
            let rows = store.weekly(weeks, None)?;
            if format == ListFormat::Json {
                writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?;
                return Ok(0);
            }
            writeln!(
                out,
                "{:<9} {:<11} {:>5} {:>6} {:>10} {:>5}  by severity",
                "WEEK", "STARTS", "NEW", "FIXED", "REGRESSED", "OPEN"
            )?;
            for r in rows {
                let sev: Vec<String> = Severity::ALL
                    .iter()
                    .filter_map(|s| {
                        r.open_by_severity
                            .get(s.as_str())
                            .map(|n| format!("{n} {s}"))
                    })
                    .collect();
                writeln!(
                    out,
                    "{:<9} {:<11} {:>5} {:>6} {:>10} {:>5}  {}",
                    r.week,
                    r.starts,
                    r.new,
                    r.fixed,
                    r.regressed,
                    r.open,
                    sev.join(", ")
                )?;
            }
            Ok(0)
        }
        StoreCommand::Add {
            db,
            path,
            line,
            severity,
            title,
            description,
            fix,
            actor,
        } => {
            let mut store = Store::open(db.path()?)?;
            let m = ManualFinding {
                path: project_relative(&db.project(), &path),
                line,
                severity: severity.parse().map_err(anyhow::Error::msg)?,
                title,
                description,
                fix,
            };
            let id = crate::project::manual::add(
                &mut store,
                &db.project(),
                &m,
                &actor.unwrap_or_else(store::default_actor),
                None,
            )?;
            writeln!(out, "recorded manual finding #{id}")?;
            Ok(0)
        }
        StoreCommand::ExportTriage { db, output } => {
            let store = db.open_existing()?;
            let text = serde_json::to_string_pretty(&store.export_triage()?)? + "\n";
            match output {
                Some(p) => std::fs::write(&p, text)
                    .with_context(|| format!("cannot write {}", p.display()))?,
                None => out.write_all(text.as_bytes())?,
            }
            Ok(0)
        }
        StoreCommand::ImportTriage { db, file, actor } => {
            let mut store = db.open_existing()?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let export: TriageExport = serde_json::from_str(&text)
                .with_context(|| format!("{} is not a triage export", file.display()))?;
            let s = store.import_triage(&export, &actor.unwrap_or_else(store::default_actor))?;
            writeln!(
                out,
                "{} applied, {} unchanged, {} kept (local decision newer), {} unmatched, {} manual finding(s) created",
                s.applied, s.unchanged, s.kept_local, s.unmatched, s.created_manual
            )?;
            Ok(0)
        }
    }
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn json_row(f: &FindingRow) -> serde_json::Value {
    serde_json::json!({
        "id": f.id,
        "fingerprint": f.fingerprint,
        "rule": f.rule,
        "severity": f.severity,
        "path": f.path,
        "line": f.line,
        "detection": f.detection,
        "triage": f.triage,
        "note": f.note,
        "message": f.message,
        "title": f.title,
    })
}

/// Finding ids from what the user typed: database ids, or the report's issue
/// numbers (`HIGH-003`), each standing for every finding of the issue (worst
/// first), numbered as the project's report numbers them (its confidence
/// threshold).
fn resolve_ids(store: &Store, project: &Path, given: &[String]) -> Result<Vec<i64>> {
    let confidence = crate::config::Config::load(project)
        .map(|c| c.report_confidence())
        .unwrap_or(crate::report::DEFAULT_CONFIDENCE);
    let mut ids = vec![];
    for g in given {
        if let Ok(id) = g.trim_start_matches('#').parse::<i64>() {
            ids.push(id);
            continue;
        }
        match crate::report::finding_ids_of(store, g, confidence)? {
            Some(found) if !found.is_empty() => ids.extend(found),
            _ => bail!(
                "`{g}` is neither a finding id nor an issue of the report (ids look like 12, issues like HIGH-003)"
            ),
        }
    }
    Ok(ids)
}

/// The lines `scan` prints about what it recorded.
pub fn summary_text(
    s: &SyncSummary,
    db: &Path,
    shown: &paths::Shown,
    open: &BTreeMap<Severity, usize>,
) -> String {
    let mut t = format!(
        "database {}: {}; {}\n",
        terminal_safe(&db.display().to_string()),
        s.headline(),
        open_text(open)
    );
    for (label, list) in [
        ("new", &s.new),
        ("fixed", &s.fixed),
        ("regressed", &s.regressed),
    ] {
        named_findings(&mut t, label, list, shown);
    }
    t
}

/// "12 open (1 critical, 3 high, 8 low)", the open count every front end shows.
pub fn open_text(open: &BTreeMap<Severity, usize>) -> String {
    let total: usize = open.values().sum();
    let parts: Vec<String> = open
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    if parts.is_empty() {
        format!("{total} open")
    } else {
        format!("{total} open ({})", parts.join(", "))
    }
}

/// One indented line per finding of `list` (the first 20), labelled with the
/// change (`new`, `fixed`...), then how many more.
pub fn named_findings(t: &mut String, label: &str, list: &[FindingRef], shown: &paths::Shown) {
    const NAMED: usize = 20;
    for f in list.iter().take(NAMED) {
        t.push_str(&format!(
            "  {label:<9} #{} {} {}:{} {}\n",
            f.id,
            f.rule,
            terminal_safe(&shown.path(&f.path)),
            f.line,
            terminal_safe(&f.message)
        ));
    }
    if list.len() > NAMED {
        t.push_str(&format!("  ... and {} more {label}\n", list.len() - NAMED));
    }
}
