//! Rules of the mem family.
use super::Rule;

pub fn rules() -> Vec<&'static dyn Rule> {
    vec![]
}
