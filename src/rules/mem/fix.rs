//! The MEM fix text: bounded replacements for the collections that
//! [`super::collections`] finds, and snippet helpers with a statement lookup
//! table (MEM reports many findings per module).

use std::collections::HashMap;
use std::ops::Range;

use super::collections::{CollKind, Collection, Owner};
use crate::python::{ModuleIndex, ScopeId, ScopeKind, Span, Stmt};
use crate::rules::fix::{self, indent, Edit, MAX_LINES};

/// Whether a statement starts on 1-based `line`.
pub(crate) fn starts_statement(ix: &ModuleIndex, line: usize) -> bool {
    ix.stmts.iter().any(|s| s.span.line == line)
}

/// Lines `from..=to` with `edits` applied, dedented. MEM snippets show a window
/// unedited when no statement starts on its first line (as they always have:
/// the window's start was found from such a statement).
pub(crate) fn lines_with(ix: &ModuleIndex, from: usize, to: usize, edits: Vec<Edit>) -> String {
    lines_or_splice(ix, starts_statement(ix, from), from, to, edits)
}

fn lines_or_splice(
    ix: &ModuleIndex,
    editable: bool,
    from: usize,
    to: usize,
    edits: Vec<Edit>,
) -> String {
    if editable {
        fix::splice(ix, from, to, edits)
    } else {
        fix::lines(ix, from, to)
    }
}

/// Statement lookups for fix snippets, built once per rule run:
/// [`ModuleIndex::statement_at`] and [`starts_statement`] scan every statement, and
/// MEM001, MEM002 and MEM005 call them a few times per finding (quadratic on a
/// module of 20 000 growing collections). Same answers as those two.
pub(crate) struct Snippets<'a> {
    pub(crate) ix: &'a ModuleIndex,
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
    pub(crate) fn new(ix: &'a ModuleIndex) -> Self {
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
    pub(crate) fn statement_at(&self, span: &Span) -> Option<&'a Stmt> {
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

    /// [`starts_statement`].
    pub(crate) fn starts_statement(&self, line: usize) -> bool {
        self.first_on_line.contains_key(&line)
    }

    /// [`lines_with`].
    pub(crate) fn lines_with(&self, from: usize, to: usize, edits: Vec<Edit>) -> String {
        lines_or_splice(self.ix, self.starts_statement(from), from, to, edits)
    }

    /// A function scope as a snippet with edits: the whole function when it is
    /// short, else its header line and the statement at `focus`.
    pub(crate) fn scope_snippet_with(
        &self,
        scope: ScopeId,
        focus: &Span,
        edits: Vec<Edit>,
    ) -> String {
        let ix = self.ix;
        let sc = &ix.scopes[scope];
        let stmt = self.statement_at(focus).map(|s| s.span).unwrap_or(*focus);
        if sc.kind == ScopeKind::Module {
            return self.lines_with(stmt.line, stmt.end_line, edits);
        }
        if sc.span.end_line - sc.span.line < MAX_LINES && self.starts_statement(sc.span.line) {
            return self.lines_with(sc.span.line, sc.span.end_line, edits);
        }
        let mut header = ix.line_text(sc.name_span.line).trim().to_string();
        if !header.ends_with(':') {
            let kw = if sc.is_async { "async def" } else { "def" };
            header = format!("{kw} {}(*args, **kwargs):", sc.name);
        }
        let body = self.lines_with(
            stmt.line,
            stmt.end_line.min(stmt.line + MAX_LINES - 3),
            edits,
        );
        format!("{header}\n{}    ...\n", indent(&body, 4))
    }
}

/// The bytes of an assignment's value (its last expression).
pub(crate) fn value_span(ix: &ModuleIndex, ai: usize) -> Option<Range<usize>> {
    let a = &ix.assignments[ai];
    if let Some(call) = a.value.as_ref().and_then(|v| ix.call_value(v)) {
        return Some(call.span.start_byte..call.span.end_byte);
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
                return Some(a.span.start_byte + i..a.span.end_byte);
            }
        }
    }
    None
}

/// The bytes of an annotated assignment's annotation.
pub(crate) fn annotation_span(ix: &ModuleIndex, ai: usize) -> Option<Range<usize>> {
    let a = &ix.assignments[ai];
    let ann = a.annotation.as_deref()?;
    let text = ix.text_of(&a.span);
    let colon = text.find(':')?;
    let rel = text[colon..].find(ann)? + colon;
    let start = a.span.start_byte + rel;
    Some(start..start + ann.len())
}

/// The `before`/`after` pair for an unbounded collection: its definition (and the
/// first growing function) rewritten with a bounded type in the seeds' style:
/// `TTLCache` for module-level maps, `LRUCache` for instance maps, `deque(maxlen)`
/// for lists.
pub(crate) fn growth_fix(sn: &Snippets, c: &Collection) -> (String, String) {
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
    let mut init_edits = vec![];
    if let Some(v) = value_span(ix, c.init) {
        init_edits.push(Edit::replace(v, ctor.clone()));
    }
    if let Some(s) = annotation_span(ix, c.init) {
        init_edits.push(Edit::replace(s, ty));
    }
    let stmt = sn.statement_at(&a.span).map(|s| s.span).unwrap_or(a.span);
    let init_before = sn.lines_with(stmt.line, stmt.end_line, vec![]);
    let mut init_after = sn.lines_with(stmt.line, stmt.end_line, init_edits);
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
    let mut edits = vec![];
    if c.kind == CollKind::Set {
        for g2 in c.growth.iter().filter(|g2| g2.scope == g.scope) {
            if let Some(call) = g2.call.map(|i| &ix.calls[i]) {
                if call.method == "add" {
                    if let (Some(r), Some(arg)) = (call.receiver_path(), call.positional(0)) {
                        let text = format!("{r}[{}] = True", ix.text_of(&arg.span));
                        edits.push(Edit::replace(
                            call.span.start_byte..call.span.end_byte,
                            text,
                        ));
                    }
                }
            }
        }
    }
    let fn_before = sn.scope_snippet_with(g.scope, &g.span, vec![]);
    let fn_after = sn.scope_snippet_with(g.scope, &g.span, edits);
    (
        format!("{init_before}\n\n{fn_before}"),
        format!("{import}\n\n{extra}{init_after}\n\n{fn_after}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::mem::collections::tests::{index, SOURCE};

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
            assert_eq!(
                sn.starts_statement(line),
                starts_statement(&ix, line),
                "line {line}"
            );
        }
    }

    #[test]
    fn a_statement_line_starts_where_the_toolkit_says() {
        // MEM once found a line's start from a statement on it (its start byte
        // less the bytes of its column): the same offset as `fix::line_start`.
        let ix = index(&format!(
            "{SOURCE}\nnom = \"\u{e9}t\u{e9}\"; \u{e9}t\u{e9} = {{}}\n"
        ));
        for st in &ix.stmts {
            let prefix: usize = ix
                .line_text(st.span.line)
                .chars()
                .take(st.span.column - 1)
                .map(char::len_utf8)
                .sum();
            assert_eq!(
                fix::line_start(&ix, st.span.line),
                st.span.start_byte - prefix
            );
        }
    }
}
