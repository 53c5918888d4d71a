//! Shared analysis of the MEM family: which mutable collections a module keeps
//! alive (module-level, on instances, as class attributes), where functions grow
//! them, where anything shrinks them, and whether they escape to code we cannot
//! see. MEM001, MEM002 and MEM005 read the result.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::time::Instant;

use crate::python::{AssignOp, Call, ModuleIndex, ScopeId, ScopeKind, Span, Stmt, Target, Value};
use crate::rules::Checker;

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
    fn is_ref_loose(&self, t: &Tables, path: &str, scope: ScopeId) -> bool {
        let ix = t.ix;
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
                    .is_some_and(|k| t.is_subclass(k, class, 0))
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
/// Computed once per module (MEM001, MEM002 and MEM005 share it). `None` when the
/// per-file deadline passes during the analysis (the checker is then marked cut
/// short, and nothing is kept: a partial analysis would miss shrinks).
pub fn collections<'a>(cx: &mut Checker<'a>) -> Option<&'a [Collection]> {
    let ix = cx.ix;
    if let Some(all) = ix.cache.mem_collections.get() {
        return Some(all);
    }
    match compute_collections(ix, cx.deadline) {
        Some(all) => Some(ix.cache.mem_collections.get_or_init(|| all)),
        None => {
            cx.cut_short = true;
            None
        }
    }
}

fn compute_collections(ix: &ModuleIndex, deadline: Option<Instant>) -> Option<Vec<Collection>> {
    let mut out: Vec<Collection> = vec![];
    let mut seen: HashSet<(String, Option<ScopeId>)> = Default::default();
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
        // A set, not a scan of `out`: a generated module with 100 000
        // collections made this quadratic (found by tests/hostile.rs).
        if !seen.insert((name.clone(), owner_key(owner))) {
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
    let tables = Tables::new(ix);
    for c in &mut out {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return None;
        }
        analyse(&tables, c);
    }
    Some(out)
}

/// One key for the places a name can only be defined once: the module, or a
/// class (its instances and its body share the attribute namespace).
fn owner_key(o: Owner) -> Option<ScopeId> {
    match o {
        Owner::Module => None,
        Owner::Instance(x) | Owner::ClassAttr(x) => Some(x),
    }
}

