//! Strengths (GOOD): good patterns a report lists so that they are preserved.
use super::Rule;

pub mod good001_task_registry;
pub mod good002_bounded_cache;
pub mod good003_double_checked_locking;
pub mod good004_retry_with_jitter;
pub mod good005_guaranteed_cleanup;
pub mod good006_task_error_callback;
pub mod good007_shutdown_hook_closes_clients;
pub mod good008_bounded_concurrency;

pub fn rules() -> Vec<&'static dyn Rule> {
    vec![
        &good001_task_registry::Good001,
        &good002_bounded_cache::Good002,
        &good003_double_checked_locking::Good003,
        &good004_retry_with_jitter::Good004,
        &good005_guaranteed_cleanup::Good005,
        &good006_task_error_callback::Good006,
        &good007_shutdown_hook_closes_clients::Good007,
        &good008_bounded_concurrency::Good008,
    ]
}
