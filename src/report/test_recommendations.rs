//! Testing recommendations tailored to the findings: per category present, a
//! runnable pytest snippet that exercises the flagged code by its real names
//! (memory: tracemalloc; concurrency: ThreadPoolExecutor asserting one
//! instance; asyncio: asyncio.gather asserting one instance; resources: open
//! and close N times and count file descriptors).

use super::model::{Item, Report};

/// One recommendation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recommendation {
    pub category: String,
    pub heading: String,
    pub intro: String,
    /// Finding numbers the snippet covers.
    pub covers: Vec<String>,
    pub code: String,
}

fn is_ident(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(f) if f == '_' || f.is_ascii_alphabetic())
        && c.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// `app/services/cache.py` -> `app.services.cache` (None when not importable).
pub fn module_of(path: &str) -> Option<String> {
    let p = path.strip_suffix(".py")?;
    let p = p.strip_prefix("src/").unwrap_or(p);
    let mut parts: Vec<&str> = p.split('/').collect();
    if parts.last() == Some(&"__init__") {
        parts.pop();
    }
    (!parts.is_empty() && parts.iter().all(|s| is_ident(s))).then(|| parts.join("."))
}

/// What to call: `(import name, call expression, is a class)`.
struct Target {
    import: String,
    /// `provider = OllamaProvider()  # ...` when the call is a method.
    setup: Option<String>,
    call: String,
    class: Option<String>,
    label: String,
}

/// Picks the callable a test should exercise: a `name()` named in the message,
/// else the enclosing function or class of the finding.
fn target(f: &Item) -> Option<Target> {
    let mut named: Option<String> = None;
    for (i, part) in f.message.split('`').enumerate() {
        if i % 2 == 1 {
            if let Some(n) = part.strip_suffix("()") {
                let last = n.rsplit('.').next().unwrap_or(n);
                if is_ident(last) && named.is_none() && !n.contains('.') {
                    named = Some(last.to_string());
                }
            }
        }
    }
    let scope: Vec<&str> = f.scope.split('.').filter(|s| !s.is_empty()).collect();
    if !scope.iter().all(|s| is_ident(s)) {
        return None;
    }
    let starts_upper = |s: &str| s.chars().next().is_some_and(|c| c.is_ascii_uppercase());
    if let Some(n) = named {
        // A method of the finding's class, or a module-level function.
        if scope.len() >= 2 && starts_upper(scope[0]) && n != scope[0] {
            let var = snake(scope[0]);
            return Some(Target {
                import: scope[0].to_string(),
                setup: Some(format!("{var} = {}()", scope[0])),
                call: format!("{var}.{n}()"),
                class: Some(scope[0].to_string()),
                label: n,
            });
        }
        return Some(Target {
            import: n.clone(),
            setup: None,
            call: format!("{n}()"),
            class: None,
            label: n,
        });
    }
    match scope.as_slice() {
        [] => None,
        [c, ..] if starts_upper(c) => Some(Target {
            import: c.to_string(),
            setup: (scope.len() >= 2 && !scope[1].starts_with("__"))
                .then(|| format!("{} = {c}()", snake(c))),
            call: if scope.len() >= 2 && !scope[1].starts_with("__") {
                format!("{}.{}()", snake(c), scope[1])
            } else {
                format!("{c}()")
            },
            class: Some(c.to_string()),
            label: c.to_string(),
        }),
        [func, ..] => Some(Target {
            import: func.to_string(),
            setup: None,
            call: format!("{func}()"),
            class: None,
            label: func.to_string(),
        }),
    }
}

fn snake(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out.trim_matches('_').to_string()
}

/// Up to three open findings of a category with an importable target.
fn pick<'a>(report: &'a Report, cats: &[&str]) -> Vec<(&'a Item, String, Target)> {
    let mut out: Vec<(&Item, String, Target)> = vec![];
    for f in report
        .findings
        .iter()
        .filter(|f| f.is_open() && cats.contains(&f.category.as_str()))
    {
        if out.len() == 3 {
            break;
        }
        let (Some(m), Some(t)) = (module_of(&f.path), target(f)) else {
            continue;
        };
        if out.iter().any(|(_, mm, tt)| *mm == m && tt.call == t.call) {
            continue;
        }
        out.push((f, m, t));
    }
    out
}

fn imports(picked: &[(&Item, String, Target)]) -> String {
    let mut lines: Vec<String> = picked
        .iter()
        .map(|(f, m, t)| format!("from {m} import {}  # {} {}", t.import, f.number, f.rule))
        .collect();
    lines.dedup();
    lines.join("\n")
}

const ARGS_NOTE: &str =
    "# Fill in the arguments the calls need; the names are the flagged code's own.";

type Picked<'a> = (&'a Item, String, Target);

