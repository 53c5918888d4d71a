//! Fixes as edits of the whole file, for `auditbench fix`: the edits a snippet
//! was written with, an applicability, and the imports they need.

use std::ops::Range;

use super::edit::{tidy, Edit};
use super::lines::line_start;
use crate::finding::{Applicability, Fix, TextEdit};
use crate::python::{ModuleIndex, ScopeKind, Span};

/// A rule's fix as edits of the module source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdits {
    pub applicability: Applicability,
    /// Sorted, not overlapping.
    pub edits: Vec<Edit>,
    /// The import statements the edits need (`import random`).
    pub imports: Vec<String>,
}

/// The edits as the window `from..=to` (lines) of a snippet shows them, or
/// `None` when the snippet had to leave one out (outside the window,
/// overlapping): the file is then not edited, so that it never gets less than
/// the snippet shows.
pub(crate) fn in_window(
    ix: &ModuleIndex,
    from: usize,
    to: usize,
    edits: &[Edit],
) -> Option<Vec<Edit>> {
    let start = line_start(ix, from);
    let window: Range<usize> = start..line_start(ix, to + 1).min(ix.source.len()).max(start);
    let kept = tidy(&ix.source, edits.to_vec(), &window);
    (kept.len() == edits.len()).then_some(kept)
}

/// The edit that adds `import MODULE` (`name: None`) or `from MODULE import
/// NAME` to the module, after its last top-level import (else after its
/// docstring), with the statement; no edit when the module already has it.
pub(crate) fn add_import(
    ix: &ModuleIndex,
    module: &str,
    name: Option<&str>,
) -> (String, Option<Edit>) {
    let (stmt, local, qualified) = match name {
        None => (
            format!("import {module}"),
            module.to_string(),
            module.to_string(),
        ),
        Some(n) => (
            format!("from {module} import {n}"),
            n.to_string(),
            format!("{module}.{n}"),
        ),
    };
    let has = ix.imports.iter().any(|i| {
        i.local == local && i.qualified == qualified && ix.scopes[i.scope].kind == ScopeKind::Module
    });
    if has {
        return (stmt, None);
    }
    let at = import_point(ix);
    let sep = if at == ix.source.len() && !ix.source.is_empty() && !ix.source.ends_with('\n') {
        "\n"
    } else {
        ""
    };
    let edit = Edit::insert(at, format!("{sep}{stmt}\n"));
    (stmt, Some(edit))
}

/// Whether the statement holding `span` is alone on its lines (no `a(); b()`),
/// so that replacing those lines replaces just it.
pub(crate) fn alone_on_its_lines(ix: &ModuleIndex, span: &Span) -> bool {
    let Some(st) = ix.statement_at(span) else {
        return false;
    };
    let head = &ix.source[line_start(ix, st.span.line)..st.span.start_byte];
    let end = line_start(ix, st.span.end_line + 1).max(st.span.end_byte);
    let tail = ix.source[st.span.end_byte..end].trim();
    head.trim().is_empty() && (tail.is_empty() || tail.starts_with('#'))
}

/// Whether `name` is free in `scope` (not a parameter, local, global or
/// module-level name), so that a fix may bind it.
pub(crate) fn name_is_free(ix: &ModuleIndex, scope: crate::python::ScopeId, name: &str) -> bool {
    let sc = &ix.scopes[scope];
    let module = &ix.scopes[0];
    !(sc.locals.iter().any(|l| l == name)
        || sc.params.iter().any(|p| p.name == name)
        || sc.globals.iter().any(|g| g == name)
        || module.locals.iter().any(|l| l == name))
}

/// Where module-level lines are added: after the last top-level import, else
/// after the module docstring, else before the first statement.
pub(crate) fn import_point(ix: &ModuleIndex) -> usize {
    *ix.cache
        .import_point
        .get_or_init(|| compute_import_point(ix))
}

