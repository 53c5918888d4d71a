//! The shell's own request and response shapes (camelCase on the wire); the
//! store's types (`FindingRow`, `FindingList`, ...) are passed through as they are.

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::finding::{Confidence, Related, Severity};
use crate::report::{ReportFormat, ReportOptions};
use crate::store::{Detection, FindingDetail, FindingFilter, SortKey, StoreError, Triage};

use super::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ScanInfo {
    pub at: i64,
    pub files: usize,
    pub headline: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ProjectInfo {
    pub root: String,
    pub name: String,
    pub db_path: String,
    pub scanning: bool,
    pub progress: Option<super::events::Progress>,
    pub watching: bool,
    pub last_scan: Option<ScanInfo>,
    pub error: Option<String>,
    /// Files and folders the last scan could not read or analyse
    /// (`session::UNREAD_KINDS`).
    pub unread: usize,
    /// Every warning of the last scan (the unread ones included).
    pub warnings: usize,
}

/// `startup_problem`: the project given on the command line that could not
/// be opened, and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct StartupProblem {
    pub path: String,
    pub kind: String,
    pub message: String,
}

/// `scan_warnings`: one problem of the last scan.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ScanWarning {
    /// Relative to the root (`None`: about the whole walk).
    pub path: Option<String>,
    pub kind: String,
    pub message: String,
    /// The file or folder was not read or not analysed (its findings are unknown).
    pub unread: bool,
}

/// `list_findings`' filter; empty or absent lists mean "any".
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FilterArgs {
    #[serde(default)]
    pub detection: Vec<Detection>,
    #[serde(default)]
    pub triage: Vec<Triage>,
    #[serde(default)]
    pub severity: Vec<Severity>,
    #[serde(default)]
    pub rules: Vec<String>,
    /// `high`, `medium`, `low`; a finding without a confidence (manual) passes.
    #[serde(default)]
    pub confidence: Vec<String>,
    pub path: Option<String>,
    pub text: Option<String>,
    pub sort: Option<String>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

impl FilterArgs {
    pub fn to_filter(&self) -> ApiResult<FindingFilter> {
        let sort = match self.sort.as_deref() {
            None | Some("severity") => SortKey::Severity,
            Some("path") => SortKey::Path,
            Some("rule") => SortKey::Rule,
            Some("newest") => SortKey::Newest,
            Some(other) => return Err(ApiError::invalid(format!("unknown sort `{other}`"))),
        };
        if let Some(c) = self
            .confidence
            .iter()
            .find(|c| !matches!(c.as_str(), "high" | "medium" | "low"))
        {
            return Err(ApiError::invalid(format!(
                "unknown confidence `{c}` (high, medium or low)"
            )));
        }
        Ok(FindingFilter {
            detection: self.detection.clone(),
            triage: self.triage.clone(),
            severity: self.severity.clone(),
            rules: self.rules.clone(),
            confidence: self.confidence.clone(),
            path: self.path.clone(),
            text: self.text.clone(),
            sort,
            limit: self.limit,
            offset: self.offset.unwrap_or(0),
            include_strengths: false,
        })
    }
}

/// One finding marker in the file viewer.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FileMarker {
    pub id: i64,
    pub line: usize,
    pub end_line: usize,
    pub severity: Option<String>,
    pub rule: String,
    pub detection: String,
}

