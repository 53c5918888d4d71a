//! The semantic index: import resolution, scopes, blocks, awaits, locks, handlers.

use auditbench::python::{self, AwaitKind, BlockKind, CallUse, ScopeKind, Target, TestKind, Value};

fn ix(src: &str) -> python::ModuleIndex {
    python::analyse(src.to_string(), "pkg.mod", false).expect("parses")
}

fn call<'a>(m: &'a python::ModuleIndex, callee: &str) -> &'a python::Call {
    m.calls
        .iter()
        .find(|c| c.callee.as_deref() == Some(callee))
        .unwrap_or_else(|| panic!("no call {callee}"))
}

#[test]
fn resolves_imports_and_aliases() {
    let m = ix("import httpx as h\nfrom httpx import AsyncClient as C\nimport redis.asyncio as aioredis\nimport os.path\nfrom . import sibling\nfrom ..core import db\nfrom time import sleep as nap\n\nh.get('x')\nC()\naioredis.from_url('u')\nos.path.join('a')\nsibling.run()\ndb.connect()\nnap(1)\nopen('f')\n");
    assert_eq!(call(&m, "h.get").qualified.as_deref(), Some("httpx.get"));
    assert_eq!(
        call(&m, "C").qualified.as_deref(),
        Some("httpx.AsyncClient")
    );
    assert_eq!(
        call(&m, "aioredis.from_url").qualified.as_deref(),
        Some("redis.asyncio.from_url")
    );
    assert_eq!(
        call(&m, "os.path.join").qualified.as_deref(),
        Some("os.path.join")
    );
    assert_eq!(
        call(&m, "sibling.run").qualified.as_deref(),
        Some("pkg.sibling.run")
    );
    assert_eq!(
        call(&m, "db.connect").qualified.as_deref(),
        Some("core.db.connect")
    );
    assert_eq!(call(&m, "nap").qualified.as_deref(), Some("time.sleep"));
    assert_eq!(call(&m, "open").qualified.as_deref(), Some("open"));
}

#[test]
fn local_bindings_shadow_imports_and_function_imports_resolve() {
    let m = ix("import requests\n\ndef f(requests):\n    requests.get('x')\n\ndef g():\n    import httpx\n    httpx.get('y')\n\ndef h():\n    undefined.get('z')\n");
    assert_eq!(call(&m, "requests.get").qualified, None);
    assert_eq!(
        call(&m, "httpx.get").qualified.as_deref(),
        Some("httpx.get")
    );
    assert_eq!(call(&m, "undefined.get").qualified, None);
}

#[test]
fn scopes_nesting_and_async() {
    let m = ix("class A:\n    class B:\n        async def run(self):\n            def inner():\n                pass\n            f = lambda: 1\n");
    let names: Vec<(&str, ScopeKind, bool)> = m
        .scopes
        .iter()
        .map(|s| (s.qualname.as_str(), s.kind, s.is_async))
        .collect();
    assert!(names.contains(&("A.B.run", ScopeKind::Function, true)));
    assert!(names.contains(&("A.B.run.<locals>.inner", ScopeKind::Function, false)));
    assert!(names
        .iter()
        .any(|(q, k, a)| q.ends_with("<lambda>") && *k == ScopeKind::Lambda && !a));
}

#[test]
fn assignments_targets_and_call_usage() {
    let m = ix("import asyncio\ncache = {}\n\nasync def f(k, v):\n    cache[k] = v\n    self.x = asyncio.Lock()\n    a, b = 1, 2\n    asyncio.create_task(g())\n    t = asyncio.create_task(g())\n    return await t\n");
    let targets: Vec<&Target> = m.assignments.iter().flat_map(|a| &a.targets).collect();
    assert!(targets.contains(&&Target::Subscript {
        base: "cache".into(),
        key: Value::Name("k".into())
    }));
    assert!(targets.contains(&&Target::Attr("self.x".into())));
    assert!(targets.contains(&&Target::Name("b".into())));
    let creates: Vec<CallUse> = m
        .calls
        .iter()
        .filter(|c| c.qualified.as_deref() == Some("asyncio.create_task"))
        .map(|c| c.usage)
        .collect();
    assert_eq!(creates, vec![CallUse::Discarded, CallUse::Assigned]);
    assert!(m.lock_paths().contains("self.x"));
}

#[test]
fn blocks_handlers_awaits_and_locks() {
    let src = "import asyncio, threading\n_lock = threading.Lock()\n\nasync def f(self):\n    while True:\n        try:\n            async with self._lock:\n                await g()\n        except asyncio.CancelledError:\n            raise\n        except Exception:\n            break\n        finally:\n            close()\n    with _lock:\n        pass\n";
    let m = ix(src);
    let close = call(&m, "close");
    let kinds: Vec<BlockKind> = m.blocks_of(close.block).map(|b| b.kind).collect();
    assert_eq!(kinds, vec![BlockKind::Finally, BlockKind::Loop]);
    let g = call(&m, "g");
    assert!(
        g.awaited && m.inside(g.block, BlockKind::With) && m.inside(g.block, BlockKind::TryBody)
    );
    assert_eq!(
        m.awaits
            .iter()
            .filter(|a| a.kind == AwaitKind::AsyncWith)
            .count(),
        1
    );
    assert!(m.handlers[0].catches("asyncio.CancelledError") && m.handlers[0].exits.raises);
    assert!(m.handlers[1].exits.breaks && !m.handlers[1].exits.raises);
    let locks: Vec<Option<&str>> = m.withs.iter().map(|w| w.lock.as_deref()).collect();
    assert_eq!(locks, vec![Some("self._lock"), Some("_lock")]);
    assert!(m.loops[0].infinite);
}

#[test]
fn if_tests_are_summarised() {
    let m = ix("def f(k):\n    global X\n    if X is None and k not in self.cache:\n        pass\n    elif not cls._instance:\n        pass\n");
    assert_eq!(m.ifs.len(), 2);
    assert_eq!(m.ifs[0].tests.len(), 2);
    assert!(m.ifs[0]
        .tests
        .iter()
        .any(|t| t.path == "X" && t.kind == TestKind::IsNone));
    assert!(m.ifs[0]
        .tests
        .iter()
        .any(|t| t.path == "self.cache" && matches!(t.kind, TestKind::NotContains(_))));
    assert!(m.ifs[1]
        .tests
        .iter()
        .any(|t| t.path == "cls._instance" && t.kind == TestKind::Falsy));
    assert!(m.refers_to_global("X", 1));
}

#[test]
fn syntax_errors_are_recovered() {
    let m = ix("def ok():\n    open('x')\n\ndef broken(:\n    pass\n\nclass After:\n    def __enter__(self):\n        return self\n");
    assert!(!m.syntax_errors.is_empty());
    assert!(m.scopes.iter().any(|s| s.name == "After"));
    assert!(m
        .calls
        .iter()
        .any(|c| c.qualified.as_deref() == Some("open")));
}

#[test]
fn deep_nesting_does_not_overflow() {
    let n = 50_000;
    let src = format!(
        "x = {}1{}\ny = {}{}\n",
        "(".repeat(n),
        ")".repeat(n),
        "[".repeat(n),
        "]".repeat(n)
    );
    // Run on a normal-sized thread stack (2 MiB) to prove the bound.
    let h = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || ix(&src).truncated)
        .unwrap();
    assert!(h.join().unwrap());
}
