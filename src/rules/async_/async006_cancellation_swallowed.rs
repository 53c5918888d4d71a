//! ASYNC006 cancellation-swallowed.
use crate::finding::{Kind, Severity};
use crate::python::known::exceptions::CANCELLATION_CATCHERS;
use crate::python::{ModuleIndex, Value};
use crate::rules::fix::indent_width;
use crate::rules::{fix, Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags, in an `async def`, an `except asyncio.CancelledError:` (or a bare `except:`,
or `except BaseException:`) whose handler neither re-raises nor returns / breaks
out of the loop.

`except Exception:` is not reported: since Python 3.8 `CancelledError` derives from
`BaseException` and passes through it.

## Why is this bad?
`task.cancel()` works by raising `CancelledError` inside the task. A handler that
swallows it keeps the task running (a worker loop simply goes on), so shutdown hangs
until the loop is torn down, and `asyncio.wait_for`, `TaskGroup` and `timeout()`
(which rely on cancellation) stop working.

## Example
```python
async def worker(queue):
    while True:
        try:
            job = await queue.get()
            await handle(job)
        except asyncio.CancelledError:
            logger.info("worker cancelled")
```

## Use instead
```python
        except asyncio.CancelledError:
            logger.info("worker cancelled")
            raise
```

The standard shutdown idiom is not reported: after `task.cancel()`,
`try: await task` / `except asyncio.CancelledError: pass` swallows the *task's*
cancellation, which is the point.

## Precision
Measured on the ecosystem corpus (`scripts/ecosystem`, 20 real projects, test code skipped, 2026-11-23): 0 of 16 (0%) true positives in the labelled sample (`bench/ecosystem/labels.csv`). Below the target (80% for its `medium` severity). The severity stays the catalog's (it says the impact); the figure sets the confidence its findings start from, which the project model raises or lowers at each place (`src/rules/confidence.rs`, with the application sample of `bench/apps/`). Why it fell short: nearly every swallowed `CancelledError` on the corpus ends the task's function right after the handler (shutdown paths, request handlers that log and answer 500), so the task does stop; the harm (a loop that goes on after `cancel()`) is rare in maintained code.
"#;

pub static META: RuleMeta = RuleMeta {
    id: "ASYNC006",
    name: "cancellation-swallowed",
    kind: Kind::Finding,
    severity: Severity::Medium,
    summary: "CancelledError caught in async code and neither re-raised nor ending the task",
    category: "asyncio",
    doc: DOC,
    effort_hours: 0.5,
};

pub struct Async006;

/// Whether the try body awaits something this scope cancelled just before:
/// `t.cancel(); try: await t` (or `for t in ts: t.cancel()` then `gather(*ts)`).
fn awaits_cancelled(ix: &ModuleIndex, try_id: usize) -> bool {
    let tr = &ix.tries[try_id];
    let awaited: Vec<&str> = ix
        .loads
        .iter()
        .filter(|l| {
            l.scope == tr.scope
                && tr.body.contains(&l.span)
                && ix
                    .awaits
                    .iter()
                    .any(|a| a.scope == tr.scope && a.span.contains(&l.span))
        })
        .map(|l| l.path.as_str())
        .collect();
    // `loop.call_soon(task.cancel)` before `await task`: the cancellation is
    // scheduled by this code, like a direct `task.cancel()`.
    let scheduled = ix.loads.iter().any(|l| {
        l.scope == tr.scope
            && l.span.start_byte < tr.span.start_byte
            && l.path
                .strip_suffix(".cancel")
                .is_some_and(|r| awaited.contains(&r))
    });
    if scheduled {
        return true;
    }
    ix.calls.iter().any(|c| {
        if c.scope != tr.scope || c.method != "cancel" || c.span.start_byte > tr.span.start_byte {
            // `cancel()` inside the same try before the await also counts.
            if !(c.scope == tr.scope && c.method == "cancel" && tr.body.contains(&c.span)) {
                return false;
            }
        }
        let Some(r) = c.receiver_path() else {
            return false;
        };
        if awaited.contains(&r) {
            return true;
        }
        // `for t in tasks: t.cancel()` then `await asyncio.gather(*tasks)`.
        ix.loops.iter().any(|l| {
            l.scope == tr.scope
                && l.body.contains(&c.span)
                && l.targets.iter().any(|t| t == r)
                && l.iter
                    .as_ref()
                    .and_then(Value::path)
                    .is_some_and(|it| awaited.contains(&it))
        })
    })
}

impl Rule for Async006 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        for h in &ix.handlers {
            if !ix.is_async_scope(h.scope) {
                continue;
            }
            let catches = h.is_bare() || CANCELLATION_CATCHERS.iter().any(|c| h.catches(c));
            if !catches {
                continue;
            }
            if h.exits.raises || h.exits.returns || h.exits.breaks {
                continue;
            }
            // An earlier `except CancelledError: raise` of the same `try` lets the
            // cancellation through before the broad handler sees it (this rule's fix).
            let reraised_before = ix.handlers.iter().any(|e| {
                e.try_id == h.try_id
                    && e.span.line < h.span.line
                    && e.exits.raises
                    && CANCELLATION_CATCHERS
                        .iter()
                        .filter(|c| **c != "BaseException")
                        .any(|c| e.catches(c))
            });
            if reraised_before {
                continue;
            }
            if awaits_cancelled(ix, h.try_id) {
                continue;
            }
            // `asyncio.current_task().uncancel()`: the handler explicitly withdraws
            // the cancellation request.
            if ix
                .calls_within(h.scope, h.body)
                .any(|(_, c)| c.method == "uncancel")
            {
                continue;
            }
            let what = if h.is_bare() {
                "bare `except:`".to_string()
            } else {
                format!("`except {}`", h.types.join(", "))
            };
            let msg = format!(
                "{what} in `async def {}` swallows `CancelledError`: `task.cancel()` cannot stop this task",
                ix.scopes[h.scope].name
            );
            // Fix: re-raise at the end of the handler.
            let tr = &ix.tries[h.try_id];
            let (from, to) = if tr.span.end_line - tr.span.line < fix::MAX_LINES {
                (tr.span.line, tr.span.end_line)
            } else {
                (h.span.line, h.span.end_line)
            };
            let base = indent_width(ix.line_text(from));
            let body_indent = if h.body.line > h.span.line {
                indent_width(ix.line_text(h.body.line))
            } else {
                indent_width(ix.line_text(h.span.line)) + 4
            };
            // A broad handler gets a CancelledError handler in front of it; a
            // CancelledError handler re-raises at its end.
            let broad = h.is_bare() || !CANCELLATION_CATCHERS[..2].iter().any(|c| h.catches(c));
            let last_line = ix.line_text(h.span.end_line).trim().to_string();
            let mut lines: Vec<String> = vec![];
            if from == h.span.line {
                lines.push(format!("{}try:", " ".repeat(base)));
                lines.push(format!("{}    ...", " ".repeat(base)));
            }
            for l in from..=to {
                let t = ix.line_text(l);
                if broad && l == h.span.line {
                    let pad = " ".repeat(indent_width(t));
                    lines.push(format!("{pad}except asyncio.CancelledError:"));
                    lines.push(format!("{pad}    raise  # let the cancellation propagate"));
                    lines.push(t.to_string());
                    continue;
                }
                if !broad
                    && l == h.span.end_line
                    && h.body.line < h.span.end_line
                    && (last_line == "continue" || last_line == "pass")
                {
                    lines.push(format!(
                        "{}raise  # let the cancellation propagate",
                        " ".repeat(body_indent)
                    ));
                    continue;
                }
                if l == h.span.line && h.body.line == h.span.line {
                    // `except X: pass` on one line: split it.
                    let head_len = h.body.start_byte - h.span.start_byte;
                    let head = &ix.source[h.span.start_byte..h.span.start_byte + head_len];
                    lines.push(format!(
                        "{}{}",
                        " ".repeat(indent_width(t)),
                        head.trim_end()
                    ));
                    lines.push(format!(
                        "{}{}",
                        " ".repeat(body_indent),
                        ix.text_of(&h.body).trim()
                    ));
                } else {
                    lines.push(t.to_string());
                }
                if l == h.span.end_line && !broad {
                    lines.push(format!(
                        "{}raise  # let the cancellation propagate",
                        " ".repeat(body_indent)
                    ));
                }
            }
            let before = if from == h.span.line {
                format!("try:\n    ...\n{}", fix::lines(ix, from, to))
            } else {
                fix::lines(ix, from, to)
            };
            let after = fix::dedent(&lines.join("\n"));
            cx.report(&META, h.span, h.scope, msg)
                .with_fix(before, after);
        }
    }
}
