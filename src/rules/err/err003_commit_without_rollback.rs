//! ERR003 commit-without-rollback.
use crate::finding::{Applicability, Kind, Severity};
use crate::rules::fix;
use crate::rules::{Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags `.commit()` on a database session or connection outside any `try` whose
handler calls `rollback()`. Session objects are recognised from the index: `db`,
`session`, `self.db`, `self.session`, parameters annotated `Session` /
`AsyncSession` / `Connection`, names bound to `SessionLocal()` (a `sessionmaker`
result), `Session(...)` or `connect()`, and names configured in `sessions = [...]`.

## Why is this bad?
When a flush or commit fails (constraint violation, deadlock, lost connection), a
SQLAlchemy session is left in a failed transaction: every later use raises
`PendingRollbackError` until someone calls `rollback()`. With a request-scoped or
long-lived session the error cascades into unrelated requests. (Seed 000 HIGH-003.)

## Example
```python
def create(self, db: Session, entity):
    db.add(entity)
    db.commit()
    db.refresh(entity)
```

## Use instead
```python
def create(self, db: Session, entity):
    try:
        db.add(entity)
        db.commit()
        db.refresh(entity)
    except Exception:
        db.rollback()
        raise
```

## Not reported
`with session.begin():` (commits or rolls back for you), commits inside
`with Session(...)` / `with SessionLocal() as s` (closing the session rolls back),
`with conn:` (sqlite3 and psycopg connections roll back on error), commits inside
a `with` whose context manager is handed the session (`with session_cleanup(session):`,
`with closing(session):`), and commits in a unit-of-work class whose other methods (`__exit__`, `rollback`) roll back.

## Limitations
A repository that commits and relies on its caller to roll back is reported:
wrap the commit, or suppress with a reason.

## Precision
Measured on the ecosystem corpus (`scripts/ecosystem`, 20 real projects, test code skipped, 2026-11-23): 1 of 9 (11%) true positives in the labelled sample (`bench/ecosystem/labels.csv`). Below the target (90% for its `high` severity). The severity stays the catalog's (it says the impact); the figure sets the confidence its findings start from, which the project model raises or lowers at each place (`src/rules/confidence.rs`, with the application sample of `bench/apps/`). Why it fell short: most commits without a local rollback use a session that does not outlive the failure (a request-scoped session closed by its dependency, a script that exits); the harm needs a session that is reused after the failed commit (an attribute or module-level session), which is what the one true positive (kombu's channel session) had.
"#;

pub static META: RuleMeta = RuleMeta {
    id: "ERR003",
    name: "commit-without-rollback",
    kind: Kind::Finding,
    severity: Severity::High,
    summary: "session commit outside a try/except that rolls back",
    category: "errors",
    doc: DOC,
    effort_hours: 0.5,
};

pub struct Err003;

impl Rule for Err003 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        let factories = ix.session_factories(cx.settings.sessions);
        // The scope-independent session names once per module (once per commit
        // was quadratic on generated modules).
        let module_sessions = ix.module_session_paths(cx.settings.sessions);
        for c in &ix.calls {
            if c.method != "commit" || !c.args.is_empty() {
                continue;
            }
            let Some(recv) = c.receiver_path() else {
                continue;
            };
            if !module_sessions.contains(recv) {
                let mut scope_sessions = std::collections::HashSet::new();
                ix.add_scope_session_paths(&mut scope_sessions, c.scope);
                if !scope_sessions.contains(recv) {
                    continue;
                }
            }
            // A try around the commit whose handler (or finally) rolls back.
            let guarded = ix.enclosing_try_bodies(c.block).into_iter().any(|tid| {
                let t = &ix.tries[tid];
                let mut spans: Vec<_> = t.handlers.iter().map(|&h| ix.handlers[h].body).collect();
                spans.extend(t.finally_body);
                spans.iter().any(|sp| {
                    ix.calls_within(t.scope, *sp)
                        .any(|(_, r)| r.method.contains("rollback"))
                })
            });
            if guarded {
                continue;
            }
            // A unit-of-work class that rolls back elsewhere (`__exit__`, `rollback()`).
            let class_rolls_back = ix.enclosing_class(c.scope).is_some_and(|cls| {
                ix.calls.iter().any(|r| {
                    r.method.contains("rollback")
                        && ix.enclosing_class(r.scope) == Some(cls)
                        && r.scope != c.scope
                        && matches!(
                            ix.scopes[r.scope].name.as_str(),
                            "__exit__" | "__aexit__" | "rollback" | "close"
                        )
                })
            });
            if class_rolls_back {
                continue;
            }
            // Transactional `with` blocks: `session.begin()`, a session / connection
            // constructed in the `with`, `with conn:`.
            let managed = ix.enclosing_withs(c.block).into_iter().any(|wid| {
                ix.withs[wid].items.iter().any(|it| {
                    // `with conn:`, and `with memory_database() as conn:` /
                    // `with engine.connect() as conn:`: the context manager owns
                    // the connection and ends its transaction on exit.
                    if it.value.path() == Some(recv) || it.alias.as_deref() == Some(recv) {
                        return true;
                    }
                    ix.call_value(&it.value).is_some_and(|w| {
                        w.method == "begin"
                            || w.method == "begin_nested"
                            || ix.is_session_construction(w, &factories)
                            // `with session_cleanup(session):`, `with closing(session):`:
                            // a context manager handed the session ends it (celery's
                            // helper rolls back on error and closes).
                            || w.args.iter().any(|a| a.value.path() == Some(recv))
                    })
                })
            });
            if managed {
                continue;
            }
            let (from, to) = fix::statement_lines(ix, &c.span);
            let stmt = fix::splice(ix, from, to, vec![]);
            let mut lines = vec!["try:".to_string()];
            lines.extend(stmt.lines().map(|l| format!("    {l}")));
            lines.push("except Exception:".into());
            lines.push(format!("    {recv}.rollback()"));
            lines.push("    raise".into());
            let edit = fix::replace_lines(ix, from, to, &lines);
            let after = fix::splice(ix, from, to, vec![edit.clone()]);
            let d = cx.report(
                &META,
                c.span,
                c.scope,
                format!("`{recv}.commit()` is not wrapped in try/except with `{recv}.rollback()`: a failed commit leaves the session unusable"),
            )
            .with_fix(stmt, after);
            if fix::alone_on_its_lines(ix, &c.span) {
                d.with_edits(Applicability::Unsafe, vec![edit]);
            }
        }
    }
}
