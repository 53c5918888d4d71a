//! SARIF 2.1.0 output: one run, every rule with its documentation, results with
//! regions, `partialFingerprints`, related locations, and `suppressions` for
//! findings suppressed in source. Strengths are results of kind `pass`.
use serde_json::{json, Value};

use crate::finding::{Finding, Kind, Severity, Status};
use crate::rules::{self, RuleMeta};

pub const FINGERPRINT_KEY: &str = "auditbench/v1";

pub fn level(severity: Option<Severity>) -> &'static str {
    match severity {
        Some(Severity::Critical | Severity::High) => "error",
        Some(Severity::Medium) => "warning",
        Some(Severity::Low | Severity::Info) => "note",
        None => "none",
    }
}

/// A rule as a SARIF `reportingDescriptor` (shared with the report's SARIF).
pub fn rule_json(m: &RuleMeta) -> Value {
    json!({
        "id": m.id,
        "name": m.name,
        "shortDescription": { "text": m.summary },
        "fullDescription": { "text": format!("{} ({}).", m.summary, m.name) },
        "help": { "text": m.doc, "markdown": m.doc },
        "defaultConfiguration": { "level": if m.kind == Kind::Strength { "none" } else { level(Some(m.severity)) } },
        "properties": { "tags": [m.category], "kind": if m.kind == Kind::Strength { "strength" } else { "finding" } },
    })
}

/// Renders findings of a project rooted at `root` (an absolute path).
pub fn render(root: &str, findings: &[Finding]) -> String {
    let metas = rules::all_meta();
    let rules: Vec<Value> = metas.iter().map(|m| rule_json(m)).collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut r = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "kind": if f.kind == Kind::Strength { "pass" } else { "fail" },
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri_path(&f.path), "uriBaseId": "%SRCROOT%" },
                        "region": { "startLine": f.line, "startColumn": f.column, "endLine": f.end_line, "endColumn": f.end_column }
                    }
                }],
                "partialFingerprints": { FINGERPRINT_KEY: f.fingerprint },
            });
            if let Some(i) = metas.iter().position(|m| m.id == f.rule) {
                r["ruleIndex"] = json!(i);
            }
            if !f.related.is_empty() {
                r["relatedLocations"] = Value::Array(
                    f.related
                        .iter()
                        .enumerate()
                        .map(|(i, rel)| json!({
                            "id": i,
                            "message": { "text": rel.message },
                            "physicalLocation": {
                                "artifactLocation": { "uri": uri_path(&rel.path), "uriBaseId": "%SRCROOT%" },
                                "region": { "startLine": rel.line }
                            }
                        }))
                        .collect(),
                );
            }
            if f.status == Status::Suppressed {
                let mut s = json!({ "kind": "inSource", "status": "accepted" });
                if let Some(reason) = &f.suppression {
                    s["justification"] = json!(reason);
                }
                r["suppressions"] = json!([s]);
            }
            r
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "auditbench",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "originalUriBaseIds": { "%SRCROOT%": { "uri": root_uri(root) } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("sarif serialises");
    s.push('\n');
    s
}

/// Percent-encodes the characters a relative URI reference cannot hold as is.
pub fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn root_uri(root: &str) -> String {
    let p = root.replace('\\', "/");
    let p = if p.starts_with('/') {
        p
    } else {
        format!("/{p}")
    };
    let mut u = format!("file://{}", uri_path(&p));
    if !u.ends_with('/') {
        u.push('/');
    }
    u
}
