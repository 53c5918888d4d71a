//! The impact of an issue in this code: what the project model's evidence
//! says about the place (the entry point that reaches it and the calls on the
//! way, or where the owning object is built), as one sentence that leads the
//! Impact paragraph before the rule's general rationale.
//!
//! The evidence steps are the model's own (`model::project::path_to`,
//! `rules::confidence`); every name and route in them comes from the audited
//! repository, so each goes through [`super::escape`] (`code` spans, escaped
//! prose) and the sentence cannot leave its paragraph.

use super::escape::{code, text};
use super::model::Item;
use crate::finding::Related;

/// Entry points listed for a grouped issue before "and N more".
const SHOWN_ENTRIES: usize = 1;
/// Calls shown between the entry point and the place; longer chains keep
/// their first and last steps around an ellipsis.
const SHOWN_CALLS: usize = 4;

/// The text between the first pair of backticks of `s`.
fn quoted(s: &str) -> Option<&str> {
    let a = s.find('`')?;
    let rest = &s[a + 1..];
    let b = rest.find('`')?;
    Some(&rest[..b])
}

/// `@router.post("/payments")` -> `POST /payments`.
fn route(decorator: &str) -> Option<String> {
    let d = decorator.strip_prefix('@')?;
    let open = d.find('(')?;
    let method = d[..open].rsplit('.').next()?;
    let arg = d[open + 1..].strip_suffix(')')?;
    let path = arg.strip_prefix('"')?.strip_suffix('"')?;
    let verb = match method {
        "get" | "post" | "put" | "delete" | "patch" | "head" | "options" => {
            method.to_ascii_uppercase()
        }
        "websocket" => "websocket".into(),
        _ => return None,
    };
    Some(format!("{verb} {path}"))
}

/// `celery` -> `Celery`, `fastapi` -> `FastAPI`.
fn framework(name: &str) -> String {
    match name {
        "fastapi" => "FastAPI".into(),
        "aiohttp" => "aiohttp".into(),
        "rq" => "RQ".into(),
        _ => {
            let mut c = name.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }
    }
}

/// Where an entry step's code runs, from its message `QUAL: TEXT` at `loc`.
fn entry(step: &Related) -> String {
    let loc = code(&format!("{}:{}", step.path, step.line));
    let (qual, what) = match step.message.split_once(": ") {
        Some((q, w)) if !q.contains('`') => (q, w),
        _ => ("", step.message.as_str()),
    };
    let q = code(qual);
    // "(fastapi request)": the framework and the kind of entry point.
    let kind = what
        .rsplit_once(" (")
        .and_then(|(_, k)| k.strip_suffix(')'))
        .and_then(|k| k.split_once(' '));
    let decorator = quoted(what).filter(|d| d.starts_with('@'));
    match kind {
        Some((_, "request")) => match decorator.and_then(route) {
            Some(r) => format!("on every {} request ({q}, {loc})", code(&r)),
            None => format!("on every request to {q} ({loc})"),
        },
        Some((_, "websocket")) => match decorator.and_then(route) {
            Some(r) => format!("on every {} connection ({q}, {loc})", code(&r)),
            None => format!("on every websocket connection of {q} ({loc})"),
        },
        Some((fw, "task")) => format!(
            "whenever the {} task {q} runs ({loc})",
            text(&framework(fw))
        ),
        Some((_, "background")) => format!("in the background task {q} ({loc})"),
        Some((_, "thread")) => format!("in a thread running {q} ({loc})"),
        Some((_, "startup")) => format!("at start-up, in {q} ({loc})"),
        Some((_, "shutdown")) => format!("at shutdown, in {q} ({loc})"),
        Some((fw, "script")) => {
            format!(
                "once per run of the {} script {q} ({loc})",
                text(&framework(fw))
            )
        }
        _ if what.starts_with("registered by ") => {
            format!("in {q}, {} ({loc})", text(what))
        }
        _ if what.contains("runs at import") => format!("once, at import of {q} ({loc})"),
        _ if qual.is_empty() => format!("from {} ({loc})", text(what)),
        _ => format!("from {q}: {} ({loc})", text(what)),
    }
}

