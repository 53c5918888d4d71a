//! Rules of the perf family.
use super::Rule;

pub fn rules() -> Vec<&'static dyn Rule> {
    vec![]
}
