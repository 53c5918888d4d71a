//! Generated modules that made the analysis quadratic. The MEM rules: every collection
//! scanned every assignment, call and load of the module, and every finding
//! scanned every statement for its fix snippet. RES001 and RES007: every class
//! scanned every scope for its methods and its base classes, every method every
//! assignment. Shapes: many module-level collections, one collection written
//! very many times, many classes with an instance collection, many classes that
//! own a client and half a context manager. Each must be analysed completely,
//! with the expected findings.
//!
//! Release binary, `scan --no-db --quiet --format json FILE` with
//! `max-file-time-ms = 0`, on a shared 2-core machine (load 3 to 4), wall time
//! before and after the lookup tables (2026-11-23); "MEM only" is `--select MEM`,
//! of which about 0.6 s (40 000 lines) to 1.1 s (160 000) is parsing:
//!
//! | shape (size)            | lines   | before | after | after, MEM only |
//! |-------------------------|---------|--------|-------|-----------------|
//! | module_dicts(20 000)    |  40 005 |   90 s | 0.6 s | 0.6 s           |
//! | module_caches(12 000)   |  60 000 |   62 s | 0.8 s | 0.9 s           |
//! | one_cache(50 000)       |  50 004 |   19 s | 0.9 s | 0.9 s           |
//! | instance_lists(10 000)  |  80 000 |   59 s | 3.8 s | 1.1 s           |
//! | module_dicts(50 000)    | 100 005 |  612 s | 1.8 s | 1.6 s           |
//! | module_caches(20 000)   | 100 000 |  217 s | 1.2 s | 1.2 s           |
//! | one_cache(100 000)      | 100 004 |  551 s | 1.3 s | 1.2 s           |
//! | instance_lists(20 000)  | 160 000 |  608 s |  13 s | 1.5 s           |
//!
//! (The rest of instance_lists's time was RES001 and RES007, not the MEM rules:
//! they looked up each class's methods among all scopes. With per-scope tables
//! in the index, on an idle machine on 2026-12-05: instance_lists(20 000) 13 s ->
//! 1.4 s for every rule; client_classes(20 000), 120 000 lines, 1.5 s for every
//! rule.)
//!
//! The later shapes (handlers, calls, lock methods, session commits, loop
//! queries, tasks, imports) were quadratic in the index's lookups and in rules
//! that searched the whole module per finding. Release binary, every rule, at
//! 20 000 repetitions (200 000 imports), on an idle machine (2026-12-05), before
//! and after the lookup tables (imports by position, handler exits per scope,
//! calls by start, statement parents, session names per scope, CONC002 memos):
//!
//! | shape (20 000)   | before | after  |
//! |------------------|--------|--------|
//! | try_except       |  25 s  | 0.33 s |
//! | same_call        | 8.0 s  | 0.20 s |
//! | lock_methods     |  27 s  | 2.0 s  |
//! | sessions         | 4.3 s  | 0.71 s |
//! | loop_queries     | 3.0 s  | 0.59 s |
//! | create_task      | 2.2 s  | 0.35 s |
//! | imports (50 000) | 8.7 s  | 0.3 s  |
//!
//! The test's sizes are the first column of `SHAPES`; in a debug build each
//! takes 0.5 to 2 s (2026-12-06).
//!
//! Timing is not asserted beyond a generous bound (debug build, loaded CI
//! machines). `AUDITBENCH_SCALE_DIR=DIR cargo test --test generated_scale --
//! --ignored` writes the shapes at full size into DIR, for timing the binary.

use std::path::Path;
use std::time::{Duration, Instant};

use auditbench::{scan, Config, ScanOptions};

/// `head`, then `item(i)` for each `i` below `n`.
fn repeat(head: &str, n: usize, item: impl Fn(usize) -> String) -> String {
    let mut s = String::from(head);
    for i in 0..n {
        s.push_str(&item(i));
    }
    s
}

/// A module-level collection that a function grows with its argument: the one
/// MEM001 finding expected after the filler of [`module_dicts`].
const SESSIONS: &str = "SESSIONS = {}\n\n\ndef save(sid, data):\n    SESSIONS[sid] = data\n";

/// `d{i} = {}` / `d{i}["k"] = 1` at module level: `n` collections that never
/// grow at runtime (no finding), then one that does.
pub fn module_dicts(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!("d{i} = {{}}\nd{i}[\"k\"] = 1\n"));
    }
    s + SESSIONS
}

