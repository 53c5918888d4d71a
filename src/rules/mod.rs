//! The rule interface and the registry of every rule.
//!
//! A rule lives in one file (`rules/<family>/<id>_<name>.rs`) holding its
//! documentation (`DOC`, markdown: what it does, why it is bad, example, fix), its
//! metadata ([`RuleMeta`]) and its check. A check reads the module's semantic index
//! through a [`Checker`] and reports [`Diagnostic`]s; the scan pipeline turns them
//! into findings (path, fingerprint, suppression).
//!
//! Project-wide rules (RES006) work in two steps so that the watcher can re-run them
//! cheaply: a per-file step extracts small [`ProjectFacts`] that are kept per file,
//! and a project step combines the facts of all files.

pub mod confidence;
pub mod fix;
mod memo;
mod settings;

pub mod async_;
pub mod conc;
pub mod err;
pub mod good;
pub mod mem;
pub mod perf;
pub mod res;
pub mod resil;
pub mod sec;

use std::time::Instant;

use crate::config::Config;
use crate::finding::{Applicability, Kind, Severity};
use crate::python::{ModuleIndex, ScopeId, Span};

pub use memo::Memo;
pub use settings::Settings;

/// Static description of a rule: the public contract (id, name, default severity)
/// plus its documentation and remediation effort.
#[derive(Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub name: &'static str,
    pub kind: Kind,
    /// Default severity (`Info` for strengths, which have none in the output).
    pub severity: Severity,
    /// One line: what the rule flags.
    pub summary: &'static str,
    /// Category used by reports and testing advice: `memory`, `resources`,
    /// `concurrency`, `asyncio`, `resilience`, `errors`, `security`, `performance`,
    /// `strength`.
    pub category: &'static str,
    /// Markdown documentation: What it does / Why is this bad? / Example / Use instead.
    pub doc: &'static str,
    /// Typical remediation effort in hours, for the remediation plan.
    pub effort_hours: f32,
}

/// One problem (or strength) reported by a rule in one module.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rule: &'static RuleMeta,
    /// The anchor the finding points at (its `line`).
    pub anchor: Span,
    /// Overrides the rule's default severity (rules with two severity levels).
    pub severity: Option<Severity>,
    pub message: String,
    /// Related places in the same module: (span, message).
    pub related: Vec<(Span, String)>,
    /// Before / after snippets.
    pub fix: Option<(String, String)>,
    /// The fix as edits of the file, when the rule can write it so.
    pub edits: Option<fix::FileEdits>,
    /// The scope the anchor is in (part of the finding's identity).
    pub scope: ScopeId,
}

/// What a per-file check sees, and where it reports.
pub struct Checker<'a> {
    pub ix: &'a ModuleIndex,
    /// What the rules take from the configuration.
    pub settings: Settings<'a>,
    /// Analyses the rules of this module share.
    pub memo: Memo,
    pub diagnostics: Vec<Diagnostic>,
    /// The per-file time limit (`max-file-time-ms`). The scan stops between two
    /// rules once it has passed; a rule with a long loop stops inside it through
    /// [`Checker::out_of_time`].
    pub deadline: Option<Instant>,
    /// A rule stopped before its end because the deadline passed.
    pub cut_short: bool,
}

impl<'a> Checker<'a> {
    pub fn new(ix: &'a ModuleIndex, config: &'a Config) -> Self {
        Checker {
            ix,
            settings: Settings::from_config(config),
            memo: Memo::default(),
            diagnostics: vec![],
            deadline: None,
            cut_short: false,
        }
    }

    /// Whether the deadline has passed; if so, the caller stops and the file's
    /// rules count as incomplete.
    pub fn out_of_time(&mut self) -> bool {
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            self.cut_short = true;
        }
        self.cut_short
    }

    /// Reports a diagnostic; returns it for optional tweaks (related, severity).
    pub fn report(
        &mut self,
        rule: &'static RuleMeta,
        anchor: Span,
        scope: ScopeId,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic {
            rule,
            anchor,
            severity: None,
            message: message.into(),
            related: vec![],
            fix: None,
            edits: None,
            scope,
        });
        self.diagnostics.last_mut().expect("just pushed")
    }
}

impl Diagnostic {
    pub fn with_fix(&mut self, before: String, after: String) -> &mut Self {
        self.fix = Some((before, after));
        self
    }
    /// The fix as edits of the module source (sorted, not overlapping), which
    /// `auditbench fix` applies; `after` should be what they make of `before`.
    pub fn with_edits(&mut self, applicability: Applicability, edits: Vec<fix::Edit>) -> &mut Self {
        self.edits = Some(fix::FileEdits {
            applicability,
            edits,
            imports: vec![],
        });
        self
    }
    /// The import the edits need (`import MODULE`, or `from MODULE import
    /// NAME`), added to them when the module lacks it; nothing without edits.
    pub fn with_import(&mut self, ix: &ModuleIndex, module: &str, name: Option<&str>) -> &mut Self {
        if let Some(e) = &mut self.edits {
            let (stmt, edit) = fix::add_import(ix, module, name);
            if let Some(edit) = edit {
                e.edits.insert(0, edit);
                e.edits.sort_by_key(|e| e.range.start);
            }
            e.imports.push(stmt);
        }
        self
    }
    /// Before / after snippets of lines `from..=to` (the after with `edits`),
    /// and the same edits for the file when the snippet shows every one of them.
    pub fn with_spliced_fix(
        &mut self,
        ix: &ModuleIndex,
        (from, to): (usize, usize),
        edits: Vec<fix::Edit>,
        applicability: Applicability,
    ) -> &mut Self {
        let file = fix::in_window(ix, from, to, &edits);
        let before = fix::splice(ix, from, to, vec![]);
        let after = fix::splice(ix, from, to, edits);
        self.with_fix(before, after);
        match file {
            Some(edits) => self.with_edits(applicability, edits),
            None => self,
        }
    }
    pub fn with_related(&mut self, span: Span, message: impl Into<String>) -> &mut Self {
        self.related.push((span, message.into()));
        self
    }
    pub fn with_severity(&mut self, severity: Severity) -> &mut Self {
        self.severity = Some(severity);
        self
    }
}

