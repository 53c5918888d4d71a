//! Building the semantic index of one module from its tree-sitter syntax tree.
//!
//! One pass over the tree fills the tables of [`ModuleIndex`] (see `model.rs` for
//! what each table means). The walk is recursive over statements and expressions
//! but bounded: past [`MAX_DEPTH`] nested nodes it stops descending and records a
//! warning, so a pathological file (a 100 000-deep parenthesised expression) cannot
//! overflow the stack. Python itself refuses much shallower nesting, so real code
//! is never cut.

use std::collections::{HashMap, HashSet};

use tree_sitter::{Node, Tree};

use super::model::*;

/// The Python grammar.
fn language() -> tree_sitter::Language {
    tree_sitter_python::LANGUAGE.into()
}

/// The id of a grammar field, looked up once per call site (`child_by_field_name`
/// looks the name up by string comparison on every call). `0` (no such field) makes
/// `child_by_field_id` return `None`, exactly like `child_by_field_name`.
macro_rules! fid {
    ($name:literal) => {{
        static ID: std::sync::OnceLock<u16> = std::sync::OnceLock::new();
        *ID.get_or_init(|| language().field_id_for_name($name).map_or(0, |f| f.get()))
    }};
}

/// `Node::kind` from a table built once: the same name, without the `strlen` and
/// UTF-8 check `Node::kind` does on every call.
trait FastKind<'tree> {
    fn kind_fast(&self) -> &'tree str;
}

impl<'tree> FastKind<'tree> for Node<'tree> {
    fn kind_fast(&self) -> &'tree str {
        static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        let names = NAMES.get_or_init(|| {
            let lang = language();
            (0..lang.node_kind_count() as u16)
                .map(|id| lang.node_kind_for_id(id).unwrap_or("").to_string())
                .collect()
        });
        match names.get(self.kind_id() as usize) {
            Some(k) if !k.is_empty() => k.as_str(),
            _ => self.kind(),
        }
    }
}

/// Deepest syntax nesting the index descends into (CPython itself refuses 200
/// nested parentheses, so real code stays well inside it).
pub const MAX_DEPTH: usize = 200;

/// Names Python resolves without an import.
const BUILTINS: &[&str] = &[
    "open",
    "print",
    "len",
    "dict",
    "list",
    "set",
    "tuple",
    "frozenset",
    "range",
    "iter",
    "next",
    "map",
    "filter",
    "zip",
    "sorted",
    "isinstance",
    "getattr",
    "setattr",
    "hasattr",
    "super",
    "type",
    "object",
    "int",
    "str",
    "float",
    "bool",
    "bytes",
    "min",
    "max",
    "sum",
    "any",
    "all",
    "enumerate",
    "reversed",
    "id",
    "hash",
    "repr",
    "vars",
    "globals",
    "locals",
    "staticmethod",
    "classmethod",
    "property",
    "Exception",
    "BaseException",
    "KeyError",
    "ValueError",
    "TypeError",
    "RuntimeError",
    "OSError",
    "IOError",
    "StopIteration",
    "ImportError",
    "ModuleNotFoundError",
    "AttributeError",
    "NotImplementedError",
    "ConnectionError",
    "TimeoutError",
    "FileNotFoundError",
    "PermissionError",
    "memoryview",
    "bytearray",
    "callable",
    "format",
    "round",
    "abs",
    "divmod",
    "pow",
    "input",
    "exec",
    "eval",
    "compile",
    "__import__",
    "KeyboardInterrupt",
    "SystemExit",
    "GeneratorExit",
];

/// The semantic index of one Python module. See `model.rs` for the data model.
#[derive(Debug, Default)]
pub struct ModuleIndex {
    /// Dotted module name derived from the path (`app.db`, `app.routers.orders`).
    pub module_name: String,
    pub source: String,
    line_starts: Vec<usize>,
    /// The source is pure ASCII: a column in characters is the column in bytes.
    ascii: bool,
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
    /// True when nesting beyond [`MAX_DEPTH`] was skipped.
    pub truncated: bool,
    /// Binary operators (`2 ** attempt`, `"?key=" + k`, `delay * 2`).
    pub binops: Vec<BinOp>,
    /// Per-module tables computed on first use by the queries and rules that read
    /// them (built once instead of once per rule).
    pub(crate) cache: IndexCache,
}

/// Lazily built derived tables of a [`ModuleIndex`].
#[derive(Debug, Default)]
pub(crate) struct IndexCache {
    pub(crate) state_writes:
        std::sync::OnceLock<Vec<crate::python::queries_concurrency::StateWrite>>,
    pub(crate) mem_collections:
        std::sync::OnceLock<Vec<crate::rules::mem::collections::Collection>>,
    pub(crate) scope_tables: std::sync::OnceLock<crate::python::queries::ScopeTables>,
}

/// Parses `source` and builds its index. `module_name` is the dotted module path
/// used to resolve relative imports; `is_package` says the file is an `__init__.py`.
pub fn index_module(
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

/// Sorted byte offsets of every `#` and every `import` in the source: where a
/// comment or an import statement can be. A `#` or the word inside a string
/// only costs a wasted descent.
fn import_and_comment_marks(source: &str) -> Vec<usize> {
    let bytes = source.as_bytes();
    let mut marks = vec![];
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'#' || (b == b'i' && bytes[i..].starts_with(b"import")) {
            marks.push(i);
        }
    }
    marks
}

