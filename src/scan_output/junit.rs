//! JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure):
//! one failing test case per open finding, named by rule and place; a run
//! without findings is one passing test case, so the report is never empty.
use std::fmt::Write;

use quick_xml::escape::escape;

use crate::scan::ScanResult;

/// Text safe in XML 1.0, which cannot hold most control characters even
/// escaped (a file name may contain them).
fn xml(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| {
            if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect();
    escape(clean.as_str()).into_owned()
}

pub fn render(r: &ScanResult) -> String {
    let open: Vec<_> = super::open_findings(r).collect();
    let tests = open.len().max(1);
    let time = r.duration_ms as f64 / 1000.0;
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        s,
        "<testsuites name=\"auditbench\" tests=\"{tests}\" failures=\"{}\" time=\"{time:.3}\">",
        open.len()
    );
    let _ = writeln!(
        s,
        "  <testsuite name=\"auditbench\" tests=\"{tests}\" failures=\"{}\" errors=\"0\" time=\"{time:.3}\">",
        open.len()
    );
    if open.is_empty() {
        let _ = writeln!(
            s,
            "    <testcase classname=\"auditbench\" name=\"no open findings\"/>"
        );
    }
    for f in open {
        let sev = f.severity.map(|s| s.as_str()).unwrap_or("info");
        let _ = writeln!(
            s,
            "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" line=\"{}\">",
            xml(&f.path),
            xml(&format!("{} {}:{}", f.rule, f.path, f.line)),
            xml(&f.path),
            f.line
        );
        let _ = writeln!(
            s,
            "      <failure type=\"{}\" message=\"{}\">{}:{}:{}: {} [{sev}] {}</failure>",
            xml(&f.rule),
            xml(&f.message),
            xml(&f.path),
            f.line,
            f.column,
            xml(&f.rule),
            xml(&f.message)
        );
        let _ = writeln!(s, "    </testcase>");
    }
    s.push_str("  </testsuite>\n</testsuites>\n");
    s
}
