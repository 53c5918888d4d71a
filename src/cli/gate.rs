//! The CI gate of `scan`: exit 1 when an open finding is at or above
//! `--fail-on`. Findings the baseline accepts are not reported at all; those a
//! person triaged as needing no action (false positive, accepted risk, won't
//! fix) are reported but do not fail the gate, unless `--fail-on-triaged`.

use std::collections::HashSet;

use anyhow::Result;

use crate::finding::{Finding, Kind, Severity, Status};

/// `--fail-on`: a severity, or `never` (report only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Never,
    AtLeast(Severity),
}

impl FailOn {
    pub fn parse(s: &str) -> Result<FailOn> {
        if s.eq_ignore_ascii_case("never") {
            return Ok(FailOn::Never);
        }
        s.parse::<Severity>()
            .map(FailOn::AtLeast)
            .map_err(|e| anyhow::anyhow!("{e} or never"))
    }
}

/// The exit code of the gate over `findings`, leaving out the fingerprints
/// in `dismissed`.
pub fn exit_code(fail_on: FailOn, findings: &[Finding], dismissed: &HashSet<String>) -> i32 {
    let FailOn::AtLeast(threshold) = fail_on else {
        return 0;
    };
    let fails = findings.iter().any(|f| {
        f.kind == Kind::Finding
            && f.status == Status::Open
            && !dismissed.contains(&f.fingerprint)
            && f.severity.is_some_and(|s| s.at_least(threshold))
    });
    i32::from(fails)
}
