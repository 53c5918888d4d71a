//! Thread-safety rules (CONC).
use super::Rule;

pub mod conc001_unsynchronized_lazy_init;
pub mod conc002_inconsistent_locking;
pub mod identity;

pub fn rules() -> Vec<&'static dyn Rule> {
    vec![
        &conc001_unsynchronized_lazy_init::Conc001,
        &conc002_inconsistent_locking::Conc002,
    ]
}