/// A per-file rule.
pub trait Rule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &mut Checker);
}

/// Per-file facts that project-wide rules combine. Small, serialisable, and kept
/// per file so that an incremental scan only recomputes changed files' facts.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ProjectFacts {
    pub clients: res::res006_client_not_closed_at_shutdown::ClientFacts,
}

impl ProjectFacts {
    /// Whether the project-wide pass can anchor a finding in this file.
    pub fn may_hold_project_findings(&self) -> bool {
        !self.clients.created.is_empty()
    }
}

/// A project-wide diagnostic: like [`Diagnostic`] but across files.
#[derive(Debug, Clone)]
pub struct ProjectDiagnostic {
    pub rule: &'static RuleMeta,
    /// Relative path of the file the anchor is in.
    pub path: String,
    pub line: usize,
    pub end_line: usize,
    pub column: usize,
    pub end_column: usize,
    pub scope: String,
    pub message: String,
    pub fix: Option<(String, String)>,
    /// The anchor line's text (for the fingerprint).
    pub anchor_text: String,
    /// `Some(reason)` when a suppression comment covers the anchor.
    pub suppression: Option<Option<String>>,
}

/// Every per-file rule, in catalog order.
pub fn registry() -> Vec<&'static dyn Rule> {
    let mut all: Vec<&'static dyn Rule> = vec![];
    all.extend(mem::rules());
    all.extend(res::rules());
    all.extend(conc::rules());
    all.extend(async_::rules());
    all.extend(resil::rules());
    all.extend(err::rules());
    all.extend(sec::rules());
    all.extend(perf::rules());
    all.extend(good::rules());
    all
}

/// Every rule's metadata, per-file and project-wide, in catalog order.
pub fn all_meta() -> Vec<&'static RuleMeta> {
    let mut metas: Vec<&'static RuleMeta> = registry().iter().map(|r| r.meta()).collect();
    metas.extend(res::project_rules());
    let order = |m: &RuleMeta| {
        let fam = [
            "MEM", "RES", "CONC", "ASYNC", "RESIL", "ERR", "SEC", "PERF", "GOOD",
        ];
        let f = fam
            .iter()
            .position(|p| {
                m.id.starts_with(p) && m.id[p.len()..].chars().all(|c| c.is_ascii_digit())
            })
            .unwrap_or(99);
        (f, m.id)
    };
    metas.sort_by_key(|m| order(m));
    metas
}

pub fn find_meta(id: &str) -> Option<&'static RuleMeta> {
    all_meta()
        .into_iter()
        .find(|m| m.id.eq_ignore_ascii_case(id))
}

/// The rule catalog as markdown (`docs/rules.md` is this text; a test keeps it so).
pub fn catalog_markdown() -> String {
    let mut s = String::from("# Rules\n\nGenerated from the rules' metadata and documentation (`src/rules/`); `auditbench rule ID` prints the same text.\nRegenerate with `UPDATE_DOCS=1 cargo test --test docs`.\n\n| id | name | severity | category | what it flags |\n|---|---|---|---|---|\n");
    for m in all_meta() {
        let sev = if m.kind == Kind::Strength {
            "strength"
        } else {
            m.severity.as_str()
        };
        s.push_str(&format!(
            "| [{}](#{}) | {} | {} | {} | {} |\n",
            m.id,
            m.id.to_ascii_lowercase(),
            m.name,
            sev,
            m.category,
            m.summary.replace('|', "\\|")
        ));
    }
    for m in all_meta() {
        // Demote the rule's own headings one level under the rule's heading.
        let doc = m
            .doc
            .trim()
            .lines()
            .map(|l| {
                if l.starts_with('#') {
                    format!("#{l}")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        s.push_str(&format!(
            "\n## {}\n\n`{}`, {}, effort about {} h.\n\n{}\n",
            m.id,
            m.name,
            if m.kind == Kind::Strength {
                "strength".to_string()
            } else {
                format!("default severity {}", m.severity)
            },
            m.effort_hours,
            doc
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_id_catalog_lists_every_rule_in_catalog_order() {
        let ids: Vec<&str> = super::all_meta().iter().map(|m| m.id).collect();
        assert_eq!(ids, crate::rule_ids::ALL);
    }
}
