//! The first pass: imports, comments and syntax errors anywhere in the file,
//! collected before the semantic walk so that names resolve regardless of
//! definition order.

use tree_sitter::Node;

use super::Builder;
use crate::python::model::*;
use crate::python::resolve::relative_module;
use crate::python::syntax::{fid, FastKind};

/// Sorted byte offsets of every `#` and every `import` in the source: where a
/// comment or an import statement can be. A `#` or the word inside a string
/// only costs a wasted descent.
fn import_and_comment_marks(source: &str) -> Vec<usize> {
    let bytes = source.as_bytes();
    let mut marks = vec![];
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'#' || (b == b'i' && bytes[i..].starts_with(b"import")) {
            marks.push(i);
        }
    }
    marks
}

impl Builder {
    /// Imports, comments and syntax errors anywhere in the file, collected first
    /// (iteratively) so that names resolve regardless of definition order.
    pub(super) fn collect_imports_and_errors(&mut self, root: Node, prune: bool) {
        // Node kinds compared by id (a string comparison per node is measurable on
        // big files); every other kind falls through to the `_` arm as before.
        static KINDS: std::sync::OnceLock<[u16; 4]> = std::sync::OnceLock::new();
        let kinds = KINDS.get_or_init(|| {
            let lang: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
            [
                lang.id_for_node_kind("comment", true),
                lang.id_for_node_kind("import_statement", true),
                lang.id_for_node_kind("import_from_statement", true),
                lang.id_for_node_kind("future_import_statement", true),
            ]
        });
        // Visiting every node of the tree cost about a third of the index's time.
        // A comment starts at a `#`, an import statement contains the word
        // `import`, and a syntax error sets `has_error` on all its ancestors:
        // a subtree with none of these cannot hold anything this pass collects,
        // so it is skipped (`prune`; tests check it against the full walk).
        let marks = if prune {
            import_and_comment_marks(&self.ix.source)
        } else {
            vec![]
        };
        let errors_possible = root.has_error();
        let worth_descending = |n: Node| {
            if !prune {
                return true;
            }
            if errors_possible && n.has_error() {
                return true;
            }
            let i = marks.partition_point(|&m| m < n.start_byte());
            i < marks.len() && marks[i] < n.end_byte()
        };
        let mut cursor = root.walk();
        loop {
            let n = cursor.node();
            let mut descend = worth_descending(n);
            let id = n.kind_id();
            let kind = if id == kinds[0] {
                "comment"
            } else if id == kinds[1] || id == kinds[2] || id == kinds[3] {
                "import_statement"
            } else if n.is_error() {
                "ERROR"
            } else {
                ""
            };
            match kind {
                "comment" => {
                    let line = n.start_position().row + 1;
                    let text = self.text(n).to_string();
                    self.ix.comments.push(Comment { line, text });
                }
                "ERROR" => {
                    let sp = self.span(n);
                    self.ix.syntax_errors.push(sp);
                }
                "import_statement" | "import_from_statement" | "future_import_statement" => {
                    self.import(n);
                    descend = false;
                }
                _ => {
                    if n.is_missing() {
                        let sp = self.span(n);
                        self.ix.syntax_errors.push(sp);
                    }
                }
            }
            if descend && cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return;
                }
            }
        }
    }

    fn import(&mut self, n: Node) {
        let span = self.span(n);
        // The function whose body holds a function-level import (by body start).
        let mut owner_body = None;
        let mut p = n.parent();
        while let Some(a) = p {
            if a.kind_fast() == "function_definition" {
                owner_body = a.child_by_field_id(fid!("body")).map(|b| b.start_byte());
                break;
            }
            p = a.parent();
        }
        let add = |b: &mut Builder, local: String, qualified: String| {
            b.ix.imports.push(Import {
                local,
                qualified,
                scope: 0,
                span,
                owner_body,
            });
        };
        if n.kind_fast() == "import_statement" {
            let mut c = n.walk();
            for name in n.children_by_field_name("name", &mut c) {
                match name.kind_fast() {
                    "dotted_name" => {
                        let full = self.text(name).to_string();
                        let first = full.split('.').next().unwrap_or("").to_string();
                        // `import a.b.c` binds `a`, which refers to package `a`.
                        add(self, first.clone(), first);
                        // Remember the full path too so `a.b.c.f` resolves.
                        if full.contains('.') {
                            add(self, full.clone(), full);
                        }
                    }
                    "aliased_import" => {
                        let q = name
                            .child_by_field_id(fid!("name"))
                            .map(|x| self.text(x).to_string())
                            .unwrap_or_default();
                        let a = name
                            .child_by_field_id(fid!("alias"))
                            .map(|x| self.text(x).to_string())
                            .unwrap_or_default();
                        add(self, a, q);
                    }
                    _ => {}
                }
            }
            return;
        }
        // from X import a, b as c
        let base = match n.child_by_field_id(fid!("module_name")) {
            Some(m) if m.kind_fast() == "relative_import" => {
                relative_module(self.text(m), &self.package)
            }
            Some(m) => self.text(m).to_string(),
            None => String::from("__future__"),
        };
        let mut c = n.walk();
        for name in n.children_by_field_name("name", &mut c) {
            let (q, local) = match name.kind_fast() {
                "dotted_name" => {
                    let t = self.text(name).to_string();
                    (t.clone(), t)
                }
                "aliased_import" => (
                    name.child_by_field_id(fid!("name"))
                        .map(|x| self.text(x).to_string())
                        .unwrap_or_default(),
                    name.child_by_field_id(fid!("alias"))
                        .map(|x| self.text(x).to_string())
                        .unwrap_or_default(),
                ),
                _ => continue,
            };
            let qualified = if base.is_empty() {
                q
            } else {
                format!("{base}.{q}")
            };
            add(self, local, qualified);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::python::ModuleIndex;

    /// What the first pass collects, with or without pruning, as text.
    fn first_pass(source: &str, prune: bool) -> String {
        let tree = crate::python::parse::parse(source).expect("parse");
        let mut b = Builder {
            ix: ModuleIndex {
                source: source.to_string(),
                line_starts: std::iter::once(0)
                    .chain(source.match_indices('\n').map(|(i, _)| i + 1))
                    .collect(),
                ..Default::default()
            },
            package: vec![],
            call_ids: HashMap::new(),
            bound: vec![],
            imports_at: HashMap::new(),
        };
        b.collect_imports_and_errors(tree.root_node(), prune);
        format!(
            "{:?}\n{:?}\n{:?}",
            b.ix.comments, b.ix.imports, b.ix.syntax_errors
        )
    }

    fn assert_same(source: &str, what: &str) {
        assert_eq!(
            first_pass(source, true),
            first_pass(source, false),
            "{what}"
        );
    }

    fn python_files(root: &std::path::Path) -> Vec<std::path::PathBuf> {
        ignore::WalkBuilder::new(root)
            .standard_filters(false)
            .build()
            .map(|e| e.expect("walk").into_path())
            .filter(|p| p.extension().is_some_and(|e| e == "py"))
            .collect()
    }

    fn assert_same_in(root: &std::path::Path) -> usize {
        let files = python_files(root);
        for path in &files {
            let source = String::from_utf8_lossy(&std::fs::read(path).expect("read")).into_owned();
            assert_same(&source, &path.display().to_string());
        }
        files.len()
    }

    /// The same check on a real corpus: `AUDITBENCH_INDEX_CORPUS=DIR cargo test
    /// --release --lib pruned_first_pass_on_a_corpus -- --ignored`.
    #[test]
    #[ignore = "needs AUDITBENCH_INDEX_CORPUS"]
    fn pruned_first_pass_on_a_corpus() {
        let root = std::env::var("AUDITBENCH_INDEX_CORPUS").expect("AUDITBENCH_INDEX_CORPUS");
        let n = assert_same_in(std::path::Path::new(&root));
        eprintln!("{n} files: the pruned first pass equals the full walk");
    }

    #[test]
    fn pruned_first_pass_finds_what_the_full_walk_finds_in_the_fixtures() {
        let seen =
            assert_same_in(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"));
        assert!(seen > 60, "only {seen} fixture files");
    }

    #[test]
    fn pruned_first_pass_keeps_the_awkward_places() {
        for (what, src) in [
            ("import inside a function, a class, if/try/with/match", "def f():\n    import os\nclass C:\n    from a import b  # c\nif x:\n    import y\ntry:\n    import z\nexcept ImportError:  # no z\n    z = None\nwith a:\n    import q\nmatch v:\n    case 1:\n        import m\n"),
            ("comments inside expressions and brackets", "x = [\n    1,  # one\n    f(a,  # arg\n      b),\n]\ny = {'k': 2  # v\n}\n"),
            ("hash and import inside strings", "s = '# not a comment'\nt = \"import os\"\nu = f'{x}#'  # real\n"),
            ("syntax errors and missing nodes", "def f(:\n    import os\n    x = (1,\n# c\nclass\n"),
            ("import in an error region", "x = = 1\nimport os\nfrom . import (a,  # c\n    b)\n"),
            ("future import and relative imports", "from __future__ import annotations\nfrom ..pkg import mod as m\n"),
            ("decorators and lambdas", "@dec  # c\ndef g(x=lambda: 0):  # d\n    return x\n"),
        ] {
            assert_same(src, what);
            assert_ne!(first_pass(src, true), "[]\n[]\n[]", "{what}: nothing collected");
        }
    }
}
