//! The baseline of a legacy project: the findings accepted as they are when
//! a team adopts the tool (`scan --write-baseline FILE`), so that CI reports
//! and gates only what is new (`scan --baseline FILE`). Findings are matched
//! by fingerprint, which survives lines inserted above a finding and
//! re-indentation; the other fields are for people reading the file.
use std::collections::HashSet;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::finding::{Finding, Kind, Status};

const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct BaselineFile {
    version: u32,
    tool: String,
    findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    fingerprint: String,
    rule: String,
    path: String,
    line: usize,
    message: String,
}

/// The fingerprints a baseline accepts.
#[derive(Debug, Default)]
pub struct Baseline {
    fingerprints: HashSet<String>,
}

impl Baseline {
    pub fn read(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the baseline {}", path.display()))?;
        let file: BaselineFile = serde_json::from_str(&text)
            .with_context(|| format!("{} is not an auditbench baseline", path.display()))?;
        if file.version != VERSION {
            bail!(
                "{}: baseline version {} (this auditbench reads version {VERSION})",
                path.display(),
                file.version
            );
        }
        Ok(Baseline {
            fingerprints: file.findings.into_iter().map(|e| e.fingerprint).collect(),
        })
    }

    pub fn contains(&self, f: &Finding) -> bool {
        self.fingerprints.contains(&f.fingerprint)
    }
}

/// Writes the open findings of a scan as a baseline.
pub fn write(path: &Path, findings: &[Finding]) -> Result<usize> {
    let findings: Vec<Entry> = findings
        .iter()
        .filter(|f| f.kind == Kind::Finding && f.status == Status::Open)
        .map(|f| Entry {
            fingerprint: f.fingerprint.clone(),
            rule: f.rule.clone(),
            path: f.path.clone(),
            line: f.line,
            message: f.message.clone(),
        })
        .collect();
    let n = findings.len();
    let file = BaselineFile {
        version: VERSION,
        tool: "auditbench".into(),
        findings,
    };
    let text = serde_json::to_string_pretty(&file)? + "\n";
    std::fs::write(path, text)
        .with_context(|| format!("cannot write the baseline {}", path.display()))?;
    Ok(n)
}
