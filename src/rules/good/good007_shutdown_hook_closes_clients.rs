//! GOOD007 shutdown-hook-closes-clients (strength).
#[allow(unused_imports)]
use crate::finding::{Kind, Severity};
#[allow(unused_imports)]
use crate::python::{BlockKind, ScopeKind, Target, TestKind, Value};
use crate::rules::{fix, Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Recognises a good pattern to preserve (a strength, reported without severity and
never counted against the health score): lifespan / `on_event("shutdown")` / `worker_shutdown` / `atexit` that closes clients.

## Why is this good?
Pools and clients are closed when the process stops: connections are returned cleanly and nothing is left half-written.

## Example
```python
@app.on_event("shutdown")
async def shutdown_event():
    await cache.close_redis()
```

## Use instead
Keep it. When refactoring this code, preserve the pattern.

Strengths are listed in every seed report under "Excellent patterns, preserve these".
"#;

pub static META: RuleMeta = RuleMeta {
    id: "GOOD007",
    name: "shutdown-hook-closes-clients",
    kind: Kind::Strength,
    severity: Severity::Info,
    summary: "a shutdown hook (lifespan, on_event('shutdown'), worker_shutdown, atexit) that closes clients",
    category: "strength",
    doc: DOC,
    effort_hours: 0.0,
};

pub struct Good007;

impl Rule for Good007 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        const CLOSERS: &[&str] = &[
            "close",
            "aclose",
            "dispose",
            "shutdown",
            "disconnect",
            "terminate",
        ];
        let atexit_targets: Vec<String> = ix
            .calls
            .iter()
            .filter(|c| c.qualified.as_deref() == Some("atexit.register"))
            .filter_map(|c| {
                c.positional(0)
                    .and_then(|a| a.value.path())
                    .map(String::from)
            })
            .collect();
        for (sid, sc) in ix.scopes.iter().enumerate() {
            if sc.kind != ScopeKind::Function {
                continue;
            }
            let on_shutdown = sc.decorators.iter().any(|d| {
                let arg_shutdown = d.call.is_some_and(|id| {
                    ix.calls[id]
                        .positional(0)
                        .is_some_and(|a| a.value.as_str() == Some("shutdown"))
                });
                (d.text.ends_with("on_event") && arg_shutdown)
                    || d.text.ends_with("worker_shutdown.connect")
                    || d.text.ends_with("worker_process_shutdown.connect")
                    || d.qualified.as_deref() == Some("atexit.register")
            }) || atexit_targets.iter().any(|t| *t == sc.name);
            let is_lifespan = sc.name.contains("lifespan")
                && ix.has_decorator(
                    sid,
                    &["asynccontextmanager", "contextlib.asynccontextmanager"],
                );
            if !on_shutdown && !is_lifespan {
                continue;
            }
            let yield_at = ix
                .returns
                .iter()
                .filter(|r| r.scope == sid && r.is_yield)
                .map(|r| r.span.start_byte)
                .min()
                .unwrap_or(0);
            let closes = ix.calls.iter().find(|c| {
                ix.is_within(c.scope, sid)
                    && CLOSERS
                        .iter()
                        .any(|m| c.method == *m || c.method.starts_with(&format!("{m}_")))
                    && (!is_lifespan || c.span.start_byte > yield_at)
            });
            let Some(close) = closes else { continue };
            // A long hook is cut around its first close call (not its whole body).
            let before = fix::function_or_statement(ix, sid, &close.span);
            cx.report(
                &META,
                sc.name_span,
                sid,
                format!("shutdown hook `{}` closes clients", sc.name),
            )
            .with_fix(before.clone(), before);
        }
    }
}
