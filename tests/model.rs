//! The project model on a multi-module fixture project
//! (`fixtures/projects/fastapi-app`): a FastAPI app with routers, a service
//! layer with a base class in another module, a db module, dependencies, a
//! Celery worker, background tasks and threads, a script and an alembic
//! migration. Every context comes with the path that proves it.

use std::path::{Path, PathBuf};

use auditbench::model::{explain::explain, Context, ProjectModel};
use auditbench::scan::summaries::{model_of, summarize_project, Summarized};
use auditbench::Config;

mod common;
use common::copy_dir;

fn project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/projects/fastapi-app")
}

fn scan_files(root: &Path) -> Vec<Summarized> {
    summarize_project(root, &Config::default()).unwrap()
}

/// The contexts of the function `qualname` of `path`, by name.
fn contexts(
    model: &ProjectModel,
    files: &[Summarized],
    path: &str,
    qualname: &str,
) -> Vec<&'static str> {
    let f = files.iter().find(|f| f.path == path).expect(path);
    let i = f
        .summary
        .functions
        .iter()
        .position(|x| x.qualname == qualname)
        .unwrap_or_else(|| panic!("{qualname} in {path}"));
    let line = f.summary.functions[i].line;
    let func = model.function_at(path, line).unwrap();
    model
        .contexts_of(func)
        .iter()
        .map(Context::as_str)
        .collect()
}

#[test]
fn entry_points_and_propagated_contexts() {
    let files = scan_files(&project());
    let model = model_of(&files);
    let ctx = |p: &str, q: &str| contexts(&model, &files, p, q);
    // A route on an APIRouter built in its module.
    assert_eq!(ctx("app/api/orders.py", "create_order"), ["request"]);
    // A route on the app a factory returns (`app = create_app()`).
    assert_eq!(ctx("app/main.py", "health"), ["request"]);
    // A `Depends` provider runs per request; so does the service method it
    // feeds (typed by the parameter's annotation), and the base-class method
    // in another module reached through `self`.
    assert_eq!(ctx("app/api/deps.py", "get_service"), ["request"]);
    assert_eq!(ctx("app/db.py", "get_db"), ["request"]);
    assert_eq!(
        ctx("app/services/orders.py", "OrderService.place"),
        ["request"]
    );
    assert_eq!(
        ctx("app/services/base.py", "BaseService.audit"),
        ["request"]
    );
    // `self._write()` in the base class may run the subclass's override.
    assert_eq!(
        ctx("app/services/orders.py", "OrderService._write"),
        ["request"]
    );
    assert_eq!(
        ctx("app/services/base.py", "BaseService._write"),
        ["request"]
    );
    // A helper shared by a request handler (through a package re-export) and
    // a Celery task, and what it calls.
    assert_eq!(
        ctx("app/services/helpers.py", "notify_shipping"),
        ["request", "task"]
    );
    assert_eq!(
        ctx("app/services/helpers.py", "format_message"),
        ["request", "task", "script"]
    );
    // Construction runs `__init__` where the caller runs.
    assert_eq!(
        ctx("app/services/base.py", "BaseService.__init__"),
        ["request"]
    );
    // Context switches: a background task added by a handler, a task and a
    // thread started by a function called from... nowhere: not reached.
    assert_eq!(ctx("app/api/orders.py", "send_receipt"), ["background"]);
    assert!(ctx("app/worker.py", "start_background").is_empty());
    assert!(ctx("app/worker.py", "poll").is_empty());
    assert!(ctx("app/worker.py", "never_called").is_empty());
    // The lifespan runs at startup and shutdown; the factory at import.
    assert_eq!(ctx("app/main.py", "lifespan"), ["startup", "shutdown"]);
    assert_eq!(ctx("app/main.py", "warm_caches"), ["startup", "shutdown"]);
    assert_eq!(ctx("app/main.py", "create_app"), ["import"]);
    // A script's main, and a migration.
    assert_eq!(ctx("scripts/backfill.py", "main"), ["script"]);
    assert_eq!(
        ctx("alembic/versions/001_init.py", "upgrade"),
        ["migration"]
    );
    assert_eq!(ctx("alembic/versions/001_init.py", "_seed"), ["migration"]);
}

