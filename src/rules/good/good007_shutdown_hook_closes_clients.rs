//! GOOD007 shutdown-hook-closes-clients (strength).
use crate::finding::{Kind, Severity};
use crate::rules::res::shutdown::closing_hooks;
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
        for hook in closing_hooks(ix) {
            let (sid, close) = (hook.scope, hook.close);
            let sc = &ix.scopes[sid];
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
