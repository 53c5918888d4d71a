//! The project model: facts about the whole project that every rule can ask,
//! built once per scan (see `docs/project-model.md`).
//!
//! - [`summary`]: per module, in the parallel per-file pass, a small summary
//!   of the module's index (functions, classes, imports, globals, calls);
//! - [`project`]: over every summary, module names, a symbol table by
//!   qualified name, the class hierarchy, a call graph, and the execution
//!   contexts of every function (request, task, thread, startup, script...)
//!   propagated from the entry points of [`frameworks`], each with the path
//!   that proves it;
//! - [`explain`]: what the model knows at a place, for people
//!   (`auditbench explain PATH[:LINE]`).

pub mod explain;
pub mod frameworks;
pub mod project;
pub mod summary;

pub use frameworks::{Context, ContextSet};
pub use project::{Input, ProjectModel};
pub use summary::{summarize, ModuleSummary};
