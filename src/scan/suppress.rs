//! Suppression comments: `# auditbench: ignore[MEM001, RES003] -- reason`, on the
//! anchor line or the line above it; `# auditbench: ignore-file[MEM001] --
//! reason` anywhere, for the whole file. No bracket means every rule. A
//! suppression that names an unknown rule, or that suppresses nothing, is
//! reported ([`Suppressions::hygiene`]): it would otherwise outlive its code.

use crate::finding::{Finding, Status};
use crate::python::Comment;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub line: usize,
    /// `ignore-file`: every line of the file.
    pub file: bool,
    /// Upper-case rule ids; empty means all rules.
    pub rules: Vec<String>,
    pub reason: Option<String>,
}

pub fn parse_comment(c: &Comment) -> Option<Suppression> {
    let text = c.text.trim_start_matches('#').trim();
    let idx = text.find("auditbench:")?;
    let rest = text[idx + "auditbench:".len()..].trim_start();
    let (file, rest) = match rest.strip_prefix("ignore-file") {
        Some(r) => (true, r),
        None => (false, rest.strip_prefix("ignore")?),
    };
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
        file,
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
            .find(|s| s.covers(rule, line))
            .map(|s| s.reason.clone())
    }

    /// The problems of the suppressions themselves, as (line, warning kind,
    /// message): a rule id that does not exist (`unknown-rule`), and a
    /// suppression that suppressed none of `findings` (`unused-suppression`).
    /// `may_use(rule, line)`: whether something outside `findings` may need
    /// it (a project-wide rule's finding, found later) or cannot be judged
    /// (a rule turned off); such suppressions are never called unused.
    pub fn hygiene(
        &self,
        findings: &[Finding],
        may_use: impl Fn(Option<&str>, usize) -> bool,
    ) -> Vec<(usize, &'static str, String)> {
        let mut out = vec![];
        for s in &self.0 {
            let mut known = vec![];
            for r in &s.rules {
                if crate::rule_ids::ALL.contains(&r.as_str()) {
                    known.push(r.as_str());
                } else {
                    out.push((
                        s.line,
                        "unknown-rule",
                        format!(
                            "line {}: suppression comment: {}",
                            s.line,
                            crate::rule_ids::unknown_rule(r)
                        ),
                    ));
                }
            }
            if known.len() < s.rules.len() {
                // Judged on its known ids alone, it may look unused for the
                // typo: the unknown id is the warning to act on.
                continue;
            }
            let used = findings
                .iter()
                .any(|f| f.status == Status::Suppressed && s.covers(&f.rule, f.line));
            let excused = if s.rules.is_empty() {
                may_use(None, s.line)
            } else {
                known.iter().any(|r| may_use(Some(r), s.line))
            };
            if !used && !excused {
                out.push((
                    s.line,
                    "unused-suppression",
                    format!(
                        "line {}: the suppression comment suppresses nothing{}: remove it",
                        s.line,
                        if s.file {
                            " in this file"
                        } else {
                            " on this line or the next"
                        }
                    ),
                ));
            }
        }
        out
    }
}

impl Suppression {
    fn covers(&self, rule: &str, line: usize) -> bool {
        (self.file || self.line == line || self.line + 1 == line)
            && (self.rules.is_empty() || self.rules.iter().any(|r| r == rule))
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
        let file = Suppressions::new(&[Comment {
            line: 1,
            text: "# auditbench: ignore-file[MEM001] -- generated".into(),
        }]);
        assert_eq!(file.find("MEM001", 40), Some(Some("generated".into())));
        assert_eq!(file.find("MEM002", 40), None);
        assert_eq!(s.find("MEM001", 10), Some(Some("ok".into())));
        assert_eq!(s.find("MEM001", 11), Some(Some("ok".into())));
        assert_eq!(s.find("MEM001", 12), None);
        assert_eq!(s.find("MEM002", 10), None);
    }
}
