//! The finishing pass: facts that need the whole module (how each handler exits,
//! which lock each `with` holds).

use super::Builder;
use crate::python::model::*;

impl Builder {
    /// Derived facts computed once the whole module is known.
    pub(super) fn finish(&mut self) {
        // Handler exits: raise/return/break/continue statements inside the handler
        // block (same scope).
        // The facts of each scope, so that each handler reads only its own scope's.
        let n_scopes = self.ix.scopes.len();
        let by_scope = |scopes: &mut dyn Iterator<Item = ScopeId>| {
            let mut out: Vec<Vec<usize>> = vec![vec![]; n_scopes];
            for (i, s) in scopes.enumerate() {
                out[s].push(i);
            }
            out
        };
        let (mut raises_of, mut returns_of, mut stmts_of) = if self.ix.handlers.is_empty() {
            (vec![], vec![], vec![])
        } else {
            (
                by_scope(&mut self.ix.raises.iter().map(|r| r.scope)),
                by_scope(&mut self.ix.returns.iter().map(|r| r.scope)),
                by_scope(&mut self.ix.stmts.iter().map(|s| s.scope)),
            )
        };
        // By start byte, so that each handler visits only what starts inside its
        // body (a scan of the scope's facts per handler was quadratic on modules
        // with thousands of top-level `try` statements).
        for ids in &mut raises_of {
            ids.sort_by_key(|&i| self.ix.raises[i].span.start_byte);
        }
        for ids in &mut returns_of {
            ids.sort_by_key(|&i| self.ix.returns[i].span.start_byte);
        }
        for ids in &mut stmts_of {
            ids.sort_by_key(|&i| self.ix.stmts[i].span.start_byte);
        }
        fn starting_in(ids: &[usize], start_of: impl Fn(usize) -> usize, body: Span) -> &[usize] {
            let first = ids.partition_point(|&i| start_of(i) < body.start_byte);
            let last = ids.partition_point(|&i| start_of(i) < body.end_byte);
            &ids[first..last.max(first)]
        }
        for hid in 0..self.ix.handlers.len() {
            let (scope, body) = (self.ix.handlers[hid].scope, self.ix.handlers[hid].body);
            let mut exits = Exits::default();
            let raises = starting_in(
                &raises_of[scope],
                |i| self.ix.raises[i].span.start_byte,
                body,
            );
            for r in raises.iter().map(|&i| &self.ix.raises[i]) {
                if r.scope == scope && body.contains(&r.span) {
                    exits.raises = true;
                }
            }
            let returns = starting_in(
                &returns_of[scope],
                |i| self.ix.returns[i].span.start_byte,
                body,
            );
            for r in returns.iter().map(|&i| &self.ix.returns[i]) {
                if r.scope == scope && !r.is_yield && body.contains(&r.span) {
                    exits.returns = true;
                }
            }
            let stmts = starting_in(&stmts_of[scope], |i| self.ix.stmts[i].span.start_byte, body);
            for s in stmts.iter().map(|&i| &self.ix.stmts[i]) {
                if s.scope == scope && body.contains(&s.span) {
                    match s.kind.as_str() {
                        "break_statement" => exits.breaks = true,
                        "continue_statement" => exits.continues = true,
                        _ => {}
                    }
                }
            }
            self.ix.handlers[hid].exits = exits;
        }
        let locks = self.ix.lock_paths();
        for w in &mut self.ix.withs {
            w.lock = w.items.iter().find_map(|i| {
                // `with lock:` / `async with self._lock:`; helper calls returning a
                // lock are not modelled.
                let p = i.value.path()?.to_string();
                let last = p.rsplit('.').next().unwrap_or(&p).to_ascii_lowercase();
                (locks.contains(&p) || last.contains("lock") || last.ends_with("mutex"))
                    .then_some(p)
            });
        }
    }
}