#[test]
fn a_switch_fires_when_its_caller_is_reached() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("worker.py"),
        "import asyncio\nimport threading\n\n\nasync def poll():\n    pass\n\n\ndef work():\n    pass\n\n\ndef start():\n    asyncio.create_task(poll())\n    threading.Thread(target=work).start()\n\n\nstart()\n",
    )
    .unwrap();
    let files = scan_files(root);
    let model = model_of(&files);
    assert_eq!(contexts(&model, &files, "worker.py", "start"), ["import"]);
    assert_eq!(
        contexts(&model, &files, "worker.py", "poll"),
        ["background"]
    );
    assert_eq!(contexts(&model, &files, "worker.py", "work"), ["thread"]);
}

#[test]
fn resolution_is_by_qualified_name_never_by_bare_name() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("a")).unwrap();
    std::fs::write(root.join("a/__init__.py"), "").unwrap();
    std::fs::write(
        root.join("a/api.py"),
        "from fastapi import FastAPI\nfrom .util import helper\n\napp = FastAPI()\n\n\n@app.get('/')\ndef index():\n    helper()\n",
    )
    .unwrap();
    std::fs::write(root.join("a/util.py"), "def helper():\n    pass\n").unwrap();
    // Another module with a function of the same bare name: never called.
    std::fs::write(root.join("b.py"), "def helper():\n    pass\n").unwrap();
    let files = scan_files(root);
    let model = model_of(&files);
    assert_eq!(contexts(&model, &files, "a/util.py", "helper"), ["request"]);
    assert!(contexts(&model, &files, "b.py", "helper").is_empty());
}

#[test]
fn explain_shows_the_path_that_makes_a_context_real() {
    let files = scan_files(&project());
    let model = model_of(&files);
    let text = explain(&model, "app/services/helpers.py", 5).unwrap();
    assert!(
        text.contains("`format_message` at app/services/helpers.py:5"),
        "{text}"
    );
    assert!(text.contains("contexts: request, task, script"), "{text}");
    // The request path starts at the route's decorator and walks the calls.
    assert!(
        text.contains(
            "app/api/orders.py:10: create_order: `@router.post(\"/\")` (fastapi request)"
        ),
        "{text}"
    );
    assert!(text.contains("calls `OrderService.place`"), "{text}");
    assert!(text.contains("calls `notify_shipping`"), "{text}");
    assert!(text.contains("calls `format_message`"), "{text}");
    // The task path starts at the Celery decorator.
    assert!(
        text.contains("`@celery_app.task(\"orders.sync\")`") || text.contains("sync_orders"),
        "{text}"
    );
    let class = explain(&model, "app/services/orders.py", 7).unwrap();
    assert!(
        class.contains("instances of `app.services.orders.OrderService` are built at:"),
        "{class}"
    );
    assert!(
        class.contains("app/api/deps.py:6 in `get_service`"),
        "{class}"
    );
}