/// One category's recommendation: `header` (imports), then one test per flagged
/// target, written by `test(finding, target, setup_line, test_name)`.
fn recommendation(
    picked: &[Picked],
    category: &str,
    heading: &str,
    intro: &str,
    header: String,
    test: impl Fn(&Item, &Target, &str, &str) -> String,
) -> Recommendation {
    let mut code = header;
    for (f, _, t) in picked {
        let setup = t
            .setup
            .as_deref()
            .map(|s| format!("    {s}\n"))
            .unwrap_or_default();
        code.push_str(&test(f, t, &setup, &snake(&t.label)));
    }
    Recommendation {
        category: category.into(),
        heading: heading.into(),
        intro: intro.into(),
        // Findings of one grouped issue share its number: each number once.
        covers: picked.iter().fold(vec![], |mut v: Vec<String>, (f, _, _)| {
            if !v.contains(&f.number) {
                v.push(f.number.clone());
            }
            v
        }),
        code,
    }
}

pub fn recommendations(report: &Report) -> Vec<Recommendation> {
    let mut out = vec![];
    let mem = pick(report, &["memory"]);
    if !mem.is_empty() {
        out.push(recommendation(
            &mem,
            "memory",
            "Memory growth (tracemalloc)",
            "Call the code that fills the flagged collections many times and check that traced memory stops growing once the cache is warm. In staging, `memray` or `memory_profiler` (`mprof run`) over a load test shows the same trend per process.",
            format!("import gc\nimport tracemalloc\n\n{}\n\n{ARGS_NOTE}\n", imports(&mem)),
            |_, t, setup, name| format!(
                "\n\ndef test_{name}_memory_is_bounded():\n{setup}    tracemalloc.start()\n    for _ in range(1_000):\n        {call}  # warm up\n    gc.collect()\n    warm, _ = tracemalloc.get_traced_memory()\n    for _ in range(20_000):\n        {call}\n    gc.collect()\n    after, _ = tracemalloc.get_traced_memory()\n    tracemalloc.stop()\n    # Bounded caches and released references stop growing after the warm-up.\n    assert after - warm < 1_000_000, f\"grew by {{after - warm}} bytes\"\n",
                call = t.call
            ),
        ));
    }
    let conc = pick(report, &["concurrency"]);
    if !conc.is_empty() {
        out.push(recommendation(
            &conc,
            "concurrency",
            "Race conditions (ThreadPoolExecutor)",
            "Call the flagged code from many threads at once and assert that every caller sees the same instance. Run it several times (`pytest --count=20` with pytest-repeat): races show up intermittently.",
            format!("from concurrent.futures import ThreadPoolExecutor\n\n{}\n\n{ARGS_NOTE}\n", imports(&conc)),
            |_, t, setup, name| format!(
                "\n\ndef test_{name}_is_thread_safe():\n{setup}    with ThreadPoolExecutor(max_workers=16) as pool:\n        results = list(pool.map(lambda _: {call}, range(200)))\n    # Lazy initialisation under a lock creates exactly one instance.\n    assert all(r is results[0] for r in results)\n",
                call = t.call
            ),
        ));
    }
    let aio = pick(report, &["asyncio"]);
    if !aio.is_empty() {
        out.push(recommendation(
            &aio,
            "asyncio",
            "Event-loop hazards (asyncio.gather)",
            "Run the flagged coroutines concurrently with `asyncio.gather` and assert a single shared instance; run the suite with `PYTHONASYNCIODEBUG=1` to surface blocking calls and never-awaited coroutines.",
            format!("import asyncio\n\n{}\n\n{ARGS_NOTE}\n", imports(&aio)),
            |_, t, setup, name| format!(
                "\n\ndef test_{name}_under_concurrent_tasks():\n{setup}    async def main():\n        return await asyncio.gather(*({call} for _ in range(100)))\n\n    results = asyncio.run(main())\n    # Concurrent tasks must share one instance and leave no task pending.\n    assert all(r is results[0] for r in results)\n",
                call = t.call
            ),
        ));
    }
    let res = pick(report, &["resources"]);
    if !res.is_empty() {
        let header = format!(
            "{}import gc\nimport os\n\n{}\n\n{ARGS_NOTE}\n\n\ndef open_fds() -> int:\n    return len(os.listdir(\"/proc/self/fd\"))  # Linux; on macOS use /dev/fd\n",
            if res.iter().any(|(f, _, _)| f.scope.ends_with("__aenter__")) { "import asyncio\n" } else { "" },
            imports(&res)
        );
        out.push(recommendation(
            &res,
            "resources",
            "Resource leaks (file descriptors)",
            "Open and close the flagged resources many times and check that the process's open file descriptors return to where they started. `python -X dev -W error::ResourceWarning -m pytest` turns unclosed files and sockets into failures.",
            header,
            |f, t, setup, name| {
                let is_async = f.scope.ends_with("__aenter__") || f.message.contains("async with");
                let body = match (&t.class, f.rule.as_str()) {
                    (Some(c), "RES007") if is_async => format!(
                        "        async def use():\n            async with {c}() as resource:\n                assert resource is not None\n\n        asyncio.run(use())"
                    ),
                    (Some(c), "RES007") => format!(
                        "        with {c}() as resource:\n            assert resource is not None"
                    ),
                    (Some(c), _) => format!("        with {c}():\n            pass"),
                    _ => format!("        {}", t.call),
                };
                format!(
                    "\n\ndef test_{name}_releases_resources():\n{setup}    before = open_fds()\n    for _ in range(200):\n{body}\n    gc.collect()\n    # Every handle opened in the loop has been closed again.\n    assert open_fds() <= before + 2\n"
                )
            },
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_from_paths() {
        assert_eq!(module_of("app/cache.py").as_deref(), Some("app.cache"));
        assert_eq!(module_of("src/pkg/__init__.py").as_deref(), Some("pkg"));
        assert_eq!(module_of("app/my-file.py"), None);
        assert_eq!(module_of("<script>.py"), None);
    }

    fn item(n: &str, rule: &str, cat: &str, path: &str, scope: &str, msg: &str) -> Item {
        use crate::finding::Severity;
        use crate::store::{Detection, Triage};
        Item {
            number: n.into(),
            id: 1,
            rule: rule.into(),
            rule_name: String::new(),
            category: cat.into(),
            title: String::new(),
            severity: Severity::High,
            path: path.into(),
            line: 1,
            end_line: 1,
            scope: scope.into(),
            detection: Detection::Open,
            triage: Triage::NeedsReview,
            standing: crate::store::Standing::Open,
            status: String::new(),
            triage_by: None,
            triage_date: None,
            message: msg.into(),
            impact: String::new(),
            code: None,
            recommended_fix: None,
            after_code: None,
            diff: None,
            note: None,
            suppression: None,
            first_seen: String::new(),
            fixed_on: None,
            fix_commit: None,
            fingerprint: String::new(),
            effort_hours: 1.0,
            baseline_state: "new".into(),
            confidence: None,
            evidence: vec![],
        }
    }

    #[test]
    fn snippets_use_the_real_names_and_parse() {
        let findings = vec![
            item(
                "CRITICAL-001",
                "MEM001",
                "memory",
                "app/sessions.py",
                "",
                "module-level dict `_sessions` grows in `save_session()` and is never evicted",
            ),
            item(
                "HIGH-001",
                "CONC001",
                "concurrency",
                "app/db.py",
                "get_db_config",
                "`get_db_config()` lazily initialises `_db_config` without a lock",
            ),
            item(
                "HIGH-002",
                "ASYNC003",
                "asyncio",
                "app/llm/ollama.py",
                "OllamaProvider._get_client",
                "`self._client` is created lazily without an `asyncio.Lock`",
            ),
            item(
                "HIGH-003",
                "RES002",
                "resources",
                "app/clients/http.py",
                "fetch",
                "`httpx.Client()` is never closed",
            ),
            item(
                "HIGH-004",
                "RES007",
                "resources",
                "app/cache.py",
                "RedisLock.__aenter__",
                "`RedisLock` defines `__aenter__` but no `__aexit__`: `async with` cannot be used",
            ),
        ];
        let report = Report {
            format: String::new(),
            version: 1,
            meta: super::super::model::Meta {
                title: String::new(),
                date: String::new(),
                auditor: String::new(),
                client: None,
                project: String::new(),
                git_commit: None,
                files_analysed: 0,
                lines_analysed: 0,
                scans: 0,
                first_scan: None,
                last_scan: None,
                rules: vec![],
                min_severity: String::new(),
                statuses: vec![],
                confidence: "low".into(),
                below_confidence: Default::default(),
                include_code: true,
                include_strengths: true,
                date_ts: 0,
            },
            health: Default::default(),
            severity_table: vec![],
            findings,
            issues: vec![],
            false_positives: vec![],
            strengths: vec![],
            patterns: vec![],
            plan: Default::default(),
            progress: vec![],
            files: vec![],
            categories: vec![],
        };
        let recs = recommendations(&report);
        if std::env::var_os("AUDITBENCH_SHOW_SNIPPETS").is_some() {
            for r in &recs {
                println!("{}", r.code);
            }
        }
        let cats: Vec<&str> = recs.iter().map(|r| r.category.as_str()).collect();
        assert_eq!(cats, ["memory", "concurrency", "asyncio", "resources"]);
        for r in &recs {
            assert!(crate::python::is_valid_python(&r.code), "{}", r.code);
        }
        assert!(recs[0]
            .code
            .contains("from app.sessions import save_session"));
        assert!(recs[0].code.contains("tracemalloc"));
        assert!(recs[1].code.contains("pool.map(lambda _: get_db_config()"));
        assert!(recs[2]
            .code
            .contains("    ollama_provider = OllamaProvider()\n"));
        assert!(recs[2]
            .code
            .contains("ollama_provider._get_client() for _ in range(100)"));
        assert!(recs[3].code.contains("async with RedisLock() as resource"));
        assert!(recs[3].code.contains("        fetch()"));
    }

    #[test]
    fn snake_case() {
        assert_eq!(snake("RedisCache"), "redis_cache");
        assert_eq!(snake("get_db"), "get_db");
    }
}
