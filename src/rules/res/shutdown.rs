//! The detector RES006 (client not closed at shutdown) and GOOD007 (shutdown
//! hook closes clients) share: which calls close a client, what a module closes,
//! and which of its functions are shutdown hooks that close something.

use crate::python::known::closing::CLIENT_CLOSE_VERBS as CLOSE_VERBS;
use crate::python::{Call, ModuleIndex, ScopeId, ScopeKind, Value};

/// How sure a close must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Closing {
    /// The verbs and `close_all`: RES006 takes the close as proof that the
    /// object named by the receiver is closed.
    Strict,
    /// Also `terminate` and helpers named `<verb>_...` (`close_redis()`):
    /// enough for GOOD007 to call a hook a closing one.
    Loose,
}

/// Whether a method called `method` closes its receiver.
pub(crate) fn closes(method: &str, how: Closing) -> bool {
    match how {
        Closing::Strict => CLOSE_VERBS.contains(&method) || method == "close_all",
        Closing::Loose => CLOSE_VERBS
            .iter()
            .chain(&["terminate"])
            .any(|m| method == *m || method.starts_with(&format!("{m}_"))),
    }
}

/// The last part of a dotted path.
pub(crate) fn last_segment(p: &str) -> &str {
    p.rsplit('.').next().unwrap_or(p)
}

fn closed_name(ix: &ModuleIndex, path: &str, scope: usize) -> String {
    let first = path.split('.').next().unwrap_or(path);
    if let Some(q) = ix.resolve(path, scope) {
        return q;
    }
    if ix.refers_to_global(first, scope) && ix.scopes[0].locals.iter().any(|l| l == first) {
        return format!("{}.{path}", ix.module_name);
    }
    last_segment(path).to_string()
}

/// Qualified names (or bare trailing names when unresolvable) of the objects a
/// module closes, sorted and without repeats.
pub(crate) fn closed_names(ix: &ModuleIndex) -> Vec<String> {
    let mut closed = vec![];
    for c in &ix.calls {
        if closes(&c.method, Closing::Strict) {
            if let Some(p) = c.receiver_path() {
                closed.push(closed_name(ix, p, c.scope));
                // `redis_client.connection_pool.disconnect()`
                if let Some((head, tail)) = p.rsplit_once('.') {
                    if matches!(tail, "connection_pool" | "pool" | "sync_engine") {
                        closed.push(closed_name(ix, head, c.scope));
                    }
                }
            }
        }
        // `atexit.register(client.close)`, `stack.push_async_callback(client.aclose)`.
        for a in &c.args {
            if let Some(p) = a.value.path() {
                if let Some((head, m)) = p.rsplit_once('.') {
                    if closes(m, Closing::Strict) {
                        closed.push(closed_name(ix, head, c.scope));
                    }
                }
            }
        }
    }
    // `async with client:`
    for w in &ix.withs {
        for it in &w.items {
            if let Some(p) = it.value.path() {
                closed.push(closed_name(ix, p, w.scope));
            }
        }
    }
    // `for c in (redis_client, http_client): await c.close()`
    for l in &ix.loops {
        let Some(Value::Tuple(xs) | Value::List(xs)) = &l.iter else {
            continue;
        };
        let closes_target = ix.calls.iter().any(|c| {
            l.body.contains(&c.span)
                && closes(&c.method, Closing::Strict)
                && c.receiver_path()
                    .is_some_and(|r| l.targets.iter().any(|t| t == r))
        });
        if closes_target {
            for x in xs {
                if let Some(p) = x.path() {
                    closed.push(closed_name(ix, p, l.scope));
                }
            }
        }
    }
    closed.sort();
    closed.dedup();
    closed
}

/// A shutdown hook (lifespan, `on_event("shutdown")`, `worker_shutdown`,
/// `atexit`) and its first call that closes something.
pub(crate) struct ClosingHook<'a> {
    pub(crate) scope: ScopeId,
    pub(crate) close: &'a Call,
}

/// The module's shutdown hooks that close something, in scope order. In a
/// lifespan only what runs after its `yield` counts.
pub(crate) fn closing_hooks(ix: &ModuleIndex) -> Vec<ClosingHook<'_>> {
    let atexit_targets: Vec<String> = ix
        .calls
        .iter()
        .filter(|c| c.qualified.as_deref() == Some("atexit.register"))
        .filter_map(|c| {
            c.positional(0)
                .and_then(|a| a.value.path())
                .map(String::from)
        })
        .collect();
    let mut out = vec![];
    for (sid, sc) in ix.scopes.iter().enumerate() {
        if sc.kind != ScopeKind::Function {
            continue;
        }
        let on_shutdown = sc.decorators.iter().any(|d| {
            let arg_shutdown = d.call.is_some_and(|id| {
                ix.calls[id]
                    .positional(0)
                    .is_some_and(|a| a.value.as_str() == Some("shutdown"))
            });
            (d.text.ends_with("on_event") && arg_shutdown)
                || d.text.ends_with("worker_shutdown.connect")
                || d.text.ends_with("worker_process_shutdown.connect")
                || d.qualified.as_deref() == Some("atexit.register")
        }) || atexit_targets.iter().any(|t| *t == sc.name);
        let is_lifespan = sc.name.contains("lifespan")
            && ix.has_decorator(
                sid,
                &["asynccontextmanager", "contextlib.asynccontextmanager"],
            );
        if !on_shutdown && !is_lifespan {
            continue;
        }
        let yield_at = ix
            .returns
            .iter()
            .filter(|r| r.scope == sid && r.is_yield)
            .map(|r| r.span.start_byte)
            .min()
            .unwrap_or(0);
        let close = ix.calls.iter().find(|c| {
            ix.is_within(c.scope, sid)
                && closes(&c.method, Closing::Loose)
                && (!is_lifespan || c.span.start_byte > yield_at)
        });
        if let Some(close) = close {
            out.push(ClosingHook { scope: sid, close });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_and_loose_closes() {
        // RES006's and GOOD007's lists before they shared this one.
        let res006: Vec<&str> = "close aclose dispose shutdown disconnect close_all"
            .split(' ')
            .collect();
        let good007: Vec<&str> = "close aclose dispose shutdown disconnect terminate"
            .split(' ')
            .collect();
        for m in [
            "close",
            "aclose",
            "close_all",
            "terminate",
            "close_redis",
            "closer",
            "stop",
        ] {
            assert_eq!(closes(m, Closing::Strict), res006.contains(&m), "{m}");
            let loose = good007
                .iter()
                .any(|v| m == *v || m.starts_with(&format!("{v}_")));
            assert_eq!(closes(m, Closing::Loose), loose, "{m}");
        }
    }
}
