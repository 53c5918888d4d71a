//! JSON Lines: one finding (the JSON contract's finding object) per line, for
//! `jq` and log pipelines. Strengths and suppressed findings included, as in
//! the JSON output.
use crate::scan::ScanResult;

pub fn render(r: &ScanResult) -> String {
    let mut s = String::new();
    for f in &r.findings {
        s.push_str(&serde_json::to_string(f).expect("finding serialises"));
        s.push('\n');
    }
    s
}
