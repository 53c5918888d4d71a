//! The [`ModuleIndex`] type: the tables of one module (see `model.rs`), its source
//! and line table, and reading the source back by span or line. Building it is
//! `build/`; the questions rules ask of it are `analyze/`.

use super::model::*;

/// The semantic index of one Python module. See `model.rs` for the data model.
#[derive(Debug, Default)]
pub struct ModuleIndex {
    /// Dotted module name derived from the path (`app.db`, `app.routers.orders`).
    pub module_name: String,
    pub source: String,
    pub(super) line_starts: Vec<usize>,
    /// The source is pure ASCII: a column in characters is the column in bytes.
    pub(super) ascii: bool,
    pub scopes: Vec<Scope>,
    pub blocks: Vec<Block>,
    pub imports: Vec<Import>,
    pub assignments: Vec<Assignment>,
    pub calls: Vec<Call>,
    pub withs: Vec<With>,
    pub tries: Vec<Try>,
    pub handlers: Vec<Handler>,
    pub loops: Vec<Loop>,
    pub awaits: Vec<Await>,
    pub ifs: Vec<If>,
    pub dels: Vec<Del>,
    pub returns: Vec<Return>,
    pub raises: Vec<Raise>,
    pub loads: Vec<NameLoad>,
    pub stmts: Vec<Stmt>,
    pub comments: Vec<Comment>,
    /// Spans that tree-sitter could not parse (ERROR / MISSING nodes).
    pub syntax_errors: Vec<Span>,
    /// True when nesting beyond [`MAX_DEPTH`](crate::python::MAX_DEPTH) was skipped.
    pub truncated: bool,
    /// Binary operators (`2 ** attempt`, `"?key=" + k`, `delay * 2`).
    pub binops: Vec<BinOp>,
    /// Per-module tables computed on first use by the queries and rules that read
    /// them (built once instead of once per rule).
    pub(crate) cache: IndexCache,
}

/// Lazily built derived tables of a [`ModuleIndex`]: the index's own
/// questions only (analyses shared by rules are memoised by the rules layer,
/// `rules::Memo`).
#[derive(Debug, Default)]
pub(crate) struct IndexCache {
    pub(crate) state_writes: std::sync::OnceLock<Vec<crate::python::analyze::StateWrite>>,
    pub(crate) scope_tables: std::sync::OnceLock<crate::python::analyze::ScopeTables>,
    /// Where a new top-level import goes (`rules::fix::import_point`): asked
    /// once per fix that adds an import, so once per finding.
    pub(crate) import_point: std::sync::OnceLock<usize>,
}

impl ModuleIndex {
    pub(crate) fn text_of(&self, span: &Span) -> &str {
        &self.source[span.start_byte..span.end_byte]
    }

    /// The byte offset where 1-based `line` starts (0 for line 0 or 1, the source
    /// length past the last line).
    pub(crate) fn line_start_byte(&self, line: usize) -> usize {
        if line <= 1 {
            return 0;
        }
        self.line_starts
            .get(line - 1)
            .copied()
            .unwrap_or(self.source.len())
    }

    /// The text of 1-based `line` without its newline.
    pub(crate) fn line_text(&self, line: usize) -> &str {
        if line == 0 || line > self.line_starts.len() {
            return "";
        }
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.source.len());
        self.source[start..end].trim_end_matches(['\n', '\r'])
    }

    pub fn line_count(&self) -> usize {
        if self.source.is_empty() {
            0
        } else {
            self.line_starts.len() - usize::from(self.source.ends_with('\n'))
        }
    }

    pub(crate) fn call_value(&self, v: &Value) -> Option<&Call> {
        match v {
            Value::Call(id) => Some(&self.calls[*id]),
            Value::Await(inner) => self.call_value(inner),
            _ => None,
        }
    }
}
