//! Tree-sitter helpers the index builder uses: the grammar, field ids and node
//! kinds looked up once, spans of nodes in the module's line table, and small
//! readings of nodes (dotted names, leading tokens, string literal values).

use tree_sitter::Node;

use super::model::Span;
use super::module_index::ModuleIndex;

/// The Python grammar.
pub(super) fn language() -> tree_sitter::Language {
    tree_sitter_python::LANGUAGE.into()
}

/// The id of a grammar field, looked up once per call site (`child_by_field_name`
/// looks the name up by string comparison on every call). `0` (no such field) makes
/// `child_by_field_id` return `None`, exactly like `child_by_field_name`.
macro_rules! fid {
    ($name:literal) => {{
        static ID: std::sync::OnceLock<u16> = std::sync::OnceLock::new();
        *ID.get_or_init(|| {
            $crate::python::syntax::language()
                .field_id_for_name($name)
                .map_or(0, |f| f.get())
        })
    }};
}
pub(super) use fid;

/// `Node::kind` from a table built once: the same name, without the `strlen` and
/// UTF-8 check `Node::kind` does on every call.
pub(super) trait FastKind<'tree> {
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

impl ModuleIndex {
    pub(super) fn span(&self, n: Node) -> Span {
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

/// `a.b.c` for identifier/attribute chains, iteratively; `None` when the chain is
/// rooted in anything else (a call, a subscript).
pub(super) fn dotted(n: Node, src: &[u8]) -> Option<String> {
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

pub(super) fn has_token(n: Node, token: &str) -> bool {
    let mut c = n.walk();
    let found = n
        .children(&mut c)
        .take_while(|k| !k.is_named() || k.kind_fast() == "comment")
        .any(|k| k.kind_fast() == token);
    found
}

pub(super) fn first_of_kind<'t>(n: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut c = n.walk();
    let found = n.named_children(&mut c).find(|k| k.kind_fast() == kind);
    found
}

pub(super) fn has_interpolation(n: Node) -> bool {
    let mut c = n.walk();
    let found = n
        .named_children(&mut c)
        .any(|k| k.kind_fast() == "interpolation");
    found
}

/// The value of a plain string literal, without prefix and quotes.
pub(super) fn string_value(text: &str) -> String {
    let t = text.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    for q in ["\"\"\"", "'''", "\"", "'"] {
        if t.len() >= 2 * q.len() && t.starts_with(q) && t.ends_with(q) {
            return t[q.len()..t.len() - q.len()].to_string();
        }
    }
    t.to_string()
}

pub(super) fn truncate(s: &str) -> String {
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
