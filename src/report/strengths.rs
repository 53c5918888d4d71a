//! The "Excellent patterns" section as the seeds write it: a few patterns
//! (at most [`MAX_PATTERNS`]) grouped by pattern, the ones that prevent the
//! worst incidents first (client and pool lifecycle, task registries, bounded
//! caches, jittered retries, bounded fan-out), each with one line on why it
//! matters and one or two places. Everyday idioms (a file opened in `with`)
//! are not strengths worth a client's attention and are left out.

use serde::Serialize;

use super::model::Strength;

/// Patterns shown; the seeds list 3 to 6.
pub const MAX_PATTERNS: usize = 6;
/// Places listed per pattern before "+N similar".
pub const SHOWN_PLACES: usize = 2;

/// Strength rules by impact: (rule, heading, why it matters).
const RANKED: &[(&str, &str, &str)] = &[
    ("GOOD007", "Clients closed at shutdown", "Connection pools are released on every deploy and restart, so sockets and server-side sessions do not pile up."),
    ("GOOD003", "One client per process (double-checked locking)", "Threads racing on first use still build a single engine, pool or client: no duplicate pools, no leaked connections."),
    ("GOOD001", "Task registry", "Background tasks stay referenced until they finish: the event loop cannot garbage-collect them mid-run, and shutdown can wait for them."),
    ("GOOD006", "Task error callback", "A failing background task reaches the logs instead of vanishing silently."),
    ("GOOD002", "Bounded caches", "Memory stays bounded however many keys arrive: no slow growth until the worker is killed."),
    ("GOOD004", "Retries with jitter", "Clients that failed together do not retry together: a recovering service is not hit by a thundering herd."),
    ("GOOD008", "Bounded fan-out", "A semaphore or a bounded pool caps concurrency, so a large batch cannot exhaust connections or stall the event loop."),
    ("GOOD005", "Cleanup in finally", "Sessions and connections are released on every path, errors included."),
];

/// One pattern of the section.
#[derive(Debug, Clone, Serialize)]
pub struct Pattern {
    pub rule: String,
    pub heading: String,
    pub why: String,
    /// Indices into `Report::strengths`: one place per file first, then the rest.
    pub places: Vec<usize>,
}

/// The everyday idiom of GOOD005: a resource opened in `with` (its message
/// says so); the `finally` cleanups of sessions and connections are kept.
fn is_everyday(s: &Strength) -> bool {
    s.rule == "GOOD005" && s.message.contains("opened in `with`")
}

/// The patterns to show, by impact, at most [`MAX_PATTERNS`].
pub fn patterns(strengths: &[Strength]) -> Vec<Pattern> {
    let mut out = vec![];
    for (rule, heading, why) in RANKED {
        let mut first: Vec<usize> = vec![];
        let mut rest: Vec<usize> = vec![];
        for (i, s) in strengths.iter().enumerate() {
            if s.rule != *rule || is_everyday(s) {
                continue;
            }
            if first.iter().any(|&k| strengths[k].path == s.path) {
                rest.push(i);
            } else {
                first.push(i);
            }
        }
        if first.is_empty() {
            continue;
        }
        first.extend(rest);
        out.push(Pattern {
            rule: rule.to_string(),
            heading: heading.to_string(),
            why: why.to_string(),
            places: first,
        });
        if out.len() == MAX_PATTERNS {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(rule: &str, path: &str, line: usize, message: &str) -> Strength {
        Strength {
            rule: rule.into(),
            name: String::new(),
            summary: String::new(),
            path: path.into(),
            line,
            scope: String::new(),
            message: message.into(),
            code: None,
            fingerprint: format!("{rule}{path}{line}"),
        }
    }

    #[test]
    fn ranked_by_impact_capped_and_without_everyday_idioms() {
        let all: Vec<Strength> = vec![
            s(
                "GOOD005",
                "a.py",
                1,
                "`f` is opened in `with`: closed on every path",
            ),
            s("GOOD004", "a.py", 2, "jitter"),
            s("GOOD001", "a.py", 3, "registry"),
            s("GOOD001", "a.py", 9, "registry"),
            s("GOOD001", "b.py", 4, "registry"),
        ];
        let p = patterns(&all);
        let rules: Vec<&str> = p.iter().map(|p| p.rule.as_str()).collect();
        assert_eq!(rules, ["GOOD001", "GOOD004"]);
        assert_eq!(p[0].places, vec![2, 4, 3], "one place per file first");
        let every: Vec<Strength> = RANKED.iter().map(|r| s(r.0, "x.py", 1, "m")).collect();
        assert_eq!(patterns(&every).len(), MAX_PATTERNS);
        assert!(patterns(&[]).is_empty());
    }
}
