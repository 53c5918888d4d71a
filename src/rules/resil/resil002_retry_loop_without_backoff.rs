//! RESIL002 retry-loop-without-backoff.
use crate::finding::{Applicability, Kind, Severity};
use crate::python::LoopKind;
use crate::rules::fix::{self, Edit};
use crate::rules::{Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags a `while True` loop that catches every exception (`except Exception`, bare
`except:`) without re-raising, returning or breaking, where the loop's only pacing
`sleep` sits inside the `try` after the work that can fail. When the work fails, the
sleep is skipped and the loop immediately tries again.

Severity: **high** when the handler does not wait at all (a failing dependency makes
the loop spin at full speed, pinning a CPU and flooding the logs); **low** when the
handler waits a constant delay (no spin, but no backoff either: a dead dependency is
hammered at a fixed rate forever).

## Why is this bad?
Background loops (health checks, pollers, consumers) run for the life of the
process. A dependency outage turns a loop without backoff into a busy loop.
(Seed 003 #4.)

## Example
```python
async def health_check_loop(self):
    while True:
        try:
            await self._check()
            await asyncio.sleep(self.interval)
        except Exception as e:
            logger.error("health check failed: %s", e)
```

## Use instead
Capped exponential backoff with jitter in the handler (`import random`), reset
on success:
```python
async def health_check_loop(self):
    backoff = 1
    while True:
        try:
            await self._check()
            await asyncio.sleep(self.interval)
            backoff = 1
        except Exception as e:
            logger.error("health check failed: %s", e)
            await asyncio.sleep(backoff + random.uniform(0, backoff / 2))
            backoff = min(backoff * 2, 60)
```

## Limitations
Loops paced by a blocking wait anywhere in their body (`await queue.get()`,
`event.wait(timeout)`, `sock.recv()`, `brpop`) are never reported: they cannot
spin. Only `while True` / `while 1` loops are considered.
"#;

pub static META: RuleMeta = RuleMeta {
    id: "RESIL002",
    name: "retry-loop-without-backoff",
    kind: Kind::Finding,
    severity: Severity::High,
    summary: "a while-True loop whose failures skip its only sleep and retry without backoff",
    category: "resilience",
    doc: DOC,
    effort_hours: 1.0,
};

pub struct Resil002;

impl Rule for Resil002 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        for (lid, lp) in ix.loops.iter().enumerate() {
            if lp.kind != LoopKind::While || !lp.infinite {
                continue;
            }
            // Calls that run directly in this loop (not in a nested loop).
            let in_loop: Vec<usize> = ix
                .calls_within(lp.scope, lp.body)
                .filter(|(_, c)| ix.enclosing_loop(c.block) == Some(lid))
                .map(|(i, _)| i)
                .collect();
            if in_loop.iter().any(|&i| ix.is_blocking_wait(&ix.calls[i])) {
                continue;
            }
            let sleeps: Vec<usize> = in_loop
                .iter()
                .copied()
                .filter(|&i| ix.is_sleep(&ix.calls[i]))
                .collect();
            // A try directly in the loop with a broad, non-exiting handler.
            for t in ix.tries.iter() {
                if t.scope != lp.scope || ix.enclosing_loop(t.block) != Some(lid) {
                    continue;
                }
                let Some(&hid) = t.handlers.iter().find(|&&h| {
                    let h = &ix.handlers[h];
                    ix.is_broad_handler(h) && !h.exits.raises && !h.exits.returns && !h.exits.breaks
                }) else {
                    continue;
                };
                let h = &ix.handlers[hid];
                // The pacing sleep inside the try body, after some work.
                let Some(&pace) = sleeps
                    .iter()
                    .filter(|&&s| t.body.contains(&ix.calls[s].span))
                    .min_by_key(|&&s| ix.calls[s].span.start_byte)
                else {
                    continue;
                };
                let pace_call = &ix.calls[pace];
                let work_before = ix.calls_within(t.scope, t.body).any(|(_, c)| {
                    c.span.start_byte < pace_call.span.start_byte
                        && !ix.is_sleep(c)
                        && !c.span.contains(&pace_call.span)
                });
                if !work_before {
                    continue;
                }
                // Other sleeps of the loop: in this handler, or anywhere else (which
                // paces every iteration).
                let mut handler_sleeps = vec![];
                let mut paced_elsewhere = false;
                for &s in &sleeps {
                    let sp = ix.calls[s].span;
                    if t.body.contains(&sp) {
                        continue;
                    }
                    if h.body.contains(&sp) {
                        handler_sleeps.push(s);
                    } else if !t
                        .handlers
                        .iter()
                        .any(|&o| o != hid && ix.handlers[o].body.contains(&sp))
                    {
                        paced_elsewhere = true;
                    }
                }
                if paced_elsewhere {
                    continue;
                }
                let severity = if handler_sleeps.is_empty() {
                    Severity::High
                } else {
                    let growing = handler_sleeps.iter().any(|&s| {
                        let c = &ix.calls[s];
                        c.positional(0)
                            .map(|a| ix.delay_profile(c.scope, a.span))
                            .is_none_or(|p| !p.constant())
                    });
                    if growing {
                        continue;
                    }
                    Severity::Low
                };
                let callee = pace_call
                    .callee
                    .clone()
                    .unwrap_or_else(|| "time.sleep".into());
                let aw = if pace_call.awaited { "await " } else { "" };
                let (from, to) = (lp.span.line, lp.span.end_line);
                let message = if severity == Severity::High {
                    format!("when the work fails, `except` skips the loop's only `{callee}` and retries at full speed: the loop spins and floods the logs")
                } else {
                    format!("failures are retried after a constant delay with no backoff: a dead dependency is hammered forever")
                };
                // The loop's edits for the file, when the snippet shows them all
                // and `backoff` is free.
                let mut file_edits = None;
                let (before, after) = if to - from < 40 {
                    let mut edits = vec![fix::insert_lines(ix, from, 0, &["backoff = 1".into()])];
                    let (_, pend) = fix::statement_lines(ix, &pace_call.span);
                    let reset = Edit::insert(
                        fix::line_start(ix, pend + 1),
                        format!("{}backoff = 1\n", fix::indent_of(ix, pace_call.span.line)),
                    );
                    edits.push(reset);
                    // With jitter: a plain doubling delay is what RESIL001 flags.
                    let backoff_lines = vec![
                        format!("{aw}{callee}(backoff + random.uniform(0, backoff / 2))"),
                        "backoff = min(backoff * 2, 60)".to_string(),
                    ];
                    if let Some(&s) = handler_sleeps.first() {
                        let (a, b) = fix::statement_lines(ix, &ix.calls[s].span);
                        edits.push(fix::replace_lines(ix, a, b, &backoff_lines));
                    } else if h.body.line > h.span.line {
                        let last = h.body.end_line;
                        let ind = fix::indent_of(ix, h.body.line);
                        let text = backoff_lines
                            .iter()
                            .map(|l| format!("{ind}{l}\n"))
                            .collect::<String>();
                        let at = fix::line_start(ix, last + 1);
                        // Before a trailing `continue`, after everything else.
                        let cont = ix.stmts.iter().find(|s| {
                            s.kind == "continue_statement"
                                && h.body.contains(&s.span)
                                && s.span.end_line == last
                        });
                        let at = cont.map_or(at, |s| fix::line_start(ix, s.span.line));
                        edits.push(Edit::insert(at, text));
                    }
                    if fix::name_is_free(ix, lp.scope, "backoff") {
                        file_edits = fix::in_window(ix, from, to, &edits);
                    }
                    (
                        fix::splice(ix, from, to, vec![]),
                        fix::splice(ix, from, to, edits),
                    )
                } else {
                    let before = fix::statement(ix, &lp.span);
                    let after = format!(
                        "backoff = 1\nwhile True:\n    try:\n        ...\n        {aw}{callee}(interval)\n        backoff = 1\n    except Exception:\n        logger.exception(\"iteration failed\")\n        {aw}{callee}(backoff + random.uniform(0, backoff / 2))\n        backoff = min(backoff * 2, 60)\n"
                    );
                    (before, after)
                };
                let d = cx
                    .report(&META, lp.span, lp.scope, message)
                    .with_severity(severity)
                    .with_related(h.span, "this handler catches the failure")
                    .with_related(pace_call.span, "the pacing sleep, skipped on failure")
                    .with_fix(before, after);
                if let Some(edits) = file_edits {
                    d.with_edits(Applicability::Unsafe, edits)
                        .with_import(ix, "random", None);
                }
                break;
            }
        }
    }
}
