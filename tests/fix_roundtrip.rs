//! Recommended fixes pass the tool's own rules: every fix of the demo project
//! and of the rule fixtures is applied to its "before" code in a copy of the
//! project, the copy is scanned again with every rule, and the fixed region
//! must be clean of the finding's rule and raise no rule it did not raise
//! before. A report that recommends code its own scanner flags is not one a
//! consultant can hand over.

mod common;

use common::apply_fix as apply;
use common::{copy_dir, open_findings as findings};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use auditbench::Finding;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Rules flagged in the regions of `path`.
fn rules_in(all: &[Finding], path: &str, regions: &[(usize, usize)]) -> BTreeSet<String> {
    all.iter()
        .filter(|f| f.path == path && regions.iter().any(|(a, b)| f.line >= *a && f.line <= *b))
        .map(|f| f.rule.clone())
        .collect()
}

/// Applies each fix of the project at `src_root` in a fresh copy and checks it.
fn check_project(src_root: &Path, label: &str, failures: &mut Vec<String>) -> usize {
    let tmp = tempfile::tempdir().unwrap();
    let original = findings(src_root);
    let mut checked = 0;
    for f in &original {
        let Some(fix) = &f.fix else { continue };
        let root = tmp.path().join(format!("p{checked}"));
        copy_dir(src_root, &root);
        let file = root.join(&f.path);
        let text = fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let Some((fixed, old_regions, new_regions)) =
            apply(&lines, &fix.before, &fix.after, f.line)
        else {
            failures.push(format!(
                "{label} {} {}:{}: the fix's before code is not in the file",
                f.rule, f.path, f.line
            ));
            continue;
        };
        fs::write(&file, fixed).unwrap();
        let again = findings(&root);
        let before_rules = rules_in(&original, &f.path, &old_regions);
        let after_rules = rules_in(&again, &f.path, &new_regions);
        if after_rules.contains(&f.rule) {
            failures.push(format!(
                "{label} {} {}:{}: still flagged after its fix:\n{}",
                f.rule, f.path, f.line, fix.after
            ));
        }
        let raised: Vec<&String> = after_rules
            .difference(&before_rules)
            .filter(|r| **r != f.rule)
            .collect();
        if !raised.is_empty() {
            failures.push(format!(
                "{label} {} {}:{}: the fix raises {raised:?}:\n{}",
                f.rule, f.path, f.line, fix.after
            ));
        }
        checked += 1;
        fs::remove_dir_all(&root).unwrap();
    }
    checked
}

#[test]
fn recommended_fixes_are_clean_for_their_rule_and_raise_no_other() {
    let mut failures = vec![];
    let mut checked = check_project(&repo().join("fixtures/demo-backend"), "demo", &mut failures);
    let mut entries: Vec<PathBuf> = fs::read_dir(repo().join("fixtures/python"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for e in entries {
        let name = e.file_name().unwrap().to_string_lossy().into_owned();
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("fixture");
        if e.is_dir() {
            copy_dir(&e, &root);
        } else if e.extension().is_some_and(|x| x == "py") {
            fs::create_dir_all(&root).unwrap();
            fs::copy(&e, root.join(&name)).unwrap();
        } else {
            continue;
        }
        checked += check_project(&root, &name, &mut failures);
    }
    assert!(checked > 50, "only {checked} fixes checked");
    assert!(
        failures.is_empty(),
        "{} of {checked} fixes fail:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
