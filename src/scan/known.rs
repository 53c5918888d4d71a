//! The known-file skip: a file whose content hash matches the project
//! database's record is not read into the parser again. Its findings, line
//! count, warnings and project-wide facts come from the database, so the scan's
//! result (and its JSON, text and SARIF output) is the same as a cold scan's.
//!
//! A record is only trusted when it was written by a scan with the same
//! *analysis key*: the auditbench build and every configuration setting that
//! can change a file's findings. Anything else (a rebuilt binary, another
//! `--select`, a watcher batch, which records no key) makes the file scanned
//! again. The project-wide pass (RES006) always runs over every file's facts,
//! so its findings stay right when only another file changed.

//!
//! The scan only receives the records ([`KnownFiles`]); reading them from the
//! database and completing the result with the stored findings is the project
//! layer's part (`crate::project::record`).

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::{FileResult, Warning};
use crate::config::Config;
use crate::rules::ProjectFacts;

/// What the database knows about one file from an earlier scan.
#[derive(Debug, Clone, Default)]
pub struct KnownFile {
    /// sha256 of the file's bytes.
    pub hash: String,
    pub lines: usize,
    pub warnings: Vec<Warning>,
    pub facts: ProjectFacts,
}

/// Relative path -> what the database knows about it.
pub type KnownFiles = HashMap<String, KnownFile>;

/// Identifies "same analysis": this build of auditbench (version, and the size
/// and modification time of the running executable, so that a rebuilt binary
/// never trusts its predecessor's findings) and the configuration settings
/// that change findings. Sorted, so that set order does not matter.
pub fn analysis_key(config: &Config) -> String {
    let mut h = Sha256::new();
    h.update(env!("CARGO_PKG_VERSION"));
    if let Some(m) = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
    {
        h.update(m.len().to_le_bytes());
        if let Ok(t) = m.modified() {
            h.update(format!("{t:?}"));
        }
    }
    let sorted = |v: &mut dyn Iterator<Item = &String>| {
        let mut v: Vec<&String> = v.collect();
        v.sort();
        format!("{v:?}")
    };
    let mut severity: Vec<(&String, &str)> = config
        .severity
        .iter()
        .map(|(k, s)| (k, s.as_str()))
        .collect();
    severity.sort();
    let settings = format!(
        "select={}|ignore={}|severity={severity:?}|exclude={:?}|loggers={:?}|sessions={:?}|clients={:?}|max={}",
        config
            .select
            .as_ref()
            .map(|s| sorted(&mut s.iter()))
            .unwrap_or_else(|| "*".into()),
        sorted(&mut config.ignore.iter()),
        config.exclude,
        config.loggers,
        config.sessions,
        config.clients,
        config.max_file_size,
    );
    h.update(settings);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The result of a file skipped as unchanged (`out` holds its path and hash).
pub(crate) fn unchanged_result(mut out: FileResult, known: &KnownFile) -> FileResult {
    out.unchanged = true;
    out.analysed = true;
    out.lines = known.lines;
    out.warnings = known.warnings.clone();
    out.facts = known.facts.clone();
    out
}
