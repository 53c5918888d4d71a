//! Scopes opened by definitions: `def` and `class` (with their decorators,
//! parameters, annotations and bases) and `lambda`.

use tree_sitter::Node;

use super::{Builder, Cx};
use crate::python::model::*;
use crate::python::syntax::{dotted, fid, has_token, FastKind};

impl Builder {
    pub(super) fn decorator(&mut self, e: Node, d: Node, cx: Cx) -> Decorator {
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

    pub(super) fn new_scope(
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

    pub(super) fn function(&mut self, def: Node, outer: Node, cx: Cx, decorators: Vec<Decorator>) {
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

    pub(super) fn params(&mut self, p: Node, outer_cx: Cx, sid: ScopeId) {
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

    pub(super) fn class(&mut self, def: Node, outer: Node, cx: Cx, decorators: Vec<Decorator>) {
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
}
