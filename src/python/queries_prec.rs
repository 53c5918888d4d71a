//! Queries added for the precision review (false-positive classes seen on real
//! code).

use super::{BlockId, ModuleIndex, ScopeId, Span};

impl ModuleIndex {
    /// Whether `block` lies in the body of `with self.assertRaises(...)`,
    /// `with self.assertRaisesRegex(...)` or `with pytest.raises(...)`: the code
    /// there is expected to fail before it does its work (no task is started, no
    /// request is sent).
    pub fn in_expected_raise(&self, block: Option<BlockId>) -> bool {
        self.enclosing_withs(block).into_iter().any(|w| {
            self.withs[w].items.iter().any(|it| {
                self.call_value(&it.value).is_some_and(|c| {
                    matches!(c.method.as_str(), "assertRaises" | "assertRaisesRegex")
                        || c.qualified.as_deref() == Some("pytest.raises")
                })
            })
        })
    }
}

impl ModuleIndex {
    /// Like [`ModuleIndex::stmts_between`], but leaves out the `except` handlers of
    /// a `try` whose body ends with the statement at `from` (the open): those run
    /// only when the open itself failed, never between a successful open and the
    /// close (`try: p = Popen(...) except OSError: return` then `p.communicate()`).
    pub fn stmts_on_path_between(&self, scope: ScopeId, from: usize, to: usize) -> usize {
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
