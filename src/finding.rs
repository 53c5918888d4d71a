//! What a scan reports: findings and strengths, with severity, location, fix and
//! identity (fingerprint). This is the JSON output's contract (version 1).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    // Declared from most to least severe so that `Ord` sorts critical first.
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }

    /// Whether `self` is at least as severe as `threshold`.
    pub fn at_least(self, threshold: Severity) -> bool {
        self <= threshold
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str() == s.to_ascii_lowercase())
            .ok_or_else(|| {
                format!("unknown severity `{s}` (expected critical, high, medium, low or info)")
            })
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Finding,
    Strength,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Suppressed,
}

/// How sure the scan is that a finding's hazard is real where it is reported:
/// the rule's measured precision, raised or lowered by what the project model
/// knows of the place (where it runs, how long its objects live). Severity
/// says the impact if it is real; confidence says how likely that is.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    // Declared from most to least sure so that `Ord` sorts high first.
    High,
    #[default]
    Medium,
    Low,
}

impl Confidence {
    pub const ALL: [Confidence; 3] = [Confidence::High, Confidence::Medium, Confidence::Low];

    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::Low => "low",
        }
    }

    /// Whether `self` is at least as sure as `threshold`.
    pub fn at_least(self, threshold: Confidence) -> bool {
        self <= threshold
    }

    /// One level more sure (high stays high).
    pub fn raised(self) -> Confidence {
        match self {
            Confidence::Low => Confidence::Medium,
            _ => Confidence::High,
        }
    }
}

impl std::str::FromStr for Confidence {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Confidence::ALL
            .into_iter()
            .find(|v| v.as_str() == s.to_ascii_lowercase())
            .ok_or_else(|| format!("unknown confidence `{s}` (expected high, medium or low)"))
    }
}

impl std::fmt::Display for Confidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How far a fix's edits can be trusted: `safe` fixes keep the program's
/// behaviour for its users (`auditbench fix` applies them); `unsafe` ones need a
/// human to review them (`auditbench fix --unsafe`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Safe,
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// One edit of the file the finding is in: its bytes `start..end`, as the scan
/// read them, replaced by `text` (an insertion when the range is empty).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TextEdit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub before: String,
    pub after: String,
    /// The fix as edits of the file (sorted, not overlapping), when the rule can
    /// write it so; empty when the fix is a snippet to adapt by hand.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edits: Vec<TextEdit>,
    /// Present exactly when `edits` is not empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applicability: Option<Applicability>,
    /// The imports the edits add (`import random`), each also one of `edits`
    /// unless the file already had it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imports: Vec<String>,
}

impl Fix {
    /// A before/after snippet without edits.
    pub fn snippet(before: String, after: String) -> Fix {
        Fix {
            before,
            after,
            edits: vec![],
            applicability: None,
            imports: vec![],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    pub path: String,
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub name: String,
    pub kind: Kind,
    /// `None` for strengths.
    pub severity: Option<Severity>,
    /// Relative to the scanned root, forward slashes.
    pub path: String,
    pub line: usize,
    pub end_line: usize,
    pub column: usize,
    pub end_column: usize,
    pub message: String,
    pub fingerprint: String,
    pub fix: Option<Fix>,
    pub related: Vec<Related>,
    pub status: Status,
    /// The reason written in the suppression comment, if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub suppression: Option<String>,
    /// Qualified name of the enclosing scope (`Cache.get`), part of the identity.
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub scope: String,
    /// How sure the scan is (strengths: always high).
    #[serde(default)]
    pub confidence: Confidence,
    /// Why the project model thinks so: the path from an entry point to this
    /// place ("`@router.post` at api/chat.py:12 -> calls `generate`"), or the
    /// place that makes it unlikely. Empty when the model knows nothing here.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub evidence: Vec<Related>,
    /// The text of the anchor line, as the fingerprint saw it: the store keeps
    /// it to match the finding after edits. Not part of the output formats.
    #[serde(skip)]
    pub anchor: String,
}

/// A unified diff of two snippets (before and after a fix) with three lines
/// of context, ending with a newline (the `similar` crate).
pub fn unified_diff(before: &str, after: &str, from: &str, to: &str) -> String {
    let mut b = before.to_string();
    let mut a = after.to_string();
    for s in [&mut b, &mut a] {
        if !s.ends_with('\n') {
            s.push('\n');
        }
    }
    let diff = similar::TextDiff::from_lines(&b, &a);
    let mut out = diff
        .unified_diff()
        .context_radius(3)
        .header(from, to)
        .to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod diff_tests {
    #[test]
    fn diff_marks_added_lines() {
        let d = super::unified_diff("a\nb\n", "a\nb\nc", "before", "after");
        assert!(d.starts_with("--- before\n+++ after\n"), "{d}");
        assert!(d.contains("\n+c\n"), "{d}");
    }
}
