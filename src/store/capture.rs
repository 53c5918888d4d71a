//! The real code at a finding's place after it was fixed, so that a report can
//! show the real before and after.
//!
//! The place is found in the new source by the finding's enclosing scope: a
//! method's whole class when it is short (a fix often adds a sibling method,
//! e.g. `__exit__` next to `__enter__`), else the function itself; when the scope
//! is gone or is the module, the lines around the old position.

use crate::project::scan::module_name;
use crate::python::{self, ScopeKind};

const MAX_LINES: usize = 40;
const CONTEXT: usize = 4;

/// Returns (first line, code) of the place in `source`.
pub fn after_code(source: &str, path: &str, scope: &str, old_line: usize) -> (usize, String) {
    let lines: Vec<&str> = source.lines().collect();
    let cut = |from: usize, to: usize| -> (usize, String) {
        let from = from.max(1);
        let to = to.min(lines.len()).min(from + MAX_LINES - 1);
        if lines.is_empty() || from > to {
            return (from, String::new());
        }
        let mut s = lines[from - 1..to].join("\n");
        s.push('\n');
        (from, dedent(&s))
    };
    if !scope.is_empty() && scope != "<module>" {
        let (module, is_package) = module_name(path);
        if let Some(ix) = python::analyse(source.to_string(), &module, is_package) {
            // Among scopes of that name, the one closest to the old position.
            let found = ix
                .scopes
                .iter()
                .enumerate()
                .filter(|(_, s)| s.qualname == scope && s.kind != ScopeKind::Module)
                .min_by_key(|(_, s)| s.span.line.abs_diff(old_line))
                .map(|(i, _)| i);
            if let Some(id) = found {
                let sc = &ix.scopes[id];
                let mut span = sc.span;
                if let Some(p) = sc.parent {
                    let parent = &ix.scopes[p];
                    if parent.kind == ScopeKind::Class
                        && parent.span.end_line - parent.span.line < MAX_LINES
                    {
                        span = parent.span;
                    }
                }
                return cut(span.line, span.end_line);
            }
        }
    }
    cut(old_line.saturating_sub(CONTEXT), old_line + CONTEXT)
}

fn dedent(text: &str) -> String {
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out = String::new();
    for l in text.lines() {
        out.push_str(if l.len() >= indent {
            &l[indent..]
        } else {
            l.trim_start()
        });
        out.push('\n');
    }
    out
}
