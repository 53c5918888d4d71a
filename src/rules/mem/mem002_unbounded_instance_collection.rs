//! MEM002 unbounded-instance-collection.
use std::collections::HashSet;

use super::collections::{collections, function_name, Collection, Owner};
use super::fix::{growth_fix, Snippets};
use crate::finding::{Kind, Severity};
use crate::python::{ModuleIndex, ScopeId, ScopeKind};
use crate::rules::{Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags a collection stored on an object, `self.X = {}` / `[]` / `set()` /
`defaultdict(...)` / `OrderedDict()` / `deque()` (in `__init__` or any method), or a
mutable class attribute (`X = {}` in the class body, shared by every instance), that
the class's methods grow (`self.X[k] = v`, `append`, `add`, `update`, `setdefault`,
`self.X[k].append(...)`) and that nothing shrinks (`del`, `pop`, `popitem`, `clear`,
`remove`, `discard`, reassignment).

Seeds: 000 CRITICAL-004 (risk monitor session states), 000 MEDIUM-007 (trace
collector history), 001 #2 (AI client prompt cache), 002 #24 (in-memory cache),
003 #8 (auth token cache).

## Why is this bad?
Services, clients, monitors and caches live as long as the worker process. A dict
keyed by session id, prompt or token that only ever gains entries grows with the
traffic until the worker runs out of memory. A mutable class attribute is worse: it
is one collection shared by every instance, so even short-lived objects feed it.

## Example
```python
class BaseAIClient:
    def __init__(self, http_client: httpx.Client):
        self._cache: dict[str, str] = {}  # no size limit

    def complete(self, prompt: str) -> str:
        if prompt not in self._cache:
            self._cache[prompt] = self._call(prompt)
        return self._cache[prompt]
```

## Use instead
```python
from cachetools import LRUCache

class BaseAIClient:
    def __init__(self, http_client: httpx.Client):
        self._cache: LRUCache = LRUCache(maxsize=256)
```
or evict by hand: an `OrderedDict` with `move_to_end(key)` on hits and
`popitem(last=False)` when full; `deque(maxlen=N)` for histories.

## Stays silent on
- everything MEM001 stays silent on (bounded types, import-time registration,
  constant keys, collections shrunk anywhere in the module, size checks, collections
  handed to other code or returned);
- growth in `__init__` / `__post_init__` (bounded by construction);
- instance collections of objects that do not look long-lived: the rule reports an
  instance attribute only when the class is instantiated at module level, its name
  ends like a long-lived component (`...Client`, `...Service`, `...Manager`,
  `...Monitor`, `...Collector`, `...Cache`, `...Store`, `...Registry`, ...) or the
  attribute is a cache/history/session table (`_cache`, `_history`, `_sessions`,
  ...). Builders and accumulators (`self.parts.append(...)` in a short-lived
  object) are fine;
- annotated class attributes (dataclass / pydantic fields), except `ClassVar`.

## Limitations
Growth through another object (`monitor._states[k] = v` outside the class) is not
tracked. Whether an object is long-lived is a heuristic.

## Precision
Measured on the ecosystem corpus (`scripts/ecosystem`, 20 real projects, test code skipped, 2026-11-23): 0 of 20 (0%) true positives in the labelled sample (`bench/ecosystem/labels.csv`). Below the target (90% for its `high` severity). The severity stays the catalog's (it says the impact); the figure sets the confidence its findings start from, which the project model raises or lowers at each place (`src/rules/confidence.rs`, with the application sample of `bench/apps/`). Why it fell short: instance collections on the corpus belong to per-call objects (a deletion collector, a deserializer) or are bounded by configuration, schema or topology (queues, middleware, listening sockets); the rule cannot see the lifetime of the instance or the bound of the keys.
"#;

pub static META: RuleMeta = RuleMeta {
    id: "MEM002",
    name: "unbounded-instance-collection",
    kind: Kind::Finding,
    severity: Severity::High,
    summary: "a collection on an instance or class grows in methods and is never evicted",
    category: "memory",
    doc: DOC,
    effort_hours: 1.5,
};