/// Where a path used in some scope can refer to a collection (see [`Tables`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key<'a> {
    /// A dotless name: a module-level collection (anywhere), or a class attribute
    /// (a plain-name target in its class body).
    Name(&'a str),
    /// `base.X` in the code of a class (its methods and the functions in them):
    /// attribute `X` of that class or of one of its bases.
    InClass(&'a str, ScopeId),
    /// `other.X` with a base that is not the method's own receiver: evidence of
    /// shrinking for every attribute collection named `X` (see `is_ref_loose`).
    Foreign(&'a str),
}

/// Indices into one table of the module (assignments, calls, ...), by key.
type Sites<'a> = HashMap<Key<'a>, Vec<usize>>;

/// The keys a path used in `scope` is filed under: [`Collection::is_ref`] (and,
/// with `loose`, [`Collection::is_ref_loose`]) can only hold for a collection
/// looked up under one of them.
fn keys<'a>(ix: &ModuleIndex, path: &'a str, scope: ScopeId, loose: bool) -> [Option<Key<'a>>; 2] {
    let Some((base, attr)) = path.rsplit_once('.') else {
        return [Some(Key::Name(path)), None];
    };
    let own = || base == "self" || base == "cls" || self_name(ix, scope).as_deref() == Some(base);
    [
        ix.enclosing_class(scope).map(|k| Key::InClass(attr, k)),
        (loose && !own()).then_some(Key::Foreign(attr)),
    ]
}

fn file<'a>(sites: &mut Sites<'a>, i: usize, keys: [Option<Key<'a>>; 2]) {
    for k in keys.into_iter().flatten() {
        let v = sites.entry(k).or_default();
        if v.last() != Some(&i) {
            v.push(i);
        }
    }
}

/// Every name or dotted path in `v` that [`mentions`] looks at.
fn each_path<'a>(v: &'a Value, f: &mut dyn FnMut(&'a str)) {
    match v {
        Value::Name(n) | Value::Path(n) => f(n),
        Value::List(items) | Value::Tuple(items) | Value::Set(items) => {
            items.iter().for_each(|i| each_path(i, f))
        }
        Value::Dict(items) => items.iter().for_each(|(k, v)| {
            each_path(k, f);
            each_path(v, f);
        }),
        _ => {}
    }
}

/// Spans of `if`/`elif` conditions and `while` headers, for
/// [`Conditions::contains`] in logarithmic time.
struct Conditions {
    /// (start, end) sorted by start.
    spans: Vec<(usize, usize)>,
    /// Largest end among `spans[..=i]`.
    max_end: Vec<usize>,
}

impl Conditions {
    fn new(ix: &ModuleIndex) -> Self {
        let mut spans: Vec<(usize, usize)> = ix
            .ifs
            .iter()
            .map(|i| (i.test_span.start_byte, i.test_span.end_byte))
            .chain(
                ix.loops
                    .iter()
                    .filter(|l| l.test.is_some())
                    .map(|l| (l.span.start_byte, l.body.start_byte)),
            )
            .collect();
        spans.sort_unstable();
        let max_end = spans
            .iter()
            .scan(0, |m, &(_, e)| {
                *m = (*m).max(e);
                Some(*m)
            })
            .collect();
        Conditions { spans, max_end }
    }

    /// Whether `span` lies in the condition of an `if`/`elif` or a `while`: some
    /// condition starts at or before it and ends at or after it.
    fn contains(&self, span: &Span) -> bool {
        let n = self.spans.partition_point(|&(s, _)| s <= span.start_byte);
        n > 0 && self.max_end[n - 1] >= span.end_byte
    }
}

/// The first two segments of a dotted path (`self.x` for `self.x.y`).
fn attr_prefix(path: &str) -> Option<&str> {
    let dot = path.find('.')?;
    Some(match path[dot + 1..].find('.') {
        Some(d) => &path[..dot + 1 + d],
        None => path,
    })
}

/// Lookup tables over one module, built once for all its collections. Scanning
/// every assignment, call and load of the module for each collection was
/// quadratic: minutes on a generated module of 50 000 module-level dicts, of
/// 20 000 classes with `self.items = []`, or of one dict written by 100 000
/// statements (tests/generated_scale.rs). Each collection now visits only the sites
/// filed under its keys, in the original order, and runs the same checks on
/// them.
struct Tables<'a> {
    ix: &'a ModuleIndex,
    assignments: Sites<'a>,
    dels: Sites<'a>,
    calls: Sites<'a>,
    /// Only the loads of a shrinking method (`X.discard`).
    loads: Sites<'a>,
    returns: Sites<'a>,
    loops: Sites<'a>,
    conditions: Conditions,
    /// Class scopes by name.
    classes: HashMap<&'a str, Vec<ScopeId>>,
    /// Class scopes by the name of one of their bases.
    derived: HashMap<&'a str, Vec<ScopeId>>,
    /// Returns by scope.
    returns_in: HashMap<ScopeId, Vec<usize>>,
    /// Text of every decorator in the module.
    decorators: HashSet<&'a str>,
    /// Loads by name.
    loads_of: HashMap<&'a str, Vec<usize>>,
    /// (callee, start byte) of the module-level calls.
    module_calls: HashSet<(&'a str, usize)>,
    /// Loads by scope and [`attr_prefix`] of their path.
    attr_loads: HashMap<(ScopeId, &'a str), Vec<usize>>,
    /// Methods by class and [`attr_prefix`] of a path they load.
    readers: HashMap<(ScopeId, &'a str), Vec<ScopeId>>,
    /// Start byte of the first call of each callee, by scope.
    first_call: HashMap<(ScopeId, &'a str), usize>,
    /// [`Tables::import_time_only`] by scope, computed on first use.
    import_time: RefCell<HashMap<ScopeId, bool>>,
}

impl<'a> Tables<'a> {
    fn new(ix: &'a ModuleIndex) -> Self {
        let mut t = Tables {
            ix,
            assignments: HashMap::new(),
            dels: HashMap::new(),
            calls: HashMap::new(),
            loads: HashMap::new(),
            returns: HashMap::new(),
            loops: HashMap::new(),
            conditions: Conditions::new(ix),
            classes: HashMap::new(),
            derived: HashMap::new(),
            returns_in: HashMap::new(),
            decorators: HashSet::new(),
            loads_of: HashMap::new(),
            module_calls: HashSet::new(),
            attr_loads: HashMap::new(),
            readers: HashMap::new(),
            first_call: HashMap::new(),
            import_time: RefCell::new(HashMap::new()),
        };
        for (i, sc) in ix.scopes.iter().enumerate() {
            t.decorators
                .extend(sc.decorators.iter().map(|d| d.text.as_str()));
            if sc.kind == ScopeKind::Class {
                t.classes.entry(&sc.name).or_default().push(i);
                for b in sc.bases.iter().filter_map(Value::path) {
                    t.derived.entry(b).or_default().push(i);
                }
            }
        }
        for (ai, a) in ix.assignments.iter().enumerate() {
            for tg in &a.targets {
                match tg {
                    Target::Subscript { base, .. } => {
                        file(&mut t.assignments, ai, keys(ix, base, a.scope, false))
                    }
                    Target::Name(n) => {
                        let in_class = (ix.scopes[a.scope].kind == ScopeKind::Class)
                            .then_some(Key::InClass(n, a.scope));
                        file(&mut t.assignments, ai, [Some(Key::Name(n)), in_class]);
                    }
                    Target::Attr(p) => file(&mut t.assignments, ai, keys(ix, p, a.scope, true)),
                    Target::Other(_) => {}
                }
            }
            if let Some(v) = &a.value {
                each_path(v, &mut |p| {
                    file(&mut t.assignments, ai, keys(ix, p, a.scope, false))
                });
            }
        }
        for (di, d) in ix.dels.iter().enumerate() {
            for tg in &d.targets {
                if let Target::Subscript { base: p, .. } | Target::Name(p) | Target::Attr(p) = tg {
                    file(&mut t.dels, di, keys(ix, p, d.scope, true));
                }
            }
        }
        for (ci, call) in ix.calls.iter().enumerate() {
            if let Some(r) = call.receiver_path() {
                let m = call.method.as_str();
                let loose = SHRINK_METHODS.contains(&m) || ITER_METHODS.contains(&m);
                file(&mut t.calls, ci, keys(ix, r, call.scope, loose));
            }
            if let Some(Value::Subscript { base, .. }) = &call.receiver {
                if let Some(b) = base.path() {
                    file(&mut t.calls, ci, keys(ix, b, call.scope, false));
                }
            }
            let len = call.qualified.as_deref() == Some("len");
            for arg in &call.args {
                each_path(&arg.value, &mut |p| {
                    file(&mut t.calls, ci, keys(ix, p, call.scope, len))
                });
            }
            if let Some(callee) = call.callee.as_deref() {
                if call.scope == 0 {
                    t.module_calls.insert((callee, call.span.start_byte));
                }
                let first = t
                    .first_call
                    .entry((call.scope, callee))
                    .or_insert(usize::MAX);
                *first = (*first).min(call.span.start_byte);
            }
        }
        for (li, l) in ix.loads.iter().enumerate() {
            if let Some((base, m)) = l.path.rsplit_once('.') {
                if SHRINK_METHODS.contains(&m) {
                    file(&mut t.loads, li, keys(ix, base, l.scope, true));
                }
            }
            t.loads_of.entry(&l.name).or_default().push(li);
            if let Some(p) = attr_prefix(&l.path) {
                t.attr_loads.entry((l.scope, p)).or_default().push(li);
                if let Some(class) = ix.class_of(l.scope) {
                    if ix.scopes[l.scope].kind == ScopeKind::Function {
                        let v = t.readers.entry((class, p)).or_default();
                        if v.last() != Some(&l.scope) {
                            v.push(l.scope);
                        }
                    }
                }
            }
        }
        for (ri, r) in ix.returns.iter().enumerate() {
            t.returns_in.entry(r.scope).or_default().push(ri);
            if let Some(v) = &r.value {
                each_path(v, &mut |p| {
                    file(&mut t.returns, ri, keys(ix, p, r.scope, false))
                });
            }
        }
        for (i, lp) in ix.loops.iter().enumerate() {
            if let Some(p) = lp.iter.as_ref().and_then(Value::path) {
                file(&mut t.loops, i, keys(ix, p, lp.scope, true));
            }
        }
        t
    }

    /// Whether class `k` is `class` or derives from it (through classes of the
    /// module).
    fn is_subclass(&self, k: ScopeId, class: ScopeId, depth: usize) -> bool {
        if k == class {
            return true;
        }
        if depth > 8 {
            return false;
        }
        self.ix.scopes[k]
            .bases
            .iter()
            .filter_map(Value::path)
            .any(|b| {
                self.classes
                    .get(b)
                    .is_some_and(|v| v.iter().any(|&i| self.is_subclass(i, class, depth + 1)))
            })
    }

    /// `class` and the classes for which [`Tables::is_subclass`] holds: those
    /// within 9 base links of it.
    fn family(&self, class: ScopeId) -> Vec<ScopeId> {
        let mut out = vec![class];
        let mut seen: HashSet<ScopeId> = HashSet::from([class]);
        let mut frontier = vec![class];
        for _ in 0..9 {
            let mut next = vec![];
            for k in frontier {
                for &d in self
                    .derived
                    .get(self.ix.scopes[k].name.as_str())
                    .into_iter()
                    .flatten()
                {
                    if seen.insert(d) {
                        out.push(d);
                        next.push(d);
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            frontier = next;
        }
        out
    }

    /// Indices of the sites that may refer to `c`, in table order.
    fn candidates(&self, sites: &Sites, c: &Collection, family: &[ScopeId]) -> Vec<usize> {
        let mut out: Vec<usize> = vec![];
        let mut add = |k: Key| out.extend(sites.get(&k).into_iter().flatten());
        match c.owner {
            Owner::Module => add(Key::Name(&c.name)),
            Owner::Instance(_) | Owner::ClassAttr(_) => {
                for &k in family {
                    add(Key::InClass(&c.name, k));
                }
                add(Key::Foreign(&c.name));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether code in `scope` runs only at import time or once per registration:
    /// registration decorators (functions returning their own parameter),
    /// functions named `register*`, class-definition hooks, and module-level
    /// functions that are only ever called from the module's top level or used as
    /// decorators.
    fn import_time_only(&self, scope: ScopeId) -> bool {
        if let Some(&b) = self.import_time.borrow().get(&scope) {
            return b;
        }
        let b = self.compute_import_time_only(scope);
        self.import_time.borrow_mut().insert(scope, b);
        b
    }

    fn compute_import_time_only(&self, scope: ScopeId) -> bool {
        let ix = self.ix;
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
                if self.returns_in.get(&s).into_iter().flatten().any(|&ri| {
                    let r = &ix.returns[ri];
                    !r.is_yield
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
        let name = ix.scopes[f].name.as_str();
        if self.decorators.contains(name) {
            return true;
        }
        // Every reference is a direct call at module level.
        let loads: Vec<_> = self
            .loads_of
            .get(name)
            .into_iter()
            .flatten()
            .map(|&li| &ix.loads[li])
            .filter(|l| ix.refers_to_global(name, l.scope))
            .collect();
        !loads.is_empty()
            && loads.iter().all(|l| {
                l.scope == 0
                    && l.path == name
                    && self.module_calls.contains(&(name, l.span.start_byte))
            })
    }
}

fn analyse(t: &Tables, c: &mut Collection) {
    let ix = t.ix;
    // `self.X = []` in a runtime method that first reads `self.X` (writes its
    // entries out, then starts afresh): a flush-and-reset, not the definition.
    if let Owner::Instance(class) = c.owner {
        let a = &ix.assignments[c.init];
        let in_construction = method_of(ix, a.scope)
            .is_some_and(|m| CONSTRUCTION_METHODS.contains(&ix.scopes[m].name.as_str()));
        let prefix = format!("{}.", c.display);
        let reads_in = |scope: ScopeId, before: Option<usize>| {
            let loads = t.attr_loads.get(&(scope, c.display.as_str()));
            loads.into_iter().flatten().any(|&li| {
                let l = &ix.loads[li];
                before.is_none_or(|b| l.span.start_byte < b)
                    && (l.path == c.display || l.path.starts_with(&prefix))
                    // `if self.X is None: self.X = []` is a lazy definition.
                    && !t.conditions.contains(&l.span)
            })
        };
        // ... directly, or through a helper method it calls first
        // (`self._writeout_output_cache(conn)`).
        let self_prefix = prefix.split('.').next().unwrap_or("self").to_string() + ".";
        let reads_via_helper = || {
            let methods = t.readers.get(&(class, c.display.as_str()));
            methods.into_iter().flatten().any(|&m| {
                let callee = format!("{self_prefix}{}", ix.scopes[m].name);
                t.first_call
                    .get(&(a.scope, callee.as_str()))
                    .is_some_and(|&first| first < a.span.start_byte)
                    && reads_in(m, None)
            })
        };
        if !in_construction && (reads_in(a.scope, Some(a.span.start_byte)) || reads_via_helper()) {
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
        if !is_function(ix, scope) || t.import_time_only(scope) {
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
    let family = match c.owner {
        Owner::Module => vec![],
        Owner::Instance(k) | Owner::ClassAttr(k) => t.family(k),
    };

    for ai in t.candidates(&t.assignments, c, &family) {
        let a = &ix.assignments[ai];
        for tg in &a.targets {
            match tg {
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
                        && c.is_ref_loose(t, p, a.scope) =>
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

    for di in t.candidates(&t.dels, c, &family) {
        let d = &ix.dels[di];
        for tg in &d.targets {
            let (path, keyed) = match tg {
                Target::Subscript { base, key } => (base.as_str(), !is_slice(key)),
                Target::Name(n) | Target::Attr(n) => (n.as_str(), false),
                Target::Other(_) => continue,
            };
            if c.is_ref_loose(t, path, d.scope) {
                c.shrinks.push(Shrink {
                    span: d.span,
                    scope: d.scope,
                    keyed,
                });
            }
        }
    }

    for ci in t.candidates(&t.calls, c, &family) {
        let call = &ix.calls[ci];
        let recv = call.receiver_path();
        if let Some(r) = recv {
            if SHRINK_METHODS.contains(&call.method.as_str()) && c.is_ref_loose(t, r, call.scope) {
                let keyed =
                    call.method == "pop" && c.kind.is_mapping() && call.positional(0).is_some();
                c.shrinks.push(Shrink {
                    span: call.span,
                    scope: call.scope,
                    keyed,
                });
            }
            if ITER_METHODS.contains(&call.method.as_str()) && c.is_ref_loose(t, r, call.scope) {
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
                .is_some_and(|p| c.is_ref_loose(t, p, call.scope))
            && t.conditions.contains(&call.span)
        {
            c.len_guard = true;
        }
    }

    // Method references used as callbacks: `task.add_done_callback(X.discard)`.
    for li in t.candidates(&t.loads, c, &family) {
        let l = &ix.loads[li];
        if let Some((base, m)) = l.path.rsplit_once('.') {
            if SHRINK_METHODS.contains(&m) && c.is_ref_loose(t, base, l.scope) {
                c.shrinks.push(Shrink {
                    span: l.span,
                    scope: l.scope,
                    keyed: false,
                });
            }
        }
    }

    for ri in t.candidates(&t.returns, c, &family) {
        let r = &ix.returns[ri];
        if let Some(v) = &r.value {
            if mentions(v, &|p| c.is_ref(ix, p, r.scope)) {
                c.escapes = true;
            }
        }
    }

    for i in t.candidates(&t.loops, c, &family) {
        let lp = &ix.loops[i];
        if let Some(it) = &lp.iter {
            if it.path().is_some_and(|p| c.is_ref_loose(t, p, lp.scope)) {
                c.iterated = true;
            }
        }
    }
}

/// Text of lines `from..=to` with byte-range replacements applied, dedented.
pub fn lines_with(ix: &ModuleIndex, from: usize, to: usize, repl: &[(Span, String)]) -> String {
    splice_lines(ix, line_start(ix, from), from, to, repl)
}

/// [`lines_with`], given the byte offset where line `from` starts (if a statement
/// starts on it).
fn splice_lines(
    ix: &ModuleIndex,
    start: Option<usize>,
    from: usize,
    to: usize,
    repl: &[(Span, String)],
) -> String {
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
    Some(line_start_of_stmt(ix, stmt))
}

fn line_start_of_stmt(ix: &ModuleIndex, stmt: &Stmt) -> usize {
    let prefix: usize = ix
        .line_text(stmt.span.line)
        .chars()
        .take(stmt.span.column - 1)
        .map(char::len_utf8)
        .sum();
    stmt.span.start_byte - prefix
}

/// Statement lookups for fix snippets, built once per rule run:
/// [`ModuleIndex::statement_at`] and [`line_start`] scan every statement, and
/// MEM001, MEM002 and MEM005 call them a few times per finding (quadratic on a
/// module of 20 000 growing collections). Same answers as those two.
pub struct Snippets<'a> {
    pub ix: &'a ModuleIndex,
    /// The first statement (in index order) starting on each line.
    first_on_line: HashMap<usize, usize>,
    /// Statement indices sorted by (start, longest first, index), and the
    /// position of each one's innermost enclosing statement in that order. `None`
    /// when statements are empty or overlap without nesting, where the chain of
    /// enclosing statements would not be the list of those containing a span:
    /// then [`ModuleIndex::statement_at`] answers.
    nesting: Option<(Vec<usize>, Vec<Option<usize>>)>,
}

impl<'a> Snippets<'a> {
    pub fn new(ix: &'a ModuleIndex) -> Self {
        let mut first_on_line = HashMap::new();
        for (i, st) in ix.stmts.iter().enumerate() {
            first_on_line.entry(st.span.line).or_insert(i);
        }
        let span = |i: usize| (ix.stmts[i].span.start_byte, ix.stmts[i].span.end_byte);
        let mut order: Vec<usize> = (0..ix.stmts.len()).collect();
        order.sort_unstable_by_key(|&i| {
            let (s, e) = span(i);
            (s, std::cmp::Reverse(e), i)
        });
        let mut parent = Vec::with_capacity(order.len());
        let mut stack: Vec<usize> = vec![];
        let mut nested = true;
        for (pos, &i) in order.iter().enumerate() {
            let (s, e) = span(i);
            if s >= e {
                nested = false;
                break;
            }
            while let Some(&top) = stack.last() {
                let (_, te) = span(order[top]);
                if e <= te {
                    break;
                }
                if te > s {
                    nested = false;
                }
                stack.pop();
            }
            parent.push(stack.last().copied());
            stack.push(pos);
        }
        Snippets {
            ix,
            first_on_line,
            nesting: nested.then_some((order, parent)),
        }
    }

    /// [`ModuleIndex::statement_at`]: the smallest statement containing `span`,
    /// the first in index order among equal ones.
    pub fn statement_at(&self, span: &Span) -> Option<&'a Stmt> {
        let ix = self.ix;
        let Some((order, parent)) = &self.nesting else {
            return ix.statement_at(span);
        };
        if span.start_byte >= span.end_byte {
            return ix.statement_at(span);
        }
        // Every statement containing `span` encloses the last one starting at or
        // before it.
        let n = order.partition_point(|&i| ix.stmts[i].span.start_byte <= span.start_byte);
        let mut cur = n.checked_sub(1);
        while let Some(pos) = cur {
            let st = &ix.stmts[order[pos]];
            if st.span.contains(span) {
                // Statements with the same span are chained, the first in index
                // order outermost.
                let mut best = pos;
                while let Some(up) = parent[best] {
                    let s = &ix.stmts[order[up]].span;
                    if (s.start_byte, s.end_byte) != (st.span.start_byte, st.span.end_byte) {
                        break;
                    }
                    best = up;
                }
                return Some(&ix.stmts[order[best]]);
            }
            cur = parent[pos];
        }
        None
    }

    /// [`line_start`].
    pub fn line_start(&self, line: usize) -> Option<usize> {
        let &i = self.first_on_line.get(&line)?;
        Some(line_start_of_stmt(self.ix, &self.ix.stmts[i]))
    }

    /// [`lines_with`].
    pub fn lines_with(&self, from: usize, to: usize, repl: &[(Span, String)]) -> String {
        splice_lines(self.ix, self.line_start(from), from, to, repl)
    }

    /// A function scope as a snippet with replacements: the whole function when it is
    /// short, else its header line and the statement at `focus`.
    pub fn scope_snippet_with(
        &self,
        scope: ScopeId,
        focus: &Span,
        repl: &[(Span, String)],
    ) -> String {
        use crate::rules::snippet::{indent, MAX_LINES};
        let ix = self.ix;
        let sc = &ix.scopes[scope];
        let stmt = self.statement_at(focus).map(|s| s.span).unwrap_or(*focus);
        if sc.kind == ScopeKind::Module {
            return self.lines_with(stmt.line, stmt.end_line, repl);
        }
        if sc.span.end_line - sc.span.line < MAX_LINES && self.line_start(sc.span.line).is_some() {
            return self.lines_with(sc.span.line, sc.span.end_line, repl);
        }
        let mut header = ix.line_text(sc.name_span.line).trim().to_string();
        if !header.ends_with(':') {
            let kw = if sc.is_async { "async def" } else { "def" };
            header = format!("{kw} {}(*args, **kwargs):", sc.name);
        }
        let body = self.lines_with(
            stmt.line,
            stmt.end_line.min(stmt.line + MAX_LINES - 3),
            repl,
        );
        format!("{header}\n{}    ...\n", indent(&body, 4))
    }
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
pub fn growth_fix(sn: &Snippets, c: &Collection) -> (String, String) {
    let ix = sn.ix;
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
    let stmt = sn.statement_at(&a.span).map(|s| s.span).unwrap_or(a.span);
    let init_before = sn.lines_with(stmt.line, stmt.end_line, &[]);
    let mut init_after = sn.lines_with(stmt.line, stmt.end_line, &init_repl);
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
    let fn_before = sn.scope_snippet_with(g.scope, &g.span, &[]);
    let fn_after = sn.scope_snippet_with(g.scope, &g.span, &repl);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    const SOURCE: &str = r#"import time

CACHE = {}
if CACHE: x = 1; y = 2


class Store:
    items = []

    def __init__(self):
        self.data = {}

    @property
    def size(self):
        if len(self.data) > 3:
            return 0
        return [k for k in self.data]

    def put(self, k, v):
        self.data[k] = v; self.items.append(v)
        try:
            CACHE[k] = (time.time(), v)
        finally:
            pass


def f(k):
    while k:
        del CACHE[k]
"#;

    fn index(source: &str) -> ModuleIndex {
        crate::python::analyse(source.to_string(), "m", false).expect("parses")
    }

    #[test]
    fn mem_snippets_answer_like_the_index() {
        let ix = index(SOURCE);
        let sn = Snippets::new(&ix);
        let spans = ix
            .assignments
            .iter()
            .map(|a| a.span)
            .chain(ix.calls.iter().map(|c| c.span))
            .chain(ix.loads.iter().map(|l| l.span))
            .chain(ix.stmts.iter().map(|s| s.span))
            .chain(ix.scopes.iter().map(|s| s.span));
        for span in spans {
            assert_eq!(
                sn.statement_at(&span).map(|s| s as *const Stmt),
                ix.statement_at(&span).map(|s| s as *const Stmt),
                "{span:?}"
            );
        }
        for line in 0..=ix.line_count() + 1 {
            assert_eq!(sn.line_start(line), line_start(&ix, line), "line {line}");
        }
    }

    #[test]
    fn mem_collections_stop_at_the_deadline_and_keep_nothing() {
        let ix = index(SOURCE);
        let config = Config::default();
        let mut cx = Checker::new(&ix, &config);
        cx.deadline = Some(Instant::now());
        assert!(collections(&mut cx).is_none());
        assert!(cx.cut_short);
        // Nothing partial was cached: without a deadline the analysis is whole.
        let mut cx = Checker::new(&ix, &config);
        let all = collections(&mut cx).expect("no deadline");
        assert!(!cx.cut_short);
        let names: Vec<&str> = all.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["CACHE", "items", "data"]);
    }
}
