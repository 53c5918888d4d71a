//! GOOD003 double-checked-locking (strength).
#[allow(unused_imports)]
use crate::finding::{Kind, Severity};
#[allow(unused_imports)]
use crate::python::{BlockKind, ScopeKind, Target, TestKind, Value};
use crate::rules::{fix, Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Recognises a good pattern to preserve (a strength, reported without severity and
never counted against the health score): check, lock, re-check, initialise (threading or asyncio lock).

## Why is this good?
The fast path skips the lock once initialised, and the re-check under the lock guarantees the initialiser runs once even when threads or coroutines race.

## Example
```python
if _engine is None:
    with _engine_lock:
        if _engine is None:
            _engine = create_engine(url)
```

## Use instead
Keep it. When refactoring this code, preserve the pattern.

Strengths are listed in every seed report under "Excellent patterns, preserve these".
"#;

pub static META: RuleMeta = RuleMeta {
    id: "GOOD003",
    name: "double-checked-locking",
    kind: Kind::Strength,
    severity: Severity::Info,
    summary: "double-checked locking around a lazy initialisation",
    category: "strength",
    doc: DOC,
    effort_hours: 0.0,
};

pub struct Good003;

impl Rule for Good003 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        for outer in &ix.ifs {
            let paths: Vec<&str> = outer
                .tests
                .iter()
                .filter(|t| {
                    matches!(
                        t.kind,
                        TestKind::IsNone | TestKind::Falsy | TestKind::NotContains(_)
                    )
                })
                .map(|t| t.path.as_str())
                .collect();
            if paths.is_empty() {
                continue;
            }
            let locked = ix.withs.iter().find(|w| {
                w.scope == outer.scope && w.lock.is_some() && outer.body.contains(&w.span)
            });
            let Some(w) = locked else { continue };
            let rechecked = ix.ifs.iter().any(|inner| {
                inner.scope == outer.scope
                    && w.body.contains(&inner.span)
                    && inner.tests.iter().any(|t| paths.contains(&t.path.as_str()))
            });
            if !rechecked {
                continue;
            }
            let s = fix::statement(ix, &outer.span);
            cx.report(
                &META,
                outer.test_span,
                outer.scope,
                format!(
                    "double-checked locking of `{}` under `{}`",
                    paths[0],
                    w.lock.as_deref().unwrap_or("lock")
                ),
            )
            .with_fix(s.clone(), s);
        }
    }
}
