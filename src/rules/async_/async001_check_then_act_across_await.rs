//! ASYNC001 check-then-act-across-await.
use std::collections::HashSet;

use crate::finding::{Kind, Severity};
use crate::python::WriteKind;
use crate::python::{TestKind, Value};
use crate::rules::fix::{reindent, rewrite_region, statement_head_lines};
use crate::rules::{Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
In an `async def`, flags a test of shared state (`self.X is None`, `not self.X`,
`key in self.X`, a module global) followed by a write to that state, when an `await`
(or `async with` / `async for`) lies between the test and the write and no lock is
held. Both the write inside the tested branch and the guard form
(`if key in self.X: return ...` then, later, `self.X[key] = ...`) are checked; the
finding points at the `if`.

## Why is this bad?
At the `await`, the event loop runs other coroutines. They run the same test, see
the same stale answer, and all go on to act: the job starts twice, the client is
created twice (one leaks), the entry is overwritten.
(Seed 004: job TOCTOU; seed 000 HIGH-002: client initialisation without a lock.)

A check-then-act with **no** await between the test and the write is atomic on the
event loop (no other coroutine can run there) and is not reported, even though the
seed 004 report flagged such code.

## Example
```python
async def get_client(self):
    if self._client is None:
        await self._warm_up()
        self._client = httpx.AsyncClient()
    return self._client
```

## Use instead
```python
async def get_client(self):
    async with self._client_lock:  # self._client_lock = asyncio.Lock() in __init__
        if self._client is None:
            await self._warm_up()
            self._client = httpx.AsyncClient()
    return self._client
```

## Limitations
- The write must be to the tested path itself (`self.X = ...`, `self.X[key] = ...`
  with the tested key, `del self.X[key]`, `self.X.pop(key)`, `self.X.add(key)`).
- A re-check after the await (`if key not in self.X:` just before the write) makes
  the code safe and silences the rule.

## Precision
Measured on the ecosystem corpus (`scripts/ecosystem`, 20 real projects, test code skipped, 2026-11-23): 2 of 20 (10%) true positives in the labelled sample (`bench/ecosystem/labels.csv`). Below the target (90% for its `high` severity). The severity stays the catalog's (it says the impact); the figure sets the confidence its findings start from, which the project model raises or lowers at each place (`src/rules/confidence.rs`, with the application sample of `bench/apps/`). Why it fell short: most check-then-act pairs across an `await` are on objects one task owns (a response writer, a multipart reader, a request's form cache) or guard idempotent steps (stopping a task twice, closing twice); the index cannot tell a shared object from a task-owned one. Real cases (a connection cache filled by concurrent requests, redis `PubSub.connect()`) are rarer.
"#;

pub static META: RuleMeta = RuleMeta {
    id: "ASYNC001",
    name: "check-then-act-across-await",
    kind: Kind::Finding,
    severity: Severity::High,
    summary: "shared state tested, then written after an await, with no asyncio.Lock held",
    category: "asyncio",
    doc: DOC,
    effort_hours: 1.0,
};

pub struct Async001;

