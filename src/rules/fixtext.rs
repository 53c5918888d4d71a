//! Writing `after` snippets by splicing edits into the source of a line range.

use crate::python::{ModuleIndex, ScopeId, ScopeKind, Span};
use crate::rules::snippet;

/// Byte offset of the start of `line` (1-based); the source length past the end.
pub fn line_start(ix: &ModuleIndex, line: usize) -> usize {
    ix.line_start_byte(line)
}

/// The leading whitespace of `line`.
pub fn indent_of(ix: &ModuleIndex, line: usize) -> String {
    let t = ix.line_text(line);
    t[..t.len() - t.trim_start().len()].to_string()
}

/// The lines of the statement containing `span`.
pub fn stmt_lines(ix: &ModuleIndex, span: &Span) -> (usize, usize) {
    ix.statement_at(span)
        .map(|s| (s.span.line, s.span.end_line))
        .unwrap_or((span.line, span.end_line))
}

/// The enclosing function's lines when it fits in a snippet, else the lines of
/// the statement of `span`.
pub fn region(ix: &ModuleIndex, scope: ScopeId, span: &Span) -> (usize, usize) {
    let sc = &ix.scopes[scope];
    if sc.kind != ScopeKind::Module && sc.span.end_line - sc.span.line < snippet::MAX_LINES {
        return (sc.span.line, sc.span.end_line);
    }
    stmt_lines(ix, span)
}

/// One edit: replace source bytes `start..end` with `text`.
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

impl Edit {
    /// Inserts whole lines before `line`, indented like `line` plus `extra` spaces.
    pub fn insert_lines(ix: &ModuleIndex, line: usize, extra: usize, lines: &[String]) -> Edit {
        let at = line_start(ix, line);
        let ind = format!("{}{}", indent_of(ix, line), " ".repeat(extra));
        let text = lines
            .iter()
            .map(|l| format!("{ind}{l}\n"))
            .collect::<String>();
        Edit {
            start: at,
            end: at,
            text,
        }
    }

    /// Replaces lines `from..=to` with `lines`, indented like line `from`.
    pub fn replace_lines(ix: &ModuleIndex, from: usize, to: usize, lines: &[String]) -> Edit {
        let start = line_start(ix, from);
        let end = line_start(ix, to + 1);
        let ind = indent_of(ix, from);
        let text = lines
            .iter()
            .map(|l| format!("{ind}{l}\n"))
            .collect::<String>();
        Edit { start, end, text }
    }
}

/// The source of lines `from..=to` with `edits` applied (edits outside the range
/// are ignored, overlapping ones dropped), dedented.
pub fn splice(ix: &ModuleIndex, from: usize, to: usize, mut edits: Vec<Edit>) -> String {
    let start = line_start(ix, from);
    let end = line_start(ix, to + 1).min(ix.source.len());
    edits.retain(|e| e.start >= start && e.end <= end.max(start) && e.start <= e.end);
    edits.sort_by_key(|e| (e.start, e.end));
    let mut out = String::new();
    let mut pos = start;
    for e in edits {
        if e.start < pos {
            continue;
        }
        out.push_str(&ix.source[pos..e.start]);
        out.push_str(&e.text);
        pos = e.end;
    }
    out.push_str(&ix.source[pos..end]);
    snippet::dedent(&out)
}
