//! Measurement: where a scan spends its time, per phase and per rule.
//!
//! Usage: `cargo bench --bench scan_profile -- FOLDER [TOP]`
//!
//! Walks FOLDER (every `*.py` file, sorted), and for each file times, on one
//! thread: the tree-sitter parse alone, the parse + index (`python::analyse`),
//! each per-file rule's `check`, and the RES006 fact collection. Prints the totals
//! sorted by time, the parse-only total, and the slowest files.

use std::path::PathBuf;
use std::time::{Duration, Instant};

mod common;

use auditbench::config::Config;
use auditbench::python;
use auditbench::rules::{self, Checker};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn run(folder: PathBuf, top: usize) {
    let mut files = vec![];
    if folder.is_file() {
        files.push(folder.clone());
    } else {
        common::walk(&folder, &mut files);
    }
    files.sort();
    let config = Config::default();
    let registry = rules::registry();
    let mut per_rule: Vec<Duration> = vec![Duration::ZERO; registry.len()];
    let (mut parse_t, mut analyse_t, mut collect_t) =
        (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut per_file: Vec<(Duration, String)> = vec![];
    let mut lines = 0usize;
    let total_start = Instant::now();
    for f in &files {
        let Ok(bytes) = std::fs::read(f) else {
            continue;
        };
        if bytes.iter().take(8192).any(|b| *b == 0) {
            continue;
        }
        let source = String::from_utf8_lossy(&bytes).into_owned();
        let file_start = Instant::now();
        let t = Instant::now();
        let tree = python::parse::parse(&source);
        parse_t += t.elapsed();
        drop(tree);
        let t = Instant::now();
        let Some(ix) = python::analyse(source, "m", false) else {
            continue;
        };
        analyse_t += t.elapsed();
        lines += ix.line_count();
        let mut checker = Checker::new(&ix, &config);
        for (i, rule) in registry.iter().enumerate() {
            let t = Instant::now();
            rule.check(&mut checker);
            per_rule[i] += t.elapsed();
        }
        let t = Instant::now();
        let _ = rules::res::res006_client_not_closed_at_shutdown::collect(
            &ix,
            rules::Settings::from_config(&config),
        );
        collect_t += t.elapsed();
        per_file.push((file_start.elapsed(), f.display().to_string()));
    }
    let total = total_start.elapsed();
    let rules_t: Duration = per_rule.iter().sum();
    println!(
        "{} files, {} lines, wall {:.0} ms (one thread, includes reading files)",
        files.len(),
        lines,
        ms(total)
    );
    println!("parse only           {:>10.1} ms", ms(parse_t));
    println!(
        "index (analyse-parse){:>10.1} ms",
        ms(analyse_t.saturating_sub(parse_t))
    );
    println!("rules (sum)          {:>10.1} ms", ms(rules_t));
    println!("RES006 collect       {:>10.1} ms", ms(collect_t));
    let mut rows: Vec<(Duration, &str)> = per_rule
        .iter()
        .zip(&registry)
        .map(|(d, r)| (*d, r.meta().id))
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0));
    println!("\nper rule:");
    for (d, id) in rows.iter().take(top) {
        println!("  {id:<10} {:>10.1} ms", ms(*d));
    }
    per_file.sort_by(|a, b| b.0.cmp(&a.0));
    println!("\nslowest files (parse + index + rules):");
    for (d, f) in per_file.iter().take(10) {
        println!("  {:>9.1} ms  {f}", ms(*d));
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let folder = PathBuf::from(args.first().cloned().unwrap_or_else(|| "fixtures".into()));
    let top = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(100);
    common::with_scan_stack(move || run(folder, top));
}
