//! RES006 client-not-closed-at-shutdown (project-wide).
//!
//! Two steps: [`collect`] extracts [`ClientFacts`] from one module (module-level
//! clients created, and every object the module closes), and [`check_project`]
//! combines the facts of all modules. The watcher keeps facts per file, so after an
//! edit only the changed file's facts are recomputed.
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::finding::{Kind, Severity};
use crate::python::ModuleIndex;
use crate::rules::{ProjectDiagnostic, RuleMeta};

pub const DOC: &str = r#"## What it does
TODO
"#;

pub static META: RuleMeta = RuleMeta {
    id: "RES006",
    name: "client-not-closed-at-shutdown",
    kind: Kind::Finding,
    severity: Severity::Medium,
    summary: "a module-level long-lived client that nothing in the project ever closes",
    category: "resources",
    doc: DOC,
    effort_hours: 2.0,
};

/// A module-level client created in one module.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ModuleClient {
    /// `app.cache.redis_client`
    pub qualified: String,
    pub line: usize,
    pub end_line: usize,
    pub column: usize,
    pub end_column: usize,
    pub message: String,
    /// Qualified name of the scope of the creation (empty at module level).
    pub scope: String,
    pub before: String,
    pub after: String,
    /// Filled by the scan pipeline: the anchor line's text and the suppression
    /// comment covering it, if any.
    pub anchor_text: String,
    pub suppression: Option<Option<String>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ClientFacts {
    pub created: Vec<ModuleClient>,
    /// Qualified names (or bare trailing names when unresolvable) of objects this
    /// module closes.
    pub closed: Vec<String>,
}

pub fn collect(_ix: &ModuleIndex, _config: &Config) -> ClientFacts {
    ClientFacts::default()
}

/// `files`: (relative path, facts) for every module of the project.
pub fn check_project(_files: &[(&str, &ClientFacts)]) -> Vec<ProjectDiagnostic> {
    vec![]
}