/// `n` module-level dicts, each grown by its own function: `n` MEM001 findings.
pub fn module_caches(n: usize) -> String {
    repeat("", n, |i| {
        format!("c{i} = {{}}\n\n\ndef put_{i}(k, v):\n    c{i}[k] = v\n")
    })
}

/// One `CACHE = {}` written by `n` statements `CACHE[k] = v` in one function: one
/// MEM001 finding with `n` growth sites.
pub fn one_cache(n: usize) -> String {
    let mut s = String::from("CACHE = {}\n\n\ndef fill(k, v):\n");
    for _ in 0..n {
        s.push_str("    CACHE[k] = v\n");
    }
    s
}

/// `n` long-lived classes (`...Store`) with `self.items = []` grown by a method:
/// `n` MEM002 findings.
pub fn instance_lists(n: usize) -> String {
    repeat("", n, |i| {
        format!("class Item{i}Store:\n    def __init__(self):\n        self.items = []\n\n    def add(self, x):\n        self.items.append(x)\n\n\n")
    })
}

/// `n` classes that build an `httpx.AsyncClient` they never close and define
/// `__aenter__` without `__aexit__`: `n` RES001 and `n` RES007 findings.
pub fn client_classes(n: usize) -> String {
    repeat("import httpx\n\n\n", n, |i| {
        format!("class Api{i}:\n    def __init__(self):\n        self._client = httpx.AsyncClient()\n\n    async def __aenter__(self):\n        return self\n\n\n")
    })
}

/// `n` module-level `try: ... except Exception: pass` blocks: `n` ERR002
/// findings. Every handler used to look for its exits among all the module's
/// statements.
pub fn try_except(n: usize) -> String {
    repeat("import json\n\n\n", n, |i| {
        format!("try:\n    v{i} = json.loads(RAW{i})\nexcept Exception:\n    pass\n")
    })
}

/// `n` functions that call `requests.get` without a timeout: `n` RESIL003
/// findings. Every call used to look for its enclosing statement and its
/// client names among all the module's statements.
pub fn same_call(n: usize) -> String {
    repeat("import requests\n\n\n", n, |i| {
        format!("def get_{i}(url):\n    return requests.get(url)\n\n\n")
    })
}

/// `n` classes whose counter is written under `self._lock` in one method and
/// without it in another: `n` CONC002 findings. Every class used to scan every
/// method of the module for its lock's type and its writes.
pub fn lock_methods(n: usize) -> String {
    repeat("import threading\n\n\n", n, |i| {
        format!("class Counter{i}:\n    def __init__(self):\n        self._lock = threading.Lock()\n        self.count = 0\n\n    def incr(self):\n        with self._lock:\n            self.count += 1\n\n    def reset(self):\n        self.count = 0\n\n\n")
    })
}

/// `n` functions that commit a session without a rollback path: `n` ERR003
/// findings. Every commit used to collect the session names of every scope.
pub fn sessions(n: usize) -> String {
    repeat("from db import SessionLocal\n\n\n", n, |i| {
        format!("def save_{i}(item):\n    session = SessionLocal()\n    session.add(item)\n    session.commit()\n    session.close()\n\n\n")
    })
}

/// `n` functions that query a session once per loop item: `n` PERF001 findings.
pub fn loop_queries(n: usize) -> String {
    repeat("", n, |i| {
        format!("def load_{i}(session, ids):\n    out = []\n    for i in ids:\n        out.append(session.get(User, i))\n    return out\n\n\n")
    })
}

/// `n` coroutines that drop the task they create: `n` ASYNC002 findings.
pub fn create_task(n: usize) -> String {
    repeat("import asyncio\n\n\n", n, |i| {
        format!("async def start_{i}():\n    asyncio.create_task(work())\n\n\n")
    })
}

/// `n` imports, then one `requests.get` without a timeout: one RESIL003 finding.
/// Every name lookup used to scan every import for the one in force.
pub fn imports(n: usize) -> String {
    repeat("", n, |i| format!("import mod{i}\n"))
        + "import requests\n\n\ndef get(url):\n    return requests.get(url)\n"
}

/// A generator: the module text for a size.
type Shape = fn(usize) -> String;

/// The sizes of the test: each took over 10 s with the quadratic analysis
/// (release build), and takes well under a second now.
const SHAPES: &[(&str, Shape, usize)] = &[
    ("module_dicts", module_dicts, 20_000),
    ("module_caches", module_caches, 12_000),
    ("one_cache", one_cache, 50_000),
    ("instance_lists", instance_lists, 10_000),
    ("client_classes", client_classes, 10_000),
    ("try_except", try_except, 10_000),
    ("same_call", same_call, 10_000),
    ("lock_methods", lock_methods, 5_000),
    ("sessions", sessions, 5_000),
    ("loop_queries", loop_queries, 10_000),
    ("create_task", create_task, 10_000),
    ("imports", imports, 50_000),
];

