//! Whether a lazy initializer builds an object with identity: an instance of a
//! class (`Scope(...)`, `ThreadPoolExecutor(n)`), a fresh allocation
//! (`super().__new__(cls)`) or a unique id (`uuid4()`), directly or through a
//! module-level helper that returns one (`_get_or_create_collector()`).
//!
//! Measured on real code (bench/ecosystem), CONC001's true positives all build
//! such an object: a race makes two of them and one is lost with whatever was
//! registered on it. Its false positives compute values (`dict(...)`,
//! `translation(...)`, `datetime.timezone(...)`, `monotonic()`, an environment
//! probe, a config default, a registered script handle): a race computes them
//! twice and both results are equivalent.

use crate::python::{Call, ModuleIndex, ScopeKind, Span, Value};

/// Whether a call in `span` of `scope` builds an object with identity.
pub fn builds_identity(ix: &ModuleIndex, scope: usize, span: Span) -> bool {
    ix.calls_within(scope, span)
        .any(|(_, c)| constructs(ix, c, 0))
}

/// An empty mutable container (`{}`, `[]`, `set()`): a registry that callers fill
/// afterwards; a race loses what was put in the discarded one.
pub fn empty_container(ix: &ModuleIndex, v: &Value) -> bool {
    match v {
        Value::Dict(items) => items.is_empty(),
        Value::List(items) | Value::Set(items) => items.is_empty(),
        Value::Call(_) => ix.call_value(v).is_some_and(|c| {
            c.args.is_empty() && matches!(c.qualified.as_deref(), Some("dict" | "list" | "set"))
        }),
        _ => false,
    }
}

fn constructs(ix: &ModuleIndex, c: &Call, depth: usize) -> bool {
    let m = c.method.as_str();
    // `cls()` in a classmethod builds an instance of the class.
    if class_name(m) || m == "__new__" || c.callee.as_deref() == Some("cls") {
        return true;
    }
    if matches!(c.qualified.as_deref(), Some("uuid.uuid1" | "uuid.uuid4")) {
        return true;
    }
    // A helper of this module (`_get_or_create_collector()`): what it returns.
    if depth > 0 || c.receiver.is_some() {
        return false;
    }
    let Some(name) = c.callee.as_deref() else {
        return false;
    };
    ix.scopes
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == ScopeKind::Function && s.parent == Some(0) && s.name == name)
        .any(|(f, _)| {
            ix.returns.iter().any(|r| {
                r.scope == f
                    && r.value
                        .as_ref()
                        .and_then(|v| ix.call_value(v))
                        .is_some_and(|rc| constructs(ix, rc, depth + 1))
            })
        })
}

/// `RedisMetricsCollector`, `Scope`: CapWords, not a constant, not an exception.
fn class_name(m: &str) -> bool {
    m.starts_with(|c: char| c.is_ascii_uppercase())
        && m.chars().any(|c| c.is_ascii_lowercase())
        && !["Error", "Exception", "Warning"]
            .iter()
            .any(|s| m.ends_with(s))
}
