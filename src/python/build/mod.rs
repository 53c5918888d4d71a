//! Building the semantic index of one module from its tree-sitter syntax tree.
//!
//! One pass over the tree fills the tables of [`ModuleIndex`] (see `model.rs` for
//! what each table means). The walk is recursive over statements and expressions
//! but bounded: past [`MAX_DEPTH`] nested nodes it stops descending and records a
//! warning, so a pathological file (a 100 000-deep parenthesised expression) cannot
//! overflow the stack. Python itself refuses much shallower nesting, so real code
//! is never cut.
//!
//! The passes, in order: `imports` (imports, comments and syntax errors, first, so
//! names resolve regardless of definition order), then one walk over
//! `statements` (with `definitions` for `def`/`class`/`lambda` scopes) and
//! `expressions`, then `finish` (facts that need the whole module).

mod definitions;
mod expressions;
mod finish;
mod imports;
mod statements;

use std::collections::{HashMap, HashSet};

use tree_sitter::{Node, Tree};

use super::model::*;
use super::module_index::ModuleIndex;
use super::resolve::{package_of, resolve_in};

/// Deepest syntax nesting the index descends into (CPython itself refuses 200
/// nested parentheses, so real code stays well inside it).
pub(crate) const MAX_DEPTH: usize = 200;

/// Parses `source` and builds its index. `module_name` is the dotted module path
/// used to resolve relative imports; `is_package` says the file is an `__init__.py`.
pub(super) fn index_module(
    source: String,
    tree: &Tree,
    module_name: &str,
    is_package: bool,
) -> ModuleIndex {
    let mut line_starts = vec![0];
    for (i, b) in source.bytes().enumerate() {
        if b == b'\n' {
            line_starts.push(i + 1);
        }
    }
    let mut ix = ModuleIndex {
        module_name: module_name.to_string(),
        ascii: source.is_ascii(),
        source,
        line_starts,
        ..Default::default()
    };
    let root = tree.root_node();
    let span = ix.span(root);
    ix.scopes.push(Scope {
        kind: ScopeKind::Module,
        name: "<module>".into(),
        qualname: String::new(),
        is_async: false,
        span,
        name_span: span,
        body_span: span,
        parent: None,
        parent_block: None,
        decorators: vec![],
        params: vec![],
        bases: vec![],
        globals: vec![],
        nonlocals: vec![],
        locals: vec![],
    });
    let mut b = Builder {
        ix,
        package: package_of(module_name, is_package),
        call_ids: HashMap::new(),
        bound: vec![],
        imports_at: HashMap::new(),
    };
    b.collect_imports_and_errors(root, true);
    for (i, imp) in b.ix.imports.iter().enumerate() {
        b.imports_at.entry(imp.span.start_byte).or_default().push(i);
    }
    let cx = Cx {
        scope: 0,
        block: None,
        depth: 0,
    };
    b.block_stmts(root, cx);
    b.finish();
    b.ix
}

#[derive(Clone, Copy)]
struct Cx {
    scope: ScopeId,
    block: Option<BlockId>,
    depth: usize,
}

impl Cx {
    fn deeper(self) -> Cx {
        Cx {
            depth: self.depth + 1,
            ..self
        }
    }
}

struct Builder {
    ix: ModuleIndex,
    package: Vec<String>,
    /// tree-sitter node id -> call id, so an expression summary can point at the
    /// call recorded for the same node.
    call_ids: HashMap<usize, CallId>,
    /// The names in each scope's `locals`, for a constant-time duplicate check.
    bound: Vec<HashSet<String>>,
    /// Start byte of an import statement -> its entries in `ix.imports` (the
    /// first pass records imports before scopes are known; the semantic pass sets
    /// their scope without scanning every import per statement).
    imports_at: HashMap<usize, Vec<usize>>,
}

impl Builder {
    fn text(&self, n: Node) -> &str {
        n.utf8_text(self.ix.source.as_bytes()).unwrap_or("")
    }

    fn span(&self, n: Node) -> Span {
        self.ix.span(n)
    }

    fn push_block(&mut self, kind: BlockKind, n: Node, cx: Cx, owner: usize) -> Cx {
        let span = self.span(n);
        self.ix.blocks.push(Block {
            kind,
            span,
            scope: cx.scope,
            parent: cx.block,
            owner,
        });
        Cx {
            block: Some(self.ix.blocks.len() - 1),
            ..cx.deeper()
        }
    }

    fn bind(&mut self, scope: ScopeId, name: &str) {
        if self.bound.len() <= scope {
            self.bound.resize_with(scope + 1, HashSet::new);
        }
        if !self.bound[scope].contains(name) {
            self.bound[scope].insert(name.to_string());
            self.ix.scopes[scope].locals.push(name.to_string());
        }
    }

    /// Resolves a dotted name through the imports visible from `scope`.
    fn resolve(&self, dotted_name: &str, scope: ScopeId) -> Option<String> {
        resolve_in(&self.ix, dotted_name, scope)
    }
}
