//! Generated modules that made rules quadratic. The MEM rules: every collection
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
//! The test's sizes are the first four; in a debug build they take 1 to 4 s each.
//!
//! Timing is not asserted beyond a generous bound (debug build, loaded CI
//! machines). `AUDITBENCH_SCALE_DIR=DIR cargo test --test generated_scale --
//! --ignored` writes the shapes at full size into DIR, for timing the binary.

use std::path::Path;
use std::time::{Duration, Instant};

use auditbench::{scan, Config, ScanOptions};

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
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!(
            "c{i} = {{}}\n\n\ndef put_{i}(k, v):\n    c{i}[k] = v\n"
        ));
    }
    s
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
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!(
            "class Item{i}Store:\n    def __init__(self):\n        self.items = []\n\n    def add(self, x):\n        self.items.append(x)\n\n\n"
        ));
    }
    s
}

/// `n` classes that build an `httpx.AsyncClient` they never close and define
/// `__aenter__` without `__aexit__`: `n` RES001 and `n` RES007 findings.
pub fn client_classes(n: usize) -> String {
    let mut s = String::from("import httpx\n\n\n");
    for i in 0..n {
        s.push_str(&format!(
            "class Api{i}:\n    def __init__(self):\n        self._client = httpx.AsyncClient()\n\n    async def __aenter__(self):\n        return self\n\n\n"
        ));
    }
    s
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
];

/// The rule family each shape exercises.
fn family(shape: &str) -> &'static str {
    if shape == "client_classes" {
        "RES"
    } else {
        "MEM"
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
    let full = [50_000, 20_000, 100_000, 20_000, 20_000];
    for (&(name, shape, n), big) in SHAPES.iter().zip(full) {
        for n in [n, big] {
            std::fs::write(dir.join(format!("{name}_{n}.py")), shape(n)).unwrap();
        }
    }
}
