//! Analyses several rules of one module share, computed by the first rule that
//! asks and kept for the others (owned by the rules layer, not the index).

use std::sync::{Arc, OnceLock};

use super::mem::collections::Collection;

/// One module's shared analyses. Lives in the [`super::Checker`] of the module.
#[derive(Debug, Default)]
pub struct Memo {
    /// MEM001, MEM002 and MEM005: the module's collections
    /// ([`super::mem::collections::collections`]).
    pub(crate) mem_collections: OnceLock<Arc<[Collection]>>,
}
