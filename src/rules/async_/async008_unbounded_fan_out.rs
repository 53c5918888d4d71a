//! ASYNC008 unbounded-fan-out.
use crate::finding::{Kind, Severity};
use crate::python::{Call, LoopKind, ModuleIndex, ScopeId, Span, Target, Value};
use crate::rules::fix::statement_head_lines;
use crate::rules::{fix, Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags fan-out over data of unbounded size with nothing limiting concurrency:

- `asyncio.gather(*[f(x) for x in xs])` (also a generator, or a list built by a
  comprehension and passed as `gather(*coros)`),
- `asyncio.create_task(...)` / `tg.create_task(...)` in a `for` loop over data,

when no `asyncio.Semaphore` (or lock) is held around the fan-out and the coroutine
does not acquire one itself.

## Why is this bad?
One large input starts thousands of coroutines at once: thousands of sockets to the
same peer, exhausted connection pools, file descriptor limits, rate limits tripped,
memory spikes. A semaphore caps the number in flight.

## Example
```python
results = await asyncio.gather(*[fetch(url) for url in urls])
```

## Use instead
```python
semaphore = asyncio.Semaphore(10)  # at most 10 in flight

async def _limited(aw):
    async with semaphore:
        return await aw

results = await asyncio.gather(*(_limited(aw) for aw in [fetch(url) for url in urls]))
```

## Limitations
Loops over literal collections or `range(<constant>)`, and gathers inside an outer
`for batch in ...` loop (batching) are treated as bounded. A gather of tasks that
were already started with `create_task` in a comprehension is not reported (the
fan-out happened at creation).

## Precision
Measured on the ecosystem corpus (`scripts/ecosystem`, 20 real projects, test code skipped, 2026-11-23): 0 of 12 (0%) true positives in the labelled sample (`bench/ecosystem/labels.csv`). Below the target (80% for its `medium` severity). The severity stays the catalog's (it says the impact); the figure sets the confidence its findings start from, which the project model raises or lowers at each place (`src/rules/confidence.rs`, with the application sample of `bench/apps/`). Why it fell short: fan-out over collections bounded by the topology or the code (cluster nodes, signal receivers, the pool's own connections); the rule cannot tell them from request-controlled input.
"#;

pub static META: RuleMeta = RuleMeta {
    id: "ASYNC008",
    name: "unbounded-fan-out",
    kind: Kind::Finding,
    severity: Severity::Medium,
    summary: "gather/create_task over unbounded data with no semaphore limiting concurrency",
    category: "asyncio",
    doc: DOC,
    effort_hours: 1.0,
};

pub struct Async008;

fn bounded_iter(ix: &ModuleIndex, v: Option<&Value>, scope: ScopeId, at: &Span) -> bool {
    match v {
        Some(Value::List(items) | Value::Tuple(items) | Value::Set(items)) => {
            items.iter().all(Value::is_constant) || items.len() <= 16
        }
        Some(Value::Call(id)) => {
            let c = &ix.calls[*id];
            c.qualified.as_deref() == Some("range")
                && c.args.iter().all(|a| matches!(a.value, Value::Num(_)))
        }
        Some(Value::Name(n)) => {
            // A batch: the loop target of an enclosing `for batch in ...`.
            ix.loops.iter().any(|l| {
                l.scope == scope
                    && l.kind == LoopKind::For
                    && l.body.contains(at)
                    && l.targets.iter().any(|t| t == n)
            })
        }
        _ => false,
    }
}

/// Whether a call's coroutine function (in this module) acquires a semaphore/lock.
fn callee_limits(ix: &ModuleIndex, c: &Call) -> bool {
    let Some(callee) = c.callee.as_deref() else {
        return false;
    };
    let name = callee.strip_prefix("self.").unwrap_or(callee);
    if name.contains('.') {
        return false;
    }
    ix.scopes.iter().enumerate().any(|(sid, s)| {
        s.name == name && s.is_async && ix.withs.iter().any(|w| w.scope == sid && w.lock.is_some())
    })
}

const SEMAPHORE_PRELUDE: &str = "semaphore = asyncio.Semaphore(10)  # at most 10 in flight\n\n\nasync def _limited(aw):\n    async with semaphore:\n        return await aw\n\n\n";