#[test]
fn the_cli_explains_a_place() {
    let out = assert_cmd::Command::cargo_bin("auditbench")
        .unwrap()
        .current_dir(project())
        .args(["explain", "app/services/helpers.py:2"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("`notify_shipping` at app/services/helpers.py:1"),
        "{text}"
    );
    assert!(text.contains("contexts: request, task"), "{text}");
    let missing = assert_cmd::Command::cargo_bin("auditbench")
        .unwrap()
        .current_dir(project())
        .args(["explain", "app/nope.py:3"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("path does not exist"));
}

/// Every function's contexts and evidence, as text, for comparisons.
fn all_contexts(files: &[Summarized]) -> Vec<String> {
    let model = model_of(files);
    let mut out = vec![];
    for f in files {
        for func in &f.summary.functions {
            let Some(r) = model.function_at(&f.path, func.line) else {
                continue;
            };
            for ctx in model.contexts_of(r).iter() {
                let path: Vec<String> = model
                    .path_to(r, ctx)
                    .iter()
                    .map(|s| format!("{}:{} {}", s.path, s.line, s.message))
                    .collect();
                out.push(format!(
                    "{}:{} {} <- {}",
                    f.path,
                    func.qualname,
                    ctx.as_str(),
                    path.join(" | ")
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn an_unrelated_file_changes_nothing_and_file_order_does_not_matter() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("p");
    copy_dir(&project(), &root);
    let before = all_contexts(&scan_files(&root));
    assert!(before.len() > 20, "{before:#?}");
    // A module nobody imports, defining names the project also uses.
    std::fs::write(
        root.join("zz_unrelated.py"),
        "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\ndef notify_shipping(order_id):\n    pass\n\n\ndef format_message(x):\n    return x\n\n\n@router.get('/z')\ndef z():\n    notify_shipping(1)\n",
    )
    .unwrap();
    let after: Vec<String> = all_contexts(&scan_files(&root))
        .into_iter()
        .filter(|l| !l.starts_with("zz_unrelated.py:"))
        .collect();
    assert_eq!(before, after);
    // The model does not depend on the order of its inputs.
    let mut files = scan_files(&project());
    let forward = all_contexts(&files);
    files.reverse();
    assert_eq!(forward, all_contexts(&files));
}

/// Methods reached through attributes: `self.x = Class()`, `self.x = param`
/// with an annotated parameter (bare, quoted, `Optional[...]`), a class-body
/// annotation, an attribute assigned in a base class in another module, a
/// `cls(...)` factory; a memoised function without parameters runs once.
#[test]
fn calls_through_attributes_and_factories_resolve() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/projects/services-app");
    let files = scan_files(&root);
    let model = model_of(&files);
    let ctx = |p: &str, q: &str| contexts(&model, &files, p, q);
    // `notifier = Notifier.from_settings()` at import: the factory's
    // `cls(...)` builds a Notifier there.
    assert_eq!(ctx("svc/notifier.py", "Notifier.from_settings"), ["import"]);
    assert_eq!(ctx("svc/notifier.py", "Notifier.__init__"), ["import"]);
    assert_eq!(ctx("svc/notifier.py", "Notifier.notify"), ["request"]);
    // `self.sms = sms` (annotated `"SmsGateway"`) -> SmsGateway.send.
    assert_eq!(ctx("svc/transport.py", "SmsGateway.send"), ["request"]);
    // `self.mailer = mailer` (`Optional[Mailer]`) -> Mailer.send, and the
    // base class's `flush`, whose `self.transport` is set in the base.
    assert_eq!(ctx("svc/mail.py", "Mailer.send"), ["request"]);
    assert_eq!(ctx("svc/transport.py", "BaseSender.flush"), ["request"]);
    assert_eq!(ctx("svc/transport.py", "Transport.deliver"), ["request"]);
    // `self.pool = make_pool()`: the factory's return type.
    assert_eq!(ctx("svc/mail.py", "Pool.run"), ["request"]);
    // Same method names on a class nothing stores: unreached.
    assert!(ctx("svc/transport.py", "Unrelated.send").is_empty());
    assert!(ctx("svc/transport.py", "Unrelated.deliver").is_empty());
    // `@lru_cache def get_settings()` called per request and at import: its
    // body, and what it builds, run once.
    assert_eq!(ctx("svc/notifier.py", "get_settings"), ["once"]);
    assert_eq!(ctx("svc/mail.py", "Settings.__init__"), ["once"]);
    let f = model
        .function_at("svc/mail.py", 22)
        .expect("Settings.__init__");
    let path = model.path_to(f, Context::Once);
    assert!(
        path.iter()
            .any(|s| s.message.contains("memoised without parameters")),
        "{path:?}"
    );
}
