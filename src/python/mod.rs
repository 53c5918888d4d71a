//! Python parsing (tree-sitter) and the per-module semantic index rules read.

mod analyze;
mod build;
pub(crate) mod known;
mod model;
mod module_index;
pub mod parse;
mod resolve;
mod syntax;

pub(crate) use analyze::SpawnKind;
pub use analyze::{DelayProfile, StateWrite, WriteKind};
pub(crate) use build::MAX_DEPTH;
pub use model::*;
pub use module_index::ModuleIndex;

/// Parses and indexes `source`.
pub fn analyse(source: String, module_name: &str, is_package: bool) -> Option<ModuleIndex> {
    analyse_within(source, module_name, is_package, None).ok()
}

/// [`analyse`] that gives up parsing once `deadline` has passed.
pub fn analyse_within(
    source: String,
    module_name: &str,
    is_package: bool,
    deadline: Option<std::time::Instant>,
) -> Result<ModuleIndex, parse::ParseFailure> {
    let tree = parse::parse_within(&source, deadline)?;
    Ok(build::index_module(source, &tree, module_name, is_package))
}

/// Whether `source` parses as Python without syntax errors (used to check that
/// every `after` fix snippet is valid code).
pub fn is_valid_python(source: &str) -> bool {
    parse::parse(source).is_some_and(|t| !t.root_node().has_error())
}
