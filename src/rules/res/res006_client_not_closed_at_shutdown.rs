//! RES006 client-not-closed-at-shutdown (project-wide).
//!
//! Two steps: [`collect`] extracts [`ClientFacts`] from one module (module-level
//! clients created, and every object the module closes), and [`check_project`]
//! combines the facts of all modules. The watcher keeps facts per file, so after an
//! edit only the changed file's facts are recomputed.
use serde::{Deserialize, Serialize};

use crate::finding::{Kind, Severity};
use crate::python::known::clients::{closer_of, LONG_LIVED_CLIENTS};
use crate::python::{ModuleIndex, Target};
use crate::rules::res::shutdown::{closed_names, last_segment};
use crate::rules::{fix, ProjectDiagnostic, RuleMeta, Settings};

pub const DOC: &str = r#"## What it does
Flags a long-lived client created at module level (a redis client, a SQLAlchemy
engine, an `httpx.AsyncClient`, an `aiohttp.ClientSession`, or a class listed in
`clients` in the configuration), or assigned to a module global from a function
(`global _engine; _engine = create_engine(...)`), that nothing in the whole project
ever closes or disposes.

The check is project-wide: a close anywhere counts, in any module: a FastAPI
`lifespan` or `@app.on_event("shutdown")` hook, a Celery `worker_shutdown` handler,
`atexit.register(client.close)`, `async with client:`, or an explicit
`client.close()` / `await client.aclose()` / `engine.dispose()`.

