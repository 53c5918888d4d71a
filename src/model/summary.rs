//! Module summaries: the small, owned projection of one module's index that
//! the project model is built from. Computed in the parallel per-file pass
//! (a projection of tables the index already has: no second walk of the tree),
//! stored with the file's facts, and recomputed only when the file changes.
//!
//! A summary records *shapes*, never framework meaning: `@router.get("/x")` is
//! a decorator whose call target is `router.get` with the string argument
//! `/x`. What a shape means (a FastAPI route) is the project pass's business
//! (`super::frameworks`), so a change of the framework table never invalidates
//! a summary.

use serde::{Deserialize, Serialize};

use crate::python::{BlockKind, CallUse, ModuleIndex, ScopeKind, Value};

/// One module's summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleSummary {
    /// Dotted module name from the path (`app.db`; `__init__.py` names the package).
    pub module: String,
    pub is_package: bool,
    /// The module has an `if __name__ == "__main__":` block.
    pub main_block: bool,
    /// Module-level imports: local name -> absolute qualified name.
    pub imports: Vec<ImportSum>,
    /// Functions and methods; index 0 is the module body (`<module>`).
    pub functions: Vec<FuncSum>,
    pub classes: Vec<ClassSum>,
    /// Module-level bindings by assignment.
    pub globals: Vec<GlobalSum>,
    /// Every call (decorator calls included), in the index's order.
    pub calls: Vec<CallSum>,
    /// The arguments of every call (see [`CallSum::args_start`]).
    pub args: Vec<ArgSum>,
    /// The interned strings of `calls` and `args` (`strings[0]` is "").
    pub strings: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSum {
    pub local: String,
    pub qualified: String,
    pub line: usize,
}

/// How a function is bound in its class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FuncKind {
    /// The module body.
    Module,
    #[default]
    Plain,
    Method,
    ClassMethod,
    StaticMethod,
    Property,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FuncSum {
    /// Qualified name inside the module (`Cache.get`, `handler.<locals>.inner`).
    pub qualname: String,
    pub kind: FuncKind,
    /// Index into `classes` of the class this is a method of.
    pub class: Option<usize>,
    /// Index into `functions` of the enclosing function (nested defs).
    pub parent: Option<usize>,
    pub is_async: bool,
    pub line: usize,
    pub end_line: usize,
    pub decorators: Vec<DecoratorSum>,
    pub params: Vec<ParamSum>,
    /// Callees (as in [`CallSum::target`]) of the calls whose value it returns.
    pub returns: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecoratorSum {
    /// The decorator without its arguments, resolved through imports when it
    /// can be (`fastapi.FastAPI`-typed receivers are resolved later).
    pub target: String,
    /// The decorator's call in `calls`, when it is called (`@app.get("/x")`).
    pub call: Option<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParamSum {
    pub name: String,
    /// Qualified names in the annotation.
    pub annotation: Vec<String>,
    /// The default is a call (`Depends(get_db)`): its index in `calls`.
    pub default_call: Option<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassSum {
    pub qualname: String,
    /// Base classes, resolved through imports where possible (else as written).
    pub bases: Vec<String>,
    pub line: usize,
    pub end_line: usize,
    /// What its instances' attributes hold, as far as assignments say.
    pub attrs: Vec<AttrSum>,
}

/// An attribute of a class's instances and what it holds: `self.client =
/// httpx.Client()` or `self.sms = sms` (from an annotated parameter) in a
/// method, `client: httpx.Client` or `pool = Pool()` in the class body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttrSum {
    pub name: String,
    /// The callee of the call that builds the value (as in [`GlobalSum`]).
    pub constructed: Option<String>,
    /// Qualified names in its annotation, or in the annotation of the
    /// parameter whose value it is assigned.
    pub annotation: Vec<String>,
    pub line: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GlobalSum {
    pub name: String,
    /// The call that builds the value (`httpx.AsyncClient(...)`): its target.
    pub constructed: Option<String>,
    pub line: usize,
}

/// An interned string of a summary: an index into [`ModuleSummary::strings`];
/// 0 is the empty string, which stands for "none".
pub type Sym = u32;

/// "No call" in a call index field.
pub const NO_CALL: u32 = u32::MAX;

/// One argument of a call, as far as the model reads it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArgSum {
    pub keyword: Sym,
    /// A name or attribute chain passed as a value (a function reference:
    /// `Thread(target=work)`, `Depends(get_db)`), resolved when possible.
    pub reference: Sym,
    /// A call passed as the value (`create_task(worker())`): its index in
    /// `calls`, or [`NO_CALL`].
    pub call: u32,
    /// A string literal.
    pub string: Sym,
}

/// Call flags.
pub const IN_LOOP: u8 = 1;
pub const AWAITED: u8 = 2;
/// In the module's `if __name__ == "__main__":` block.
pub const IN_MAIN: u8 = 4;

/// One call. Small on purpose (a project has about one call per two lines):
/// strings are interned, arguments live in [`ModuleSummary::args`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallSum {
    /// Index into `functions` of the function the call is in.
    pub caller: u32,
    /// The callee resolved through imports (`httpx.AsyncClient`,
    /// `app.db.get_engine`), else as written (`self.m`, `helper`, `router.get`).
    pub target: Sym,
    /// The callee's receiver as written (`self`, `self.client`, `router`).
    pub receiver: Sym,
    /// The receiver is a call (`super().close()`): its index in `calls`, or
    /// [`NO_CALL`].
    pub receiver_call: u32,
    pub method: Sym,
    pub line: u32,
    /// The call's arguments: `args[args_start..args_start + args_len]`.
    pub args_start: u32,
    pub args_len: u16,
    pub flags: u8,
    /// A local name the result is assigned to (`client = make_client()`).
    pub assigned_to: Sym,
}

impl ModuleSummary {
    /// The text of a symbol.
    pub fn str(&self, sym: Sym) -> &str {
        self.strings.get(sym as usize).map_or("", String::as_str)
    }

    /// A symbol's text, `None` for the empty symbol.
    pub fn opt(&self, sym: Sym) -> Option<&str> {
        (sym != 0).then(|| self.str(sym))
    }

    /// The arguments of a call.
    pub fn args_of(&self, c: &CallSum) -> &[ArgSum] {
        let start = c.args_start as usize;
        &self.args[start..start + c.args_len as usize]
    }

    /// The function whose lines hold `line` most closely (the innermost).
    pub fn function_at(&self, line: usize) -> Option<usize> {
        self.functions
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, f)| f.line <= line && line <= f.end_line)
            .min_by_key(|(_, f)| f.end_line - f.line)
            .map(|(i, _)| i)
            .or((!self.functions.is_empty()).then_some(0))
    }
}

