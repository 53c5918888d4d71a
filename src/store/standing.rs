//! Where a finding stands, from its two status axes: the one definition of
//! "open" that every count uses (the report's tables and plan, the weekly
//! history, `findings`, the `scan` summary, the desktop dashboard), so that
//! no two places of the product disagree on how many findings are open.
//!
//! - **open**: detected in the code now (open or regressed) and not triaged
//!   away: work to do;
//! - **accepted**: detected now, but accepted as a risk or won't fix (a
//!   person decided to leave it);
//! - **suppressed**: detected now, silenced by a source comment;
//! - **fixed**, **false positive**, **removed** (its file is gone).
//!
//! The health score weighs open and accepted findings: an accepted risk is
//! still in the code.

use std::collections::BTreeMap;

use serde::Serialize;

use super::error::Result;
use super::queries::FindingFilter;
use super::types::{Detection, Triage};
use super::Store;
use crate::finding::Severity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Open,
    Accepted,
    Suppressed,
    Fixed,
    FalsePositive,
    Removed,
}

impl Standing {
    pub fn of(d: Detection, t: Triage) -> Standing {
        match (d, t) {
            (Detection::Fixed, _) => Standing::Fixed,
            (Detection::Removed, _) => Standing::Removed,
            (_, Triage::FalsePositive) => Standing::FalsePositive,
            (_, Triage::Suppressed) => Standing::Suppressed,
            (_, Triage::AcceptedRisk | Triage::WontFix) => Standing::Accepted,
            _ => Standing::Open,
        }
    }

    /// Counted by the health score.
    pub fn weighs(self) -> bool {
        matches!(self, Standing::Open | Standing::Accepted)
    }

    /// Accepted in the report's sense: left in place on purpose, by a person
    /// or by a source comment.
    pub fn is_accepted(self) -> bool {
        matches!(self, Standing::Accepted | Standing::Suppressed)
    }
}

/// The triage states of an open finding (the detection must be open or
/// regressed too): for list filters.
pub fn open_triage() -> Vec<Triage> {
    Triage::ALL
        .into_iter()
        .filter(|&t| Standing::of(Detection::Open, t) == Standing::Open)
        .collect()
}

impl Store {
    /// Open findings by severity, every severity from critical to info present.
    pub fn open_by_severity(&self) -> Result<BTreeMap<Severity, usize>> {
        let list = self.findings(&FindingFilter::open())?;
        let mut out: BTreeMap<Severity, usize> = Severity::ALL.iter().map(|&s| (s, 0)).collect();
        for (sev, n) in &list.by_severity {
            if let Ok(s) = sev.parse::<Severity>() {
                *out.entry(s).or_default() += n;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_means_detected_and_not_triaged_away() {
        assert_eq!(
            Standing::of(Detection::Regressed, Triage::Confirmed),
            Standing::Open
        );
        assert_eq!(
            Standing::of(Detection::Open, Triage::WontFix),
            Standing::Accepted
        );
        assert_eq!(
            Standing::of(Detection::Fixed, Triage::FalsePositive),
            Standing::Fixed
        );
        assert_eq!(
            open_triage(),
            vec![Triage::NeedsReview, Triage::Confirmed, Triage::InProgress]
        );
    }
}
