//! Command-level tests on Tauri's mock runtime: the real command handlers, the
//! real IPC (de)serialisation and event emission, on a temporary copy of the
//! demo project.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use auditbench::report::{self, ReportFormat, ReportOptions};
use auditbench::store::{self, Store};
use serde_json::{json, Value};
use tauri::test::{get_ipc_response, mock_context, noop_assets, MockRuntime};
use tauri::{App, Listener, Manager, WebviewWindow};

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/demo-backend");

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let name = e.file_name();
        if name == ".auditbench" || name == "__pycache__" {
            continue;
        }
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(&name));
        } else {
            std::fs::copy(e.path(), to.join(&name)).unwrap();
        }
    }
}

/// One command through the real IPC of the mock runtime.
fn invoke(
    app: &App<MockRuntime>,
    window: &WebviewWindow<MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    get_ipc_response(
        window,
        tauri::webview::InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: app.invoke_key().to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().unwrap())
}

struct Harness {
    _dir: tempfile::TempDir,
    root: PathBuf,
    outside: PathBuf,
    app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    events: mpsc::Receiver<(String, Value)>,
}

/// Starts the app on a copy of the demo (opened like `auditbench-desktop DIR`)
/// and waits for the first scan to be recorded.
fn start() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("demo-backend");
    copy_dir(Path::new(DEMO), &root);
    let root = root.canonicalize().unwrap();
    // A sibling folder (not an ancestor: a symlink to it makes no loop).
    std::fs::create_dir_all(dir.path().join("outside")).unwrap();
    let outside = dir.path().join("outside/outside.txt");
    std::fs::write(&outside, "not part of the project\n").unwrap();
    let app = auditbench_desktop::builder::<MockRuntime>(None, None)
        .build(mock_context(noop_assets()))
        .expect("app builds");
    let (tx, events) = mpsc::channel();
    for name in [
        "scan-progress",
        "scan-finished",
        "findings-changed",
        "project-error",
    ] {
        let tx = tx.clone();
        app.listen_any(name, move |e| {
            let payload: Value = serde_json::from_str(e.payload()).unwrap_or(Value::Null);
            let _ = tx.send((name.to_string(), payload));
        });
    }
    // Setup only runs in the event loop, which the mock app never enters.
    auditbench_desktop::init(app.handle(), dir.path().join("prefs"), Some(root.clone()));
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let h = Harness {
        _dir: dir,
        root,
        outside,
        app,
        window,
        events,
    };
    // The first scan started in `setup`, possibly before the listeners: poll.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        let info = h.ok("project_info", json!({}));
        // Edits are seen once the watcher is registered.
        if info["scanning"] == false && info["lastScan"].is_object() && info["watching"] == true {
            break;
        }
        assert!(info["error"].is_null(), "{info}");
        assert!(
            std::time::Instant::now() < deadline,
            "first scan did not finish"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    h
}

impl Harness {
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        invoke(&self.app, &self.window, cmd, args)
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    fn err_kind(&self, cmd: &str, args: Value) -> String {
        let e = self
            .call(cmd, args.clone())
            .expect_err(&format!("{cmd} {args} should fail"));
        e["kind"].as_str().unwrap_or_default().to_string()
    }

    fn wait_for(&self, name: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.events.recv_timeout(left) {
                Ok((n, p)) if n == name && pred(&p) => return p,
                Ok((n, p)) if n == "project-error" => panic!("project error: {p}"),
                Ok(_) => {}
                Err(_) => panic!("no {name} event within 60 s"),
            }
        }
    }

    fn db(&self) -> Store {
        Store::open_existing(store::default_path(&self.root).unwrap()).unwrap()
    }

    fn findings(&self, filter: Value) -> Vec<Value> {
        self.ok("list_findings", json!({ "filter": filter }))["items"]
            .as_array()
            .unwrap()
            .clone()
    }

    fn one(&self, rule: &str) -> Value {
        let items = self.findings(json!({ "rules": [rule] }));
        assert_eq!(items.len(), 1, "{rule}: {items:?}");
        items[0].clone()
    }
}