/// The summary of an indexed module.
pub fn summarize(ix: &ModuleIndex, is_package: bool) -> ModuleSummary {
    let mut s = ModuleSummary {
        module: ix.module_name.clone(),
        is_package,
        ..Default::default()
    };
    // Scopes -> functions and classes (lambdas belong to their function).
    let mut func_of_scope = vec![0usize; ix.scopes.len()];
    let mut class_of_scope: Vec<Option<usize>> = vec![None; ix.scopes.len()];
    s.functions.push(FuncSum {
        qualname: "<module>".into(),
        kind: FuncKind::Module,
        line: 1,
        end_line: ix.line_count().max(1),
        ..Default::default()
    });
    for (sid, sc) in ix.scopes.iter().enumerate().skip(1) {
        let parent = sc.parent.unwrap_or(0);
        match sc.kind {
            ScopeKind::Class => {
                class_of_scope[sid] = Some(s.classes.len());
                s.classes.push(ClassSum {
                    qualname: sc.qualname.clone(),
                    bases: sc
                        .bases
                        .iter()
                        .filter_map(|b| b.path())
                        .map(|b| ix.resolve(b, parent).unwrap_or_else(|| b.to_string()))
                        .collect(),
                    line: sc.span.line,
                    end_line: sc.span.end_line,
                    attrs: vec![],
                });
                func_of_scope[sid] = func_of_scope[parent];
            }
            ScopeKind::Function => {
                let class = (ix.scopes[parent].kind == ScopeKind::Class)
                    .then(|| class_of_scope[parent])
                    .flatten();
                let deco = |n: &str| sc.decorators.iter().any(|d| d.text == n);
                let kind = match class {
                    None => FuncKind::Plain,
                    Some(_) if deco("staticmethod") => FuncKind::StaticMethod,
                    Some(_) if deco("classmethod") => FuncKind::ClassMethod,
                    Some(_) if deco("property") => FuncKind::Property,
                    Some(_) => FuncKind::Method,
                };
                func_of_scope[sid] = s.functions.len();
                let enclosing = func_of_scope[parent];
                s.functions.push(FuncSum {
                    qualname: sc.qualname.clone(),
                    kind,
                    class,
                    parent: (ix.scopes[parent].kind == ScopeKind::Function).then_some(enclosing),
                    is_async: sc.is_async,
                    line: sc.span.line,
                    end_line: sc.span.end_line,
                    decorators: sc
                        .decorators
                        .iter()
                        .map(|d| DecoratorSum {
                            target: d.qualified.clone().unwrap_or_else(|| d.text.clone()),
                            call: d.call,
                        })
                        .collect(),
                    params: sc
                        .params
                        .iter()
                        .map(|p| ParamSum {
                            name: p.name.clone(),
                            annotation: p.annotation_qualified.clone(),
                            default_call: match &p.default {
                                Some(Value::Call(c)) => Some(*c),
                                _ => None,
                            },
                        })
                        .collect(),
                    returns: vec![],
                });
            }
            ScopeKind::Lambda | ScopeKind::Module => {
                func_of_scope[sid] = func_of_scope[parent];
            }
        }
    }
    for imp in ix.imports.iter().filter(|i| i.scope == 0) {
        s.imports.push(ImportSum {
            local: imp.local.clone(),
            qualified: imp.qualified.clone(),
            line: imp.span.line,
        });
    }
    // Calls: call ids of the index are kept as indexes (one entry per call).
    let target_of = |c: &crate::python::Call| -> String {
        c.qualified
            .clone()
            .or_else(|| c.callee.clone())
            .unwrap_or_else(|| c.method.clone())
    };
    let assigned: std::collections::HashMap<usize, String> = ix
        .assignments
        .iter()
        .filter_map(|a| {
            let id = match &a.value {
                Some(Value::Call(id)) => *id,
                Some(Value::Await(inner)) => match inner.as_ref() {
                    Value::Call(id) => *id,
                    _ => return None,
                },
                _ => return None,
            };
            let name = a.targets.iter().find_map(|t| match t {
                crate::python::Target::Name(n) | crate::python::Target::Attr(n) => Some(n.clone()),
                _ => None,
            })?;
            Some((id, name))
        })
        .collect();
    let main_ifs: Vec<usize> = ix
        .ifs
        .iter()
        .enumerate()
        .filter(|(_, i)| {
            i.scope == 0 && {
                let t = ix.text_of(&i.test_span);
                t.contains("__name__") && t.contains("__main__")
            }
        })
        .map(|(id, _)| id)
        .collect();
    s.main_block = !main_ifs.is_empty();
    let mut strings = Interner::default();
    for (id, c) in ix.calls.iter().enumerate() {
        let in_main = c.scope == 0
            && !main_ifs.is_empty()
            && ix
                .blocks_of(c.block)
                .any(|b| b.kind == BlockKind::If && main_ifs.contains(&b.owner));
        let args_start = s.args.len() as u32;
        for a in c.args.iter().take(u16::MAX as usize) {
            let value = match &a.value {
                Value::Await(inner) => inner.as_ref(),
                v => v,
            };
            let reference = match value.path() {
                Some(p) => match ix.resolve(p, c.scope) {
                    Some(q) => strings.get(&q),
                    None => strings.get(p),
                },
                None => 0,
            };
            s.args.push(ArgSum {
                keyword: a.keyword.as_deref().map_or(0, |k| strings.get(k)),
                reference,
                call: match value {
                    Value::Call(id) => *id as u32,
                    _ => NO_CALL,
                },
                string: value.as_str().map_or(0, |x| strings.get(x)),
            });
        }
        let flags = (ix.inside(c.block, BlockKind::Loop) as u8 * IN_LOOP)
            | ((c.awaited || matches!(c.usage, CallUse::Awaited)) as u8 * AWAITED)
            | (in_main as u8 * IN_MAIN);
        s.calls.push(CallSum {
            caller: func_of_scope[c.scope] as u32,
            target: strings.get(&target_of(c)),
            receiver: c.receiver_path().map_or(0, |r| strings.get(r)),
            receiver_call: match &c.receiver {
                Some(Value::Call(id)) => *id as u32,
                _ => NO_CALL,
            },
            method: strings.get(&c.method),
            line: c.span.line as u32,
            args_start,
            args_len: (s.args.len() as u32 - args_start) as u16,
            flags,
            assigned_to: assigned.get(&id).map_or(0, |n| strings.get(n)),
        });
    }
    s.strings = strings.into_strings();
    let keep = call_kept(ix, &s);
    prune_calls(&mut s, &keep);
    // What a function returns: a call, or a local name assigned from a call
    // (`app = FastAPI(); ...; return app`).
    let assigned_in: std::collections::HashMap<(usize, &str), &crate::python::Call> = ix
        .assignments
        .iter()
        .filter_map(|a| {
            let c = a.value.as_ref().and_then(|v| ix.call_value(v))?;
            let name = a.targets.iter().find_map(|t| match t {
                crate::python::Target::Name(n) => Some(n.as_str()),
                _ => None,
            })?;
            Some(((a.scope, name), c))
        })
        .collect();
    for r in ix.returns.iter().filter(|r| !r.is_yield) {
        let call = match r.value.as_ref() {
            Some(Value::Name(n)) => assigned_in.get(&(r.scope, n.as_str())).copied(),
            Some(v) => ix.call_value(v),
            None => None,
        };
        if let Some(c) = call {
            let f = func_of_scope[r.scope];
            s.functions[f].returns.push(target_of(c));
        }
    }
    summarize_attrs(ix, &class_of_scope, &mut s, &target_of);
    for a in ix.assignments.iter().filter(|a| a.scope == 0) {
        for t in &a.targets {
            if let crate::python::Target::Name(n) = t {
                s.globals.push(GlobalSum {
                    name: n.clone(),
                    constructed: a
                        .value
                        .as_ref()
                        .and_then(|v| ix.call_value(v))
                        .map(target_of),
                    line: a.span.line,
                });
            }
        }
    }
    s
}

