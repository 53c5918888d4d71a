//! The lifecycle of a local resource: what a function does with a resource bound
//! to a local name after creating it (closes it in `finally` or a handler, hands
//! it on, returns it, stores it, captures it in a nested function).

use crate::python::known::closing::{CLOSE_METHODS, PROCESS_END_METHODS};
use crate::python::known::resources::{CLOSING_WRAPPERS, EXIT_STACK_ENTER_METHODS};
use crate::python::known::tasks::SPAWNERS;
use crate::python::model::*;
use crate::python::ModuleIndex;

/// What a function does with a resource bound to a local name after creating it.
#[derive(Debug, Default, Clone)]
pub(crate) struct Lifecycle {
    /// Used in `with closing(x)` / `ExitStack.enter_context(x)`.
    pub with_managed: bool,
    /// `with x:` on the bare object (its own context manager).
    pub bare_with: bool,
    /// `x.close()` (or another close method) in a `finally` block.
    pub closed_in_finally: bool,
    /// `x.close()` in an `except` handler.
    pub closed_in_handler: bool,
    /// Close calls elsewhere (not in `finally`/handlers), in order.
    pub plain_closes: Vec<CallId>,
    pub returned: bool,
    pub yielded: bool,
    /// Stored on an attribute, in a subscript, in a global, or aliased.
    pub stored: bool,
    /// Passed as an argument to a callee (other than `closing`/`enter_context`).
    pub passed: bool,
    /// Passed to a callee whose result is returned or stored (a wrapper owns it).
    pub passed_to_owner: bool,
    /// Passed to a task / thread spawner.
    pub spawned: bool,
    /// Referenced from a nested function or lambda.
    pub captured: bool,
}

impl ModuleIndex {
    fn value_mentions(v: &Value, name: &str) -> bool {
        match v {
            Value::Name(n) => n == name,
            Value::List(xs) | Value::Tuple(xs) | Value::Set(xs) => {
                xs.iter().any(|x| Self::value_mentions(x, name))
            }
            Value::Dict(kv) => kv.iter().any(|(_, x)| Self::value_mentions(x, name)),
            Value::Await(x) => Self::value_mentions(x, name),
            _ => false,
        }
    }

    /// What happens to the local `name` in `scope` after byte `after` (the end of the
    /// assignment that created it).
    pub(crate) fn local_lifecycle(&self, name: &str, scope: ScopeId, after: usize) -> Lifecycle {
        let mut lc = Lifecycle::default();
        let in_finally = |b: Option<BlockId>| self.inside(b, BlockKind::Finally);
        let in_handler = |b: Option<BlockId>| self.inside(b, BlockKind::Handler);
        // Close calls: `x.close()`.
        for c in self.calls.iter().filter(|c| c.span.start_byte >= after) {
            let m = c.method.as_str();
            if c.receiver_path() != Some(name)
                || !(CLOSE_METHODS.contains(&m) || PROCESS_END_METHODS.contains(&m))
            {
                continue;
            }
            if c.scope != scope {
                if self.is_within(c.scope, scope) {
                    lc.captured = true;
                }
                continue;
            }
            let id = self
                .calls
                .iter()
                .position(|x| std::ptr::eq(x, c))
                .unwrap_or(0);
            if in_finally(c.block) {
                lc.closed_in_finally = true;
            } else if in_handler(c.block) {
                lc.closed_in_handler = true;
            } else {
                lc.plain_closes.push(id);
            }
        }
        // `with x:`, `with closing(x)`.
        for w in self.withs.iter().filter(|w| w.span.start_byte >= after) {
            for it in &w.items {
                if it.value == Value::Name(name.to_string()) {
                    if w.scope == scope {
                        lc.bare_with = true;
                    } else if self.is_within(w.scope, scope) {
                        lc.captured = true;
                    }
                }
            }
        }
        // Bare references `x` (not `x.attr`, not `x.method()`).
        for l in self.loads_after(name, scope, after) {
            // `self.addCleanup(x.close)`, `atexit.register(x.close)`,
            // `stack.callback(x.close)`: the bound close method is handed to a
            // cleanup registry, which calls it on every path from there on. It
            // counts as a close at the registration: what runs between the open
            // and the registration is not covered.
            if l.scope == scope
                && l.path
                    .strip_prefix(name)
                    .and_then(|r| r.strip_prefix('.'))
                    .is_some_and(|m| CLOSE_METHODS.contains(&m))
            {
                if let Some(id) = self
                    .calls
                    .iter()
                    .position(|c| c.scope == scope && c.args.iter().any(|a| a.span == l.span))
                {
                    lc.plain_closes.push(id);
                    lc.plain_closes
                        .sort_by_key(|&i| self.calls[i].span.start_byte);
                    continue;
                }
            }
            if l.path != name {
                continue;
            }
            if l.scope != scope {
                lc.captured = true;
                continue;
            }
            let is_receiver = self.calls.iter().any(|c| {
                c.span.start_byte == l.span.start_byte
                    && c.receiver == Some(Value::Name(name.to_string()))
            });
            if is_receiver {
                continue;
            }
            // Innermost call whose argument holds the reference.
            let call = self
                .calls
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    c.scope == scope && c.args.iter().any(|a| a.span.contains(&l.span))
                })
                .min_by_key(|(_, c)| c.span.end_byte - c.span.start_byte);
            if let Some((_, c)) = call {
                let q = c.qualified.as_deref().unwrap_or("");
                if CLOSING_WRAPPERS.contains(&q)
                    || EXIT_STACK_ENTER_METHODS.contains(&c.method.as_str())
                {
                    lc.with_managed = true;
                    continue;
                }
                if SPAWNERS.contains(&c.method.as_str()) {
                    lc.spawned = true;
                    continue;
                }
                lc.passed = true;
                // The callee's result carries the resource on.
                if matches!(c.usage, CallUse::Returned | CallUse::Yielded) {
                    lc.passed_to_owner = true;
                }
            }
            if let Some(r) = self
                .returns
                .iter()
                .find(|r| r.scope == scope && r.span.contains(&l.span))
            {
                if r.is_yield {
                    lc.yielded = true;
                } else {
                    lc.returned = true;
                }
                continue;
            }
            if let Some(a) = self
                .assignments
                .iter()
                .filter(|a| a.scope == scope && a.span.contains(&l.span))
                .min_by_key(|a| a.span.end_byte - a.span.start_byte)
            {
                if a.span.start_byte == l.span.start_byte {
                    continue; // `x = ...` rebinding or `x.attr = ...`
                }
                let local_target = a.targets.iter().all(|t| match t {
                    Target::Name(n) => !self.scopes[scope].globals.contains(n),
                    _ => false,
                });
                let direct = a
                    .value
                    .as_ref()
                    .is_some_and(|v| Self::value_mentions(v, name));
                if !local_target {
                    lc.stored = true;
                    if call.is_some() {
                        lc.passed_to_owner = true;
                    }
                } else if direct {
                    lc.stored = true; // alias: not tracked
                }
            }
        }
        lc
    }
}
