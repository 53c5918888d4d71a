//! The report as one self-contained, printable HTML page: the markdown
//! document (same content, same order) parsed with a CommonMark parser and
//! written out tag by tag, with an embedded style sheet and no script, font or
//! image to fetch.
//!
//! Nothing of the audited repository is ever rendered as HTML: every text,
//! code span, code block and raw HTML the parser reports is escaped, links and
//! images become their text, and the only tags in the page are the ones this
//! module writes.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::model::Report;

/// Printable, no external resource.
const STYLE: &str = "body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;max-width:60rem;margin:2rem auto;padding:0 1rem}\
h1,h2,h3{line-height:1.25}h2{border-bottom:1px solid #d0d7de;padding-bottom:.3em;margin-top:2em}\
pre{background:#f6f8fa;padding:.8em;overflow:auto;border-radius:6px;font-size:13px}\
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}\
:not(pre)>code{background:#eff1f3;padding:.1em .3em;border-radius:4px}\
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #d0d7de;padding:.3em .6em;vertical-align:top}\
th{background:#f6f8fa}blockquote{margin:0;padding:0 1em;color:#57606a;border-left:.25em solid #d0d7de}\
hr{border:0;border-top:1px solid #d0d7de;margin:2em 0}\
@media print{body{margin:0;max-width:none;font-size:11pt}pre{white-space:pre-wrap;word-break:break-all}\
h2{break-before:page}h3,pre,table{break-inside:avoid}hr{display:none}}";

/// Text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The body of the page from markdown.
pub fn from_markdown(md: &str) -> String {
    let mut out = String::with_capacity(md.len() * 5 / 4);
    let mut in_head = false;
    for ev in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match ev {
            Event::Start(tag) => match tag {
                Tag::Paragraph => out.push_str("<p>"),
                Tag::Heading { level: l, .. } => out.push_str(&format!("<h{}>", level(l))),
                Tag::BlockQuote(_) => out.push_str("<blockquote>"),
                Tag::CodeBlock(kind) => {
                    let lang = match kind {
                        CodeBlockKind::Fenced(l) => l.split_whitespace().next().map(escape),
                        CodeBlockKind::Indented => None,
                    };
                    match lang {
                        Some(l) if !l.is_empty() => {
                            out.push_str(&format!("<pre><code class=\"language-{l}\">"))
                        }
                        _ => out.push_str("<pre><code>"),
                    }
                }
                Tag::List(Some(1)) => out.push_str("<ol>"),
                Tag::List(Some(n)) => out.push_str(&format!("<ol start=\"{n}\">")),
                Tag::List(None) => out.push_str("<ul>"),
                Tag::Item => out.push_str("<li>"),
                Tag::Table(_) => out.push_str("<table>"),
                Tag::TableHead => {
                    in_head = true;
                    out.push_str("<thead><tr>")
                }
                Tag::TableRow => out.push_str("<tr>"),
                Tag::TableCell => out.push_str(if in_head { "<th>" } else { "<td>" }),
                Tag::Emphasis => out.push_str("<em>"),
                Tag::Strong => out.push_str("<strong>"),
                Tag::Strikethrough => out.push_str("<del>"),
                // Links and images: their text only, never a URL from the repository.
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph => out.push_str("</p>\n"),
                TagEnd::Heading(l) => out.push_str(&format!("</h{}>\n", level(l))),
                TagEnd::BlockQuote(_) => out.push_str("</blockquote>\n"),
                TagEnd::CodeBlock => out.push_str("</code></pre>\n"),
                TagEnd::List(true) => out.push_str("</ol>\n"),
                TagEnd::List(false) => out.push_str("</ul>\n"),
                TagEnd::Item => out.push_str("</li>\n"),
                TagEnd::Table => out.push_str("</tbody></table>\n"),
                TagEnd::TableHead => {
                    in_head = false;
                    out.push_str("</tr></thead><tbody>\n")
                }
                TagEnd::TableRow => out.push_str("</tr>\n"),
                TagEnd::TableCell => out.push_str(if in_head { "</th>" } else { "</td>" }),
                TagEnd::Emphasis => out.push_str("</em>"),
                TagEnd::Strong => out.push_str("</strong>"),
                TagEnd::Strikethrough => out.push_str("</del>"),
                _ => {}
            },
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => out.push_str(&escape(&t)),
            Event::Code(t) => {
                out.push_str("<code>");
                out.push_str(&escape(&t));
                out.push_str("</code>");
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => out.push_str(&escape(&t)),
            Event::SoftBreak => out.push('\n'),
            Event::HardBreak => out.push_str("<br>\n"),
            Event::Rule => out.push_str("<hr>\n"),
            Event::FootnoteReference(t) => out.push_str(&escape(&t)),
            Event::TaskListMarker(done) => out.push_str(if done { "[x] " } else { "[ ] " }),
        }
    }
    out
}

/// The whole page.
pub fn render(report: &Report) -> String {
    let md = super::markdown::render(report);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{}</main>\n</body>\n</html>\n",
        escape(&report.meta.title),
        from_markdown(&md)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_and_links_are_text() {
        let html = from_markdown(
            "<script>alert(1)</script>\n\nx <b>y</b> [a](javascript:x) ![i](http://e/x.png) `<i>`\n\n```python\n</code></pre><script>\n```\n",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b>") && !html.contains("<i>"), "{html}");
        assert!(!html.contains("href") && !html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("<pre><code class=\"language-python\">&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;\n</code></pre>"));
    }

    #[test]
    fn tables_have_a_head_and_a_body() {
        let html = from_markdown("| A | B |\n|---|---|\n| 1 | 2 |\n");
        assert_eq!(
            html,
            "<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody>\n<tr><td>1</td><td>2</td></tr>\n</tbody></table>\n"
        );
    }
}
