//! PERF001 query-in-loop.
use crate::finding::{Kind, Severity};
use crate::python::known::collections::LIST_FILL_METHODS;
use crate::python::known::sessions::{QUERY_METHODS, SESSION_STAGING_METHODS, STATEMENT_METHODS};
use crate::python::{BlockKind, LoopKind, ModuleIndex, Target, Value};
use crate::rules::fix::{self, Edit};
use crate::rules::{Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags, inside a `for` loop or a comprehension, a call on a repository / DAO /
database receiver (`*repo*`, `*repository*`, `*dao*`, `db`, `session`, `cursor`,
`conn`, and the session objects the index recognises) whose arguments use the loop
variable: one query per item (the N+1 pattern).

## Why is this bad?
Each iteration pays a database round trip. With 10 items it is invisible in
development; with 10,000 in production the endpoint takes seconds and holds a
connection the whole time. (Seed 000 HIGH-005.)

## Example
```python
for session_id in session_ids:
    traces = trace_repo.get_by_session(session_id)
```

## Use instead
One batched query outside the loop:
```python
traces_by_session = trace_repo.get_by_session_ids(session_ids)
```

## Not reported
Loops over data written in the code (a list/tuple/set display such as
`for model in [User, Order]`, a name bound only to such a display, `range(3)`):
their size is fixed by the source. Schema statements run per object (`DROP`,
`ALTER`, `CREATE`, `TRUNCATE`... as the query text). Session calls that only stage
work (`add`, `add_all`, `delete`, `expunge`, `flush`, `commit`). Loops whose item
is the statement itself (`for sql in statements: cursor.execute(sql)`: a list of
different statements, not one query per row). List methods (`append`, `extend`)
on a name that happens to end in `repos`.

## Precision
Measured on the ecosystem corpus (`scripts/ecosystem`, 20 real projects, test code skipped, 2026-11-23): 3 of 9 (33%) true positives in the labelled sample (`bench/ecosystem/labels.csv`). Below the target (90% for its `high` severity). The severity stays the catalog's (it says the impact); the figure sets the confidence its findings start from, which the project model raises or lowers at each place (`src/rules/confidence.rs`, with the application sample of `bench/apps/`). Why it fell short: loops over schema objects (one PRAGMA or existence check per table), deliberate per-row fallbacks and scripts dominate; statement lists (`for sql in statements: cursor.execute(sql)`) and list methods are no longer reported.
"#;

pub static META: RuleMeta = RuleMeta {
    id: "PERF001",
    name: "query-in-loop",
    kind: Kind::Finding,
    severity: Severity::High,
    summary: "a repository/database call per loop item (N+1 queries)",
    category: "performance",
    doc: DOC,
    effort_hours: 2.0,
};

/// `Some(true)`: a repository/DAO (any method is a query); `Some(false)`: a
/// generic database handle (only [`QUERY_METHODS`] are queries); `None`: not a
/// database receiver.
fn db_receiver(path: &str, is_session: impl Fn(&str) -> bool) -> Option<bool> {
    let last = path.rsplit('.').next().unwrap_or(path).to_ascii_lowercase();
    let last = last.trim_start_matches('_');
    // The last `_`-separated word names the kind of object: `trace_repo`,
    // `user_repository`, `UserDAO`; not `repo_url`.
    let word = last.rsplit('_').next().unwrap_or(last);
    if word.ends_with("repo")
        || word.ends_with("repos")
        || word.ends_with("repository")
        || word.ends_with("dao")
    {
        return Some(true);
    }
    (is_session(path)
        || matches!(
            last,
            "db" | "session" | "cursor" | "cur" | "conn" | "connection"
        ))
    .then_some(false)
}

/// Names bound to HTTP clients anywhere in the module (`async with
/// aiohttp.ClientSession() as session`, `session = requests.Session()`; with
/// [`http_client_param`], a parameter annotated `aiohttp.ClientSession`): their
/// calls are HTTP requests, not queries. Computed once per module (once per call
/// was quadratic on generated modules).
fn http_client_names(ix: &ModuleIndex) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    for a in &ix.assignments {
        if let Some(c) = a.value.as_ref().and_then(|v| ix.call_value(v)) {
            if c.qualified.as_deref().is_some_and(is_http) {
                for t in &a.targets {
                    if let crate::python::Target::Name(n) | crate::python::Target::Attr(n) = t {
                        out.insert(n.clone());
                    }
                }
            }
        }
    }
    for w in &ix.withs {
        for it in &w.items {
            if let (Some(alias), Some(c)) = (&it.alias, ix.call_value(&it.value)) {
                if c.qualified.as_deref().is_some_and(is_http) {
                    out.insert(alias.clone());
                }
            }
        }
    }
    out
}

