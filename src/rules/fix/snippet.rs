//! Cutting `before` snippets out of a module at statement or function
//! boundaries.

use super::region::{statement_lines, MAX_LINES};
use super::text::{dedent, indent};
use crate::python::{ModuleIndex, ScopeId, ScopeKind, Span};

/// Whole lines `from..=to` (1-based), dedented.
pub(crate) fn lines(ix: &ModuleIndex, from: usize, to: usize) -> String {
    let text: Vec<&str> = (from..=to).map(|l| ix.line_text(l)).collect();
    dedent(&text.join("\n"))
}

/// The smallest statement containing `span`, as whole lines, cut to [`MAX_LINES`].
pub(crate) fn statement(ix: &ModuleIndex, span: &Span) -> String {
    let (from, to) = statement_lines(ix, span);
    lines(ix, from, to.min(from + MAX_LINES - 1))
}

/// The function (or class) that `scope` is, when it fits in [`MAX_LINES`];
/// otherwise the statement at `span` with its `def` line above it.
pub(crate) fn function_or_statement(ix: &ModuleIndex, scope: ScopeId, span: &Span) -> String {
    let sc = &ix.scopes[scope];
    if sc.kind == ScopeKind::Module {
        return statement(ix, span);
    }
    if sc.span.end_line - sc.span.line < MAX_LINES {
        return lines(ix, sc.span.line, sc.span.end_line);
    }
    let header = ix.line_text(sc.name_span.line).to_string();
    let stmt = ix.statement_at(span).map(|s| s.span).unwrap_or(*span);
    let body: Vec<&str> = (stmt.line..=stmt.end_line.min(stmt.line + MAX_LINES - 3))
        .map(|l| ix.line_text(l))
        .collect();
    let base = header.len() - header.trim_start().len();
    let body_text = dedent(&body.join("\n"));
    format!(
        "{}\n{}    ...\n",
        header[base..].trim_end(),
        indent(&body_text, 4)
    )
}

/// The line containing `span`, dedented (for one-line snippets).
pub(crate) fn line(ix: &ModuleIndex, span: &Span) -> String {
    dedent(ix.line_text(span.line))
}
