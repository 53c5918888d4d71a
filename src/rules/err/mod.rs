//! Error handling and observability rules (ERR).
use super::Rule;

pub mod err001_error_log_without_traceback;
pub mod err002_swallowed_exception;
pub mod err003_commit_without_rollback;

pub fn rules() -> Vec<&'static dyn Rule> {
    vec![
        &err001_error_log_without_traceback::Err001,
        &err002_swallowed_exception::Err002,
        &err003_commit_without_rollback::Err003,
    ]
}