/// Most attributes recorded per class: the model needs the few a class's
/// methods call through, and a generated class must not grow a summary.
const MAX_ATTRS: usize = 64;

/// The attributes of each class's instances (see [`AttrSum`]): assignments to
/// `self.<name>` in the class's methods and to names in the class body,
/// whose value is a call or an annotated parameter, or which carry an
/// annotation. The first assignment of a name that says something wins.
fn summarize_attrs(
    ix: &ModuleIndex,
    class_of_scope: &[Option<usize>],
    s: &mut ModuleSummary,
    target_of: &dyn Fn(&crate::python::Call) -> String,
) {
    for a in &ix.assignments {
        let scope = &ix.scopes[a.scope];
        // In the class body, or in a method (a function directly in a class).
        let (class, in_body) = match scope.kind {
            ScopeKind::Class => (class_of_scope[a.scope], true),
            ScopeKind::Function => match scope.parent {
                Some(p) if ix.scopes[p].kind == ScopeKind::Class => (class_of_scope[p], false),
                _ => (None, false),
            },
            _ => (None, false),
        };
        let Some(class) = class else { continue };
        for t in &a.targets {
            let name = match t {
                crate::python::Target::Name(n) if in_body => n.as_str(),
                crate::python::Target::Attr(path) if !in_body => match path.split_once('.') {
                    Some(("self" | "cls", attr)) if !attr.contains('.') => attr,
                    _ => continue,
                },
                _ => continue,
            };
            let constructed = a
                .value
                .as_ref()
                .and_then(|v| ix.call_value(v))
                .map(target_of);
            let mut annotation = a
                .annotation
                .as_deref()
                .map(|text| annotation_names(ix, text, a.scope))
                .unwrap_or_default();
            if let (Some(Value::Name(n)), false) = (&a.value, in_body) {
                if let Some(p) = scope.params.iter().find(|p| &p.name == n) {
                    annotation.extend(p.annotation_qualified.iter().cloned());
                }
            }
            if constructed.is_none() && annotation.is_empty() {
                continue;
            }
            let attrs = &mut s.classes[class].attrs;
            if attrs.len() < MAX_ATTRS && !attrs.iter().any(|x| x.name == name) {
                attrs.push(AttrSum {
                    name: name.to_string(),
                    constructed,
                    annotation,
                    line: a.span.line,
                });
            }
        }
    }
}

