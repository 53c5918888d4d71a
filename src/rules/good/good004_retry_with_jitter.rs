//! GOOD004 retry-with-jitter (strength).
use crate::finding::{Kind, Severity};
use crate::rules::resil::retry_delay::exponential_sleeps;
use crate::rules::{fix, Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Recognises a good pattern to preserve (a strength, reported without severity and
never counted against the health score): exponential backoff with a random component.

## Why is this good?
Exponential backoff gives a failing dependency room to recover, and jitter keeps clients from retrying in synchronised waves.

## Example
```python
base_delay = 2 ** attempt
jitter = random.uniform(0, base_delay * 0.5)
await asyncio.sleep(base_delay + jitter)
```

## Use instead
Keep it. When refactoring this code, preserve the pattern.

Strengths are listed in every seed report under "Excellent patterns, preserve these".
"#;

pub static META: RuleMeta = RuleMeta {
    id: "GOOD004",
    name: "retry-with-jitter",
    kind: Kind::Strength,
    severity: Severity::Info,
    summary: "retries with exponential backoff and random jitter",
    category: "strength",
    doc: DOC,
    effort_hours: 0.0,
};

pub struct Good004;

impl Rule for Good004 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        for sleep in exponential_sleeps(ix, false) {
            if !sleep.profile.random {
                continue;
            }
            let c = sleep.call;
            let s = fix::statement(ix, &c.span);
            cx.report(
                &META,
                c.span,
                c.scope,
                "exponential retry backoff with random jitter",
            )
            .with_fix(s.clone(), s);
        }
    }
}
