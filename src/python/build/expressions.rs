//! The expression walk: each expression summarised as a [`Value`], recording
//! its calls (callee resolved, arguments, how the value is used), awaits, name
//! loads, binary operators, lambdas and comprehensions on the way.

use tree_sitter::Node;

use super::{Builder, Cx, MAX_DEPTH};
use crate::python::model::*;
use crate::python::syntax::{
    dotted, fid, has_interpolation, has_token, string_value, truncate, FastKind,
};

impl Builder {
    /// A shallow summary of an expression, without recording facts.
    pub(super) fn shallow(&self, n: Node) -> Value {
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
    pub(super) fn expr(&mut self, n: Node, cx: Cx) -> Value {
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
}
