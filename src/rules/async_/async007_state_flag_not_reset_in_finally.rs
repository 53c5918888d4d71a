//! ASYNC007 state-flag-not-reset-in-finally.
use std::collections::HashSet;

use crate::finding::{Kind, Severity};
use crate::python::{BlockKind, Target, Value};
use crate::rules::fix::{reindent, rewrite_region};
use crate::rules::{Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags, in an `async def`, a flag set with `self.X = True` (or a `global X`) and reset
to `False` after awaited work, when no reset happens in a `finally` block. The
finding points at the line that sets the flag.

## Why is this bad?
If the awaited work raises, or the task is cancelled (at any `await`), the reset
never runs: the flag stays `True` forever and whatever it guards ("cleanup already
running", "refresh in progress") never runs again. (Seed 000 MEDIUM-001: a cache
cleanup flag stuck after cancellation stopped all cleanups.)

## Example
```python
async def run_cleanup(self):
    self._cleanup_running = True
    await self._purge_expired()
    self._cleanup_running = False
```

## Use instead
```python
async def run_cleanup(self):
    self._cleanup_running = True
    try:
        await self._purge_expired()
    finally:
        self._cleanup_running = False
```

A reset in an `except` handler that catches `BaseException` (or a bare `except:`)
also covers cancellation and is accepted; `except Exception:` is not enough.

## Precision
Measured on the ecosystem corpus (`scripts/ecosystem`, 20 real projects, test code skipped, 2026-11-23): 0 of 2 (0%) true positives in the labelled sample (`bench/ecosystem/labels.csv`). Below the target (80% for its `medium` severity). The severity stays the catalog's (it says the impact); the figure sets the confidence its findings start from, which the project model raises or lowers at each place (`src/rules/confidence.rs`, with the application sample of `bench/apps/`). Why it fell short: flags that an error path or `reset()` also clears, and flags meant to stay set after a failure; the sample is small.
"#;

pub static META: RuleMeta = RuleMeta {
    id: "ASYNC007",
    name: "state-flag-not-reset-in-finally",
    kind: Kind::Finding,
    severity: Severity::Medium,
    summary: "a flag set before awaited work is reset after it, not in finally: cancellation leaves it stuck",
    category: "asyncio",
    doc: DOC,
    effort_hours: 0.5,
};

pub struct Async007;

impl Rule for Async007 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        let flag_of = |a: &crate::python::Assignment, val: bool| -> Option<String> {
            if a.value != Some(Value::Bool(val)) {
                return None;
            }
            match a.targets.as_slice() {
                [Target::Attr(p)] if p.starts_with("self.") => Some(p.clone()),
                [Target::Name(n)] if ix.scopes[a.scope].globals.contains(n) => Some(n.clone()),
                _ => None,
            }
        };
        let mut reported = HashSet::new();
        for set in &ix.assignments {
            if !ix.is_async_scope(set.scope) {
                continue;
            }
            let Some(flag) = flag_of(set, true) else {
                continue;
            };
            if ix.inside(set.block, BlockKind::Finally) {
                continue;
            }
            let resets: Vec<_> = ix
                .assignments
                .iter()
                .filter(|r| {
                    r.scope == set.scope
                        && r.span.start_byte > set.span.end_byte
                        && flag_of(r, false).as_deref() == Some(flag.as_str())
                })
                .collect();
            // Resets that hold whatever happens: in a finally, or in a handler that
            // catches cancellation.
            let covered = resets.iter().any(|r| {
                ix.blocks_of(r.block).any(|b| match b.kind {
                    BlockKind::Finally => true,
                    BlockKind::Handler => {
                        let h = &ix.handlers[b.owner];
                        h.is_bare()
                            || h.catches("BaseException")
                            || h.catches("asyncio.CancelledError")
                    }
                    _ => false,
                })
            });
            if covered {
                continue;
            }
            // The first plain reset after awaited work.
            let Some(reset) = resets.iter().find(|r| {
                ix.awaits.iter().any(|w| {
                    w.scope == set.scope
                        && w.span.start_byte > set.span.end_byte
                        && w.span.start_byte < r.span.start_byte
                })
            }) else {
                continue;
            };
            if !reported.insert(set.span.start_byte) {
                continue;
            }
            let msg = format!(
                "`{flag}` is set here and reset after awaited work (line {}), not in `finally`: an exception or a cancellation leaves it `True` forever",
                reset.span.line
            );
            // Fix: the statements between set and reset go into try, the reset into finally.
            let (before, after) = if reset.block == set.block
                && reset.span.line > set.span.end_line + 1
            {
                let mut rep = reindent(ix, set.span.line, set.span.end_line, 0);
                rep.push("try:".into());
                rep.extend(reindent(ix, set.span.end_line + 1, reset.span.line - 1, 4));
                rep.push("finally:".into());
                rep.extend(reindent(ix, reset.span.line, reset.span.end_line, 4));
                rewrite_region(ix, set.scope, set.span.line, reset.span.end_line, &rep, "")
            } else {
                let before = crate::rules::fix::function_or_statement(ix, set.scope, &set.span);
                let after = format!(
                    "{flag} = True\ntry:\n    ...  # the awaited work\nfinally:\n    {flag} = False\n"
                );
                (before, after)
            };
            cx.report(&META, set.span, set.scope, msg)
                .with_related(reset.span, format!("`{flag}` reset outside `finally`"))
                .with_fix(before, after);
        }
    }
}