#[test]
fn findings_detail_triage_and_live_updates() {
    let h = start();
    let info = h.ok("project_info", json!({}));
    assert_eq!(info["name"], "demo-backend");
    assert_eq!(info["scanning"], false);
    assert_eq!(info["watching"], true);
    assert_eq!(
        h.ok("recent_projects", json!({}))[0],
        h.root.to_str().unwrap()
    );

    // The list holds exactly what a scan of the same folder finds.
    let scanned = auditbench::scan(auditbench::ScanOptions {
        root: h.root.clone(),
        config: auditbench::Config::load(&h.root).unwrap(),
        progress: None,
    })
    .unwrap();
    let expected = scanned
        .findings
        .iter()
        .filter(|f| f.kind == auditbench::Kind::Finding)
        .count();
    let all = h.ok("list_findings", json!({ "filter": {} }));
    assert_eq!(all["total"].as_u64().unwrap() as usize, expected);
    assert!(expected >= 30);
    // Free-text and severity filters.
    let text = h.findings(json!({ "text": "METRICS.PY" }));
    assert!(!text.is_empty());
    assert!(text.iter().all(|f| f["path"] == "app/metrics.py"));
    let crit = h.findings(json!({ "severity": ["critical"], "sort": "path" }));
    assert!(crit.iter().all(|f| f["severity"] == "critical"));

    // Detail: the stored finding, its rule and its history.
    let f = h.one("MEM004");
    let id = f["id"].as_i64().unwrap();
    let detail = h.ok("finding_detail", json!({ "id": id }));
    assert_eq!(detail["finding"]["id"], id);
    assert_eq!(detail["rule"]["id"], "MEM004");
    assert_eq!(detail["rule"]["name"], "high-cardinality-metric-label");
    assert!(detail["rule"]["doc"]
        .as_str()
        .unwrap()
        .contains("What it does"));
    assert!(detail["related"].is_array());
    assert!(!detail["events"].as_array().unwrap().is_empty());
    assert_eq!(
        h.err_kind("finding_detail", json!({ "id": 999_999 })),
        "not_found"
    );

    // Triage returns the updated rows, and the database holds the decision.
    let rows = h.ok(
        "triage",
        json!({ "ids": [id], "status": "confirmed", "note": "labels come from user input" }),
    );
    assert_eq!(rows[0]["triage"], "confirmed");
    assert_eq!(rows[0]["note"], "labels come from user input");
    assert_eq!(h.db().finding(id).unwrap().triage, "confirmed");
    assert_eq!(
        h.err_kind("triage", json!({ "ids": [id], "status": "bogus" })),
        "invalid"
    );
    h.ok(
        "add_note",
        json!({ "id": id, "note": "checked with the team" }),
    );
    let events = h.ok("finding_detail", json!({ "id": id }))["events"].clone();
    assert!(events.to_string().contains("checked with the team"));

    // The file viewer gets the text and the markers of the file's findings.
    let file = h.ok("read_file", json!({ "path": "app/metrics.py" }));
    assert_eq!(
        file["text"],
        std::fs::read_to_string(h.root.join("app/metrics.py")).unwrap()
    );
    assert!(file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["id"] == id && m["rule"] == "MEM004"));

    // Live update: the file is fixed on disk; the watcher records it and says so.
    std::fs::write(h.root.join("app/metrics.py"), "COUNT = 0\n").unwrap();
    let changed = h.wait_for("findings-changed", |p| p["fixed"].as_u64() > Some(0));
    assert_eq!(changed["paths"], json!(["app/metrics.py"]));
    assert!(
        changed["headline"]
            .as_str()
            .unwrap()
            .ends_with("fixed in metrics.py"),
        "{changed}"
    );
    let f = h.ok("finding_detail", json!({ "id": id }))["finding"].clone();
    assert_eq!(f["detection"], "fixed");
    assert_eq!(f["triage"], "confirmed", "a scan never overwrites triage");
    let info = h.ok("project_info", json!({}));
    assert!(info["lastScan"]["headline"]
        .as_str()
        .unwrap()
        .contains("1 fixed"));

    h.ok("close_project", json!({}));
    assert_eq!(h.ok("project_info", json!({})), Value::Null);
    assert_eq!(
        h.err_kind("list_findings", json!({ "filter": {} })),
        "no_project"
    );
    drop(h.app);
}

