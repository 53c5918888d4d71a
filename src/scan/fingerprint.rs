//! Finding identity: a fingerprint that survives lines inserted above a finding.
//!
//! fingerprint = sha256(rule, path, enclosing scope, normalised anchor line,
//! occurrence index), where the anchor line is normalised by dropping all
//! whitespace, and the occurrence index counts earlier findings with the same
//! rule, path, scope and normalised line (so two identical lines in one function
//! get different, stable fingerprints).

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::finding::Finding;

pub fn normalise(line: &str) -> String {
    line.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Fills `fingerprint` and `anchor` for findings of one file;
/// `anchor_text(finding)` gives the anchor line's text. Findings must be
/// sorted by position.
pub fn assign(findings: &mut [Finding], mut anchor_text: impl FnMut(&Finding) -> String) {
    let mut seen: HashMap<(String, String, String), usize> = HashMap::new();
    for f in findings.iter_mut() {
        f.anchor = anchor_text(f);
        let norm = normalise(&f.anchor);
        let key = (f.rule.clone(), f.scope.clone(), norm.clone());
        let n = seen.entry(key).or_insert(0);
        let mut h = Sha256::new();
        for part in [
            f.rule.as_str(),
            f.path.as_str(),
            f.scope.as_str(),
            norm.as_str(),
            &n.to_string(),
        ] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        *n += 1;
        let digest = h.finalize();
        f.fingerprint = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    }
}
