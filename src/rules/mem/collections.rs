//! Shared analysis of the MEM family: which mutable collections a module keeps
//! alive (module-level, on instances, as class attributes), where functions grow
//! them, where anything shrinks them, and whether they escape to code we cannot
//! see. MEM001, MEM002 and MEM005 read the result.

use crate::python::{AssignOp, Call, ModuleIndex, ScopeId, ScopeKind, Span, Target, Value};

/// Where a collection lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// A module-level name.
    Module,
    /// `self.X = ...` in a method of the class.
    Instance(ScopeId),
    /// `X = {}` in the class body: shared by every instance.
    ClassAttr(ScopeId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CollKind {
    Dict,
    DefaultDict,
    OrderedDict,
    Counter,
    List,
    Set,
    Deque,
}

impl CollKind {
    pub fn describe(self) -> &'static str {
        match self {
            CollKind::Dict => "dict",
            CollKind::DefaultDict => "defaultdict",
            CollKind::OrderedDict => "OrderedDict",
            CollKind::Counter => "Counter",
            CollKind::List => "list",
            CollKind::Set => "set",
            CollKind::Deque => "deque",
        }
    }
    pub fn is_mapping(self) -> bool {
        matches!(
            self,
            CollKind::Dict | CollKind::DefaultDict | CollKind::OrderedDict | CollKind::Counter
        )
    }
}

/// A place where a function adds to the collection.
#[derive(Debug, Clone)]
pub struct Growth {
    pub span: Span,
    pub scope: ScopeId,
    /// `X[k] = v` (as opposed to `append`/`add`/... calls).
    pub set_item: bool,
    /// The call for method growth (`X.add(v)`), to rewrite it in fixes.
    pub call: Option<usize>,
    /// The assignment for `X[k] = v` growth.
    pub assign: Option<usize>,
}

/// A place where something removes entries (or replaces the collection).
#[derive(Debug, Clone)]
pub struct Shrink {
    pub span: Span,
    pub scope: ScopeId,
    /// Removes one known key only (`del X[k]`, `X.pop(k)`), as opposed to purging
    /// (`clear`, `popitem`, reassignment, iteration-driven deletes).
    pub keyed: bool,
}

#[derive(Debug, Clone)]
pub struct Collection {
    /// The module name or the attribute name (`_cache`).
    pub name: String,
    /// How the code spells it at the definition (`_cache`, `self._cache`).
    pub display: String,
    pub owner: Owner,
    pub kind: CollKind,
    /// Index of the defining assignment.
    pub init: usize,
    /// Runtime growth sites with non-constant keys.
    pub growth: Vec<Growth>,
    pub shrinks: Vec<Shrink>,
    /// Passed to a call, returned, aliased or stored elsewhere: code we cannot see
    /// may shrink it.
    pub escapes: bool,
    /// `len(X)` is tested in an `if`/`while` condition: the size is probably bounded.
    pub len_guard: bool,
    /// Something iterates over the entries (`for k in X`, `X.items()`, ...).
    pub iterated: bool,
}

const GROW_METHODS: &[&str] = &[
    "append",
    "add",
    "update",
    "setdefault",
    "extend",
    "insert",
    "appendleft",
    "extendleft",
];

const SHRINK_METHODS: &[&str] = &["pop", "popitem", "clear", "remove", "discard", "popleft"];

const ITER_METHODS: &[&str] = &["items", "keys", "values", "copy"];

/// Builtins and helpers that only read a collection passed to them.
const READ_ONLY_CALLS: &[&str] = &[
    "len",
    "list",
    "tuple",
    "set",
    "frozenset",
    "dict",
    "sorted",
    "reversed",
    "iter",
    "enumerate",
    "any",
    "all",
    "sum",
    "min",
    "max",
    "print",
    "repr",
    "str",
    "bool",
    "isinstance",
    "zip",
    "map",
    "filter",
    "hash",
    "id",
    "json.dumps",
    "copy.copy",
    "copy.deepcopy",
];