impl Rule for Async001 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        let mut reported = HashSet::new();
        let writes = ix.state_writes();
        for w in writes {
            if !ix.is_async_scope(w.scope) || !ix.is_shared_state(&w.path, w.scope) {
                continue;
            }
            // A plain name only writes the global when declared `global`.
            if w.kind == WriteKind::Assign
                && !w.path.contains('.')
                && !ix.scopes[w.scope].globals.iter().any(|g| *g == w.path)
            {
                continue;
            }
            if ix.lock_held_at(w.block).is_some() {
                continue;
            }
            let key = match &w.kind {
                WriteKind::Assign => None,
                WriteKind::SetItem(k) | WriteKind::DelItem(k) => Some(k),
                WriteKind::Method(m, k) => match m.as_str() {
                    "pop" | "add" | "discard" | "remove" | "setdefault" => k.as_ref(),
                    _ => continue,
                },
            };
            // The write takes effect at the end of its statement (after any await in
            // its own right-hand side).
            let store = w.span.end_byte;
            // The nearest test of the same state before the write: an `if` enclosing
            // the write, or a guard `if` whose body leaves the function.
            let candidate = ix
                .ifs
                .iter()
                .enumerate()
                .filter(|(_, i)| i.scope == w.scope && i.test_span.end_byte <= w.span.start_byte)
                .filter(|(_, i)| {
                    i.tests.iter().any(|t| {
                        t.path == w.path
                            && match (&t.kind, key) {
                                (
                                    TestKind::IsNone
                                    | TestKind::IsNotNone
                                    | TestKind::Falsy
                                    | TestKind::Truthy,
                                    None,
                                ) => true,
                                (TestKind::Contains(k) | TestKind::NotContains(k), Some(wk)) => {
                                    same_key(k, wk)
                                }
                                _ => false,
                            }
                    })
                })
                .filter(|(id, i)| {
                    i.span.contains(&w.span) || {
                        let body = ix.if_body_block(*id);
                        body.is_some()
                            && (ix.returns.iter().any(|r| !r.is_yield && r.block == body)
                                || ix.raises.iter().any(|r| r.block == body))
                    }
                })
                .max_by_key(|(_, i)| i.test_span.end_byte);
            let Some((if_id, the_if)) = candidate else {
                continue;
            };
            if ix.lock_held_at(the_if.block).is_some() {
                continue;
            }
            // Only the first write after the test is the "act": a flag set right
            // after its check (atomic) and reset later, after awaits, is correct.
            let earlier_write = writes.iter().any(|o| {
                o.scope == w.scope
                    && o.path == w.path
                    && o.span.start_byte >= the_if.test_span.end_byte
                    && o.span.end_byte <= w.span.start_byte
            });
            if earlier_write {
                continue;
            }
            let in_body = the_if.body.contains(&w.span);
            let awaits: Vec<_> = ix
                .awaits
                .iter()
                .filter(|a| {
                    a.scope == w.scope
                        && a.span.start_byte >= the_if.test_span.end_byte
                        && a.span.start_byte < store
                        // awaits in the tested branch do not lie on a path that
                        // leaves it (else branch, guard that returned)
                        && (in_body || !the_if.body.contains(&a.span))
                })
                .collect();
            let Some(first_await) = awaits.first() else {
                continue;
            };
            if !reported.insert(if_id) {
                continue;
            }
            let msg = format!(
                "`{}` is tested here and written after an `await` (line {}) with no lock held: other coroutines pass the same test meanwhile",
                w.path, first_await.span.line
            );
            // Fix: hold an asyncio.Lock from the test to the write.
            let lock = suggested_lock(ix, &w.path, w.scope);
            let from = the_if.span.line;
            let to = if in_body || the_if.span.contains(&w.span) {
                the_if.span.end_line
            } else {
                // The statement of the if's block that contains the write.
                ix.stmts
                    .iter()
                    .filter(|s| {
                        s.scope == w.scope && s.block == the_if.block && s.span.contains(&w.span)
                    })
                    .map(|s| s.span.end_line)
                    .max()
                    .unwrap_or(w.span.end_line)
            };
            let (from, to, rep) = if ix.line_text(from).trim_start().starts_with("elif") {
                // Wrapping an elif needs the whole chain: lock and re-check at the write.
                let (f, t, _) = statement_head_lines(ix, &w.span);
                let cond = ix.text_of(&the_if.test_span).to_string();
                let mut rep = vec![
                    format!("async with {lock}:"),
                    format!("    if {cond}:  # re-check under the lock"),
                ];
                rep.extend(reindent(ix, f, t, 8));
                (f, t, rep)
            } else {
                let mut rep = vec![format!("async with {lock}:")];
                rep.extend(reindent(ix, from, to, 4));
                (from, to, rep)
            };
            let prefix = if lock.starts_with("self.") {
                format!("# in __init__: {lock} = asyncio.Lock()\n")
            } else {
                format!("{lock} = asyncio.Lock()\n\n\n")
            };
            let (before, after) = rewrite_region(ix, w.scope, from, to, &rep, &prefix);
            cx.report(&META, the_if.test_span, w.scope, msg)
                .with_related(first_await.span, "await point: other coroutines run here")
                .with_related(w.span, format!("write to `{}`", w.path))
                .with_fix(before, after);
        }
    }
}

fn same_key(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Call(_), _) | (_, Value::Call(_)) => false,
        _ => a == b,
    }
}

/// An asyncio lock of the same class (or module, for globals) when one exists, else
/// a new name.
fn suggested_lock(ix: &crate::python::ModuleIndex, path: &str, scope: usize) -> String {
    let class = ix.enclosing_class(scope);
    let mut existing: Vec<String> = ix
        .assignments
        .iter()
        .flat_map(|a| a.targets.iter())
        .filter_map(|t| match t {
            crate::python::Target::Attr(p) if path.starts_with("self.") => Some(p.clone()),
            crate::python::Target::Name(n) if !path.starts_with("self.") => Some(n.clone()),
            _ => None,
        })
        .filter(|p| {
            let cls = if p.starts_with("self.") { class } else { None };
            (cls.is_some() || !p.starts_with("self."))
                && ix
                    .lock_type_in(p, cls)
                    .is_some_and(|q| q == "asyncio.Lock" || q == "anyio.Lock")
        })
        .collect();
    existing.sort();
    existing.dedup();
    match existing.first() {
        Some(p) => p.clone(),
        None => format!("{path}_lock"),
    }
}
