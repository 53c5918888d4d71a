//! CONC002 inconsistent-locking.
use std::collections::{HashMap, HashSet};

use crate::finding::{Kind, Severity};
use crate::python::{Call, ModuleIndex, ScopeId, ScopeKind};
use crate::rules::fix::{reindent, statement_head_lines};
use crate::rules::{fix, Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags a write to an attribute that the class protects with a lock elsewhere: one
method mutates `self.X` under `with self._lock:` (or `async with`), another method
(not `__init__`) mutates the same `self.X` without holding any lock. Each
unprotected write is reported.

## Why is this bad?
A lock only protects state if every writer takes it. One unlocked writer is enough
to corrupt the structure the lock was meant to protect (a dict resized while another
thread iterates it, a counter losing increments, an invariant between two attributes
broken half-way).

## Example
```python
class SessionStore:
    def __init__(self):
        self._lock = threading.Lock()
        self._sessions = {}

    def put(self, key, value):
        with self._lock:
            self._sessions[key] = value

    def drop(self, key):
        self._sessions.pop(key, None)
```

## Use instead
```python
    def drop(self, key):
        with self._lock:
            self._sessions.pop(key, None)
```

## Limitations
- A helper method that is only called while the lock is held (every `self.helper()`
  call sits in a locked region, or its name ends with `_locked`) is not reported.
- With an `asyncio.Lock`, writes in plain `def` methods are not reported: they cannot
  be interleaved with other coroutines.
- Writes through aliases (`d = self._x; d[k] = v`) are not seen.

## Precision
Measured on the ecosystem corpus (`scripts/ecosystem`, 20 real projects, test code skipped, 2026-11-23): 0 of 20 (0%) true positives in the labelled sample (`bench/ecosystem/labels.csv`). Below the target (90% for its `high` severity). The severity stays the catalog's (it says the impact); the figure sets the confidence its findings start from, which the project model raises or lowers at each place (`src/rules/confidence.rs`, with the application sample of `bench/apps/`). Why it fell short: writes outside the lock are almost always made where no other thread can run yet or any more (construction, configuration before start, the forked child, asyncio code with no `await`), or are single atomic stores (a boolean stop flag, `list.append`). The index does not know which methods run concurrently.
"#;

pub static META: RuleMeta = RuleMeta {
    id: "CONC002",
    name: "inconsistent-locking",
    kind: Kind::Finding,
    severity: Severity::High,
    summary: "an attribute written under a lock in one method is written without it in another",
    category: "concurrency",
    doc: DOC,
    effort_hours: 1.0,
};

pub struct Conc002;

const INIT_METHODS: &[&str] = &["__init__", "__new__", "__post_init__", "__del__", "setUp"];

impl Rule for Conc002 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        // The method (direct child of a class) a scope belongs to.
        let method_of = |mut s: ScopeId| -> Option<(ScopeId, ScopeId)> {
            loop {
                let p = ix.scopes[s].parent?;
                if ix.scopes[p].kind == ScopeKind::Class {
                    return (ix.scopes[s].kind == ScopeKind::Function).then_some((p, s));
                }
                s = p;
            }
        };
        let writes = ix.state_writes();
        // (class, attr) -> methods writing it under a lock, and whether the lock is async.
        let mut locked: HashMap<(ScopeId, String), (HashSet<ScopeId>, String, bool)> =
            HashMap::new();
        let mut lock_paths = HashSet::new();
        for w in &ix.withs {
            if let Some(l) = &w.lock {
                lock_paths.insert(l.clone());
            }
        }
        let is_self_attr = |p: &str| p.starts_with("self.") && p.matches('.').count() == 1;
        // Memos (each is a scan of the module's assignments or calls; once per
        // write was quadratic on generated modules).
        let mut async_lock: HashMap<(String, ScopeId), bool> = HashMap::new();
        let mut self_calls: HashMap<&str, Vec<&Call>> = HashMap::new();
        for c in &ix.calls {
            if let Some(callee) = c.callee.as_deref().filter(|c| c.starts_with("self.")) {
                self_calls.entry(callee).or_default().push(c);
            }
        }
        let mut under_lock: HashMap<(ScopeId, usize), bool> = HashMap::new();
        for w in writes {
            if !is_self_attr(&w.path) || lock_paths.contains(&w.path) {
                continue;
            }
            let Some((class, m)) = method_of(w.scope) else {
                continue;
            };
            if INIT_METHODS.contains(&ix.scopes[m].name.as_str()) {
                continue;
            }
            if let Some(with) = ix.lock_held_at(w.block) {
                let lock = with.lock.clone().unwrap_or_default();
                let is_async = with.is_async
                    || *async_lock.entry((lock.clone(), class)).or_insert_with(|| {
                        ix.lock_type_in(&lock, Some(class))
                            .is_some_and(|q| q.starts_with("asyncio.") || q.starts_with("anyio."))
                    });
                let e = locked
                    .entry((class, w.path.clone()))
                    .or_insert_with(|| (HashSet::new(), lock, is_async));
                e.0.insert(m);
            }
        }
        // Methods whose every `self.m()` call holds a lock: the caller locks for them.
        // Every call of the method within its class runs under a lock, directly or
        // through private helpers whose own callers hold it (`acquire()` takes the
        // lock and calls `_acquire()`, which calls `_refill()`).
        fn called_under_lock(
            ix: &ModuleIndex,
            self_calls: &HashMap<&str, Vec<&Call>>,
            memo: &mut HashMap<(ScopeId, usize), bool>,
            class: ScopeId,
            m: ScopeId,
            depth: usize,
        ) -> bool {
            if let Some(&known) = memo.get(&(m, depth)) {
                return known;
            }
            let name = &ix.scopes[m].name;
            if name.ends_with("_locked") || name.ends_with("_unlocked") || name.ends_with("_nolock")
            {
                return true;
            }
            if depth == 0 {
                return false;
            }
            let target = format!("self.{name}");
            let calls: Vec<&Call> = self_calls
                .get(target.as_str())
                .into_iter()
                .flatten()
                .copied()
                .filter(|c| ix.enclosing_class(c.scope) == Some(class))
                .collect();
            let held = !calls.is_empty()
                && calls.iter().all(|c| {
                    ix.lock_held_at(c.block).is_some()
                        || (c.scope != m
                            && ix.scopes[c.scope].kind == ScopeKind::Function
                            && ix.scopes[c.scope].parent == Some(class)
                            && ix.scopes[c.scope].name.starts_with('_')
                            && !ix.scopes[c.scope].name.starts_with("__")
                            && called_under_lock(ix, self_calls, memo, class, c.scope, depth - 1))
                });
            memo.insert((m, depth), held);
            held
        }
        let mut seen_lines = HashSet::new();
        for w in writes {
            if !is_self_attr(&w.path) {
                continue;
            }
            let Some((class, m)) = method_of(w.scope) else {
                continue;
            };
            let Some((methods, lock, is_async)) = locked.get(&(class, w.path.clone())) else {
                continue;
            };
            if INIT_METHODS.contains(&ix.scopes[m].name.as_str())
                || methods.contains(&m)
                || ix.lock_held_at(w.block).is_some()
            {
                continue;
            }
            // With an asyncio lock, a write in sync code cannot interleave.
            if *is_async && !ix.is_async_scope(w.scope) {
                continue;
            }
            // `with self.pools.lock:` guards a compound action on `self.pools`, an
            // object that synchronises its own methods (`self.pools.clear()`).
            if lock.starts_with(&format!("{}.", w.path)) {
                continue;
            }
            // After `fork()` the child has a single thread (`_afterfork()`,
            // `_at_fork_reinit()`): no lock is needed there.
            if ix.scopes[m].name.contains("fork") {
                continue;
            }
            if called_under_lock(ix, &self_calls, &mut under_lock, class, m, 3) {
                continue;
            }
            if !seen_lines.insert(w.span.line) {
                continue;
            }
            let locked_in: Vec<String> = {
                let mut v: Vec<String> = methods
                    .iter()
                    .map(|s| format!("`{}()`", ix.scopes[*s].name))
                    .collect();
                v.sort();
                v
            };
            let msg = format!(
                "`{}` is written without `{lock}` in `{}()`, but under the lock in {}",
                w.path,
                ix.scopes[m].name,
                locked_in.join(", ")
            );
            let (from, to, compound) = statement_head_lines(ix, &w.span);
            let before = if compound {
                format!("{}    ...\n", fix::lines(ix, from, to))
            } else {
                fix::lines(ix, from, to)
            };
            let kw = if *is_async { "async with" } else { "with" };
            let mut after = format!("{kw} {lock}:\n");
            for l in reindent(ix, from, to, 4) {
                after.push_str(&l);
                after.push('\n');
            }
            if compound {
                after.push_str("        ...\n");
            }
            let d = cx.report(&META, w.span, w.scope, msg);
            for s in methods {
                d.with_related(
                    ix.scopes[*s].name_span,
                    format!("`{}` written under `{lock}` here", w.path),
                );
            }
            d.with_fix(before, after);
        }
    }
}
