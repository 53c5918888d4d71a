//! Resource lifecycle rules (RES).
use super::{fix, Rule, RuleMeta};
use crate::python::{AssignOp, Assignment, CallId, ModuleIndex, ScopeKind, Target};

pub mod res001_client_never_closed;
pub mod res002_client_per_call;
pub mod res003_resource_not_closed_on_error;
pub mod res004_context_manager_does_not_close;
pub mod res005_session_not_closed;
pub mod res006_client_not_closed_at_shutdown;
pub mod res007_incomplete_context_manager;
pub(crate) mod shutdown;

pub fn rules() -> Vec<&'static dyn Rule> {
    vec![
        &res001_client_never_closed::Res001,
        &res002_client_per_call::Res002,
        &res003_resource_not_closed_on_error::Res003,
        &res004_context_manager_does_not_close::Res004,
        &res005_session_not_closed::Res005,
        &res007_incomplete_context_manager::Res007,
    ]
}

/// Project-wide rules of this family.
pub fn project_rules() -> Vec<&'static RuleMeta> {
    vec![&res006_client_not_closed_at_shutdown::META]
}

/// The assignment binding call `cid` (possibly awaited) to a single local name of a
/// function: `conn = sqlite3.connect(p)`.
pub(crate) fn local_binding(ix: &ModuleIndex, cid: CallId) -> Option<(&Assignment, String)> {
    let a = ix.assignment_of_call(cid)?;
    if matches!(a.op, AssignOp::Augmented(_)) || a.targets.len() != 1 {
        return None;
    }
    let Target::Name(name) = &a.targets[0] else {
        return None;
    };
    let sc = &ix.scopes[a.scope];
    if sc.kind != ScopeKind::Function || sc.globals.contains(name) || sc.nonlocals.contains(name) {
        return None;
    }
    Some((a, name.clone()))
}

/// Before/after snippets that move the statements following assignment `a` into
/// `with {opener} as {name}:` and drop the `close()` calls listed in `closes`.
pub(crate) fn with_wrap_fix(
    ix: &ModuleIndex,
    a: &Assignment,
    name: &str,
    opener: &str,
    closes: &[CallId],
    is_async: bool,
) -> (String, String) {
    let kw = if is_async { "async with" } else { "with" };
    let tail: Vec<_> = ix
        .stmts
        .iter()
        .filter(|s| s.scope == a.scope && s.block == a.block && s.span.start_byte > a.span.end_byte)
        .collect();
    let tail_end = tail
        .iter()
        .map(|s| s.span.end_line)
        .max()
        .unwrap_or(a.span.end_line);
    let mut edits = vec![];
    let deletable: Vec<_> = closes
        .iter()
        .filter_map(|c| ix.statement_at(&ix.calls[*c].span))
        .filter(|s| s.scope == a.scope && s.block == a.block)
        .collect();
    let remaining = tail.len().saturating_sub(deletable.len());
    if remaining > 0 {
        for s in &deletable {
            edits.push(fix::LineOp::Delete {
                from: s.span.line,
                to: s.span.end_line,
            });
        }
    }
    let header = if tail.is_empty() {
        format!("{kw} {opener} as {name}:\n    ...")
    } else {
        format!("{kw} {opener} as {name}:")
    };
    edits.push(fix::LineOp::Replace {
        from: a.span.line,
        to: a.span.end_line,
        text: header,
    });
    edits.push(fix::LineOp::Shift {
        from: a.span.end_line + 1,
        to: tail_end,
        delta: 4,
    });
    let sc = &ix.scopes[a.scope];
    let (from, to) = if sc.span.end_line - sc.span.line < fix::MAX_LINES {
        (sc.span.line, sc.span.end_line)
    } else if tail_end - a.span.line < fix::MAX_LINES {
        (a.span.line, tail_end)
    } else {
        let before = fix::function_or_statement(ix, a.scope, &a.span);
        let after = format!("{kw} {opener} as {name}:\n    ...  # use `{name}` here\n");
        return (before, after);
    };
    (fix::lines(ix, from, to), fix::rewrite(ix, from, to, &edits))
}
