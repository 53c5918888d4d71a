//! GOOD002 bounded-cache (strength).
#[allow(unused_imports)]
use crate::finding::{Kind, Severity};
#[allow(unused_imports)]
use crate::python::{BlockKind, ScopeKind, Target, TestKind, Value};
use crate::rules::{fix, Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Recognises a good pattern to preserve (a strength, reported without severity and
never counted against the health score): `TTLCache`, `LRUCache`, `deque(maxlen=...)`, `OrderedDict` with `popitem(last=False)` eviction.

## Why is this good?
Caches with a size or age bound cannot grow without limit: memory stays flat however long the process runs.

## Example
```python
_cache = TTLCache(maxsize=10_000, ttl=300)
_recent = deque(maxlen=1000)
```

## Use instead
Keep it. When refactoring this code, preserve the pattern.

Strengths are listed in every seed report under "Excellent patterns, preserve these".
"#;

pub static META: RuleMeta = RuleMeta {
    id: "GOOD002",
    name: "bounded-cache",
    kind: Kind::Strength,
    severity: Severity::Info,
    summary:
        "a bounded cache: TTLCache/LRUCache, deque(maxlen), OrderedDict with FIFO/LRU eviction",
    category: "strength",
    doc: DOC,
    effort_hours: 0.0,
};

pub struct Good002;

impl Rule for Good002 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        for c in &ix.calls {
            let q = c.qualified.as_deref().unwrap_or("");
            let recognised = match q {
                "cachetools.TTLCache"
                | "cachetools.LRUCache"
                | "cachetools.LFUCache"
                | "cachetools.TLRUCache"
                | "cachetools.FIFOCache" => Some(q.rsplit('.').next().unwrap_or(q).to_string()),
                "collections.deque" => {
                    let bounded = c
                        .keyword("maxlen")
                        .map(|a| &a.value)
                        .or_else(|| c.positional(1).map(|a| &a.value))
                        .is_some_and(|v| *v != Value::None);
                    bounded.then(|| "deque(maxlen=...)".to_string())
                }
                _ => None,
            };
            let recognised = recognised.or_else(|| {
                // OrderedDict eviction: `X.popitem(last=False)` on an OrderedDict.
                if c.method != "popitem" {
                    return None;
                }
                let last_false = c
                    .keyword("last")
                    .is_some_and(|a| a.value == Value::Bool(false))
                    || c.positional(0)
                        .is_some_and(|a| a.value == Value::Bool(false));
                let recv = c.receiver_path()?;
                let is_od = ix.assignments.iter().any(|a| {
                    a.targets.iter().any(|t| match t {
                        Target::Name(n) => n == recv || format!("self.{n}") == recv,
                        Target::Attr(p) => p == recv,
                        _ => false,
                    }) && a
                        .value
                        .as_ref()
                        .and_then(|v| ix.call_value(v))
                        .is_some_and(|k| k.qualified.as_deref() == Some("collections.OrderedDict"))
                });
                (last_false && is_od).then(|| format!("OrderedDict `{recv}` with eviction"))
            });
            let Some(what) = recognised else { continue };
            let s = fix::statement(ix, &c.span);
            cx.report(&META, c.span, c.scope, format!("bounded cache: {what}"))
                .with_fix(s.clone(), s);
        }
    }
}
