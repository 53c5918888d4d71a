//! RES002 client-per-call.
use crate::finding::{Kind, Severity};
use crate::python::known::clients::{pooled_client, HTTP_CLIENTS};
use crate::python::{BlockKind, CallUse, LoopKind, ModuleIndex, ScopeId, ScopeKind, Value};
use crate::rules::res::local_binding;
use crate::rules::{fix, Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags an HTTP client or session (`httpx.AsyncClient()`, `httpx.Client()`,
`aiohttp.ClientSession()`, `requests.Session()`) constructed inside code that runs
once per call: a method of a provider/service class, a request handler (a function
decorated with a route such as `@router.post(...)`), a Celery task, or the body of a
`for` loop / comprehension, when the client is used and dropped there (`async with
httpx.AsyncClient() as client:` or a local variable).

## Why is this bad?
A client owns a connection pool. Creating one per call throws the pool away every
time: each request pays a new TCP connection and TLS handshake, and under load the
process accumulates sockets in `TIME_WAIT` until connections are exhausted.
(Seed 000 CRITICAL-005.)

## Example
```python
class MistralProvider:
    async def _call_api(self, payload):
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            response = await client.post(self.url, json=payload)
        return response.json()
```

## Use instead
```python
class MistralProvider:
    _client: httpx.AsyncClient | None = None

    async def _get_client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self.timeout)
        return self._client

    async def _call_api(self, payload):
        client = await self._get_client()
        response = await client.post(self.url, json=payload)
        return response.json()

    async def aclose(self) -> None:
        # Detached before the await: a concurrent caller cannot close it twice.
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()
```
Call `aclose()` from the application's shutdown (FastAPI lifespan).

## Stays silent on
`main()`, CLI commands, lifespan/startup hooks, `__init__`/`__aenter__`/`setup`
methods, tests and fixtures, module-level scripts, `while` loops (reconnect loops),
plain module-level functions outside loops (a script that reuses one client for a
batch), and factories: clients that are returned, yielded, stored on `self` or
handed to another object.
"#;

pub static META: RuleMeta = RuleMeta {
    id: "RES002",
    name: "client-per-call",
    kind: Kind::Finding,
    severity: Severity::High,
    summary: "an HTTP client/session is constructed per call instead of reusing one pooled client",
    category: "resources",
    doc: DOC,
    effort_hours: 1.0,
};

const EXEMPT_FUNCTIONS: &[&str] = &[
    "__init__",
    "__post_init__",
    "__enter__",
    "__aenter__",
    "__new__",
    "main",
    "amain",
    "async_main",
    "cli",
    "run",
    "handle",
    "lifespan",
    "startup",
    "on_startup",
    "startup_event",
    "shutdown",
    "setup",
    "setUp",
    "asyncSetUp",
    "setUpClass",
    "start",
    "connect",
    "open",
    "initialize",
    "init",
];

fn exempt_scope(ix: &ModuleIndex, s: ScopeId) -> bool {
    let sc = &ix.scopes[s];
    let name = sc.name.as_str();
    if EXEMPT_FUNCTIONS.contains(&name)
        || name.starts_with("test")
        || name.starts_with("_init")
        || name.contains("lifespan")
        || name.contains("startup")
    {
        return true;
    }
    sc.decorators.iter().any(|d| {
        let last = d.text.rsplit('.').next().unwrap_or(&d.text);
        matches!(
            last,
            "fixture"
                | "command"
                | "group"
                | "on_event"
                | "callback"
                | "contextmanager"
                | "asynccontextmanager"
        ) || d.text.starts_with("click.")
            || d.text.starts_with("typer.")
    })
}

fn is_handler(ix: &ModuleIndex, s: ScopeId) -> bool {
    ix.scopes[s].decorators.iter().any(|d| {
        let last = d.text.rsplit('.').next().unwrap_or(&d.text);
        let route = d.call.is_some()
            && d.text.contains('.')
            && matches!(
                last,
                "get"
                    | "post"
                    | "put"
                    | "patch"
                    | "delete"
                    | "head"
                    | "options"
                    | "route"
                    | "api_route"
                    | "websocket"
            );
        let task = matches!(last, "task" | "shared_task");
        route || task
    })
}

fn in_data_loop(ix: &ModuleIndex, block: Option<usize>) -> bool {
    ix.blocks_of(block)
        .any(|b| b.kind == BlockKind::Loop && ix.loops[b.owner].kind != LoopKind::While)
}

pub struct Res002;

impl Rule for Res002 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        if ix
            .module_name
            .split('.')
            .any(|p| p.starts_with("test") || p == "conftest" || p.ends_with("_test"))
        {
            return;
        }
        for (cid, call) in ix.calls.iter().enumerate() {
            let Some(q) = call.qualified.as_deref() else {
                continue;
            };
            if !HTTP_CLIENTS.contains(&q) {
                continue;
            }
            let s = call.scope;
            if ix.scopes[s].kind != ScopeKind::Function {
                continue;
            }
            // Exempt the function and every function it is nested in.
            let mut cur = Some(s);
            let mut exempt = false;
            while let Some(x) = cur {
                if ix.scopes[x].kind == ScopeKind::Function && exempt_scope(ix, x) {
                    exempt = true;
                }
                cur = ix.scopes[x].parent;
            }
            if exempt {
                continue;
            }
            let class = ix.class_of(s);
            if class.is_some_and(|c| ix.scopes[c].name.starts_with("Test")) {
                continue;
            }
            let in_loop = in_data_loop(ix, call.block);
            let per_call = in_loop || class.is_some() || is_handler(ix, s);
            if !per_call {
                continue;
            }
            // How the client is used: `with` item or a local that is dropped.
            let (name, with_id, assign) = match call.usage {
                CallUse::WithItem => {
                    let Some((wid, w)) = ix
                        .withs
                        .iter()
                        .enumerate()
                        .find(|(_, w)| w.items.iter().any(|i| i.value == Value::Call(cid)))
                    else {
                        continue;
                    };
                    let alias = w
                        .items
                        .iter()
                        .find(|i| i.value == Value::Call(cid))
                        .and_then(|i| i.alias.clone());
                    if let Some(al) = &alias {
                        let lc = ix.local_lifecycle(al, s, w.span.start_byte);
                        if lc.returned
                            || lc.yielded
                            || lc.stored
                            || lc.passed_to_owner
                            || lc.spawned
                        {
                            continue;
                        }
                    }
                    (alias.unwrap_or_else(|| "client".into()), Some(wid), None)
                }
                CallUse::Assigned => {
                    let Some((a, name)) = local_binding(ix, cid) else {
                        continue;
                    };
                    let lc = ix.local_lifecycle(&name, s, a.span.end_byte);
                    if lc.returned
                        || lc.yielded
                        || lc.stored
                        || lc.passed_to_owner
                        || lc.spawned
                        || lc.captured
                    {
                        continue;
                    }
                    (name, None, Some((a, lc.plain_closes)))
                }
                _ => continue,
            };
            let (_, is_async) = pooled_client(q).unwrap_or(("close", false));
            let is_async = is_async && ix.scopes[s].is_async;
            let kind = if name.contains("session") || q.contains("Session") {
                "session"
            } else {
                "client"
            };
            let ctor = ix.text_of(&call.span).to_string();
            let getter_call = match (class.is_some(), is_async) {
                (true, true) => format!("await self._get_{kind}()"),
                (true, false) => format!("self._get_{kind}()"),
                (false, true) => format!("await _get_{kind}()"),
                (false, false) => format!("_{kind}"),
            };
            // Rewrite the function: the client comes from the shared getter.
            let sc = &ix.scopes[s];
            let mut edits = vec![];
            let mut ok = true;
            if let Some(wid) = with_id {
                let w = &ix.withs[wid];
                if w.items.len() != 1 || w.body.line <= w.span.line {
                    ok = false;
                } else {
                    edits.push(fix::LineOp::Replace {
                        from: w.span.line,
                        to: w.body.line - 1,
                        text: format!("{name} = {getter_call}"),
                    });
                    let delta = fix::indent_of(ix, w.body.line).len() as isize
                        - fix::indent_of(ix, w.span.line).len() as isize;
                    edits.push(fix::LineOp::Shift {
                        from: w.body.line,
                        to: w.span.end_line,
                        delta: -delta,
                    });
                }
            }
            if let Some((a, closes)) = &assign {
                edits.push(fix::LineOp::Replace {
                    from: a.span.line,
                    to: a.span.end_line,
                    text: format!("{name} = {getter_call}"),
                });
                for c in closes {
                    if let Some(st) = ix.statement_at(&ix.calls[*c].span) {
                        let siblings = ix
                            .stmts
                            .iter()
                            .filter(|x| x.scope == st.scope && x.block == st.block)
                            .count();
                        if siblings > 1 {
                            edits.push(fix::LineOp::Delete {
                                from: st.span.line,
                                to: st.span.end_line,
                            });
                        } else {
                            edits.push(fix::LineOp::Replace {
                                from: st.span.line,
                                to: st.span.end_line,
                                text: format!("pass  # the shared {kind} stays open"),
                            });
                        }
                    }
                }
            }
            let fits = sc.span.end_line - sc.span.line < fix::MAX_LINES;
            let before = fix::function_or_statement(ix, s, &call.span);
            let body = if ok && fits {
                fix::rewrite(ix, sc.span.line, sc.span.end_line, &edits)
            } else {
                let header = ix.line_text(sc.name_span.line).trim().to_string();
                format!("{header}\n    {name} = {getter_call}\n    ...\n")
            };
            let typ = call.callee.clone().unwrap_or_else(|| q.to_string());
            let after = match (class.is_some(), is_async) {
                (true, true) => format!(
                    "_{kind}: {typ} | None = None  # one pooled {kind} per instance\n\nasync def _get_{kind}(self) -> {typ}:\n    if self._{kind} is None:\n        self._{kind} = {ctor}\n    return self._{kind}\n\n{body}\nasync def aclose(self) -> None:\n    # Detached before the await: a concurrent caller cannot close it twice.\n    {kind}, self._{kind} = self._{kind}, None\n    if {kind} is not None:\n        await {kind}.{closer}()\n",
                    closer = if q.contains("aiohttp") { "close" } else { "aclose" },
                ),
                (true, false) => format!(
                    "_{kind}: {typ} | None = None  # one pooled {kind} per instance\n\ndef _get_{kind}(self) -> {typ}:\n    if self._{kind} is None:\n        self._{kind} = {ctor}\n    return self._{kind}\n\n{body}\ndef close(self) -> None:\n    if self._{kind} is not None:\n        self._{kind}.close()\n        self._{kind} = None\n"
                ),
                (false, true) => format!(
                    "_{kind}: {typ} | None = None  # one pooled {kind} for the process\n\n\nasync def _get_{kind}() -> {typ}:\n    global _{kind}\n    if _{kind} is None:\n        _{kind} = {ctor}\n    return _{kind}\n\n\nasync def close_{kind}() -> None:  # call from the lifespan / shutdown hook\n    if _{kind} is not None:\n        await _{kind}.{closer}()\n\n\n{body}",
                    closer = if q.contains("aiohttp") { "close" } else { "aclose" },
                ),
                (false, false) => format!(
                    "import atexit\n\n_{kind} = {ctor}  # one pooled {kind} for the process\natexit.register(_{kind}.close)\n\n\n{body}"
                ),
            };
            let where_ = if in_loop {
                "in a loop".to_string()
            } else if let Some(c) = class {
                format!("in `{}.{}()`", ix.scopes[c].name, sc.name)
            } else {
                format!("in request handler `{}()`", sc.name)
            };
            cx.report(
                &META,
                call.span,
                s,
                format!(
                    "a new `{q}` is created {where_} on every call: no connection reuse, a TCP/TLS handshake per call"
                ),
            )
            .with_fix(before, after);
        }
    }
}
