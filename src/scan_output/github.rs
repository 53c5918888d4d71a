//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice`
//! annotation per open finding, shown on the pull request's diff.
//! <https://docs.github.com/actions/reference/workflow-commands-for-github-actions>
use std::fmt::Write;

use crate::finding::Severity;
use crate::scan::ScanResult;

/// The annotation level of a severity (GitHub has three).
fn command(severity: Option<Severity>) -> &'static str {
    match severity {
        Some(Severity::Critical | Severity::High) => "error",
        Some(Severity::Medium) => "warning",
        _ => "notice",
    }
}

/// Escapes a command's message (`%`, CR and LF would end or corrupt it).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value (also `:` and `,`, its separators).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(r: &ScanResult) -> String {
    let mut s = String::new();
    for f in super::open_findings(r) {
        let sev = f.severity.map(|s| s.as_str()).unwrap_or("info");
        let _ = writeln!(
            s,
            "::{} file={},line={},endLine={},col={},endColumn={},title={}::{}",
            command(f.severity),
            property(&f.path),
            f.line,
            f.end_line,
            f.column,
            f.end_column,
            property(&format!("{} {} [{sev}]", f.rule, f.name)),
            data(&f.message)
        );
    }
    for w in &r.warnings {
        let file = w
            .path
            .as_deref()
            .map(|p| format!(" file={}", property(p)))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "::warning{file},title=auditbench {}::{}",
            property(&w.kind),
            data(&w.message)
        );
    }
    s
}
