//! Suppression comments: `# auditbench: ignore[MEM001, RES003] -- reason`, on the
//! anchor line or the line above it. No bracket means every rule.

use crate::python::Comment;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub line: usize,
    /// Upper-case rule ids; empty means all rules.
    pub rules: Vec<String>,
    pub reason: Option<String>,
}

pub fn parse_comment(c: &Comment) -> Option<Suppression> {
    let text = c.text.trim_start_matches('#').trim();
    let idx = text.find("auditbench:")?;
    let rest = text[idx + "auditbench:".len()..].trim_start();
    let rest = rest.strip_prefix("ignore")?;
    // The directive is a whole word: `ignored for now` or `ignore_me` is prose,
    // not a suppression of every rule.
    if rest
        .chars()
        .next()
        .is_some_and(|c| c != '[' && !c.is_whitespace())
    {
        return None;
    }
    let (rules, rest) = if let Some(r) = rest.strip_prefix('[') {
        let end = r.find(']')?;
        let ids = r[..end]
            .split(',')
            .map(|s| s.trim().to_ascii_uppercase())
            .filter(|s| !s.is_empty())
            .collect();
        (ids, &r[end + 1..])
    } else {
        (vec![], rest)
    };
    let reason = rest
        .trim()
        .strip_prefix("--")
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    Some(Suppression {
        line: c.line,
        rules,
        reason,
    })
}

/// Suppressions of one module, looked up by anchor line.
pub struct Suppressions(Vec<Suppression>);

impl Suppressions {
    pub fn new(comments: &[Comment]) -> Self {
        Suppressions(comments.iter().filter_map(parse_comment).collect())
    }

    /// The suppression covering `rule` at `line`, if any: `Some(reason)`.
    pub fn find(&self, rule: &str, line: usize) -> Option<Option<String>> {
        self.0
            .iter()
            .find(|s| {
                (s.line == line || s.line + 1 == line)
                    && (s.rules.is_empty() || s.rules.iter().any(|r| r == rule))
            })
            .map(|s| s.reason.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(t: &str) -> Option<Suppression> {
        parse_comment(&Comment {
            line: 3,
            text: t.into(),
        })
    }

    #[test]
    fn parses_ids_and_reason() {
        let s = parse("# auditbench: ignore[MEM001, res003] -- bounded by the caller").unwrap();
        assert_eq!(s.rules, vec!["MEM001", "RES003"]);
        assert_eq!(s.reason.as_deref(), Some("bounded by the caller"));
        let all = parse("# auditbench: ignore").unwrap();
        assert!(all.rules.is_empty() && all.reason.is_none());
        assert!(parse("# noqa: E501").is_none());
        assert!(parse("# auditbench: ignored for now").is_none());
        assert!(parse("# auditbench: ignore_me").is_none());
        assert!(parse("# auditbench: ignore -- legacy").is_some_and(|s| s.rules.is_empty()));
    }

    #[test]
    fn covers_anchor_and_line_below() {
        let s = Suppressions::new(&[Comment {
            line: 10,
            text: "# auditbench: ignore[MEM001] -- ok".into(),
        }]);
        assert_eq!(s.find("MEM001", 10), Some(Some("ok".into())));
        assert_eq!(s.find("MEM001", 11), Some(Some("ok".into())));
        assert_eq!(s.find("MEM001", 12), None);
        assert_eq!(s.find("MEM002", 10), None);
    }
}
