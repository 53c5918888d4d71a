//! The client-ready audit report, generated from the project database.
//!
//! ```no_run
//! # use auditbench::report::{self, ReportOptions, ReportFormat};
//! # use auditbench::store::Store;
//! let store = Store::open_existing(".auditbench/audit.db").unwrap();
//! let opts = ReportOptions { date: Some("2026-11-23".into()), ..Default::default() };
//! let md = report::render(&store, &opts, ReportFormat::Markdown).unwrap();
//! ```
//!
//! [`model::gather`] reads the database into a [`Report`]; the renderers
//! ([`markdown`], [`sarif`], [`json`], [`html`]) only format it. Output is deterministic:
//! the same database and options give byte-identical text.

pub mod escape;
pub mod grouping;
pub mod health;
pub mod html;
pub mod impact;
pub mod json;
pub mod markdown;
pub mod model;
pub mod plan;
pub mod sarif;
pub mod strengths;
pub mod test_recommendations;

pub use model::{gather, Issue, Item, Report, ReportOptions, DEFAULT_CONFIDENCE};

use crate::store::{self, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Markdown,
    Sarif,
    Json,
    Html,
}

/// Gathers and renders a report.
pub fn render(store: &Store, opts: &ReportOptions, format: ReportFormat) -> store::Result<String> {
    let report = gather(store, opts)?;
    Ok(match format {
        ReportFormat::Markdown => markdown::render(&report),
        ReportFormat::Sarif => sarif::render(&report),
        ReportFormat::Json => json::render(&report),
        ReportFormat::Html => html::render(&report),
    })
}

/// The database ids of the findings of the report's issue `number`
/// (`HIGH-003`, case-insensitive), as `auditbench report` numbers them with
/// its default options and the confidence threshold `confidence` (the
/// project's, [`crate::Config::report_confidence`]); `None` when the report
/// has no such issue.
pub fn finding_ids_of(
    store: &crate::store::Store,
    number: &str,
    confidence: crate::finding::Confidence,
) -> crate::store::Result<Option<Vec<i64>>> {
    let opts = ReportOptions {
        confidence,
        ..ReportOptions::default()
    };
    let report = model::gather(store, &opts)?;
    Ok(report
        .issues
        .iter()
        .find(|i| i.number.eq_ignore_ascii_case(number))
        .map(|i| i.members.iter().map(|&m| report.findings[m].id).collect()))
}