#[test]
fn every_path_argument_is_confined_to_the_project() {
    let h = start();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&h.outside, h.root.join("app/leak.py")).unwrap();
        std::os::unix::fs::symlink(h.outside.parent().unwrap(), h.root.join("up")).unwrap();
    }
    let outside = h.outside.to_str().unwrap().to_string();
    let attempts = [
        "../outside/outside.txt".to_string(),
        "app/../../outside/outside.txt".to_string(),
        outside.clone(),
        h.root.join("app/metrics.py").to_str().unwrap().to_string(),
        "app/leak.py".to_string(),
        "up/outside.txt".to_string(),
    ];
    for bad in &attempts {
        assert_eq!(
            h.err_kind("read_file", json!({ "path": bad })),
            "outside_root",
            "{bad}"
        );
        assert_eq!(
            h.err_kind("open_in_editor", json!({ "path": bad, "line": 1 })),
            "outside_root",
            "{bad}"
        );
        let manual = json!({ "finding": {
            "path": bad, "line": 1, "severity": "high", "title": "t", "description": "d"
        }});
        assert_eq!(h.err_kind("add_manual", manual), "outside_root", "{bad}");
    }
    // The project root itself can only be a folder the user chose.
    assert_eq!(
        h.err_kind(
            "open_project",
            json!({ "path": h.outside.parent().unwrap() })
        ),
        "outside_root"
    );
    // Settings: the database must stay in the project.
    let mut settings = h.ok("get_settings", json!({}));
    assert_eq!(settings["dbPath"], ".auditbench/audit.db");
    settings["dbPath"] = json!("../elsewhere.db");
    assert_eq!(
        h.err_kind("set_settings", json!({ "settings": settings })),
        "outside_root"
    );
    assert!(!h.root.parent().unwrap().join("elsewhere.db").exists());

    // Inside paths work: a manual finding, and the editor with the absolute path.
    let id = h
        .ok(
            "add_manual",
            json!({ "finding": {
                "path": "./app/db.py", "line": 3, "endLine": 4, "severity": "medium",
                "title": "Pool size <b>too small</b>", "description": "<script>alert(1)</script>"
            }}),
        )
        .as_i64()
        .unwrap();
    let m = h.one("MANUAL");
    assert_eq!(m["id"], id);
    assert_eq!(m["path"], "app/db.py");
    // Repository and user text is stored and returned as text, unchanged.
    assert_eq!(m["title"], "Pool size <b>too small</b>");
    assert_eq!(m["description"], "<script>alert(1)</script>");
    assert_eq!(
        h.err_kind("add_manual", json!({ "finding": {
            "path": "app/db.py", "line": 10_000, "severity": "low", "title": "t", "description": ""
        }})),
        "invalid"
    );

    let out = h.root.join("editor-args.txt");
    let mut settings = h.ok("get_settings", json!({}));
    settings["editorCommand"] = json!(format!(
        "sh -c 'printf \"%s\\n\" \"$0\" > \"$1\"' {{path}}:{{line}} {}",
        out.display()
    ));
    h.ok("set_settings", json!({ "settings": settings }));
    h.ok("open_in_editor", json!({ "path": "app/db.py", "line": 7 }));
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    // The shell creates the file before it writes the line: wait for the line.
    let written = || std::fs::read_to_string(&out).is_ok_and(|t| t.ends_with('\n'));
    while !written() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        std::fs::read_to_string(&out).unwrap().trim(),
        format!("{}:7", h.root.join("app/db.py").display())
    );
}