fn package_of(module_name: &str, is_package: bool) -> Vec<String> {
    let mut parts: Vec<String> = module_name
        .split('.')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    if !is_package {
        parts.pop();
    }
    parts
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

impl ModuleIndex {
    pub fn text_of(&self, span: &Span) -> &str {
        &self.source[span.start_byte..span.end_byte]
    }

    /// The byte offset where 1-based `line` starts (0 for line 0 or 1, the source
    /// length past the last line).
    pub fn line_start_byte(&self, line: usize) -> usize {
        if line <= 1 {
            return 0;
        }
        self.line_starts
            .get(line - 1)
            .copied()
            .unwrap_or(self.source.len())
    }

    /// The text of 1-based `line` without its newline.
    pub fn line_text(&self, line: usize) -> &str {
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

    fn span(&self, n: Node) -> Span {
        let s = n.start_position();
        let e = n.end_position();
        Span {
            start_byte: n.start_byte(),
            end_byte: n.end_byte(),
            line: s.row + 1,
            column: self.char_col(s.row, s.column),
            end_line: e.row + 1,
            end_column: self.char_col(e.row, e.column),
        }
    }

    fn char_col(&self, row: usize, byte_col: usize) -> usize {
        let start = self.line_starts.get(row).copied().unwrap_or(0);
        let end = (start + byte_col).min(self.source.len());
        if self.ascii {
            return end.saturating_sub(start) + 1;
        }
        self.source
            .get(start..end)
            .map(|s| s.chars().count())
            .unwrap_or(byte_col)
            + 1
    }
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

    /// Imports, comments and syntax errors anywhere in the file, collected first
    /// (iteratively) so that names resolve regardless of definition order.
    fn collect_imports_and_errors(&mut self, root: Node, prune: bool) {
        // Node kinds compared by id (a string comparison per node is measurable on
        // big files); every other kind falls through to the `_` arm as before.
        static KINDS: std::sync::OnceLock<[u16; 4]> = std::sync::OnceLock::new();
        let kinds = KINDS.get_or_init(|| {
            let lang: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
            [
                lang.id_for_node_kind("comment", true),
                lang.id_for_node_kind("import_statement", true),
                lang.id_for_node_kind("import_from_statement", true),
                lang.id_for_node_kind("future_import_statement", true),
            ]
        });
        // Visiting every node of the tree cost about a third of the index's time.
        // A comment starts at a `#`, an import statement contains the word
        // `import`, and a syntax error sets `has_error` on all its ancestors:
        // a subtree with none of these cannot hold anything this pass collects,
        // so it is skipped (`prune`; tests check it against the full walk).
        let marks = if prune {
            import_and_comment_marks(&self.ix.source)
        } else {
            vec![]
        };
        let errors_possible = root.has_error();
        let worth_descending = |n: Node| {
            if !prune {
                return true;
            }
            if errors_possible && n.has_error() {
                return true;
            }
            let i = marks.partition_point(|&m| m < n.start_byte());
            i < marks.len() && marks[i] < n.end_byte()
        };
        let mut cursor = root.walk();
        loop {
            let n = cursor.node();
            let mut descend = worth_descending(n);
            let id = n.kind_id();
            let kind = if id == kinds[0] {
                "comment"
            } else if id == kinds[1] || id == kinds[2] || id == kinds[3] {
                "import_statement"
            } else if n.is_error() {
                "ERROR"
            } else {
                ""
            };
            match kind {
                "comment" => {
                    let line = n.start_position().row + 1;
                    let text = self.text(n).to_string();
                    self.ix.comments.push(Comment { line, text });
                }
                "ERROR" => {
                    let sp = self.span(n);
                    self.ix.syntax_errors.push(sp);
                }
                "import_statement" | "import_from_statement" | "future_import_statement" => {
                    self.import(n);
                    descend = false;
                }
                _ => {
                    if n.is_missing() {
                        let sp = self.span(n);
                        self.ix.syntax_errors.push(sp);
                    }
                }
            }
            if descend && cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return;
                }
            }
        }
    }

    fn import(&mut self, n: Node) {
        let span = self.span(n);
        // The function whose body holds a function-level import (by body start).
        let mut owner_body = None;
        let mut p = n.parent();
        while let Some(a) = p {
            if a.kind_fast() == "function_definition" {
                owner_body = a.child_by_field_id(fid!("body")).map(|b| b.start_byte());
                break;
            }
            p = a.parent();
        }
        let add = |b: &mut Builder, local: String, qualified: String| {
            b.ix.imports.push(Import {
                local,
                qualified,
                scope: 0,
                span,
                owner_body,
            });
        };
        if n.kind_fast() == "import_statement" {
            let mut c = n.walk();
            for name in n.children_by_field_name("name", &mut c) {
                match name.kind_fast() {
                    "dotted_name" => {
                        let full = self.text(name).to_string();
                        let first = full.split('.').next().unwrap_or("").to_string();
                        // `import a.b.c` binds `a`, which refers to package `a`.
                        add(self, first.clone(), first);
                        // Remember the full path too so `a.b.c.f` resolves.
                        if full.contains('.') {
                            add(self, full.clone(), full);
                        }
                    }
                    "aliased_import" => {
                        let q = name
                            .child_by_field_id(fid!("name"))
                            .map(|x| self.text(x).to_string())
                            .unwrap_or_default();
                        let a = name
                            .child_by_field_id(fid!("alias"))
                            .map(|x| self.text(x).to_string())
                            .unwrap_or_default();
                        add(self, a, q);
                    }
                    _ => {}
                }
            }
            return;
        }
        // from X import a, b as c
        let base = match n.child_by_field_id(fid!("module_name")) {
            Some(m) if m.kind_fast() == "relative_import" => self.resolve_relative(m),
            Some(m) => self.text(m).to_string(),
            None => String::from("__future__"),
        };
        let mut c = n.walk();
        for name in n.children_by_field_name("name", &mut c) {
            let (q, local) = match name.kind_fast() {
                "dotted_name" => {
                    let t = self.text(name).to_string();
                    (t.clone(), t)
                }
                "aliased_import" => (
                    name.child_by_field_id(fid!("name"))
                        .map(|x| self.text(x).to_string())
                        .unwrap_or_default(),
                    name.child_by_field_id(fid!("alias"))
                        .map(|x| self.text(x).to_string())
                        .unwrap_or_default(),
                ),
                _ => continue,
            };
            let qualified = if base.is_empty() {
                q
            } else {
                format!("{base}.{q}")
            };
            add(self, local, qualified);
        }
    }

    fn resolve_relative(&self, m: Node) -> String {
        let text = self.text(m);
        let dots = text.chars().take_while(|c| *c == '.').count();
        let rest = text[dots..].trim();
        let mut pkg = self.package.clone();
        for _ in 1..dots {
            pkg.pop();
        }
        if !rest.is_empty() {
            pkg.push(rest.to_string());
        }
        pkg.join(".")
    }

    // ---- statements -------------------------------------------------------------

    /// Index the statements that are children of `n` (a module or block).
    fn block_stmts(&mut self, n: Node, cx: Cx) {
        if cx.depth > MAX_DEPTH {
            self.ix.truncated = true;
            return;
        }
        let mut c = n.walk();
        let children: Vec<Node> = n.named_children(&mut c).collect();
        for s in children {
            self.stmt(s, cx.deeper());
        }
    }

    fn stmt(&mut self, n: Node, cx: Cx) {
        if cx.depth > MAX_DEPTH {
            self.ix.truncated = true;
            return;
        }
        if n.kind_fast() != "comment" {
            let span = self.span(n);
            self.ix.stmts.push(Stmt {
                kind: n.kind_fast().to_string(),
                span,
                scope: cx.scope,
                block: cx.block,
            });
        }
        match n.kind_fast() {
            "comment"
            | "pass_statement"
            | "break_statement"
            | "continue_statement"
            | "import_statement"
            | "import_from_statement"
            | "future_import_statement" => {
                if n.kind_fast().starts_with("import") {
                    for &i in self.imports_at.get(&n.start_byte()).into_iter().flatten() {
                        self.ix.imports[i].scope = cx.scope;
                    }
                }
            }
            "expression_statement" => {
                let mut c = n.walk();
                let kids: Vec<Node> = n.named_children(&mut c).collect();
                for e in kids {
                    match e.kind_fast() {
                        "assignment" | "augmented_assignment" => self.assignment(e, cx),
                        _ => {
                            let v = self.expr(e, cx);
                            if let Value::Call(id) = v {
                                self.ix.calls[id].usage = CallUse::Discarded;
                            }
                        }
                    }
                }
            }
            "return_statement" => {
                let value = n.named_child(0).map(|e| self.expr(e, cx));
                if let Some(Value::Call(id)) = value {
                    self.ix.calls[id].usage = CallUse::Returned;
                }
                let span = self.span(n);
                self.ix.returns.push(Return {
                    span,
                    scope: cx.scope,
                    block: cx.block,
                    value,
                    is_yield: false,
                });
            }
            "raise_statement" => {
                let bare = n.named_child(0).is_none();
                let mut c = n.walk();
                let kids: Vec<Node> = n.named_children(&mut c).collect();
                for e in kids {
                    self.expr(e, cx);
                }
                let span = self.span(n);
                self.ix.raises.push(Raise {
                    span,
                    scope: cx.scope,
                    block: cx.block,
                    bare,
                });
            }
            "delete_statement" => {
                let mut targets = vec![];
                let mut c = n.walk();
                let kids: Vec<Node> = n.named_children(&mut c).collect();
                for e in kids {
                    if e.kind_fast() == "expression_list" {
                        let mut c2 = e.walk();
                        let inner: Vec<Node> = e.named_children(&mut c2).collect();
                        for t in inner {
                            targets.push(self.target(t, cx));
                        }
                    } else {
                        targets.push(self.target(e, cx));
                    }
                }
                let span = self.span(n);
                self.ix.dels.push(Del {
                    span,
                    scope: cx.scope,
                    block: cx.block,
                    targets,
                });
            }
            "global_statement" | "nonlocal_statement" => {
                let mut c = n.walk();
                let names: Vec<String> = n
                    .named_children(&mut c)
                    .map(|i| self.text(i).to_string())
                    .collect();
                let scope = &mut self.ix.scopes[cx.scope];
                if n.kind_fast() == "global_statement" {
                    scope.globals.extend(names);
                } else {
                    scope.nonlocals.extend(names);
                }
            }
            "if_statement" => self.if_stmt(n, cx),
            "for_statement" => self.for_stmt(n, cx),
            "while_statement" => self.while_stmt(n, cx),
            "try_statement" => self.try_stmt(n, cx),
            "with_statement" => self.with_stmt(n, cx),
            "function_definition" => self.function(n, n, cx, vec![]),
            "class_definition" => self.class(n, n, cx, vec![]),
            "decorated_definition" => {
                let mut decorators = vec![];
                let mut c = n.walk();
                let kids: Vec<Node> = n.named_children(&mut c).collect();
                for d in kids.iter().filter(|d| d.kind_fast() == "decorator") {
                    if let Some(e) = d.named_child(0) {
                        decorators.push(self.decorator(e, *d, cx));
                    }
                }
                if let Some(def) = n.child_by_field_id(fid!("definition")) {
                    if def.kind_fast() == "class_definition" {
                        self.class(def, n, cx, decorators);
                    } else {
                        self.function(def, n, cx, decorators);
                    }
                }
            }
            "match_statement" => {
                if let Some(subject) = n.child_by_field_id(fid!("subject")) {
                    self.expr(subject, cx);
                }
                if let Some(body) = n.child_by_field_id(fid!("body")) {
                    let mut c = n.walk();
                    let _ = &mut c;
                    let mut c2 = body.walk();
                    let cases: Vec<Node> = body.named_children(&mut c2).collect();
                    for case in cases {
                        let bcx = self.push_block(BlockKind::Other, case, cx, 0);
                        if let Some(cb) = case.child_by_field_id(fid!("consequence")) {
                            self.block_stmts(cb, bcx);
                        }
                    }
                }
            }
            "block" => self.block_stmts(n, cx),
            "ERROR" => {
                // Recovery: analyse whatever statements tree-sitter found inside.
                let mut c = n.walk();
                let kids: Vec<Node> = n.named_children(&mut c).collect();
                for k in kids {
                    if k.kind_fast().ends_with("statement") || k.kind_fast().ends_with("definition")
                    {
                        self.stmt(k, cx.deeper());
                    }
                }
            }
            _ => {
                // assert, print, exec, type alias...: index the expressions inside.
                let mut c = n.walk();
                let kids: Vec<Node> = n.named_children(&mut c).collect();
                for k in kids {
                    if k.kind_fast().ends_with("statement") || k.kind_fast() == "block" {
                        self.stmt(k, cx.deeper());
                    } else {
                        self.expr(k, cx);
                    }
                }
            }
        }
    }

    fn decorator(&mut self, e: Node, d: Node, cx: Cx) -> Decorator {
        let span = self.span(d);
        let (callee_node, call) = if e.kind_fast() == "call" {
            let v = self.expr(e, cx);
            (
                e.child_by_field_id(fid!("function")).unwrap_or(e),
                if let Value::Call(id) = v {
                    Some(id)
                } else {
                    None
                },
            )
        } else {
            (e, None)
        };
        let text = self.text(callee_node).to_string();
        let qualified = self.resolve(&text, cx.scope);
        Decorator {
            span,
            text,
            qualified,
            call,
        }
    }

    fn assignment(&mut self, n: Node, cx: Cx) {
        let op = if n.kind_fast() == "augmented_assignment" {
            AssignOp::Augmented(
                n.child_by_field_id(fid!("operator"))
                    .map(|o| self.text(o).to_string())
                    .unwrap_or_default(),
            )
        } else if n.child_by_field_id(fid!("type")).is_some() {
            AssignOp::Annotated
        } else {
            AssignOp::Plain
        };
        let annotation = n
            .child_by_field_id(fid!("type"))
            .map(|t| self.text(t).to_string());
        // Chained assignment `a = b = f()`: the right side is itself an assignment.
        let mut targets = vec![];
        let mut cur = n;
        let value_node = loop {
            if let Some(l) = cur.child_by_field_id(fid!("left")) {
                self.targets_into(l, cx, &mut targets);
            }
            match cur.child_by_field_id(fid!("right")) {
                Some(r) if r.kind_fast() == "assignment" => cur = r,
                other => break other,
            }
        };
        let value = value_node.map(|v| self.expr(v, cx));
        if let Some(Value::Call(id)) = &value {
            self.ix.calls[*id].usage = CallUse::Assigned;
        }
        for t in &targets {
            if let Target::Name(name) = t {
                self.bind(cx.scope, name);
            }
        }
        let span = self.span(n);
        self.ix.assignments.push(Assignment {
            span,
            scope: cx.scope,
            block: cx.block,
            targets,
            value,
            op,
            annotation,
        });
    }

    fn targets_into(&mut self, n: Node, cx: Cx, out: &mut Vec<Target>) {
        match n.kind_fast() {
            "pattern_list" | "tuple_pattern" | "list_pattern" | "expression_list" | "tuple"
            | "list" => {
                if cx.depth > MAX_DEPTH {
                    self.ix.truncated = true;
                    return;
                }
                let mut c = n.walk();
                let kids: Vec<Node> = n.named_children(&mut c).collect();
                for k in kids {
                    self.targets_into(k, cx.deeper(), out);
                }
            }
            "list_splat_pattern" | "parenthesized_expression" => {
                if let Some(k) = n.named_child(0) {
                    self.targets_into(k, cx.deeper(), out);
                }
            }
            _ => {
                let t = self.target(n, cx);
                out.push(t);
            }
        }
    }

    fn target(&mut self, n: Node, cx: Cx) -> Target {
        match n.kind_fast() {
            "identifier" => Target::Name(self.text(n).to_string()),
            "attribute" => {
                // `self.x.y = v` reads `self` (and `self.x`): record the base load.
                if let Some(obj) = n.child_by_field_id(fid!("object")) {
                    self.expr(obj, cx);
                }
                match dotted(n, self.ix.source.as_bytes()) {
                    Some(p) => Target::Attr(p),
                    None => Target::Other(self.text(n).to_string()),
                }
            }
            "subscript" => {
                let base_node = n.child_by_field_id(fid!("value"));
                let base = base_node.and_then(|b| dotted(b, self.ix.source.as_bytes()));
                if let Some(b) = base_node {
                    self.expr(b, cx);
                }
                let key = n
                    .child_by_field_id(fid!("subscript"))
                    .map(|k| self.expr(k, cx))
                    .unwrap_or(Value::Other(String::new()));
                match base {
                    Some(base) => Target::Subscript { base, key },
                    None => Target::Other(self.text(n).to_string()),
                }
            }
            _ => {
                self.expr(n, cx);
                Target::Other(truncate(self.text(n)))
            }
        }
    }

    fn if_stmt(&mut self, n: Node, cx: Cx) {
        let if_id = self.ix.ifs.len();
        let cond = n.child_by_field_id(fid!("condition"));
        let test_span = cond.map(|c| self.span(c)).unwrap_or_else(|| self.span(n));
        let tests = cond.map(|c| self.tests(c)).unwrap_or_default();
        if let Some(c) = cond {
            self.expr(c, cx);
        }
        let body = n.child_by_field_id(fid!("consequence"));
        let body_span = body.map(|b| self.span(b)).unwrap_or_default();
        let span = self.span(n);
        self.ix.ifs.push(If {
            span,
            scope: cx.scope,
            block: cx.block,
            test_span,
            tests,
            body: body_span,
            else_body: None,
        });
        if let Some(b) = body {
            let bcx = self.push_block(BlockKind::If, b, cx, if_id);
            self.block_stmts(b, bcx);
        }
        // elif chains become nested ifs inside the else block, as Python defines them.
        let mut c = n.walk();
        let alts: Vec<Node> = n.children_by_field_name("alternative", &mut c).collect();
        if let Some(first) = alts.first() {
            let else_span = Span {
                end_byte: span.end_byte,
                end_line: span.end_line,
                end_column: span.end_column,
                ..self.span(*first)
            };
            self.ix.ifs[if_id].else_body = Some(else_span);
            self.ix.blocks.push(Block {
                kind: BlockKind::Else,
                span: else_span,
                scope: cx.scope,
                parent: cx.block,
                owner: if_id,
            });
            let ecx = Cx {
                block: Some(self.ix.blocks.len() - 1),
                ..cx.deeper()
            };
            self.alternatives(&alts, ecx);
        }
    }

    fn alternatives(&mut self, alts: &[Node], cx: Cx) {
        // Iterative over the elif chain so a long chain does not deepen recursion.
        let mut cx = cx;
        for a in alts {
            match a.kind_fast() {
                "elif_clause" => {
                    let if_id = self.ix.ifs.len();
                    let cond = a.child_by_field_id(fid!("condition"));
                    let test_span = cond.map(|c| self.span(c)).unwrap_or_else(|| self.span(*a));
                    let tests = cond.map(|c| self.tests(c)).unwrap_or_default();
                    if let Some(c) = cond {
                        self.expr(c, cx);
                    }
                    let body = a.child_by_field_id(fid!("consequence"));
                    let body_span = body.map(|b| self.span(b)).unwrap_or_default();
                    let span = self.span(*a);
                    self.ix.ifs.push(If {
                        span,
                        scope: cx.scope,
                        block: cx.block,
                        test_span,
                        tests,
                        body: body_span,
                        else_body: None,
                    });
                    if let Some(b) = body {
                        let bcx = self.push_block(BlockKind::If, b, cx, if_id);
                        self.block_stmts(b, bcx);
                    }
                    let else_span = self.span(*a);
                    self.ix.blocks.push(Block {
                        kind: BlockKind::Else,
                        span: else_span,
                        scope: cx.scope,
                        parent: cx.block,
                        owner: if_id,
                    });
                    cx = Cx {
                        block: Some(self.ix.blocks.len() - 1),
                        ..cx
                    };
                }
                "else_clause" => {
                    if let Some(b) = a.child_by_field_id(fid!("body")) {
                        self.block_stmts(b, cx);
                    }
                }
                _ => {}
            }
        }
    }

    /// Simple state tests in a condition: `x is None`, `not x`, `k in x`, joined by
    /// `and`/`or`.
    fn tests(&self, c: Node) -> Vec<Test> {
        let mut out = vec![];
        let mut stack = vec![c];
        while let Some(n) = stack.pop() {
            if out.len() > 16 {
                break;
            }
            match n.kind_fast() {
                "boolean_operator" => {
                    if let Some(l) = n.child_by_field_id(fid!("left")) {
                        stack.push(l);
                    }
                    if let Some(r) = n.child_by_field_id(fid!("right")) {
                        stack.push(r);
                    }
                }
                "parenthesized_expression" => {
                    if let Some(k) = n.named_child(0) {
                        stack.push(k);
                    }
                }
                "not_operator" => {
                    if let Some(arg) = n.child_by_field_id(fid!("argument")) {
                        if let Some(p) = dotted(arg, self.ix.source.as_bytes()) {
                            out.push(Test {
                                path: p,
                                kind: TestKind::Falsy,
                            });
                        }
                    }
                }
                "identifier" | "attribute" => {
                    if let Some(p) = dotted(n, self.ix.source.as_bytes()) {
                        out.push(Test {
                            path: p,
                            kind: TestKind::Truthy,
                        });
                    }
                }
                "comparison_operator" => {
                    let mut c = n.walk();
                    let operands: Vec<Node> = n.named_children(&mut c).collect();
                    let mut c2 = n.walk();
                    let ops: Vec<String> = n
                        .children_by_field_name("operators", &mut c2)
                        .map(|o| {
                            self.text(o)
                                .split_whitespace()
                                .collect::<Vec<_>>()
                                .join(" ")
                        })
                        .collect();
                    if operands.len() != 2 || ops.len() != 1 {
                        continue;
                    }
                    let (l, r) = (operands[0], operands[1]);
                    let lp = dotted(l, self.ix.source.as_bytes());
                    let rp = dotted(r, self.ix.source.as_bytes());
                    match ops[0].as_str() {
                        "is" | "==" if r.kind_fast() == "none" => {
                            if let Some(p) = lp {
                                out.push(Test {
                                    path: p,
                                    kind: TestKind::IsNone,
                                });
                            }
                        }
                        "is not" | "!=" if r.kind_fast() == "none" => {
                            if let Some(p) = lp {
                                out.push(Test {
                                    path: p,
                                    kind: TestKind::IsNotNone,
                                });
                            }
                        }
                        "in" | "not in" => {
                            if let Some(p) = rp {
                                let key = self.shallow(l);
                                let kind = if ops[0] == "in" {
                                    TestKind::Contains(key)
                                } else {
                                    TestKind::NotContains(key)
                                };
                                out.push(Test { path: p, kind });
                            }
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        out
    }

    fn for_stmt(&mut self, n: Node, cx: Cx) {
        let is_async = has_token(n, "async");
        let iter = n.child_by_field_id(fid!("right")).map(|r| self.expr(r, cx));
        let mut targets = vec![];
        if let Some(l) = n.child_by_field_id(fid!("left")) {
            let mut ts = vec![];
            self.targets_into(l, cx, &mut ts);
            for t in ts {
                if let Target::Name(name) = t {
                    self.bind(cx.scope, &name);
                    targets.push(name);
                }
            }
        }
        let body = n.child_by_field_id(fid!("body"));
        let span = self.span(n);
        if is_async {
            self.ix.awaits.push(Await {
                span,
                scope: cx.scope,
                block: cx.block,
                kind: AwaitKind::AsyncFor,
            });
        }
        let loop_id = self.ix.loops.len();
        let body_span = body.map(|b| self.span(b)).unwrap_or_default();
        self.ix.loops.push(Loop {
            span,
            scope: cx.scope,
            block: cx.block,
            kind: LoopKind::For,
            is_async,
            test: None,
            iter,
            targets,
            body: body_span,
            infinite: false,
        });
        if let Some(b) = body {
            let bcx = self.push_block(BlockKind::Loop, b, cx, loop_id);
            self.block_stmts(b, bcx);
        }
        if let Some(alt) = n
            .child_by_field_id(fid!("alternative"))
            .and_then(|a| a.child_by_field_id(fid!("body")))
        {
            self.block_stmts(alt, cx.deeper());
        }
    }

    fn while_stmt(&mut self, n: Node, cx: Cx) {
        let cond = n.child_by_field_id(fid!("condition"));
        let test = cond.map(|c| self.expr(c, cx));
        let infinite = matches!(test, Some(Value::Bool(true)))
            || matches!(&test, Some(Value::Num(x)) if x != "0");
        let body = n.child_by_field_id(fid!("body"));
        let span = self.span(n);
        let loop_id = self.ix.loops.len();
        let body_span = body.map(|b| self.span(b)).unwrap_or_default();
        self.ix.loops.push(Loop {
            span,
            scope: cx.scope,
            block: cx.block,
            kind: LoopKind::While,
            is_async: false,
            test,
            iter: None,
            targets: vec![],
            body: body_span,
            infinite,
        });
        if let Some(b) = body {
            let bcx = self.push_block(BlockKind::Loop, b, cx, loop_id);
            self.block_stmts(b, bcx);
        }
        if let Some(alt) = n
            .child_by_field_id(fid!("alternative"))
            .and_then(|a| a.child_by_field_id(fid!("body")))
        {
            self.block_stmts(alt, cx.deeper());
        }
    }

    fn try_stmt(&mut self, n: Node, cx: Cx) {
        let try_id = self.ix.tries.len();
        let span = self.span(n);
        let body = n.child_by_field_id(fid!("body"));
        let body_span = body.map(|b| self.span(b)).unwrap_or_default();
        self.ix.tries.push(Try {
            span,
            scope: cx.scope,
            block: cx.block,
            body: body_span,
            handlers: vec![],
            else_body: None,
            finally_body: None,
        });
        if let Some(b) = body {
            let bcx = self.push_block(BlockKind::TryBody, b, cx, try_id);
            self.block_stmts(b, bcx);
        }
        let mut c = n.walk();
        let clauses: Vec<Node> = n.named_children(&mut c).collect();
        for cl in clauses {
            match cl.kind_fast() {
                "except_clause" | "except_group_clause" => self.handler(cl, try_id, cx),
                "else_clause" => {
                    if let Some(b) = cl.child_by_field_id(fid!("body")) {
                        let sp = self.span(b);
                        self.ix.tries[try_id].else_body = Some(sp);
                        let bcx = self.push_block(BlockKind::TryElse, b, cx, try_id);
                        self.block_stmts(b, bcx);
                    }
                }
                "finally_clause" => {
                    if let Some(b) = first_of_kind(cl, "block") {
                        let sp = self.span(b);
                        self.ix.tries[try_id].finally_body = Some(sp);
                        let bcx = self.push_block(BlockKind::Finally, b, cx, try_id);
                        self.block_stmts(b, bcx);
                    }
                }
                _ => {}
            }
        }
    }

    fn handler(&mut self, cl: Node, try_id: usize, cx: Cx) {
        let span = self.span(cl);
        let is_star = has_token(cl, "*");
        let mut types = vec![];
        let mut name = None;
        // tree-sitter-python 0.25: `value` = the type expression, `alias` = the name.
        // Older layouts put `X as e` in an as_pattern: handle both.
        let mut value = cl.child_by_field_id(fid!("value"));
        if let Some(a) = cl.child_by_field_id(fid!("alias")) {
            name = Some(self.text(a).to_string());
        }
        if value.is_none() {
            value = {
                let mut c = cl.walk();
                let v = cl
                    .named_children(&mut c)
                    .find(|k| k.kind_fast() != "block" && k.kind_fast() != "comment");
                v
            };
        }
        if let Some(mut v) = value {
            if v.kind_fast() == "as_pattern" {
                if let Some(alias) = v.child_by_field_id(fid!("alias")) {
                    name = Some(self.text(alias).to_string());
                }
                if let Some(inner) = v.named_child(0) {
                    v = inner;
                }
            }
            if v.kind_fast() == "tuple" || v.kind_fast() == "parenthesized_expression" {
                let mut c = v.walk();
                for t in v.named_children(&mut c) {
                    types.push(self.text(t).to_string());
                }
            } else {
                types.push(self.text(v).to_string());
            }
        }
        if let Some(nm) = &name {
            self.bind(cx.scope, nm);
        }
        let types_qualified = types
            .iter()
            .map(|t| self.resolve(t, cx.scope).unwrap_or_else(|| t.clone()))
            .collect();
        let body = first_of_kind(cl, "block");
        let body_span = body.map(|b| self.span(b)).unwrap_or_default();
        let body_kinds = body
            .map(|b| {
                let mut c = b.walk();
                let v: Vec<String> = b
                    .named_children(&mut c)
                    .filter(|k| k.kind_fast() != "comment")
                    .map(|k| k.kind_fast().to_string())
                    .collect();
                v
            })
            .unwrap_or_default();
        let hid = self.ix.handlers.len();
        self.ix.handlers.push(Handler {
            span,
            scope: cx.scope,
            block: cx.block,
            try_id,
            types,
            types_qualified,
            is_star,
            name,
            body: body_span,
            exits: Exits::default(),
            body_kinds,
        });
        self.ix.tries[try_id].handlers.push(hid);
        if let Some(b) = body {
            let bcx = self.push_block(BlockKind::Handler, cl, cx, hid);
            self.block_stmts(b, bcx);
        }
    }

    fn with_stmt(&mut self, n: Node, cx: Cx) {
        let is_async = has_token(n, "async");
        let span = self.span(n);
        let mut items = vec![];
        if let Some(clause) = first_of_kind(n, "with_clause") {
            let mut c = clause.walk();
            let kids: Vec<Node> = clause.named_children(&mut c).collect();
            for item in kids.into_iter().filter(|k| k.kind_fast() == "with_item") {
                let Some(v) = item.child_by_field_id(fid!("value")) else {
                    continue;
                };
                let (expr, alias) = if v.kind_fast() == "as_pattern" {
                    let alias = v
                        .child_by_field_id(fid!("alias"))
                        .map(|a| self.text(a).trim().to_string());
                    (v.named_child(0).unwrap_or(v), alias)
                } else {
                    (v, None)
                };
                let value = self.expr(expr, cx);
                if let Value::Call(id) = value {
                    self.ix.calls[id].usage = CallUse::WithItem;
                }
                if let Some(a) = &alias {
                    self.bind(cx.scope, a);
                }
                let sp = self.span(item);
                items.push(WithItem {
                    value,
                    alias,
                    span: sp,
                });
            }
        }
        if is_async {
            self.ix.awaits.push(Await {
                span,
                scope: cx.scope,
                block: cx.block,
                kind: AwaitKind::AsyncWith,
            });
        }
        let body = n.child_by_field_id(fid!("body"));
        let body_span = body.map(|b| self.span(b)).unwrap_or_default();
        let wid = self.ix.withs.len();
        self.ix.withs.push(With {
            span,
            scope: cx.scope,
            block: cx.block,
            is_async,
            items,
            body: body_span,
            lock: None,
        });
        if let Some(b) = body {
            let bcx = self.push_block(BlockKind::With, b, cx, wid);
            self.block_stmts(b, bcx);
        }
    }

    fn new_scope(
        &mut self,
        kind: ScopeKind,
        name: String,
        def: Node,
        outer: Node,
        cx: Cx,
        decorators: Vec<Decorator>,
    ) -> ScopeId {
        let parent = &self.ix.scopes[cx.scope];
        let qualname = match (parent.kind, parent.qualname.is_empty()) {
            (ScopeKind::Module, _) | (_, true) => name.clone(),
            (ScopeKind::Class, _) => format!("{}.{}", parent.qualname, name),
            _ => format!("{}.<locals>.{}", parent.qualname, name),
        };
        let is_async = kind == ScopeKind::Function && has_token(def, "async");
        let span = self.span(outer);
        let name_span = def
            .child_by_field_id(fid!("name"))
            .map(|n| self.span(n))
            .unwrap_or_else(|| self.span(def));
        let body_span = def
            .child_by_field_id(fid!("body"))
            .map(|b| self.span(b))
            .unwrap_or_else(|| self.span(def));
        self.ix.scopes.push(Scope {
            kind,
            name,
            qualname,
            is_async,
            span,
            name_span,
            body_span,
            parent: Some(cx.scope),
            parent_block: cx.block,
            decorators,
            params: vec![],
            bases: vec![],
            globals: vec![],
            nonlocals: vec![],
            locals: vec![],
        });
        self.ix.scopes.len() - 1
    }

    fn function(&mut self, def: Node, outer: Node, cx: Cx, decorators: Vec<Decorator>) {
        let name = def
            .child_by_field_id(fid!("name"))
            .map(|n| self.text(n).to_string())
            .unwrap_or_default();
        self.bind(cx.scope, &name);
        let sid = self.new_scope(ScopeKind::Function, name, def, outer, cx, decorators);
        let fcx = Cx {
            scope: sid,
            block: None,
            depth: cx.depth + 1,
        };
        if let Some(p) = def.child_by_field_id(fid!("parameters")) {
            self.params(p, cx, sid);
        }
        if let Some(body) = def.child_by_field_id(fid!("body")) {
            self.block_stmts(body, fcx);
        }
    }

    fn params(&mut self, p: Node, outer_cx: Cx, sid: ScopeId) {
        let mut c = p.walk();
        let kids: Vec<Node> = p.named_children(&mut c).collect();
        for k in kids {
            let (name_node, ann, default) = match k.kind_fast() {
                "identifier" => (Some(k), None, None),
                "typed_parameter" => (k.named_child(0), k.child_by_field_id(fid!("type")), None),
                "default_parameter" => (
                    k.child_by_field_id(fid!("name")),
                    None,
                    k.child_by_field_id(fid!("value")),
                ),
                "typed_default_parameter" => (
                    k.child_by_field_id(fid!("name")),
                    k.child_by_field_id(fid!("type")),
                    k.child_by_field_id(fid!("value")),
                ),
                "list_splat_pattern" | "dictionary_splat_pattern" => (k.named_child(0), None, None),
                _ => (None, None, None),
            };
            let Some(nn) = name_node else { continue };
            let name = self.text(nn).trim_start_matches('*').to_string();
            let annotation = ann.map(|a| self.text(a).to_string());
            let annotation_qualified = ann
                .map(|a| self.annotation_names(a, sid))
                .unwrap_or_default();
            // Defaults are evaluated in the enclosing scope.
            let default = default.map(|d| self.expr(d, outer_cx));
            self.bind(sid, &name);
            self.ix.scopes[sid].params.push(Param {
                name,
                annotation,
                annotation_qualified,
                default,
            });
        }
    }

    /// Qualified names of the dotted names in an annotation (`Optional[httpx.Client]`
    /// gives `typing.Optional` and `httpx.Client`).
    fn annotation_names(&self, a: Node, scope: ScopeId) -> Vec<String> {
        let mut out = vec![];
        let mut stack = vec![a];
        let mut seen = 0;
        while let Some(n) = stack.pop() {
            seen += 1;
            if seen > 200 {
                break;
            }
            if n.kind_fast() == "identifier" || n.kind_fast() == "attribute" {
                if let Some(d) = dotted(n, self.ix.source.as_bytes()) {
                    out.push(self.resolve(&d, scope).unwrap_or(d));
                    continue;
                }
            }
            if n.kind_fast() == "string" {
                // "httpx.Client" forward references
                let t = self
                    .text(n)
                    .trim_matches(|c| c == '"' || c == '\'')
                    .to_string();
                out.push(self.resolve(&t, scope).unwrap_or(t));
                continue;
            }
            let mut c = n.walk();
            for k in n.named_children(&mut c) {
                stack.push(k);
            }
        }
        out
    }

    fn class(&mut self, def: Node, outer: Node, cx: Cx, decorators: Vec<Decorator>) {
        let name = def
            .child_by_field_id(fid!("name"))
            .map(|n| self.text(n).to_string())
            .unwrap_or_default();
        self.bind(cx.scope, &name);
        let mut bases = vec![];
        if let Some(sc) = def.child_by_field_id(fid!("superclasses")) {
            let mut c = sc.walk();
            let kids: Vec<Node> = sc.named_children(&mut c).collect();
            for b in kids {
                if b.kind_fast() == "keyword_argument" {
                    continue;
                }
                bases.push(self.expr(b, cx));
            }
        }
        let sid = self.new_scope(ScopeKind::Class, name, def, outer, cx, decorators);
        self.ix.scopes[sid].bases = bases;
        if let Some(body) = def.child_by_field_id(fid!("body")) {
            self.block_stmts(
                body,
                Cx {
                    scope: sid,
                    block: None,
                    depth: cx.depth + 1,
                },
            );
        }
    }

    // ---- expressions ------------------------------------------------------------

    /// A shallow summary of an expression, without recording facts.
    fn shallow(&self, n: Node) -> Value {
        match n.kind_fast() {
            "identifier" => Value::Name(self.text(n).to_string()),
            "attribute" => match dotted(n, self.ix.source.as_bytes()) {
                Some(p) => Value::Path(p),
                None => Value::Other(truncate(self.text(n))),
            },
            "string" if !has_interpolation(n) => Value::Str(string_value(self.text(n))),
            "integer" | "float" => Value::Num(self.text(n).to_string()),
            "none" => Value::None,
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::Other(truncate(self.text(n))),
        }
    }

    /// Index an expression (recording its calls, awaits, loads, lambdas and
    /// comprehensions) and return its summary.
    fn expr(&mut self, n: Node, cx: Cx) -> Value {
        if cx.depth > MAX_DEPTH {
            self.ix.truncated = true;
            return Value::Other(String::new());
        }
        let cx1 = cx.deeper();
        match n.kind_fast() {
            "identifier" => {
                let name = self.text(n).to_string();
                let span = self.span(n);
                self.ix.loads.push(NameLoad {
                    path: name.clone(),
                    name: name.clone(),
                    span,
                    scope: cx.scope,
                    block: cx.block,
                });
                Value::Name(name)
            }
            "attribute" => {
                if let Some(p) = dotted(n, self.ix.source.as_bytes()) {
                    let name = p.split('.').next().unwrap_or("").to_string();
                    let span = self.span(n);
                    self.ix.loads.push(NameLoad {
                        name,
                        path: p.clone(),
                        span,
                        scope: cx.scope,
                        block: cx.block,
                    });
                    Value::Path(p)
                } else {
                    if let Some(o) = n.child_by_field_id(fid!("object")) {
                        self.expr(o, cx1);
                    }
                    Value::Other(truncate(self.text(n)))
                }
            }
            "call" => Value::Call(self.call(n, cx)),
            "await" => {
                let span = self.span(n);
                self.ix.awaits.push(Await {
                    span,
                    scope: cx.scope,
                    block: cx.block,
                    kind: AwaitKind::Await,
                });
                let inner = self.expr_or_none(n.named_child(0), cx1);
                if let Value::Call(id) = inner {
                    self.ix.calls[id].awaited = true;
                    self.ix.calls[id].usage = CallUse::Awaited;
                }
                Value::Await(Box::new(inner))
            }
            "string" => {
                if has_interpolation(n) {
                    let mut fields = vec![];
                    let mut c = n.walk();
                    let kids: Vec<Node> = n.named_children(&mut c).collect();
                    for k in kids
                        .into_iter()
                        .filter(|k| k.kind_fast() == "interpolation")
                    {
                        if let Some(e) = k.child_by_field_id(fid!("expression")) {
                            fields.push(self.text(e).to_string());
                            self.expr(e, cx1);
                        }
                    }
                    Value::FString {
                        text: self.text(n).to_string(),
                        fields,
                    }
                } else {
                    Value::Str(string_value(self.text(n)))
                }
            }
            "concatenated_string" => {
                let mut fields = vec![];
                let mut c = n.walk();
                let kids: Vec<Node> = n.named_children(&mut c).collect();
                for k in kids {
                    if let Value::FString { fields: f, .. } = self.expr(k, cx1) {
                        fields.extend(f);
                    }
                }
                if fields.is_empty() {
                    Value::Str(string_value(self.text(n)))
                } else {
                    Value::FString {
                        text: self.text(n).to_string(),
                        fields,
                    }
                }
            }
            "integer" | "float" => Value::Num(self.text(n).to_string()),
            "none" => Value::None,
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "list" | "tuple" | "set" | "expression_list" => {
                let mut items = vec![];
                let mut c = n.walk();
                let kids: Vec<Node> = n.named_children(&mut c).collect();
                for k in kids.into_iter().filter(|k| k.kind_fast() != "comment") {
                    let v = self.expr(k, cx1);
                    if items.len() < 64 {
                        items.push(v);
                    }
                }
                match n.kind_fast() {
                    "list" => Value::List(items),
                    "set" => Value::Set(items),
                    _ => Value::Tuple(items),
                }
            }
            "dictionary" => {
                let mut items = vec![];
                let mut c = n.walk();
                let kids: Vec<Node> = n.named_children(&mut c).collect();
                for k in kids {
                    if k.kind_fast() == "pair" {
                        let key = self.expr_or_none(k.child_by_field_id(fid!("key")), cx1);
                        let val = self.expr_or_none(k.child_by_field_id(fid!("value")), cx1);
                        if items.len() < 64 {
                            items.push((key, val));
                        }
                    } else {
                        self.expr(k, cx1);
                    }
                }
                Value::Dict(items)
            }
            "parenthesized_expression" => match n.named_child(0) {
                Some(k) => self.expr(k, cx1),
                None => Value::Tuple(vec![]),
            },
            "subscript" => {
                let base = self.expr_or_none(n.child_by_field_id(fid!("value")), cx1);
                let key = self.expr_or_none(n.child_by_field_id(fid!("subscript")), cx1);
                Value::Subscript {
                    base: Box::new(base),
                    key: Box::new(key),
                }
            }
            "lambda" => {
                let sid = self.new_scope(ScopeKind::Lambda, "<lambda>".into(), n, n, cx, vec![]);
                if let Some(p) = n.child_by_field_id(fid!("parameters")) {
                    self.params(p, cx, sid);
                }
                if let Some(body) = n.child_by_field_id(fid!("body")) {
                    self.expr(
                        body,
                        Cx {
                            scope: sid,
                            block: None,
                            depth: cx.depth + 1,
                        },
                    );
                }
                Value::Lambda
            }
            "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression" => {
                // Deeper: the first iterable is indexed with this context, and
                // nested comprehensions must count towards MAX_DEPTH.
                self.comprehension(n, cx1);
                Value::Comprehension
            }
            "yield" => {
                let value = n.named_child(0).map(|e| self.expr(e, cx1));
                if let Some(Value::Call(id)) = value {
                    self.ix.calls[id].usage = CallUse::Yielded;
                }
                let span = self.span(n);
                self.ix.returns.push(Return {
                    span,
                    scope: cx.scope,
                    block: cx.block,
                    value,
                    is_yield: true,
                });
                Value::Other("yield".into())
            }
            "named_expression" => {
                let name = n
                    .child_by_field_id(fid!("name"))
                    .map(|x| self.text(x).to_string())
                    .unwrap_or_default();
                let value = n
                    .child_by_field_id(fid!("value"))
                    .map(|v| self.expr(v, cx1));
                if let Some(Value::Call(id)) = &value {
                    self.ix.calls[*id].usage = CallUse::Assigned;
                }
                self.bind(cx.scope, &name);
                let span = self.span(n);
                self.ix.assignments.push(Assignment {
                    span,
                    scope: cx.scope,
                    block: cx.block,
                    targets: vec![Target::Name(name.clone())],
                    value,
                    op: AssignOp::Walrus,
                    annotation: None,
                });
                Value::Name(name)
            }
            "binary_operator" => {
                let op = n
                    .child_by_field_id(fid!("operator"))
                    .map(|o| self.text(o).to_string())
                    .unwrap_or_default();
                let left = n
                    .child_by_field_id(fid!("left"))
                    .map(|l| self.shallow(l))
                    .unwrap_or(Value::None);
                let right = n
                    .child_by_field_id(fid!("right"))
                    .map(|r| self.shallow(r))
                    .unwrap_or(Value::None);
                let span = self.span(n);
                self.ix.binops.push(BinOp {
                    span,
                    scope: cx.scope,
                    block: cx.block,
                    op,
                    left,
                    right,
                });
                let mut c = n.walk();
                let kids: Vec<Node> = n.named_children(&mut c).collect();
                for k in kids {
                    self.expr(k, cx1);
                }
                Value::Other(truncate(self.text(n)))
            }
            "ERROR" => {
                let mut c = n.walk();
                let kids: Vec<Node> = n.named_children(&mut c).collect();
                for k in kids {
                    self.expr(k, cx1);
                }
                Value::Other(String::new())
            }
            _ => {
                let mut c = n.walk();
                let kids: Vec<Node> = n.named_children(&mut c).collect();
                for k in kids {
                    // Statements can appear under ERROR recovery; route them properly.
                    if k.kind_fast().ends_with("statement") || k.kind_fast() == "block" {
                        self.stmt(k, cx1);
                    } else {
                        self.expr(k, cx1);
                    }
                }
                Value::Other(truncate(self.text(n)))
            }
        }
    }

    /// [`Builder::expr`] of an optional node (`None` when the grammar left it out).
    fn expr_or_none(&mut self, n: Option<Node>, cx: Cx) -> Value {
        n.map(|x| self.expr(x, cx)).unwrap_or(Value::None)
    }

    fn comprehension(&mut self, n: Node, cx: Cx) {
        // The first iterable is evaluated outside the loop; everything else runs per item.
        let mut c = n.walk();
        let kids: Vec<Node> = n.named_children(&mut c).collect();
        let span = self.span(n);
        let loop_id = self.ix.loops.len();
        self.ix.loops.push(Loop {
            span,
            scope: cx.scope,
            block: cx.block,
            kind: LoopKind::Comprehension,
            is_async: false,
            test: None,
            iter: None,
            targets: vec![],
            body: span,
            infinite: false,
        });
        let lcx = self.push_block(BlockKind::Loop, n, cx, loop_id);
        let mut first = true;
        for k in kids.iter().filter(|k| k.kind_fast() == "for_in_clause") {
            if has_token(*k, "async") {
                self.ix.loops[loop_id].is_async = true;
            }
            if let Some(r) = k.child_by_field_id(fid!("right")) {
                let v = self.expr(r, if first { cx } else { lcx });
                if first {
                    self.ix.loops[loop_id].iter = Some(v);
                }
                first = false;
            }
            if let Some(l) = k.child_by_field_id(fid!("left")) {
                let mut ts = vec![];
                self.targets_into(l, lcx, &mut ts);
                for t in ts {
                    if let Target::Name(name) = t {
                        self.ix.loops[loop_id].targets.push(name);
                    }
                }
            }
        }
        for k in kids.iter().filter(|k| k.kind_fast() != "for_in_clause") {
            self.expr(*k, lcx);
        }
    }

    fn call(&mut self, n: Node, cx: Cx) -> CallId {
        let cx1 = cx.deeper();
        let id = self.ix.calls.len();
        let span = self.span(n);
        self.ix.calls.push(Call {
            span,
            scope: cx.scope,
            block: cx.block,
            callee: None,
            qualified: None,
            receiver: None,
            method: String::new(),
            args: vec![],
            usage: CallUse::Other,
            awaited: false,
        });
        self.call_ids.insert(n.id(), id);
        let func = n.child_by_field_id(fid!("function"));
        if let Some(f) = func {
            let callee = dotted(f, self.ix.source.as_bytes());
            let (receiver, method) = if f.kind_fast() == "attribute" {
                let recv = f
                    .child_by_field_id(fid!("object"))
                    .map(|o| self.expr(o, cx1));
                if let Some(Value::Call(rid)) = recv {
                    self.ix.calls[rid].usage = CallUse::Receiver;
                }
                (
                    recv,
                    f.child_by_field_id(fid!("attribute"))
                        .map(|a| self.text(a).to_string())
                        .unwrap_or_default(),
                )
            } else {
                let v = self.expr(f, cx1);
                let m = match &v {
                    Value::Name(n) => n.clone(),
                    _ => String::new(),
                };
                (None, m)
            };
            let qualified = callee.as_deref().and_then(|c| self.resolve(c, cx.scope));
            let call = &mut self.ix.calls[id];
            call.callee = callee;
            call.qualified = qualified;
            call.receiver = receiver;
            call.method = method;
        }
        if let Some(args) = n.child_by_field_id(fid!("arguments")) {
            let mut out = vec![];
            if args.kind_fast() == "generator_expression" {
                let v = self.expr(args, cx1);
                out.push(Arg {
                    keyword: None,
                    value: v,
                    star: false,
                    span: self.span(args),
                });
            } else {
                let mut c = args.walk();
                let kids: Vec<Node> = args.named_children(&mut c).collect();
                for a in kids {
                    let sp = self.span(a);
                    // (keyword, value node, star): `**kw` is keyword "**".
                    let (keyword, value, star) = match a.kind_fast() {
                        "keyword_argument" => (
                            a.child_by_field_id(fid!("name"))
                                .map(|x| self.text(x).to_string()),
                            a.child_by_field_id(fid!("value")),
                            false,
                        ),
                        "list_splat" => (None, a.named_child(0), true),
                        "dictionary_splat" => (Some("**".into()), a.named_child(0), true),
                        "comment" => continue,
                        _ => (None, Some(a), false),
                    };
                    let value = self.expr_or_none(value, cx1);
                    let arg = Arg {
                        keyword,
                        value,
                        star,
                        span: sp,
                    };
                    if let Value::Call(aid) = arg.value {
                        self.ix.calls[aid].usage = CallUse::Argument(id);
                    }
                    out.push(arg);
                }
            }
            self.ix.calls[id].args = out;
        }
        id
    }

    /// Resolves a dotted name through the imports visible from `scope`.
    fn resolve(&self, dotted_name: &str, scope: ScopeId) -> Option<String> {
        resolve_in(&self.ix, dotted_name, scope)
    }

    /// Derived facts computed once the whole module is known.
    fn finish(&mut self) {
        // Handler exits: raise/return/break/continue statements inside the handler
        // block (same scope).
        // The facts of each scope, so that each handler reads only its own scope's.
        let n_scopes = self.ix.scopes.len();
        let by_scope = |scopes: &mut dyn Iterator<Item = ScopeId>| {
            let mut out: Vec<Vec<usize>> = vec![vec![]; n_scopes];
            for (i, s) in scopes.enumerate() {
                out[s].push(i);
            }
            out
        };
        let (mut raises_of, mut returns_of, mut stmts_of) = if self.ix.handlers.is_empty() {
            (vec![], vec![], vec![])
        } else {
            (
                by_scope(&mut self.ix.raises.iter().map(|r| r.scope)),
                by_scope(&mut self.ix.returns.iter().map(|r| r.scope)),
                by_scope(&mut self.ix.stmts.iter().map(|s| s.scope)),
            )
        };
        // By start byte, so that each handler visits only what starts inside its
        // body (a scan of the scope's facts per handler was quadratic on modules
        // with thousands of top-level `try` statements).
        for ids in &mut raises_of {
            ids.sort_by_key(|&i| self.ix.raises[i].span.start_byte);
        }
        for ids in &mut returns_of {
            ids.sort_by_key(|&i| self.ix.returns[i].span.start_byte);
        }
        for ids in &mut stmts_of {
            ids.sort_by_key(|&i| self.ix.stmts[i].span.start_byte);
        }
        fn starting_in(ids: &[usize], start_of: impl Fn(usize) -> usize, body: Span) -> &[usize] {
            let first = ids.partition_point(|&i| start_of(i) < body.start_byte);
            let last = ids.partition_point(|&i| start_of(i) < body.end_byte);
            &ids[first..last.max(first)]
        }
        for hid in 0..self.ix.handlers.len() {
            let (scope, body) = (self.ix.handlers[hid].scope, self.ix.handlers[hid].body);
            let mut exits = Exits::default();
            let raises = starting_in(
                &raises_of[scope],
                |i| self.ix.raises[i].span.start_byte,
                body,
            );
            for r in raises.iter().map(|&i| &self.ix.raises[i]) {
                if r.scope == scope && body.contains(&r.span) {
                    exits.raises = true;
                }
            }
            let returns = starting_in(
                &returns_of[scope],
                |i| self.ix.returns[i].span.start_byte,
                body,
            );
            for r in returns.iter().map(|&i| &self.ix.returns[i]) {
                if r.scope == scope && !r.is_yield && body.contains(&r.span) {
                    exits.returns = true;
                }
            }
            let stmts = starting_in(&stmts_of[scope], |i| self.ix.stmts[i].span.start_byte, body);
            for s in stmts.iter().map(|&i| &self.ix.stmts[i]) {
                if s.scope == scope && body.contains(&s.span) {
                    match s.kind.as_str() {
                        "break_statement" => exits.breaks = true,
                        "continue_statement" => exits.continues = true,
                        _ => {}
                    }
                }
            }
            self.ix.handlers[hid].exits = exits;
        }
        let locks = self.ix.lock_paths();
        for w in &mut self.ix.withs {
            w.lock = w.items.iter().find_map(|i| {
                // `with lock:` / `async with self._lock:`; helper calls returning a
                // lock are not modelled.
                let p = i.value.path()?.to_string();
                let last = p.rsplit('.').next().unwrap_or(&p).to_ascii_lowercase();
                (locks.contains(&p) || last.contains("lock") || last.ends_with("mutex"))
                    .then_some(p)
            });
        }
    }
}

/// Resolves a dotted name (`h.AsyncClient`) through the imports visible from `scope`
/// to a qualified name (`httpx.AsyncClient`). Builtins resolve to themselves.
pub(crate) fn resolve_in(ix: &ModuleIndex, dotted_name: &str, scope: ScopeId) -> Option<String> {
    let mut parts = dotted_name.splitn(2, '.');
    let first = parts.next()?;
    let rest = parts.next();
    let qualify = |imp: &Import| match rest {
        Some(r) => format!("{}.{}", imp.qualified, r),
        None => imp.qualified.clone(),
    };
    let mut s = Some(scope);
    while let Some(sid) = s {
        let sc = &ix.scopes[sid];
        let key = (sid != 0).then_some(sc.body_span.start_byte);
        if let Some(imp) = ix
            .imports
            .iter()
            .rev()
            .find(|i| i.local == first && i.owner_body == key)
        {
            return Some(qualify(imp));
        }
        // A name bound in a function (parameter, assignment) shadows outer imports.
        if sid != 0 && sc.kind != ScopeKind::Class && sc.locals.iter().any(|l| l == first) {
            return None;
        }
        s = sc.parent;
    }
    // `import a.b` then `a.b.c()`: the longest imported dotted prefix.
    if let Some(imp) = ix
        .imports
        .iter()
        .filter(|i| {
            i.local.contains('.')
                && i.owner_body.is_none()
                && dotted_name.starts_with(&format!("{}.", i.local))
        })
        .max_by_key(|i| i.local.len())
    {
        return Some(format!(
            "{}{}",
            imp.qualified,
            &dotted_name[imp.local.len()..]
        ));
    }
    // (the scan of the module's locals last: it is the longest list)
    if rest.is_none()
        && BUILTINS.contains(&first)
        && !ix.scopes[0].locals.iter().any(|l| l == first)
    {
        return Some(first.to_string());
    }
    None
}

impl ModuleIndex {
    /// The innermost function/class/lambda scope whose span contains `span`.
    pub fn scope_of_span(&self, span: &Span) -> ScopeId {
        self.scopes
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, s)| s.body_span.contains(span))
            .max_by_key(|(_, s)| s.body_span.start_byte)
            .map(|(i, _)| i)
            .unwrap_or(0)
    }
}

/// `a.b.c` for identifier/attribute chains, iteratively; `None` when the chain is
/// rooted in anything else (a call, a subscript).
pub(crate) fn dotted(n: Node, src: &[u8]) -> Option<String> {
    let mut parts = vec![];
    let mut cur = n;
    loop {
        match cur.kind_fast() {
            "identifier" => {
                parts.push(cur.utf8_text(src).ok()?.to_string());
                break;
            }
            "attribute" => {
                parts.push(
                    cur.child_by_field_id(fid!("attribute"))?
                        .utf8_text(src)
                        .ok()?
                        .to_string(),
                );
                cur = cur.child_by_field_id(fid!("object"))?;
            }
            _ => return None,
        }
        if parts.len() > 32 {
            return None;
        }
    }
    parts.reverse();
    Some(parts.join("."))
}

fn has_token(n: Node, token: &str) -> bool {
    let mut c = n.walk();
    let found = n
        .children(&mut c)
        .take_while(|k| !k.is_named() || k.kind_fast() == "comment")
        .any(|k| k.kind_fast() == token);
    found
}

fn first_of_kind<'t>(n: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut c = n.walk();
    let found = n.named_children(&mut c).find(|k| k.kind_fast() == kind);
    found
}

fn has_interpolation(n: Node) -> bool {
    let mut c = n.walk();
    let found = n
        .named_children(&mut c)
        .any(|k| k.kind_fast() == "interpolation");
    found
}

/// The value of a plain string literal, without prefix and quotes.
fn string_value(text: &str) -> String {
    let t = text.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    for q in ["\"\"\"", "'''", "\"", "'"] {
        if t.len() >= 2 * q.len() && t.starts_with(q) && t.ends_with(q) {
            return t[q.len()..t.len() - q.len()].to_string();
        }
    }
    t.to_string()
}

fn truncate(s: &str) -> String {
    if s.len() <= 120 {
        s.to_string()
    } else {
        let mut end = 120;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", &s[..end])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the first pass collects, with or without pruning, as text.
    fn first_pass(source: &str, prune: bool) -> String {
        let tree = crate::python::parse::parse(source).expect("parse");
        let mut b = Builder {
            ix: ModuleIndex {
                source: source.to_string(),
                line_starts: std::iter::once(0)
                    .chain(source.match_indices('\n').map(|(i, _)| i + 1))
                    .collect(),
                ..Default::default()
            },
            package: vec![],
            call_ids: HashMap::new(),
            bound: vec![],
            imports_at: HashMap::new(),
        };
        b.collect_imports_and_errors(tree.root_node(), prune);
        format!(
            "{:?}\n{:?}\n{:?}",
            b.ix.comments, b.ix.imports, b.ix.syntax_errors
        )
    }

    fn assert_same(source: &str, what: &str) {
        assert_eq!(
            first_pass(source, true),
            first_pass(source, false),
            "{what}"
        );
    }

    fn python_files(root: &std::path::Path) -> Vec<std::path::PathBuf> {
        ignore::WalkBuilder::new(root)
            .standard_filters(false)
            .build()
            .map(|e| e.expect("walk").into_path())
            .filter(|p| p.extension().is_some_and(|e| e == "py"))
            .collect()
    }

    fn assert_same_in(root: &std::path::Path) -> usize {
        let files = python_files(root);
        for path in &files {
            let source = String::from_utf8_lossy(&std::fs::read(path).expect("read")).into_owned();
            assert_same(&source, &path.display().to_string());
        }
        files.len()
    }

    /// The same check on a real corpus: `AUDITBENCH_INDEX_CORPUS=DIR cargo test
    /// --release --lib pruned_first_pass_on_a_corpus -- --ignored`.
    #[test]
    #[ignore = "needs AUDITBENCH_INDEX_CORPUS"]
    fn pruned_first_pass_on_a_corpus() {
        let root = std::env::var("AUDITBENCH_INDEX_CORPUS").expect("AUDITBENCH_INDEX_CORPUS");
        let n = assert_same_in(std::path::Path::new(&root));
        eprintln!("{n} files: the pruned first pass equals the full walk");
    }

    #[test]
    fn pruned_first_pass_finds_what_the_full_walk_finds_in_the_fixtures() {
        let seen =
            assert_same_in(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"));
        assert!(seen > 60, "only {seen} fixture files");
    }

    #[test]
    fn pruned_first_pass_keeps_the_awkward_places() {
        for (what, src) in [
            ("import inside a function, a class, if/try/with/match", "def f():\n    import os\nclass C:\n    from a import b  # c\nif x:\n    import y\ntry:\n    import z\nexcept ImportError:  # no z\n    z = None\nwith a:\n    import q\nmatch v:\n    case 1:\n        import m\n"),
            ("comments inside expressions and brackets", "x = [\n    1,  # one\n    f(a,  # arg\n      b),\n]\ny = {'k': 2  # v\n}\n"),
            ("hash and import inside strings", "s = '# not a comment'\nt = \"import os\"\nu = f'{x}#'  # real\n"),
            ("syntax errors and missing nodes", "def f(:\n    import os\n    x = (1,\n# c\nclass\n"),
            ("import in an error region", "x = = 1\nimport os\nfrom . import (a,  # c\n    b)\n"),
            ("future import and relative imports", "from __future__ import annotations\nfrom ..pkg import mod as m\n"),
            ("decorators and lambdas", "@dec  # c\ndef g(x=lambda: 0):  # d\n    return x\n"),
        ] {
            assert_same(src, what);
            assert_ne!(first_pass(src, true), "[]\n[]\n[]", "{what}: nothing collected");
        }
    }
}
