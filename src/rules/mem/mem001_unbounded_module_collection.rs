//! MEM001 unbounded-module-collection.
use super::collections::{collections, function_name, Collection, Owner};
use super::fix::{growth_fix, Snippets};
use super::per_call::PerCall;
use crate::finding::{Kind, Severity};
use crate::rules::{Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags a module-level `dict`, `list`, `set`, `defaultdict`, `OrderedDict`, `Counter`
or `deque()` (without `maxlen`) that functions grow at runtime (`X[k] = v`,
`X.setdefault(k, ...)`, `X.append(...)`, `X.add(...)`, `X.update(...)`,
`X[k].append(...)`) and that nothing in the module ever shrinks (`del X[k]`,
`X.pop(...)`, `X.popitem()`, `X.clear()`, `X.remove(...)`, `X.discard(...)`,
reassignment with `global X`).

Seeds: 000 CRITICAL-002 (session memory cache), 000 CRITICAL-003 (LTI state, nonce and
JWKS caches).

## Why is this bad?
A module-level collection lives as long as the process. Every new key (a session id,
an OIDC state, a prompt) adds an entry that is never removed, so a long-running web
worker or Celery worker grows until it is killed for running out of memory. Entries
nobody reads again (abandoned sessions, used nonces) are kept forever.

## Example
```python
sesiones_memoria: Dict[str, Dict[str, Any]] = {}

async def guardar_sesion_memoria(session_id: str, datos: Dict[str, Any]):
    sesiones_memoria[session_id] = datos  # never expires
```

## Use instead
```python
from cachetools import TTLCache

sesiones_memoria = TTLCache(maxsize=10_000, ttl=24 * 3600)

async def guardar_sesion_memoria(session_id: str, datos: Dict[str, Any]):
    sesiones_memoria[session_id] = datos
```
Lists that only need the latest items become `collections.deque(maxlen=N)`; an
`OrderedDict` with `popitem(last=False)` when full is a hand-made LRU.

## Stays silent on
- bounded types: `cachetools.TTLCache` / `LRUCache`, `deque(maxlen=...)`,
  `queue.Queue(maxsize=...)` (none of them is tracked);
- collections filled only at import time: top-level loops, registration decorators
  that return their argument (`@register` tables), functions named `register*`,
  functions only called from the module's top level;
- writes with constant keys only (`stats["hits"] += 1`, `seen.add("x")`);
- collections that anything in the module shrinks (see above), including method
  references such as `task.add_done_callback(_tasks.discard)`;
- collections whose size is tested (`if len(X) >= MAX: ...`);
- collections passed to other code (an argument to a call other than read-only
  builtins, returned, aliased): that code may evict;
- local variables that shadow the module-level name;
- growth without per-call data: the key (for `X[k] = v`) or the added item must
  come from the growing function's arguments (directly, or through locals and loop
  variables computed from them; `self`/`cls` do not count), or the function is a
  WSGI/ASGI application (`app(environ, start_response)`). Values from `self`,
  settings, the environment or the clock are configuration, not traffic;
- growth in constructors (`__init__`, `__new__`, `__post_init__`), public `add_*`
  functions (registration APIs such as `add_reload_hook(fn)`), start-up functions
  (`configure*`, `setup*`, `install*`) and the decorator of a decorator factory;
- memos of a pure function of the key (`cache[k] = resolve(k)`, not awaited).

## Limitations
A collection cleared from another module (`from app.state import X; X.clear()`) is
reported: the rule sees one module at a time. Keys that only take a few values
(`counts[status_code] += 1`) cannot be told apart from unbounded ones. Growth that
arrives per request but not through the function's arguments (a global
`request`, a per-task timestamp) is missed.

## Precision
Measured on the ecosystem corpus (`scripts/ecosystem`, 20 real projects, test code skipped, 2026-11-23): 7 of 9 (78%) true positives in the labelled sample (`bench/ecosystem/labels.csv`; all the corpus's findings within the 4-per-project cap), up from 6 of 20 (30%) before growth had to carry per-call data (29 -> 11 findings). Below the target (90% for its catalog `high`, and 80%), so the default severity stays `low` (was `high`): the two false positives are keyed by arguments whose values the program bounds (source files passed to tornado's `watch(filename)`, gunicorn's status-line cache by `(version, status)`); the rule cannot bound the set of keys. Real cases: per-request stores keyed by client input, caches keyed by connection objects, a WSGI app appending per request. One real case is now missed (celery's benchmark mode appends `time()` per task).
"#;

pub static META: RuleMeta = RuleMeta {
    id: "MEM001",
    name: "unbounded-module-collection",
    kind: Kind::Finding,
    severity: Severity::High,
    summary: "a module-level dict/list/set grows at runtime and is never evicted",
    category: "memory",
    doc: DOC,
    effort_hours: 1.5,
};

pub struct Mem001;

impl Rule for Mem001 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        // Built on first use, once per module (see `PerCall` and `Snippets`).
        let mut per_call = None;
        let mut snippets = None;
        let Some(all) = collections(cx) else {
            return;
        };
        for c in all.iter() {
            if cx.out_of_time() {
                return;
            }
            if c.owner != Owner::Module
                || c.growth.is_empty()
                || !c.shrinks.is_empty()
                || c.escapes
                || c.len_guard
            {
                continue;
            }
            // Only growth with data that arrives per call counts (see `per_call`).
            let per_call = per_call.get_or_insert_with(|| PerCall::new(ix));
            let growth: Vec<_> = c
                .growth
                .iter()
                .filter(|g| per_call.grows_per_call(g))
                .cloned()
                .collect();
            if growth.is_empty() {
                continue;
            }
            let c = Collection {
                growth,
                ..c.clone()
            };
            let c = &c;
            let a = &ix.assignments[c.init];
            let g = &c.growth[0];
            let msg = format!(
                "module-level {} `{}` grows in `{}()` and is never evicted",
                c.kind.describe(),
                c.name,
                function_name(ix, g.scope)
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
