//! Which lines a snippet shows: a statement, the header of a compound
//! statement, or the enclosing function when it is short enough.

use crate::python::{ModuleIndex, ScopeId, ScopeKind, Span};

/// Longest `before` snippet, in lines.
pub(crate) const MAX_LINES: usize = 25;

/// The lines of the smallest statement containing `span`.
pub(crate) fn statement_lines(ix: &ModuleIndex, span: &Span) -> (usize, usize) {
    ix.statement_at(span)
        .map(|s| (s.span.line, s.span.end_line))
        .unwrap_or((span.line, span.end_line))
}

/// The enclosing function's lines when it fits in a snippet, else the lines of
/// the statement of `span`.
pub(crate) fn region(ix: &ModuleIndex, scope: ScopeId, span: &Span) -> (usize, usize) {
    let sc = &ix.scopes[scope];
    if sc.kind != ScopeKind::Module && sc.span.end_line - sc.span.line < MAX_LINES {
        return (sc.span.line, sc.span.end_line);
    }
    statement_lines(ix, span)
}

/// The statement containing `span` (the smallest), its lines; for a compound
/// statement, its header lines only (then the flag is set).
pub(crate) fn statement_head_lines(ix: &ModuleIndex, span: &Span) -> (usize, usize, bool) {
    let Some(i) = ix.statement_index_at(span) else {
        return (span.line, span.end_line, false);
    };
    let st = &ix.stmts[i];
    // The first nested statement starts the body of a compound statement. The
    // nested statements follow `st` (pre-order), by start: the first one on a
    // later line is the smallest line.
    let body_line = if ix.stmts_in_preorder() {
        ix.stmts[i + 1..]
            .iter()
            .take_while(|s| st.span.contains(&s.span))
            .find(|s| s.span.line > st.span.line)
            .map(|s| s.span.line)
    } else {
        ix.stmts
            .iter()
            .filter(|s| st.span.contains(&s.span) && s.span.line > st.span.line)
            .map(|s| s.span.line)
            .min()
    };
    match body_line {
        Some(b) if b > st.span.line && span.end_line < b => (st.span.line, b - 1, true),
        Some(_) => (span.line, span.end_line, false),
        None => (st.span.line, st.span.end_line, false),
    }
}
