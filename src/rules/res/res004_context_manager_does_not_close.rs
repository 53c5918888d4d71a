//! RES004 context-manager-does-not-close.
use crate::finding::{Applicability, Kind, Severity};
use crate::python::known::resources::CONTEXT_MANAGER_KEEPS_OPEN;
use crate::python::{Span, Value};
use crate::rules::{fix, Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags `with sqlite3.connect(...) as conn:` and `with psycopg2.connect(...) as conn:`.

## Why is this bad?
The context manager of a `sqlite3` or `psycopg2` connection does not close the
connection: it only commits the transaction (or rolls it back on an exception). After
the `with` block the connection is still open, and each call of the function leaks one
connection (and its file descriptor or server socket) until the garbage collector
finalises it. Wrapping the connection in `with` is the fix often recommended for
such leaks, and it still leaks. (Seed 003 #1, #6, #7.)

## Example
```python
def create_policy(self, policy):
    with sqlite3.connect(self.db_path) as conn:
        conn.execute("INSERT INTO policies VALUES (?)", (policy,))
```

## Use instead
```python
from contextlib import closing

def create_policy(self, policy):
    with closing(sqlite3.connect(self.db_path)) as conn, conn:
        conn.execute("INSERT INTO policies VALUES (?)", (policy,))
```
`closing(...)` closes the connection; the second item `conn` keeps the
commit/rollback behaviour.

## Stays silent on
`with closing(sqlite3.connect(p)) as conn, conn:`; connections closed explicitly
later in the function or handed on (returned, stored); `psycopg` 3 and `duckdb`, whose
context managers close the connection.
"#;

pub static META: RuleMeta = RuleMeta {
    id: "RES004",
    name: "context-manager-does-not-close",
    kind: Kind::Finding,
    severity: Severity::Medium,
    summary: "`with sqlite3.connect()` / `with psycopg2.connect()` commits but never closes the connection",
    category: "resources",
    doc: DOC,
    effort_hours: 0.25,
};

pub struct Res004;

impl Rule for Res004 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        for w in &ix.withs {
            for item in &w.items {
                let Value::Call(cid) = item.value else {
                    continue;
                };
                let call = &ix.calls[cid];
                let Some(q) = call.qualified.as_deref() else {
                    continue;
                };
                if !CONTEXT_MANAGER_KEEPS_OPEN.contains(&q) {
                    continue;
                }
                if let Some(alias) = &item.alias {
                    let lc = ix.local_lifecycle(alias, w.scope, item.span.end_byte);
                    if lc.closed_in_finally
                        || lc.closed_in_handler
                        || !lc.plain_closes.is_empty()
                        || lc.with_managed
                        || lc.returned
                        || lc.yielded
                        || lc.stored
                        || lc.spawned
                        || lc.captured
                    {
                        continue;
                    }
                }
                let name = item.alias.clone().unwrap_or_else(|| "conn".to_string());
                let anchor = Span {
                    start_byte: w.span.start_byte,
                    end_byte: call.span.end_byte,
                    line: w.span.line,
                    column: w.span.column,
                    end_line: call.span.end_line,
                    end_column: call.span.end_column,
                };
                // Rewrite the header: `closing(CALL) as conn, conn`.
                let line_start = ix.source[..w.span.start_byte]
                    .rfind('\n')
                    .map(|p| p + 1)
                    .unwrap_or(0);
                let item_end_line = item.span.end_line;
                let line_end = ix.source[item.span.end_byte..]
                    .find('\n')
                    .map(|p| item.span.end_byte + p)
                    .unwrap_or(ix.source.len());
                let header = format!(
                    "{}closing({}) as {name}, {name}{}",
                    &ix.source[line_start..item.span.start_byte],
                    ix.text_of(&call.span),
                    &ix.source[item.span.end_byte..line_end]
                );
                let header = header.trim_start().trim_end_matches('\r').to_string();
                let edits = [fix::LineOp::Replace {
                    from: w.span.line,
                    to: item_end_line,
                    text: header,
                }];
                let (before, after) = if w.span.end_line - w.span.line < fix::MAX_LINES {
                    (
                        fix::lines(ix, w.span.line, w.span.end_line),
                        fix::rewrite(ix, w.span.line, w.span.end_line, &edits),
                    )
                } else {
                    let head_end = w.body.line.saturating_sub(1).max(item_end_line);
                    (
                        format!("{}    ...\n", fix::lines(ix, w.span.line, head_end)),
                        format!(
                            "{}    ...\n",
                            fix::rewrite(ix, w.span.line, head_end, &edits)
                        ),
                    )
                };
                let after = format!("from contextlib import closing\n\n{after}");
                let file_edits = fix::line_edits(ix, w.span.line, item_end_line, &edits);
                // The header's lines hold only the `with` (no `x = 1; with ...`).
                let editable = ix.source[fix::line_start(ix, w.span.line)..w.span.start_byte]
                    .trim()
                    .is_empty();
                let d = cx.report(
                    &META,
                    anchor,
                    w.scope,
                    format!(
                        "`with {q}(...){}:` only commits or rolls back: the connection is never closed",
                        item.alias
                            .as_ref()
                            .map(|a| format!(" as {a}"))
                            .unwrap_or_default()
                    ),
                )
                .with_fix(before, after);
                if editable {
                    d.with_edits(Applicability::Safe, file_edits).with_import(
                        ix,
                        "contextlib",
                        Some("closing"),
                    );
                }
            }
        }
    }
}
