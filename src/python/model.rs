//! The data model of the per-module semantic index.
//!
//! A [`ModuleIndex`] is a set of flat tables, one per kind of fact (scopes, blocks,
//! assignments, calls, `with` statements, `try` statements and their handlers, loops,
//! awaits, `if` tests, deletions, returns, name loads, comments). Rules read these
//! tables instead of walking the syntax tree, so they never recurse and never
//! re-resolve imports.
//!
//! Every fact carries:
//! - a [`Span`] (byte range, 1-based lines, 1-based character columns),
//! - the [`ScopeId`] of the scope it executes in (module, class body, function, or
//!   lambda; comprehensions belong to the enclosing scope but open a `Loop` block),
//! - the innermost [`BlockId`] that encloses it *within that scope* (`None` at the top
//!   level of the scope). Blocks form a parent chain ending at the scope boundary,
//!   so "is this call inside a `finally`?" or "inside a loop?" is a walk up a short
//!   list, see [`ModuleIndex::blocks_of`].
//!
//! Expressions are summarised as [`Value`]s: shallow descriptions (a name, a dotted
//! path such as `self._cache`, a call by id, a literal, a collection with its
//! elements) that are enough for the rules and bounded in size.
//!
//! Names are resolved through imports to qualified names: with `import httpx as h`,
//! the call `h.AsyncClient()` has `qualified == Some("httpx.AsyncClient")`; builtins
//! resolve to their own name (`open`), names that are neither imported nor builtins
//! stay unresolved (`None`).

use serde::Serialize;

pub type ScopeId = usize;
pub type BlockId = usize;
pub type CallId = usize;

