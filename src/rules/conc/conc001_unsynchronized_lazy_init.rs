//! CONC001 unsynchronized-lazy-init.
use std::collections::HashSet;

use crate::finding::{Kind, Severity};
use crate::python::known::pure::PURE_BUILDERS;
use crate::python::{BlockKind, ScopeId, ScopeKind, Span, TestKind, Value};
use crate::python::{StateWrite, WriteKind};
use crate::rules::conc::identity::{builds_identity, empty_container};
use crate::rules::fix::{reindent, rewrite_region};
use crate::rules::{Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags lazy initialisation of shared state in ordinary (non-async) code with no lock
held around the check and the write:

- `global X` + `if X is None: X = init()` (also `if not X:`),
- singletons: `if cls._instance is None: cls._instance = ...` (also `Class._instance`).

The finding points at the `if`. Severity is `medium`, and `high` when the
initializer builds an engine, a pool, a client or a configuration (see Precision).

## Why is this bad?
Threads (gunicorn threads, Celery workers, FastAPI's threadpool for sync endpoints)
can run the check at the same time: both see `None`, both run the initializer.
You get two engines / pools / clients (one of them leaked, its connections never
closed), or two "singletons" with different state.
(Seed 000 CRITICAL-001: `get_db_config()` created several database engines.)

## Example
```python
_db_config: Optional[DatabaseConfig] = None

def get_db_config() -> DatabaseConfig:
    global _db_config
    if _db_config is None:
        _db_config = init_database()
    return _db_config
```

## Use instead
Double-checked locking: check, take the lock, check again, initialise.
```python
import threading

_db_config: Optional[DatabaseConfig] = None
_db_config_lock = threading.Lock()

def get_db_config() -> DatabaseConfig:
    global _db_config
    if _db_config is None:
        with _db_config_lock:
            if _db_config is None:  # re-check under the lock
                _db_config = init_database()
    return _db_config
```

## Limitations
- Only module globals (declared `global`) and class attributes written through
  `cls.X` / `ClassName.X` are considered; lazy `self.X` initialisation is not
  (an instance is often confined to one thread).
- `async def` code is ASYNC001's business (the event loop does not switch threads).
- Not reported: an initializer that publishes an existing object or a plain value
  (`cls._app = current_app`, `_available = True`, a string): racing threads
  store the same thing and nothing is built twice.
- Reported only when the initializer builds something with identity: an instance
  of a class (`Scope(...)`, `ThreadPoolExecutor(n)`, `cls()`), an allocation
  (`super().__new__(cls)`), a `uuid4()`, an empty registry (`{}`, `[]`) that
  callers fill, a module helper that returns one of these
  (`_get_or_create_collector()`), or an engine/pool/client/config. Computed values
  (`dict(...)`, `translation(code)`, `monotonic()`, `datetime.timezone(...)`, an
  environment probe, `client.register_script(...)`) are not reported: a race
  computes them twice and both results are equivalent. A lower-case factory that
  builds a resource in another module is therefore missed unless its name or the
  target's says engine/pool/client/config.
- Initialisation that is only ever called from one thread (an import-time call, a
  startup hook) is still reported: suppress it with a reason.

## Precision
Measured on the ecosystem corpus (`scripts/ecosystem`, 20 real projects, test code skipped, 2026-11-23): 8 of 9 (89%) true positives in the labelled sample (`bench/ecosystem/labels.csv`; all the corpus's findings within the 4-per-project cap), up from 7 of 20 (35%) before the initializer had to build something with identity (45 -> 27 findings). Just below the 90% target for its catalog `high` (`critical` when the initializer builds an engine, pool, client or configuration): the severity stays the catalog's, and the figure sets the confidence its findings start from (`src/rules/confidence.rs`). The remaining false positive is a cheap `psutil.Process(os.getpid())` handle. Real cases: metrics collectors, a global `Scope`, a `ThreadPoolExecutor`, a resolver singleton, a `uuid4()` node id.
"#;

pub static META: RuleMeta = RuleMeta {
    id: "CONC001",
    name: "unsynchronized-lazy-init",
    kind: Kind::Finding,
    severity: Severity::High,
    summary: "lazy initialisation (`if X is None: X = init()`) of shared state without a lock",
    category: "concurrency",
    doc: DOC,
    effort_hours: 1.0,
};

pub struct Conc001;

fn writes_in(writes: &[StateWrite], scope: ScopeId, span: Span) -> usize {
    writes
        .iter()
        .filter(|w| w.scope == scope && span.contains(&w.span))
        .count()
}

/// Words in an initializer (callee or target) that make a double initialisation
/// costly: the resource is duplicated and leaked.
const COSTLY: &[&str] = &["engine", "pool", "client", "config", "redis", "settings"];

impl Rule for Conc001 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        let mut reported = HashSet::new();
        let writes = ix.state_writes();
        for w in writes {
            if w.kind != WriteKind::Assign {
                continue;
            }
            let sc = &ix.scopes[w.scope];
            if sc.kind != ScopeKind::Function || sc.is_async {
                continue;
            }
            // Shared state: a declared global, or a class attribute via cls / Class.
            let shared = if !w.path.contains('.') {
                sc.globals.iter().any(|g| *g == w.path)
            } else {
                let mut parts = w.path.split('.');
                let (base, rest) = (parts.next().unwrap_or(""), parts.collect::<Vec<_>>());
                rest.len() == 1
                    && (base == "cls"
                        || ix
                            .enclosing_class(w.scope)
                            .is_some_and(|c| ix.scopes[c].name == base))
            };
            if !shared {
                continue;
            }
            if ix.lock_held_at(w.block).is_some() {
                continue;
            }
            // The innermost enclosing `if` that tests the same state for None/falsy.
            let Some(if_id) = ix
                .blocks_of(w.block)
                .filter(|b| b.kind == BlockKind::If)
                .map(|b| b.owner)
                .find(|&i| {
                    ix.ifs[i].tests.iter().any(|t| {
                        t.path == w.path && matches!(t.kind, TestKind::IsNone | TestKind::Falsy)
                    })
                })
            else {
                continue;
            };
            if !reported.insert(if_id) {
                continue;
            }
            let the_if = &ix.ifs[if_id];
            let assign = &ix.assignments[w.assignment.expect("assignments carry their id")];
            let init_call = assign.value.as_ref().and_then(|v| ix.call_value(v));
            // `cls._instance = self`: the object registers itself; nothing is built
            // twice.
            if matches!(&assign.value, Some(Value::Name(n)) if n == "self" || n == "cls") {
                reported.remove(&if_id);
                continue;
            }
            // `cls._app = current_app`, `_available = True`, `bench_first = now`,
            // `_banner = f"..."`: the value is an object that exists
            // already or a plain value, so a race stores the same thing twice and
            // nothing is built twice. (A name bound inside the `if`, such as
            // `tmp = Engine(); _x = tmp`, is still a construction.)
            let plain = match &assign.value {
                Some(Value::Name(n) | Value::Path(n)) => !ix.assignments.iter().any(|a| {
                    a.scope == w.scope
                        && the_if.body.contains(&a.span)
                        && a.targets
                            .iter()
                            .any(|t| matches!(t, crate::python::Target::Name(x) if x == n))
                }),
                Some(v) => v.is_constant() || matches!(v, Value::FString { .. }),
                None => false,
            };
            if plain {
                reported.remove(&if_id);
                continue;
            }
            // `_rx = re.compile(...)` alone in the `if`: a pure, idempotent value
            // published by one atomic assignment; a race only computes it twice.
            if init_call.is_some() && {
                let body = the_if.body;
                let mut calls = ix.calls_within(w.scope, body).peekable();
                calls.peek().is_some()
                    && calls.all(|(_, c)| {
                        c.qualified
                            .as_deref()
                            .is_some_and(|q| PURE_BUILDERS.contains(&q))
                    })
                    && writes_in(&writes, w.scope, body) == 1
            } {
                reported.remove(&if_id);
                continue;
            }
            let init_text = init_call
                .map(|c| ix.text_of(&c.span).to_string())
                .unwrap_or_else(|| "the initializer".into());
            let costly = {
                let mut words = w.path.to_ascii_lowercase();
                if let Some(c) = init_call {
                    words.push(' ');
                    words.push_str(&c.method.to_ascii_lowercase());
                    // The resolved name only when an import resolved it: a local
                    // `client.register_script(...)` is not a client being built.
                    if let Some(q) = c
                        .qualified
                        .as_ref()
                        .filter(|q| Some(*q) != c.callee.as_ref())
                    {
                        words.push(' ');
                        words.push_str(&q.to_ascii_lowercase());
                    }
                    if let Some(Value::Call(inner)) = c.receiver.as_ref() {
                        words.push(' ');
                        words.push_str(&ix.calls[*inner].method.to_ascii_lowercase());
                    }
                }
                COSTLY.iter().any(|k| words.contains(k))
            };
            // Precision (see `## Precision`): only initializers that build something
            // costly or with identity; a race on a computed value is harmless.
            if !costly
                && !builds_identity(ix, w.scope, assign.span)
                && !assign
                    .value
                    .as_ref()
                    .is_some_and(|v| empty_container(ix, v))
            {
                reported.remove(&if_id);
                continue;
            }
            let what = if w.path.contains('.') {
                format!("singleton `{}`", w.path)
            } else {
                format!("global `{}`", w.path)
            };
            let msg = format!(
                "`{}()` lazily initialises {what} without a lock: two threads can both see it unset and run `{}` twice",
                sc.name,
                first_line(&init_text)
            );
            // Fix: double-checked locking around the body of the `if`.
            let lock = format!("{}_lock", w.path);
            let cond = ix.text_of(&the_if.test_span).to_string();
            let mut rep = vec![];
            let (from, to) = if the_if.body.line > the_if.span.line {
                rep.push(format!("with {lock}:"));
                rep.push(format!("    if {cond}:  # re-check under the lock"));
                rep.extend(reindent(ix, the_if.body.line, the_if.body.end_line, 8));
                (the_if.body.line, the_if.body.end_line)
            } else {
                let body = ix.text_of(&the_if.body).trim().to_string();
                let kw = ix.line_text(the_if.span.line).trim_start();
                let kw = if kw.starts_with("elif") { "elif" } else { "if" };
                rep.push(format!("{kw} {cond}:"));
                rep.push(format!("    with {lock}:"));
                rep.push(format!("        if {cond}:  # re-check under the lock"));
                rep.push(format!("            {body}"));
                (the_if.span.line, the_if.span.line)
            };
            let lock_decl = match lock.split_once('.') {
                Some((_, attr)) => format!(
                    "import threading\n\n# class attribute, next to `{}`:\n{attr} = threading.Lock()\n\n\n",
                    w.path.rsplit('.').next().unwrap_or_default()
                ),
                None => format!("import threading\n\n{lock} = threading.Lock()\n\n\n"),
            };
            let (before, after) = rewrite_region(ix, w.scope, from, to, &rep, &lock_decl);
            let sev = if costly {
                // The catalog's: an engine, pool, client or configuration.
                Severity::Critical
            } else {
                META.severity
            };
            cx.report(&META, the_if.test_span, w.scope, msg)
                .with_related(assign.span, format!("unprotected write of `{}`", w.path))
                .with_severity(sev)
                .with_fix(before, after);
        }
    }
}

fn first_line(s: &str) -> String {
    let l = s.lines().next().unwrap_or("");
    if l.len() < s.len() {
        format!("{l}...")
    } else {
        l.to_string()
    }
}
