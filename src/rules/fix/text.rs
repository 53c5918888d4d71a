//! Plain-text helpers of the fix toolkit: the one `dedent` and the one `indent`.

/// Width in bytes of the leading whitespace of `line`.
pub(crate) fn indent_width(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// `lines` without their common leading indentation (that of the least indented
/// non-blank line). A blank line keeps what whitespace it has beyond it.
pub(crate) fn dedent_lines<'t>(lines: &[&'t str]) -> Vec<&'t str> {
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| indent_width(l))
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| {
            if l.len() >= indent {
                &l[indent..]
            } else {
                l.trim_start()
            }
        })
        .collect()
}

/// Removes the common leading indentation of non-blank lines and trailing blank
/// lines; the result ends with one newline.
pub(crate) fn dedent(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = dedent_lines(&lines);
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    let mut s = out.join("\n");
    s.push('\n');
    s
}

/// What [`pad`] does with a blank line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Blank {
    /// Written empty: no trailing whitespace in snippets.
    Empty,
    /// Padded like the others (the line-insertion helpers always did; keeping it
    /// keeps their snippets byte for byte).
    Padded,
}

/// `line` with `prefix` in front of it.
pub(crate) fn pad(prefix: &str, line: &str, blank: Blank) -> String {
    if blank == Blank::Empty && line.trim().is_empty() {
        String::new()
    } else {
        format!("{prefix}{line}")
    }
}

/// Each of `lines` with `prefix` in front and a newline after it.
pub(crate) fn pad_lines<S: AsRef<str>>(prefix: &str, lines: &[S], blank: Blank) -> String {
    lines
        .iter()
        .map(|l| pad(prefix, l.as_ref(), blank) + "\n")
        .collect()
}

/// Indents every non-blank line by `n` spaces; the result ends with a newline.
pub(crate) fn indent(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.is_empty() {
        return "\n".into();
    }
    pad_lines(&" ".repeat(n), &lines, Blank::Empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedent_and_indent() {
        let text = "    if x:\n        y()\n      \n\n";
        assert_eq!(dedent(text), "if x:\n    y()\n");
        assert_eq!(dedent("  a\n   \n  b"), "a\n \nb\n");
        assert_eq!(dedent(""), "\n");
        assert_eq!(indent("a\n\n  b\n", 4), "    a\n\n      b\n");
        assert_eq!(indent("", 4), "\n");
        assert_eq!(pad_lines("  ", &["a", ""], Blank::Padded), "  a\n  \n");
    }
}
