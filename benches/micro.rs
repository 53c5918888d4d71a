//! Micro-benchmarks (Criterion): parse, parse + index, the shared lazily built
//! index tables, and each per-file rule's `check`, on three representative files,
//! so that a phase or a rule that gets slow shows up by name.
//!
//! Usage (short run): `cargo bench --bench micro -- --warm-up-time 0.5 --measurement-time 1`
//! Filter by id as usual, e.g. `cargo bench --bench micro -- rules/MEM001`.
//!
//! Files: two demo-backend modules (a FastAPI router, a Celery/notifications
//! service) and `all-fixtures`, every `*.py` under `fixtures/` concatenated in
//! memory (sorted), a ~8 k-line module mixing every pattern the rules look for.
//!
//! Benchmark ids (`<group>/<file>`):
//! - `parse/F`: tree-sitter parse alone; `analyse/F`: parse + index
//!   (`python::analyse`, as the scan does).
//! - `shared/state_writes/F`, `shared/mem_collections/F`: the tables an index
//!   builds lazily on first use and that several rules share (CONC001, CONC002,
//!   ASYNC001, ASYNC004; MEM001, MEM002, MEM005), each on a fresh index.
//! - `rules/ID/F`: one rule's `check` on an index whose shared tables are already
//!   built (so a rule's figure is its own work; the shared part is under `shared/`).
//! - `rules/all-cold/F`: every rule in registry order on a fresh index, the cost a
//!   scan pays per module.

mod common;

use std::path::{Path, PathBuf};

use auditbench::config::Config;
use auditbench::python::{self, ModuleIndex};
use auditbench::rules::{self, Checker};
use criterion::{BatchSize, Criterion};
use std::hint::black_box;

const DEMO_FILES: [&str; 2] = [
    "fixtures/demo-backend/app/routers/orders.py",
    "fixtures/demo-backend/app/services/notifications.py",
];

/// (benchmark name, source) of the three files.
fn inputs() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = vec![];
    for rel in DEMO_FILES {
        let source = std::fs::read_to_string(root.join(rel)).expect("demo-backend file");
        let name = Path::new(rel).file_stem().unwrap().to_string_lossy();
        let parent = Path::new(rel).parent().unwrap().file_name().unwrap();
        out.push((format!("{}-{name}", parent.to_string_lossy()), source));
    }
    let mut files: Vec<PathBuf> = vec![];
    common::walk(&root.join("fixtures"), &mut files);
    files.sort();
    let mut big = String::new();
    for f in files {
        // Non-UTF-8 fixtures (encoding tests) are left out.
        if let Ok(s) = std::fs::read_to_string(&f) {
            big.push_str(&s);
            if !big.ends_with('\n') {
                big.push('\n');
            }
        }
    }
    out.push(("all-fixtures".into(), big));
    out
}

fn index(source: &str) -> ModuleIndex {
    python::analyse(source.to_owned(), "m", false).expect("tree-sitter parses")
}

fn benches(c: &mut Criterion) {
    let config = Config::default();
    let registry = rules::registry();
    for (name, source) in inputs() {
        eprintln!("{name}: {} lines", source.lines().count());
        c.bench_function(&format!("parse/{name}"), |b| {
            b.iter(|| python::parse::parse(black_box(&source)))
        });
        c.bench_function(&format!("analyse/{name}"), |b| {
            b.iter(|| python::analyse(black_box(source.clone()), "m", false))
        });
        // Fresh index per iteration (built outside the timing): the table is
        // computed once per index.
        c.bench_function(&format!("shared/state_writes/{name}"), |b| {
            b.iter_batched_ref(
                || index(&source),
                |ix| ix.state_writes().len(),
                BatchSize::LargeInput,
            )
        });
        c.bench_function(&format!("shared/mem_collections/{name}"), |b| {
            b.iter_batched_ref(
                || index(&source),
                |ix| {
                    let mut checker = Checker::new(ix, &config);
                    rules::mem::collections::collections(&mut checker).map_or(0, |all| all.len())
                },
                BatchSize::LargeInput,
            )
        });
        c.bench_function(&format!("rules/all-cold/{name}"), |b| {
            b.iter_batched_ref(
                || index(&source),
                |ix| {
                    let mut checker = Checker::new(ix, &config);
                    for rule in &registry {
                        rule.check(&mut checker);
                    }
                    checker.diagnostics.len()
                },
                BatchSize::LargeInput,
            )
        });
        let ix = index(&source);
        {
            // Build the shared tables once, so that each rule below is timed alone.
            let mut checker = Checker::new(&ix, &config);
            for rule in &registry {
                rule.check(&mut checker);
            }
        }
        for rule in &registry {
            c.bench_function(&format!("rules/{}/{name}", rule.meta().id), |b| {
                b.iter(|| {
                    let mut checker = Checker::new(black_box(&ix), &config);
                    rule.check(&mut checker);
                    checker.diagnostics.len()
                })
            });
        }
    }
}

fn main() {
    common::with_scan_stack(|| {
        let mut c = Criterion::default().configure_from_args();
        benches(&mut c);
        c.final_summary();
    });
}
