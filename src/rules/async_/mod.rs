//! Rules of the async family.
use super::Rule;

pub fn rules() -> Vec<&'static dyn Rule> {
    vec![]
}
