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
            bail!("unknown rule `{s}` (see `auditbench rules` for the list)");
        }
        out.extend(matched.into_iter().map(String::from));
    }
    Ok(out)
}