impl Rule for Async008 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        for call in &ix.calls {
            if ix.lock_held_at(call.block).is_some() {
                continue;
            }
            // gather(*[... for x in xs])
            if call.qualified.as_deref() == Some("asyncio.gather") {
                let Some(star) = call.args.iter().find(|a| a.star && a.keyword.is_none()) else {
                    continue;
                };
                // The comprehension: inline, or assigned to the starred name.
                let comp_span = match &star.value {
                    Value::Comprehension => Some(star.span),
                    Value::Name(n) => ix
                        .assignments
                        .iter()
                        .filter(|a| {
                            a.scope == call.scope
                                && a.span.end_byte <= call.span.start_byte
                                && a.targets == vec![Target::Name(n.clone())]
                        })
                        .max_by_key(|a| a.span.start_byte)
                        .filter(|a| a.value == Some(Value::Comprehension))
                        .map(|a| a.span),
                    _ => None,
                };
                let Some(comp_span) = comp_span else { continue };
                let Some(comp) = ix.loops.iter().find(|l| {
                    l.kind == LoopKind::Comprehension
                        && l.scope == call.scope
                        && comp_span.contains(&l.span)
                }) else {
                    continue;
                };
                if bounded_iter(ix, comp.iter.as_ref(), call.scope, &call.span) {
                    continue;
                }
                let inner: Vec<&Call> = ix
                    .calls
                    .iter()
                    .filter(|c| c.scope == call.scope && comp.span.contains(&c.span))
                    .collect();
                if inner.iter().any(|c| ix.spawn_kind(c).is_some())
                    || inner.iter().any(|c| callee_limits(ix, c))
                {
                    continue;
                }
                let star_text = ix.text_of(&star.span);
                let inner_text = star_text.trim_start_matches('*').trim();
                let new_arg = format!("*(_limited(aw) for aw in {inner_text})");
                let (from, to, compound) = statement_head_lines(ix, &call.span);
                let mut before = fix::lines(ix, from, to);
                if compound {
                    before.push_str("    ...\n");
                }
                let body = if before.contains(star_text) {
                    before.replacen(star_text, &new_arg, 1)
                } else {
                    format!("await asyncio.gather({new_arg})\n")
                };
                let msg = format!(
                    "`asyncio.gather` starts one coroutine per item of `{}` at once, with no semaphore limiting concurrency",
                    comp.iter
                        .as_ref()
                        .and_then(Value::path)
                        .unwrap_or("the input")
                );
                cx.report(&META, call.span, call.scope, msg)
                    .with_fix(before, format!("{SEMAPHORE_PRELUDE}{body}"));
                continue;
            }
            // create_task in a `for` loop over data.
            if ix.spawn_kind(call).is_none() {
                continue;
            }
            let Some(l) = ix
                .blocks_of(call.block)
                .filter(|b| b.kind == crate::python::BlockKind::Loop)
                .map(|b| &ix.loops[b.owner])
                .find(|l| l.kind == LoopKind::For)
            else {
                continue;
            };
            if bounded_iter(ix, l.iter.as_ref(), call.scope, &l.span) {
                continue;
            }
            let Some(coro_arg) = call.positional(0) else {
                continue;
            };
            if ix
                .call_value(&coro_arg.value)
                .is_some_and(|c| callee_limits(ix, c))
            {
                continue;
            }
            let call_text = ix.text_of(&call.span);
            let arg_text = ix.text_of(&coro_arg.span);
            let new_call = call_text.replacen(arg_text, &format!("_limited({arg_text})"), 1);
            let (from, to, compound) = statement_head_lines(ix, &call.span);
            let mut before = fix::lines(ix, from, to);
            if compound {
                before.push_str("    ...\n");
            }
            let body = if before.contains(call_text) {
                before.replacen(call_text, &new_call, 1)
            } else {
                format!("{new_call}\n")
            };
            let msg = format!(
                "`{}` starts a task per item of `{}` with no semaphore limiting how many run at once",
                call.callee.as_deref().unwrap_or("create_task"),
                l.iter.as_ref().and_then(Value::path).unwrap_or("the input")
            );
            cx.report(&META, call.span, call.scope, msg)
                .with_related(l.span, "the loop over the input")
                .with_fix(before, format!("{SEMAPHORE_PRELUDE}{body}"));
        }
    }
}
