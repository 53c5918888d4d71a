//! The project-wide pass: rules that need every file (RES006) combine the
//! small per-file facts the analysis kept. Cheap (no parsing), so it runs
//! again over all files after any change.

use super::{fingerprint, FileResult};
use crate::config::Config;
use crate::finding::{Finding, Fix, Status};
use crate::rules::{self, ProjectDiagnostic};

/// The project-wide pass over the per-file facts (cheap: no parsing).
pub fn project_pass(files: &[FileResult], config: &Config) -> Vec<Finding> {
    project_pass_over(files.iter(), config)
}

/// [`project_pass`] over any collection of file results (the watcher's cache).
pub fn project_pass_over<'a>(
    files: impl Iterator<Item = &'a FileResult>,
    config: &Config,
) -> Vec<Finding> {
    let meta = &rules::res::res006_client_not_closed_at_shutdown::META;
    if !config.is_enabled(meta.id) {
        return vec![];
    }
    let facts: Vec<(
        &str,
        &rules::res::res006_client_not_closed_at_shutdown::ClientFacts,
    )> = files.map(|f| (f.path.as_str(), &f.facts.clients)).collect();
    let diags = rules::res::res006_client_not_closed_at_shutdown::check_project(&facts);
    project_findings(diags, config)
}

/// Ids of the project-wide rules (their findings can change in files that did
/// not change).
pub fn project_rule_ids() -> Vec<&'static str> {
    rules::res::project_rules().iter().map(|m| m.id).collect()
}

fn project_findings(diags: Vec<ProjectDiagnostic>, config: &Config) -> Vec<Finding> {
    let mut by_file: std::collections::BTreeMap<String, Vec<(Finding, String)>> =
        Default::default();
    for d in diags {
        let f = Finding {
            rule: d.rule.id.into(),
            name: d.rule.name.into(),
            kind: d.rule.kind,
            severity: Some(config.severity_of(d.rule.id, d.rule.severity)),
            path: d.path.clone(),
            line: d.line,
            end_line: d.end_line,
            column: d.column,
            end_column: d.end_column,
            message: d.message,
            fingerprint: String::new(),
            fix: d.fix.map(|(before, after)| Fix::snippet(before, after)),
            related: vec![],
            status: if d.suppression.is_some() {
                Status::Suppressed
            } else {
                Status::Open
            },
            suppression: d.suppression.flatten(),
            scope: d.scope,
            anchor: String::new(),
            confidence: rules::confidence::base(d.rule.id, d.rule.kind),
            evidence: vec![],
        };
        by_file.entry(d.path).or_default().push((f, d.anchor_text));
    }
    let mut out = vec![];
    for (_, mut pairs) in by_file {
        pairs.sort_by(|a, b| (a.0.line, a.0.column).cmp(&(b.0.line, b.0.column)));
        let texts: Vec<String> = pairs.iter().map(|p| p.1.clone()).collect();
        let mut findings: Vec<Finding> = pairs.into_iter().map(|p| p.0).collect();
        let mut i = 0;
        fingerprint::assign(&mut findings, |_| {
            i += 1;
            texts[i - 1].clone()
        });
        out.extend(findings);
    }
    out
}
