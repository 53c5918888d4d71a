//! Finding identity across scans: match a scan's findings to stored ones,
//! strongest evidence first.
//!
//! 1. exact fingerprint (rule + file + scope + normalised anchor line + occurrence);
//! 2. line-content hash (rule + file + normalised anchor line), nearest line wins:
//!    survives a renamed enclosing function or a changed occurrence index;
//! 3. same rule, file and scope, nearest line (only for findings open now): survives
//!    a reformatted anchor line;
//! 4. a renamed file, when exactly one deleted file and one new file correspond
//!    (same content hash, or at least half of their findings share rule, scope and
//!    anchor text), matched by rule + scope + anchor text.

use std::collections::{HashMap, HashSet};

use sha2::{Digest, Sha256};

use crate::scan::fingerprint::normalise;

/// A stored finding, as far as matching needs it.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: i64,
    pub fingerprint: String,
    pub line_hash: String,
    pub anchor_text: String,
    pub rule: String,
    pub path: String,
    pub line: usize,
    pub scope: String,
    pub active: bool,
}

/// A finding of the new scan, as far as matching needs it.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub fingerprint: String,
    pub line_hash: String,
    pub anchor_text: String,
    pub rule: String,
    pub path: String,
    pub line: usize,
    pub scope: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    Fingerprint,
    LineHash,
    Scope,
    Rename,
}

/// Result: pairs (incoming index, stored index, how), and the file renames used.
#[derive(Debug, Default)]
pub struct Matching {
    pub pairs: Vec<(usize, usize, MatchKind)>,
    /// old path -> new path
    pub renames: HashMap<String, String>,
}

