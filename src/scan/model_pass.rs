//! The model pass: the project model built from every file's summary, then
//! each finding judged against it (`crate::rules::confidence`): its
//! confidence, and the evidence path that makes it likely or unlikely.
//!
//! It needs the summary of every file of the project. A cold scan has them
//! all in its results; an incremental scan has those of the files it
//! analysed and takes the others from the database (the project layer passes
//! them in), and only when something changed: if no file changed, the stored
//! judgements stand.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use super::{discover, FileResult, Warning};
use crate::finding::{Finding, Kind};
use crate::model::summary::{decode, ModuleSummary};
use crate::model::{Input, ProjectModel};
use crate::rules::confidence;

/// Summaries of files the scan did not analyse (relative path -> encoded
/// summary), from the database.
pub type StoredSummaries = HashMap<String, Arc<[u8]>>;

/// The largest project (in lines of non-test code) the model is built for.
/// Memory grows with the summaries and the model (about 100 MB a million
/// lines, on top of the scan's own): past this, findings keep their rules' base confidence and
/// the scan says so (docs/project-model.md, "Budget").
pub const MODEL_MAX_LINES: usize = 1_500_000;

/// The budget in lines: [`MODEL_MAX_LINES`], or `AUDITBENCH_MODEL_MAX_LINES`
/// (for `bench/perf`, which measures the model past the budget).
fn model_budget() -> usize {
    std::env::var("AUDITBENCH_MODEL_MAX_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(MODEL_MAX_LINES)
}

/// Judges `findings` against the model of `files` (their own summaries, else
/// the one in `stored`). Files with no summary anywhere are left out of the
/// model; a finding there keeps its rule's base confidence. Returns a warning
/// when the project is over [`MODEL_MAX_LINES`] and no model was built.
///
/// Test code is not in the model: what a test calls says nothing about
/// where the project's code runs for its users (a library's public function
/// is often called only by its tests), and a project's tests can outweigh
/// its code (1.6 M of the perf corpus's 2.5 M lines). A finding in test code
/// is judged by its path: it runs in tests ([`confidence::judge_in_tests`]).
pub fn judge<'a>(
    findings: &mut [Finding],
    files: impl Iterator<Item = &'a FileResult> + Clone,
    stored: &StoredSummaries,
) -> Option<Warning> {
    let files = files.filter(|f| !discover::is_test_path(Path::new(&f.path)));
    let lines: usize = files.clone().map(|f| f.lines).sum();
    let budget = model_budget();
    if lines > budget {
        for f in findings.iter_mut() {
            f.confidence = confidence::base(&f.rule, f.kind);
            f.evidence.clear();
        }
        return Some(Warning {
            path: None,
            kind: "model-budget".into(),
            message: format!(
                "the project model was not built: {lines} lines is over its budget of \
                 {budget}; each finding's confidence is its rule's measured precision only"
            ),
        });
    }
    let encoded: Vec<(&str, &[u8])> = files
        .filter_map(|f| {
            let bytes = f
                .summary
                .as_deref()
                .or_else(|| stored.get(&f.path).map(|b| &**b))?;
            Some((f.path.as_str(), bytes))
        })
        .collect();
    let decoded: Vec<(&str, ModuleSummary)> = encoded
        .par_iter()
        .filter_map(|(path, bytes)| Some((*path, decode(bytes)?)))
        .collect();
    let model = ProjectModel::build(
        decoded
            .iter()
            .map(|(path, summary)| Input {
                path,
                summary,
                is_test: false,
            })
            .collect(),
    );
    let file_of: HashMap<&str, usize> = decoded
        .iter()
        .enumerate()
        .map(|(i, (p, _))| (*p, i))
        .collect();
    // Where a finding's hazard runs: the function at its anchor, unless the
    // anchor is where something is defined (the module body or an
    // `__init__`: the collection, the metric, the client) and a related place
    // is inside another function (where it grows, is labelled, is used).
    let spans: Vec<Spans> = decoded.iter().map(|(_, s)| Spans::of(s)).collect();
    let place = |path: &str, line: usize| {
        let &fi = file_of.get(path)?;
        let func = spans[fi].innermost(line)?;
        Some((fi, func))
    };
    let defines = |(fi, func): (usize, usize)| {
        let q = &decoded[fi].1.functions[func].qualname;
        q == "__init__" || q.ends_with(".__init__")
    };
    for f in findings.iter_mut().filter(|f| f.kind == Kind::Finding) {
        let base = confidence::base(&f.rule, f.kind);
        if discover::is_test_path(Path::new(&f.path)) {
            let j = confidence::judge_in_tests(&f.rule, base, &f.path, f.line);
            f.confidence = j.confidence;
            f.evidence = j.evidence;
            continue;
        }
        let anchor = place(&f.path, f.line);
        let related = || {
            f.related
                .iter()
                .filter_map(|r| place(&r.path, r.line))
                .find(|p| !defines(*p))
        };
        let at = match anchor {
            Some(a) if !defines(a) => Some(a),
            _ => related().or(anchor),
        };
        let j = match at {
            Some(func) => confidence::judge(&model, &f.rule, base, func),
            None => confidence::Judgement {
                confidence: base,
                evidence: vec![],
            },
        };
        f.confidence = j.confidence;
        f.evidence = j.evidence;
    }
    None
}

/// The functions of one summary by first line, to find the innermost one at
/// a line without a scan of every function (a generated module can hold
/// thousands, each with a finding).
struct Spans(Vec<(usize, usize, usize)>);

impl Spans {
    fn of(s: &ModuleSummary) -> Spans {
        let mut v: Vec<(usize, usize, usize)> = s
            .functions
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, f)| (f.line, f.end_line, i))
            .collect();
        v.sort();
        Spans(v)
    }

    /// The innermost function holding `line` (nested spans: the holder that
    /// starts last), `None` for module-level code.
    fn innermost(&self, line: usize) -> Option<usize> {
        let after = self.0.partition_point(|&(start, _, _)| start <= line);
        self.0[..after]
            .iter()
            .rev()
            .find(|&&(_, end, _)| end >= line)
            .map(|&(_, _, i)| i)
    }
}
