//! ERR002 swallowed-exception.
use crate::finding::{Applicability, Kind, Severity};
use crate::python::known::closing::CLEANUP_METHODS;
use crate::rules::fix::{self, Edit};
use crate::rules::{Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags a bare `except:`, `except Exception:` or `except BaseException:` whose body
only passes, continues or returns, without logging or re-raising.

Severity: **low** (see Precision; it was medium in `async def` code and inside
loops, where nobody else will ever see the error).

## Why is this bad?
Every failure, including programming errors (`TypeError`, `KeyError`), disappears
without a trace; the feature silently stops working and nobody knows why.
(Seed 000 MEDIUM-003.)

## Example
```python
async def _notify(self, event):
    try:
        await self.webhook.send(event)
    except Exception:
        pass
```

## Use instead
```python
async def _notify(self, event):
    try:
        await self.webhook.send(event)
    except Exception:
        logger.exception("webhook delivery failed")
```

## Not reported
Narrow exception types (`except FileNotFoundError: pass`, `except ImportError:`),
and best-effort cleanup: a `try` whose body only calls `close()`/`aclose()`/
`dispose()`/`shutdown()`/`cancel()`/`unlink()`/`remove()`.

## Precision
Measured on the ecosystem corpus (`scripts/ecosystem`, 20 real projects, test code skipped, 2026-11-23): 3 of 20 (15%) true positives in the labelled sample (`bench/ecosystem/labels.csv`). Below the target (80% for its `medium` severity). The severity stays the catalog's (it says the impact); the figure sets the confidence its findings start from, which the project model raises or lowers at each place (`src/rules/confidence.rs`, with the application sample of `bench/apps/`). Why it fell short: libraries swallow exceptions on purpose in best-effort paths (telemetry, SDK integrations, close and cleanup, documented fallbacks); the rule cannot tell a deliberate fallback from a lost error. Reported at `low` everywhere (it was `medium` in async code and loops).
"#;

pub static META: RuleMeta = RuleMeta {
    id: "ERR002",
    name: "swallowed-exception",
    kind: Kind::Finding,
    severity: Severity::Medium,
    summary: "a broad except whose body only passes/continues/returns: errors vanish",
    category: "errors",
    doc: DOC,
    effort_hours: 0.25,
};

pub struct Err002;

impl Rule for Err002 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        let loggers = ix.logger_paths(cx.settings.loggers);
        // Once per module, not once per handler (quadratic on generated modules).
        let assigns_self_logger = ix.assignments.iter().any(|a| {
            a.targets
                .iter()
                .any(|t| matches!(t, crate::python::Target::Attr(p) if p == "self.logger"))
        });
        for h in &ix.handlers {
            if !ix.is_broad_handler(h) || h.body_kinds.is_empty() {
                continue;
            }
            let only_silent = h.body_kinds.iter().all(|k| {
                matches!(
                    k.as_str(),
                    "pass_statement" | "continue_statement" | "return_statement"
                )
            });
            if !only_silent || h.exits.raises {
                continue;
            }
            // `return` values that log or call something are not silent.
            if ix.calls_within(h.scope, h.body).next().is_some() {
                continue;
            }
            let t = &ix.tries[h.try_id];
            let body_calls: Vec<_> = ix
                .calls_within(t.scope, t.body)
                .filter(|(_, c)| {
                    !matches!(
                        c.usage,
                        crate::python::CallUse::Argument(_) | crate::python::CallUse::Receiver
                    )
                })
                .collect();
            if !body_calls.is_empty()
                && body_calls
                    .iter()
                    .all(|(_, c)| CLEANUP_METHODS.contains(&c.method.as_str()))
            {
                continue;
            }
            let sc = &ix.scopes[h.scope];
            // The catalog's: medium in async code and loops (a swallowed error
            // there repeats or hides a dead task), low elsewhere.
            let severity = if sc.is_async || ix.inside(h.block, crate::python::BlockKind::Loop) {
                META.severity
            } else {
                Severity::Low
            };
            let self_logger = ix.enclosing_class(h.scope).is_some() && assigns_self_logger;
            let log = if loggers.contains("logger") {
                "logger"
            } else if self_logger {
                "self.logger"
            } else if let Some(l) = ["log", "_logger", "LOGGER"]
                .iter()
                .find(|l| loggers.contains(**l))
            {
                l
            } else {
                "logging"
            };
            let what = if h.is_bare() {
                "bare `except:`".to_string()
            } else {
                format!("`except {}`", h.types.join(", "))
            };
            let (from, to) = (t.span.line, t.span.end_line.min(t.span.line + 30));
            let mut edits = vec![];
            let header = ix.source[h.span.start_byte..h.body.start_byte].trim_end();
            let header = if h.is_bare() {
                header.replacen("except", "except Exception", 1)
            } else {
                header.to_string()
            };
            let msg = format!("{log}.exception(\"unexpected error in {}\")", sc.name);
            if h.body.line == h.span.line {
                edits.push(fix::replace_lines(
                    ix,
                    h.span.line,
                    h.span.end_line,
                    &[
                        header.trim_start().to_string(),
                        format!("    {msg}"),
                        format!("    {}", ix.text_of(&h.body).trim()),
                    ],
                ));
            } else {
                if h.is_bare() {
                    edits.push(Edit::replace(
                        h.span.start_byte..h.body.start_byte,
                        format!("{}\n{}", header, fix::indent_of(ix, h.body.line)),
                    ));
                    edits.push(Edit::insert(
                        h.body.start_byte,
                        format!("{msg}\n{}", fix::indent_of(ix, h.body.line)),
                    ));
                } else {
                    edits.push(fix::insert_lines(ix, h.body.line, 0, &[msg]));
                }
            }
            let d = cx
                .report(
                    &META,
                    h.span,
                    h.scope,
                    format!(
                        "{what} in `{}` swallows every error without logging it",
                        sc.name
                    ),
                )
                .with_severity(severity)
                .with_spliced_fix(ix, (from, to), edits, Applicability::Unsafe);
            if log == "logging" {
                d.with_import(ix, "logging", None);
            }
        }
    }
}
