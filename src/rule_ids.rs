//! The id of every rule, in catalog order: the leaf that the configuration
//! (selector expansion, the enabled rules) and the rules layer both read, so
//! that `config` does not import `rules`. A test in `rules` keeps it equal to
//! the ids of `rules::all_meta()`.

use std::collections::HashSet;

use anyhow::{bail, Result};

/// Every rule id, per-file and project-wide, in catalog order.
pub const ALL: &[&str] = &[
    "MEM001", "MEM002", "MEM003", "MEM004", "MEM005", "RES001", "RES002", "RES003", "RES004",
    "RES005", "RES006", "RES007", "CONC001", "CONC002", "ASYNC001", "ASYNC002", "ASYNC003",
    "ASYNC004", "ASYNC005", "ASYNC006", "ASYNC007", "ASYNC008", "RESIL001", "RESIL002", "RESIL003",
    "ERR001", "ERR002", "ERR003", "SEC001", "PERF001", "GOOD001", "GOOD002", "GOOD003", "GOOD004",
    "GOOD005", "GOOD006", "GOOD007", "GOOD008",
];

/// Expands rule selectors (`MEM001`, `mem`, `RES`, `ALL`) into rule ids; unknown
/// selectors are errors.
pub fn expand_selectors(selectors: &[String]) -> Result<HashSet<String>> {
    let mut out = HashSet::new();
    for s in selectors {
        let s = s.trim().to_ascii_uppercase();
        if s == "ALL" {
            out.extend(ALL.iter().map(|id| id.to_string()));
            continue;
        }
        let matched: Vec<&str> = ALL
            .iter()
            .copied()
            .filter(|id| {
                *id == s
                    || (id.starts_with(&s)
                        && id[s.len()..].chars().all(|c| c.is_ascii_digit())
                        && s.chars().all(|c| c.is_ascii_alphabetic() || c == '_'))
            })
            .collect();
        if matched.is_empty() {
            bail!("{}", unknown_rule(&s));
        }
        out.extend(matched.into_iter().map(String::from));
    }
    Ok(out)
}

/// The families of the catalog (`MEM`, `RES`...), the selectors besides ids.
fn families() -> Vec<&'static str> {
    let mut f: Vec<&str> = ALL
        .iter()
        .map(|id| id.trim_end_matches(|c: char| c.is_ascii_digit()))
        .collect();
    f.dedup();
    f
}

/// The id or family closest to a mistyped selector, when one is close enough
/// to be the likely intent (`RES07` -> `RES007`, `ASYNC01` -> `ASYNC001`).
pub fn did_you_mean(selector: &str) -> Option<&'static str> {
    let s = selector.trim().to_ascii_uppercase();
    ALL.iter()
        .copied()
        .chain(families())
        .map(|c| (strsim::jaro_winkler(&s, c), c))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// The error message for an unknown rule id or selector.
pub fn unknown_rule(selector: &str) -> String {
    match did_you_mean(selector) {
        Some(c) => format!(
            "unknown rule `{selector}`: did you mean `{c}`? (see `auditbench rules` for the list)"
        ),
        None => format!("unknown rule `{selector}` (see `auditbench rules` for the list)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_id_or_family() {
        assert_eq!(did_you_mean("RES07"), Some("RES007"));
        assert_eq!(did_you_mean("async01"), Some("ASYNC001"));
        assert_eq!(did_you_mean("RESL"), Some("RESIL"));
        assert_eq!(did_you_mean("XYZ"), None);
    }
}
