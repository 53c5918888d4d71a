//! ASYNC005 background-task-never-cancelled.
use crate::finding::{Kind, Severity};
use crate::python::SpawnKind;
use crate::python::{LoopKind, ModuleIndex, ScopeId, ScopeKind, Target, Value};
use crate::rules::{fix, Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags `self.X = asyncio.create_task(coro())` (also `loop.create_task`,
`asyncio.ensure_future`, and a module global declared `global X`) when the coroutine
loops forever (`while True:`, `while self._running:`) and nothing ever stops it:
no `X.cancel()`, no `await X` (or `X` handed to `gather`/`wait`/`wait_for`), and no
method that clears the loop's flag.

## Why is this bad?
Without a graceful shutdown the task is killed mid-iteration when the loop closes
("Task was destroyed but it is pending!"), its `finally` blocks never run, and in
tests or reloads several copies of the loop pile up. (Seeds 000 MEDIUM-008, 004.)

## Example
```python
class CacheJanitor:
    async def start(self):
        self._task = asyncio.create_task(self._run())

    async def _run(self):
        while True:
            await asyncio.sleep(60)
            self.purge()
```

## Use instead
```python
    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            task, self._task = self._task, None  # cleared before the await
            # Waits for the task to end; a cancellation of stop() itself still propagates.
            await asyncio.gather(task, return_exceptions=True)
```
and call `stop()` from the application's shutdown hook (FastAPI `lifespan`).

## Limitations
The coroutine must be a function or method of the same module (`self._run()`,
`worker()`); tasks running coroutines from elsewhere are not judged.
"#;

pub static META: RuleMeta = RuleMeta {
    id: "ASYNC005",
    name: "background-task-never-cancelled",
    kind: Kind::Finding,
    severity: Severity::Medium,
    summary:
        "a forever-looping background task stored on self is never cancelled (no graceful shutdown)",
    category: "asyncio",
    doc: DOC,
    effort_hours: 1.0,
};

pub struct Async005;

/// The function a coroutine call `self.m()` / `m()` runs, in this module.
fn target_function(ix: &ModuleIndex, callee: &str, from: ScopeId) -> Option<ScopeId> {
    if let Some(m) = callee.strip_prefix("self.") {
        let class = ix.enclosing_class(from)?;
        return ix.methods_of(class).find(|s| ix.scopes[*s].name == m);
    }
    if callee.contains('.') {
        return None;
    }
    ix.scopes.iter().position(|s| {
        s.kind == ScopeKind::Function
            && s.name == callee
            && s.parent.is_some_and(|p| p == 0 || ix.is_within(from, p))
    })
}

/// The flag a `while` loop tests (`self._running`, `not self._stopped`), if any.
fn loop_flag(v: &Value) -> Option<String> {
    match v {
        Value::Path(p) | Value::Name(p) => Some(p.clone()),
        Value::Other(t) => {
            let rest = t.strip_prefix("not ")?.trim();
            rest.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
                .then(|| rest.to_string())
        }
        _ => None,
    }
}

impl Rule for Async005 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        for a in &ix.assignments {
            let Some(Value::Call(cid)) = &a.value else {
                continue;
            };
            let call = &ix.calls[*cid];
            if !matches!(
                ix.spawn_kind(call),
                Some(SpawnKind::CreateTask | SpawnKind::EnsureFuture | SpawnKind::LoopCreateTask)
            ) {
                continue;
            }
            let path = match a.targets.as_slice() {
                [Target::Attr(p)] if p.starts_with("self.") && p.matches('.').count() == 1 => {
                    p.clone()
                }
                [Target::Name(n)] if ix.scopes[a.scope].globals.contains(n) => n.clone(),
                _ => continue,
            };
            // The coroutine and its forever loop.
            let Some(coro) = call.positional(0).and_then(|arg| ix.call_value(&arg.value)) else {
                continue;
            };
            let Some(f) = coro
                .callee
                .as_deref()
                .and_then(|c| target_function(ix, c, a.scope))
            else {
                continue;
            };
            let Some(forever) = ix.loops.iter().find(|l| {
                l.scope == f
                    && l.kind == LoopKind::While
                    && (l.infinite || l.test.as_ref().and_then(loop_flag).is_some())
            }) else {
                continue;
            };
            // Where a shutdown could be: the class, or the whole module for globals.
            let owner = if path.starts_with("self.") {
                ix.enclosing_class(a.scope)
            } else {
                Some(0)
            };
            let Some(owner) = owner else { continue };
            let within = |s: ScopeId| ix.is_within(s, owner);
            let cancelled = ix.calls.iter().any(|c| {
                within(c.scope) && c.receiver_path() == Some(path.as_str()) && c.method == "cancel"
            });
            let awaited = ix.loads.iter().any(|l| {
                within(l.scope)
                    && l.path == path
                    && ix
                        .awaits
                        .iter()
                        .any(|w| w.scope == l.scope && w.span.contains(&l.span))
            });
            let handed_over = ix.calls.iter().any(|c| {
                within(c.scope)
                    && c.args
                        .iter()
                        .any(|arg| arg.value.path() == Some(path.as_str()))
            });
            let flag_cleared = !forever.infinite
                && forever.test.as_ref().and_then(loop_flag).is_some_and(|flag| {
                    ix.assignments.iter().any(|w| {
                        w.scope != f
                            && within(w.scope)
                            && ix.scopes[w.scope].name != "__init__"
                            && w.targets.iter().any(|t| matches!(t, Target::Attr(p) | Target::Name(p) if *p == flag))
                            && w.span.start_byte != a.span.start_byte
                    })
                });
            if cancelled || awaited || handed_over || flag_cleared {
                continue;
            }
            let coro_name = &ix.scopes[f].name;
            let msg = format!(
                "`{path}` runs `{coro_name}()`, which loops forever, and is never cancelled: no graceful shutdown"
            );
            let before = fix::statement(ix, &a.span);
            let class_methods: Vec<String> = owner_methods(ix, owner);
            let stop = ["stop", "close", "aclose", "shutdown"]
                .iter()
                .find(|n| class_methods.iter().any(|m| m == *n))
                .copied()
                .unwrap_or("stop");
            let is_method = path.starts_with("self.");
            let (sig, g) = if is_method {
                (format!("async def {stop}(self) -> None:"), String::new())
            } else {
                (
                    format!("async def stop_{}() -> None:", path.trim_start_matches('_')),
                    format!("    global {path}\n"),
                )
            };
            let after = format!(
                "{before}\n\n{sig}\n{g}    if {path} is not None:\n        {path}.cancel()\n        task, {path} = {path}, None  # cleared before the await\n        # Waits for the task to end; a cancellation of stop() itself still propagates.\n        await asyncio.gather(task, return_exceptions=True)\n"
            );
            cx.report(&META, call.span, a.scope, msg)
                .with_related(forever.span, format!("`{coro_name}()` loops forever here"))
                .with_fix(before, after);
        }
    }
}

fn owner_methods(ix: &ModuleIndex, owner: ScopeId) -> Vec<String> {
    ix.scopes
        .iter()
        .filter(|s| s.parent == Some(owner) && s.kind == ScopeKind::Function)
        .map(|s| s.name.clone())
        .collect()
}