#[test]
fn dashboard_rules_and_report() {
    let h = start();
    let dash = h.ok("dashboard", json!({ "weeks": 4 }));
    let open: u64 = ["critical", "high", "medium", "low"]
        .iter()
        .map(|s| dash["openBySeverity"][s].as_u64().unwrap())
        .sum();
    let listed = h.ok(
        "list_findings",
        json!({ "filter": { "detection": ["open", "regressed"] } }),
    )["total"]
        .as_u64()
        .unwrap();
    assert_eq!(open, listed);
    assert_eq!(dash["weekly"].as_array().unwrap().len(), 4);
    assert_eq!(dash["weekly"][3]["open"].as_u64(), Some(open));
    let health = dash["health"]["now"].as_f64().unwrap();
    assert!(health > 0.0 && health < 10.0);
    assert_eq!(dash["health"]["baseline"], dash["health"]["now"]);
    let age = dash["age"].as_array().unwrap();
    assert_eq!(age[0]["severity"], "critical");
    assert_eq!(age[0]["targetDays"], 7);
    assert_eq!(age[3]["targetDays"], 120);
    assert_eq!(age[0]["overdue"], 0, "everything was found just now");
    assert!(dash["topFiles"][0]["open"].as_u64() >= dash["topFiles"][1]["open"].as_u64());
    let files = h.ok("file_counts", json!({}));
    assert!(files
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["path"] == "app/metrics.py"));

    // Rules: severity override written to the project's config, applied by a re-scan.
    let rules = h.ok("list_rules", json!({}));
    let mem004 = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "MEM004")
        .unwrap();
    assert_eq!(mem004["severity"], "medium");
    assert_eq!(mem004["enabled"], true);
    assert_eq!(mem004["open"], 1);
    let rules = h.ok(
        "set_rule",
        json!({ "id": "MEM004", "severity": "critical" }),
    );
    let mem004 = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "MEM004")
        .unwrap();
    assert_eq!(mem004["severity"], "critical");
    assert_eq!(mem004["defaultSeverity"], "medium");
    let config = std::fs::read_to_string(h.root.join(".auditbench.toml")).unwrap();
    assert!(config.contains("MEM004 = \"critical\""), "{config}");
    assert_eq!(h.one("MEM004")["severity"], "critical");
    let after = h.ok("dashboard", json!({}));
    assert_eq!(
        after["openBySeverity"]["critical"].as_u64().unwrap(),
        dash["openBySeverity"]["critical"].as_u64().unwrap() + 1
    );
    assert!(after["health"]["now"].as_f64().unwrap() < health);
    // Disabling a rule removes its findings (not "fixed"): the toggle returns
    // once the watcher's one re-scan of the configuration it wrote is
    // recorded, and the notice says what it hid.
    let open_err002 = h
        .findings(json!({ "rules": ["ERR002"], "detection": ["open", "regressed"] }))
        .len();
    assert!(open_err002 > 0);
    h.ok("set_rule", json!({ "id": "ERR002", "enabled": false }));
    let err002 = h.findings(json!({ "rules": ["ERR002"] }));
    assert!(
        err002.iter().all(|f| f["detection"] == "removed"),
        "{err002:?}"
    );
    let notice = h.wait_for("findings-changed", |p| {
        p["headline"]
            .as_str()
            .is_some_and(|t| t.starts_with("ERR002 disabled"))
    });
    assert_eq!(
        notice["headline"],
        format!(
            "ERR002 disabled: {open_err002} finding{} of ERR002 hidden",
            if open_err002 == 1 { "" } else { "s" }
        )
    );
    assert_eq!(
        h.err_kind("set_rule", json!({ "id": "NOPE001", "enabled": true })),
        "not_found"
    );

    // The report is exactly `auditbench report`'s, with the same options.
    let options = json!({
        "title": "Orders <b>audit</b>", "client": "ACME", "date": "2026-11-23",
        "minSeverity": "medium", "statuses": [], "includeCode": false, "includeStrengths": true
    });
    let opts = ReportOptions {
        title: Some("Orders <b>audit</b>".into()),
        client: Some("ACME".into()),
        date: Some("2026-11-23".into()),
        min_severity: auditbench::Severity::Medium,
        include_code: false,
        // As `auditbench report`: the title's project from pyproject.toml.
        project: auditbench::config::project_name(&h.root),
        ..Default::default()
    };
    // The watcher may record the configuration change meanwhile (a new scan in
    // the history): compare renders of the same database state.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let expected = loop {
        let md = h.ok(
            "render_report",
            json!({ "options": options, "format": "markdown" }),
        );
        let expected = report::render(&h.db(), &opts, ReportFormat::Markdown).unwrap();
        if md.as_str().unwrap() == expected {
            break expected;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "render_report differs from auditbench::report::render"
        );
        std::thread::sleep(Duration::from_millis(300));
    };
    assert!(expected.contains("Orders"));
    let sarif = h.ok(
        "render_report",
        json!({ "options": options, "format": "sarif" }),
    );
    assert!(sarif.as_str().unwrap().contains("\"version\": \"2.1.0\""));
    // HTML is a format of the report too (self-contained, every text escaped).
    let html = h.ok(
        "render_report",
        json!({ "options": options, "format": "html" }),
    );
    let html = html.as_str().unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Orders &lt;b&gt;audit&lt;/b&gt;") && !html.contains("<b>audit"));
    assert_eq!(
        h.err_kind(
            "render_report",
            json!({ "options": options, "format": "pdf" })
        ),
        "invalid"
    );

    // Export writes the same text where the user chose (the env var stands for
    // the save dialog in tests).
    let dest = h.root.parent().unwrap().join("exported.md");
    std::env::set_var(auditbench_desktop::EXPORT_PATH_ENV, &dest);
    // A scan the watcher records between the export and the render changes
    // the history the report counts: compare the two for one database state.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let written = h.ok(
            "export_report",
            json!({ "options": options, "format": "markdown" }),
        );
        assert_eq!(written, dest.to_str().unwrap());
        let exported = std::fs::read_to_string(&dest).unwrap();
        if exported == report::render(&h.db(), &opts, ReportFormat::Markdown).unwrap() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the exported report differs from auditbench::report::render"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// The start-up project that cannot be opened is explained (`startup_problem`),
