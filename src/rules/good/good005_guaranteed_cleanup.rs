//! GOOD005 guaranteed-cleanup (strength).
#[allow(unused_imports)]
use crate::finding::{Kind, Severity};
use crate::python::known::closing::FINALLY_RELEASE_METHODS;
use crate::python::known::resources::SELF_CLOSING_CONTEXT_MANAGERS;
#[allow(unused_imports)]
use crate::python::{BlockKind, ScopeKind, Target, TestKind, Value};
use crate::rules::{fix, Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Recognises a good pattern to preserve (a strength, reported without severity and
never counted against the health score): `close()`/`dispose()` in `finally`, or a resource opened in `with`.

## Why is this good?
The resource is released on every path, including exceptions and cancellation.

## Example
```python
conn = psycopg.connect(dsn)
try:
    run(conn)
finally:
    conn.close()
```

## Use instead
Keep it. When refactoring this code, preserve the pattern.

Strengths are listed in every seed report under "Excellent patterns, preserve these".
"#;

pub static META: RuleMeta = RuleMeta {
    id: "GOOD005",
    name: "guaranteed-cleanup",
    kind: Kind::Strength,
    severity: Severity::Info,
    summary: "guaranteed cleanup: close()/dispose() in finally, or a resource opened in with",
    category: "strength",
    doc: DOC,
    effort_hours: 0.0,
};

pub struct Good005;

impl Rule for Good005 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        for c in &ix.calls {
            if !FINALLY_RELEASE_METHODS.contains(&c.method.as_str()) || c.receiver_path().is_none()
            {
                continue;
            }
            if !ix.blocks_of(c.block).any(|b| b.kind == BlockKind::Finally) {
                continue;
            }
            let s = fix::statement(ix, &c.span);
            cx.report(
                &META,
                c.span,
                c.scope,
                format!(
                    "`{}` is released in `finally`",
                    c.receiver_path().unwrap_or("")
                ),
            )
            .with_fix(s.clone(), s);
        }
        for w in &ix.withs {
            let found = w.items.iter().find_map(|it| {
                let c = ix.call_value(&it.value)?;
                let q = c.qualified.as_deref()?;
                SELF_CLOSING_CONTEXT_MANAGERS.contains(&q).then_some(q)
            });
            let Some(q) = found else { continue };
            let s = fix::line(ix, &w.span);
            cx.report(
                &META,
                w.span,
                w.scope,
                format!("`{q}` is opened in `with`: closed on every path"),
            )
            .with_fix(s.clone(), s);
        }
    }
}
