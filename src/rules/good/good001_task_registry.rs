//! GOOD001 task-registry (strength).
#[allow(unused_imports)]
use crate::finding::{Kind, Severity};
#[allow(unused_imports)]
use crate::python::{BlockKind, ScopeKind, Target, TestKind, Value};
use crate::rules::{fix, Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Recognises a good pattern to preserve (a strength, reported without severity and
never counted against the health score): `create_task` results kept in a set with `add_done_callback(set.discard)`.

## Why is this good?
The event loop keeps only weak references to tasks; a strong reference in a set that the task removes itself from when done keeps fire-and-forget tasks alive without leaking them.

## Example
```python
tasks = set()

def spawn(coro):
    task = asyncio.create_task(coro)
    tasks.add(task)
    task.add_done_callback(tasks.discard)
```

## Use instead
Keep it. When refactoring this code, preserve the pattern.

Strengths are listed in every seed report under "Excellent patterns, preserve these".
"#;

pub static META: RuleMeta = RuleMeta {
    id: "GOOD001",
    name: "task-registry",
    kind: Kind::Strength,
    severity: Severity::Info,
    summary: "a task registry: `create_task` results added to a set and discarded when done",
    category: "strength",
    doc: DOC,
    effort_hours: 0.0,
};

pub struct Good001;

impl Rule for Good001 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        for c in &ix.calls {
            if c.method != "add_done_callback" {
                continue;
            }
            let Some(arg) = c.positional(0) else {
                continue;
            };
            // `add_done_callback(tasks.discard)` or `add_done_callback(lambda t: tasks.discard(t))`.
            let set: Option<String> = match &arg.value {
                Value::Lambda => ix
                    .calls
                    .iter()
                    .find(|d| d.method == "discard" && arg.span.contains(&d.span))
                    .and_then(|d| d.receiver_path().map(String::from)),
                v => v
                    .path()
                    .and_then(|p| p.strip_suffix(".discard"))
                    .map(String::from),
            };
            let Some(set) = set else {
                continue;
            };
            let set = set.as_str();
            let added = ix
                .calls
                .iter()
                .any(|a| a.method == "add" && a.receiver_path() == Some(set));
            if !added {
                continue;
            }
            let s = fix::statement(ix, &c.span);
            cx.report(
                &META,
                c.span,
                c.scope,
                format!("task registry `{set}`: tasks are kept alive and discarded when done"),
            )
            .with_fix(s.clone(), s);
        }
    }
}