/// Whether `name` is a parameter of `scope` (or an enclosing scope) annotated
/// with an HTTP client type: the per-scope part of [`http_client_names`].
fn http_client_param(ix: &ModuleIndex, scope: usize, name: &str) -> bool {
    let mut cur = Some(scope);
    while let Some(s) = cur {
        if ix.scopes[s]
            .params
            .iter()
            .any(|p| p.name == name && p.annotation_qualified.iter().any(|q| is_http(q)))
        {
            return true;
        }
        cur = ix.scopes[s].parent;
    }
    false
}

fn is_http(q: &str) -> bool {
    q.starts_with("aiohttp.") || q.starts_with("requests.") || q.starts_with("httpx.")
}

/// Loops over data written in the code: a list/tuple/set display (its size is
/// fixed by the source: test cases, table names), a name bound to one in the same
/// or the module scope, or `range(<= 16)`.
fn constant_loop(ix: &ModuleIndex, iter: Option<&Value>, scope: usize) -> bool {
    match iter {
        Some(Value::List(_)) | Some(Value::Tuple(_)) | Some(Value::Set(_)) => true,
        Some(Value::Name(n)) => {
            ix.assignments.iter().any(|a| {
                (a.scope == scope || a.scope == 0)
                    && a.targets
                        .iter()
                        .any(|t| matches!(t, Target::Name(x) if x == n))
                    && matches!(
                        a.value,
                        Some(Value::List(_) | Value::Tuple(_) | Value::Set(_))
                    )
            }) && !ix.assignments.iter().any(|a| {
                // ... and never rebound to anything else.
                (a.scope == scope || a.scope == 0)
                    && a.targets
                        .iter()
                        .any(|t| matches!(t, Target::Name(x) if x == n))
                    && !matches!(
                        a.value,
                        Some(Value::List(_) | Value::Tuple(_) | Value::Set(_))
                    )
            })
        }
        Some(v) => ix.call_value(v).is_some_and(|c| {
            c.qualified.as_deref() == Some("range")
                && c.args.iter().all(|a| a.value.is_constant())
                && c.args.iter().all(|a| {
                    matches!(&a.value, Value::Num(n) if n.parse::<i64>().is_ok_and(|n| n <= 16))
                })
        }),
        None => false,
    }
}

/// Schema statements (`DROP`, `ALTER`, `CREATE`, `TRUNCATE`...) run per table or
/// constraint: one per object by nature, not an N+1 read.
fn is_ddl(ix: &ModuleIndex, c: &crate::python::Call) -> bool {
    const DDL: &[&str] = &[
        "DROP ",
        "ALTER ",
        "CREATE ",
        "TRUNCATE ",
        "VACUUM",
        "ANALYZE",
        "GRANT ",
        "REVOKE ",
        "COMMENT ON",
    ];
    let starts_ddl = |t: &str| {
        let t = t.trim_start().to_ascii_uppercase();
        DDL.iter().any(|k| t.starts_with(k))
    };
    c.args.iter().any(|a| match &a.value {
        Value::Str(t) => starts_ddl(t),
        Value::FString { text, .. } => starts_ddl(
            text.trim_start_matches(|ch: char| ch.is_ascii_alphabetic())
                .trim_start_matches(['"', '\'']),
        ),
        v => ix.call_value(v).is_some_and(|inner| {
            inner.args.iter().any(|x| match &x.value {
                Value::Str(t) => starts_ddl(t),
                Value::FString { text, .. } => starts_ddl(
                    text.trim_start_matches(|ch: char| ch.is_ascii_alphabetic())
                        .trim_start_matches(['"', '\'']),
                ),
                _ => false,
            })
        }),
    })
}

fn value_text(ix: &ModuleIndex, v: &Value) -> String {
    match v {
        Value::Name(n) | Value::Path(n) => n.clone(),
        Value::Other(t) => t.clone(),
        Value::Call(id) => ix.text_of(&ix.calls[*id].span).to_string(),
        _ => "items".into(),
    }
}

