//! ERR001 error-log-without-traceback.
use crate::finding::{Applicability, Kind, Severity};
use crate::rules::fix::{self, Edit};
use crate::rules::{Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags `logger.error(...)` / `logger.critical(...)` inside an `except` handler without
`exc_info=`, on a logger object: a module logger (`logger = logging.getLogger(...)`,
structlog, `from loguru import logger`), `self.logger`, the `logging` module itself,
or a name configured in `loggers = [...]`.

## Why is this bad?
The message says that something failed, but the traceback (where, and why) is gone:
the incident cannot be diagnosed from the logs. (Seeds 000 MEDIUM-002, 002 #28.)

## Example
```python
try:
    sync_integration(job)
except Exception as e:
    logger.error("Failed: %s", e)
```

## Use instead
```python
try:
    sync_integration(job)
except Exception:
    logger.exception("Failed to sync integration")
```
(or `logger.error(..., exc_info=True)`).

## Not reported
Handlers that re-raise after logging (the traceback is logged by whoever handles it
next), `logger.exception(...)`, calls with `exc_info=`, and messages that include
`traceback.format_exc()`.

## Precision
Measured on the ecosystem corpus (`scripts/ecosystem`, 20 real projects, test code skipped, 2026-11-23): 6 of 20 (30%) true positives in the labelled sample (`bench/ecosystem/labels.csv`). Below the target (80% for its `medium` severity). The severity stays the catalog's (it says the impact); the figure sets the confidence its findings start from, which the project model raises or lowers at each place (`src/rules/confidence.rs`, with the application sample of `bench/apps/`). Why it fell short: most handlers that log without a traceback catch an expected operational error (a refused connection, a bind failure, a timeout) whose message is the diagnosis; broad `except Exception` handlers are the real cases.
"#;

pub static META: RuleMeta = RuleMeta {
    id: "ERR001",
    name: "error-log-without-traceback",
    kind: Kind::Finding,
    severity: Severity::Medium,
    summary: "logger.error/critical in an except handler without exc_info: the traceback is lost",
    category: "errors",
    doc: DOC,
    effort_hours: 0.1,
};

pub struct Err001;

impl Rule for Err001 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        let loggers = ix.logger_paths(cx.settings.loggers);
        for c in &ix.calls {
            if c.method != "error" && c.method != "critical" {
                continue;
            }
            if !ix.is_logger_call(c, &loggers) {
                continue;
            }
            let Some(hid) = ix.enclosing_handler(c.block) else {
                continue;
            };
            let h = &ix.handlers[hid];
            if h.exits.raises || c.keyword("exc_info").is_some() || c.has_star_kwargs() {
                continue;
            }
            let has_tb = ix.calls_within(c.scope, c.span).any(|(_, a)| {
                a.qualified
                    .as_deref()
                    .is_some_and(|q| q.starts_with("traceback.format_"))
            });
            if has_tb {
                continue;
            }
            let recv = c.receiver_path().unwrap_or("logger");
            let (from, to) = fix::statement_lines(ix, &c.span);
            // `error` becomes `exception` (the same level, with the traceback);
            // `critical` keeps its level and gets `exc_info=True`.
            let edit = if c.method == "error" {
                let callee_end = ix.source[c.span.start_byte..c.span.end_byte]
                    .find('(')
                    .map_or(c.span.start_byte, |i| c.span.start_byte + i);
                Edit::replace(c.span.start_byte..callee_end, format!("{recv}.exception"))
            } else {
                fix::insert_keyword(ix, &c.span, "exc_info=True")
            };
            let exc = h.name.clone().unwrap_or_else(|| "the exception".into());
            cx.report(
                &META,
                c.span,
                c.scope,
                format!(
                    "`{recv}.{}` in an `except` handler logs `{exc}` without its traceback",
                    c.method
                ),
            )
            .with_related(h.span, "the handler")
            .with_spliced_fix(ix, (from, to), vec![edit], Applicability::Safe);
        }
    }
}
