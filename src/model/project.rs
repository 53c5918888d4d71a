//! The project pass of the model: module names, a symbol table keyed by
//! qualified name, the class hierarchy across modules, call sites resolved to
//! the project's functions, and the execution contexts propagated along the
//! call graph from the framework table's entry points.
//!
//! Resolution is by qualified name only (`from .db import engine` is that
//! module's `engine`); a name the model cannot resolve adds no edge. Never a
//! project-wide guess by bare name: adding an unrelated file must not change
//! what anything else resolves to.

use std::collections::{BTreeMap, HashMap, VecDeque};

use super::frameworks::{self, Context, ContextSet, SwitchRow};
use super::summary::{ArgSum, CallSum, FuncKind, ModuleSummary, IN_MAIN, NO_CALL};

/// One file of the project, as the model reads it.
pub struct Input<'a> {
    /// Relative path, forward slashes.
    pub path: &'a str,
    pub summary: &'a ModuleSummary,
    /// Test code (`tests/`, `test_*.py`): its functions run in tests.
    pub is_test: bool,
}

/// A call as the resolver reads it: a summarised call, or a decorator or a
/// function reference seen as one.
#[derive(Debug, Clone, Copy, Default)]
struct CallView<'s> {
    caller: usize,
    target: &'s str,
    receiver: Option<&'s str>,
    receiver_call: Option<usize>,
    method: &'s str,
    line: usize,
    args: &'s [ArgSum],
    in_main: bool,
}

/// The view of call `c` of summary `s`.
fn view<'s>(s: &'s ModuleSummary, c: &CallSum) -> CallView<'s> {
    CallView {
        caller: c.caller as usize,
        target: s.str(c.target),
        receiver: s.opt(c.receiver),
        receiver_call: (c.receiver_call != NO_CALL).then_some(c.receiver_call as usize),
        method: s.str(c.method),
        line: c.line as usize,
        args: s.args_of(c),
        in_main: c.flags & IN_MAIN != 0,
    }
}

/// A function of the project: (file, index into the summary's `functions`).
pub type FuncRef = (usize, usize);
/// A class of the project: (file, index into the summary's `classes`).
pub type ClassRef = (usize, usize);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Def {
    Module(usize),
    Func(FuncRef),
    Class(ClassRef),
    Global(usize, usize),
    /// An import binding: follow the qualified name.
    Alias(String),
}

/// What a value is, as far as the model knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// An instance of a project class.
    Class(ClassRef),
    /// An instance of an outside class, by qualified name (`fastapi.APIRouter`).
    External(String),
}

/// How a call site reaches its callee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// A call: the callee runs where the caller runs.
    Call,
    /// A class construction running `__init__`.
    Construct,
    /// The callee runs in another context (a task, a thread, at shutdown).
    Switch(Context),
    /// A framework dependency (`Depends(f)`): runs where the caller runs.
    Depends,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub from: u32,
    pub to: u32,
    /// The call site in `from`'s file (`calls` index).
    pub call: usize,
    pub kind: EdgeKind,
}

/// Why a function has a context: a step of the evidence path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// An entry point: the function is registered there (text, file, line).
    Entry {
        text: String,
        file: usize,
        line: usize,
    },
    /// Reached through an edge from another function.
    Via(Edge),
}

/// One step of an evidence path, for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub path: String,
    pub line: usize,
    pub message: String,
}

