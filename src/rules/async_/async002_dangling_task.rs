//! ASYNC002 dangling-task.
use crate::finding::{Applicability, Kind, Severity};
use crate::python::SpawnKind;
use crate::python::{CallUse, ScopeKind, Target, Value};
use crate::rules::fix::statement_head_lines;
use crate::rules::{fix, Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags `asyncio.create_task(...)`, `loop.create_task(...)` and
`asyncio.ensure_future(...)` whose result is thrown away, or bound to a local name
that is never used again.

## Why is this bad?
The event loop keeps only a weak reference to a task. A task nobody references can
be garbage collected before it finishes, and when it fails, its exception is never
retrieved: the error disappears (at best a "Task exception was never retrieved"
line at interpreter exit). Nothing can wait for it at shutdown either.
(Seed 004: fire-and-forget learning task; the fix that seed 004 proposes for
`_on_job_completed` itself starts such a task, and is reported too.)

## Example
```python
def _on_job_completed(self, job_id, task):
    asyncio.create_task(self._cleanup(job_id))
```

## Use instead
A task registry: keep a strong reference until the task is done.
```python
# in __init__: self._background_tasks: set[asyncio.Task] = set()
task = asyncio.create_task(self._cleanup(job_id))
self._background_tasks.add(task)
task.add_done_callback(self._background_tasks.discard)
```

Tasks that are stored, awaited, gathered, returned, passed to another call or given
a done-callback are not reported, nor `TaskGroup.create_task` (the group owns its
tasks).

## Precision
Measured on the ecosystem corpus (`scripts/ecosystem`, 20 real projects, test code skipped, 2026-11-23): 1 of 2 (50%) true positives in the labelled sample (`bench/ecosystem/labels.csv`). Below the target (80% for its `medium` severity). The severity stays the catalog's (it says the impact); the figure sets the confidence its findings start from, which the project model raises or lowers at each place (`src/rules/confidence.rs`, with the application sample of `bench/apps/`). Why it fell short: a task kept reachable through another object (uvicorn's lifespan task waits on the object's queue) is reported; the sample is small.
"#;

pub static META: RuleMeta = RuleMeta {
    id: "ASYNC002",
    name: "dangling-task",
    kind: Kind::Finding,
    severity: Severity::Medium,
    summary: "create_task/ensure_future result discarded: the task can be garbage collected and its errors are lost",
    category: "asyncio",
    doc: DOC,
    effort_hours: 0.5,
};

pub struct Async002;

impl Rule for Async002 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        for (id, call) in ix.calls.iter().enumerate() {
            let Some(kind) = ix.spawn_kind(call) else {
                continue;
            };
            if kind == SpawnKind::TaskGroup {
                continue;
            }
            // Inside `with self.assertRaises(...)`: the call fails, no task starts.
            if ix.in_expected_raise(call.block) {
                continue;
            }
            let unused_name = match call.usage {
                CallUse::Discarded => None,
                CallUse::Assigned => {
                    let Some(a) = ix
                        .assignments
                        .iter()
                        .find(|a| a.value == Some(Value::Call(id)))
                    else {
                        continue;
                    };
                    let [Target::Name(n)] = a.targets.as_slice() else {
                        continue;
                    };
                    let sc = &ix.scopes[a.scope];
                    if sc.kind == ScopeKind::Module || sc.kind == ScopeKind::Class {
                        continue;
                    }
                    if sc.globals.contains(n) || sc.nonlocals.contains(n) {
                        continue;
                    }
                    if ix.loads_after(n, a.scope, a.span.end_byte).next().is_some() {
                        continue;
                    }
                    Some(n.clone())
                }
                _ => continue,
            };
            let call_text = ix.text_of(&call.span).to_string();
            let spawner = call.callee.clone().unwrap_or_else(|| "create_task".into());
            let msg = match &unused_name {
                None => format!(
                    "the task started by `{spawner}(...)` is not kept: it can be garbage collected mid-flight and its exception is never seen"
                ),
                Some(n) => format!(
                    "the task `{n}` started by `{spawner}(...)` is never used again: it can be garbage collected mid-flight and its exception is never seen"
                ),
            };
            let in_method = ix.enclosing_class(call.scope).is_some()
                && ix.scopes[call.scope]
                    .params
                    .first()
                    .is_some_and(|p| p.name == "self");
            let registry = if in_method {
                "self._background_tasks"
            } else {
                "_background_tasks"
            };
            let task = unused_name.clone().unwrap_or_else(|| "task".into());
            let task = if task == "_" {
                "task".to_string()
            } else {
                task
            };
            let (from, to, compound) = statement_head_lines(ix, &call.span);
            let before = if compound {
                format!("{}    ...\n", fix::lines(ix, from, to))
            } else {
                fix::lines(ix, from, to)
            };
            let decl = if in_method {
                format!("# in __init__: {registry}: set[asyncio.Task] = set()\n")
            } else {
                format!("{registry}: set[asyncio.Task] = set()  # module level\n\n")
            };
            // Inside a compound statement's header the registry pattern is shown on
            // its own, as statements before it.
            let after = format!(
                "{decl}{task} = {call_text}\n{registry}.add({task})\n{task}.add_done_callback({registry}.discard)\n"
            );
            let d = cx
                .report(&META, call.span, call.scope, msg)
                .with_fix(before, after);
            // The file is edited for a task started by a statement of its own in
            // a function (not a method: its registry belongs in `__init__`), with
            // the names the fix binds free.
            let editable = !in_method
                && !compound
                && fix::alone_on_its_lines(ix, &call.span)
                && (unused_name.is_some() || fix::name_is_free(ix, call.scope, &task))
                && fix::name_is_free(ix, 0, registry);
            if editable {
                let (sf, st) = fix::statement_lines(ix, &call.span);
                let lines = [
                    format!("{task} = {call_text}"),
                    format!("{registry}.add({task})"),
                    format!("{task}.add_done_callback({registry}.discard)"),
                ];
                let declare = fix::Edit::insert(
                    fix::import_point(ix),
                    format!("\n{registry}: set[asyncio.Task] = set()\n"),
                );
                d.with_edits(
                    Applicability::Safe,
                    vec![declare, fix::replace_lines(ix, sf, st, &lines)],
                )
                .with_import(ix, "asyncio", None);
            }
        }
    }
}
