//! Scan output formats: text for people, JSON (a versioned contract) and SARIF 2.1.0.
pub mod json;
pub mod sarif;
pub mod text;