/// The project model.
pub struct ProjectModel<'a> {
    files: Vec<Input<'a>>,
    symbols: HashMap<String, Def>,
    /// Global function id = `offsets[file] + index`.
    offsets: Vec<u32>,
    funcs: Vec<FuncRef>,
    /// Resolved bases of each class (project classes and outside names).
    bases: HashMap<ClassRef, Vec<Ty>>,
    subclasses: HashMap<ClassRef, Vec<ClassRef>>,
    out_edges: Vec<Vec<Edge>>,
    in_edges: Vec<Vec<Edge>>,
    contexts: Vec<ContextSet>,
    why: HashMap<(u32, Context), Why>,
    /// Where each project class is constructed: (file, call index).
    constructions: HashMap<ClassRef, Vec<(usize, usize)>>,
    /// Entry points found while building the edges, propagated next.
    seeds: Vec<(u32, Context, Why)>,
    /// The context in which each function was first reached (what fired its
    /// switches): an evidence path goes on through it across a switch.
    first_context: HashMap<u32, Context>,
    /// Per file: (function, local name) -> the first call assigned to it.
    assigned: Vec<HashMap<(usize, &'a str), usize>>,
    /// (class, method name) -> the method.
    methods: HashMap<(ClassRef, &'a str), FuncRef>,
}

/// Decorators that memoise a function's result (see `runs_once`).
const MEMOISERS: &[&str] = &[
    "functools.lru_cache",
    "functools.cache",
    "async_lru.alru_cache",
    "cachetools.func.lru_cache",
];

/// Longest chain of aliases or factory returns followed.
const MAX_DEPTH: usize = 8;

impl<'a> ProjectModel<'a> {
    /// Builds the model of a project from its files' summaries.
    pub fn build(files: Vec<Input<'a>>) -> ProjectModel<'a> {
        let mut m = ProjectModel {
            files,
            symbols: HashMap::new(),
            offsets: vec![],
            funcs: vec![],
            bases: HashMap::new(),
            subclasses: HashMap::new(),
            out_edges: vec![],
            in_edges: vec![],
            contexts: vec![],
            why: HashMap::new(),
            constructions: HashMap::new(),
            seeds: vec![],
            first_context: HashMap::new(),
            assigned: vec![],
            methods: HashMap::new(),
        };
        m.index_symbols();
        m.resolve_classes();
        m.build_edges();
        m.propagate();
        m
    }

    fn index_symbols(&mut self) {
        for (fi, f) in self.files.iter().enumerate() {
            self.offsets.push(self.funcs.len() as u32);
            for i in 0..f.summary.functions.len() {
                self.funcs.push((fi, i));
            }
            let s = f.summary;
            for module in module_names(&s.module) {
                let mut put = |name: String, def: Def| {
                    // The first definition wins (a re-binding later in the
                    // module is not followed; documented approximation).
                    self.symbols.entry(name).or_insert(def);
                };
                put(module.clone(), Def::Module(fi));
                for (ci, c) in s.classes.iter().enumerate() {
                    put(format!("{module}.{}", c.qualname), Def::Class((fi, ci)));
                }
                for (i, func) in s.functions.iter().enumerate().skip(1) {
                    if func.parent.is_none() {
                        put(format!("{module}.{}", func.qualname), Def::Func((fi, i)));
                    }
                }
                for (gi, g) in s.globals.iter().enumerate() {
                    put(format!("{module}.{}", g.name), Def::Global(fi, gi));
                }
                for imp in &s.imports {
                    put(
                        format!("{module}.{}", imp.local),
                        Def::Alias(imp.qualified.clone()),
                    );
                }
            }
        }
        self.assigned = self
            .files
            .iter()
            .map(|f| {
                let mut m = HashMap::new();
                for (ci, c) in f.summary.calls.iter().enumerate() {
                    if let Some(name) = f.summary.opt(c.assigned_to) {
                        m.entry((c.caller as usize, name)).or_insert(ci);
                    }
                }
                m
            })
            .collect();
        for (fi, f) in self.files.iter().enumerate() {
            for (i, func) in f.summary.functions.iter().enumerate() {
                if let Some(ci) = func.class {
                    let name = func.qualname.rsplit('.').next().unwrap_or("");
                    self.methods.entry(((fi, ci), name)).or_insert((fi, i));
                }
            }
        }
        self.contexts = vec![ContextSet::default(); self.funcs.len()];
        self.out_edges = vec![vec![]; self.funcs.len()];
        self.in_edges = vec![vec![]; self.funcs.len()];
    }

    /// The definition a qualified name refers to, following aliases.
    fn lookup(&self, name: &str, depth: usize) -> Option<Def> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.symbols.get(name) {
            Some(Def::Alias(q)) if q != name => self.lookup(q, depth + 1),
            Some(Def::Alias(_)) => None,
            Some(d) => Some(d.clone()),
            None => {
                // `pkg.mod.Class.method`, `pkg.alias.attr`: the longest known prefix.
                let (prefix, last) = name.rsplit_once('.')?;
                match self.lookup(prefix, depth + 1)? {
                    Def::Class(c) => self.method_in_mro(c, last).map(Def::Func),
                    Def::Module(fi) => {
                        let module = &self.files[fi].summary.module;
                        (format!("{module}.{last}") != name)
                            .then(|| self.lookup(&format!("{module}.{last}"), depth + 1))
                            .flatten()
                    }
                    _ => None,
                }
            }
        }
    }

    fn resolve_classes(&mut self) {
        for (fi, f) in self.files.iter().enumerate() {
            for (ci, c) in f.summary.classes.iter().enumerate() {
                let module = &f.summary.module;
                let bases: Vec<Ty> = c
                    .bases
                    .iter()
                    .map(|b| {
                        let local = format!("{module}.{b}");
                        match self.lookup(b, 0).or_else(|| self.lookup(&local, 0)) {
                            Some(Def::Class(bc)) => Ty::Class(bc),
                            _ => Ty::External(b.clone()),
                        }
                    })
                    .collect();
                for b in &bases {
                    if let Ty::Class(bc) = b {
                        self.subclasses.entry(*bc).or_default().push((fi, ci));
                    }
                }
                self.bases.insert((fi, ci), bases);
            }
        }
    }

    /// `c` and its project ancestors in method lookup order: depth-first,
    /// left to right (C3 when every class has one project base, an
    /// approximation with several). Bounded, cycles cut.
    fn linearize(&self, c: ClassRef) -> Vec<ClassRef> {
        let mut seen: Vec<ClassRef> = vec![];
        let mut stack = vec![c];
        while let Some(k) = stack.pop() {
            if seen.contains(&k) || seen.len() > 64 {
                continue;
            }
            seen.push(k);
            for b in self.bases.get(&k).into_iter().flatten().rev() {
                if let Ty::Class(bc) = b {
                    stack.push(*bc);
                }
            }
        }
        seen
    }

    /// The method `name` of class `c` or of its first base that defines it.
    fn method_in_mro(&self, c: ClassRef, name: &str) -> Option<FuncRef> {
        self.linearize(c)
            .into_iter()
            .find_map(|k| self.own_method(k, name))
    }

    fn own_method(&self, c: ClassRef, name: &str) -> Option<FuncRef> {
        self.methods.get(&(c, name)).copied()
    }

    /// Every class derived from `c`, transitively.
    fn descendants(&self, c: ClassRef) -> Vec<ClassRef> {
        let mut out = vec![];
        let mut stack = vec![c];
        while let Some(k) = stack.pop() {
            for sub in self.subclasses.get(&k).into_iter().flatten() {
                if !out.contains(sub) && out.len() < 256 {
                    out.push(*sub);
                    stack.push(*sub);
                }
            }
        }
        out
    }

    /// The outside classes `c` derives from (directly or through project classes).
    pub fn external_ancestors(&self, c: ClassRef) -> Vec<String> {
        self.linearize(c)
            .into_iter()
            .flat_map(|k| self.bases.get(&k).into_iter().flatten())
            .filter_map(|b| match b {
                Ty::External(n) => Some(n.clone()),
                Ty::Class(_) => None,
            })
            .collect()
    }

    /// The type of a resolved definition's value.
    fn type_of_def(&self, def: &Def, depth: usize) -> Option<Ty> {
        match def {
            Def::Global(fi, gi) => {
                let g = &self.files[*fi].summary.globals[*gi];
                let target = g.constructed.as_deref()?;
                self.type_of_call_target(*fi, target, depth + 1)
            }
            _ => None,
        }
    }

    /// The type of the value a call of `target` (as summarised in file `fi`)
    /// returns: a class construction, or a factory's return (followed).
    fn type_of_call_target(&self, fi: usize, target: &str, depth: usize) -> Option<Ty> {
        if depth > MAX_DEPTH {
            return None;
        }
        let module = &self.files[fi].summary.module;
        let def = self
            .lookup(target, 0)
            .or_else(|| self.lookup(&format!("{module}.{target}"), 0));
        match def {
            Some(Def::Class(c)) => Some(Ty::Class(c)),
            Some(Def::Func((ffi, f))) => {
                let func = &self.files[ffi].summary.functions[f];
                func.returns
                    .iter()
                    .find_map(|r| match (r.as_str(), func.class) {
                        // `return cls(...)` in a class method: an instance of its class.
                        ("cls", Some(ci)) if func.kind == FuncKind::ClassMethod => {
                            Some(Ty::Class((ffi, ci)))
                        }
                        _ => self.type_of_call_target(ffi, r, depth + 1),
                    })
            }
            Some(_) => None,
            // Not a project name: an outside class or function, by its name.
            None if target.contains('.') && !target.starts_with("self.") => {
                Some(Ty::External(target.to_string()))
            }
            None => None,
        }
    }

    /// The type of the name `name` as seen from function `func` of file `fi`.
    fn type_of_name(&self, fi: usize, func: usize, name: &str) -> Option<Ty> {
        let s = self.files[fi].summary;
        let f = &s.functions[func];
        if (name == "self" || name == "cls") && f.class.is_some() {
            return f.class.map(|c| Ty::Class((fi, c)));
        }
        // A local assigned from a call in the same function.
        if func != 0 {
            if let Some(c) = self.assigned[fi].get(&(func, name)).map(|&ci| &s.calls[ci]) {
                if let Some(t) = self.type_of_call_target(fi, s.str(c.target), 0) {
                    return Some(t);
                }
            }
            if let Some(p) = f.params.iter().find(|p| p.name == name) {
                return self.annotation_type(fi, &p.annotation);
            }
        }
        let def = self.lookup(&format!("{}.{name}", s.module), 0)?;
        self.type_of_def(&def, 0)
    }

    /// The type an annotation names: a project class first, else an outside
    /// class by its qualified name; `typing` wrappers (`Optional`, `Union`)
    /// and builtins (`None`, `list`) say nothing.
    fn annotation_type(&self, fi: usize, names: &[String]) -> Option<Ty> {
        let module = &self.files[fi].summary.module;
        let mut outside = None;
        for a in names {
            // A class of the module itself is written bare (`sms: SmsProvider`).
            let def = self.lookup(a, 0).or_else(|| {
                (!a.contains('.'))
                    .then(|| self.lookup(&format!("{module}.{a}"), 0))
                    .flatten()
            });
            match def {
                Some(Def::Class(c)) => return Some(Ty::Class(c)),
                Some(_) => {}
                None => {
                    let root = a.split('.').next().unwrap_or(a);
                    let says_nothing = !a.contains('.')
                        || matches!(
                            root,
                            "typing" | "typing_extensions" | "builtins" | "collections"
                        );
                    if outside.is_none() && !says_nothing {
                        outside = Some(Ty::External(a.clone()));
                    }
                }
            }
        }
        outside
    }

    /// The type of attribute `name` of `c`'s instances (assigned in `c` or a
    /// project base), and whether it is exact: a construction is, an
    /// annotation is not (a subclass instance may be what is stored).
    fn attr_type(&self, c: ClassRef, name: &str) -> Option<(Ty, bool)> {
        for (fi, ci) in self.linearize(c) {
            let attrs = &self.files[fi].summary.classes[ci].attrs;
            for a in attrs.iter().filter(|a| a.name == name) {
                if let Some(t) = a
                    .constructed
                    .as_deref()
                    .and_then(|t| self.type_of_call_target(fi, t, 1))
                {
                    return Some((t, true));
                }
                if let Some(t) = self.annotation_type(fi, &a.annotation) {
                    return Some((t, false));
                }
            }
        }
        None
    }

    /// The type of a call's receiver as written, seen from function `func`:
    /// a name, or an attribute of `self`/`cls`. The flag says whether
    /// overrides in subclasses may run instead (`self`, annotated attributes).
    fn type_of_receiver(&self, fi: usize, func: usize, recv: &str) -> Option<(Ty, bool)> {
        if !recv.contains('.') {
            let open = recv == "self" || recv == "cls";
            return self.type_of_name(fi, func, recv).map(|t| (t, open));
        }
        let attr = match recv.split_once('.') {
            Some(("self" | "cls", attr)) if !attr.contains('.') => attr,
            _ => return None,
        };
        let class = self.files[fi].summary.functions[func].class?;
        self.attr_type((fi, class), attr)
            .map(|(t, exact)| (t, !exact))
    }

    /// What a call site calls: the project functions, and the callee's
    /// qualified name when it is outside the project (`fastapi.APIRouter.get`).
    fn resolve_call(
        &self,
        fi: usize,
        c: &CallView,
    ) -> (Vec<FuncRef>, Option<ClassRef>, Option<String>) {
        let s = self.files[fi].summary;
        let func = &s.functions[c.caller];
        // super().m()
        if let Some(rc) = c.receiver_call {
            if s.calls.get(rc).is_some_and(|r| s.str(r.target) == "super") {
                let Some(ci) = func.class else {
                    return (vec![], None, None);
                };
                let found = self
                    .bases
                    .get(&(fi, ci))
                    .into_iter()
                    .flatten()
                    .find_map(|b| match b {
                        Ty::Class(bc) => self.method_in_mro(*bc, c.method),
                        Ty::External(_) => None,
                    });
                return (found.into_iter().collect(), None, None);
            }
        }
        if let Some(recv) = c.receiver {
            match self.type_of_receiver(fi, c.caller, recv) {
                Some((Ty::Class(k), open)) => {
                    let mut out: Vec<FuncRef> =
                        self.method_in_mro(k, c.method).into_iter().collect();
                    if open {
                        // An override in a subclass may be what runs.
                        for d in self.descendants(k) {
                            if let Some(m) = self.own_method(d, c.method) {
                                if !out.contains(&m) {
                                    out.push(m);
                                }
                            }
                        }
                    }
                    let external = (out.is_empty())
                        .then(|| {
                            self.external_ancestors(k)
                                .first()
                                .map(|e| format!("{e}.{}", c.method))
                        })
                        .flatten();
                    return (out, None, external);
                }
                Some((Ty::External(e), _)) => {
                    return (vec![], None, Some(format!("{e}.{}", c.method)))
                }
                None => {}
            }
        }
        let target = c.target;
        if target == "cls" && func.kind == FuncKind::ClassMethod {
            if let Some(ci) = func.class {
                let k = (fi, ci);
                return (
                    self.method_in_mro(k, "__init__").into_iter().collect(),
                    Some(k),
                    None,
                );
            }
        }
        let def = if target.contains('.') {
            // Qualified through imports, or a name of this module as written
            // (`Service.from_settings` where `Service` is defined here).
            self.lookup(target, 0)
                .or_else(|| self.lookup(&format!("{}.{target}", s.module), 0))
        } else {
            // A nested function of the caller, then a module-level name.
            let mut found = None;
            let mut scope = Some(c.caller);
            while let Some(sc) = scope {
                let prefix = if sc == 0 {
                    s.module.clone()
                } else {
                    format!("{}.<locals>", s.functions[sc].qualname)
                };
                if sc != 0 {
                    let q = format!("{prefix}.{target}");
                    if let Some(i) = s.functions.iter().position(|f| f.qualname == q) {
                        found = Some(Def::Func((fi, i)));
                        break;
                    }
                } else {
                    found = self.lookup(&format!("{prefix}.{target}"), 0);
                }
                scope = if sc == 0 {
                    None
                } else {
                    Some(s.functions[sc].parent.unwrap_or(0))
                };
            }
            found
        };
        match def {
            Some(Def::Func(f)) => (vec![f], None, None),
            Some(Def::Class(k)) => (
                self.method_in_mro(k, "__init__").into_iter().collect(),
                Some(k),
                None,
            ),
            Some(_) => (vec![], None, None),
            None => (
                vec![],
                None,
                target.contains('.').then(|| target.to_string()),
            ),
        }
    }

    /// The argument of `c` at position `arg` or with keyword `keyword` (a
    /// keyword row also accepts the positional form).
    fn select_arg<'c>(
        s: &ModuleSummary,
        c: &CallView<'c>,
        arg: Option<usize>,
        keyword: Option<&str>,
    ) -> Option<&'c ArgSum> {
        let positional = |i: usize| c.args.iter().filter(|a| a.keyword == 0).nth(i);
        match keyword {
            Some(k) => c
                .args
                .iter()
                .find(|a| s.str(a.keyword) == k)
                .or_else(|| arg.and_then(positional)),
            None => positional(arg.unwrap_or(0)),
        }
    }

    /// The project functions an argument of call `c` refers to: a reference
    /// (`target=work`) or a call whose callee it is (`create_task(work())`).
    fn arg_functions(
        &self,
        fi: usize,
        c: &CallView,
        arg: Option<usize>,
        keyword: Option<&str>,
    ) -> Vec<FuncRef> {
        let s = self.files[fi].summary;
        let Some(a) = Self::select_arg(s, c, arg, keyword) else {
            return vec![];
        };
        if a.call != NO_CALL {
            return self.resolve_call(fi, &view(s, &s.calls[a.call as usize])).0;
        }
        if let Some(r) = s.opt(a.reference) {
            let pseudo = CallView {
                caller: c.caller,
                target: r,
                method: r.rsplit('.').next().unwrap_or(r),
                receiver: r.rsplit_once('.').map(|(p, _)| p),
                ..Default::default()
            };
            return self.resolve_call(fi, &pseudo).0;
        }
        vec![]
    }

    /// A memoised function without parameters (`@functools.cache`,
    /// `@lru_cache(maxsize=None)`): its body runs once, at the first call.
    fn runs_once(&self, (fi, i): FuncRef) -> bool {
        let func = &self.files[fi].summary.functions[i];
        func.class.is_none()
            && func.params.is_empty()
            && func
                .decorators
                .iter()
                .any(|d| MEMOISERS.contains(&d.target.as_str()))
    }

    fn gid(&self, f: FuncRef) -> u32 {
        self.offsets[f.0] + f.1 as u32
    }

    /// Adds edges without repeats (every edge of `edges` starts in one file).
    fn add_edges(&mut self, mut edges: Vec<Edge>) {
        edges.sort_by_key(|e| (e.from, e.call, e.to));
        edges.dedup();
        for e in edges {
            self.out_edges[e.from as usize].push(e);
            self.in_edges[e.to as usize].push(e);
        }
    }

    /// Whether a call matches a row's callee: a qualified target, or a method
    /// on a receiver of one of `on` (or of a subclass), or a bare method name.
    fn matches(
        &self,
        resolved: &Option<String>,
        c: &CallView,
        targets: &[String],
        on: &[String],
        methods: &[String],
    ) -> bool {
        let name = resolved.as_deref().unwrap_or(c.target);
        if targets.iter().any(|t| t == name) {
            return true;
        }
        if !methods.iter().any(|m| *m == c.method) {
            return false;
        }
        if on.is_empty() {
            // A method name no ordinary code uses (`create_task`), on any receiver.
            return true;
        }
        // `fastapi.APIRouter.get`: the receiver type is the prefix.
        name.rsplit_once('.')
            .is_some_and(|(ty, _)| on.iter().any(|o| o == ty))
    }

    fn build_edges(&mut self) {
        let table = frameworks::table();
        let mut seeds: Vec<(u32, Context, Why)> = vec![];
        for fi in 0..self.files.len() {
            let s = self.files[fi].summary;
            let path = self.files[fi].path;
            let mut edges = vec![];
            let mut switched: std::collections::HashSet<usize> = Default::default();
            for (ci, call) in s.calls.iter().enumerate() {
                let c = &view(s, call);
                let (targets, class, external) = self.resolve_call(fi, c);
                let from = self.gid((fi, c.caller));
                for t in &targets {
                    let kind = if class.is_some() {
                        EdgeKind::Construct
                    } else if self.runs_once(*t) {
                        EdgeKind::Switch(Context::Once)
                    } else if c.caller == 0 && c.in_main {
                        EdgeKind::Switch(Context::Script)
                    } else {
                        EdgeKind::Call
                    };
                    edges.push(Edge {
                        from,
                        to: self.gid(*t),
                        call: ci,
                        kind,
                    });
                }
                if let Some(k) = class {
                    self.constructions.entry(k).or_default().push((fi, ci));
                }
                let switch = |row: &SwitchRow| {
                    self.matches(&external, c, &row.targets, &row.on, &row.methods)
                };
                for row in &table.switch {
                    if switch(row) {
                        // `create_task(poll())` does not run `poll` here: the
                        // call only builds the coroutine the task runs.
                        if let Some(a) = Self::select_arg(s, c, row.arg, row.keyword.as_deref())
                            .filter(|a| a.call != NO_CALL)
                        {
                            switched.insert(a.call as usize);
                        }
                        for t in self.arg_functions(fi, c, row.arg, row.keyword.as_deref()) {
                            edges.push(Edge {
                                from,
                                to: self.gid(t),
                                call: ci,
                                kind: EdgeKind::Switch(row.context),
                            });
                        }
                    }
                }
                for row in &table.registration {
                    if switch(row) {
                        for t in self.arg_functions(fi, c, row.arg, row.keyword.as_deref()) {
                            seeds.push((
                                self.gid(t),
                                row.context,
                                Why::Entry {
                                    text: format!("registered by `{}(...)`", c.target),
                                    file: fi,
                                    line: c.line,
                                },
                            ));
                            if row.context == Context::Startup {
                                // A lifespan runs at startup and, after its
                                // `yield`, at shutdown.
                                seeds.push((
                                    self.gid(t),
                                    Context::Shutdown,
                                    Why::Entry {
                                        text: format!("registered by `{}(...)`", c.target),
                                        file: fi,
                                        line: c.line,
                                    },
                                ));
                            }
                        }
                    }
                }
                // `def route(db = Depends(get_db))`: the dependency runs per call
                // of the function whose parameter it is.
                if matches!(
                    c.target,
                    "fastapi.Depends" | "fastapi.params.Depends" | "fastapi.Security"
                ) {
                    if let Some(owner) = s
                        .functions
                        .iter()
                        .position(|f| f.params.iter().any(|p| p.default_call == Some(ci)))
                    {
                        for t in self.arg_functions(fi, c, Some(0), None) {
                            edges.push(Edge {
                                from: self.gid((fi, owner)),
                                to: self.gid(t),
                                call: ci,
                                kind: EdgeKind::Depends,
                            });
                        }
                    }
                }
            }
            // Entry points by decorator.
            for (i, func) in s.functions.iter().enumerate() {
                for d in &func.decorators {
                    let call = d.call.map(|ci| view(s, &s.calls[ci]));
                    let (resolved, c) = match call {
                        Some(c) => (self.resolve_call(fi, &c).2, c),
                        None => (
                            self.lookup(&d.target, 0)
                                .is_none()
                                .then(|| d.target.clone()),
                            CallView {
                                target: &d.target,
                                method: d.target.rsplit('.').next().unwrap_or(""),
                                ..Default::default()
                            },
                        ),
                    };
                    let c = &c;
                    for row in &table.decorator {
                        if !self.matches(&resolved, c, &row.targets, &row.on, &row.methods) {
                            continue;
                        }
                        let arg0 = c
                            .args
                            .iter()
                            .find(|a| a.keyword == 0)
                            .and_then(|a| s.opt(a.string));
                        let ctx = match arg0.and_then(|a| row.arg0.get(a)) {
                            Some(k) => Some(*k),
                            None if row.arg0.is_empty() => row.context,
                            None => None,
                        };
                        if let Some(ctx) = ctx {
                            let route = arg0.map(|a| format!("({a:?})")).unwrap_or_default();
                            seeds.push((
                                self.gid((fi, i)),
                                ctx,
                                Why::Entry {
                                    text: format!(
                                        "`@{}{route}` ({} {})",
                                        decorator_text(c, d.call.is_some(), &d.target),
                                        row.framework,
                                        ctx.as_str()
                                    ),
                                    file: fi,
                                    line: func.line,
                                },
                            ));
                        }
                    }
                }
                // Entry points by base class and by path.
                if let (Some(ci), FuncKind::Method) = (func.class, func.kind) {
                    let name = func.qualname.rsplit('.').next().unwrap_or("");
                    let ancestors = self.external_ancestors((fi, ci));
                    for row in &table.base {
                        if row.methods.iter().any(|m| m == name)
                            && ancestors.iter().any(|a| row.class.contains(a))
                        {
                            seeds.push((
                                self.gid((fi, i)),
                                row.context,
                                Why::Entry {
                                    text: format!(
                                        "`{}` of a `{}` subclass ({} {})",
                                        name,
                                        ancestors.iter().find(|a| row.class.contains(a)).unwrap(),
                                        row.framework,
                                        row.context.as_str()
                                    ),
                                    file: fi,
                                    line: func.line,
                                },
                            ));
                        }
                    }
                }
                if func.parent.is_none() && func.class.is_none() {
                    for row in &table.path {
                        if row.contains.iter().any(|c| path.contains(c.as_str()))
                            && row.functions.iter().any(|f| *f == func.qualname)
                        {
                            seeds.push((
                                self.gid((fi, i)),
                                row.context,
                                Why::Entry {
                                    text: format!(
                                        "`{}` of a {} migration",
                                        func.qualname, row.framework
                                    ),
                                    file: fi,
                                    line: func.line,
                                },
                            ));
                        }
                    }
                }
            }
            // Module bodies run at import; test code in tests.
            seeds.push((
                self.gid((fi, 0)),
                Context::Import,
                Why::Entry {
                    text: "the module body runs at import".into(),
                    file: fi,
                    line: 1,
                },
            ));
            if self.files[fi].is_test {
                for (i, func) in s.functions.iter().enumerate().skip(1) {
                    if func.parent.is_none() {
                        seeds.push((
                            self.gid((fi, i)),
                            Context::Test,
                            Why::Entry {
                                text: "test code".into(),
                                file: fi,
                                line: func.line,
                            },
                        ));
                    }
                }
            }
            edges.retain(|e| !(e.kind == EdgeKind::Call && switched.contains(&e.call)));
            self.add_edges(edges);
        }
        self.seeds = seeds;
    }

    fn propagate(&mut self) {
        let mut seeds = std::mem::take(&mut self.seeds);
        // Seeds in source order (path, line), so that the first reason for a
        // context, and so every evidence path, does not depend on the order
        // the files came in.
        seeds.sort_by(|a, b| {
            let key = |(f, ctx, why): &(u32, Context, Why)| {
                let (fi, i) = self.funcs[*f as usize];
                let (wf, wl) = match why {
                    Why::Entry { file, line, .. } => (self.files[*file].path, *line),
                    Why::Via(_) => ("", 0),
                };
                (
                    wf,
                    wl,
                    self.files[fi].path,
                    self.files[fi].summary.functions[i].line,
                    *ctx,
                )
            };
            key(a).cmp(&key(b))
        });
        let mut queue: VecDeque<(u32, Context)> = VecDeque::new();
        for (f, ctx, why) in seeds {
            if self.contexts[f as usize].insert(ctx) {
                self.why.insert((f, ctx), why);
                queue.push_back((f, ctx));
            }
        }
        let mut fired = vec![false; self.funcs.len()];
        while let Some((f, ctx)) = queue.pop_front() {
            let first = !std::mem::replace(&mut fired[f as usize], true);
            if first {
                self.first_context.insert(f, ctx);
            }
            for e in self.out_edges[f as usize].clone() {
                let to_ctx = match e.kind {
                    EdgeKind::Call | EdgeKind::Construct | EdgeKind::Depends => ctx,
                    // A switch fires once, when its caller is first reached.
                    EdgeKind::Switch(k) if first => k,
                    EdgeKind::Switch(_) => continue,
                };
                if self.contexts[e.to as usize].insert(to_ctx) {
                    self.why.insert((e.to, to_ctx), Why::Via(e));
                    queue.push_back((e.to, to_ctx));
                }
            }
        }
    }
}

