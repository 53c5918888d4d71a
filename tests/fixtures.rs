//! Rule fixtures: `fixtures/python/<RULE>*.py` (or a folder `<RULE>*/` for
//! project-wide rules) hold positive and negative cases. A line that must carry a
//! finding of the rule ends with `# error: <RULE>` (several ids comma-separated);
//! negative cases are marked `# ok` (documentation for the reader, and proof that
//! the fixture has negatives). The test checks that the rule reports exactly the
//! marked lines, and that every fix snippet is valid Python.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use auditbench::rules::all_meta;
use auditbench::scan::{scan, ScanOptions};
use auditbench::{python, Config, Status};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/python")
}

fn rule_of(name: &str) -> String {
    name.split(['_', '.', '-'])
        .next()
        .unwrap_or("")
        .to_ascii_uppercase()
}

fn py_files(p: &Path) -> Vec<PathBuf> {
    if p.is_file() {
        return vec![p.to_path_buf()];
    }
    let mut out = vec![];
    for e in std::fs::read_dir(p).unwrap() {
        let e = e.unwrap().path();
        if e.is_dir() {
            out.extend(py_files(&e));
        } else if e.extension().is_some_and(|x| x == "py") {
            out.push(e);
        }
    }
    out
}

/// (relative path, line) of every `# error: RULE` mark for `rule`.
fn expected_marks(
    root: &Path,
    files: &[PathBuf],
    rule: &str,
) -> (BTreeSet<(String, usize)>, usize) {
    let mut marks = BTreeSet::new();
    let mut oks = 0;
    for f in files {
        let rel = if root.is_file() {
            f.file_name().unwrap().to_string_lossy().into_owned()
        } else {
            f.strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        };
        let text = std::fs::read_to_string(f).unwrap();
        for (i, line) in text.lines().enumerate() {
            if let Some(pos) = line.find("# error:") {
                if line[pos + 8..]
                    .split(',')
                    .any(|id| id.trim().eq_ignore_ascii_case(rule))
                {
                    marks.insert((rel.clone(), i + 1));
                }
            }
            if line.contains("# ok") {
                oks += 1;
            }
        }
    }
    (marks, oks)
}

fn fixture_entries() -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() || p.extension().is_some_and(|x| x == "py"))
        .collect();
    entries.sort();
    entries
}

#[test]
fn every_rule_reports_exactly_the_marked_lines() {
    let mut failures = vec![];
    for entry in fixture_entries() {
        let name = entry.file_name().unwrap().to_string_lossy().into_owned();
        let rule = rule_of(&name);
        if auditbench::rules::find_meta(&rule).is_none() {
            continue; // fixtures of rules not implemented yet
        }
        let mut config = Config::default();
        config.apply_cli(&[rule.clone()], &[]).unwrap();
        let result = scan(ScanOptions {
            root: entry.clone(),
            config,
            progress: None,
        })
        .unwrap();
        let files = py_files(&entry);
        let (expected, _) = expected_marks(&entry, &files, &rule);
        let actual: BTreeSet<(String, usize)> = result
            .findings
            .iter()
            .filter(|f| f.rule == rule && f.status == Status::Open)
            .map(|f| (f.path.clone(), f.line))
            .collect();
        if expected != actual {
            let missing: Vec<_> = expected.difference(&actual).collect();
            let extra: Vec<_> = actual.difference(&expected).collect();
            failures.push(format!("{name}: missing {missing:?}, unexpected {extra:?}"));
        }
        for f in result.findings.iter().filter(|f| f.rule == rule) {
            let fix = f
                .fix
                .as_ref()
                .unwrap_or_else(|| panic!("{name}:{} has no fix", f.line));
            assert!(
                !fix.before.trim().is_empty(),
                "{name}:{} empty before",
                f.line
            );
            if !python::is_valid_python(&fix.after) {
                failures.push(format!(
                    "{name}:{} after-snippet does not parse:\n{}",
                    f.line, fix.after
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "fixture mismatches:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_rule_has_positive_and_negative_fixtures() {
    let entries = fixture_entries();
    let mut missing = vec![];
    for m in all_meta() {
        let mine: Vec<&PathBuf> = entries
            .iter()
            .filter(|e| rule_of(&e.file_name().unwrap().to_string_lossy()) == m.id)
            .collect();
        let (mut errors, mut oks) = (0, 0);
        for e in mine {
            let files = py_files(e);
            let (marks, ok) = expected_marks(e, &files, m.id);
            errors += marks.len();
            oks += ok;
        }
        if errors == 0 || oks == 0 {
            missing.push(format!(
                "{} ({} error marks, {} ok marks)",
                m.id, errors, oks
            ));
        }
    }
    assert!(
        missing.is_empty(),
        "rules without positive and negative fixtures: {missing:?}"
    );
}