/// `read_file`: the text is sent as text; the UI renders it as text, never HTML.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FileText {
    pub path: String,
    pub text: String,
    pub findings: Vec<FileMarker>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ManualInput {
    pub path: String,
    pub line: usize,
    /// Accepted for the UI's convenience; the store anchors a manual finding on
    /// one line.
    pub end_line: Option<usize>,
    pub severity: Severity,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub fix: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RuleInfo {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub default_severity: String,
    pub severity: String,
    pub enabled: bool,
    pub summary: String,
    pub doc: String,
    pub open: usize,
}

/// `finding_detail`: the store's detail plus the rule and the related places.
#[derive(Debug, Clone, Serialize)]
pub struct DetailOut {
    #[serde(flatten)]
    pub detail: FindingDetail,
    pub rule: RuleInfo,
    pub related: Vec<Related>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReportArgs {
    pub title: Option<String>,
    pub client: Option<String>,
    pub auditor: Option<String>,
    pub date: Option<String>,
    pub min_severity: Option<String>,
    #[serde(default)]
    pub statuses: Vec<String>,
    #[serde(default = "yes")]
    pub include_code: bool,
    #[serde(default = "yes")]
    pub include_strengths: bool,
    /// The least confidence of a finding in the report (`high`, `medium`,
    /// `low`); default: the project's ([`Config::report_confidence`]).
    #[serde(default)]
    pub confidence: Option<String>,
}

fn yes() -> bool {
    true
}

impl ReportArgs {
    /// The same options `auditbench report` builds from its flags, with the
    /// same defaults from the project's configuration `config` (title block,
    /// confidence threshold) and its name (`project`).
    pub fn to_options(&self, config: &Config, project: Option<String>) -> ApiResult<ReportOptions> {
        let min_severity = match self.min_severity.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => s.parse::<Severity>().map_err(ApiError::invalid)?,
            None => Severity::Info,
        };
        let statuses = self
            .statuses
            .iter()
            .map(|s| s.parse::<Triage>())
            .collect::<Result<Vec<_>, StoreError>>()?;
        let blank = |s: &Option<String>| s.clone().filter(|v| !v.trim().is_empty());
        let confidence = match blank(&self.confidence) {
            Some(c) => c.parse::<Confidence>().map_err(ApiError::invalid)?,
            None => config.report_confidence(),
        };
        Ok(ReportOptions {
            title: blank(&self.title).or(config.report.title.clone()),
            client: blank(&self.client).or(config.report.client.clone()),
            auditor: blank(&self.auditor).or(config.report.auditor.clone()),
            date: blank(&self.date),
            min_severity,
            statuses,
            include_code: self.include_code,
            include_strengths: self.include_strengths,
            project,
            confidence,
            ..ReportOptions::default()
        })
    }
}

pub fn report_format(format: &str) -> ApiResult<(ReportFormat, &'static str)> {
    match format {
        "markdown" | "md" => Ok((ReportFormat::Markdown, "md")),
        "sarif" => Ok((ReportFormat::Sarif, "sarif")),
        "json" => Ok((ReportFormat::Json, "json")),
        "html" => Ok((ReportFormat::Html, "html")),
        other => Err(ApiError::invalid(format!(
            "unknown report format `{other}` (markdown, sarif, json or html)"
        ))),
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct SlaDays {
    pub critical: u32,
    pub high: u32,
    pub medium: u32,
    pub low: u32,
}

impl Default for SlaDays {
    fn default() -> Self {
        SlaDays {
            critical: 7,
            high: 30,
            medium: 90,
            low: 120,
        }
    }
}

impl SlaDays {
    pub fn of(&self, s: Severity) -> Option<u32> {
        match s {
            Severity::Critical => Some(self.critical),
            Severity::High => Some(self.high),
            Severity::Medium => Some(self.medium),
            Severity::Low => Some(self.low),
            Severity::Info => None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Settings {
    /// `code -g {path}:{line}`; `{path}` (absolute) and `{line}` are replaced.
    pub editor_command: String,
    /// The project's database, relative to the project root ("" = the default
    /// `.auditbench/audit.db`); it must stay inside the project folder.
    #[serde(default)]
    pub db_path: String,
    /// The project's database lives in the app's data folder instead (a
    /// read-only checkout); `db_path` is then ignored.
    #[serde(default)]
    pub db_in_app_data: bool,
    /// Who signs triage and notes (app-wide; "" = the project's report auditor,
    /// else the account).
    #[serde(default)]
    pub auditor: String,
    pub watcher_enabled: bool,
    /// The project's `exclude` list (gitignore syntax), kept in its
    /// configuration file.
    #[serde(default)]
    pub excludes: Vec<String>,
    #[serde(default)]
    pub sla_days: SlaDays,
}
