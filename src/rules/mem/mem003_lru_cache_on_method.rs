//! MEM003 lru-cache-on-method.
use super::fix::lines_with;
use crate::finding::{Kind, Severity};
use crate::python::known::caching::MEMOIZING_DECORATORS;
use crate::python::ScopeKind;
use crate::rules::fix::{self, Edit};
use crate::rules::{Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags `functools.lru_cache` / `functools.cache` (however imported or aliased)
decorating an instance method.

Seed: 000 (memory review of cached helpers); the same hazard as Ruff's B019.

## Why is this bad?
The cache is global to the function, not to the instance, and its keys include
`self`. Every instance the method is ever called on stays alive as long as the cache
holds an entry for it (with `functools.cache` / `maxsize=None`, forever), together
with every argument. Short-lived objects (request handlers, per-job services) are
never freed, and their `__del__`/cleanup never runs.

## Example
```python
class PricingService:
    @lru_cache(maxsize=1024)
    def price(self, sku: str) -> Decimal:
        return self._repo.load(sku).price
```

## Use instead
A cache per instance, freed with it:
```python
class PricingService:
    def __init__(self, repo):
        self._repo = repo
        self.price = lru_cache(maxsize=1024)(self._price_uncached)

    def _price_uncached(self, sku: str) -> Decimal:
        return self._repo.load(sku).price
```
or, when the method does not use `self`, a `@staticmethod` (or a module-level
function) under the cache.

A `@property` under the cache becomes `functools.cached_property`.

## Stays silent on
`@staticmethod` methods, `@classmethod` methods (the class lives forever anyway),
module-level functions, functions nested inside methods, and
`functools.cached_property` (stored on the instance).

## Precision
Measured on the ecosystem corpus (`scripts/ecosystem`, 20 real projects, test code skipped, 2026-11-23): 0 of 8 (0%) true positives in the labelled sample (`bench/ecosystem/labels.csv`). Below the target (80% for its `medium` severity). The severity stays the catalog's (it says the impact); the figure sets the confidence its findings start from, which the project model raises or lowers at each place (`src/rules/confidence.rs`, with the application sample of `bench/apps/`). Why it fell short: `lru_cache` on methods of process singletons (a dialect per engine, the app registry) or on classmethods (classes live for the program anyway).
"#;

pub static META: RuleMeta = RuleMeta {
    id: "MEM003",
    name: "lru-cache-on-method",
    kind: Kind::Finding,
    severity: Severity::Medium,
    summary: "functools.lru_cache/cache on an instance method keeps every instance alive",
    category: "memory",
    doc: DOC,
    effort_hours: 0.5,
};

pub struct Mem003;

impl Rule for Mem003 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        for (sid, sc) in ix.scopes.iter().enumerate() {
            if sc.kind != ScopeKind::Function || ix.class_of(sid).is_none() {
                continue;
            }
            if ix.has_decorator(sid, &["staticmethod", "classmethod"]) {
                continue;
            }
            let Some(self_param) = sc.params.first().map(|p| p.name.clone()) else {
                continue;
            };
            if self_param.starts_with('*') {
                continue;
            }
            let Some(dec) = sc.decorators.iter().find(|d| {
                d.qualified
                    .as_deref()
                    .is_some_and(|q| MEMOIZING_DECORATORS.contains(&q))
            }) else {
                continue;
            };
            let class = &ix.scopes[ix.class_of(sid).expect("checked")].name;
            let uses_self = ix
                .loads
                .iter()
                .any(|l| l.name == self_param && ix.is_within(l.scope, sid));
            let dec_text = match dec.call {
                Some(c) => ix.text_of(&ix.calls[c].span).to_string(),
                None => dec.text.clone(),
            };
            let whole = sc.span.end_line - sc.span.line < fix::MAX_LINES;
            let before = fix::function_or_statement(ix, sid, &sc.name_span);
            let is_property = ix.has_decorator(sid, &["property"]);
            let after = if is_property {
                // A cached property: stored on the instance, freed with it.
                let body: Vec<String> = before
                    .lines()
                    .filter(|l| l.trim() != "@property")
                    .map(|l| {
                        if l.trim().starts_with(&format!("@{dec_text}")) {
                            "@cached_property".to_string()
                        } else {
                            l.to_string()
                        }
                    })
                    .collect();
                format!(
                    "from functools import cached_property\n\n{}\n",
                    body.join("\n")
                )
            } else if !uses_self {
                // `@staticmethod` above the cache, `self` dropped from the signature.
                let def_line = ix.line_text(sc.name_span.line);
                let new_def = def_line
                    .replacen(&format!("({self_param}, "), "(", 1)
                    .replacen(&format!("({self_param})"), "()", 1);
                let dec_line = ix.line_text(dec.span.line);
                let pad = &dec_line[..dec_line.len() - dec_line.trim_start().len()];
                let start = fix::line_start(ix, sc.name_span.line);
                let at = dec.span.start_byte;
                let edits = vec![
                    Edit::replace(at..at + 1, format!("@staticmethod\n{pad}@")),
                    Edit::replace(start..start + def_line.len(), new_def.clone()),
                ];
                if whole && new_def != def_line {
                    fix_indent(&lines_with(ix, sc.span.line, sc.span.end_line, edits))
                } else {
                    format!(
                        "@staticmethod\n{}",
                        fix::dedent(&before.replacen(&format!("({self_param}, "), "(", 1))
                    )
                }
            } else {
                // A cache per instance, created in `__init__`.
                let uncached = format!("_{}_uncached", sc.name.trim_start_matches('_'));
                // The decorator's line goes, with its newline.
                let dec_line = fix::line_start(ix, dec.span.line)..dec.span.end_byte + 1;
                let name = sc.name_span.start_byte..sc.name_span.end_byte;
                let edits = vec![
                    Edit::delete(dec_line),
                    Edit::replace(name, uncached.clone()),
                ];
                let body = if whole {
                    lines_with(ix, sc.span.line, sc.span.end_line, edits)
                } else {
                    before
                        .lines()
                        .filter(|l| !l.trim().starts_with(&format!("@{dec_text}")))
                        .collect::<Vec<_>>()
                        .join("\n")
                        .replacen(&format!("def {}(", sc.name), &format!("def {uncached}("), 1)
                };
                format!(
                    "# in `{class}.__init__`: one cache per instance, freed with the instance\n\
                     {self_param}.{name} = {dec_call}({self_param}.{uncached})\n\n{body}",
                    name = sc.name,
                    dec_call = dec_text,
                )
            };
            cx.report(
                &META,
                dec.span,
                sid,
                format!(
                    "`@{dec_text}` on method `{class}.{}` caches `{self_param}`: every instance it is called on, and every argument, stays alive in a cache shared by all instances",
                    sc.name
                ),
            )
            .with_fix(before, after);
        }
    }
}

/// Re-dedents text whose first line was shifted by a replacement.
fn fix_indent(text: &str) -> String {
    fix::dedent(text)
}