/// One call on the way: `calls `X`` -> `X()`, a switch into a task or thread
/// says so.
fn call(step: &Related) -> String {
    let m = step.message.as_str();
    if m == "..." {
        return "…".into();
    }
    let name = quoted(m.rsplit_once(" calls ").map(|(_, c)| c).unwrap_or(m));
    let name = match name {
        Some(n) => code(&format!("{n}()")),
        None => return text(m),
    };
    if m.starts_with("runs ") {
        match m.split_once(" in ").map(|(_, how)| how) {
            Some(how) if how.starts_with("thread") => format!("{name} in a thread"),
            Some(how) if how.starts_with("background") => format!("{name} in a background task"),
            Some(how) => format!("{name} in {}", text(how)),
            None => name,
        }
    } else if m.starts_with("depends on ") {
        format!("{name} (a `Depends` dependency)")
    } else {
        name
    }
}

/// Whether the step is an entry point (where a path starts).
fn is_entry(step: &Related) -> bool {
    let m = step.message.as_str();
    !(m == "..."
        || m.starts_with("calls ")
        || m.starts_with("constructs ")
        || m.starts_with("runs ")
        || m.starts_with("depends on ")
        || m.starts_with("`if __name__")
        || is_site(step))
}

/// "`C` built here (how)": where the object owning the place is built.
fn is_site(step: &Related) -> bool {
    step.message.starts_with('`') && step.message.contains("` built here (")
}

/// The path from its entry point: "on every `POST /x` request (...) → `f()` → `g()`".
fn path(steps: &[Related]) -> Option<String> {
    let first = steps.first().filter(|s| is_entry(s))?;
    let mut calls: Vec<String> = steps[1..].iter().map(call).collect();
    if calls.len() > SHOWN_CALLS {
        let tail = calls.split_off(calls.len() - 2);
        calls.truncate(SHOWN_CALLS - 2);
        calls.push("…".into());
        calls.extend(tail);
    }
    let mut s = entry(first);
    for c in calls {
        s.push_str(" → ");
        s.push_str(&c);
    }
    Some(s)
}

/// What the evidence says of one finding: the path that runs it ("on every
/// ... → `f()`"), or where its owning object is built.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Clause {
    Runs(String),
    Built(String),
}

fn clause(f: &Item) -> Option<Clause> {
    let ev = &f.evidence;
    let first = ev.first()?;
    if is_site(first) {
        let class = code(quoted(&first.message).unwrap_or(""));
        let how = first
            .message
            .rsplit_once(" built here (")
            .and_then(|(_, h)| h.strip_suffix(')'))
            .unwrap_or("");
        let loc = code(&format!("{}:{}", first.path, first.line));
        let built = match how {
            "lives as long as the process" => {
                format!("{class} is built once ({loc}) and lives as long as the process")
            }
            "runs per request or event" => format!("{class} is built per request or event ({loc})"),
            "one per request or event: short-lived" => {
                format!("{class} is built per request or event ({loc}) and is short-lived")
            }
            "built once" => format!("{class} is built once ({loc})"),
            other => format!("{class} is built at {loc} ({})", text(other)),
        };
        return Some(Clause::Built(match path(&ev[1..]) {
            Some(p) => format!("{built}; that code runs {p}"),
            None => built,
        }));
    }
    path(ev).map(Clause::Runs)
}

/// The sentence that says what happens in this code, for an issue's members
/// (worst first), or `None` when the model found no path for any of them.
pub fn here(members: &[&Item]) -> Option<String> {
    let with: Vec<(&Item, Clause)> = members
        .iter()
        .filter_map(|f| clause(f).map(|c| (*f, c)))
        .collect();
    let (_, c) = with.first()?;
    if members.len() == 1 {
        return Some(match c {
            Clause::Runs(p) => format!("In this project this code runs {p}."),
            Clause::Built(b) => format!("In this project, {b}."),
        });
    }
    // A grouped issue: each distinct path once, the worst place's first.
    let mut distinct: Vec<(&Item, &Clause)> = vec![];
    for (m, c) in &with {
        if !distinct.iter().any(|(_, d)| *d == c) {
            distinct.push((m, c));
        }
    }
    let shown: Vec<String> = distinct
        .iter()
        .take(SHOWN_ENTRIES)
        .map(|(m, c)| match c {
            Clause::Runs(p) => format!("{} runs {p}", place(m)),
            Clause::Built(b) => format!("at {}, {b}", place(m)),
        })
        .collect();
    let mut s = format!("In this project, {}", shown.join("; "));
    let more = distinct.len().saturating_sub(SHOWN_ENTRIES);
    if more > 0 {
        s.push_str(&format!(
            "; {more} other path{} too",
            if more == 1 { "" } else { "s" }
        ));
    }
    let unproved = members.len() - with.len();
    if unproved > 0 {
        s.push_str(&format!(
            " (for {unproved} of the {} places the model found no path)",
            members.len()
        ));
    }
    s.push('.');
    Some(s)
}