/// a read-only one opens with its database in the app's data folder
/// (`open_project` with `dbInAppData`), and `scan_warnings` lists what the scan
/// could not read.
#[test]
fn start_up_problems_the_app_data_database_and_scan_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ro-project");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("app.py"),
        "_cache = {}\n\n\ndef put(k, v):\n    _cache[k] = v\n",
    )
    .unwrap();
    std::fs::write(root.join("blob.py"), b"\0\x01binary\0").unwrap();
    // As root no permission makes a folder read-only: a file where the
    // database folder goes fails the same way.
    std::fs::write(root.join(".auditbench"), "not a folder").unwrap();
    let root = root.canonicalize().unwrap();
    let app = auditbench_desktop::builder::<MockRuntime>(None, None)
        .build(mock_context(noop_assets()))
        .expect("app builds");
    let prefs = dir.path().join("prefs");
    auditbench_desktop::init(app.handle(), prefs.clone(), Some(root.clone()));
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let call = |cmd: &str, args: Value| invoke(&app, &window, cmd, args);
    assert_eq!(call("project_info", json!({})).unwrap(), Value::Null);
    let problem = call("startup_problem", json!({})).unwrap();
    assert_eq!(problem["kind"], "db_unwritable", "{problem}");
    assert_eq!(problem["path"], root.to_string_lossy().as_ref());
    assert!(problem["message"]
        .as_str()
        .unwrap()
        .contains("app's data folder"));
    assert_eq!(
        call("scan_warnings", json!({})).unwrap_err()["kind"],
        "no_project"
    );

    let info = call("open_project", json!({ "path": root, "dbInAppData": true })).unwrap();
    let data = prefs.join("data").canonicalize().unwrap();
    assert!(
        Path::new(info["dbPath"].as_str().unwrap()).starts_with(&data),
        "{info}"
    );
    assert_eq!(call("startup_problem", json!({})).unwrap(), Value::Null);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let info = loop {
        let info = call("project_info", json!({})).unwrap();
        if info["lastScan"].is_object() {
            break info;
        }
        assert!(std::time::Instant::now() < deadline, "{info}");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(
        (info["unread"].as_u64(), info["warnings"].as_u64()),
        (Some(1), Some(1)),
        "{info}"
    );
    let warnings = call("scan_warnings", json!({})).unwrap();
    assert_eq!(
        warnings,
        json!([{ "path": "blob.py", "kind": "binary", "message": warnings[0]["message"], "unread": true }])
    );
    let settings = call("get_settings", json!({})).unwrap();
    assert_eq!(settings["dbInAppData"], true);
    assert_eq!(settings["auditor"], "");
    // A folder that does not exist: the reason, not a blank start screen.
    let app2 = auditbench_desktop::builder::<MockRuntime>(None, None)
        .build(mock_context(noop_assets()))
        .expect("app builds");
    let missing = dir.path().join("gone");
    auditbench_desktop::init(app2.handle(), dir.path().join("prefs2"), Some(missing));
    let wb = app2.state::<auditbench::desktop::Workbench>();
    let p = wb.startup_problem().unwrap();
    assert_eq!(p.kind, "not_found");
    assert!(p.message.contains("gone"), "{}", p.message);
}
