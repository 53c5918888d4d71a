//! Functions whose result depends only on their arguments.

/// Calls that keep a delay what it is (bounds and conversions): a delay made of
/// them is neither random nor opaque.
pub(crate) const DELAY_NEUTRAL_CALLS: &[&str] = &["min", "max", "float", "int", "abs", "round"];