/// Hash of rule, path and normalised anchor line.
pub fn line_hash(rule: &str, path: &str, anchor_text: &str) -> String {
    let mut h = Sha256::new();
    for part in [rule, path, &normalise(anchor_text)] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    h.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `deleted` = covered paths that no longer exist; `file_hash(path)` gives the
/// stored (old) or scanned (new) content hash of a path.
pub fn match_findings(
    incoming: &[Incoming],
    stored: &[Stored],
    deleted: &HashSet<String>,
    known_paths: &HashSet<String>,
    old_hash: &dyn Fn(&str) -> Option<String>,
    new_hash: &dyn Fn(&str) -> Option<String>,
) -> Matching {
    let mut m = Matching::default();
    let mut used_in = vec![false; incoming.len()];
    let mut used_st = vec![false; stored.len()];

    // 1. Exact fingerprint; prefer a finding open now over a fixed one.
    let mut by_fp: HashMap<&str, Vec<usize>> = HashMap::new();
    for (j, s) in stored.iter().enumerate() {
        by_fp.entry(s.fingerprint.as_str()).or_default().push(j);
    }
    for (i, f) in incoming.iter().enumerate() {
        if let Some(c) = by_fp.get(f.fingerprint.as_str()) {
            let best = c
                .iter()
                .copied()
                .filter(|j| !used_st[*j])
                .min_by_key(|j| (!stored[*j].active, stored[*j].line.abs_diff(f.line)));
            if let Some(j) = best {
                used_in[i] = true;
                used_st[j] = true;
                m.pairs.push((i, j, MatchKind::Fingerprint));
            }
        }
    }

    // 2. Line-content hash, nearest line.
    let mut by_lh: HashMap<&str, Vec<usize>> = HashMap::new();
    for (j, s) in stored.iter().enumerate() {
        by_lh.entry(s.line_hash.as_str()).or_default().push(j);
    }
    nearest_pass(
        incoming,
        stored,
        &mut used_in,
        &mut used_st,
        &mut m,
        MatchKind::LineHash,
        |f| by_lh.get(f.line_hash.as_str()).cloned().unwrap_or_default(),
    );

    // 3. Same rule + path + scope, nearest line, only findings open now.
    let mut by_scope: HashMap<(&str, &str, &str), Vec<usize>> = HashMap::new();
    for (j, s) in stored.iter().enumerate() {
        if s.active {
            by_scope
                .entry((s.rule.as_str(), s.path.as_str(), s.scope.as_str()))
                .or_default()
                .push(j);
        }
    }
    nearest_pass(
        incoming,
        stored,
        &mut used_in,
        &mut used_st,
        &mut m,
        MatchKind::Scope,
        |f| {
            by_scope
                .get(&(f.rule.as_str(), f.path.as_str(), f.scope.as_str()))
                .cloned()
                .unwrap_or_default()
        },
    );

    // 4. Renamed files.
    let key = |rule: &str, scope: &str, text: &str| {
        (rule.to_string(), scope.to_string(), normalise(text))
    };
    let new_paths: Vec<String> = {
        let mut v: Vec<String> = incoming
            .iter()
            .enumerate()
            .filter(|(i, f)| !used_in[*i] && !known_paths.contains(&f.path))
            .map(|(_, f)| f.path.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let old_paths: Vec<String> = {
        let mut v: Vec<String> = stored
            .iter()
            .enumerate()
            .filter(|(j, s)| !used_st[*j] && deleted.contains(&s.path))
            .map(|(_, s)| s.path.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let keys_in = |p: &str, used: &[bool]| -> Vec<(String, String, String)> {
        incoming
            .iter()
            .enumerate()
            .filter(|(i, f)| !used[*i] && f.path == p)
            .map(|(_, f)| key(&f.rule, &f.scope, &f.anchor_text))
            .collect()
    };
    let keys_st = |p: &str, used: &[bool]| -> Vec<(String, String, String)> {
        stored
            .iter()
            .enumerate()
            .filter(|(j, s)| !used[*j] && s.path == p)
            .map(|(_, s)| key(&s.rule, &s.scope, &s.anchor_text))
            .collect()
    };
    let corresponds = |n: &str, o: &str| -> bool {
        if let (Some(a), Some(b)) = (new_hash(n), old_hash(o)) {
            if !a.is_empty() && a == b {
                return true;
            }
        }
        let kn = keys_in(n, &used_in);
        let mut ko = keys_st(o, &used_st);
        let mut common = 0;
        for k in &kn {
            if let Some(pos) = ko.iter().position(|x| x == k) {
                ko.swap_remove(pos);
                common += 1;
            }
        }
        let total = kn.len().max(keys_st(o, &used_st).len());
        common > 0 && common * 2 >= total
    };
    let mut pairs_paths = vec![];
    for n in &new_paths {
        let olds: Vec<&String> = old_paths.iter().filter(|o| corresponds(n, o)).collect();
        if olds.len() != 1 {
            continue;
        }
        let o = olds[0];
        let news: Vec<&String> = new_paths.iter().filter(|x| corresponds(x, o)).collect();
        if news.len() == 1 {
            pairs_paths.push((n.clone(), o.clone()));
        }
    }
    for (n, o) in pairs_paths {
        m.renames.insert(o.clone(), n.clone());
        for (i, f) in incoming.iter().enumerate() {
            if used_in[i] || f.path != n {
                continue;
            }
            let k = key(&f.rule, &f.scope, &f.anchor_text);
            let best = stored
                .iter()
                .enumerate()
                .filter(|(j, s)| {
                    !used_st[*j] && s.path == o && key(&s.rule, &s.scope, &s.anchor_text) == k
                })
                .min_by_key(|(_, s)| s.line.abs_diff(f.line))
                .map(|(j, _)| j);
            if let Some(j) = best {
                used_in[i] = true;
                used_st[j] = true;
                m.pairs.push((i, j, MatchKind::Rename));
            }
        }
    }
    m
}

fn nearest_pass(
    incoming: &[Incoming],
    stored: &[Stored],
    used_in: &mut [bool],
    used_st: &mut [bool],
    m: &mut Matching,
    kind: MatchKind,
    candidates: impl Fn(&Incoming) -> Vec<usize>,
) {
    // Globally closest pairs first, so that two candidates do not steal each
    // other's match.
    let mut options: Vec<(usize, usize, usize)> = vec![];
    for (i, f) in incoming.iter().enumerate() {
        if used_in[i] {
            continue;
        }
        for j in candidates(f) {
            if !used_st[j] {
                options.push((stored[j].line.abs_diff(f.line), i, j));
            }
        }
    }
    options.sort();
    for (_, i, j) in options {
        if !used_in[i] && !used_st[j] {
            used_in[i] = true;
            used_st[j] = true;
            m.pairs.push((i, j, kind));
        }
    }
}