/// A decorator as written, for evidence (`router.post`, `shared_task`).
fn decorator_text(c: &CallView, called: bool, target: &str) -> String {
    match (c.receiver, called) {
        (Some(r), true) => format!("{r}.{}", c.method),
        _ => target.to_string(),
    }
}

/// The names a module answers to: its dotted path, and without a leading
/// `src.` (the `src/` layout puts the importable package one level down).
fn module_names(module: &str) -> Vec<String> {
    let mut out = vec![module.to_string()];
    if let Some(rest) = module.strip_prefix("src.") {
        out.push(rest.to_string());
    }
    out
}

impl ProjectModel<'_> {
    /// The function whose lines hold `line` in the file at `path`.
    pub fn function_at(&self, path: &str, line: usize) -> Option<FuncRef> {
        let fi = self.files.iter().position(|f| f.path == path)?;
        self.files[fi].summary.function_at(line).map(|i| (fi, i))
    }

    pub fn contexts_of(&self, f: FuncRef) -> ContextSet {
        self.contexts[self.gid(f) as usize]
    }

    /// `path:line` and the qualified name of a function.
    pub fn describe(&self, (fi, i): FuncRef) -> String {
        let s = self.files[fi].summary;
        let func = &s.functions[i];
        if i == 0 {
            format!("{} (module body)", self.files[fi].path)
        } else {
            format!(
                "`{}` at {}:{}",
                func.qualname, self.files[fi].path, func.line
            )
        }
    }

    fn func_of(&self, gid: u32) -> FuncRef {
        self.funcs[gid as usize]
    }

    /// Why `f` runs in `ctx`: the path from the entry point to `f`, entry
    /// first, at most 12 steps (the middle elided).
    pub fn path_to(&self, f: FuncRef, ctx: Context) -> Vec<Step> {
        let mut steps = vec![];
        let mut at = self.gid(f);
        let mut ctx = ctx;
        let mut seen = vec![];
        while let Some(why) = self.why.get(&(at, ctx)) {
            if seen.contains(&(at, ctx)) {
                break;
            }
            seen.push((at, ctx));
            match why {
                Why::Entry { text, file, line } => {
                    let (fi, i) = self.func_of(at);
                    steps.push(Step {
                        path: self.files[*file].path.to_string(),
                        line: *line,
                        message: format!(
                            "{}: {text}",
                            qualname_or_module(self.files[fi].summary, i)
                        ),
                    });
                    break;
                }
                Why::Via(e) => {
                    let (fi, _) = self.func_of(e.from);
                    let s = self.files[fi].summary;
                    let call = &view(s, &s.calls[e.call]);
                    let (tfi, ti) = self.func_of(e.to);
                    let callee = qualname_or_module(self.files[tfi].summary, ti);
                    let how = match e.kind {
                        EdgeKind::Call => format!("calls `{callee}`"),
                        EdgeKind::Construct => format!("constructs `{callee}`"),
                        EdgeKind::Depends => format!("depends on `{callee}` (`Depends`)"),
                        EdgeKind::Switch(Context::Script) if call.in_main => {
                            format!("`if __name__ == \"__main__\":` calls `{callee}`")
                        }
                        EdgeKind::Switch(Context::Once) => format!(
                            "calls `{callee}`, memoised without parameters: its body runs once"
                        ),
                        EdgeKind::Switch(k) => {
                            format!("runs `{callee}` in {} (`{}`)", k.as_str(), call.target)
                        }
                    };
                    steps.push(Step {
                        path: self.files[fi].path.to_string(),
                        line: call.line,
                        message: how,
                    });
                    if let EdgeKind::Switch(_) = e.kind {
                        // Across a switch, the caller's path is the one of the
                        // context that first reached it.
                        match self.first_context.get(&e.from) {
                            Some(k) => ctx = *k,
                            None => break,
                        }
                    }
                    at = e.from;
                }
            }
        }
        steps.reverse();
        if steps.len() > 12 {
            let tail = steps.split_off(steps.len() - 6);
            steps.truncate(6);
            steps.push(Step {
                path: String::new(),
                line: 0,
                message: "...".into(),
            });
            steps.extend(tail);
        }
        steps
    }

    /// The call sites that call `f` (edges into it).
    pub fn callers(&self, f: FuncRef) -> Vec<(FuncRef, usize, EdgeKind)> {
        self.in_edges[self.gid(f) as usize]
            .iter()
            .map(|e| {
                let from = self.func_of(e.from);
                (
                    from,
                    self.files[from.0].summary.calls[e.call].line as usize,
                    e.kind,
                )
            })
            .collect()
    }

    /// What `f` calls: (line, callee as written, resolved project functions).
    pub fn callees(&self, (fi, i): FuncRef) -> Vec<(usize, String, Vec<FuncRef>)> {
        let s = self.files[fi].summary;
        let mut by_call: BTreeMap<usize, Vec<FuncRef>> = BTreeMap::new();
        for e in &self.out_edges[self.gid((fi, i)) as usize] {
            by_call.entry(e.call).or_default().push(self.func_of(e.to));
        }
        s.calls
            .iter()
            .enumerate()
            .filter(|(_, c)| c.caller as usize == i)
            .map(|(ci, c)| {
                let c = view(s, c);
                let (_, class, _) = self.resolve_call(fi, &c);
                let target = match class {
                    Some(k) => format!("{} (constructs `{}`)", c.target, self.class_name(k)),
                    None => c.target.to_string(),
                };
                (c.line, target, by_call.remove(&ci).unwrap_or_default())
            })
            .collect()
    }

    /// The class `f` is a method of.
    pub fn class_of(&self, (fi, i): FuncRef) -> Option<ClassRef> {
        self.files[fi].summary.functions[i].class.map(|c| (fi, c))
    }

    pub fn class_name(&self, (fi, ci): ClassRef) -> String {
        format!(
            "{}.{}",
            self.files[fi].summary.module, self.files[fi].summary.classes[ci].qualname
        )
    }

    /// Where instances of `c` (or of a subclass) are built: (path, line, the
    /// function that builds them).
    pub fn construction_sites(&self, c: ClassRef) -> Vec<(String, usize, FuncRef)> {
        let mut classes = vec![c];
        classes.extend(self.descendants(c));
        let mut out = vec![];
        for k in classes {
            for (fi, ci) in self.constructions.get(&k).into_iter().flatten() {
                let call = &self.files[*fi].summary.calls[*ci];
                out.push((
                    self.files[*fi].path.to_string(),
                    call.line as usize,
                    (*fi, call.caller as usize),
                ));
            }
        }
        out.sort();
        out
    }

    pub fn path_of(&self, fi: usize) -> &str {
        self.files[fi].path
    }
}

fn qualname_or_module(s: &ModuleSummary, i: usize) -> String {
    if i == 0 {
        format!("{} (module body)", s.module)
    } else {
        s.functions[i].qualname.clone()
    }
}
