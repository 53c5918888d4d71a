//! ASYNC004 busy-wait-loop.
use crate::finding::{Kind, Severity};
use crate::python::known::blocking::STATE_POLL_METHODS;
use crate::python::known::clocks::POLLED_CLOCKS;
use crate::python::known::pure::PURE_BUILTINS;
use crate::python::LoopKind;
use crate::rules::fix::{indent_width, reindent};
use crate::rules::{fix, Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags a `while` loop inside an `async def` whose body never awaits, when the loop
polls for something that only another coroutine (or the clock) can change:

- the condition reads the clock (`while time.time() - start < timeout:`),
- the condition only reads shared state (`self.X`, a module global, `event.is_set()`)
  that the body itself never writes,
- `while True:` with no way out (no `break`/`return`/`raise`), or one that sleeps with
  a blocking `time.sleep`.

## Why is this bad?
A coroutine that never awaits never gives the event loop back. The condition it
waits for can only change when other code runs, and nothing else runs: the loop pins
a CPU at 100% and stalls every other request until it times out (or forever).
(Seed 003 #3: a connection-pool wait loop polled without yielding.)

## Example
```python
async def acquire(self, timeout):
    start = time.time()
    while time.time() - start < timeout:
        conn = self.try_get()
        if conn:
            return conn
```

## Use instead
```python
async def acquire(self, timeout):
    start = time.time()
    while time.time() - start < timeout:
        conn = self.try_get()
        if conn:
            return conn
        await asyncio.sleep(0.1)  # yield to the event loop between polls
```
(better still, wait on an `asyncio.Event`, `asyncio.Condition` or `asyncio.Queue`).

## Limitations
Loops that work through data (`while stack:` with `stack.pop()`, `while i < n:` with
`i += 1`) are not reported, nor loops whose body calls methods of `self` (they may
change the polled state).
"#;

pub static META: RuleMeta = RuleMeta {
    id: "ASYNC004",
    name: "busy-wait-loop",
    kind: Kind::Finding,
    severity: Severity::High,
    summary: "a polling while-loop in async def that never awaits: it pins a CPU and stalls the event loop",
    category: "asyncio",
    doc: DOC,
    effort_hours: 0.5,
};

pub struct Async004;

impl Rule for Async004 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        let writes = ix.state_writes();
        for l in &ix.loops {
            if l.kind != LoopKind::While || !ix.is_async_scope(l.scope) {
                continue;
            }
            if ix.awaits_in(l.scope, l.body).next().is_some() {
                continue;
            }
            let header = ix.loop_header(l);
            let in_header = |s: &crate::python::Span| header.contains(s) && !l.body.contains(s);
            let in_body = |s: &crate::python::Span| l.body.contains(s);
            let header_calls: Vec<_> = ix
                .calls
                .iter()
                .filter(|c| c.scope == l.scope && in_header(&c.span))
                .collect();
            let body_calls: Vec<_> = ix
                .calls
                .iter()
                .filter(|c| c.scope == l.scope && in_body(&c.span))
                .collect();
            let blocking_sleep = body_calls
                .iter()
                .find(|c| c.qualified.as_deref() == Some("time.sleep"));
            let clock = header_calls.iter().any(|c| {
                c.qualified
                    .as_deref()
                    .is_some_and(|q| POLLED_CLOCKS.contains(&q))
                    || (c.method == "time"
                        && c.receiver_path().is_some_and(|r| r.ends_with("loop")))
            });
            let written = |p: &str| {
                writes.iter().any(|w| {
                    w.scope == l.scope
                        && in_body(&w.span)
                        && (w.path == p || w.path.starts_with(&format!("{p}.")))
                })
            };
            let state_poll = {
                // Pure builtins in the condition (`len(self._running) >= n`) read
                // nothing themselves: their arguments are what is polled.
                let pure = |c: &&&crate::python::Call| {
                    c.qualified
                        .as_deref()
                        .is_some_and(|q| PURE_BUILTINS.contains(&q))
                };
                let paths: Vec<String> = ix
                    .loads
                    .iter()
                    .filter(|ld| ld.scope == l.scope && in_header(&ld.span))
                    .filter(|ld| {
                        !header_calls
                            .iter()
                            .any(|c| pure(&c) && c.callee.as_deref() == Some(ld.path.as_str()))
                    })
                    .map(|ld| {
                        // `event.is_set()` loads `event.is_set`: poll the receiver.
                        match ld.path.rsplit_once('.') {
                            Some((r, m)) if STATE_POLL_METHODS.contains(&m) => r.to_string(),
                            _ => ld.path.clone(),
                        }
                    })
                    .collect();
                let polls_method = header_calls
                    .iter()
                    .any(|c| STATE_POLL_METHODS.contains(&c.method.as_str()));
                let shared = |p: &String| {
                    ix.is_shared_state(p, l.scope)
                        && (p.contains('.') || !ix.scopes.iter().any(|s| s.name == *p))
                };
                !paths.is_empty()
                    && paths.iter().all(|p| shared(p) || polls_method)
                    && header_calls
                        .iter()
                        .all(|c| STATE_POLL_METHODS.contains(&c.method.as_str()) || pure(&c))
                    && !paths.iter().any(|p| written(p))
                    && !body_calls.iter().any(|c| {
                        c.callee
                            .as_deref()
                            .is_some_and(|x| x.starts_with("self.") || x.starts_with("cls."))
                            || paths
                                .iter()
                                .any(|p| c.receiver_path().is_some_and(|r| r == p))
                    })
            };
            let exits = ix.stmts.iter().any(|s| {
                s.scope == l.scope
                    && in_body(&s.span)
                    && matches!(
                        s.kind.as_str(),
                        "break_statement" | "return_statement" | "raise_statement"
                    )
            });
            let endless = l.infinite && (!exits || blocking_sleep.is_some());
            if !(clock || state_poll || endless) {
                continue;
            }
            let why = if clock {
                "polls the clock"
            } else if state_poll {
                "polls state that only other code can change"
            } else {
                "loops forever"
            };
            let msg = format!(
                "this `while` loop in `async def {}` {why} without ever awaiting: it pins a CPU and no other coroutine can run",
                ix.scopes[l.scope].name
            );
            // Fix: yield to the event loop at the end of each iteration.
            let before = fix::lines(ix, l.span.line, l.span.end_line);
            let mut after = String::new();
            let base = indent_width(ix.line_text(l.span.line));
            if l.body.line > l.span.line {
                let body_indent = indent_width(ix.line_text(l.body.line)).saturating_sub(base);
                for line in reindent(ix, l.span.line, l.body.end_line, 0) {
                    after.push_str(&line);
                    after.push('\n');
                }
                if let Some(s) = blocking_sleep {
                    let t = ix.text_of(&s.span);
                    let args = t.split_once('(').map(|x| x.1).unwrap_or("0.1)");
                    after = after.replacen(t, &format!("await asyncio.sleep({args}"), 1);
                } else {
                    after.push_str(&format!(
                        "{}await asyncio.sleep(0.1)  # yield to the event loop between polls\n",
                        " ".repeat(body_indent.max(4))
                    ));
                }
            } else {
                let head = &ix.source[l.span.start_byte..l.body.start_byte];
                after.push_str(head.trim_end());
                after.push('\n');
                after.push_str(&format!("    {}\n", ix.text_of(&l.body).trim()));
                after.push_str(
                    "    await asyncio.sleep(0.1)  # yield to the event loop between polls\n",
                );
            }
            cx.report(&META, l.span, l.scope, msg)
                .with_fix(before, after);
        }
    }
}
