//! Shared analysis of the MEM family: which mutable collections a module keeps
//! alive (module-level, on instances, as class attributes), where functions grow
//! them, where anything shrinks them, and whether they escape to code we cannot
//! see. MEM001, MEM002 and MEM005 read the result.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use crate::python::{AssignOp, Call, ModuleIndex, ScopeId, ScopeKind, Span, Target, Value};
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
pub fn collections(cx: &mut Checker) -> Option<Arc<[Collection]>> {
    if let Some(all) = cx.memo.mem_collections.get() {
        return Some(all.clone());
    }
    match compute_collections(cx.ix, cx.deadline) {
        Some(all) => Some(cx.memo.mem_collections.get_or_init(|| all.into()).clone()),
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
pub(super) mod tests {
    use super::*;
    use crate::config::Config;

    pub(in crate::rules::mem) const SOURCE: &str = r#"import time

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

    pub(in crate::rules::mem) fn index(source: &str) -> ModuleIndex {
        crate::python::analyse(source.to_string(), "m", false).expect("parses")
    }

    #[test]
    fn mem_collections_stop_at_the_deadline_and_keep_nothing() {
        let ix = index(SOURCE);
        let config = Config::default();
        let mut cx = Checker::new(&ix, &config);
        cx.deadline = Some(Instant::now());
        assert!(collections(&mut cx).is_none());
        assert!(cx.cut_short);
        // Nothing partial was kept: without a deadline the analysis is whole.
        cx.deadline = None;
        cx.cut_short = false;
        let all = collections(&mut cx).expect("no deadline");
        assert!(!cx.cut_short);
        let names: Vec<&str> = all.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["CACHE", "items", "data"]);
    }
}
