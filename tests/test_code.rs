//! Test code is not production code: scans skip `tests/`, `test/`, `testing/`,
//! `test_*.py`, `*_test.py` and `conftest.py` unless `include-tests` (config key or
//! `--include-tests`) asks for them; the watcher applies the same filter.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use auditbench::scan::discover::{is_test_path, PathFilter};
use auditbench::scan::state::ProjectState;
use auditbench::{scan, Config, ScanOptions};

/// RES007 (incomplete context manager) on line 2.
const BAD: &str = "class Session:\n    def __enter__(self):\n        return self\n";

const TEST_FILES: &[&str] = &[
    "tests/test_api.py",
    "tests/helpers/db.py",
    "pkg/test/util.py",
    "pkg/testing/fakes.py",
    "pkg/test_models.py",
    "pkg/models_test.py",
    "conftest.py",
];
const CODE_FILES: &[&str] = &[
    "pkg/models.py",
    "pkg/testimony.py",
    "pkg/contest.py",
    "pkg/latest_test_run.py",
    "pkg/attestation/check.py",
];

fn project() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().canonicalize().unwrap();
    for rel in TEST_FILES.iter().chain(CODE_FILES) {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, BAD).unwrap();
    }
    (d, root)
}

fn paths_with_findings(root: &Path, config: Config) -> (Vec<String>, usize) {
    let r = scan(ScanOptions {
        root: root.to_path_buf(),
        config,
        progress: None,
    })
    .unwrap();
    let mut paths: Vec<String> = r.findings.iter().map(|f| f.path.clone()).collect();
    paths.sort();
    (paths, r.test_files_skipped)
}

fn sorted(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

#[test]
fn classification_of_paths() {
    for p in TEST_FILES {
        assert!(is_test_path(Path::new(p)), "{p} is test code");
    }
    for p in CODE_FILES {
        assert!(!is_test_path(Path::new(p)), "{p} is production code");
    }
}

#[test]
fn scan_skips_test_code_by_default_and_counts_it() {
    let (_d, root) = project();
    let (paths, skipped) = paths_with_findings(&root, Config::default());
    assert_eq!(paths, sorted(CODE_FILES));
    assert_eq!(skipped, TEST_FILES.len());

    let config = Config {
        include_tests: true,
        ..Config::default()
    };
    let (paths, skipped) = paths_with_findings(&root, config);
    let mut all = TEST_FILES.to_vec();
    all.extend_from_slice(CODE_FILES);
    assert_eq!(paths, sorted(&all));
    assert_eq!(skipped, 0);
}

#[test]
fn config_key_and_cli_flag_turn_tests_back_on() {
    let (_d, root) = project();
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_auditbench"))
            .args(["scan", root.to_str().unwrap(), "--no-db", "--quiet"])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let json = |args: &[&str]| -> serde_json::Value {
        let mut a = vec!["--format", "json"];
        a.extend_from_slice(args);
        serde_json::from_str(&run(&a)).unwrap()
    };
    let text = run(&[]);
    assert!(
        text.contains("Skipped 7 test file(s)"),
        "one summary line says how many: {text}"
    );
    let v = json(&[]);
    assert_eq!(v["test_files_skipped"], 7);
    assert_eq!(v["files_scanned"], CODE_FILES.len());
    let v = json(&["--include-tests"]);
    assert_eq!(v["test_files_skipped"], 0);
    assert_eq!(v["files_scanned"], TEST_FILES.len() + CODE_FILES.len());
    assert!(!run(&["--include-tests"]).contains("Skipped"));

    fs::write(root.join(".auditbench.toml"), "include-tests = true\n").unwrap();
    assert_eq!(json(&[])["test_files_skipped"], 0);
    fs::remove_file(root.join(".auditbench.toml")).unwrap();
    fs::write(
        root.join("pyproject.toml"),
        "[tool.auditbench]\ninclude-tests = true\n",
    )
    .unwrap();
    assert_eq!(
        json(&[])["files_scanned"],
        TEST_FILES.len() + CODE_FILES.len()
    );
}

#[test]
fn a_test_file_named_on_the_command_line_is_scanned() {
    let (_d, root) = project();
    let r = scan(ScanOptions {
        root: root.join("tests/test_api.py"),
        config: Config::default(),
        progress: None,
    })
    .unwrap();
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.test_files_skipped, 0);
}

#[test]
fn watcher_state_ignores_test_files_like_the_scan() {
    let (_d, root) = project();
    let mut state = ProjectState::open(&root, None).unwrap();
    assert_eq!(state.result().test_files_skipped, TEST_FILES.len());
    // New and edited files, test code among them, and a new test folder.
    fs::create_dir_all(root.join("newpkg/tests")).unwrap();
    let changed: Vec<PathBuf> = [
        "tests/test_api.py",
        "pkg/test_new.py",
        "conftest.py",
        "pkg/models.py",
        "newpkg/tests",
        "newpkg/tests/test_x.py",
        "newpkg/code.py",
    ]
    .iter()
    .map(|rel| {
        let p = root.join(rel);
        if !rel.ends_with("tests") {
            fs::write(&p, BAD).unwrap();
        }
        p
    })
    .collect();
    let update = state.apply(&changed).unwrap();
    assert_eq!(update.rescanned, vec!["newpkg/code.py", "pkg/models.py"]);
    assert!(state
        .result()
        .findings
        .iter()
        .all(|f| !is_test_path(Path::new(&f.path))));

    let filter = PathFilter::for_config(&root, &Config::default()).unwrap();
    assert!(filter.is_excluded(Path::new("tests"), true));
    assert!(filter.is_excluded(Path::new("a/testing/b.py"), false));
    assert!(!filter.is_excluded(Path::new("a/b.py"), false));
    let keep = Config {
        include_tests: true,
        ..Config::default()
    };
    let filter = PathFilter::for_config(&root, &keep).unwrap();
    assert!(!filter.is_excluded(Path::new("tests/test_a.py"), false));

    // Turning include-tests on in the configuration re-scans with test code.
    fs::write(root.join(".auditbench.toml"), "include-tests = true\n").unwrap();
    let update = state.apply(&[root.join(".auditbench.toml")]).unwrap();
    assert!(update.full_rescan);
    assert!(update.rescanned.contains(&"tests/test_api.py".to_string()));
    assert_eq!(state.result().test_files_skipped, 0);
}
