//! ASYNC003 blocking-call-in-async.
use crate::finding::{Kind, Severity};
use crate::python::known::blocking::blocking_call_kind;
use crate::python::known::tasks::{THREAD_OFFLOAD_FUNCTIONS, THREAD_OFFLOAD_METHODS};
use crate::python::{CallUse, ModuleIndex};
use crate::rules::fix::statement_head_lines;
use crate::rules::{fix, Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags blocking calls made directly inside an `async def` (not inside a nested sync
`def` or a `lambda`, which do not run on the event loop by themselves):

- `time.sleep` (also imported as `from time import sleep` or under an alias),
- network: `requests.get/post/put/patch/delete/head/options/request`,
  `urllib.request.urlopen`, sync `httpx.get/post/...` and `httpx.Client(...)`,
- database: `sqlite3.connect`, `psycopg2.connect`,
- subprocess: `subprocess.run/call/check_call/check_output`, `os.system`,
- file I/O: `open(...)` (severity `medium`; everything else is `high`).

## Why is this bad?
A coroutine that blocks holds the whole event loop: every other request, timer and
health check served by that loop waits until the call returns. One slow peer stalls
the entire service. (Seed 003 #3: a blocking poll pinned a CPU and froze the API.)

## Example
```python
async def fetch_profile(user_id):
    resp = requests.get(f"{API}/users/{user_id}", timeout=5)
    time.sleep(1)
    return resp.json()
```

## Use instead
```python
async def fetch_profile(user_id):
    resp = await asyncio.to_thread(requests.get, f"{API}/users/{user_id}", timeout=5)
    await asyncio.sleep(1)
    return resp.json()
```
(or a native async client: `httpx.AsyncClient`, `asyncpg`, `aiosqlite`,
`asyncio.create_subprocess_exec`).

Calls handed to `asyncio.to_thread(...)` or `loop.run_in_executor(...)` are not
reported.

## Limitations
`requests.Session()` methods and other objects' blocking methods are not tracked.
"#;

pub static META: RuleMeta = RuleMeta {
    id: "ASYNC003",
    name: "blocking-call-in-async",
    kind: Kind::Finding,
    severity: Severity::High,
    summary:
        "a blocking call (sleep, network, database, subprocess, file I/O) directly inside async def",
    category: "asyncio",
    doc: DOC,
    effort_hours: 0.5,
};

pub struct Async003;

/// (qualified name, what it blocks on, severity).
fn blocking(q: &str) -> Option<(&'static str, Severity)> {
    let what = blocking_call_kind(q)?;
    // File I/O is `medium`; everything else is `high`.
    let severity = if what == "file I/O" {
        Severity::Medium
    } else {
        Severity::High
    };
    Some((what, severity))
}

/// Whether the call is (part of) an argument handed to a thread-offloading call.
fn offloaded(ix: &ModuleIndex, mut id: usize) -> bool {
    for _ in 0..16 {
        let parent = match ix.calls[id].usage {
            CallUse::Argument(p) => p,
            _ => return false,
        };
        let c = &ix.calls[parent];
        if c.qualified
            .as_deref()
            .is_some_and(|q| THREAD_OFFLOAD_FUNCTIONS.contains(&q))
            || THREAD_OFFLOAD_METHODS.contains(&c.method.as_str())
        {
            return true;
        }
        id = parent;
    }
    false
}

impl Rule for Async003 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        for (id, call) in ix.calls.iter().enumerate() {
            if !ix.is_async_scope(call.scope) {
                continue;
            }
            let Some(q) = call.qualified.as_deref() else {
                continue;
            };
            let Some((what, sev)) = blocking(q) else {
                continue;
            };
            if offloaded(ix, id) {
                continue;
            }
            let callee = call.callee.clone().unwrap_or_else(|| q.to_string());
            let text = ix.text_of(&call.span).to_string();
            let args = text
                .strip_prefix(callee.as_str())
                .map(str::trim_start)
                .and_then(|a| a.strip_prefix('('))
                .and_then(|a| a.strip_suffix(')'))
                .unwrap_or("")
                .trim()
                .to_string();
            let replacement = if what == "sleep" {
                format!("await asyncio.sleep({args})")
            } else if args.is_empty() {
                format!("await asyncio.to_thread({callee})")
            } else {
                format!("await asyncio.to_thread({callee}, {args})")
            };
            let (from, to, compound) = statement_head_lines(ix, &call.span);
            let mut before = fix::lines(ix, from, to);
            if compound {
                before.push_str("    ...\n");
            }
            let after = if q == "httpx.Client" && compound && before.starts_with("with ") {
                // A sync client in `with` inside `async def`: the async client in
                // `async with` (to_thread would only move the constructor).
                let ctor = match text.strip_prefix(callee.as_str()) {
                    Some(rest) => format!("httpx.AsyncClient{rest}"),
                    None => "httpx.AsyncClient()".to_string(),
                };
                format!("async {}", before.replacen(&text, &ctor, 1)).replacen(
                    "    ...\n",
                    "    ...  # and await its calls: `await client.get(...)`\n",
                    1,
                )
            } else if before.contains(&text) {
                if q == "open" && compound {
                    // The reads and writes block too: the whole `with` goes to a thread.
                    let block: String = before.lines().map(|l| format!("    {l}\n")).collect();
                    format!("def _file_work():  # the file's reads and writes, off the event loop\n{block}\nresult = await asyncio.to_thread(_file_work)\n")
                } else {
                    before.replacen(&text, &replacement, 1)
                }
            } else {
                format!("{replacement}\n")
            };
            let msg = format!(
                "`{callee}(...)` blocks the event loop ({what}) inside `async def {}`",
                ix.scopes[call.scope].name
            );
            cx.report(&META, call.span, call.scope, msg)
                .with_severity(sev)
                .with_fix(before, after);
        }
    }
}
