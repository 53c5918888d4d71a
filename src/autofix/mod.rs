//! Applying fixes (`auditbench fix`): the edits of the findings that carry
//! them ([`crate::finding::Fix::edits`]), verified before anything is written.
//!
//! For each file, in memory: the fixes whose edits do not overlap are applied
//! together, one by one verified (the result parses with no more syntax errors
//! than the file had, the finding's rule no longer fires in the lines the fix
//! changed, and no other finding appears there); the file is analysed again
//! and the fixes left out for an overlap are tried in the next pass (at most
//! [`MAX_PASSES`]). A fix that fails verification on its own is refused with
//! the reason. Only then is the file written, when its content is still the
//! one the scan read (its hash) and it lies inside the project root.

mod verify;
mod write;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::config::Config;
use crate::finding::{Applicability, Finding, Kind, Status, TextEdit};
use crate::rules::fix::{apply, Edit};
use crate::scan::ScanResult;

pub use write::{read_checked, write_checked, WriteError};

/// Passes over one file: a fix left out of a pass for overlapping an applied
/// one is tried again on the file as the pass left it.
pub const MAX_PASSES: usize = 4;

/// Which findings to fix.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Also apply `unsafe` fixes.
    pub unsafe_fixes: bool,
    /// The rule ids whose findings are fixed (every rule: `None`).
    pub rules: Option<HashSet<String>>,
}

impl Selection {
    /// Whether `f` is an open finding with a fix this selection applies.
    pub fn wants(&self, f: &Finding) -> bool {
        let Some(fix) = &f.fix else {
            return false;
        };
        f.kind == Kind::Finding
            && f.status == Status::Open
            && !fix.edits.is_empty()
            && (self.unsafe_fixes || fix.applicability == Some(Applicability::Safe))
            && self.rules.as_ref().is_none_or(|r| r.contains(&f.rule))
    }
}

/// A fix not applied, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub finding: Finding,
    pub reason: String,
}

/// What fixing one file gives, in memory.
#[derive(Debug, Clone)]
pub struct FileFix {
    /// Relative to the project root.
    pub path: String,
    pub before: String,
    pub after: String,
    /// The fixes applied, as found (the first pass's findings, or the later
    /// pass's for fixes applied there).
    pub applied: Vec<Finding>,
    pub refused: Vec<Refusal>,
    /// The file's findings after the fixes.
    pub findings_after: Vec<Finding>,
}

impl FileFix {
    pub fn changed(&self) -> bool {
        self.before != self.after
    }

    /// The unified diff of the file, `a/PATH` to `b/PATH`.
    pub fn diff(&self) -> String {
        crate::finding::unified_diff(
            &self.before,
            &self.after,
            &format!("a/{}", self.path),
            &format!("b/{}", self.path),
        )
    }
}

/// The fixes of every file of `result` (a scan of `root` with `config`) that
/// holds findings `sel` wants, computed in memory: nothing is written. A file
/// whose content is no longer the one the scan read has its fixes refused.
pub fn plan(root: &Path, result: &ScanResult, config: &Config, sel: &Selection) -> Vec<FileFix> {
    let hashes: HashMap<&str, &str> = result
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.hash.as_str()))
        .collect();
    let mut by_file: Vec<(&str, Vec<Finding>)> = vec![];
    for f in &result.findings {
        if !sel.wants(f) {
            continue;
        }
        match by_file.iter_mut().find(|(p, _)| *p == f.path) {
            Some((_, v)) => v.push(f.clone()),
            None => by_file.push((f.path.as_str(), vec![f.clone()])),
        }
    }
    let mut out = vec![];
    for (path, wanted) in by_file {
        let all: Vec<Finding> = result
            .findings
            .iter()
            .filter(|f| f.path == path)
            .cloned()
            .collect();
        let text = hashes
            .get(path)
            .ok_or_else(|| "the scan did not read this file".to_string())
            .and_then(|h| read_checked(root, path, h).map_err(|e| e.to_string()));
        match text {
            Ok(text) => out.push(fix_text(path, &text, &all, config, sel)),
            Err(reason) => out.push(FileFix {
                path: path.to_string(),
                before: String::new(),
                after: String::new(),
                applied: vec![],
                refused: wanted
                    .into_iter()
                    .map(|finding| Refusal {
                        finding,
                        reason: reason.clone(),
                    })
                    .collect(),
                findings_after: vec![],
            }),
        }
    }
    out
}

