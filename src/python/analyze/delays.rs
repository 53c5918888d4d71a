//! What paces a loop: sleep calls, calls that block until something happens,
//! and what a delay expression is made of (exponential? random? opaque?).

use std::collections::HashSet;

use crate::python::known::blocking::{BLOCKING_WAIT_METHODS, SLEEPS};
use crate::python::known::pure::DELAY_NEUTRAL_CALLS;
use crate::python::model::*;
use crate::python::ModuleIndex;

/// What a delay expression (the argument of a `sleep`) is made of, following the
/// local names it reads to their assignments in the same function.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DelayProfile {
    /// `2 ** n`, `1 << n`, `pow(2, n)`, or a name doubled (`d *= 2`, `d = min(d * 2, c)`).
    pub exponential: bool,
    /// A `random.*` / `secrets.*` call.
    pub random: bool,
    /// A call we cannot see through (a helper that may add jitter or back off).
    pub opaque: bool,
}

impl DelayProfile {
    /// A delay that neither grows nor depends on anything we cannot see.
    pub(crate) fn constant(&self) -> bool {
        !self.exponential && !self.random && !self.opaque
    }
}

impl ModuleIndex {
    pub(crate) fn is_sleep(&self, call: &Call) -> bool {
        call.qualified
            .as_deref()
            .is_some_and(|q| SLEEPS.contains(&q))
    }

    /// A call that blocks until something happens (and so paces a loop):
    /// `await queue.get()`, `queue.get(timeout=1)`, `event.wait(5)`, `sock.recv()`,
    /// `redis.brpop(...)`, `select.select(...)`.
    pub(crate) fn is_blocking_wait(&self, call: &Call) -> bool {
        let m = call.method.as_str();
        if BLOCKING_WAIT_METHODS.contains(&m) && call.receiver.is_some() {
            return true;
        }
        if call.qualified.as_deref() == Some("select.select") {
            return true;
        }
        if m == "poll" && call.receiver.is_some() && !call.args.is_empty() {
            return true;
        }
        if m == "get" && call.receiver.is_some() {
            return call.awaited
                || call.keyword("timeout").is_some()
                || call.keyword("block").is_some()
                || call.args.is_empty();
        }
        false
    }

    /// What the expression at `span` (in `scope`) is made of: see [`DelayProfile`].
    pub(crate) fn delay_profile(&self, scope: ScopeId, span: Span) -> DelayProfile {
        let mut p = DelayProfile::default();
        let mut seen: HashSet<String> = HashSet::new();
        let mut work: Vec<(Span, ScopeId, usize)> = vec![(span, scope, 0)];
        while let Some((sp, sc, depth)) = work.pop() {
            for b in self
                .binops
                .iter()
                .filter(|b| b.scope == sc && sp.contains(&b.span))
            {
                if b.op == "**" || b.op == "<<" {
                    p.exponential = true;
                }
            }
            for (_, c) in self.calls_within(sc, sp) {
                let q = c.qualified.as_deref().unwrap_or("");
                if q.starts_with("random.")
                    || q.starts_with("secrets.")
                    || q.starts_with("numpy.random.")
                {
                    p.random = true;
                } else if q == "pow" || q == "math.pow" {
                    p.exponential = true;
                } else if DELAY_NEUTRAL_CALLS.contains(&q) || q.starts_with("math.") {
                } else {
                    p.opaque = true;
                }
            }
            if depth >= 4 {
                continue;
            }
            for l in self
                .loads
                .iter()
                .filter(|l| l.scope == sc && sp.contains(&l.span))
            {
                for key in [l.path.as_str(), l.name.as_str()] {
                    if key == "self" || key == "cls" || !seen.insert(key.to_string()) {
                        continue;
                    }
                    // Assignments of that name in the function, else at module level.
                    let mut found = false;
                    for target_scope in [sc, 0] {
                        if found {
                            break;
                        }
                        for a in self.assignments.iter().filter(|a| a.scope == target_scope) {
                            let hit = a.targets.iter().any(|t| match t {
                                Target::Name(n) | Target::Attr(n) => n == key,
                                _ => false,
                            });
                            if !hit {
                                continue;
                            }
                            found = true;
                            if let AssignOp::Augmented(op) = &a.op {
                                if op == "*=" || op == "<<=" || op == "**=" {
                                    p.exponential = true;
                                }
                            }
                            // `d = d * 2`, `d = min(d * 2, cap)`: doubled in place.
                            if self.binops.iter().any(|b| {
                                b.scope == target_scope
                                    && b.op == "*"
                                    && a.span.contains(&b.span)
                                    && (b.left.path() == Some(key) || b.right.path() == Some(key))
                            }) {
                                p.exponential = true;
                            }
                            if let Some(v) = &a.value {
                                if !matches!(a.op, AssignOp::Augmented(_)) || !v.is_constant() {
                                    work.push((a.span, target_scope, depth + 1));
                                }
                            }
                        }
                    }
                }
            }
        }
        p
    }
}