/// Last CamelCase words of classes that usually live as long as the process.
const LONG_LIVED_SUFFIXES: &[&str] = &[
    "Client",
    "Service",
    "Manager",
    "Monitor",
    "Collector",
    "Cache",
    "Store",
    "Storage",
    "Registry",
    "Provider",
    "Gateway",
    "Tracker",
    "Repository",
    "Pool",
    "Server",
    "App",
    "Application",
    "Middleware",
    "Limiter",
    "Broker",
    "Bus",
    "Dispatcher",
    "Scheduler",
    "Worker",
    "Backend",
    "Controller",
    "Agent",
    "Router",
    "Hub",
    "Auth",
    "Authenticator",
    "Engine",
    "Daemon",
    "Watcher",
    "Recorder",
    "Tracer",
    "Logger",
];

/// Attribute name parts of collections that are caches or per-entity tables.
const TABLE_WORDS: &[&str] = &[
    "cache",
    "memo",
    "history",
    "sessions",
    "session_states",
    "seen",
    "registry",
    "traces",
];

fn last_camel_word(name: &str) -> &str {
    let idx = name
        .char_indices()
        .filter(|(_, c)| c.is_ascii_uppercase())
        .map(|(i, _)| i)
        .last()
        .unwrap_or(0);
    &name[idx..]
}

/// Whether instances of `class` probably live as long as the process.
/// `singletons`: [`singletons_of`], built on first use.
fn long_lived<'a>(
    ix: &'a ModuleIndex,
    class: ScopeId,
    attr: &str,
    singletons: &mut Option<HashSet<&'a str>>,
) -> bool {
    let name = &ix.scopes[class].name;
    if LONG_LIVED_SUFFIXES.contains(&last_camel_word(name)) {
        return true;
    }
    let a = attr.to_ascii_lowercase();
    if TABLE_WORDS.iter().any(|w| a.contains(w)) {
        return true;
    }
    // Instantiated at module level (or as a class attribute): a singleton.
    singletons
        .get_or_insert_with(|| singletons_of(ix))
        .contains(name.as_str())
}

/// Callees of the calls at module level or in class bodies. A set, not a scan of
/// the calls per collection: quadratic on a module of 20 000 classes
/// (tests/generated_scale.rs).
fn singletons_of(ix: &ModuleIndex) -> HashSet<&str> {
    ix.calls
        .iter()
        .filter(|c| {
            matches!(
                ix.scopes[c.scope].kind,
                ScopeKind::Module | ScopeKind::Class
            )
        })
        .filter_map(|c| c.callee.as_deref())
        .collect()
}

pub struct Mem002;

fn describe(ix: &ModuleIndex, c: &Collection) -> String {
    match c.owner {
        Owner::ClassAttr(class) => format!(
            "class attribute `{}.{}` ({}) is shared by every instance",
            ix.scopes[class].name,
            c.name,
            c.kind.describe()
        ),
        Owner::Instance(class) => format!(
            "`{}` ({}) of `{}`",
            c.display,
            c.kind.describe(),
            ix.scopes[class].name
        ),
        Owner::Module => c.name.clone(),
    }
}

impl Rule for Mem002 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        let mut singletons = None;
        let mut snippets = None;
        let Some(all) = collections(cx) else {
            return;
        };
        for c in all.iter() {
            if cx.out_of_time() {
                return;
            }
            let class = match c.owner {
                Owner::Module => continue,
                Owner::Instance(k) => {
                    if !long_lived(ix, k, &c.name, &mut singletons) {
                        continue;
                    }
                    k
                }
                Owner::ClassAttr(k) => k,
            };
            if c.growth.is_empty() || !c.shrinks.is_empty() || c.escapes || c.len_guard {
                continue;
            }
            let a = &ix.assignments[c.init];
            let g = &c.growth[0];
            let msg = format!(
                "{} and grows in `{}.{}()`; nothing in `{}` ever removes entries",
                describe(ix, &c),
                ix.scopes[class].name,
                function_name(ix, g.scope),
                ix.scopes[class].name,
            );
            let sn = snippets.get_or_insert_with(|| Snippets::new(ix));
            let (before, after) = growth_fix(sn, c);
            let d = cx
                .report(&META, a.span, a.scope, msg)
                .with_fix(before, after);
            for g in &c.growth {
                d.with_related(g.span, format!("`{}` grows here", c.name));
            }
        }
    }
}
