//! Configured logger and session names reach ERR001 / ERR003 / PERF001.

use auditbench::scan::{scan, ScanOptions};
use auditbench::Config;

const SRC: &str = r#"
from app.logs import audit
from app.db import open_store


def handler(job):
    try:
        job.run()
    except Exception as e:
        audit.error("failed %s", e)


def save(item):
    store = open_store()
    store.put(item)
    store.commit()
"#;

fn scan_with(config: Config) -> Vec<(String, usize)> {
    let dir = std::env::temp_dir().join(format!("auditbench-misc-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("m.py"), SRC).unwrap();
    let result = scan(ScanOptions {
        root: dir.clone(),
        config,
        progress: None,
    })
    .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    result
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("ERR"))
        .map(|f| (f.rule.clone(), f.line))
        .collect()
}

#[test]
fn configured_loggers_and_sessions_are_recognised() {
    assert!(scan_with(Config::default()).is_empty());
    let mut config = Config::default();
    config.loggers = vec!["audit".into()];
    config.sessions = vec!["open_store".into()];
    let mut found = scan_with(config);
    found.sort();
    assert_eq!(
        found,
        vec![("ERR001".to_string(), 10), ("ERR003".to_string(), 16)]
    );
}