/// Methods that run once per class or instance construction.
const CONSTRUCTION_METHODS: &[&str] = &["__init__", "__post_init__", "__new__"];
/// Hooks that run once per class definition (import time).
const CLASS_DEFINITION_HOOKS: &[&str] = &["__init_subclass__", "__set_name__", "__class_getitem__"];

/// Collection constructor of a value, if it builds an unbounded collection.
fn unbounded_kind(ix: &ModuleIndex, v: &Value) -> Option<CollKind> {
    match v {
        Value::Dict(_) => Some(CollKind::Dict),
        Value::List(_) => Some(CollKind::List),
        Value::Set(_) => Some(CollKind::Set),
        Value::Call(_) => {
            let call = ix.call_value(v)?;
            let q = call.qualified.as_deref()?;
            match q {
                "dict" => Some(CollKind::Dict),
                "list" => Some(CollKind::List),
                "set" => Some(CollKind::Set),
                "collections.defaultdict" => Some(CollKind::DefaultDict),
                "collections.OrderedDict" => Some(CollKind::OrderedDict),
                "collections.Counter" => Some(CollKind::Counter),
                "collections.deque" => {
                    let maxlen = call
                        .keyword("maxlen")
                        .map(|a| &a.value)
                        .or_else(|| call.positional(1).map(|a| &a.value));
                    match maxlen {
                        None | Some(Value::None) => Some(CollKind::Deque),
                        Some(_) => None,
                    }
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// A key that can take only one value: a literal, an UPPER_CASE constant, an enum
/// member (`Status.OK`).
pub fn constant_key(v: &Value) -> bool {
    let caps = |s: &str| {
        s.chars().any(|c| c.is_ascii_uppercase())
            && s.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    };
    match v {
        Value::Name(n) => caps(n),
        Value::Path(p) => caps(p.rsplit('.').next().unwrap_or(p)),
        Value::Tuple(items) => items.iter().all(constant_key),
        _ => v.is_constant(),
    }
}

fn is_slice(v: &Value) -> bool {
    matches!(v, Value::Other(t) if t.contains(':'))
}

fn mentions(v: &Value, pred: &dyn Fn(&str) -> bool) -> bool {
    match v {
        Value::Name(n) | Value::Path(n) => pred(n),
        Value::List(items) | Value::Tuple(items) | Value::Set(items) => {
            items.iter().any(|i| mentions(i, pred))
        }
        Value::Dict(items) => items
            .iter()
            .any(|(k, v)| mentions(k, pred) || mentions(v, pred)),
        _ => false,
    }
}

impl Collection {
    /// Whether `path`, used in `scope`, is this collection.
    pub fn is_ref(&self, ix: &ModuleIndex, path: &str, scope: ScopeId) -> bool {
        match self.owner {
            Owner::Module => path == self.name && ix.refers_to_global(&self.name, scope),
            Owner::Instance(class) | Owner::ClassAttr(class) => {
                let Some((base, attr)) = path.rsplit_once('.') else {
                    return false;
                };
                if attr != self.name || base.contains('.') {
                    return false;
                }
                if ix.enclosing_class(scope) != Some(class) {
                    return false;
                }
                base == "self"
                    || base == "cls"
                    || base == ix.scopes[class].name
                    || self_name(ix, scope).as_deref() == Some(base)
            }
        }
    }

    /// Looser than [`Collection::is_ref`], for evidence of shrinking: for attributes,
    /// `anything.X` anywhere in the module (a subclass, a shutdown hook, a test).
    fn is_ref_loose(&self, ix: &ModuleIndex, path: &str, scope: ScopeId) -> bool {
        match self.owner {
            Owner::Module => self.is_ref(ix, path, scope),
            Owner::Instance(class) | Owner::ClassAttr(class) => {
                let Some((base, attr)) = path.rsplit_once('.') else {
                    return false;
                };
                if attr != self.name {
                    return false;
                }
                let own = base == "self"
                    || base == "cls"
                    || self_name(ix, scope).as_deref() == Some(base);
                if !own {
                    // `monitor._states.clear()`, `Cls._cache.clear()`: some other code
                    // manages it.
                    return true;
                }
                ix.enclosing_class(scope)
                    .is_some_and(|k| is_subclass(ix, k, class, 0))
            }
        }
    }

    /// `X[k] = ...` growth sites (the keyed ones).
    pub fn keyed_growth(&self) -> impl Iterator<Item = &Growth> {
        self.growth.iter().filter(|g| g.set_item)
    }

    /// Purging shrinks (anything but a delete by one key).
    pub fn purges(&self) -> bool {
        self.shrinks.iter().any(|s| !s.keyed)
    }
}

/// Whether class `k` is `class` or derives from it (through classes of the module).
fn is_subclass(ix: &ModuleIndex, k: ScopeId, class: ScopeId, depth: usize) -> bool {
    if k == class {
        return true;
    }
    if depth > 8 {
        return false;
    }
    ix.scopes[k].bases.iter().filter_map(Value::path).any(|b| {
        ix.scopes.iter().enumerate().any(|(i, s)| {
            s.kind == ScopeKind::Class && s.name == b && is_subclass(ix, i, class, depth + 1)
        })
    })
}

/// The name of the first parameter of the method enclosing `scope`.
fn self_name(ix: &ModuleIndex, scope: ScopeId) -> Option<String> {
    let mut cur = Some(scope);
    while let Some(s) = cur {
        if ix.class_of(s).is_some() && ix.scopes[s].kind == ScopeKind::Function {
            return ix.scopes[s].params.first().map(|p| p.name.clone());
        }
        cur = ix.scopes[s].parent;
    }
    None
}

/// The method of `class` that `scope` is or is nested in.
pub fn method_of(ix: &ModuleIndex, scope: ScopeId) -> Option<ScopeId> {
    let mut cur = Some(scope);
    while let Some(s) = cur {
        if ix.class_of(s).is_some() && ix.scopes[s].kind == ScopeKind::Function {
            return Some(s);
        }
        cur = ix.scopes[s].parent;
    }
    None
}

fn is_function(ix: &ModuleIndex, scope: ScopeId) -> bool {
    matches!(
        ix.scopes[scope].kind,
        ScopeKind::Function | ScopeKind::Lambda
    )
}

/// Whether code in `scope` runs only at import time or once per registration:
/// registration decorators (functions returning their own parameter), functions
/// named `register*`, class-definition hooks, and module-level functions that are
/// only ever called from the module's top level or used as decorators.
fn import_time_only(ix: &ModuleIndex, scope: ScopeId) -> bool {
    let mut cur = Some(scope);
    let mut outermost_fn = None;
    while let Some(s) = cur {
        let sc = &ix.scopes[s];
        if sc.kind == ScopeKind::Function {
            let name = sc.name.trim_start_matches('_');
            if name.starts_with("register")
                || matches!(name, "subscribe" | "add_listener" | "add_handler" | "on")
                || CLASS_DEFINITION_HOOKS.contains(&sc.name.as_str())
            {
                return true;
            }
            // A decorator: returns one of its own parameters.
            if ix.returns.iter().any(|r| {
                r.scope == s
                    && !r.is_yield
                    && matches!(&r.value, Some(Value::Name(n)) if sc.params.iter().any(|p| &p.name == n))
            }) {
                return true;
            }
            if sc.parent == Some(0) {
                outermost_fn = Some(s);
            }
        }
        cur = sc.parent;
    }
    let Some(f) = outermost_fn else {
        return false;
    };
    let name = &ix.scopes[f].name;
    let decorates = ix
        .scopes
        .iter()
        .any(|s| s.decorators.iter().any(|d| &d.text == name));
    if decorates {
        return true;
    }
    // Every reference is a direct call at module level.
    let loads: Vec<_> = ix
        .loads
        .iter()
        .filter(|l| &l.name == name && ix.refers_to_global(name, l.scope))
        .collect();
    !loads.is_empty()
        && loads.iter().all(|l| {
            l.scope == 0
                && l.path == *name
                && ix.calls.iter().any(|c| {
                    c.scope == 0
                        && c.callee.as_deref() == Some(name.as_str())
                        && c.span.start_byte == l.span.start_byte
                })
        })
}

/// Whether a call's arguments add only constant keys (`stats.update({"a": 1})`,
/// `seen.add("x")`, `d.setdefault("k", [])`).
fn constant_growth(call: &Call, kind: CollKind) -> bool {
    match call.method.as_str() {
        "update" => call.args.iter().all(|a| {
            (a.keyword.is_some() && !a.star)
                || matches!(&a.value, Value::Dict(items) if items.iter().all(|(k, _)| constant_key(k)))
        }),
        "setdefault" => call.positional(0).is_some_and(|a| constant_key(&a.value)),
        "add" if kind == CollKind::Set => call.positional(0).is_some_and(|a| constant_key(&a.value)),
        _ => false,
    }
}

/// Every tracked collection of the module, with its growth and shrink sites.
/// Computed once per module (MEM001, MEM002 and MEM005 share it).
pub fn collections(ix: &ModuleIndex) -> &[Collection] {
    ix.cache
        .mem_collections
        .get_or_init(|| compute_collections(ix))
}

fn compute_collections(ix: &ModuleIndex) -> Vec<Collection> {
    let mut out: Vec<Collection> = vec![];
    for (ai, a) in ix.assignments.iter().enumerate() {
        if a.op == AssignOp::Walrus || a.targets.len() != 1 {
            continue;
        }
        let Some(kind) = a.value.as_ref().and_then(|v| unbounded_kind(ix, v)) else {
            continue;
        };
        let sc = &ix.scopes[a.scope];
        let (name, owner, display) = match (&a.targets[0], sc.kind) {
            (Target::Name(n), ScopeKind::Module) => (n.clone(), Owner::Module, n.clone()),
            (Target::Name(n), ScopeKind::Class) => {
                // Annotated class attributes are fields (dataclass, pydantic), except
                // `ClassVar`.
                if a.annotation
                    .as_deref()
                    .is_some_and(|t| !t.contains("ClassVar"))
                {
                    continue;
                }
                (n.clone(), Owner::ClassAttr(a.scope), n.clone())
            }
            (Target::Attr(p), ScopeKind::Function) => {
                let Some(class) = ix.class_of(a.scope) else {
                    continue;
                };
                let Some((base, attr)) = p.split_once('.') else {
                    continue;
                };
                if attr.contains('.') || sc.params.first().map(|p| p.name.as_str()) != Some(base) {
                    continue;
                }
                if ix.has_decorator(a.scope, &["staticmethod", "classmethod"]) {
                    continue;
                }
                (attr.to_string(), Owner::Instance(class), p.clone())
            }
            _ => continue,
        };
        if out
            .iter()
            .any(|c| c.name == name && same_owner(c.owner, owner))
        {
            continue;
        }
        out.push(Collection {
            name,
            display,
            owner,
            kind,
            init: ai,
            growth: vec![],
            shrinks: vec![],
            escapes: false,
            len_guard: false,
            iterated: false,
        });
    }
    for c in &mut out {
        analyse(ix, c);
    }
    out
}

fn same_owner(a: Owner, b: Owner) -> bool {
    match (a, b) {
        (Owner::Module, Owner::Module) => true,
        (Owner::Instance(x) | Owner::ClassAttr(x), Owner::Instance(y) | Owner::ClassAttr(y)) => {
            x == y
        }
        _ => false,
    }
}

fn analyse(ix: &ModuleIndex, c: &mut Collection) {
    // `self.X = []` in a runtime method that first reads `self.X` (writes its
    // entries out, then starts afresh): a flush-and-reset, not the definition.
    if let Owner::Instance(class) = c.owner {
        let a = &ix.assignments[c.init];
        let in_construction = method_of(ix, a.scope)
            .is_some_and(|m| CONSTRUCTION_METHODS.contains(&ix.scopes[m].name.as_str()));
        let prefix = format!("{}.", c.display);
        let reads_in = |scope: ScopeId, before: Option<usize>| {
            ix.loads.iter().any(|l| {
                l.scope == scope
                    && before.is_none_or(|b| l.span.start_byte < b)
                    && (l.path == c.display || l.path.starts_with(&prefix))
                    // `if self.X is None: self.X = []` is a lazy definition.
                    && !in_condition(ix, &l.span)
            })
        };
        // ... directly, or through a helper method it calls first
        // (`self._writeout_output_cache(conn)`).
        let self_prefix = prefix.split('.').next().unwrap_or("self").to_string() + ".";
        let reads_via_helper = ix.calls.iter().any(|call| {
            call.scope == a.scope
                && call.span.start_byte < a.span.start_byte
                && call.callee.as_deref().is_some_and(|callee| {
                    callee.strip_prefix(&self_prefix).is_some_and(|m| {
                        !m.contains('.')
                            && ix.scopes.iter().enumerate().any(|(sid, sc)| {
                                sc.kind == ScopeKind::Function
                                    && sc.parent == Some(class)
                                    && sc.name == m
                                    && reads_in(sid, None)
                            })
                    })
                })
        });
        if !in_construction && (reads_in(a.scope, Some(a.span.start_byte)) || reads_via_helper) {
            c.shrinks.push(Shrink {
                span: a.span,
                scope: a.scope,
                keyed: false,
            });
        }
    }
    // Runtime code: functions, minus construction (for instance collections) and
    // import-time-only code.
    let runtime = |scope: ScopeId| -> bool {
        if !is_function(ix, scope) || import_time_only(ix, scope) {
            return false;
        }
        if let Owner::Instance(_) = c.owner {
            if let Some(m) = method_of(ix, scope) {
                if CONSTRUCTION_METHODS.contains(&ix.scopes[m].name.as_str()) {
                    return false;
                }
            }
        }
        true
    };

    for (ai, a) in ix.assignments.iter().enumerate() {
        for t in &a.targets {
            match t {
                Target::Subscript { base, key } if c.is_ref(ix, base, a.scope) => {
                    if is_slice(key) {
                        c.shrinks.push(Shrink {
                            span: a.span,
                            scope: a.scope,
                            keyed: false,
                        });
                        continue;
                    }
                    let grows = match &a.op {
                        AssignOp::Plain | AssignOp::Annotated => true,
                        AssignOp::Augmented(_) => {
                            matches!(c.kind, CollKind::DefaultDict | CollKind::Counter)
                        }
                        AssignOp::Walrus => false,
                    };
                    if grows && !constant_key(key) && runtime(a.scope) {
                        c.growth.push(Growth {
                            span: a.span,
                            scope: a.scope,
                            set_item: true,
                            call: None,
                            assign: Some(ai),
                        });
                    }
                }
                Target::Name(n)
                    if ai != c.init
                        && a.value.is_some()
                        && c.owner == Owner::Module
                        && n == &c.name =>
                {
                    if a.scope == 0 || ix.refers_to_global(n, a.scope) && is_function(ix, a.scope) {
                        c.shrinks.push(Shrink {
                            span: a.span,
                            scope: a.scope,
                            keyed: false,
                        });
                    }
                }
                Target::Name(n)
                    if ai != c.init
                        && matches!(c.owner, Owner::ClassAttr(k) if k == a.scope)
                        && n == &c.name =>
                {
                    c.shrinks.push(Shrink {
                        span: a.span,
                        scope: a.scope,
                        keyed: false,
                    });
                }
                Target::Attr(p)
                    if ai != c.init
                        && c.owner != Owner::Module
                        && c.is_ref_loose(ix, p, a.scope) =>
                {
                    c.shrinks.push(Shrink {
                        span: a.span,
                        scope: a.scope,
                        keyed: false,
                    });
                }
                _ => {}
            }
        }
        // Aliasing: `x = X`, `registry = {"a": X}`.
        if let Some(v) = &a.value {
            if mentions(v, &|p| c.is_ref(ix, p, a.scope)) {
                c.escapes = true;
            }
        }
    }

    for d in &ix.dels {
        for t in &d.targets {
            let (path, keyed) = match t {
                Target::Subscript { base, key } => (base.as_str(), !is_slice(key)),
                Target::Name(n) | Target::Attr(n) => (n.as_str(), false),
                Target::Other(_) => continue,
            };
            if c.is_ref_loose(ix, path, d.scope) {
                c.shrinks.push(Shrink {
                    span: d.span,
                    scope: d.scope,
                    keyed,
                });
            }
        }
    }

    for (ci, call) in ix.calls.iter().enumerate() {
        let recv = call.receiver_path();
        if let Some(r) = recv {
            if SHRINK_METHODS.contains(&call.method.as_str()) && c.is_ref_loose(ix, r, call.scope) {
                let keyed =
                    call.method == "pop" && c.kind.is_mapping() && call.positional(0).is_some();
                c.shrinks.push(Shrink {
                    span: call.span,
                    scope: call.scope,
                    keyed,
                });
            }
            if ITER_METHODS.contains(&call.method.as_str()) && c.is_ref_loose(ix, r, call.scope) {
                c.iterated = true;
            }
            if GROW_METHODS.contains(&call.method.as_str())
                && c.is_ref(ix, r, call.scope)
                && runtime(call.scope)
                && !constant_growth(call, c.kind)
            {
                c.growth.push(Growth {
                    span: call.span,
                    scope: call.scope,
                    set_item: false,
                    call: Some(ci),
                    assign: None,
                });
            }
        }
        // `X[k].append(v)`: the entries grow.
        if let Some(Value::Subscript { base, .. }) = &call.receiver {
            if let Some(b) = base.path() {
                if GROW_METHODS.contains(&call.method.as_str())
                    && c.is_ref(ix, b, call.scope)
                    && runtime(call.scope)
                {
                    c.growth.push(Growth {
                        span: call.span,
                        scope: call.scope,
                        set_item: false,
                        call: Some(ci),
                        assign: None,
                    });
                }
            }
        }
        // Passed on to code we cannot see.
        let read_only = call
            .qualified
            .as_deref()
            .is_some_and(|q| READ_ONLY_CALLS.contains(&q));
        for arg in &call.args {
            if mentions(&arg.value, &|p| c.is_ref(ix, p, call.scope)) {
                if read_only {
                    if matches!(
                        call.qualified.as_deref(),
                        Some("list" | "tuple" | "sorted" | "iter" | "enumerate" | "dict")
                    ) {
                        c.iterated = true;
                    }
                } else {
                    c.escapes = true;
                }
            }
        }
        if call.qualified.as_deref() == Some("len")
            && call
                .positional(0)
                .and_then(|a| a.value.path())
                .is_some_and(|p| c.is_ref_loose(ix, p, call.scope))
            && in_condition(ix, &call.span)
        {
            c.len_guard = true;
        }
    }

    // Method references used as callbacks: `task.add_done_callback(X.discard)`.
    for l in &ix.loads {
        if let Some((base, m)) = l.path.rsplit_once('.') {
            if SHRINK_METHODS.contains(&m) && c.is_ref_loose(ix, base, l.scope) {
                c.shrinks.push(Shrink {
                    span: l.span,
                    scope: l.scope,
                    keyed: false,
                });
            }
        }
    }

    for r in &ix.returns {
        if let Some(v) = &r.value {
            if mentions(v, &|p| c.is_ref(ix, p, r.scope)) {
                c.escapes = true;
            }
        }
    }

    for lp in &ix.loops {
        if let Some(it) = &lp.iter {
            if it.path().is_some_and(|p| c.is_ref_loose(ix, p, lp.scope)) {
                c.iterated = true;
            }
        }
    }
}

/// Whether `span` lies in the condition of an `if`/`elif` or a `while`.
fn in_condition(ix: &ModuleIndex, span: &Span) -> bool {
    ix.ifs.iter().any(|i| i.test_span.contains(span))
        || ix.loops.iter().any(|l| {
            l.test.is_some()
                && l.span.start_byte <= span.start_byte
                && span.end_byte <= l.body.start_byte
        })
}

/// Text of lines `from..=to` with byte-range replacements applied, dedented.
pub fn lines_with(ix: &ModuleIndex, from: usize, to: usize, repl: &[(Span, String)]) -> String {
    // Byte offset of the start of line `from`, from a span on it.
    let start = line_start(ix, from);
    let mut text: Vec<String> = (from..=to).map(|l| ix.line_text(l).to_string()).collect();
    let Some(start) = start else {
        return crate::rules::snippet::dedent(&text.join("\n"));
    };
    let mut joined = text.join("\n");
    let end = start + joined.len();
    let mut repl: Vec<&(Span, String)> = repl
        .iter()
        .filter(|(s, _)| s.start_byte >= start && s.end_byte <= end)
        .collect();
    repl.sort_by_key(|(s, _)| std::cmp::Reverse(s.start_byte));
    for (s, new) in repl {
        let (a, b) = (s.start_byte - start, s.end_byte - start);
        if joined.is_char_boundary(a) && joined.is_char_boundary(b) {
            joined.replace_range(a..b, new);
        }
    }
    text = vec![joined];
    crate::rules::snippet::dedent(&text.join("\n"))
}

/// Byte offset where the line holding `span` starts.
pub fn line_start_of(ix: &ModuleIndex, span: &Span) -> usize {
    let prefix: usize = ix
        .line_text(span.line)
        .chars()
        .take(span.column.saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    span.start_byte - prefix
}

/// Byte offset where 1-based `line` starts.
pub fn line_start(ix: &ModuleIndex, line: usize) -> Option<usize> {
    // Find any statement starting on that line and walk back by its column.
    let stmt = ix.stmts.iter().find(|s| s.span.line == line)?;
    let prefix: usize = ix
        .line_text(line)
        .chars()
        .take(stmt.span.column - 1)
        .map(char::len_utf8)
        .sum();
    Some(stmt.span.start_byte - prefix)
}

/// A function scope as a snippet with replacements: the whole function when it is
/// short, else its header line and the statement at `focus`.
pub fn scope_snippet_with(
    ix: &ModuleIndex,
    scope: ScopeId,
    focus: &Span,
    repl: &[(Span, String)],
) -> String {
    use crate::rules::snippet::{indent, MAX_LINES};
    let sc = &ix.scopes[scope];
    let stmt = ix.statement_at(focus).map(|s| s.span).unwrap_or(*focus);
    if sc.kind == ScopeKind::Module {
        return lines_with(ix, stmt.line, stmt.end_line, repl);
    }
    if sc.span.end_line - sc.span.line < MAX_LINES && line_start(ix, sc.span.line).is_some() {
        return lines_with(ix, sc.span.line, sc.span.end_line, repl);
    }
    let mut header = ix.line_text(sc.name_span.line).trim().to_string();
    if !header.ends_with(':') {
        let kw = if sc.is_async { "async def" } else { "def" };
        header = format!("{kw} {}(*args, **kwargs):", sc.name);
    }
    let body = lines_with(
        ix,
        stmt.line,
        stmt.end_line.min(stmt.line + MAX_LINES - 3),
        repl,
    );
    format!("{header}\n{}    ...\n", indent(&body, 4))
}

/// A span covering bytes `a..b` (only the byte range is meaningful).
fn byte_span(a: usize, b: usize) -> Span {
    Span {
        start_byte: a,
        end_byte: b,
        ..Span::default()
    }
}

/// The span of an assignment's value (its last expression).
pub fn value_span(ix: &ModuleIndex, ai: usize) -> Option<Span> {
    let a = &ix.assignments[ai];
    if let Some(call) = a.value.as_ref().and_then(|v| ix.call_value(v)) {
        return Some(call.span);
    }
    let text = ix.text_of(&a.span);
    let bytes = text.as_bytes();
    let close = *bytes.last()?;
    let open = match close {
        b'}' => b'{',
        b']' => b'[',
        b')' => b'(',
        _ => return None,
    };
    let mut depth = 0usize;
    for i in (0..bytes.len()).rev() {
        if bytes[i] == close {
            depth += 1;
        } else if bytes[i] == open {
            depth -= 1;
            if depth == 0 {
                return Some(byte_span(a.span.start_byte + i, a.span.end_byte));
            }
        }
    }
    None
}

/// The span of an annotated assignment's annotation.
pub fn annotation_span(ix: &ModuleIndex, ai: usize) -> Option<Span> {
    let a = &ix.assignments[ai];
    let ann = a.annotation.as_deref()?;
    let text = ix.text_of(&a.span);
    let colon = text.find(':')?;
    let rel = text[colon..].find(ann)? + colon;
    Some(byte_span(
        a.span.start_byte + rel,
        a.span.start_byte + rel + ann.len(),
    ))
}

/// The `before`/`after` pair for an unbounded collection: its definition (and the
/// first growing function) rewritten with a bounded type in the seeds' style:
/// `TTLCache` for module-level maps, `LRUCache` for instance maps, `deque(maxlen)`
/// for lists.
pub fn growth_fix(ix: &ModuleIndex, c: &Collection) -> (String, String) {
    let a = &ix.assignments[c.init];
    let (ty, ctor, import, note) = match (c.kind, c.owner) {
        (CollKind::List | CollKind::Deque, _) => (
            "deque",
            "deque(maxlen=1000)".to_string(),
            "from collections import deque",
            "keeps only the newest 1000 items",
        ),
        (_, Owner::Module) => (
            "TTLCache",
            "TTLCache(maxsize=10_000, ttl=3600)".to_string(),
            "from cachetools import TTLCache",
            "bounded: entries expire after 1 h, at most 10 000",
        ),
        _ => (
            "LRUCache",
            "LRUCache(maxsize=256)".to_string(),
            "from cachetools import LRUCache",
            "bounded: least recently used entries are evicted",
        ),
    };
    let mut init_repl = vec![];
    if let Some(v) = value_span(ix, c.init) {
        init_repl.push((v, ctor.clone()));
    }
    if let Some(s) = annotation_span(ix, c.init) {
        init_repl.push((s, ty.to_string()));
    }
    let stmt = ix.statement_at(&a.span).map(|s| s.span).unwrap_or(a.span);
    let init_before = lines_with(ix, stmt.line, stmt.end_line, &[]);
    let mut init_after = lines_with(ix, stmt.line, stmt.end_line, &init_repl);
    if init_after == init_before {
        // Could not locate the value: write the definition anew.
        init_after = format!("{} = {ctor}\n", c.display);
    }
    let init_after = format!("# {note}\n{init_after}");
    let mut extra = String::new();
    match c.kind {
        CollKind::DefaultDict => extra.push_str(&format!(
            "# {ty} has no default factory: write `{0}.setdefault(key, ...)` where `{0}[key]` relied on it\n",
            c.display
        )),
        CollKind::Counter => extra.push_str(&format!(
            "# {ty} has no default of 0: write `{0}[key] = {0}.get(key, 0) + 1`\n",
            c.display
        )),
        _ => {}
    }
    let Some(g) = c.growth.first() else {
        return (init_before, format!("{import}\n\n{extra}{init_after}"));
    };
    // Sets become maps of `key -> True`.
    let mut repl = vec![];
    if c.kind == CollKind::Set {
        for g2 in c.growth.iter().filter(|g2| g2.scope == g.scope) {
            if let Some(call) = g2.call.map(|i| &ix.calls[i]) {
                if call.method == "add" {
                    if let (Some(r), Some(arg)) = (call.receiver_path(), call.positional(0)) {
                        repl.push((call.span, format!("{r}[{}] = True", ix.text_of(&arg.span))));
                    }
                }
            }
        }
    }
    let fn_before = scope_snippet_with(ix, g.scope, &g.span, &[]);
    let fn_after = scope_snippet_with(ix, g.scope, &g.span, &repl);
    (
        format!("{init_before}\n\n{fn_before}"),
        format!("{import}\n\n{extra}{init_after}\n\n{fn_after}"),
    )
}

/// The function or method name a site is in, for messages.
pub fn function_name(ix: &ModuleIndex, scope: ScopeId) -> String {
    let mut cur = Some(scope);
    while let Some(s) = cur {
        if ix.scopes[s].kind == ScopeKind::Function {
            return ix.scopes[s].name.clone();
        }
        cur = ix.scopes[s].parent;
    }
    "<lambda>".into()
}
