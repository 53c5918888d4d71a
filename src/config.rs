//! Project configuration: `[tool.auditbench]` in `pyproject.toml`, or the top level
//! of `.auditbench.toml` (which wins when both exist). Unknown keys and unknown rule
//! ids are errors, so a typo never silently disables a check.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use crate::finding::{Confidence, Severity};
use crate::rule_ids::{self, expand_selectors};

pub const DEFAULT_MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;
/// Per-file time limit (milliseconds) for parsing and rules; 0 = none.
pub const DEFAULT_MAX_FILE_TIME_MS: u64 = 5_000;

/// The report's default confidence threshold (see
/// [`Config::report_confidence`]); `report::DEFAULT_CONFIDENCE` is this.
pub const DEFAULT_REPORT_CONFIDENCE: Confidence = Confidence::Medium;

/// The configuration file's schema.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    /// Rules to run (ids or family prefixes such as `MEM`); all when absent.
    pub select: Option<Vec<String>>,
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Per-rule severity overrides: `{ MEM001 = "critical" }`.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    /// Extra exclude globs (gitignore syntax), relative to the project root.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Extra names of logger objects (`log`, `audit_logger`).
    #[serde(default)]
    pub loggers: Vec<String>,
    /// Extra names of database session objects / factories (`get_session`).
    #[serde(default)]
    pub sessions: Vec<String>,
    /// Extra qualified names of pooled client classes (`myapp.http.ApiClient`).
    #[serde(default)]
    pub clients: Vec<String>,
    /// Files larger than this many bytes are skipped with a warning.
    pub max_file_size: Option<u64>,
    /// Scan test code too (`tests/`, `test_*.py`, `conftest.py`...): off by default.
    #[serde(default)]
    pub include_tests: bool,
    /// A file whose analysis takes longer than this many milliseconds is given
    /// up with a warning (0: no limit).
    pub max_file_time_ms: Option<u64>,
    /// The least confidence a finding needs to be reported (`high`, the
    /// default suite; `medium`; `low`: everything). The database records
    /// every finding whatever this says.
    pub confidence: Option<String>,
    /// The audit report's title block (`[tool.auditbench.report]`).
    #[serde(default)]
    pub report: ReportConfig,
}

/// Defaults of `auditbench report`, so a consultant sets them once per project.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ReportConfig {
    pub title: Option<String>,
    pub client: Option<String>,
    /// Who signs the report (never guessed from the OS account).
    pub auditor: Option<String>,
    /// The least confidence of a finding in the report (`high`, `medium`,
    /// `low`); else the top-level `confidence` when the file sets it, else
    /// [`DEFAULT_REPORT_CONFIDENCE`] (medium).
    pub confidence: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub select: Option<HashSet<String>>,
    pub ignore: HashSet<String>,
    pub severity: HashMap<String, Severity>,
    pub exclude: Vec<String>,
    pub loggers: Vec<String>,
    pub sessions: Vec<String>,
    pub clients: Vec<String>,
    pub max_file_size: u64,
    /// Scan test code too (see [`crate::scan::discover::is_test_path`]).
    pub include_tests: bool,
    pub max_file_time_ms: u64,
    /// The least confidence of a reported finding (see [`ConfigFile::confidence`]).
    pub confidence: Confidence,
    /// The top-level `confidence` as the file wrote it (`None` when absent):
    /// the report follows it when its own key is not set.
    pub confidence_set: Option<Confidence>,
    pub report: ReportConfig,
    /// The file the configuration came from.
    pub source: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            select: None,
            ignore: HashSet::new(),
            severity: HashMap::new(),
            exclude: vec![],
            loggers: vec![],
            sessions: vec![],
            clients: vec![],
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            include_tests: false,
            max_file_time_ms: DEFAULT_MAX_FILE_TIME_MS,
            confidence: Confidence::High,
            confidence_set: None,
            report: ReportConfig::default(),
            source: None,
        }
    }
}

#[derive(Deserialize)]
struct Pyproject {
    tool: Option<Tool>,
    project: Option<Named>,
}

#[derive(Deserialize)]
struct Tool {
    auditbench: Option<toml::Value>,
    poetry: Option<Named>,
}

#[derive(Deserialize)]
struct Named {
    name: Option<String>,
}

/// The project's name from its `pyproject.toml` (`[project] name`, else
/// `[tool.poetry] name`), for the report's title.
pub fn project_name(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join("pyproject.toml")).ok()?;
    let parsed: Pyproject = toml::from_str(&text).ok()?;
    let poetry = parsed.tool.and_then(|t| t.poetry).and_then(|p| p.name);
    parsed
        .project
        .and_then(|p| p.name)
        .or(poetry)
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
}

impl Config {
    /// Loads the configuration of the project at `root` (a directory), if any.
    pub fn load(root: &Path) -> Result<Config> {
        let dedicated = root.join(".auditbench.toml");
        if dedicated.is_file() {
            let text = std::fs::read_to_string(&dedicated)
                .with_context(|| format!("cannot read {}", dedicated.display()))?;
            return Config::from_dedicated_text(&text, dedicated);
        }
        let pyproject = root.join("pyproject.toml");
        if pyproject.is_file() {
            let text = std::fs::read_to_string(&pyproject)
                .with_context(|| format!("cannot read {}", pyproject.display()))?;
            return Ok(Config::from_pyproject_text(&text, pyproject)?.unwrap_or_default());
        }
        Ok(Config::default())
    }