fn compute_import_point(ix: &ModuleIndex) -> usize {
    let top = |k: &str| {
        ix.stmts
            .iter()
            .filter(|s| s.block.is_none() && ix.scopes[s.scope].kind == ScopeKind::Module)
            .filter(|s| k.is_empty() || s.kind.contains(k))
            .map(|s| s.span)
            .collect::<Vec<_>>()
    };
    let after_line = match top("import").last() {
        Some(s) => Some(s.end_line),
        None => top("").first().and_then(|s| {
            let t = ix.text_of(s).trim_start();
            let docstring =
                t.starts_with(['"', '\'']) || t.get(..2).is_some_and(|p| p.ends_with(['"', '\'']));
            docstring.then_some(s.end_line)
        }),
    };
    match after_line {
        Some(l) => line_start(ix, l + 1),
        None => top("").first().map_or(0, |s| line_start(ix, s.line)),
    }
}

/// The edit that adds the keyword argument `kw` (`timeout=10`) to the call
/// spanning `call`, before its closing parenthesis.
pub(crate) fn insert_keyword(ix: &ModuleIndex, call: &Span, kw: &str) -> Edit {
    let close = call.end_byte - 1;
    let inner = ix.source[..close].trim_end();
    // `)` on a line of its own after `arg,`: one more argument line.
    let own_line = inner.ends_with(',') && ix.source[inner.len()..close].contains('\n');
    if own_line {
        let at = ix.source[..close].rfind('\n').map_or(0, |p| p + 1);
        let arg_line = ix.source[..inner.len()].rfind('\n').map_or(0, |p| p + 1);
        let indent = &ix.source[arg_line..inner.len()];
        let indent = &indent[..indent.len() - indent.trim_start().len()];
        return Edit::insert(at, format!("{indent}{kw},\n"));
    }
    let sep = if inner.ends_with('(') || inner.ends_with(',') {
        ""
    } else {
        ", "
    };
    Edit::insert(close, format!("{sep}{kw}"))
}

/// The finding's fix: the snippets, with the file edits when there are some.
pub fn to_fix(snippet: Option<(String, String)>, edits: Option<FileEdits>) -> Option<Fix> {
    let (before, after) = snippet?;
    let mut fix = Fix::snippet(before, after);
    if let Some(e) = edits.filter(|e| !e.edits.is_empty()) {
        fix.edits = e
            .edits
            .into_iter()
            .map(|e| TextEdit {
                start: e.range.start,
                end: e.range.end,
                text: e.text,
            })
            .collect();
        fix.applicability = Some(e.applicability);
        fix.imports = e.imports;
    }
    Some(fix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ix(src: &str) -> ModuleIndex {
        crate::python::analyse(src.to_string(), "m", false).unwrap()
    }

    fn added(src: &str, module: &str, name: Option<&str>) -> Option<String> {
        let ix = ix(src);
        let (_, e) = add_import(&ix, module, name);
        e.map(|e| super::super::apply(&ix.source, &[e]).unwrap())
    }

    #[test]
    fn imports_go_after_the_last_top_level_import_or_the_docstring() {
        assert_eq!(
            added("import os\nimport sys\n\nx = 1\n", "random", None).as_deref(),
            Some("import os\nimport sys\nimport random\n\nx = 1\n")
        );
        assert_eq!(
            added("\"\"\"Doc.\"\"\"\nx = 1\n", "contextlib", Some("closing")).as_deref(),
            Some("\"\"\"Doc.\"\"\"\nfrom contextlib import closing\nx = 1\n")
        );
        assert_eq!(
            added("# c\nx = 1\n", "random", None).as_deref(),
            Some("# c\nimport random\nx = 1\n")
        );
        assert_eq!(
            added("import os", "random", None).as_deref(),
            Some("import os\nimport random\n")
        );
        // Inside a block is not at the top: `try: import x` keeps its body.
        assert_eq!(
            added("import os\ntry:\n    import ujson\nexcept ImportError:\n    ujson = None\n", "random", None).as_deref(),
            Some("import os\nimport random\ntry:\n    import ujson\nexcept ImportError:\n    ujson = None\n")
        );
        assert_eq!(added("import random\n", "random", None), None);
        assert_eq!(
            added(
                "from contextlib import closing\n",
                "contextlib",
                Some("closing")
            ),
            None
        );
    }
}
