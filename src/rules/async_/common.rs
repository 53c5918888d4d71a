//! Text helpers shared by the CONC and ASYNC fixes: re-indenting regions and
//! rewriting a function with one region replaced.

use crate::python::{ModuleIndex, ScopeId, ScopeKind, Span};
use crate::rules::snippet;

/// Leading spaces of a line.
pub fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Lines `from..=to` dedented (by their smallest indentation), with `add` spaces
/// added back.
pub fn reindent(ix: &ModuleIndex, from: usize, to: usize, add: usize) -> Vec<String> {
    let base = (from..=to)
        .map(|l| ix.line_text(l))
        .filter(|t| !t.trim().is_empty())
        .map(indent_of)
        .min()
        .unwrap_or(0);
    let pad = " ".repeat(add);
    (from..=to)
        .map(|l| {
            let t = ix.line_text(l);
            if t.trim().is_empty() {
                String::new()
            } else {
                let cut = indent_of(t).min(base);
                format!("{pad}{}", &t[cut..])
            }
        })
        .collect()
}

/// The code around a region: the enclosing function when it fits in the snippet
/// limit (with lines `from..=to` replaced by `replacement`, already indented
/// relative to line `from`), otherwise the region alone. Returns (before, after).
pub fn rewrite_region(
    ix: &ModuleIndex,
    scope: ScopeId,
    from: usize,
    to: usize,
    replacement: &[String],
    prefix: &str,
) -> (String, String) {
    let sc = &ix.scopes[scope];
    let whole_fn =
        sc.kind == ScopeKind::Function && sc.span.end_line - sc.span.line < snippet::MAX_LINES + 5;
    let (lo, hi) = if whole_fn {
        (sc.span.line, sc.span.end_line)
    } else {
        (from, to)
    };
    let region_indent = indent_of(ix.line_text(from));
    let mut before = vec![];
    let mut after = vec![];
    for l in lo..=hi {
        before.push(ix.line_text(l).to_string());
        if l < from || l > to {
            after.push(ix.line_text(l).to_string());
        } else if l == from {
            let pad = " ".repeat(region_indent);
            for r in replacement {
                if r.trim().is_empty() {
                    after.push(String::new());
                } else {
                    after.push(format!("{pad}{r}"));
                }
            }
        }
    }
    let before = snippet::dedent(&before.join("\n"));
    let after = format!("{prefix}{}", snippet::dedent(&after.join("\n")));
    (before, after)
}

/// The statement containing `span` (the smallest), its lines; for a compound
/// statement, its header lines only.
pub fn stmt_lines(ix: &ModuleIndex, span: &Span) -> (usize, usize, bool) {
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

/// The lock name to suggest for state `path`: `self._jobs` -> `self._jobs_lock`,
/// `_db_config` -> `_db_config_lock`, `cls._instance` -> `cls._instance_lock`.
pub fn lock_name_for(path: &str) -> String {
    format!("{path}_lock")
}
