//! RES005 session-not-closed.
use std::collections::HashSet;

use crate::finding::{Kind, Severity};
use crate::python::known::sessions::{
    CONVENTIONAL_SESSION_FACTORIES, SESSION_FACTORY_TYPES, SESSION_TYPES,
};
use crate::python::{ModuleIndex, Target, Value};
use crate::rules::res::{local_binding, with_wrap_fix};
use crate::rules::{Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags a SQLAlchemy session created in a function (`Session(engine)`, `AsyncSession(engine)`,
or a call of a session factory: a module-level `X = sessionmaker(...)` /
`async_sessionmaker(...)` binding, a name listed in `sessions` in the configuration,
or the conventional `SessionLocal`) and assigned to a local variable that is neither
used in `with` nor closed in a `finally` block.

## Why is this bad?
A session holds a pooled connection while a transaction is open. When an exception
skips `session.close()`, the connection is only returned to the pool when the garbage
collector finalises the session; with a small pool (or `NullPool` on SQLite) requests
start to wait for connections, then time out. A FastAPI dependency that does
`db = SessionLocal(); yield db; db.close()` without `try/finally` leaks a session
on every request that raises. (Seed 001 #3, #8.)

## Example
```python
def get_db():
    db = SessionLocal()
    yield db
    db.close()
```

## Use instead
```python
def get_db():
    with SessionLocal() as db:
        yield db
```
or `try: yield db` / `finally: db.close()`; in application code
`with Session(engine) as session:`.

## Stays silent on
`with Session(engine) as s`, `with s:` / `with s.begin():` after the creation,
`s.close()` in `finally` (or in an `except` handler), sessions returned, stored on an
attribute or handed to a wrapper that is returned or stored, sessions passed to a
task or thread, and sessions created at module level (scripts).

## Limitations
Factories are recognised by name (`SessionLocal`, module-level `sessionmaker`
bindings, configured names); a factory imported under another name and not configured
is not recognised. Aliases (`s2 = s`) are not followed.
"#;

pub static META: RuleMeta = RuleMeta {
    id: "RES005",
    name: "session-not-closed",
    kind: Kind::Finding,
    severity: Severity::High,
    summary:
        "a SQLAlchemy session assigned to a local is not used in `with` nor closed in `finally`",
    category: "resources",
    doc: DOC,
    effort_hours: 0.5,
};

/// Session factory names: (name, is async).
fn factories(ix: &ModuleIndex, extra: &[String]) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = CONVENTIONAL_SESSION_FACTORIES
        .iter()
        .map(|(n, is_async)| (n.to_string(), *is_async))
        .collect();
    out.extend(extra.iter().map(|n| (n.clone(), false)));
    for a in ix.assignments.iter().filter(|a| a.scope == 0) {
        let Some(call) = a.value.as_ref().and_then(|v| ix.call_value(v)) else {
            continue;
        };
        let Some(q) = call.qualified.as_deref() else {
            continue;
        };
        if !SESSION_FACTORY_TYPES.contains(&q) {
            continue;
        }
        for t in &a.targets {
            if let Target::Name(n) = t {
                out.push((n.clone(), q.ends_with("async_sessionmaker")));
            }
        }
    }
    out
}

pub struct Res005;

impl Rule for Res005 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        let factories = factories(ix, cx.settings.sessions);
        let mut seen = HashSet::new();
        for (cid, call) in ix.calls.iter().enumerate() {
            let q = call.qualified.as_deref().unwrap_or("");
            let is_async = if SESSION_TYPES.contains(&q) {
                q.ends_with("AsyncSession")
            } else {
                let Some(callee) = call.callee.as_deref() else {
                    continue;
                };
                let last = callee.rsplit('.').next().unwrap_or(callee);
                match factories.iter().find(|(n, _)| n == callee || n == last) {
                    Some((_, a)) => *a,
                    None => continue,
                }
            };
            let Some((a, name)) = local_binding(ix, cid) else {
                continue;
            };
            if !seen.insert(a.span.start_byte) {
                continue;
            }
            let lc = ix.local_lifecycle(&name, a.scope, a.span.end_byte);
            // `with s.begin():` ends the transaction and releases the connection.
            let begun = ix.withs.iter().any(|w| {
                w.scope == a.scope
                    && w.span.start_byte > a.span.end_byte
                    && w.items.iter().any(|it| {
                        ix.call_value(&it.value).is_some_and(|c| {
                            c.receiver == Some(Value::Name(name.clone())) && c.method == "begin"
                        })
                    })
            });
            if begun
                || lc.bare_with
                || lc.with_managed
                || lc.closed_in_finally
                || lc.closed_in_handler
                || lc.returned
                || lc.stored
                || lc.passed_to_owner
                || lc.spawned
                || lc.captured
            {
                continue;
            }
            let first_close = lc.plain_closes.first().map(|c| &ix.calls[*c]);
            if let Some(c) = first_close {
                let stmt_start = ix
                    .statement_at(&c.span)
                    .map(|s| s.span.start_byte)
                    .unwrap_or(c.span.start_byte);
                if ix.stmts_between(a.scope, a.span.end_byte, stmt_start) == 0 {
                    continue;
                }
            }
            let ctor = ix.text_of(&call.span).to_string();
            let fname = &ix.scopes[a.scope].name;
            let message = match (first_close, lc.yielded) {
                (Some(c), _) => format!(
                    "session `{name}` from `{ctor}` in `{fname}()` is closed at line {} outside `finally`: an exception before it leaks the session and its connection",
                    c.span.line
                ),
                (None, true) => format!(
                    "session `{name}` from `{ctor}` is yielded by `{fname}()` without `try/finally`: it is never closed when the caller raises"
                ),
                (None, false) => format!(
                    "session `{name}` from `{ctor}` in `{fname}()` is never closed and not used in `with`"
                ),
            };
            let (before, after) = with_wrap_fix(ix, a, &name, &ctor, &lc.plain_closes, is_async);
            let d = cx.report(&META, call.span, a.scope, message);
            if let Some(c) = first_close {
                d.with_related(c.span, format!("`{name}` closed here, outside `finally`"));
            }
            d.with_fix(before, after);
        }
    }
}
