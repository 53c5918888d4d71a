//! RES001 client-never-closed.
use std::collections::HashSet;

use crate::finding::{Kind, Severity};
use crate::python::known::clients::pooled_client;
use crate::python::known::closing::{CLOSE_METHODS, CLOSING_METHOD_NAMES};
use crate::python::{CallId, CallUse, ModuleIndex, ScopeId, ScopeKind, Target};
use crate::rules::{fix, Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags a class that stores a pooled client on `self` (`httpx.Client`/`AsyncClient`,
`requests.Session`, `aiohttp.ClientSession`, `urllib3.PoolManager`, redis clients,
SQLAlchemy engines, or a class listed in `clients` in the configuration) that it
constructs itself, when neither the class nor a base class defined in the same
module closes it (`close`/`aclose`/`shutdown`/`dispose`/`__exit__`/`__aexit__`).

## Why is this bad?
A pooled client keeps sockets, TLS sessions and buffers open until it is closed.
Every instance of the class that is dropped without closing leaks its pool; in
workers that create such objects per task, file descriptors and memory grow until
the process fails. (Seed 001 #1.)

## Example
```python
class BaseAIClient:
    def __init__(self, settings=None):
        self._client = httpx.Client(timeout=30)
```

## Use instead
```python
class BaseAIClient:
    def __init__(self, settings=None):
        self._client = httpx.Client(timeout=30)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close()
```

## Stays silent on
Classes that close the attribute anywhere (`self._client.close()`, a close method
that reads `self._client`, `ExitStack.enter_context(self._client)`,
`atexit.register(self._client.close)`), clients passed in without a client type
annotation (owned by the caller), and classes with a base class defined in another
module (it may close the client).

## Limitations
Base classes from other modules are not visible, so their subclasses are skipped.

A client received as a constructor parameter is not reported, even when it is
annotated with a client type (seed 001 #1's `BaseAIClient(http_client:
httpx.Client)`): on 20 real projects (docs/ecosystem.md) nearly every such class
only borrows the client its caller owns and closes (rq's `Queue(connection:
Redis)`, redis-py's `Lock`/`Script`), so reporting them made the rule wrong 19
times out of 20. Ownership cannot be read from the signature; this is a
deliberate false negative.
"#;

pub static META: RuleMeta = RuleMeta {
    id: "RES001",
    name: "client-never-closed",
    kind: Kind::Finding,
    severity: Severity::Critical,
    summary: "a class stores a pooled client on self and never closes it",
    category: "resources",
    doc: DOC,
    effort_hours: 1.0,
};

/// The class and its base classes defined in this module; `None` when a base is
/// defined elsewhere (it may close the client).
fn class_family(ix: &ModuleIndex, class: ScopeId) -> Option<Vec<ScopeId>> {
    let mut out = vec![class];
    let mut i = 0;
    while i < out.len() {
        let c = out[i];
        i += 1;
        for b in &ix.scopes[c].bases {
            let Some(p) = b.path() else {
                return None;
            };
            if let Some(local) = ix.class_named(p) {
                if !out.contains(&local) && out.len() < 32 {
                    out.push(local);
                }
                continue;
            }
            let q = ix.resolve(p, c).unwrap_or_else(|| p.to_string());
            let harmless = q == "object"
                || q.starts_with("typing.")
                || q.starts_with("abc.")
                || q.starts_with("typing_extensions.");
            if !harmless {
                return None;
            }
        }
    }
    Some(out)
}

/// Whether the class family closes `self.X` (`attr` = `self.X`).
fn closes_attr(ix: &ModuleIndex, family: &[ScopeId], attr: &str) -> bool {
    let prefix = format!("{attr}.");
    let family_scopes = family.iter().flat_map(|c| ix.scope_and_descendants(*c));
    let family_calls = family_scopes.flat_map(|s| ix.calls_in(s).iter().map(|c| &ix.calls[*c]));
    for c in family_calls {
        if c.receiver_path()
            .is_some_and(|r| r == attr || r.starts_with(&prefix))
            && CLOSE_METHODS.contains(&c.method.as_str())
        {
            return true;
        }
        for a in &c.args {
            if let Some(p) = a.value.path() {
                if p == attr
                    && matches!(
                        c.method.as_str(),
                        "enter_context" | "enter_async_context" | "push" | "callback" | "closing"
                    )
                {
                    return true;
                }
                if let Some(m) = p.strip_prefix(&prefix) {
                    if CLOSE_METHODS.contains(&m) {
                        return true; // atexit.register(self._client.close)
                    }
                }
            }
        }
    }
    // A close-like method that touches the attribute.
    for &cls in family {
        for m in ix.methods_of(cls) {
            if !CLOSING_METHOD_NAMES.contains(&ix.scopes[m].name.as_str()) {
                continue;
            }
            let in_method = ix.scope_and_descendants(m);
            if in_method
                .iter()
                .flat_map(|s| ix.loads_in(*s))
                .any(|l| l.path == attr || l.path.starts_with(&prefix))
            {
                return true;
            }
        }
    }
    false
}

pub struct Res001;

impl Rule for Res001 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        let config_clients = cx.settings.clients;
        let client_of = |q: &str| -> Option<(&'static str, bool)> {
            pooled_client(q).or_else(|| {
                config_clients
                    .iter()
                    .any(|c| c == q)
                    .then_some(("close", false))
            })
        };
        for (cid, class) in ix.scopes.iter().enumerate() {
            if class.kind != ScopeKind::Class {
                continue;
            }
            let Some(family) = class_family(ix, cid) else {
                continue;
            };
            let mut reported = HashSet::new();
            for m in ix.methods_of(cid) {
                // The method's calls by start byte, to find those inside each
                // assignment without scanning them all for every assignment.
                let mut by_start: Vec<CallId> = ix.calls_in(m).to_vec();
                by_start.sort_by_key(|c| ix.calls[*c].span.start_byte);
                for a in ix.assignments_in(m) {
                    let Some(attr) = a.targets.iter().find_map(|t| match t {
                        Target::Attr(p)
                            if p.starts_with("self.") && p.matches('.').count() == 1 =>
                        {
                            Some(p.clone())
                        }
                        _ => None,
                    }) else {
                        continue;
                    };
                    // A client built here. (Annotated parameters are borrowed far
                    // more often than owned: see the Limitations in DOC.)
                    let first = by_start
                        .partition_point(|c| ix.calls[*c].span.start_byte < a.span.start_byte);
                    let last = by_start
                        .partition_point(|c| ix.calls[*c].span.start_byte < a.span.end_byte);
                    let mut inside = by_start[first..last].to_vec();
                    inside.sort_unstable(); // the first call in index order wins
                    let created = inside.iter().map(|c| &ix.calls[*c]).find_map(|c| {
                        if !a.span.contains(&c.span)
                            || !matches!(
                                c.usage,
                                CallUse::Assigned | CallUse::Other | CallUse::Awaited
                            )
                        {
                            return None;
                        }
                        let q = c.qualified.as_deref()?;
                        client_of(q).map(|k| (q.to_string(), k))
                    });
                    let Some((q, (closer, is_async))) = created else {
                        continue;
                    };
                    if reported.contains(&attr) || closes_attr(ix, &family, &attr) {
                        continue;
                    }
                    reported.insert(attr.clone());
                    let before = fix::function_or_statement(ix, m, &a.span);
                    let after = if is_async {
                        format!(
                            "{before}\nasync def aclose(self) -> None:\n    if {attr} is not None:\n        await {attr}.{closer}()\n\nasync def __aenter__(self):\n    return self\n\nasync def __aexit__(self, exc_type, exc, tb):\n    await self.aclose()\n"
                        )
                    } else {
                        format!(
                            "{before}\ndef close(self) -> None:\n    if {attr} is not None:\n        {attr}.{closer}()\n\ndef __enter__(self):\n    return self\n\ndef __exit__(self, exc_type, exc, tb):\n    self.close()\n"
                        )
                    };
                    cx.report(
                        &META,
                        a.span,
                        m,
                        format!(
                            "`{}` stores a `{q}` in `{attr}` but never closes it: no `{}`/`{}` releases its connection pool",
                            class.name,
                            if is_async { "aclose()" } else { "close()" },
                            if is_async { "__aexit__" } else { "__exit__" },
                        ),
                    )
                    .with_fix(before, after);
                }
            }
        }
    }
}
