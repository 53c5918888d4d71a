//! MEM005 expiry-enforced-only-on-read.
use super::collections::{
    annotation_span, collections, function_name, lines_with, value_span, Collection, Owner,
};
use crate::finding::{Kind, Severity};
use crate::python::{ModuleIndex, ScopeId, ScopeKind, Target, Value};
use crate::rules::{Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags a cache (a dict on the module, an instance or a class) whose entries carry an
expiry or a timestamp (the function that stores them reads the clock: `time.time()`,
`time.monotonic()`, `datetime.now()/utcnow()`, ...), where expired entries are only
removed by key (`del cache[key]` / `cache.pop(key)`) in a function that reads the
clock again when that same key is looked up, and nothing ever walks the entries to
purge the expired ones.

Seed: 002 #25 (missing cache TTL enforcement: "TTL expiration only checked on
access; expired entries stayed in memory until accessed").

## Why is this bad?
An entry is dropped only if somebody asks for its key again after it expired. Keys
that are never requested again (one-off prompts, abandoned sessions, rotated tokens)
stay in memory forever: the TTL bounds staleness, not memory.

## Example
```python
class ResponseCache:
    def __init__(self, ttl: int = 300):
        self._ttl = ttl
        self._cache: dict[str, tuple[float, str]] = {}

    def get(self, key):
        entry = self._cache.get(key)
        if entry and time.time() - entry[0] > self._ttl:
            del self._cache[key]  # only this key, only when it is read
            return None
        return entry[1] if entry else None

    def set(self, key, value):
        self._cache[key] = (time.time(), value)
```

## Use instead
```python
from cachetools import TTLCache

class ResponseCache:
    def __init__(self, ttl: int = 300):
        self._cache = TTLCache(maxsize=10_000, ttl=ttl)  # expires and bounds
```
or a purge method called periodically (a background task or a timer thread):
```python
    def cleanup_expired(self) -> int:
        now = time.time()
        expired = [k for k, (ts, _) in self._cache.items() if now - ts > self._ttl]
        for k in expired:
            del self._cache[k]
        return len(expired)
```

## Stays silent on
Caches with a purge method (any code that iterates the entries: `for k in cache`,
`cache.items()`, `list(cache)`), caches that are cleared, reassigned or evicted with
`popitem`, caches whose size is checked (`len(cache) >= max_size`), bounded types
(`TTLCache`, `LRUCache`), and caches handed to other code. A cache that nothing ever
shrinks is MEM001/MEM002's business.

## Precision
Measured on the ecosystem corpus (`scripts/ecosystem`, 20 real projects, test code skipped, 2026-11-23): 0 of 2 (0%) true positives in the labelled sample (`bench/ecosystem/labels.csv`). Below the target (80% for its former `medium` default), so the default severity is `low` (was `medium`): entries removed by their timeout handle or keyed by a bounded set (topic partitions); the sample is small.
"#;

pub static META: RuleMeta = RuleMeta {
    id: "MEM005",
    name: "expiry-enforced-only-on-read",
    kind: Kind::Finding,
    severity: Severity::Low,
    summary: "cache entries expire only when the same key is read again; nothing purges them",
    category: "memory",
    doc: DOC,
    effort_hours: 1.0,
};

const CLOCKS: &[&str] = &[
    "time.time",
    "time.time_ns",
    "time.monotonic",
    "time.monotonic_ns",
    "time.perf_counter",
    "datetime.datetime.now",
    "datetime.datetime.utcnow",
    "datetime.datetime.today",
    "django.utils.timezone.now",
];

/// Whether the function `scope` (or code nested in it) reads the clock.
fn reads_clock(ix: &ModuleIndex, scope: ScopeId) -> bool {
    ix.calls.iter().any(|c| {
        ix.is_within(c.scope, scope)
            && (c.qualified.as_deref().is_some_and(|q| CLOCKS.contains(&q))
                || c.method == "time" && c.receiver_path().is_some_and(|r| r.ends_with("loop")))
    })
}

fn function_scope(ix: &ModuleIndex, scope: ScopeId) -> Option<ScopeId> {
    let mut cur = Some(scope);
    while let Some(s) = cur {
        if ix.scopes[s].kind == ScopeKind::Function {
            return Some(s);
        }
        cur = ix.scopes[s].parent;
    }
    None
}

/// A TTL the code already has: a name or attribute containing `ttl`.
fn ttl_name(ix: &ModuleIndex, c: &Collection) -> Option<String> {
    ix.assignments.iter().find_map(|a| {
        let t = match a.targets.first()? {
            Target::Name(n)
                if c.owner == Owner::Module && ix.scopes[a.scope].kind == ScopeKind::Module =>
            {
                n.clone()
            }
            Target::Attr(p)
                if matches!(c.owner, Owner::Instance(k) | Owner::ClassAttr(k) if ix.enclosing_class(a.scope) == Some(k)) =>
            {
                p.clone()
            }
            _ => return None,
        };
        if !t.to_ascii_lowercase().contains("ttl") {
            return None;
        }
        match &a.value {
            Some(Value::Num(_) | Value::Name(_) | Value::Path(_)) => Some(t),
            Some(v) => ix
                .call_value(v)
                .filter(|c| c.qualified.as_deref() == Some("datetime.timedelta"))
                .map(|_| format!("{t}.total_seconds()")),
            None => None,
        }
    })
}

pub struct Mem005;

impl Rule for Mem005 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        for c in collections(ix) {
            if !c.kind.is_mapping()
                || c.escapes
                || c.len_guard
                || c.iterated
                || c.purges()
                || c.shrinks.is_empty()
            {
                continue;
            }
            // Entries carry a time: the writer reads the clock.
            let Some(writer) = c
                .keyed_growth()
                .find(|g| function_scope(ix, g.scope).is_some_and(|f| reads_clock(ix, f)))
            else {
                continue;
            };
            // The only removal is by key, in a function that checks the clock.
            let Some(reader) = c
                .shrinks
                .iter()
                .find(|s| function_scope(ix, s.scope).is_some_and(|f| reads_clock(ix, f)))
            else {
                continue;
            };
            let reader_fn = function_scope(ix, reader.scope).expect("checked");
            let a = &ix.assignments[c.init];
            let ttl = ttl_name(ix, &c).unwrap_or_else(|| "3600".into());
            let stmt = ix.statement_at(&a.span).map(|s| s.span).unwrap_or(a.span);
            let before = format!(
                "{}\n\n{}",
                lines_with(ix, stmt.line, stmt.end_line, &[]),
                super::collections::scope_snippet_with(ix, reader_fn, &reader.span, &[])
            );
            let new_init = match value_span(ix, c.init) {
                Some(v) => {
                    let mut repl = vec![(v, format!("TTLCache(maxsize=10_000, ttl={ttl})"))];
                    if let Some(s) = annotation_span(ix, c.init) {
                        repl.push((s, "TTLCache".to_string()));
                    }
                    lines_with(ix, stmt.line, stmt.end_line, &repl)
                }
                None => format!("{} = TTLCache(maxsize=10_000, ttl={ttl})\n", c.display),
            };
            let after = format!(
                "from cachetools import TTLCache\n\n\
                 # expired entries are dropped by the cache itself, read again or not,\n\
                 # and the size is bounded\n{new_init}"
            );
            let msg = format!(
                "entries of `{}` expire only when `{}()` reads the same key again; nothing purges expired entries, so keys never requested again stay forever",
                c.display,
                function_name(ix, reader_fn)
            );
            cx.report(&META, a.span, a.scope, msg)
                .with_fix(before, after)
                .with_related(writer.span, "entries are stored with a timestamp here")
                .with_related(reader.span, "the only removal: by key, on read");
        }
    }
}