## Why is this bad?
Without a shutdown hook, the process exits (or a worker restarts) with connections
still open: the server side keeps them until its timeout, in-flight buffers are not
flushed, and async clients emit "Unclosed client session" warnings or errors at
interpreter shutdown. In test suites and reloading servers, each reload leaks a pool.
(Seeds: 000 HIGH-004; 001 #4.)

## Example
```python
# app/core/cache.py
redis_client = redis.asyncio.from_url(settings.REDIS_URL)
```

## Use instead
```python
# app/main.py
from contextlib import asynccontextmanager

from app.core.cache import redis_client


@asynccontextmanager
async def lifespan(app: FastAPI):
    yield
    await redis_client.aclose()
```
For synchronous clients, `atexit.register(engine.dispose)` or a Celery
`worker_shutdown` handler.

## Stays silent on
Clients closed anywhere in the project, including from another module. Clients of
a script (a module with `if __name__ == "__main__":`): it runs once and exits.

## Limitations
Closes are matched by the client's name (the last part of its dotted path), so a
`close()` on any object with the same name in the project keeps the rule silent.
Clients created inside functions and stored elsewhere (`app.state.redis`) are not
tracked.

## Precision
Measured on the ecosystem corpus (`scripts/ecosystem`, 20 real projects, test code skipped, 2026-11-23): 0 of 4 (0%) true positives in the labelled sample (`bench/ecosystem/labels.csv`). Below the target (80% for its `medium` severity). The severity stays the catalog's (it says the impact); the figure sets the confidence its findings start from, which the project model raises or lowers at each place (`src/rules/confidence.rs`, with the application sample of `bench/apps/`). Why it fell short: module-level engines of example programs that run once and exit; scripts with `if __name__ == "__main__":` are no longer reported, examples without it still are.
"#;

pub static META: RuleMeta = RuleMeta {
    id: "RES006",
    name: "client-not-closed-at-shutdown",
    kind: Kind::Finding,
    severity: Severity::Medium,
    summary: "a module-level long-lived client that nothing in the project ever closes",
    category: "resources",
    doc: DOC,
    effort_hours: 2.0,
};

/// A module-level client created in one module.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ModuleClient {
    /// `app.cache.redis_client`
    pub qualified: String,
    pub line: usize,
    pub end_line: usize,
    pub column: usize,
    pub end_column: usize,
    pub message: String,
    /// Qualified name of the scope of the creation (empty at module level).
    pub scope: String,
    pub before: String,
    pub after: String,
    /// Filled by the scan pipeline: the anchor line's text and the suppression
    /// comment covering it, if any.
    pub anchor_text: String,
    pub suppression: Option<Option<String>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ClientFacts {
    pub created: Vec<ModuleClient>,
    /// Qualified names (or bare trailing names when unresolvable) of objects this
    /// module closes.
    pub closed: Vec<String>,
}

pub fn collect(ix: &ModuleIndex, settings: Settings) -> ClientFacts {
    let mut facts = ClientFacts::default();
    // A script (`if __name__ == "__main__":`) runs once and exits: the end of the
    // process is its shutdown. Its closes still count for the project.
    let script = ix
        .source
        .lines()
        .any(|l| l.starts_with("if __name__ ==") || l.starts_with("if \"__main__\" =="));
    // Module-level clients (and globals assigned in functions).
    let mut seen = std::collections::HashSet::new();
    for a in &ix.assignments {
        let Some(call) = a.value.as_ref().and_then(|v| ix.call_value(v)) else {
            continue;
        };
        let Some(q) = call.qualified.as_deref() else {
            continue;
        };
        if !LONG_LIVED_CLIENTS.contains(&q) && !settings.clients.iter().any(|c| c == q) {
            continue;
        }
        let [Target::Name(name)] = a.targets.as_slice() else {
            continue;
        };
        let sc = &ix.scopes[a.scope];
        let module_level = a.scope == 0 || sc.globals.iter().any(|g| g == name);
        if script || !module_level || !seen.insert(name.clone()) {
            continue;
        }
        let (closer, is_async) = closer_of(q);
        let before = fix::statement(ix, &a.span);
        let after = if is_async {
            format!(
                "from contextlib import asynccontextmanager\n\n{before}\n\n@asynccontextmanager\nasync def lifespan(app):\n    yield\n    await {name}.{closer}()  # close the pool at shutdown\n"
            )
        } else {
            format!("import atexit\n\n{before}atexit.register({name}.{closer})\n")
        };
        let after = if a.scope == 0 {
            after
        } else {
            // Created in a function: show the shutdown hook alone.
            if is_async {
                format!(
                    "from contextlib import asynccontextmanager\n\n\n@asynccontextmanager\nasync def lifespan(app):\n    yield\n    if {name} is not None:\n        await {name}.{closer}()\n"
                )
            } else {
                format!(
                    "from celery.signals import worker_shutdown\n\n\n@worker_shutdown.connect\ndef close_{name}(sender=None, **kwargs):\n    if {name} is not None:\n        {name}.{closer}()\n"
                )
                .replace("def close__", "def close_")
            }
        };
        facts.created.push(ModuleClient {
            qualified: format!("{}.{name}", ix.module_name),
            line: call.span.line,
            end_line: call.span.end_line,
            column: call.span.column,
            end_column: call.span.end_column,
            message: format!(
                "module-level `{q}` client `{name}` is never closed anywhere in the project (no lifespan/shutdown hook, `atexit` or `{closer}()`)"
            ),
            scope: sc.qualname.clone(),
            before,
            after,
            anchor_text: String::new(),
            suppression: None,
        });
    }
    facts.closed = closed_names(ix);
    facts
}

/// `files`: (relative path, facts) for every module of the project.
pub fn check_project(files: &[(&str, &ClientFacts)]) -> Vec<ProjectDiagnostic> {
    let closed: std::collections::HashSet<&str> = files
        .iter()
        .flat_map(|(_, f)| f.closed.iter().map(|c| last_segment(c)))
        .collect();
    let mut out = vec![];
    for (path, facts) in files {
        for c in &facts.created {
            if closed.contains(last_segment(&c.qualified)) {
                continue;
            }
            out.push(ProjectDiagnostic {
                rule: &META,
                path: path.to_string(),
                line: c.line,
                end_line: c.end_line,
                column: c.column,
                end_column: c.end_column,
                scope: c.scope.clone(),
                message: c.message.clone(),
                fix: Some((c.before.clone(), c.after.clone())),
                anchor_text: c.anchor_text.clone(),
                suppression: c.suppression.clone(),
            });
        }
    }
    out
}
