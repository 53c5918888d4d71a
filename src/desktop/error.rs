//! Errors as the web view sees them: `{ kind, message }` with a small fixed set of
//! kinds (docs/desktop-api.md), so the UI can react to a locked database or a
//! refused path without parsing messages.

use serde::Serialize;

use crate::store::StoreError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    pub kind: String,
    pub message: String,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(kind: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            kind: kind.into(),
            message: message.into(),
        }
    }
    pub fn no_project() -> ApiError {
        ApiError::new("no_project", "no project is open")
    }
    pub fn outside_root(path: &str) -> ApiError {
        ApiError::new(
            "outside_root",
            format!("`{path}` is outside the open project folder"),
        )
    }
    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new("invalid", message)
    }
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new("not_found", message)
    }
    pub fn io(message: impl Into<String>) -> ApiError {
        ApiError::new("io", message)
    }
    pub fn scan_failed(message: impl Into<String>) -> ApiError {
        ApiError::new("scan_failed", message)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for ApiError {}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        let kind = match &e {
            StoreError::Locked(_) => "db_locked",
            StoreError::NoSuchFinding(_) | StoreError::Missing(_) => "not_found",
            StoreError::Invalid(_) | StoreError::Json(_) => "invalid",
            StoreError::Io { .. } => "io",
            _ => "db_error",
        };
        ApiError::new(kind, e.to_string())
    }
}

impl From<anyhow::Error> for ApiError {
    /// Errors of the scan pipeline and the configuration (`{:#}` keeps the causes).
    fn from(e: anyhow::Error) -> ApiError {
        match e.downcast_ref::<StoreError>() {
            Some(StoreError::Locked(_)) => ApiError::new("db_locked", format!("{e:#}")),
            Some(_) => ApiError::new("db_error", format!("{e:#}")),
            None => ApiError::scan_failed(format!("{e:#}")),
        }
    }
}
