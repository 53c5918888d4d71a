//! The floor of a scan: read and tree-sitter-parse every file that
//! `auditbench scan` would analyse (same discovery), in parallel, dropping each
//! tree at once, with the scan's allocator. `bench/perf` compares the scan's
//! wall time and memory to this.
//!
//! Usage: `cargo build --release --example parse_only` then
//! `target/release/examples/parse_only FOLDER [THREADS]`; prints
//! `files=N lines=N bytes=N ms=N`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use rayon::prelude::*;

/// The scan's allocator (src/main.rs), so that the floor reads files the way the
/// scan does (tree-sitter itself allocates through glibc in both).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next().map(PathBuf::from) else {
        eprintln!("usage: parse_only FOLDER [THREADS]");
        std::process::exit(2);
    };
    let threads: usize = args.next().and_then(|t| t.parse().ok()).unwrap_or(0);
    let start = Instant::now();
    let root = root.canonicalize().expect("folder exists");
    let (files, _) = auditbench::scan::discover::discover(&root, &[]).expect("walk");
    let lines = AtomicUsize::new(0);
    let bytes = AtomicUsize::new(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(32 * 1024 * 1024)
        .build()
        .expect("thread pool");
    pool.install(|| {
        files.par_iter().for_each(|f| {
            let Ok(data) = std::fs::read(f) else { return };
            let source = String::from_utf8_lossy(&data);
            let tree = auditbench::python::parse::parse(&source);
            assert!(tree.is_some(), "parser failed on {}", f.display());
            bytes.fetch_add(data.len(), Ordering::Relaxed);
            lines.fetch_add(source.lines().count(), Ordering::Relaxed);
        })
    });
    println!(
        "files={} lines={} bytes={} ms={}",
        files.len(),
        lines.load(Ordering::Relaxed),
        bytes.load(Ordering::Relaxed),
        start.elapsed().as_millis()
    );
}