/// Fixes the text of one file (`findings`: every finding the scan reported in
/// it, as computed on `text`), in passes, each fix verified.
pub fn fix_text(
    path: &str,
    text: &str,
    findings: &[Finding],
    config: &Config,
    sel: &Selection,
) -> FileFix {
    let crlf = text.contains("\r\n");
    let errors0 = verify::syntax_errors(path, text);
    let mut current = text.to_string();
    let mut current_findings = findings.to_vec();
    let mut applied: Vec<Finding> = vec![];
    let mut refused: Vec<Refusal> = vec![];
    let mut refused_fps: HashSet<String> = HashSet::new();
    for _ in 0..MAX_PASSES {
        let mut candidates: Vec<&Finding> = current_findings
            .iter()
            .filter(|f| sel.wants(f) && !refused_fps.contains(&f.fingerprint))
            .collect();
        candidates.sort_by_key(|f| first_edit(f));
        let mut taken: Vec<&Finding> = vec![];
        let mut taken_edits: Vec<TextEdit> = vec![];
        let mut base_ok: Option<(String, Vec<Finding>)> = None;
        for c in candidates {
            let edits = &c.fix.as_ref().expect("wanted").edits;
            if edits.iter().any(|e| overlaps_any(e, &taken_edits)) {
                continue; // next pass
            }
            let mut trial = taken.clone();
            trial.push(c);
            let outcome = apply_all(&current, &trial, crlf)
                .ok_or_else(|| "its edits do not apply to the file".to_string())
                .and_then(|(new, spans)| {
                    verify::check(
                        path,
                        &current,
                        &current_findings,
                        &new,
                        &spans,
                        &trial,
                        c,
                        errors0,
                        config,
                    )
                    .map(|after| (new, after))
                });
            match outcome {
                Ok(done) => {
                    taken_edits.extend(edits.iter().cloned());
                    taken.push(c);
                    base_ok = Some(done);
                }
                // Alone it fails: refused. With others it may work on the file
                // they leave: the next pass tries it again.
                Err(reason) if taken.is_empty() => {
                    refused_fps.insert(c.fingerprint.clone());
                    refused.push(Refusal {
                        finding: c.clone(),
                        reason,
                    });
                }
                Err(_) => {}
            }
        }
        let Some((new, after)) = base_ok else {
            break;
        };
        applied.extend(taken.into_iter().cloned());
        current = new;
        current_findings = after;
    }
    FileFix {
        path: path.to_string(),
        before: text.to_string(),
        after: current,
        applied,
        refused,
        findings_after: current_findings,
    }
}

/// Where a finding's edits begin.
fn first_edit(f: &Finding) -> usize {
    f.fix
        .as_ref()
        .and_then(|x| x.edits.iter().map(|e| e.start).min())
        .unwrap_or(usize::MAX)
}

/// Whether `e` overlaps one of `taken` (an identical edit does not: two fixes
/// adding the same import add it once; insertions at one offset do not).
fn overlaps_any(e: &TextEdit, taken: &[TextEdit]) -> bool {
    taken.iter().any(|t| {
        if t == e {
            return false;
        }
        let inside = |p: usize, r: &TextEdit| r.start < p && p < r.end;
        if e.start == e.end {
            return inside(e.start, t);
        }
        if t.start == t.end {
            return inside(t.start, e);
        }
        e.start < t.end && t.start < e.end
    })
}

/// Where an applied edit is, before and after (byte ranges).
#[derive(Debug, Clone)]
pub(crate) struct Applied {
    pub old: std::ops::Range<usize>,
    pub new: std::ops::Range<usize>,
    /// The findings whose fix holds this edit (indexes into the trial).
    pub owners: Vec<usize>,
}

/// `text` with the edits of `fixes` applied (identical edits once, line ends
/// written as the file writes them), and where each edit landed.
fn apply_all(text: &str, fixes: &[&Finding], crlf: bool) -> Option<(String, Vec<Applied>)> {
    let mut edits: Vec<(TextEdit, Vec<usize>)> = vec![];
    for (i, f) in fixes.iter().enumerate() {
        for e in &f.fix.as_ref()?.edits {
            match edits.iter_mut().find(|(x, _)| x == e) {
                Some((_, owners)) => owners.push(i),
                None => edits.push((e.clone(), vec![i])),
            }
        }
    }
    // Stable: insertions at one offset keep their order, before a replacement there.
    edits.sort_by_key(|(e, _)| (e.start, e.end));
    let mut spans = vec![];
    let mut shift: isize = 0;
    let mut plain = vec![];
    for (e, owners) in edits {
        let t = if crlf {
            e.text.replace("\r\n", "\n").replace('\n', "\r\n")
        } else {
            e.text.clone()
        };
        let start = (e.start as isize + shift) as usize;
        spans.push(Applied {
            old: e.start..e.end,
            new: start..start + t.len(),
            owners,
        });
        shift += t.len() as isize - (e.end as isize - e.start as isize);
        plain.push(Edit::replace(e.start..e.end, t));
    }
    Some((apply(text, &plain)?, spans))
}
