//! `docs/rules.md` stays true to the rules' metadata and documentation.
#[test]
fn docs_rules_md_matches_the_rules() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let expected = auditbench::rules::catalog_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/rules.md is out of date: run `UPDATE_DOCS=1 cargo test --test docs`"
    );
}

#[test]
fn every_rule_documents_what_why_example_and_fix() {
    for m in auditbench::rules::all_meta() {
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
        ] {
            // A strength has no "why is this bad" nor a fix to use instead.
            if m.kind == auditbench::Kind::Strength
                && (section == "## Why is this bad?" || section == "## Use instead")
            {
                continue;
            }
            assert!(m.doc.contains(section), "{} lacks `{section}`", m.id);
        }
    }
}
