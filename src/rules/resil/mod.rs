//! Rules of the resil family.
use super::Rule;

pub fn rules() -> Vec<&'static dyn Rule> {
    vec![]
}
