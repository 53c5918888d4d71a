//! Library knowledge: the Python library names (types, functions, methods) the
//! index and the rules recognise, one file per kind. Lists only: the code that
//! reads them is in `analyze/` and `rules/`.
//!
//! (notes on lists that differ: filled in below)

pub(crate) mod blocking;
pub(crate) mod builtins;
pub(crate) mod clients;
pub(crate) mod closing;
pub(crate) mod collections;
pub(crate) mod exceptions;
pub(crate) mod locks;
pub(crate) mod logging;
pub(crate) mod pure;
pub(crate) mod resources;
pub(crate) mod sessions;
pub(crate) mod tasks;
pub(crate) mod testing;
