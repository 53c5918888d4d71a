//! Cutting `before` snippets out of a module at statement or function boundaries,
//! and small text helpers for writing `after` snippets.

use crate::python::{ModuleIndex, ScopeId, ScopeKind, Span};

/// Longest `before` snippet, in lines.
pub const MAX_LINES: usize = 25;

/// Removes the common leading indentation of non-blank lines.
pub fn dedent(text: &str) -> String {
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out: Vec<&str> = text
        .lines()
        .map(|l| {
            if l.len() >= indent {
                &l[indent..]
            } else {
                l.trim_start()
            }
        })
        .collect();
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    let mut s = out.join("\n");
    s.push('\n');
    s
}

/// Indents every non-blank line by `n` spaces.
pub fn indent(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    text.lines()
        .map(|l| {
            if l.trim().is_empty() {
                String::new()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Whole lines `from..=to` (1-based), dedented.
pub fn lines(ix: &ModuleIndex, from: usize, to: usize) -> String {
    let text: Vec<&str> = (from..=to).map(|l| ix.line_text(l)).collect();
    dedent(&text.join("\n"))
}

/// The smallest statement containing `span`, as whole lines, cut to [`MAX_LINES`].
pub fn statement(ix: &ModuleIndex, span: &Span) -> String {
    let (from, to) = ix
        .statement_at(span)
        .map(|s| (s.span.line, s.span.end_line))
        .unwrap_or((span.line, span.end_line));
    lines(ix, from, to.min(from + MAX_LINES - 1))
}

/// The function (or class) that `scope` is, when it fits in [`MAX_LINES`];
/// otherwise the statement at `span` with its `def` line above it.
pub fn function_or_statement(ix: &ModuleIndex, scope: ScopeId, span: &Span) -> String {
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
pub fn line(ix: &ModuleIndex, span: &Span) -> String {
    dedent(ix.line_text(span.line))
}
