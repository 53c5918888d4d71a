//! The statement walk: each statement of a block recorded (`stmts`), with the
//! facts of simple statements (assignments and their targets, `return`, `raise`,
//! `del`, `global`) and the blocks compound statements open (`if`/`elif`/`else`,
//! `for`, `while`, `try`/`except`/`else`/`finally`, `with`, `match`).

use tree_sitter::Node;

use super::{Builder, Cx, MAX_DEPTH};
use crate::python::model::*;
use crate::python::syntax::{dotted, fid, first_of_kind, has_token, truncate, FastKind};

impl Builder {
    /// Index the statements that are children of `n` (a module or block).
    pub(super) fn block_stmts(&mut self, n: Node, cx: Cx) {
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

    pub(super) fn stmt(&mut self, n: Node, cx: Cx) {
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

    pub(super) fn targets_into(&mut self, n: Node, cx: Cx, out: &mut Vec<Target>) {
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
}
