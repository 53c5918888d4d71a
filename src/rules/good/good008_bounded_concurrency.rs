//! GOOD008 bounded-concurrency (strength).
#[allow(unused_imports)]
use crate::finding::{Kind, Severity};
use crate::python::known::locks::CONCURRENCY_LIMITERS;
use crate::python::known::tasks::WORKER_POOLS;
#[allow(unused_imports)]
use crate::python::{BlockKind, ScopeKind, Target, TestKind, Value};
use crate::rules::{fix, Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Recognises a good pattern to preserve (a strength, reported without severity and
never counted against the health score): `asyncio.Semaphore` / bounded pools limiting fan-out.

## Why is this good?
At most N operations run at once however large the input: sockets, memory and the peer's capacity are protected.

## Example
```python
sem = asyncio.Semaphore(10)

async def fetch(url):
    async with sem:
        return await client.get(url)
```

## Use instead
Keep it. When refactoring this code, preserve the pattern.

Strengths are listed in every seed report under "Excellent patterns, preserve these".
"#;

pub static META: RuleMeta = RuleMeta {
    id: "GOOD008",
    name: "bounded-concurrency",
    kind: Kind::Strength,
    severity: Severity::Info,
    summary: "bounded concurrency: a semaphore or bounded pool limits fan-out",
    category: "strength",
    doc: DOC,
    effort_hours: 0.0,
};

pub struct Good008;

impl Rule for Good008 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        for a in &ix.assignments {
            let Some(c) = a.value.as_ref().and_then(|v| ix.call_value(v)) else {
                continue;
            };
            let q = c.qualified.as_deref().unwrap_or("");
            let names: Vec<String> = a
                .targets
                .iter()
                .filter_map(|t| match t {
                    Target::Name(n) => Some(n.clone()),
                    Target::Attr(p) => Some(p.clone()),
                    _ => None,
                })
                .collect();
            let recognised = if CONCURRENCY_LIMITERS.contains(&q) {
                // Used to limit something: `async with sem:` / `with sem:`.
                ix.withs.iter().any(|w| {
                    w.items.iter().any(|it| {
                        it.value.path().is_some_and(|p| {
                            names.iter().any(|n| {
                                p == n
                                    || p == format!("self.{n}")
                                    || n.strip_prefix("self.") == Some(p)
                            })
                        })
                    })
                })
            } else if WORKER_POOLS.contains(&q) {
                c.keyword("max_workers").is_some() || c.positional(0).is_some()
            } else {
                false
            };
            if !recognised {
                continue;
            }
            let s = fix::statement(ix, &c.span);
            cx.report(
                &META,
                c.span,
                c.scope,
                format!(
                    "`{}` bounds concurrency",
                    names.first().cloned().unwrap_or_default()
                ),
            )
            .with_fix(s.clone(), s);
        }
    }
}