pub struct Perf001;

impl Rule for Perf001 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        let module_sessions = ix.module_session_paths(cx.settings.sessions);
        let http_clients = http_client_names(ix);
        for c in &ix.calls {
            let Some(recv) = c.receiver_path() else {
                continue;
            };
            if recv == "self"
                || SESSION_STAGING_METHODS.contains(&c.method.as_str())
                || LIST_FILL_METHODS.contains(&c.method.as_str())
            {
                continue;
            }
            let loops: Vec<usize> = ix
                .blocks_of(c.block)
                .filter(|b| b.kind == BlockKind::Loop)
                .map(|b| b.owner)
                .collect();
            if loops.is_empty() {
                continue;
            }
            let mut scope_sessions = std::collections::HashSet::new();
            ix.add_scope_session_paths(&mut scope_sessions, c.scope);
            let is_session = |p: &str| module_sessions.contains(p) || scope_sessions.contains(p);
            let Some(any_method) = db_receiver(recv, is_session) else {
                continue;
            };
            if !any_method && !QUERY_METHODS.contains(&c.method.as_str()) {
                continue;
            }
            if http_clients.contains(recv) || http_client_param(ix, c.scope, recv) || is_ddl(ix, c)
            {
                continue;
            }
            // The innermost loop whose variable the arguments use.
            let hit = loops.iter().find_map(|&lid| {
                let lp = &ix.loops[lid];
                if constant_loop(ix, lp.iter.as_ref(), c.scope) {
                    return None;
                }
                // `for sql in statements: cursor.execute(sql)`: the query text is
                // the item, so this runs a list of different statements (a
                // migration, sequence resets, batches built by a compiler), not
                // one query per data row.
                let statement_is_item = !any_method
                    && STATEMENT_METHODS.contains(&c.method.as_str())
                    && c.args.first().is_some_and(|a| {
                        a.keyword.is_none()
                            && !a.star
                            && matches!(&a.value, Value::Name(n) if lp.targets.contains(n))
                    });
                if statement_is_item {
                    return None;
                }
                let var = c.args.iter().find_map(|a| {
                    ix.loads_within(c.scope, a.span)
                        .find(|l| lp.targets.contains(&l.name))
                        .map(|l| l.name.clone())
                })?;
                Some((lid, var))
            });
            let Some((lid, var)) = hit else {
                continue;
            };
            let lp = &ix.loops[lid];
            let iter = lp
                .iter
                .as_ref()
                .map(|v| value_text(ix, v))
                .unwrap_or_else(|| "items".into());
            let batch = format!("{}_batch", c.method);
            let stem = c
                .method
                .trim_start_matches("get_")
                .trim_start_matches("find_")
                .trim_start_matches("fetch_");
            let results = if stem.starts_with("by_") {
                format!("results_{stem}")
            } else {
                format!("{stem}_by_{var}")
            };
            let aw = if c.awaited { "await " } else { "" };
            let (from, to) = if lp.kind == LoopKind::Comprehension {
                fix::statement_lines(ix, &lp.span)
            } else {
                (lp.span.line, lp.span.end_line.min(lp.span.line + 20))
            };
            let (sf, _) = fix::statement_lines(ix, &lp.span);
            let mut start = c.span.start_byte;
            if c.awaited && ix.source[..start].trim_end().ends_with("await") {
                start = ix.source[..start].trim_end().len() - "await".len();
            }
            let edits = vec![
                fix::insert_lines(
                    ix,
                    sf,
                    0,
                    &[format!(
                        "{results} = {aw}{recv}.{batch}(list({iter}))  # one batched query"
                    )],
                ),
                Edit::replace(start..c.span.end_byte, format!("{results}.get({var})")),
            ];
            let before = fix::splice(ix, sf.min(from), to, vec![]);
            let after = fix::splice(ix, sf.min(from), to, edits);
            cx.report(
                &META,
                c.span,
                c.scope,
                format!(
                    "`{recv}.{}` runs once per `{var}` in the loop over `{iter}`: N+1 queries",
                    c.method
                ),
            )
            .with_related(lp.span, "the loop")
            .with_fix(before, after);
        }
    }
}
