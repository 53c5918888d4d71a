//! A file's text as the scan read it, kept for the store: the real code at a
//! finding's place after it was fixed, and the anchor lines of manual findings.
//! The store records a scan from what the scan read, never from the file on
//! disk (which may have been saved again since): a newer state is the next
//! batch's business.
//!
//! The scan keeps the text only of the files the caller asks for
//! ([`KeepText`]): the ones holding stored findings. Keeping every file's text
//! held the whole project's text during a sync (87 MB for 2.5 M lines).

use std::collections::HashSet;

use crate::python::{ModuleIndex, ScopeKind};

/// Longest after-code shown, in lines.
const MAX_LINES: usize = 40;
/// Lines shown on each side of a finding whose scope is gone or is the module.
const CONTEXT: usize = 4;

/// Which files' text a scan keeps in its result.
#[derive(Debug, Clone, Default)]
pub enum KeepText {
    /// None (a scan that is not recorded).
    #[default]
    None,
    /// Every file's (a watcher batch: a few files).
    All,
    /// The files in `analysed` when they are analysed, and the files in
    /// `unchanged` also when they are skipped as unchanged (those are parsed
    /// for their scope regions: keep that set small). Analysed files whose
    /// facts may give project-wide findings keep their text too: such a
    /// finding can be fixed by an edit in another file, while the watcher
    /// keeps this file's result.
    Paths {
        analysed: HashSet<String>,
        unchanged: HashSet<String>,
    },
}

impl KeepText {
    /// For a file analysed now; `project_facts`: its facts may give
    /// project-wide findings.
    pub fn wants_analysed(&self, rel: &str, project_facts: bool) -> bool {
        match self {
            KeepText::None => false,
            KeepText::All => true,
            KeepText::Paths { analysed, .. } => project_facts || analysed.contains(rel),
        }
    }

    pub fn wants_unchanged(&self, rel: &str) -> bool {
        match self {
            KeepText::None => false,
            KeepText::All => true,
            KeepText::Paths { unchanged, .. } => unchanged.contains(rel),
        }
    }
}

/// Where a scope's after-code is cut from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeRegion {
    /// Qualified name of the scope (`Cache.get`).
    pub qualname: String,
    /// First line of the scope itself (to pick the nearest of same-named scopes).
    pub line: usize,
    /// The lines shown: the scope, or its whole class when it is a method of a
    /// short class (a fix often adds a sibling method, `__exit__` next to
    /// `__enter__`).
    pub from: usize,
    pub to: usize,
}

/// The text of one file and its scope regions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileText {
    pub text: String,
    pub regions: Vec<ScopeRegion>,
}

impl FileText {
    /// The text and regions of an indexed module.
    pub fn of(ix: &ModuleIndex) -> FileText {
        let regions = ix
            .scopes
            .iter()
            .filter(|s| s.kind != ScopeKind::Module)
            .map(|sc| {
                let mut span = sc.span;
                if let Some(p) = sc.parent {
                    let parent = &ix.scopes[p];
                    if parent.kind == ScopeKind::Class
                        && parent.span.end_line - parent.span.line < MAX_LINES
                    {
                        span = parent.span;
                    }
                }
                ScopeRegion {
                    qualname: sc.qualname.clone(),
                    line: sc.span.line,
                    from: span.line,
                    to: span.end_line,
                }
            })
            .collect();
        FileText {
            text: ix.source.clone(),
            regions,
        }
    }

    /// Line `n` (1-based), or "" past the end.
    pub fn line(&self, n: usize) -> &str {
        self.text.lines().nth(n.saturating_sub(1)).unwrap_or("")
    }

    /// The real code at a finding's place now: (first line, code). The place
    /// is the finding's enclosing scope `scope` (among scopes of that name,
    /// the one nearest `old_line`); when the scope is gone or is the module,
    /// the lines around the old position.
    pub fn after_code(&self, scope: &str, old_line: usize) -> (usize, String) {
        let lines: Vec<&str> = self.text.lines().collect();
        let cut = |from: usize, to: usize| -> (usize, String) {
            let from = from.max(1);
            let to = to.min(lines.len()).min(from + MAX_LINES - 1);
            if lines.is_empty() || from > to {
                return (from, String::new());
            }
            let mut s = lines[from - 1..to].join("\n");
            s.push('\n');
            (from, dedent(&s))
        };
        if !scope.is_empty() && scope != "<module>" {
            let found = self
                .regions
                .iter()
                .filter(|r| r.qualname == scope)
                .min_by_key(|r| r.line.abs_diff(old_line));
            if let Some(r) = found {
                return cut(r.from, r.to);
            }
        }
        cut(old_line.saturating_sub(CONTEXT), old_line + CONTEXT)
    }
}

fn dedent(text: &str) -> String {
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out = String::new();
    for l in text.lines() {
        out.push_str(if l.len() >= indent {
            &l[indent..]
        } else {
            l.trim_start()
        });
        out.push('\n');
    }
    out
}