    /// Loads the configuration file `path` (`--config`): a `pyproject.toml`
    /// (its `[tool.auditbench]` table, which it must have) or any other name,
    /// read as a `.auditbench.toml`.
    pub fn load_file(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the configuration {}", path.display()))?;
        if path.file_name().is_some_and(|n| n == "pyproject.toml") {
            return Config::from_pyproject_text(&text, path.to_path_buf())?
                .with_context(|| format!("{} has no [tool.auditbench] table", path.display()));
        }
        Config::from_dedicated_text(&text, path.to_path_buf())
    }

    /// Whether the folder `dir` is an auditbench project's root: it holds a
    /// `.auditbench.toml`, a `.auditbench/` folder (a project database), or a
    /// `pyproject.toml` with a `[tool.auditbench]` table.
    pub fn marks_project(dir: &Path) -> bool {
        if dir.join(".auditbench.toml").is_file() || dir.join(".auditbench").is_dir() {
            return true;
        }
        std::fs::read_to_string(dir.join("pyproject.toml")).is_ok_and(|text| {
            // An invalid pyproject that names our table still marks the
            // project: loading it then reports the error.
            match toml::from_str::<Pyproject>(&text) {
                Ok(p) => p.tool.is_some_and(|t| t.auditbench.is_some()),
                Err(_) => text.contains("[tool.auditbench"),
            }
        })
    }

    /// The configuration in the text of a `.auditbench.toml` found at `source`.
    pub fn from_dedicated_text(text: &str, source: PathBuf) -> Result<Config> {
        let file: ConfigFile =
            toml::from_str(text).map_err(|e| anyhow::anyhow!("{}: {}", source.display(), e))?;
        Config::from_file(file, Some(source))
    }

    /// The `[tool.auditbench]` table in the text of a `pyproject.toml` found at
    /// `source`, if it has one.
    pub fn from_pyproject_text(text: &str, source: PathBuf) -> Result<Option<Config>> {
        // A pyproject that is not valid TOML is the project's problem, not ours,
        // unless it holds our table: then say so.
        let parsed: Pyproject = match toml::from_str(text) {
            Ok(p) => p,
            Err(e) if text.contains("[tool.auditbench") => bail!("{}: {}", source.display(), e),
            Err(_) => return Ok(None),
        };
        let Some(table) = parsed.tool.and_then(|t| t.auditbench) else {
            return Ok(None);
        };
        let file: ConfigFile = table.try_into().map_err(|e: toml::de::Error| {
            anyhow::anyhow!("{} [tool.auditbench]: {}", source.display(), e)
        })?;
        Config::from_file(file, Some(source)).map(Some)
    }

    pub fn from_file(file: ConfigFile, source: Option<PathBuf>) -> Result<Config> {
        let select = file
            .select
            .as_ref()
            .map(|s| expand_selectors(s))
            .transpose()?;
        let ignore = expand_selectors(&file.ignore)?;
        let mut severity = HashMap::new();
        for (id, sev) in &file.severity {
            let ids = expand_selectors(std::slice::from_ref(id))?;
            let sev: Severity = sev
                .parse()
                .map_err(|e: String| anyhow::anyhow!("severity of {id}: {e}"))?;
            for i in ids {
                severity.insert(i, sev);
            }
        }
        let confidence_set = file
            .confidence
            .as_deref()
            .map(str::parse::<Confidence>)
            .transpose()
            .map_err(|e| anyhow::anyhow!("confidence: {e}"))?;
        if let Some(c) = &file.report.confidence {
            c.parse::<Confidence>()
                .map_err(|e| anyhow::anyhow!("report.confidence: {e}"))?;
        }
        Ok(Config {
            confidence: confidence_set.unwrap_or(Confidence::High),
            confidence_set,
            select,
            ignore,
            severity,
            exclude: file.exclude,
            loggers: file.loggers,
            sessions: file.sessions,
            clients: file.clients,
            max_file_size: file.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
            include_tests: file.include_tests,
            max_file_time_ms: file.max_file_time_ms.unwrap_or(DEFAULT_MAX_FILE_TIME_MS),
            report: file.report,
            source,
        })
    }

    /// Applies command-line `--select` / `--ignore` on top of the file.
    pub fn apply_cli(&mut self, select: &[String], ignore: &[String]) -> Result<()> {
        if !select.is_empty() {
            self.select = Some(expand_selectors(select)?);
        }
        self.ignore.extend(expand_selectors(ignore)?);
        Ok(())
    }

    pub fn is_enabled(&self, id: &str) -> bool {
        !self.ignore.contains(id) && self.select.as_ref().is_none_or(|s| s.contains(id))
    }

    /// Ids of the rules this configuration runs (for a full store sync, so that
    /// the findings of a disabled rule become `removed`, not `fixed`).
    pub fn enabled_rules(&self) -> Vec<String> {
        rule_ids::ALL
            .iter()
            .filter(|id| self.is_enabled(id))
            .map(|id| id.to_string())
            .collect()
    }

    /// The report's confidence threshold when no option gives one:
    /// `[report] confidence`, else the top-level `confidence` the file sets,
    /// else [`DEFAULT_REPORT_CONFIDENCE`]. An audit report defaults
    /// lower than the scan (medium, not high): it is read by a person who
    /// weighs each finding, where a CI gate must not cry wolf.
    pub fn report_confidence(&self) -> Confidence {
        self.report
            .confidence
            .as_deref()
            .and_then(|c| c.parse().ok())
            .or(self.confidence_set)
            .unwrap_or(DEFAULT_REPORT_CONFIDENCE)
    }

    pub fn severity_of(&self, id: &str, default: Severity) -> Severity {
        self.severity.get(id).copied().unwrap_or(default)
    }
}
