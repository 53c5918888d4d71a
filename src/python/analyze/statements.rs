//! Statements: the innermost statement around a span (from the pre-order the
//! index records them in), how many statements run between two points (on the
//! path from an open to a close).

use crate::python::model::*;
use crate::python::ModuleIndex;

impl ModuleIndex {
    /// The smallest statement in `scope` that contains `span`, as a span.
    pub(crate) fn statement_at(&self, span: &Span) -> Option<&Stmt> {
        self.statement_index_at(span).map(|i| &self.stmts[i])
    }

    /// Whether `stmts` is in pre-order (each statement's nested statements
    /// follow it), as the index records them.
    pub(crate) fn stmts_in_preorder(&self) -> bool {
        self.scope_tables().stmt_parents.is_some()
    }

    /// The index in `stmts` of [`Self::statement_at`]'s statement.
    ///
    /// Statements are recorded in pre-order, so the candidates start at or before
    /// `span`, and the innermost one containing it is found by walking up the
    /// statement tree from the last statement starting there (instead of a scan
    /// of every statement per question, quadratic on generated modules).
    pub(crate) fn statement_index_at(&self, span: &Span) -> Option<usize> {
        let Some(parents) = self.scope_tables().stmt_parents.as_ref() else {
            // Not in pre-order (never seen; kept correct rather than fast).
            return self
                .stmts
                .iter()
                .enumerate()
                .filter(|(_, s)| s.span.contains(span))
                .min_by_key(|(_, s)| s.span.end_byte - s.span.start_byte)
                .map(|(i, _)| i);
        };
        let after = self
            .stmts
            .partition_point(|s| s.span.start_byte <= span.start_byte);
        let mut cur = after.checked_sub(1);
        while let Some(i) = cur {
            if self.stmts[i].span.contains(span) {
                break;
            }
            cur = parents[i];
        }
        let mut i = cur?;
        // Equal spans: the outermost one, as the first of the smallest.
        let size = |i: usize| self.stmts[i].span.end_byte - self.stmts[i].span.start_byte;
        while let Some(p) = parents[i] {
            if size(p) != size(i) {
                break;
            }
            i = p;
        }
        Some(i)
    }

    /// The number of statements of `scope` that start strictly between two offsets.
    pub(crate) fn stmts_between(&self, scope: ScopeId, from: usize, to: usize) -> usize {
        self.stmts
            .iter()
            .filter(|s| s.scope == scope && s.span.start_byte >= from && s.span.start_byte < to)
            .count()
    }

    /// Like [`ModuleIndex::stmts_between`], but leaves out the `except` handlers of
    /// a `try` whose body ends with the statement at `from` (the open): those run
    /// only when the open itself failed, never between a successful open and the
    /// close (`try: p = Popen(...) except OSError: return` then `p.communicate()`).
    pub(crate) fn stmts_on_path_between(&self, scope: ScopeId, from: usize, to: usize) -> usize {
        let skipped: Vec<Span> = self
            .handlers
            .iter()
            .filter(|h| h.scope == scope)
            .filter(|h| {
                let t = &self.tries[h.try_id];
                t.body.start_byte < from
                    && from <= t.body.end_byte
                    && self.stmts_between(scope, from, t.body.end_byte) == 0
            })
            .map(|h| h.span)
            .collect();
        self.stmts
            .iter()
            .filter(|s| s.scope == scope && s.span.start_byte >= from && s.span.start_byte < to)
            .filter(|s| !skipped.iter().any(|h| h.contains(&s.span)))
            .count()
    }
}

/// The enclosing statement of each statement, from their pre-order (a stack of
/// the open statements); `None` when some statement starts before the previous
/// one or overlaps it without nesting.
pub(super) fn stmt_parents(stmts: &[Stmt]) -> Option<Vec<Option<usize>>> {
    let mut parents = Vec::with_capacity(stmts.len());
    let mut open: Vec<usize> = vec![];
    for (i, s) in stmts.iter().enumerate() {
        if i > 0 && s.span.start_byte < stmts[i - 1].span.start_byte {
            return None;
        }
        while let Some(&top) = open.last() {
            let t = &stmts[top].span;
            if t.contains(&s.span) {
                break;
            }
            if t.end_byte > s.span.start_byte {
                return None; // overlapping without nesting
            }
            open.pop();
        }
        parents.push(open.last().copied());
        open.push(i);
    }
    Some(parents)
}
