//! `auditbench report`: the client-ready audit report from the project database.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};

use crate::finding::{Confidence, Severity};
use crate::report::{self, ReportFormat, ReportOptions};
use crate::store::{self, Store, Triage};

#[derive(Clone, Copy, ValueEnum)]
pub enum ReportFormatArg {
    Markdown,
    Sarif,
    Json,
    /// One self-contained, printable page (the markdown content, all text escaped).
    Html,
}

#[derive(Args)]
pub struct ReportArgs {
    /// Project folder (default: the current folder).
    pub path: Option<PathBuf>,
    /// Project database (default: <project>/.auditbench/audit.db).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Write the report to a file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: ReportFormatArg,
    /// Default: `[tool.auditbench.report] title`, else
    /// "<project>: Memory Leaks & Concurrency Audit".
    #[arg(long)]
    pub title: Option<String>,
    /// Default: `[tool.auditbench.report] client`.
    #[arg(long)]
    pub client: Option<String>,
    /// Default: `[tool.auditbench.report] auditor`, else auditbench.
    #[arg(long)]
    pub auditor: Option<String>,
    /// Report date, YYYY-MM-DD (default: today, UTC).
    #[arg(long)]
    pub date: Option<String>,
    /// Leave out findings the scan is less sure of than this: high, medium or
    /// low (everything). Default: `[tool.auditbench.report] confidence`, else
    /// the configuration's `confidence`, else medium. A finding a person
    /// triaged is reported whatever its confidence.
    #[arg(long, value_name = "LEVEL")]
    pub confidence: Option<Confidence>,
    /// Leave out findings below this severity.
    #[arg(long, value_name = "SEVERITY", default_value = "info")]
    pub min_severity: String,
    /// Triage states to include, comma-separated (needs_review, confirmed,
    /// in_progress, false_positive, accepted_risk, wont_fix, suppressed).
    /// Default: all.
    #[arg(long, value_delimiter = ',')]
    pub status: Vec<String>,
    /// Leave out code snippets.
    #[arg(long)]
    pub no_code: bool,
    /// Leave out the excellent patterns.
    #[arg(long)]
    pub no_strengths: bool,
    /// Project name shown in the report (default: `[project] name` of
    /// pyproject.toml, else the scanned folder's name).
    #[arg(long)]
    pub project_name: Option<String>,
    /// Hours of remediation work per week in the plan.
    #[arg(long, default_value_t = report::plan::DEFAULT_CAPACITY_HOURS)]
    pub capacity: f32,
}

pub fn execute(a: ReportArgs) -> Result<i32> {
    let project = a.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if !project.is_dir() {
        anyhow::bail!(
            "{}: {}",
            if project.exists() {
                "not a folder"
            } else {
                "path does not exist"
            },
            project.display()
        );
    }
    super::paths::check_db_folder(a.db.as_deref())?;
    let project = super::paths::project(Some(&project));
    let db = match a.db.clone() {
        Some(db) => db,
        None => store::default_path(&project)?,
    };
    let store = Store::open_existing(&db)
        .with_context(|| "run `auditbench scan` first to record a scan".to_string())?;
    let mut statuses = vec![];
    for s in &a.status {
        statuses.push(s.parse::<Triage>()?);
    }
    // The title block: the options, else `[tool.auditbench.report]`, else the
    // project's own name.
    let config = crate::config::Config::load(&project)?;
    let confidence = a.confidence.unwrap_or_else(|| config.report_confidence());
    let opts = ReportOptions {
        title: a.title.or(config.report.title),
        client: a.client.or(config.report.client),
        auditor: a.auditor.or(config.report.auditor),
        date: a.date,
        min_severity: a
            .min_severity
            .parse::<Severity>()
            .map_err(anyhow::Error::msg)?,
        statuses,
        include_code: !a.no_code,
        include_strengths: !a.no_strengths,
        project: a
            .project_name
            .or_else(|| crate::config::project_name(&project)),
        capacity_hours: a.capacity,
        confidence,
    };
    let format = match a.format {
        ReportFormatArg::Markdown => ReportFormat::Markdown,
        ReportFormatArg::Sarif => ReportFormat::Sarif,
        ReportFormatArg::Json => ReportFormat::Json,
        ReportFormatArg::Html => ReportFormat::Html,
    };
    let text = report::render(&store, &opts, format)?;
    match a.output {
        Some(p) => {
            std::fs::write(&p, text).with_context(|| format!("cannot write {}", p.display()))?
        }
        None => super::out::print(&text)?,
    }
    Ok(0)
}
