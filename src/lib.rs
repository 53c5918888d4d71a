//! Auditbench: finds memory leaks, resource leaks and concurrency hazards in Python
//! backends. The library is the whole engine; the CLI (and later the desktop app
//! and the watcher) are thin front ends over [`scan`].

pub mod autofix;
pub mod cli;
pub mod config;
pub mod desktop;
pub mod finding;
pub mod heap;
pub mod model;
pub mod project;
pub mod python;
pub mod report;
pub mod rule_ids;
pub mod rules;
pub mod scan;
pub mod scan_output;
pub mod store;
pub mod watch;

pub use config::Config;
pub use finding::{Finding, Kind, Severity, Status};
pub use scan::{scan, ScanOptions, ScanResult};
pub use store::Store;
