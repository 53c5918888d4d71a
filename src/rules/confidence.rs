//! Confidence: how sure a finding is that its hazard is real where it is
//! reported. Two inputs:
//!
//! 1. the rule's **measured precision** (hand-labelled samples of real
//!    libraries and applications; the table below is their figure), which
//!    gives the *base*: high from 80 %, medium from 40 %, low under that, and
//!    medium while fewer than 5 findings were labelled;
//! 2. the **premise** the rule's hazard needs, asked of the project model at
//!    the finding's place. A client built per call leaks only when the call
//!    repeats (per request, per event, in a task); a lazy initializer races
//!    only when two callers run at once; a cache on a method multiplies only
//!    when many instances are built. Evidence for the premise raises the
//!    confidence one level and is kept as the finding's evidence path;
//!    evidence against it (the place runs only in a script, a migration, at
//!    startup) makes it low; no evidence either way leaves the base.
//!
//! Severity is left alone: it says the impact if the hazard is real.

use crate::finding::{Confidence, Kind, Related};
use crate::model::project::{FuncRef, Step};
use crate::model::{Context, ContextSet, ProjectModel};

/// What a rule's hazard needs to be real, beyond the pattern it matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Premise {
    /// Nothing the model can tell (the pattern is the hazard).
    Pattern,
    /// The code runs many times: per request or event, in a task or a
    /// background loop (growth, a client per call, a query per row...).
    Repeats,
    /// Two executions can overlap: requests, tasks, threads.
    Concurrent,
    /// Many instances of the enclosing class are built (per request...).
    ManyInstances,
    /// The enclosing class's instances live long (built at import or
    /// startup), so what they accumulate is never released.
    LongLivedOwner,
}

/// A rule's labelled sample: true positives among the findings labelled.
#[derive(Debug, Clone, Copy)]
pub struct Measured {
    pub true_positives: u32,
    pub labelled: u32,
}

impl Measured {
    /// The precision, when the sample is large enough to mean something.
    pub fn precision(self) -> Option<f64> {
        (self.labelled >= MIN_SAMPLE).then(|| self.true_positives as f64 / self.labelled as f64)
    }
}

/// Fewer labelled findings than this say nothing about a rule's precision.
const MIN_SAMPLE: u32 = 5;

/// Each rule's premise and labelled samples: the library corpus
/// (`bench/ecosystem/labels.csv`, 2026-11-23) and the application corpus
/// (`bench/apps/labels.csv`, 2026-12-07, labelled by reviewers who did not
/// write the rules), counted together. A rule absent from both samples
/// (never fired) has no measure. Re-run `scripts/ecosystem precision` and
/// `--corpus apps precision` and copy the figures here when labels change.
pub fn premise_and_measure(id: &str) -> (Premise, Option<Measured>) {
    use Premise::*;
    // (library TP, labelled, application TP, labelled): both samples count.
    let m = |lib_tp: u32, lib_n: u32, app_tp: u32, app_n: u32| {
        Some(Measured {
            true_positives: lib_tp + app_tp,
            labelled: lib_n + app_n,
        })
    };
    match id {
        "MEM001" => (Repeats, m(7, 9, 6, 20)),
        "MEM002" => (LongLivedOwner, m(0, 20, 1, 20)),
        "MEM003" => (ManyInstances, m(0, 8, 0, 1)),
        "MEM004" => (Repeats, None),
        "MEM005" => (Repeats, m(0, 2, 0, 3)),
        "RES001" => (Pattern, m(1, 1, 0, 0)),
        "RES002" => (Repeats, m(1, 1, 13, 20)),
        "RES003" => (Repeats, m(1, 3, 0, 9)),
        "RES004" => (Pattern, None),
        "RES005" => (Repeats, m(4, 4, 0, 20)),
        "RES006" => (Pattern, m(0, 4, 0, 0)),
        "RES007" => (Pattern, m(1, 1, 0, 0)),
        "CONC001" => (Concurrent, m(8, 9, 2, 20)),
        "CONC002" => (Concurrent, m(0, 20, 3, 20)),
        "ASYNC001" => (Concurrent, m(2, 20, 0, 20)),
        "ASYNC002" => (Pattern, m(1, 2, 17, 20)),
        "ASYNC003" => (Repeats, m(2, 2, 7, 20)),
        "ASYNC004" => (Repeats, None),
        "ASYNC005" => (Pattern, m(0, 0, 1, 10)),
        "ASYNC006" => (Pattern, m(0, 16, 2, 20)),
        "ASYNC007" => (Concurrent, m(0, 2, 0, 8)),
        "ASYNC008" => (Repeats, m(0, 12, 0, 20)),
        "RESIL001" => (Pattern, m(3, 4, 5, 20)),
        "RESIL002" => (Pattern, m(0, 0, 0, 2)),
        "RESIL003" => (Repeats, m(5, 6, 18, 20)),
        "ERR001" => (Pattern, m(6, 20, 13, 20)),
        "ERR002" => (Pattern, m(3, 20, 1, 20)),
        "ERR003" => (Repeats, m(1, 9, 1, 20)),
        "SEC001" => (Pattern, m(0, 2, 10, 14)),
        "PERF001" => (Repeats, m(3, 9, 3, 20)),
        _ => (Pattern, None),
    }
}

