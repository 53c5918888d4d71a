//! Memory growth rules (MEM).
use super::Rule;

pub mod collections;
mod fix;
pub mod mem001_unbounded_module_collection;
pub mod mem002_unbounded_instance_collection;
pub mod mem003_lru_cache_on_method;
pub mod mem004_high_cardinality_metric_label;
pub mod mem005_expiry_enforced_only_on_read;
pub mod per_call;

pub fn rules() -> Vec<&'static dyn Rule> {
    vec![
        &mem001_unbounded_module_collection::Mem001,
        &mem002_unbounded_instance_collection::Mem002,
        &mem003_lru_cache_on_method::Mem003,
        &mem004_high_cardinality_metric_label::Mem004,
        &mem005_expiry_enforced_only_on_read::Mem005,
    ]
}
