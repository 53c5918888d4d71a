//! The project: file discovery, suppression comments, finding identity and the
//! scan pipeline (per-file pass in parallel, then the project-wide pass).

pub mod discover;
pub mod fingerprint;
pub mod incremental;
pub mod scan;
pub mod state;
pub mod suppress;
