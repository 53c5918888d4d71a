//! The report as SARIF 2.1.0, built from the database rather than one scan.
//!
//! - One run; every enabled rule with its help text (shared with
//!   `scan_output::sarif::rule_json`).
//! - Results carry repo-relative URIs (`uriBaseId: %SRCROOT%`, no absolute root,
//!   so that the file is the same on every machine) and
//!   `partialFingerprints["auditbench/v1"]`.
//! - Detection -> `baselineState`: first seen in the latest scan `new`, seen
//!   before `unchanged`, regressed `updated`, fixed `absent` (fixed results are
//!   `kind: pass`, `level: none`).
//! - Triage -> `suppressions`: `suppressed` (a source comment) is `inSource`;
//!   `accepted_risk`, `wont_fix` are `external` + `accepted` with the written
//!   justification. False positives are left out of the markdown report but
//!   appear here as `external` suppressions, so that code-scanning dashboards
//!   close them.

use serde_json::{json, Value};

use super::model::{Item, Report};
use crate::rules;
use crate::scan_output::sarif::{level, rule_json, uri_path, FINGERPRINT_KEY};
use crate::store::{Detection, Triage, MANUAL_RULE};

fn result(f: &Item, rule_index: Option<usize>) -> Value {
    let fixed = f.detection == Detection::Fixed;
    let mut r = json!({
        "ruleId": f.rule,
        "level": if fixed { "none" } else { level(Some(f.severity)) },
        "kind": if fixed { "pass" } else { "fail" },
        "message": { "text": format!("{}: {}", f.number, f.message) },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri_path(&f.path), "uriBaseId": "%SRCROOT%" },
                "region": { "startLine": f.line.max(1), "endLine": f.end_line.max(f.line).max(1) }
            }
        }],
        "partialFingerprints": { FINGERPRINT_KEY: f.fingerprint },
        "baselineState": f.baseline_state,
        "properties": {
            "id": f.number,
            "databaseId": f.id,
            "severity": f.severity.as_str(),
            "detection": f.detection.as_str(),
            "triage": f.triage.as_str(),
            "category": f.category,
            "effortHours": f.effort_hours,
        },
    });
    if let Some(i) = rule_index {
        r["ruleIndex"] = json!(i);
    }
    let justification = f.note.clone().or_else(|| f.suppression.clone());
    let suppression = match f.triage {
        Triage::Suppressed => Some(("inSource", "accepted")),
        Triage::AcceptedRisk | Triage::WontFix | Triage::FalsePositive => {
            Some(("external", "accepted"))
        }
        _ => None,
    };
    if let Some((kind, status)) = suppression {
        let mut s = json!({ "kind": kind, "status": status });
        let prefix = match f.triage {
            Triage::AcceptedRisk => "accepted risk",
            Triage::WontFix => "won't fix",
            Triage::FalsePositive => "false positive",
            _ => "suppressed in source",
        };
        s["justification"] = json!(match justification {
            Some(j) if !j.trim().is_empty() => format!("{prefix}: {}", j.trim()),
            _ => prefix.to_string(),
        });
        r["suppressions"] = json!([s]);
    }
    if let Some(fix) = &f.recommended_fix {
        if f.detection.is_active() {
            r["properties"]["recommendedFix"] = json!(fix);
        }
    }
    r
}

/// Renders the report's findings, false positives and strengths as SARIF.
pub fn render(report: &Report) -> String {
    let metas: Vec<_> = rules::all_meta()
        .into_iter()
        .filter(|m| report.meta.rules.iter().any(|id| id == m.id))
        .collect();
    let mut rules_json: Vec<Value> = metas.iter().map(|m| rule_json(m)).collect();
    let mut items: Vec<&Item> = report
        .findings
        .iter()
        .chain(report.false_positives.iter())
        .collect();
    items.sort_by_key(|f| (f.severity, f.id));
    // Manual findings get a rule of their own, so that every result has help text.
    let manual_index = items.iter().any(|f| f.rule == MANUAL_RULE).then(|| {
        rules_json.push(json!({
            "id": MANUAL_RULE,
            "name": "manual-finding",
            "shortDescription": { "text": "A finding recorded by an auditor" },
            "fullDescription": { "text": "A problem found by a person during the audit rather than by a rule; its description and recommended fix are in the result." },
            "help": {
                "text": "Recorded by hand with `auditbench add`. See the result's message and the audit report for the description and the recommended fix.",
                "markdown": "Recorded by hand with `auditbench add`. See the result's message and the audit report for the description and the recommended fix."
            },
            "defaultConfiguration": { "level": "warning" },
            "properties": { "tags": ["manual"], "kind": "finding" },
        }));
        rules_json.len() - 1
    });
    let mut results: Vec<Value> = items
        .iter()
        .map(|f| {
            let idx = if f.rule == MANUAL_RULE {
                manual_index
            } else {
                metas.iter().position(|m| m.id == f.rule)
            };
            result(f, idx)
        })
        .collect();
    for s in &report.strengths {
        let mut r = json!({
            "ruleId": s.rule,
            "level": "none",
            "kind": "pass",
            "message": { "text": s.message },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": { "uri": uri_path(&s.path), "uriBaseId": "%SRCROOT%" },
                    "region": { "startLine": s.line.max(1) }
                }
            }],
            "partialFingerprints": { FINGERPRINT_KEY: s.fingerprint },
        });
        if let Some(i) = metas.iter().position(|m| m.id == s.rule) {
            r["ruleIndex"] = json!(i);
        }
        results.push(r);
    }
    let mut run = json!({
        "tool": { "driver": {
            "name": "auditbench",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "rules": rules_json,
        }},
        // A fixed category, so that code scanning matches alerts across uploads.
        "automationDetails": { "id": "auditbench/report/" },
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "title": report.meta.title,
            "project": report.meta.project,
            "date": report.meta.date,
            "healthScore": { "baseline": report.health.baseline, "now": report.health.now },
        },
    });
    if let Some(c) = &report.meta.git_commit {
        run["properties"]["gitCommit"] = json!(c);
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("sarif serialises");
    s.push('\n');
    s
}