/// The dotted names of an annotation as written (`Optional["httpx.Client"]`,
/// `Client | None`), each resolved through the module's imports.
fn annotation_names(ix: &ModuleIndex, text: &str, scope: usize) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .filter(|w| w.starts_with(|c: char| c.is_alphabetic() || c == '_'))
        .take(8)
        .map(|w| ix.resolve(w, scope).unwrap_or_else(|| w.to_string()))
        .collect()
}

/// Standard-library modules whose calls never matter to the project pass
/// (no framework row names them, and they are not the project's): their
/// calls are left out of a summary. The framework table's own roots
/// (`asyncio`, `threading`, `concurrent`, `atexit`...) are not here.
const NOISE_ROOTS: &[&str] = &[
    "abc",
    "argparse",
    "array",
    "base64",
    "binascii",
    "bisect",
    "builtins",
    "calendar",
    "codecs",
    "collections",
    "contextlib",
    "copy",
    "csv",
    "dataclasses",
    "datetime",
    "decimal",
    "difflib",
    "email",
    "enum",
    "errno",
    "fnmatch",
    "fractions",
    "functools",
    "gc",
    "gettext",
    "glob",
    "gzip",
    "hashlib",
    "heapq",
    "hmac",
    "html",
    "inspect",
    "io",
    "ipaddress",
    "itertools",
    "json",
    "keyword",
    "locale",
    "logging",
    "math",
    "mimetypes",
    "numbers",
    "operator",
    "os",
    "pathlib",
    "pickle",
    "platform",
    "pprint",
    "random",
    "re",
    "secrets",
    "shlex",
    "shutil",
    "string",
    "struct",
    "sys",
    "tempfile",
    "textwrap",
    "time",
    "token",
    "tokenize",
    "traceback",
    "types",
    "typing",
    "typing_extensions",
    "unicodedata",
    "urllib",
    "uuid",
    "warnings",
    "weakref",
    "xml",
    "zlib",
];

