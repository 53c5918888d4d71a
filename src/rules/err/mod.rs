//! Rules of the err family.
use super::Rule;

pub fn rules() -> Vec<&'static dyn Rule> {
    vec![]
}
