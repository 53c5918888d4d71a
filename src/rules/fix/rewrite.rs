//! Writing `after` snippets: a window of whole lines of the source with edits
//! applied, dedented.

use super::edit::{apply_within, tidy, Edit};
use super::lines::{line_edits, line_start, lines_range, LineOp};
use super::region::MAX_LINES;
use super::snippet::lines;
use super::text::{dedent, indent_width, pad_lines, Blank};
use crate::python::{ModuleIndex, ScopeId, ScopeKind};

/// The source of lines `from..=to` with `edits` applied (edits outside the range
/// are ignored, overlapping ones dropped), dedented.
pub(crate) fn splice(ix: &ModuleIndex, from: usize, to: usize, edits: Vec<Edit>) -> String {
    let start = line_start(ix, from);
    let window = start..line_start(ix, to + 1).min(ix.source.len()).max(start);
    let edits = tidy(&ix.source, edits, &window);
    let text = apply_within(&ix.source, window, &edits).expect("tidy keeps applicable edits");
    dedent(&text)
}

/// Lines `from..=to` rewritten by line operations, dedented.
pub(crate) fn rewrite(ix: &ModuleIndex, from: usize, to: usize, ops: &[LineOp]) -> String {
    splice(ix, from, to, line_edits(ix, from, to, ops))
}

/// The code around a region: the enclosing function when it fits in the snippet
/// limit (with lines `from..=to` replaced by `replacement`, already indented
/// relative to line `from`), otherwise the region alone. Returns (before, after),
/// `after` starting with `prefix`.
pub(crate) fn rewrite_region(
    ix: &ModuleIndex,
    scope: ScopeId,
    from: usize,
    to: usize,
    replacement: &[String],
    prefix: &str,
) -> (String, String) {
    let sc = &ix.scopes[scope];
    let whole_fn =
        sc.kind == ScopeKind::Function && sc.span.end_line - sc.span.line < MAX_LINES + 5;
    let (lo, hi) = if whole_fn {
        (sc.span.line, sc.span.end_line)
    } else {
        (from, to)
    };
    // Spaces, one per whitespace character of line `from`, as CONC and ASYNC
    // always wrote them.
    let region_pad = " ".repeat(indent_width(ix.line_text(from)));
    let text = pad_lines(&region_pad, replacement, Blank::Empty);
    let edit = Edit::replace(lines_range(ix, from, to), text);
    let before = lines(ix, lo, hi);
    let after = format!("{prefix}{}", splice(ix, lo, hi, vec![edit]));
    (before, after)
}
