//! Rules of the good family.
use super::Rule;

pub fn rules() -> Vec<&'static dyn Rule> {
    vec![]
}
