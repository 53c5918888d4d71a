//! The bundled demo project: the scan reports every seeded hazard (and strength)
//! listed in `fixtures/demo-backend.expected`, and nothing else. Entries of rules
//! that are not registered are skipped, so the list can run ahead of the code.

use std::collections::BTreeSet;
use std::path::Path;

use auditbench::scan::{scan, ScanOptions};
use auditbench::{rules, Config};

fn expected() -> BTreeSet<(String, String, usize)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("fixtures/demo-backend.expected")).unwrap();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (rule, loc) = l.split_once(' ').expect("RULE path:line");
            let (path, line) = loc.rsplit_once(':').expect("path:line");
            (
                rule.to_string(),
                path.to_string(),
                line.parse().expect("line number"),
            )
        })
        .filter(|(rule, _, _)| rules::find_meta(rule).is_some())
        .collect()
}

#[test]
fn demo_backend_reports_exactly_the_seeded_hazards() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo-backend");
    let config = Config::load(&root).unwrap();
    let result = scan(ScanOptions {
        root,
        config,
        progress: None,
    })
    .unwrap();
    assert!(
        result.warnings.is_empty(),
        "warnings: {:?}",
        result.warnings
    );
    let actual: BTreeSet<(String, String, usize)> = result
        .findings
        .iter()
        .map(|f| (f.rule.clone(), f.path.clone(), f.line))
        .collect();
    let expected = expected();
    let missing: Vec<_> = expected.difference(&actual).collect();
    let extra: Vec<_> = actual.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:#?}\nunexpected: {extra:#?}"
    );
    // Each seeded hazard is reported once.
    assert_eq!(actual.len(), result.findings.len(), "duplicate findings");
}

/// Golden JSON of the demo scan (root and duration normalised): any change in
/// what the rules report, their messages or fixes shows up in review.
/// Regenerate with `AUDITBENCH_UPDATE_GOLDEN=1 cargo test --test demo`.
#[test]
fn demo_backend_json_matches_the_golden_file() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.join("fixtures/demo-backend");
    let config = Config::load(&root).unwrap();
    let mut result = scan(ScanOptions {
        root,
        config,
        progress: None,
    })
    .unwrap();
    result.root = "fixtures/demo-backend".into();
    result.duration_ms = 0;
    let json = auditbench::scan_output::json::render(&result);
    let golden = manifest.join("tests/golden/demo-scan.json");
    if std::env::var_os("AUDITBENCH_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(&golden, &json).unwrap();
    }
    let expected = std::fs::read_to_string(&golden).unwrap_or_default();
    assert!(expected == json, "tests/golden/demo-scan.json is out of date: run AUDITBENCH_UPDATE_GOLDEN=1 cargo test --test demo");
}
