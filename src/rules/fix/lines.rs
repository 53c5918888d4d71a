//! Whole-line helpers over the module source: where a line starts, its
//! indentation, and edits that insert, replace, delete or re-indent lines.

use std::ops::Range;

use super::edit::Edit;
use super::text::{dedent_lines, indent_width, pad, pad_lines, Blank};
use crate::python::ModuleIndex;

/// Byte offset of the start of 1-based `line`; the source length past the end.
pub(crate) fn line_start(ix: &ModuleIndex, line: usize) -> usize {
    ix.line_start_byte(line)
}

/// The bytes of lines `from..=to`, newlines included.
pub(crate) fn lines_range(ix: &ModuleIndex, from: usize, to: usize) -> Range<usize> {
    line_start(ix, from)..line_start(ix, to + 1)
}

/// The leading whitespace of `line`.
pub(crate) fn indent_of(ix: &ModuleIndex, line: usize) -> &str {
    let t = ix.line_text(line);
    &t[..indent_width(t)]
}

/// Inserts whole lines before `line`, indented like `line` plus `extra` spaces.
pub(crate) fn insert_lines(ix: &ModuleIndex, line: usize, extra: usize, lines: &[String]) -> Edit {
    let ind = format!("{}{}", indent_of(ix, line), " ".repeat(extra));
    Edit::insert(line_start(ix, line), pad_lines(&ind, lines, Blank::Padded))
}

/// Replaces lines `from..=to` with `lines`, indented like line `from`.
pub(crate) fn replace_lines(ix: &ModuleIndex, from: usize, to: usize, lines: &[String]) -> Edit {
    let text = pad_lines(indent_of(ix, from), lines, Blank::Padded);
    Edit::replace(lines_range(ix, from, to), text)
}

/// Lines `from..=to` without their common indentation, each (blank ones aside)
/// with `add` spaces in front.
pub(crate) fn reindent(ix: &ModuleIndex, from: usize, to: usize, add: usize) -> Vec<String> {
    let texts: Vec<&str> = (from..=to).map(|l| ix.line_text(l)).collect();
    let prefix = " ".repeat(add);
    dedent_lines(&texts)
        .into_iter()
        .map(|l| pad(&prefix, l, Blank::Empty))
        .collect()
}

/// A line-level rewrite, compiled into [`Edit`]s by [`line_edits`].
pub(crate) enum LineOp {
    /// Replace lines `from..=to` with the lines of `text`, each indented with as
    /// many spaces as line `from` has whitespace characters.
    Replace {
        from: usize,
        to: usize,
        text: String,
    },
    /// Drop lines `from..=to`.
    Delete { from: usize, to: usize },
    /// Indent (`delta > 0`) or dedent non-blank lines `from..=to` by `delta` spaces.
    Shift {
        from: usize,
        to: usize,
        delta: isize,
    },
}

/// The edits that perform `ops` on lines `from..=to`. A line is replaced or
/// deleted by the first `Replace` or `Delete` covering it (in list order), and
/// otherwise shifted by every `Shift` covering it, one after the other.
pub(crate) fn line_edits(ix: &ModuleIndex, from: usize, to: usize, ops: &[LineOp]) -> Vec<Edit> {
    let mut edits = vec![];
    for ln in from..=to {
        let text = ix.line_text(ln);
        let claimed = ops.iter().find_map(|op| match op {
            LineOp::Replace { from: f, to: t, .. } | LineOp::Delete { from: f, to: t }
                if (*f..=*t).contains(&ln) =>
            {
                Some(op)
            }
            _ => None,
        });
        match claimed {
            Some(LineOp::Replace {
                from: f, text: r, ..
            }) => {
                let new = if ln == *f {
                    let lines: Vec<&str> = r.lines().collect();
                    pad_lines(&" ".repeat(indent_width(text)), &lines, Blank::Padded)
                } else {
                    String::new()
                };
                edits.push(Edit::replace(lines_range(ix, ln, ln), new));
            }
            Some(_) => edits.push(Edit::delete(lines_range(ix, ln, ln))),
            None => {
                if text.trim().is_empty() {
                    continue;
                }
                // Shifts apply one after the other: spaces go in front, and a
                // dedent takes the added spaces first, then the line's own.
                let own = indent_width(text);
                let (mut added, mut cut) = (0usize, 0usize);
                for op in ops {
                    if let LineOp::Shift {
                        from: f,
                        to: t,
                        delta,
                    } = op
                    {
                        if !(*f..=*t).contains(&ln) {
                            continue;
                        }
                        if *delta >= 0 {
                            added += *delta as usize;
                        } else {
                            let n = (-*delta as usize).min(added + own - cut);
                            let m = n.min(added);
                            added -= m;
                            cut += n - m;
                        }
                    }
                }
                if added > 0 || cut > 0 {
                    let start = line_start(ix, ln);
                    edits.push(Edit::replace(start..start + cut, " ".repeat(added)));
                }
            }
        }
    }
    edits
}