/// The rule family each shape exercises.
fn family(shape: &str) -> &'static str {
    match shape {
        "client_classes" => "RES",
        "try_except" | "sessions" => "ERR",
        "same_call" | "imports" => "RESIL",
        "lock_methods" => "CONC",
        "loop_queries" => "PERF",
        "create_task" => "ASYNC",
        _ => "MEM",
    }
}

/// Scans `text` as one file with one rule family only and no time limit;
/// returns the findings (rule, related count) and the time taken.
fn scan_family(text: &str, family: &str) -> (Vec<(String, usize)>, Duration) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("gen.py"), text).unwrap();
    let mut config = Config {
        // The bound is asserted below; a timed-out file would lose findings.
        max_file_time_ms: 0,
        ..Config::default()
    };
    config.apply_cli(&[family.to_string()], &[]).unwrap();
    let start = Instant::now();
    let r = scan(ScanOptions {
        root: dir.path().to_path_buf(),
        config,
        progress: None,
    })
    .unwrap();
    let took = start.elapsed();
    assert!(r.warnings.is_empty(), "{:#?}", r.warnings);
    let findings = r
        .findings
        .iter()
        .map(|f| (f.rule.clone(), f.related.len()))
        .collect();
    (findings, took)
}

fn count(findings: &[(String, usize)], rule: &str) -> usize {
    findings.iter().filter(|(r, _)| r == rule).count()
}

/// Exactly `n` findings, all of `rule`.
fn assert_only(findings: &[(String, usize)], rule: &str, n: usize, shape: &str) {
    assert_eq!(count(findings, rule), n, "{shape}");
    assert_eq!(findings.len(), n, "{shape}");
}

#[test]
fn pathological_shapes_are_analysed_completely_in_reasonable_time() {
    for &(name, shape, n) in SHAPES {
        let (findings, took) = scan_family(&shape(n), family(name));
        println!("{name}({n}): {} findings in {took:?}", findings.len());
        match name {
            "module_dicts" => assert_eq!(findings, [("MEM001".to_string(), 1)], "{name}"),
            "module_caches" => {
                assert_eq!(count(&findings, "MEM001"), n, "{name}");
                assert_eq!(findings.len(), n, "{name}");
            }
            // One finding, every write a growth site.
            "one_cache" => assert_eq!(findings, [("MEM001".to_string(), n)], "{name}"),
            "instance_lists" => {
                assert_eq!(count(&findings, "MEM002"), n, "{name}");
                assert_eq!(findings.len(), n, "{name}");
            }
            "client_classes" => {
                assert_eq!(count(&findings, "RES001"), n, "{name}");
                assert_eq!(count(&findings, "RES007"), n, "{name}");
                assert_eq!(findings.len(), 2 * n, "{name}");
            }
            "try_except" => assert_only(&findings, "ERR002", n, name),
            "same_call" => assert_only(&findings, "RESIL003", n, name),
            "lock_methods" => assert_only(&findings, "CONC002", n, name),
            "sessions" => assert_only(&findings, "ERR003", n, name),
            "loop_queries" => assert_only(&findings, "PERF001", n, name),
            "create_task" => assert_only(&findings, "ASYNC002", n, name),
            "imports" => assert_only(&findings, "RESIL003", 1, name),
            _ => unreachable!(),
        }
        // Generous: a debug build on a loaded machine. The quadratic analysis
        // took minutes here.
        assert!(took < Duration::from_secs(30), "{name}({n}) took {took:?}");
    }
}

/// Writes every shape at the sizes of the issue (100 000 lines and more) and at
/// the test's sizes into `AUDITBENCH_SCALE_DIR`, with a configuration that
/// lifts the per-file time limit, for timing the release binary.
#[test]
#[ignore]
fn write_shapes_for_timing() {
    let Some(dir) = std::env::var_os("AUDITBENCH_SCALE_DIR") else {
        return;
    };
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(".auditbench.toml"), "max-file-time-ms = 0\n").unwrap();
    let full = [
        50_000, 20_000, 100_000, 20_000, 20_000, 20_000, 20_000, 20_000, 20_000, 20_000, 20_000,
        200_000,
    ];
    for (&(name, shape, n), big) in SHAPES.iter().zip(full) {
        for n in [n, big] {
            std::fs::write(dir.join(format!("{name}_{n}.py")), shape(n)).unwrap();
        }
    }
}
