//! Performance rules (PERF).
use super::Rule;

pub mod perf001_query_in_loop;

pub fn rules() -> Vec<&'static dyn Rule> {
    vec![&perf001_query_in_loop::Perf001]
}
