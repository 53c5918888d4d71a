//! Verifying a fix in memory: the result parses, the rule no longer fires in
//! the changed lines, and no other finding appears there.

use std::ops::RangeInclusive;

use super::Applied;
use crate::config::Config;
use crate::finding::{Finding, Kind, Status};

/// How many syntax errors (tree-sitter ERROR and MISSING nodes) `text` has.
pub(crate) fn syntax_errors(path: &str, text: &str) -> usize {
    let (module, is_package) = crate::scan::module_name(path);
    crate::python::analyse(text.to_string(), &module, is_package)
        .map_or(usize::MAX, |ix| ix.syntax_errors.len())
}

/// 1-based lines of the bytes `range` of `text` (an empty range: its line).
fn lines_of(text: &str, range: &std::ops::Range<usize>) -> RangeInclusive<usize> {
    let line = |at: usize| {
        text.as_bytes()[..at.min(text.len())]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    };
    let last = if range.end > range.start {
        range.end - 1
    } else {
        range.start
    };
    line(range.start)..=line(last)
}

fn open(f: &Finding) -> bool {
    f.kind == Kind::Finding && f.status == Status::Open
}

/// Checks `new` (`old` with the edits of `trial`, landed at `spans`); on
/// success, the findings of `new`; else why `c` (the fix just added to the
/// trial) is not applied.
#[allow(clippy::too_many_arguments)]
pub(crate) fn check(
    path: &str,
    old: &str,
    old_findings: &[Finding],
    new: &str,
    spans: &[Applied],
    trial: &[&Finding],
    c: &Finding,
    errors0: usize,
    config: &Config,
) -> Result<Vec<Finding>, String> {
    let errors = syntax_errors(path, new);
    if errors > errors0 {
        return Err(format!(
            "the result does not parse ({} syntax error(s), the file had {errors0})",
            if errors == usize::MAX {
                "too many".to_string()
            } else {
                errors.to_string()
            }
        ));
    }
    let after = crate::scan::scan_bytes(path, new.as_bytes().to_vec(), config).findings;
    let changed: Vec<(RangeInclusive<usize>, RangeInclusive<usize>, &Applied)> = spans
        .iter()
        .map(|s| (lines_of(old, &s.old), lines_of(new, &s.new), s))
        .collect();
    for (i, f) in trial.iter().enumerate() {
        let still = after
            .iter()
            .filter(|g| open(g) && g.rule == f.rule)
            .find(|g| {
                changed
                    .iter()
                    .any(|(_, n, s)| s.owners.contains(&i) && n.contains(&g.line))
            });
        if let Some(g) = still {
            let whose = if f.fingerprint == c.fingerprint {
                ""
            } else {
                " (with the fixes before it)"
            };
            return Err(format!(
                "{} still fires at line {} after the fix{whose}",
                f.rule, g.line
            ));
        }
    }
    let fixing: Vec<&str> = trial.iter().map(|f| f.fingerprint.as_str()).collect();
    for g in after.iter().filter(|g| open(g)) {
        for (o, n, _) in &changed {
            if !n.contains(&g.line) {
                continue;
            }
            let was_there = old_findings.iter().any(|f| {
                open(f)
                    && f.rule == g.rule
                    && o.contains(&f.line)
                    && !fixing.contains(&f.fingerprint.as_str())
            });
            if !was_there {
                return Err(format!(
                    "the fix brings a new finding: {} at line {}: {}",
                    g.rule, g.line, g.message
                ));
            }
        }
    }
    Ok(after)
}