/// A source range. Lines and columns are 1-based; columns count characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Span {
    pub start_byte: usize,
    pub end_byte: usize,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Span {
    pub fn contains(&self, other: &Span) -> bool {
        self.start_byte <= other.start_byte && other.end_byte <= self.end_byte
    }
    pub fn before(&self, other: &Span) -> bool {
        self.end_byte <= other.start_byte
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Class,
    Function,
    Lambda,
}

/// A decorator, e.g. `@functools.lru_cache(maxsize=None)` has text
/// `functools.lru_cache`, qualified `functools.lru_cache` and `call = Some(..)`.
#[derive(Debug, Clone)]
pub struct Decorator {
    pub span: Span,
    /// The decorator expression without its call arguments (`app.get`, `lru_cache`).
    pub text: String,
    pub qualified: Option<String>,
    /// The call when the decorator is called (`@app.get("/x")`).
    pub call: Option<CallId>,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    /// Annotation as written (`httpx.AsyncClient`, `Optional[Session]`).
    pub annotation: Option<String>,
    /// Qualified names of every dotted name found in the annotation.
    pub annotation_qualified: Vec<String>,
    pub default: Option<Value>,
}

/// A module, class body, function or lambda.
#[derive(Debug, Clone)]
pub struct Scope {
    pub kind: ScopeKind,
    /// `<module>`, the class or function name, or `<lambda>`.
    pub name: String,
    /// Dotted path inside the module: `Cache.get`, `handler.<locals>.inner`.
    pub qualname: String,
    pub is_async: bool,
    /// The whole definition (including decorators) or the whole module.
    pub span: Span,
    /// The span of the `def`/`class` header line's name: where a finding on the
    /// definition points.
    pub name_span: Span,
    /// The body only.
    pub body_span: Span,
    pub parent: Option<ScopeId>,
    /// Block of the parent scope in which this definition sits.
    pub parent_block: Option<BlockId>,
    pub decorators: Vec<Decorator>,
    pub params: Vec<Param>,
    /// Base classes as written and resolved (classes only).
    pub bases: Vec<Value>,
    /// Names declared `global` / `nonlocal` in this scope.
    pub globals: Vec<String>,
    pub nonlocals: Vec<String>,
    /// Names bound in this scope (assignment targets, parameters, loop targets,
    /// `with ... as`, imports, defs): used to decide whether a name in a function
    /// refers to a module global.
    pub locals: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// `for`/`while`/`async for` body, or a comprehension.
    Loop,
    TryBody,
    Handler,
    TryElse,
    Finally,
    With,
    If,
    Else,
    /// Any other compound body (`match` cases).
    Other,
}

#[derive(Debug, Clone)]
pub struct Block {
    pub kind: BlockKind,
    pub span: Span,
    pub scope: ScopeId,
    pub parent: Option<BlockId>,
    /// Index into the table that owns the block: loops for `Loop`, tries for the try
    /// kinds, handlers for `Handler`, withs for `With`, ifs for `If`/`Else`.
    pub owner: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A bare identifier.
    Name(String),
    /// A dotted attribute chain on a name: `self._cache`, `app.state.redis`.
    Path(String),
    Call(CallId),
    Str(String),
    /// An f-string or concatenation involving a string: the literal parts and the
    /// interpolated expressions as written.
    FString {
        text: String,
        fields: Vec<String>,
    },
    Num(String),
    None,
    Bool(bool),
    List(Vec<Value>),
    Tuple(Vec<Value>),
    Set(Vec<Value>),
    Dict(Vec<(Value, Value)>),
    Comprehension,
    Lambda,
    Await(Box<Value>),
    Subscript {
        base: Box<Value>,
        key: Box<Value>,
    },
    /// Anything else, as written (truncated).
    Other(String),
}

impl Value {
    /// The dotted path of a name or attribute chain.
    pub fn path(&self) -> Option<&str> {
        match self {
            Value::Name(n) | Value::Path(n) => Some(n),
            _ => None,
        }
    }
    pub fn is_constant(&self) -> bool {
        matches!(
            self,
            Value::Str(_) | Value::Num(_) | Value::None | Value::Bool(_)
        ) || matches!(self, Value::Tuple(items) if items.iter().all(Value::is_constant))
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Name(String),
    /// `self.x = ...`, `obj.attr = ...`: the full dotted path.
    Attr(String),
    /// `X[k] = ...`: the collection path and the key.
    Subscript {
        base: String,
        key: Value,
    },
    /// `X[k].attr = ...` or other targets we do not model.
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssignOp {
    Plain,
    Annotated,
    /// Augmented assignment with its operator (`+=`).
    Augmented(String),
    /// `:=`
    Walrus,
}

#[derive(Debug, Clone)]
pub struct Assignment {
    pub span: Span,
    pub scope: ScopeId,
    pub block: Option<BlockId>,
    pub targets: Vec<Target>,
    pub value: Option<Value>,
    pub op: AssignOp,
    pub annotation: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Arg {
    pub keyword: Option<String>,
    pub value: Value,
    /// `*args` / `**kwargs`
    pub star: bool,
    pub span: Span,
}

/// How the value of a call is used by the code around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallUse {
    /// An expression statement: the result is thrown away.
    Discarded,
    /// The value of an assignment (see the assignment table).
    Assigned,
    Returned,
    Yielded,
    /// `await f()`: see `awaited` for the direct await.
    Awaited,
    /// An argument of another call.
    Argument(CallId),
    /// A `with` item.
    WithItem,
    /// The receiver of a method call: `f().g()`.
    Receiver,
    Other,
}

#[derive(Debug, Clone)]
pub struct Call {
    pub span: Span,
    pub scope: ScopeId,
    pub block: Option<BlockId>,
    /// Callee as written, for a dotted callee (`self.client.get`, `h.AsyncClient`);
    /// `None` when the callee is itself a call or a subscript.
    pub callee: Option<String>,
    /// Callee resolved through imports (`httpx.AsyncClient`), or a builtin name.
    pub qualified: Option<String>,
    /// Receiver path of a method call (`self.client` for `self.client.get()`),
    /// or the receiver call (`Value::Call`) for chained calls.
    pub receiver: Option<Value>,
    /// Last attribute or the function name (`get`, `AsyncClient`, `open`).
    pub method: String,
    pub args: Vec<Arg>,
    pub usage: CallUse,
    /// Directly awaited (`await f()`).
    pub awaited: bool,
}

impl Call {
    pub fn keyword(&self, name: &str) -> Option<&Arg> {
        self.args
            .iter()
            .find(|a| a.keyword.as_deref() == Some(name))
    }
    pub fn positional(&self, i: usize) -> Option<&Arg> {
        self.args
            .iter()
            .filter(|a| a.keyword.is_none() && !a.star)
            .nth(i)
    }
    pub fn has_star_kwargs(&self) -> bool {
        // `**kwargs` is recorded with keyword `**` (`*args` has no keyword).
        self.args
            .iter()
            .any(|a| a.star && a.keyword.as_deref() == Some("**"))
    }
    /// The receiver's dotted path, if the receiver is a name or attribute chain.
    pub fn receiver_path(&self) -> Option<&str> {
        self.receiver.as_ref().and_then(Value::path)
    }
}

#[derive(Debug, Clone)]
pub struct WithItem {
    pub value: Value,
    pub alias: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct With {
    pub span: Span,
    pub scope: ScopeId,
    pub block: Option<BlockId>,
    pub is_async: bool,
    pub items: Vec<WithItem>,
    pub body: Span,
    /// The lock this statement holds, as a dotted path, when one of its items is a
    /// lock (see `ModuleIndex::lock_paths`).
    pub lock: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Try {
    pub span: Span,
    pub scope: ScopeId,
    pub block: Option<BlockId>,
    pub body: Span,
    pub handlers: Vec<usize>,
    pub else_body: Option<Span>,
    pub finally_body: Option<Span>,
}

/// How a statement list ends control flow, summarised for handlers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Exits {
    /// Contains a `raise` (bare or not) at any depth in the same scope.
    pub raises: bool,
    pub returns: bool,
    pub breaks: bool,
    pub continues: bool,
}

#[derive(Debug, Clone)]
pub struct Handler {
    pub span: Span,
    pub scope: ScopeId,
    pub block: Option<BlockId>,
    pub try_id: usize,
    /// Exception types as written / qualified. Empty for a bare `except:`.
    pub types: Vec<String>,
    pub types_qualified: Vec<String>,
    pub is_star: bool,
    pub name: Option<String>,
    pub body: Span,
    pub exits: Exits,
    /// Kinds (tree-sitter node kinds) of the handler body's top-level statements.
    pub body_kinds: Vec<String>,
}

impl Handler {
    pub fn is_bare(&self) -> bool {
        self.types.is_empty()
    }
    pub fn catches(&self, qualified: &str) -> bool {
        self.types_qualified.iter().any(|t| t == qualified)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopKind {
    While,
    For,
    Comprehension,
}

#[derive(Debug, Clone)]
pub struct Loop {
    pub span: Span,
    pub scope: ScopeId,
    pub block: Option<BlockId>,
    pub kind: LoopKind,
    pub is_async: bool,
    /// `while` condition.
    pub test: Option<Value>,
    /// `for` iterable.
    pub iter: Option<Value>,
    pub targets: Vec<String>,
    pub body: Span,
    /// `while True:` / `while 1:`.
    pub infinite: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwaitKind {
    Await,
    AsyncWith,
    AsyncFor,
}

/// A point where a coroutine may yield to the event loop.
#[derive(Debug, Clone)]
pub struct Await {
    pub span: Span,
    pub scope: ScopeId,
    pub block: Option<BlockId>,
    pub kind: AwaitKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TestKind {
    IsNone,
    IsNotNone,
    /// `not x`
    Falsy,
    /// `x`
    Truthy,
    /// `k in x` with the key
    Contains(Value),
    NotContains(Value),
}

#[derive(Debug, Clone)]
pub struct Test {
    /// Path of the tested state (`self._client`, `_db_config`, `cls._instance`).
    pub path: String,
    pub kind: TestKind,
}

#[derive(Debug, Clone)]
pub struct If {
    pub span: Span,
    pub scope: ScopeId,
    pub block: Option<BlockId>,
    /// The condition's span (the `if` line).
    pub test_span: Span,
    /// The simple tests in the condition (joined by `and`/`or` or alone).
    pub tests: Vec<Test>,
    pub body: Span,
    pub else_body: Option<Span>,
}

#[derive(Debug, Clone)]
pub struct Del {
    pub span: Span,
    pub scope: ScopeId,
    pub block: Option<BlockId>,
    pub targets: Vec<Target>,
}

#[derive(Debug, Clone)]
pub struct Return {
    pub span: Span,
    pub scope: ScopeId,
    pub block: Option<BlockId>,
    pub value: Option<Value>,
    pub is_yield: bool,
}

#[derive(Debug, Clone)]
pub struct Raise {
    pub span: Span,
    pub scope: ScopeId,
    pub block: Option<BlockId>,
    pub bare: bool,
}

/// An identifier read (load context), including the base of attribute chains.
#[derive(Debug, Clone)]
pub struct NameLoad {
    pub name: String,
    /// The longest dotted path the identifier starts (`self.client` for
    /// `self.client.get()`), or the name itself.
    pub path: String,
    pub span: Span,
    pub scope: ScopeId,
    pub block: Option<BlockId>,
}

/// A statement, for cutting snippets at statement boundaries and ordering.
#[derive(Debug, Clone)]
pub struct Stmt {
    pub kind: String,
    pub span: Span,
    pub scope: ScopeId,
    pub block: Option<BlockId>,
}

#[derive(Debug, Clone)]
pub struct Import {
    /// The local name bound.
    pub local: String,
    /// What it refers to (`httpx`, `httpx.AsyncClient`, `redis.asyncio`).
    pub qualified: String,
    /// Scope the import statement runs in.
    pub scope: ScopeId,
    pub span: Span,
    /// Start byte of the body of the function holding a function-level import
    /// (`None` at module or class level): the key name resolution uses while the
    /// scopes are still being built.
    pub owner_body: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Comment {
    pub line: usize,
    pub text: String,
}

/// A binary operator expression (`2 ** attempt`, `"?key=" + api_key`). The operands
/// are shallow summaries (names, paths, literals; anything else as `Other`).
#[derive(Debug, Clone)]
pub struct BinOp {
    pub span: Span,
    pub scope: ScopeId,
    pub block: Option<BlockId>,
    /// The operator as written (`**`, `+`, `<<`, `%`).
    pub op: String,
    pub left: Value,
    pub right: Value,
}
