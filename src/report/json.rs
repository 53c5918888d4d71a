//! The report as JSON (`format: "auditbench-report"`, `version: 1`): the same
//! content as the markdown document, for CI systems and dashboards.

use super::model::Report;

pub fn render(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("report serialises");
    s.push('\n');
    s
}
