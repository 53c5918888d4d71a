//! Whether a growth site of a module-level collection adds data that arrives per
//! call (a request, a task, a message) rather than a fixed, program-bounded set.
//!
//! Measured on real code (bench/ecosystem), the true positives of MEM001 grow the
//! collection with a key or item taken from the growing function's arguments
//! (`items[item_id] = item`, `sessions[session_id] = data`) or inside a WSGI/ASGI
//! application; the false positives grow it with values from `self`, settings,
//! the environment or the clock, in constructors, in public `add_*` registration
//! APIs, or memoize a pure function of the key (`cache[name] = resolve(name)`).

use std::collections::HashMap;

use super::collections::Growth;
use crate::python::{ModuleIndex, ScopeId, ScopeKind, Target, Value};

/// Methods that run once per object or class construction.
const CONSTRUCTION: &[&str] = &["__init__", "__new__", "__post_init__"];

/// Names of functions that run once at start-up.
const SETUP_PREFIXES: &[&str] = &["configure", "setup", "set_up", "install"];

/// The returns, assignments and loops of a module by scope, built once for all
/// its growth sites: scanning them for each site was quadratic on a module with
/// thousands of growing collections (tests/generated_scale.rs).
pub struct PerCall<'a> {
    ix: &'a ModuleIndex,
    returns: HashMap<ScopeId, Vec<usize>>,
    /// Assignments by scope and target name.
    assigned: HashMap<(ScopeId, &'a str), Vec<usize>>,
    /// Loops by scope and target name.
    loop_vars: HashMap<(ScopeId, &'a str), Vec<usize>>,
}

impl<'a> PerCall<'a> {
    pub fn new(ix: &'a ModuleIndex) -> Self {
        let mut t = PerCall {
            ix,
            returns: HashMap::new(),
            assigned: HashMap::new(),
            loop_vars: HashMap::new(),
        };
        for (i, r) in ix.returns.iter().enumerate() {
            t.returns.entry(r.scope).or_default().push(i);
        }
        for (i, a) in ix.assignments.iter().enumerate() {
            for tg in &a.targets {
                if let Target::Name(n) = tg {
                    t.assigned.entry((a.scope, n)).or_default().push(i);
                }
            }
        }
        for (i, l) in ix.loops.iter().enumerate() {
            for n in &l.targets {
                t.loop_vars.entry((l.scope, n)).or_default().push(i);
            }
        }
        t
    }

    /// Whether growth site `g` adds per-call data (see the module comment).
    pub fn grows_per_call(&self, g: &Growth) -> bool {
        grows_per_call(self, g)
    }
}

/// Whether function `f` is returned by the function it is defined in: the
/// decorator of a decorator factory (`def sensitive(*v): def decorator(func): ...;
/// return decorator`), which runs once per decorated definition, at import time.
fn returned_by_parent(t: &PerCall, f: ScopeId) -> bool {
    let ix = t.ix;
    let Some(parent) = ix.scopes[f].parent else {
        return false;
    };
    if !matches!(ix.scopes[parent].kind, ScopeKind::Function) {
        return false;
    }
    let name = &ix.scopes[f].name;
    t.returns.get(&parent).into_iter().flatten().any(|&i| {
        let r = &ix.returns[i];
        !r.is_yield && matches!(&r.value, Some(Value::Name(n)) if n == name)
    })
}

fn grows_per_call(t: &PerCall, g: &Growth) -> bool {
    let ix = t.ix;
    let fns = enclosing_functions(ix, g.scope);
    let Some(&inner) = fns.first() else {
        return false;
    };
    for &f in &fns {
        let name = ix.scopes[f].name.as_str();
        // Constructors run once per configured object; public `add_*` functions are
        // registration APIs (`add_reload_hook(fn)`); `configure*`/`setup*`/`install*`
        // run at start-up.
        let setup = SETUP_PREFIXES
            .iter()
            .any(|p| name.trim_start_matches('_').starts_with(p));
        if (ix.class_of(f).is_some() && CONSTRUCTION.contains(&name))
            || name.starts_with("add_")
            || setup
            || returned_by_parent(t, f)
        {
            return false;
        }
    }
    let params = params_of(ix, &fns);
    if fns.iter().any(|&f| wsgi_or_asgi_app(ix, f)) {
        return true;
    }
    let from_args = |v: &Value| derives_from(t, v, inner, &params, 0);
    if let Some(ai) = g.assign {
        let a = &ix.assignments[ai];
        let key = a.targets.iter().find_map(|t| match t {
            Target::Subscript { key, .. } => Some(key),
            _ => None,
        });
        let Some(key) = key else {
            return false;
        };
        if !from_args(key) {
            return false;
        }
        // `cache[k] = f(k)`: a memo of a pure function of the key, bounded by the
        // same set of keys the program asks for.
        if let Some(call) = a.value.as_ref().and_then(|v| match v {
            Value::Call(id) => Some(&ix.calls[*id]),
            _ => None,
        }) {
            let mut keyed = vec![];
            names_in(ix, key, &mut keyed);
            let mut used = vec![];
            for arg in &call.args {
                names_in(ix, &arg.value, &mut used);
            }
            if call.receiver.is_none()
                && !call.awaited
                && !used.is_empty()
                && used
                    .iter()
                    .all(|n| keyed.contains(n) || !params.contains(n))
            {
                return false;
            }
        }
        return true;
    }
    let Some(call) = g.call.map(|ci| &ix.calls[ci]) else {
        return false;
    };
    if let Some(Value::Subscript { key, .. }) = &call.receiver {
        if from_args(key) {
            return true;
        }
    }
    call.args.iter().any(|a| from_args(&a.value))
}

/// `scope` and the function scopes around it, innermost first.
fn enclosing_functions(ix: &ModuleIndex, scope: ScopeId) -> Vec<ScopeId> {
    let mut out = vec![];
    let mut cur = Some(scope);
    while let Some(s) = cur {
        if matches!(ix.scopes[s].kind, ScopeKind::Function | ScopeKind::Lambda) {
            out.push(s);
        }
        cur = ix.scopes[s].parent;
    }
    out
}

/// Parameters of the functions, without the receiver of methods (`self`, `cls`):
/// state reached through the object is configuration, not call data.
fn params_of(ix: &ModuleIndex, fns: &[ScopeId]) -> Vec<String> {
    let mut out = vec![];
    for &f in fns {
        let sc = &ix.scopes[f];
        let skip = usize::from(ix.class_of(f).is_some() && !ix.has_decorator(f, &["staticmethod"]));
        out.extend(sc.params.iter().skip(skip).map(|p| p.name.clone()));
    }
    out
}

/// `def app(environ, start_response)` / `async def app(scope, receive, send)`.
fn wsgi_or_asgi_app(ix: &ModuleIndex, f: ScopeId) -> bool {
    let names: Vec<&str> = ix.scopes[f]
        .params
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    let has = |n: &str| names.contains(&n);
    (has("environ") && has("start_response")) || (has("scope") && has("receive") && has("send"))
}

/// Root names an expression reads (`request` for `request.headers.get("x")`).
fn names_in(ix: &ModuleIndex, v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Name(n) | Value::Path(n) => {
            out.push(n.split('.').next().unwrap_or(n).to_string());
        }
        Value::Call(id) => {
            let call = &ix.calls[*id];
            match &call.receiver {
                Some(r) => names_in(ix, r, out),
                None => {
                    if let Some(c) = &call.callee {
                        out.push(c.split('.').next().unwrap_or(c).to_string());
                    }
                }
            }
            for a in &call.args {
                names_in(ix, &a.value, out);
            }
        }
        Value::Await(inner) => names_in(ix, inner, out),
        Value::Subscript { base, key } => {
            names_in(ix, base, out);
            names_in(ix, key, out);
        }
        Value::List(items) | Value::Tuple(items) | Value::Set(items) => {
            for i in items {
                names_in(ix, i, out);
            }
        }
        Value::Dict(items) => {
            for (k, v) in items {
                names_in(ix, k, out);
                names_in(ix, v, out);
            }
        }
        Value::FString { fields, .. } => {
            for f in fields {
                let id: String = f
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !id.is_empty() {
                    out.push(id);
                }
            }
        }
        _ => {}
    }
}

/// Whether `v` reads a parameter, directly or through locals of `scope` assigned
/// from one (or loop variables over one), a few steps deep.
fn derives_from(t: &PerCall, v: &Value, scope: ScopeId, params: &[String], depth: usize) -> bool {
    let mut names = vec![];
    names_in(t.ix, v, &mut names);
    names
        .iter()
        .any(|n| name_derives(t, n, scope, params, depth))
}

fn name_derives(t: &PerCall, n: &str, scope: ScopeId, params: &[String], depth: usize) -> bool {
    if params.iter().any(|p| p == n) {
        return true;
    }
    if depth >= 3 {
        return false;
    }
    let ix = t.ix;
    let assigned = t.assigned.get(&(scope, n)).into_iter().flatten().any(|&i| {
        ix.assignments[i]
            .value
            .as_ref()
            .is_some_and(|v| derives_from(t, v, scope, params, depth + 1))
    });
    assigned
        || t.loop_vars
            .get(&(scope, n))
            .into_iter()
            .flatten()
            .any(|&i| {
                ix.loops[i]
                    .iter
                    .as_ref()
                    .is_some_and(|v| derives_from(t, v, scope, params, depth + 1))
            })
}
