//! SARIF 2.1.0 output: one run, every rule with its documentation, results with
//! regions, `partialFingerprints`, related locations, and `suppressions` for
//! findings suppressed in source, warnings as tool execution notifications,
//! relative artifact URIs. Strengths (results of kind `pass`) on request.
use serde_json::{json, Value};

use crate::finding::{Confidence, Finding, Kind, Severity, Status};
use crate::rules::{self, RuleMeta};
use crate::scan::{ScanResult, Warning};

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

/// What the scan's SARIF holds beyond the findings.
#[derive(Debug, Clone, Copy, Default)]
pub struct SarifOptions {
    /// Strengths as results of kind `pass`. Off by default: code-scanning
    /// dashboards (GitHub) list every result as an alert, whatever its kind.
    pub strengths: bool,
}

/// GitHub code scanning's `security-severity` (a CVSS-like score: 9.0 and
/// above is critical, 7.0 high, 4.0 medium, below that low) of a severity.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn precision_word(p: f64) -> &'static str {
    match p {
        p if p >= 0.9 => "very-high",
        p if p >= 0.8 => "high",
        p if p >= 0.4 => "medium",
        _ => "low",
    }
}

/// SARIF `rank` (0-100, higher is more likely real) of a confidence.
fn rank(c: Confidence) -> f64 {
    match c {
        Confidence::High => 90.0,
        Confidence::Medium => 60.0,
        Confidence::Low => 30.0,
    }
}

/// The evidence path as one SARIF `codeFlow` (entry point first).
fn code_flow(f: &Finding) -> Value {
    let locations: Vec<Value> = f
        .evidence
        .iter()
        .map(|e| {
            json!({
                "location": {
                    "message": { "text": e.message },
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri_path(&e.path), "uriBaseId": "%SRCROOT%" },
                        "region": { "startLine": e.line.max(1) }
                    }
                }
            })
        })
        .collect();
    json!([{ "threadFlows": [{ "locations": locations }] }])
}

/// A rule of the scan's SARIF: [`rule_json`], plus what code scanning reads
/// (`security-severity`, `helpUri` when the package names its homepage).
fn scan_rule_json(m: &RuleMeta) -> Value {
    let mut r = rule_json(m);
    if m.kind == Kind::Finding {
        r["properties"]["security-severity"] = json!(security_severity(m.severity));
        // CodeQL's convention: very-high, high, medium or low, from the
        // rule's labelled sample (absent while the sample is too small).
        let measured = rules::confidence::premise_and_measure(m.id).1;
        if let Some(p) = measured.and_then(|x| x.precision()) {
            r["properties"]["precision"] = json!(precision_word(p));
        }
    }
    let home = env!("CARGO_PKG_HOMEPAGE").trim_end_matches('/');
    if !home.is_empty() {
        r["helpUri"] = json!(format!(
            "{home}/docs/rules.md#{}",
            format!("{}-{}", m.id, m.name).to_ascii_lowercase()
        ));
    }
    r
}

/// Renders one scan. Artifact URIs are relative to `%SRCROOT%`, the scanned
/// folder, which is described but not located: the absolute path of the
/// scanning machine means nothing to a dashboard, which resolves the URIs
/// against its checkout (scan from the repository root for the paths to match).
pub fn render(result: &ScanResult, opts: SarifOptions) -> String {
    let findings: Vec<&Finding> = result
        .findings
        .iter()
        .filter(|f| opts.strengths || f.kind != Kind::Strength)
        .collect();
    render_findings(&findings, &result.warnings)
}

fn render_findings(findings: &[&Finding], warnings: &[Warning]) -> String {
    let metas = rules::all_meta();
    let rules: Vec<Value> = metas.iter().map(|m| scan_rule_json(m)).collect();
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
            if f.kind == Kind::Finding {
                r["rank"] = json!(rank(f.confidence));
                r["properties"] = json!({ "confidence": f.confidence.as_str() });
            }
            if !f.evidence.is_empty() {
                r["codeFlows"] = code_flow(f);
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
    // Bad input (undecodable, too large, syntax errors) is a warning of the
    // run, not a result: a tool execution notification.
    let notifications: Vec<Value> = warnings
        .iter()
        .map(|w| {
            let mut n = json!({
                "level": "warning",
                "message": { "text": w.message },
                "descriptor": { "id": w.kind },
            });
            if let Some(p) = &w.path {
                n["locations"] = json!([{ "physicalLocation": {
                    "artifactLocation": { "uri": uri_path(p), "uriBaseId": "%SRCROOT%" }
                }}]);
            }
            n
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "auditbench",
                "fullName": format!("auditbench {}", env!("CARGO_PKG_VERSION")),
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "automationDetails": { "id": "auditbench/" },
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "originalUriBaseIds": { "%SRCROOT%": {
                "description": { "text": "The scanned project folder." }
            }},
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
