//! GOOD006 task-error-callback (strength).
#[allow(unused_imports)]
use crate::finding::{Kind, Severity};
#[allow(unused_imports)]
use crate::python::{BlockKind, ScopeKind, Target, TestKind, Value};
use crate::rules::{fix, Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Recognises a good pattern to preserve (a strength, reported without severity and
never counted against the health score): a done-callback that inspects `task.exception()` and logs it.

## Why is this good?
A background task's exception is otherwise only reported when the task is garbage collected (or never); the callback surfaces it immediately.

## Example
```python
def _on_done(task):
    if not task.cancelled() and task.exception():
        logger.error("task failed", exc_info=task.exception())
```

## Use instead
Keep it. When refactoring this code, preserve the pattern.

Strengths are listed in every seed report under "Excellent patterns, preserve these".
"#;

pub static META: RuleMeta = RuleMeta {
    id: "GOOD006",
    name: "task-error-callback",
    kind: Kind::Strength,
    severity: Severity::Info,
    summary: "a done-callback that retrieves and logs task exceptions",
    category: "strength",
    doc: DOC,
    effort_hours: 0.0,
};

pub struct Good006;

impl Rule for Good006 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        let loggers = ix.logger_paths(cx.settings.loggers);
        // Scopes holding a `x.exception()` call: the only candidates (saves a scan
        // of every call for every function).
        let mut has_exception_call = vec![false; ix.scopes.len()];
        for c in &ix.calls {
            if c.method == "exception" && c.args.is_empty() {
                has_exception_call[c.scope] = true;
            }
        }
        for (sid, sc) in ix.scopes.iter().enumerate() {
            if sc.kind != ScopeKind::Function || sc.params.is_empty() || !has_exception_call[sid] {
                continue;
            }
            let params: Vec<&str> = sc.params.iter().map(|p| p.name.as_str()).collect();
            let inspects = ix.calls.iter().any(|c| {
                c.scope == sid
                    && c.method == "exception"
                    && c.args.is_empty()
                    && c.receiver_path().is_some_and(|r| params.contains(&r))
            });
            let logs = ix
                .calls
                .iter()
                .any(|c| ix.is_within(c.scope, sid) && ix.is_logger_call(c, &loggers));
            if !inspects || !logs {
                continue;
            }
            let before = fix::function_or_statement(ix, sid, &sc.name_span);
            cx.report(
                &META,
                sc.name_span,
                sid,
                format!("`{}` inspects `task.exception()` and logs it", sc.name),
            )
            .with_fix(before.clone(), before);
        }
    }
}
