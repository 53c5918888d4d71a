//! Scan output formats: text for people, JSON (a versioned contract), JSON
//! Lines, SARIF 2.1.0, and the CI formats (GitHub annotations, GitLab Code
//! Quality, JUnit XML); the baseline file of a legacy project.
pub mod baseline;
pub mod github;
pub mod gitlab;
pub mod json;
pub mod json_lines;
pub mod junit;
pub mod sarif;
pub mod statistics;
pub mod text;

use crate::finding::{Finding, Kind, Status};
use crate::scan::ScanResult;

/// One output format of a scan (also the values of `scan --format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    /// Text with each finding's recommended fix as a diff of its code.
    Full,
    Json,
    /// One finding per line (JSON Lines).
    JsonLines,
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// JUnit XML.
    Junit,
}

/// What the formats for people and CI list: findings (not strengths) that no
/// comment suppressed.
pub fn open_findings(r: &ScanResult) -> impl Iterator<Item = &Finding> {
    r.findings
        .iter()
        .filter(|f| f.kind == Kind::Finding && f.status == Status::Open)
}

/// Renders `result` in `format`.
pub fn render(format: Format, result: &ScanResult, sarif: sarif::SarifOptions) -> String {
    match format {
        Format::Text => text::render(result),
        Format::Full => text::render_full(result),
        Format::Json => json::render(result),
        Format::JsonLines => json_lines::render(result),
        Format::Sarif => sarif::render(result, sarif),
        Format::Github => github::render(result),
        Format::Gitlab => gitlab::render(result),
        Format::Junit => junit::render(result),
    }
}