/// Which calls of `ix` a summary keeps: those the project pass can resolve
/// or match (see `super::project`), and every call another kept one refers to
/// (an argument, a receiver, a decorator, a parameter default). Left out:
/// bare names the module does not bind (builtins: `len`, `print`), methods
/// of locals that are neither parameters with an annotation nor assigned
/// from a call (`items.append`), and calls into standard-library modules no
/// framework row names (`json.dumps`). About two calls in three go, and with
/// them most of a summary's size.
fn call_kept(ix: &ModuleIndex, s: &ModuleSummary) -> Vec<bool> {
    use std::collections::HashSet;
    let mut bound: HashSet<&str> = HashSet::new();
    for imp in &ix.imports {
        bound.insert(imp.local.as_str());
    }
    for g in &s.globals {
        bound.insert(g.name.as_str());
    }
    for f in s.functions.iter().skip(1) {
        bound.insert(f.qualname.rsplit('.').next().unwrap_or(&f.qualname));
    }
    for c in &s.classes {
        bound.insert(c.qualname.rsplit('.').next().unwrap_or(&c.qualname));
    }
    let mut typed_locals: HashSet<(usize, &str)> = HashSet::new();
    for a in &ix.assignments {
        if a.value.as_ref().and_then(|v| ix.call_value(v)).is_some() {
            for t in &a.targets {
                if let crate::python::Target::Name(n) = t {
                    typed_locals.insert((a.scope, n.as_str()));
                }
            }
        }
    }
    let mut keep: Vec<bool> = ix
        .calls
        .iter()
        .map(|c| {
            if matches!(c.receiver, Some(Value::Call(_))) {
                return true;
            }
            if let Some(q) = &c.qualified {
                let root = q.split('.').next().unwrap_or(q);
                return !NOISE_ROOTS.contains(&root);
            }
            let written = c.callee.as_deref().unwrap_or(&c.method);
            let head = written.split('.').next().unwrap_or(written);
            if head == "self" || head == "cls" || head == "super" || bound.contains(head) {
                return true;
            }
            if typed_locals.contains(&(c.scope, head)) {
                return true;
            }
            ix.scopes[c.scope]
                .params
                .iter()
                .any(|p| p.name == head && !p.annotation_qualified.is_empty())
        })
        .collect();
    for f in &s.functions {
        for d in &f.decorators {
            if let Some(c) = d.call {
                keep[c] = true;
            }
        }
        for p in &f.params {
            if let Some(c) = p.default_call {
                keep[c] = true;
            }
        }
    }
    // Calls a kept call refers to (`create_task(worker())`, `super().m()`).
    let mut work: Vec<usize> = (0..keep.len()).filter(|&i| keep[i]).collect();
    while let Some(i) = work.pop() {
        let c = &s.calls[i];
        let refs = s
            .args_of(c)
            .iter()
            .map(|a| a.call)
            .chain([c.receiver_call])
            .filter(|&r| r != NO_CALL);
        for r in refs {
            if !keep[r as usize] {
                keep[r as usize] = true;
                work.push(r as usize);
            }
        }
    }
    keep
}

