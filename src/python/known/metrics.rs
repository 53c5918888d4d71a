//! Metrics libraries.

/// Prometheus metric classes (`prometheus_client`), by their bare name (MEM004).
pub(crate) const METRIC_TYPES: &[&str] = &["Counter", "Gauge", "Histogram", "Summary"];
