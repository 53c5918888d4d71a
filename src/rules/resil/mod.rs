//! Resilience rules (RESIL).
use super::Rule;

pub mod resil001_retry_without_jitter;
pub mod resil002_retry_loop_without_backoff;
pub mod resil003_http_call_without_timeout;
pub(crate) mod retry_delay;

pub fn rules() -> Vec<&'static dyn Rule> {
    vec![
        &resil001_retry_without_jitter::Resil001,
        &resil002_retry_loop_without_backoff::Resil002,
        &resil003_http_call_without_timeout::Resil003,
    ]
}
