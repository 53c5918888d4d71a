//! Resource lifecycle rules (RES).
use super::{Rule, RuleMeta};

pub mod res006_client_not_closed_at_shutdown;
pub mod res007_incomplete_context_manager;

pub fn rules() -> Vec<&'static dyn Rule> {
    vec![&res007_incomplete_context_manager::Res007]
}

/// Project-wide rules of this family.
pub fn project_rules() -> Vec<&'static RuleMeta> {
    vec![&res006_client_not_closed_at_shutdown::META]
}
