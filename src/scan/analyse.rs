//! Per-file analysis: parse, index, per-file rules and the project facts of
//! one file's text, within the per-file time limit. Runs in parallel, one
//! file per task; everything project-wide happens later, in
//! [`super::project_pass`].

use std::sync::Arc;
use std::time::Instant;

use super::{
    fingerprint, known, module_name, read, sort_findings, suppress::Suppressions, warn, FileResult,
    FileText, Prior,
};
use crate::config::Config;
use crate::finding::{Finding, Kind, Related, Status};
use crate::python::{self, ModuleIndex};
use crate::rules::{self, Checker, ProjectFacts};

/// Analyses the content of one file (relative path `rel`): decoding, parsing,
/// index, per-file rules and project facts, within the per-file time limit
/// (`max-file-time-ms`). The whole engine path on untrusted bytes; the fuzz
/// targets call it directly.
pub fn scan_bytes(rel: &str, bytes: Vec<u8>, config: &Config) -> FileResult {
    scan_bytes_with(rel, bytes, config, &Prior::default())
}

/// [`scan_bytes`], returning the stored result of a file whose content hash is
/// in `prior.known` (incremental scans) instead of analysing it again, and
/// keeping the text of the files `prior.keep_text` names.
pub(crate) fn scan_bytes_with(
    rel: &str,
    bytes: Vec<u8>,
    config: &Config,
    prior: &Prior,
) -> FileResult {
    let start = Instant::now();
    let deadline = (config.max_file_time_ms > 0)
        .then(|| start + std::time::Duration::from_millis(config.max_file_time_ms));
    let rel = rel.to_string();
    let mut out = FileResult::empty(&rel);
    out.hash = {
        use sha2::{Digest, Sha256};
        Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    if let Some(k) = prior.known.get(&rel).filter(|k| k.hash == out.hash) {
        let mut out = known::unchanged_result(out, k);
        if prior.keep_text.wants_unchanged(&rel) {
            // The store needs this file's text (a project-wide or manual
            // finding in it may move): parse it for its scope regions only.
            let mut ignored = vec![];
            if let Some(source) = read::decode(&rel, bytes, &mut ignored) {
                let (module, is_package) = module_name(&rel);
                out.text = python::analyse_within(source, &module, is_package, None)
                    .ok()
                    .map(|ix| Arc::new(FileText::of(&ix)));
            }
        }
        return out;
    }
    let Some(source) = read::decode(&rel, bytes, &mut out.warnings) else {
        return out;
    };
    let (module, is_package) = module_name(&rel);
    let timed_out = |start: Instant, what: &str| {
        warn(
            &rel,
            "timed-out",
            format!(
                "{what} timed out after {} ms (limit max-file-time-ms = {})",
                start.elapsed().as_millis(),
                config.max_file_time_ms
            ),
        )
    };
    let ix = match python::analyse_within(source, &module, is_package, deadline) {
        Ok(ix) => ix,
        Err(python::parse::ParseFailure::TimedOut) => {
            out.warnings
                .push(timed_out(start, "skipped: parsing this file"));
            return out;
        }
        Err(python::parse::ParseFailure::Failed) => {
            out.warnings.push(warn(
                &rel,
                "unreadable",
                "the parser could not process this file".into(),
            ));
            return out;
        }
    };
    out.analysed = true;
    out.lines = ix.line_count();
    if let Some(first) = ix.syntax_errors.first() {
        out.warnings.push(warn(
            &rel,
            "syntax-error",
            format!(
                "syntax error at line {} ({} error region(s)); the rest of the file was analysed",
                first.line,
                ix.syntax_errors.len()
            ),
        ));
    }
    if ix.truncated {
        out.warnings.push(warn(
            &rel,
            "too-deep",
            format!(
                "nesting deeper than {} levels was not analysed",
                python::MAX_DEPTH
            ),
        ));
    }
    let (findings, complete) = check_module_until(&ix, &rel, config, deadline);
    out.findings = findings;
    if !complete {
        // Not every rule ran: the store must not read the missing findings as fixed.
        out.analysed = false;
        out.warnings.push(timed_out(
            start,
            "incomplete: the rules on this file (findings so far are kept)",
        ));
    }
    let mut clients = rules::res::res006_client_not_closed_at_shutdown::collect(
        &ix,
        rules::Settings::from_config(config),
    );
    let suppressions = Suppressions::new(&ix.comments);
    for c in &mut clients.created {
        c.suppression = suppressions.find(
            rules::res::res006_client_not_closed_at_shutdown::META.id,
            c.line,
        );
        c.anchor_text = ix.line_text(c.line).to_string();
    }
    if complete {
        // Judged only when every rule ran. A project-wide rule's finding
        // (RES006, at a module-level client) is found after this file: a
        // suppression at such a client may be in use.
        let project_rules = super::project_rule_ids();
        let client_at = |line: usize| {
            clients
                .created
                .iter()
                .any(|c| c.line == line || c.line == line + 1)
        };
        for (_, kind, message) in suppressions.hygiene(&out.findings, |rule, line| match rule {
            Some(r) if project_rules.contains(&r) => client_at(line),
            Some(r) => !config.is_enabled(r),
            None => client_at(line),
        }) {
            out.warnings.push(warn(&rel, kind, message));
        }
    }
    out.facts = ProjectFacts { clients };
    out.summary =
        Some(crate::model::summary::encode(&crate::model::summarize(&ix, is_package)).into());
    if prior
        .keep_text
        .wants_analysed(&rel, out.facts.may_hold_project_findings())
    {
        out.text = Some(Arc::new(FileText::of(&ix)));
    }
    out
}

/// Runs every enabled per-file rule on an indexed module.
pub fn check_module(ix: &ModuleIndex, rel: &str, config: &Config) -> Vec<Finding> {
    check_module_until(ix, rel, config, None).0
}

/// [`check_module`] that stops between two rules once `deadline` has passed;
/// the flag says whether every enabled rule ran.
pub fn check_module_until(
    ix: &ModuleIndex,
    rel: &str,
    config: &Config,
    deadline: Option<Instant>,
) -> (Vec<Finding>, bool) {
    let mut checker = Checker::new(ix, config);
    checker.deadline = deadline;
    let mut complete = true;
    for rule in rules::registry() {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            complete = false;
            break;
        }
        if config.is_enabled(rule.meta().id) {
            rule.check(&mut checker);
        }
    }
    complete &= !checker.cut_short;
    let suppressions = Suppressions::new(&ix.comments);
    let mut findings: Vec<Finding> = checker
        .diagnostics
        .into_iter()
        .map(|d| {
            let meta = d.rule;
            let severity = (meta.kind == Kind::Finding)
                .then(|| config.severity_of(meta.id, d.severity.unwrap_or(meta.severity)));
            let suppressed = suppressions.find(meta.id, d.anchor.line);
            Finding {
                rule: meta.id.to_string(),
                name: meta.name.to_string(),
                kind: meta.kind,
                severity,
                path: rel.to_string(),
                line: d.anchor.line,
                end_line: d.anchor.end_line,
                column: d.anchor.column,
                end_column: d.anchor.end_column,
                message: d.message,
                fingerprint: String::new(),
                fix: rules::fix::to_fix(d.fix, d.edits),
                related: d
                    .related
                    .into_iter()
                    .map(|(s, m)| Related {
                        path: rel.to_string(),
                        line: s.line,
                        message: m,
                    })
                    .collect(),
                status: if suppressed.is_some() {
                    Status::Suppressed
                } else {
                    Status::Open
                },
                suppression: suppressed.flatten(),
                scope: ix.scopes[d.scope].qualname.clone(),
                anchor: String::new(),
                confidence: rules::confidence::base(meta.id, meta.kind),
                evidence: vec![],
            }
        })
        .collect();
    sort_findings(&mut findings);
    findings.dedup_by(|a, b| {
        a.rule == b.rule && a.line == b.line && a.column == b.column && a.message == b.message
    });
    fingerprint::assign(&mut findings, |f| ix.line_text(f.line).to_string());
    (findings, complete)
}
