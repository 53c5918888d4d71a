//! Line-based rewriting of `before` snippets into `after` snippets for the RES
//! rules (replacing a statement, removing `x.close()` lines, re-indenting a body).

use crate::python::ModuleIndex;
use crate::rules::snippet;

pub enum Edit {
    /// Replace lines `from..=to` with `text`, each line indented like line `from`.
    Replace {
        from: usize,
        to: usize,
        text: String,
    },
    /// Drop lines `from..=to`.
    Delete { from: usize, to: usize },
    /// Indent (`delta > 0`) or dedent lines `from..=to` by `delta` spaces.
    Shift {
        from: usize,
        to: usize,
        delta: isize,
    },
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Lines `from..=to` of the module with `edits` applied, dedented.
pub fn rewrite(ix: &ModuleIndex, from: usize, to: usize, edits: &[Edit]) -> String {
    let mut out: Vec<String> = vec![];
    for ln in from..=to {
        let text = ix.line_text(ln);
        let mut handled = false;
        for e in edits {
            match e {
                Edit::Replace {
                    from: f,
                    to: t,
                    text: r,
                } if (*f..=*t).contains(&ln) => {
                    if ln == *f {
                        let pad = " ".repeat(indent_of(text));
                        for l in r.lines() {
                            out.push(format!("{pad}{l}"));
                        }
                    }
                    handled = true;
                }
                Edit::Delete { from: f, to: t } if (*f..=*t).contains(&ln) => handled = true,
                _ => {}
            }
            if handled {
                break;
            }
        }
        if handled {
            continue;
        }
        let mut line = text.to_string();
        for e in edits {
            if let Edit::Shift {
                from: f,
                to: t,
                delta,
            } = e
            {
                if (*f..=*t).contains(&ln) && !line.trim().is_empty() {
                    if *delta >= 0 {
                        line = format!("{}{}", " ".repeat(*delta as usize), line);
                    } else {
                        let n = (-*delta as usize).min(indent_of(&line));
                        line = line[n..].to_string();
                    }
                }
            }
        }
        out.push(line);
    }
    snippet::dedent(&out.join("\n"))
}

/// The source text of a span, with continuation lines kept as written.
pub fn text(ix: &ModuleIndex, span: &crate::python::Span) -> String {
    ix.text_of(span).to_string()
}

/// The indentation (in spaces) of a 1-based line.
pub fn line_indent(ix: &ModuleIndex, line: usize) -> usize {
    indent_of(ix.line_text(line))
}
