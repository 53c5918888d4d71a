//! Untrusted text in markdown: code, paths, names and notes come from the
//! audited repository or its users and must never break the document.
//!
//! - Bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E/F, U+061C)
//!   and other control characters become visible `[U+XXXX]` everywhere, code
//!   included (Trojan Source).
//! - Inline text: HTML-significant characters (`&`, `<`, `>`) and link brackets
//!   are escaped outside code spans; code spans are kept; a stray backtick is
//!   escaped; newlines fold to spaces.
//! - Table cells: the same, plus `|` escaped (also inside code spans, as GFM
//!   requires).
//! - Code blocks: fenced with more backticks than the longest run inside.

/// Whether `c` must not reach the document as is.
fn is_dangerous(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
        || (c.is_control() && c != '\n' && c != '\t')
}

/// Replaces bidirectional and control characters with `[U+XXXX]`; `\r\n` -> `\n`.
pub fn clean(s: &str) -> String {
    let s = s.replace("\r\n", "\n");
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_dangerous(c) {
            out.push_str(&format!("[U+{:04X}]", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

fn longest_backtick_run(s: &str) -> usize {
    let (mut best, mut cur) = (0, 0);
    for c in s.chars() {
        if c == '`' {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

fn escape_plain(s: &str, out: &mut String) {
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            // Only an `&` that could start an entity needs escaping.
            '&' if chars
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_alphanumeric() || *n == '#') =>
            {
                out.push_str("&amp;")
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '\\' => out.push_str("\\\\"),
            // An `_` between letters or digits cannot open or close emphasis
            // (CommonMark's flanking rules): `pool_size` stays readable.
            '_' if !(i > 0
                && chars[i - 1].is_alphanumeric()
                && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric())) =>
            {
                out.push_str("\\_")
            }
            '*' => out.push_str("\\*"),
            // GFM strikethrough (`~x~`), found by the report_escape fuzz target.
            '~' => out.push_str("\\~"),
            _ => out.push(c),
        }
    }
}

/// Inline markdown text from an untrusted source: code spans (balanced
/// backtick runs) are kept, everything else is escaped.
pub fn text(s: &str) -> String {
    let s = clean(s);
    let s: String = s
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect();
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut plain = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '`' {
            plain.push(chars[i]);
            i += 1;
            continue;
        }
        let mut n = 0;
        while i + n < chars.len() && chars[i + n] == '`' {
            n += 1;
        }
        // Find a closing run of exactly n backticks.
        let mut j = i + n;
        let mut close = None;
        while j < chars.len() {
            if chars[j] == '`' {
                let mut m = 0;
                while j + m < chars.len() && chars[j + m] == '`' {
                    m += 1;
                }
                if m == n {
                    close = Some(j);
                    break;
                }
                j += m;
            } else {
                j += 1;
            }
        }
        match close {
            Some(j) => {
                escape_plain(&plain, &mut out);
                plain.clear();
                out.extend(&chars[i..j + n]);
                i = j + n;
            }
            None => {
                escape_plain(&plain, &mut out);
                plain.clear();
                for _ in 0..n {
                    out.push_str("\\`");
                }
                i += n;
            }
        }
    }
    escape_plain(&plain, &mut out);
    out
}

/// A table cell: [`text`] with `|` escaped.
pub fn cell(s: &str) -> String {
    let t = text(s).replace('|', "\\|");
    if t.trim().is_empty() {
        " ".into()
    } else {
        t
    }
}

/// A code span holding `s` literally (a path, a name).
pub fn code(s: &str) -> String {
    let s: String = clean(s)
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect();
    if s.is_empty() {
        // "``" would be two literal backticks, not an empty code span.
        return "` `".into();
    }
    let fence = "`".repeat(longest_backtick_run(&s) + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') || s.starts_with(' ') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// A code span for a table cell.
pub fn code_cell(s: &str) -> String {
    code(s).replace('|', "\\|")
}

/// A fenced code block (ends with a newline).
pub fn fence(code: &str, lang: &str) -> String {
    let code = clean(code);
    let n = (longest_backtick_run(&code) + 1).max(3);
    let f = "`".repeat(n);
    let mut body = code.trim_end_matches('\n').to_string();
    body.push('\n');
    format!("{f}{lang}\n{body}{f}\n")
}

/// Multi-line untrusted text as a blockquote (each line escaped).
pub fn quote(s: &str) -> String {
    let mut out = String::new();
    for line in clean(s).trim().lines() {
        // Trailing spaces would make a hard line break (found by fuzzing).
        let line = line.trim();
        let mut t = text(line);
        // A line must not start a block of its own (heading, list, quote, rule, table).
        let starts_block = line.starts_with(['#', '>', '-', '+', '=', '|', '~'])
            || line.trim_start_matches(|c: char| c.is_ascii_digit()).len() < line.len()
                && line
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .starts_with(['.', ')']);
        if starts_block && !t.starts_with('\\') {
            t.insert(0, '\\');
        }
        if t.trim().is_empty() {
            out.push_str(">\n");
        } else {
            out.push_str("> ");
            out.push_str(&t);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_lines_end_without_a_hard_break() {
        use pulldown_cmark::{Event, Parser};
        let q = quote("first line  \nsecond\t\nthird \\\nfourth");
        let breaks: Vec<_> = Parser::new(&q)
            .filter(|e| matches!(e, Event::HardBreak))
            .collect();
        assert!(breaks.is_empty(), "{q:?}");
        assert!(q.contains("first line\n"), "{q:?}");
    }

    #[test]
    fn text_keeps_code_spans_and_escapes_html() {
        assert_eq!(text("`a<b>` & <script>"), "`a<b>` & &lt;script&gt;");
        assert_eq!(text("&lt;"), "&amp;lt;");
        assert_eq!(text("one ` two"), "one \\` two");
        assert_eq!(text("[x](http://e)"), "\\[x\\](http://e)");
        assert_eq!(text("a\nb"), "a b");
        assert_eq!(text("~x~"), "\\~x\\~");
        assert_eq!(text("__init__ `__x__`"), "\\_\\_init\\_\\_ `__x__`");
        assert_eq!(quote("## h\n1. x\n- y"), "> \\## h\n> \\1. x\n> \\- y\n");
    }

    #[test]
    fn cells_and_codes_are_contained() {
        assert_eq!(cell("a|b"), "a\\|b");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code(""), "` `");
        assert_eq!(code_cell("a|b"), "`a\\|b`");
        assert_eq!(clean("x\u{202E}y"), "x[U+202E]y");
    }

    #[test]
    fn fences_are_longer_than_any_backtick_run() {
        let f = fence("s = '````'\n", "python");
        assert!(f.starts_with("`````python\n"), "{f}");
        assert!(f.ends_with("\n`````\n"));
    }
}