/// `OllamaProvider._get_client` or, at module level, `app/x.py:12`.
fn place(f: &Item) -> String {
    if f.scope.is_empty() {
        code(&format!("{}:{}", f.path, f.line))
    } else {
        code(&f.scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(path: &str, line: usize, message: &str) -> Related {
        Related {
            path: path.into(),
            line,
            message: message.into(),
        }
    }

    #[test]
    fn entries_and_calls_read_as_a_path() {
        let ev = vec![
            step(
                "app/api/chat.py",
                12,
                "chat: `@router.post(\"/chat\")` (fastapi request)",
            ),
            step("app/api/chat.py", 14, "calls `generate`"),
            step("app/llm.py", 30, "calls `OllamaProvider._get_client`"),
        ];
        assert_eq!(
            path(&ev).unwrap(),
            "on every `POST /chat` request (`chat`, `app/api/chat.py:12`) → `generate()` → `OllamaProvider._get_client()`"
        );
        let task = vec![
            step(
                "app/workers/tasks.py",
                52,
                "create_shipment: `@celery_app.task` (celery task)",
            ),
            step(
                "app/services/r.py",
                97,
                "runs `R._loop` in background (`asyncio.create_task`)",
            ),
        ];
        assert_eq!(
            path(&task).unwrap(),
            "whenever the Celery task `create_shipment` runs (`app/workers/tasks.py:52`) → `R._loop()` in a background task"
        );
        let long: Vec<Related> =
            std::iter::once(step("a.py", 1, "f: `@app.get` (fastapi request)"))
                .chain((0..8).map(|k| step("a.py", k, &format!("calls `g{k}`"))))
                .collect();
        let p = path(&long).unwrap();
        assert!(
            p.starts_with(
                "on every request to `f` (`a.py:1`) → `g0()` → `g1()` → … → `g6()` → `g7()`"
            ),
            "{p}"
        );
    }

    #[test]
    fn repository_text_cannot_leave_the_sentence() {
        let ev = vec![step(
            "app/x.py",
            3,
            "h: `@router.post(\"/x`](javascript:alert(1))<script>\")` (fastapi request)",
        )];
        let p = path(&ev).unwrap();
        assert!(!p.contains("<script>"), "{p}");
        assert!(!p.contains("](javascript"), "{p}");
        assert!(!p.contains('\n'));
    }

    fn item(scope: &str, evidence: Vec<Related>) -> Item {
        let mut f = crate::report::model::test_item(
            "HIGH-001",
            "RES002",
            "resources",
            "app/a.py",
            scope,
            "",
        );
        f.line = 3;
        f.end_line = 3;
        f.confidence = Some("high".into());
        f.evidence = evidence;
        f
    }

    #[test]
    fn a_grouped_issue_lists_each_distinct_path_once() {
        let route = |p: &str, l: usize| {
            vec![
                step(
                    "app/api.py",
                    l,
                    &format!("h{l}: `@router.get(\"{p}\")` (fastapi request)"),
                ),
                step("app/api.py", l + 1, "calls `send`"),
            ]
        };
        let a = item("Sms.send", route("/a", 10));
        let b = item("Mail.send", route("/b", 20));
        let b2 = item("Mail.send", route("/b", 20));
        let none = item("Push.send", vec![]);
        let built = item(
            "Cache.put",
            vec![step(
                "app/main.py",
                5,
                "`app.Cache` built here (lives as long as the process)",
            )],
        );
        let members = [&a, &b, &b2, &none, &built];
        assert_eq!(
            here(&members).unwrap(),
            "In this project, `Sms.send` runs on every `GET /a` request (`h10`, `app/api.py:10`) → `send()`; \
             2 other paths too (for 1 of the 5 places the model found no path)."
        );
        assert_eq!(here(&[&none]), None);
        assert_eq!(
            here(&[&built]).unwrap(),
            "In this project, `app.Cache` is built once (`app/main.py:5`) and lives as long as the process."
        );
    }
}