/// Drops the calls `keep` leaves out, renumbering every reference to a call.
fn prune_calls(s: &mut ModuleSummary, keep: &[bool]) {
    let mut new_id = vec![NO_CALL; keep.len()];
    let mut n = 0u32;
    for (i, k) in keep.iter().enumerate() {
        if *k {
            new_id[i] = n;
            n += 1;
        }
    }
    let remap = |c: u32| {
        if c == NO_CALL {
            NO_CALL
        } else {
            new_id[c as usize]
        }
    };
    let old_calls = std::mem::take(&mut s.calls);
    let old_args = std::mem::take(&mut s.args);
    for (i, c) in old_calls.into_iter().enumerate() {
        if !keep[i] {
            continue;
        }
        let start = s.args.len() as u32;
        for a in &old_args[c.args_start as usize..(c.args_start as usize + c.args_len as usize)] {
            s.args.push(ArgSum {
                call: remap(a.call),
                ..*a
            });
        }
        s.calls.push(CallSum {
            receiver_call: remap(c.receiver_call),
            args_start: start,
            ..c
        });
    }
    for f in &mut s.functions {
        for d in &mut f.decorators {
            d.call = d.call.map(|c| new_id[c] as usize);
        }
        for p in &mut f.params {
            p.default_call = p.default_call.map(|c| new_id[c] as usize);
        }
    }
    // Only the strings the kept calls use stay.
    let old = std::mem::take(&mut s.strings);
    let mut strings = Interner::default();
    let mut sym = |x: Sym| strings.get(old.get(x as usize).map_or("", String::as_str));
    for c in &mut s.calls {
        c.target = sym(c.target);
        c.receiver = sym(c.receiver);
        c.method = sym(c.method);
        c.assigned_to = sym(c.assigned_to);
    }
    for a in &mut s.args {
        a.keyword = sym(a.keyword);
        a.reference = sym(a.reference);
        a.string = sym(a.string);
    }
    s.strings = strings.into_strings();
}

/// Interns the strings of one summary.
struct Interner {
    ids: std::collections::HashMap<String, Sym>,
    strings: Vec<String>,
}

impl Default for Interner {
    fn default() -> Self {
        Interner {
            ids: Default::default(),
            strings: vec![String::new()],
        }
    }
}

impl Interner {
    fn get(&mut self, text: &str) -> Sym {
        if text.is_empty() {
            return 0;
        }
        if let Some(id) = self.ids.get(text) {
            return *id;
        }
        let id = self.strings.len() as Sym;
        self.strings.push(text.to_string());
        self.ids.insert(text.to_string(), id);
        id
    }

    fn into_strings(self) -> Vec<String> {
        self.strings
    }
}

/// The format version of [`encode`]: a summary written by another version is
/// not read (the file is analysed again instead).
const FORMAT: u8 = 2;

/// A summary's compact binary form (postcard: varints, no field names), as
/// the scan keeps it in memory and the database stores it.
pub fn encode(s: &ModuleSummary) -> Vec<u8> {
    let mut out = vec![FORMAT];
    // Serialising owned plain data into a Vec cannot fail.
    out.extend(postcard::to_stdvec(s).unwrap_or_default());
    out
}

/// The summary of [`encode`]'s bytes; `None` for another format version or
/// damaged bytes.
pub fn decode(bytes: &[u8]) -> Option<ModuleSummary> {
    match bytes.split_first() {
        Some((&FORMAT, rest)) => postcard::from_bytes(rest).ok(),
        _ => None,
    }
}
