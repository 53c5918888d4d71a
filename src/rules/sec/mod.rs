//! Rules of the sec family.
use super::Rule;

pub fn rules() -> Vec<&'static dyn Rule> {
    vec![]
}