/// The confidence a rule's finding starts from (its measured precision).
pub fn base(id: &str, kind: Kind) -> Confidence {
    if kind == Kind::Strength {
        return Confidence::High;
    }
    match premise_and_measure(id).1.and_then(Measured::precision) {
        Some(p) if p >= 0.8 => Confidence::High,
        Some(p) if p >= 0.4 => Confidence::Medium,
        Some(_) => Confidence::Low,
        None => Confidence::Medium,
    }
}

/// Places where code runs again and again (per request, event, task).
const SERVING: [Context; 4] = [
    Context::Request,
    Context::Websocket,
    Context::Task,
    Context::Background,
];
/// Places where code runs once, or once at a time.
const ONE_SHOT: [Context; 7] = [
    Context::Startup,
    Context::Shutdown,
    Context::Import,
    Context::Script,
    Context::Migration,
    Context::Test,
    Context::Once,
];

/// The judgement of one finding: its confidence and the evidence for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    pub confidence: Confidence,
    pub evidence: Vec<Related>,
}

/// Judges a finding of rule `id` (base confidence `base`) in function `f`.
pub fn judge(model: &ProjectModel, id: &str, base: Confidence, f: FuncRef) -> Judgement {
    let keep = Judgement {
        confidence: base,
        evidence: vec![],
    };
    match premise_and_measure(id).0 {
        Premise::Pattern => keep,
        Premise::Repeats => by_contexts(model, f, base, &SERVING),
        Premise::Concurrent => by_contexts(
            model,
            f,
            base,
            &[
                Context::Request,
                Context::Websocket,
                Context::Task,
                Context::Background,
                Context::Thread,
            ],
        ),
        Premise::ManyInstances => by_instances(model, f, base, true).unwrap_or(keep),
        Premise::LongLivedOwner => by_instances(model, f, base, false).unwrap_or(keep),
    }
}

/// Judges a finding of rule `id` in test code (the project model leaves test
/// files out, `scan::model_pass`): a hazard that needs repeats, concurrency or
/// many instances is unlikely to matter where the code runs once per test;
/// a pattern keeps its base.
pub fn judge_in_tests(id: &str, base: Confidence, path: &str, line: usize) -> Judgement {
    match premise_and_measure(id).0 {
        Premise::Pattern => Judgement {
            confidence: base,
            evidence: vec![],
        },
        _ => Judgement {
            confidence: Confidence::Low,
            evidence: vec![Related {
                path: path.to_string(),
                line,
                message: "test code: it runs in the test suite".into(),
            }],
        },
    }
}

/// Raises `base` when `f` runs in one of `wanted` (with the path that shows
/// it), lowers it when every place `f` is known to run is one-shot.
fn by_contexts(
    model: &ProjectModel,
    f: FuncRef,
    base: Confidence,
    wanted: &[Context],
) -> Judgement {
    let contexts = model.contexts_of(f);
    if let Some(ctx) = wanted.iter().copied().find(|c| contexts.contains(*c)) {
        return Judgement {
            confidence: base.raised(),
            evidence: steps(model.path_to(f, ctx)),
        };
    }
    if only_one_shot(contexts) {
        let ctx = contexts.iter().next().expect("not empty");
        return Judgement {
            confidence: Confidence::Low,
            evidence: steps(model.path_to(f, ctx)),
        };
    }
    Judgement {
        confidence: base,
        evidence: vec![],
    }
}

fn only_one_shot(contexts: ContextSet) -> bool {
    !contexts.is_empty() && contexts.iter().all(|c| ONE_SHOT.contains(&c))
}

/// Judges by where the instances of `f`'s class are built: `many` asks for
/// instances built per request (raise) against instances built once (low);
/// otherwise the reverse (a long-lived owner raises, per-request owners are
/// short-lived). `None` when `f` is not a method or no construction is known.
fn by_instances(
    model: &ProjectModel,
    f: FuncRef,
    base: Confidence,
    many: bool,
) -> Option<Judgement> {
    let class = model.class_of(f)?;
    let sites = model.construction_sites(class);
    if sites.is_empty() {
        return None;
    }
    let serving = |g: FuncRef| {
        let c = model.contexts_of(g);
        SERVING.iter().any(|x| c.contains(*x))
    };
    let built_once = |g: FuncRef| {
        let c = model.contexts_of(g);
        only_one_shot(c) && !SERVING.iter().any(|x| c.contains(*x))
    };
    let site_step = |(path, line, _): &(String, usize, FuncRef), how: &str| Related {
        path: path.clone(),
        line: *line,
        message: format!("`{}` built here ({how})", model.class_name(class)),
    };
    let per_request = sites.iter().find(|s| serving(s.2));
    let all_once = sites.iter().all(|s| built_once(s.2));
    let (confidence, site, how) = match (many, per_request, all_once) {
        (true, Some(s), _) => (base.raised(), s, "runs per request or event"),
        (true, None, true) => (Confidence::Low, &sites[0], "built once"),
        (false, _, true) => (base.raised(), &sites[0], "lives as long as the process"),
        (false, Some(s), false) if sites.iter().all(|s| serving(s.2)) => {
            (Confidence::Low, s, "one per request or event: short-lived")
        }
        _ => return None,
    };
    let mut evidence = vec![site_step(site, how)];
    if let Some(ctx) = model.contexts_of(site.2).iter().next() {
        evidence.extend(steps(model.path_to(site.2, ctx)));
    }
    Some(Judgement {
        confidence,
        evidence,
    })
}

fn steps(path: Vec<Step>) -> Vec<Related> {
    path.into_iter()
        .map(|s| Related {
            path: s.path,
            line: s.line,
            message: s.message,
        })
        .collect()
}
