//! MEM005 expiry-enforced-only-on-read.
use std::collections::{HashMap, HashSet};

use super::collections::{collections, function_name, Owner};
use super::fix::{annotation_span, value_span, Snippets};
use crate::finding::{Kind, Severity};
use crate::python::known::clocks::EXPIRY_CLOCKS;
use crate::python::{ModuleIndex, ScopeId, ScopeKind, Target, Value};
use crate::rules::fix::Edit;
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
Measured on the ecosystem corpus (`scripts/ecosystem`, 20 real projects, test code skipped, 2026-11-23): 0 of 2 (0%) true positives in the labelled sample (`bench/ecosystem/labels.csv`). Below the target (80% for its `medium` severity). The severity stays the catalog's (it says the impact); the figure sets the confidence its findings start from, which the project model raises or lowers at each place (`src/rules/confidence.rs`, with the application sample of `bench/apps/`). Why it fell short: entries removed by their timeout handle or keyed by a bounded set (topic partitions); the sample is small.
"#;

pub static META: RuleMeta = RuleMeta {
    id: "MEM005",
    name: "expiry-enforced-only-on-read",
    kind: Kind::Finding,
    severity: Severity::Medium,
    summary: "cache entries expire only when the same key is read again; nothing purges them",
    category: "memory",
    doc: DOC,
    effort_hours: 1.0,
};

/// The scopes that read the clock (themselves or in code nested in them). A set
/// built once, not a scan of the calls per collection: quadratic on a module of
/// thousands of caches (tests/generated_scale.rs).
fn clock_readers(ix: &ModuleIndex) -> HashSet<ScopeId> {
    let mut out = HashSet::new();
    for c in &ix.calls {
        if c.qualified
            .as_deref()
            .is_some_and(|q| EXPIRY_CLOCKS.contains(&q))
            || c.method == "time" && c.receiver_path().is_some_and(|r| r.ends_with("loop"))
        {
            let mut cur = Some(c.scope);
            while let Some(s) = cur {
                if !out.insert(s) {
                    break;
                }
                cur = ix.scopes[s].parent;
            }
        }
    }
    out
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

/// A TTL the code already has: a name or attribute containing `ttl`, the first
/// one at module level (for module-level caches) and in each class. Found in one
/// pass, not a scan of the assignments per finding.
#[derive(Default)]
struct Ttls {
    module: Option<String>,
    classes: HashMap<ScopeId, String>,
}

impl Ttls {
    fn new(ix: &ModuleIndex) -> Self {
        let mut out = Ttls::default();
        for a in &ix.assignments {
            let (t, class) = match a.targets.first() {
                Some(Target::Name(n)) if ix.scopes[a.scope].kind == ScopeKind::Module => {
                    if out.module.is_some() {
                        continue;
                    }
                    (n, None)
                }
                Some(Target::Attr(p)) => match ix.enclosing_class(a.scope) {
                    Some(k) if !out.classes.contains_key(&k) => (p, Some(k)),
                    _ => continue,
                },
                _ => continue,
            };
            if !t.to_ascii_lowercase().contains("ttl") {
                continue;
            }
            let ttl = match &a.value {
                Some(Value::Num(_) | Value::Name(_) | Value::Path(_)) => Some(t.clone()),
                Some(v) => ix
                    .call_value(v)
                    .filter(|c| c.qualified.as_deref() == Some("datetime.timedelta"))
                    .map(|_| format!("{t}.total_seconds()")),
                None => None,
            };
            match (ttl, class) {
                (Some(ttl), None) => out.module = Some(ttl),
                (Some(ttl), Some(k)) => {
                    out.classes.insert(k, ttl);
                }
                (None, _) => {}
            }
        }
        out
    }

    fn of(&self, owner: Owner) -> Option<&String> {
        match owner {
            Owner::Module => self.module.as_ref(),
            Owner::Instance(k) | Owner::ClassAttr(k) => self.classes.get(&k),
        }
    }
}

pub struct Mem005;

impl Rule for Mem005 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        // Built on first use, once per module.
        let mut clocks = None;
        let mut ttls = None;
        let mut snippets = None;
        let Some(all) = collections(cx) else {
            return;
        };
        for c in all.iter() {
            if cx.out_of_time() {
                return;
            }
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
            let clocks = clocks.get_or_insert_with(|| clock_readers(ix));
            let reads_clock = |f: ScopeId| clocks.contains(&f);
            let Some(writer) = c
                .keyed_growth()
                .find(|g| function_scope(ix, g.scope).is_some_and(reads_clock))
            else {
                continue;
            };
            // The only removal is by key, in a function that checks the clock.
            let Some(reader) = c
                .shrinks
                .iter()
                .find(|s| function_scope(ix, s.scope).is_some_and(reads_clock))
            else {
                continue;
            };
            let reader_fn = function_scope(ix, reader.scope).expect("checked");
            let a = &ix.assignments[c.init];
            let ttl = ttls
                .get_or_insert_with(|| Ttls::new(ix))
                .of(c.owner)
                .cloned()
                .unwrap_or_else(|| "3600".into());
            let sn = snippets.get_or_insert_with(|| Snippets::new(ix));
            let stmt = sn.statement_at(&a.span).map(|s| s.span).unwrap_or(a.span);
            let before = format!(
                "{}\n\n{}",
                sn.lines_with(stmt.line, stmt.end_line, vec![]),
                sn.scope_snippet_with(reader_fn, &reader.span, vec![])
            );
            let new_init = match value_span(ix, c.init) {
                Some(v) => {
                    let ctor = format!("TTLCache(maxsize=10_000, ttl={ttl})");
                    let mut edits = vec![Edit::replace(v, ctor)];
                    if let Some(s) = annotation_span(ix, c.init) {
                        edits.push(Edit::replace(s, "TTLCache"));
                    }
                    sn.lines_with(stmt.line, stmt.end_line, edits)
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
