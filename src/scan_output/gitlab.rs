//! GitLab Code Quality report: a JSON array of issues (`description`,
//! `check_name`, `fingerprint`, `severity`, `location.path`,
//! `location.lines.begin`), shown in merge requests.
//! <https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format>
use serde_json::{json, Value};

use crate::finding::Severity;
use crate::scan::ScanResult;

/// GitLab's five levels: info, minor, major, critical, blocker.
fn severity(s: Option<Severity>) -> &'static str {
    match s {
        Some(Severity::Critical) => "blocker",
        Some(Severity::High) => "critical",
        Some(Severity::Medium) => "major",
        Some(Severity::Low) => "minor",
        _ => "info",
    }
}

pub fn render(r: &ScanResult) -> String {
    let issues: Vec<Value> = super::open_findings(r)
        .map(|f| {
            json!({
                "type": "issue",
                "description": format!("{}: {}", f.rule, f.message),
                "check_name": f.rule,
                "categories": ["Bug Risk"],
                "fingerprint": f.fingerprint,
                "severity": severity(f.severity),
                "location": { "path": f.path, "lines": { "begin": f.line, "end": f.end_line } },
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&issues).expect("issues serialise");
    s.push('\n');
    s
}
