//! The two status axes and small shared types.

use serde::{Deserialize, Serialize};

use super::error::StoreError;

/// Rule id of findings recorded by a person (`auditbench add`).
pub const MANUAL_RULE: &str = "MANUAL";

/// Detection state: set only by scans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Detection {
    Open,
    Fixed,
    Regressed,
    Removed,
}

impl Detection {
    pub const ALL: [Detection; 4] = [
        Detection::Open,
        Detection::Fixed,
        Detection::Regressed,
        Detection::Removed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Detection::Open => "open",
            Detection::Fixed => "fixed",
            Detection::Regressed => "regressed",
            Detection::Removed => "removed",
        }
    }

    /// Open or regressed: the problem is in the code now.
    pub fn is_active(self) -> bool {
        matches!(self, Detection::Open | Detection::Regressed)
    }

    pub fn parse(s: &str) -> Option<Detection> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// Triage state: set only by people (`Suppressed` comes from source comments and
/// cannot be set by hand).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Triage {
    NeedsReview,
    Confirmed,
    InProgress,
    FalsePositive,
    AcceptedRisk,
    WontFix,
    Suppressed,
}

impl Triage {
    pub const ALL: [Triage; 7] = [
        Triage::NeedsReview,
        Triage::Confirmed,
        Triage::InProgress,
        Triage::FalsePositive,
        Triage::AcceptedRisk,
        Triage::WontFix,
        Triage::Suppressed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Triage::NeedsReview => "needs_review",
            Triage::Confirmed => "confirmed",
            Triage::InProgress => "in_progress",
            Triage::FalsePositive => "false_positive",
            Triage::AcceptedRisk => "accepted_risk",
            Triage::WontFix => "wont_fix",
            Triage::Suppressed => "suppressed",
        }
    }

    /// The decisions that a finding needs no action: the CI gate does not
    /// fail on them (`scan --fail-on`).
    pub const DISMISSED: [Triage; 3] =
        [Triage::FalsePositive, Triage::AcceptedRisk, Triage::WontFix];

    pub fn parse(s: &str) -> Option<Triage> {
        let s = s.replace('-', "_").to_ascii_lowercase();
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl std::str::FromStr for Triage {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, StoreError> {
        Triage::parse(s).ok_or_else(|| {
            StoreError::Invalid(format!(
                "unknown triage status `{s}` (expected one of: {})",
                Triage::ALL.map(|t| t.as_str()).join(", ")
            ))
        })
    }
}

impl std::fmt::Display for Detection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for Triage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A short reference to a finding, as listed in a sync summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingRef {
    pub id: i64,
    pub rule: String,
    pub severity: Option<String>,
    pub path: String,
    pub line: usize,
    pub message: String,
}
