//! The layer guard: each layer of the library imports only the layers the
//! table in `docs/architecture.md` lets it, and the store never reads a
//! project file. A new edge is a design decision: change the table there and
//! here together.

use std::path::{Path, PathBuf};

/// (layer: a folder or file under `src/` without `.rs`, the layers it may import).
const ALLOWED: &[(&str, &[&str])] = &[
    ("finding", &[]),
    ("heap", &[]),
    ("rule_ids", &[]),
    ("config", &["rule_ids", "finding"]),
    ("python", &["finding"]),
    ("model", &["python", "finding"]),
    (
        "rules",
        &["model", "python", "config", "rule_ids", "finding"],
    ),
    (
        "scan",
        &["rules", "model", "python", "config", "rule_ids", "finding"],
    ),
    ("scan_output", &["scan", "rules", "finding"]),
    ("store", &["scan", "rules", "config", "rule_ids", "finding"]),
    ("watch", &["scan", "config", "finding"]),
    (
        "project",
        &[
            "scan", "store", "watch", "model", "rules", "config", "rule_ids", "finding",
        ],
    ),
    ("autofix", &["scan", "python", "rules", "config", "finding"]),
    (
        "report",
        &[
            "store",
            "scan_output",
            "rules",
            "config",
            "rule_ids",
            "finding",
        ],
    ),
    (
        "desktop",
        &[
            "project", "report", "store", "watch", "scan", "model", "rules", "config", "rule_ids",
            "finding",
        ],
    ),
];

/// Calls that read a file's content: the store records what the scan read.
const FILE_READS: &[&str] = &[
    "fs::read(",
    "fs::read_to_string(",
    "File::open(",
    "read_to_end(",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        for e in std::fs::read_dir(p).unwrap() {
            rust_files(&e.unwrap().path(), out);
        }
    } else if p.extension().is_some_and(|x| x == "rs") {
        out.push(p.to_path_buf());
    }
}

/// The code of a file without comments and without its test module (the
/// `#[cfg(test)]` block at the end), as (line number, line).
fn code_lines(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = vec![];
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            break;
        }
        if t.starts_with("//") {
            continue;
        }
        let code = match line.find("//") {
            // A `//` inside a string literal (a URL) is rare in these layers;
            // cutting there only hides text, never invents an import.
            Some(c) => &line[..c],
            None => line,
        };
        out.push((i + 1, code.to_string()));
    }
    out
}

fn layer_files(layer: &str) -> Vec<PathBuf> {
    let dir = src().join(layer);
    let mut files = vec![];
    if dir.is_dir() {
        rust_files(&dir, &mut files);
    } else {
        files.push(src().join(format!("{layer}.rs")));
    }
    assert!(
        files.iter().all(|f| f.is_file()),
        "layer `{layer}` not found under src/"
    );
    files
}

/// Every `crate::<module>` named in the code.
fn crate_refs(line: &str) -> Vec<String> {
    let mut out = vec![];
    let mut rest = line;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.push(name);
        }
        rest = &after[..];
    }
    out
}

#[test]
fn every_layer_imports_only_the_layers_below_it() {
    let layers: Vec<&str> = ALLOWED.iter().map(|(l, _)| *l).collect();
    let mut crossings = vec![];
    for (layer, allowed) in ALLOWED {
        for file in layer_files(layer) {
            for (n, line) in code_lines(&file) {
                for target in crate_refs(&line) {
                    let known = layers.contains(&target.as_str()) || target == "cli";
                    if known && target != *layer && !allowed.contains(&target.as_str()) {
                        crossings.push(format!(
                            "{}:{n}: `{layer}` uses `crate::{target}`",
                            file.strip_prefix(src()).unwrap().display()
                        ));
                    }
                }
            }
        }
    }
    assert!(
        crossings.is_empty(),
        "forbidden layer edges (see docs/architecture.md):\n{}",
        crossings.join("\n")
    );
}

#[test]
fn every_module_of_the_library_has_a_layer() {
    let layers: Vec<&str> = ALLOWED.iter().map(|(l, _)| *l).collect();
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    for line in lib.lines() {
        if let Some(m) = line.strip_prefix("pub mod ") {
            let m = m.trim_end_matches(';');
            assert!(
                layers.contains(&m) || m == "cli",
                "module `{m}` has no row in the layer table (tests/layers.rs, docs/architecture.md)"
            );
        }
    }
}

#[test]
fn the_store_never_reads_a_project_file() {
    let mut reads = vec![];
    for file in layer_files("store") {
        for (n, line) in code_lines(&file) {
            for call in FILE_READS {
                if line.contains(call) {
                    reads.push(format!(
                        "{}:{n}: {}",
                        file.strip_prefix(src()).unwrap().display(),
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        reads.is_empty(),
        "the store reads files; it must take what the scan read (FileResult::text, Finding::anchor):\n{}",
        reads.join("\n")
    );
}

#[test]
fn the_guard_sees_a_crossing() {
    assert_eq!(
        crate_refs("use crate::store::{Store, Trigger}; crate::rules::x"),
        vec!["store", "rules"]
    );
}
