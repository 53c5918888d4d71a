//! The health score: one number from 0 to 10 for "how exposed is this code".
//!
//! ```text
//! weight    = 10 per critical, 5 per high, 2 per medium, 1 per low, 0 per info
//! W         = sum of the weights of the open findings
//! KLOC      = max(lines of Python analysed, 1000) / 1000
//! density   = W / KLOC                       (weighted findings per 1000 lines)
//! score     = 10 * K / (K + density),  K = 30, rounded to one decimal
//! ```
//!
//! Properties (tested): 10 with no open finding; strictly decreasing in every
//! open finding of severity low or above; non-decreasing in code size; always in
//! `(0, 10]`. K = 30 puts a codebase with one critical finding per 1000 lines at
//! 7.5 and one with a critical plus four highs per 1000 lines at 5.0. Small
//! projects count as 1000 lines so that one finding in a 50-line script does not
//! read as a disaster.
//!
//! The findings weighed are those that `store::Standing::weighs`: open (work
//! to do) and accepted risks (a person decided to leave them, but the risk is
//! in the code); fixed, suppressed and false-positive findings are not.
//! The baseline uses the findings detected by the first scan and that scan's
//! line count; "now" uses the findings open now and the latest scan's lines.

use serde::Serialize;

use crate::finding::Severity;

/// The constant `K` of the formula.
pub const K: f64 = 30.0;
/// Code sizes below this count as this many lines.
pub const MIN_LINES: usize = 1000;

/// The formula, as printed in the report's methodology section.
pub const FORMULA: &str = "score = 10 × K / (K + density), where density = (10 × critical + 5 × high + 2 × medium + 1 × low) open findings per 1000 lines of Python analysed (at least 1000 lines counted), K = 30; rounded to one decimal.";

pub fn weight(s: Severity) -> f64 {
    match s {
        Severity::Critical => 10.0,
        Severity::High => 5.0,
        Severity::Medium => 2.0,
        Severity::Low => 1.0,
        Severity::Info => 0.0,
    }
}

/// The inputs of one score.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Inputs {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub info: usize,
    pub lines: usize,
}

impl Inputs {
    pub fn add(&mut self, s: Severity) {
        match s {
            Severity::Critical => self.critical += 1,
            Severity::High => self.high += 1,
            Severity::Medium => self.medium += 1,
            Severity::Low => self.low += 1,
            Severity::Info => self.info += 1,
        }
    }

    pub fn weighted(&self) -> f64 {
        self.critical as f64 * weight(Severity::Critical)
            + self.high as f64 * weight(Severity::High)
            + self.medium as f64 * weight(Severity::Medium)
            + self.low as f64 * weight(Severity::Low)
            + self.info as f64 * weight(Severity::Info)
    }
}

/// The unrounded score.
pub fn raw_score(i: &Inputs) -> f64 {
    let kloc = i.lines.max(MIN_LINES) as f64 / 1000.0;
    let density = i.weighted() / kloc;
    10.0 * K / (K + density)
}

/// The score rounded to one decimal.
pub fn score(i: &Inputs) -> f64 {
    (raw_score(i) * 10.0).round() / 10.0
}

/// Baseline and current score with their inputs.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Health {
    pub baseline: f64,
    pub now: f64,
    pub baseline_inputs: Inputs,
    pub now_inputs: Inputs,
}

impl Health {
    pub fn new(baseline_inputs: Inputs, now_inputs: Inputs) -> Health {
        Health {
            baseline: score(&baseline_inputs),
            now: score(&now_inputs),
            baseline_inputs,
            now_inputs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(c: usize, h: usize, m: usize, l: usize, lines: usize) -> Inputs {
        Inputs {
            critical: c,
            high: h,
            medium: m,
            low: l,
            info: 0,
            lines,
        }
    }

    #[test]
    fn clean_code_scores_ten() {
        assert_eq!(score(&inputs(0, 0, 0, 0, 5000)), 10.0);
        assert_eq!(score(&inputs(0, 0, 0, 0, 0)), 10.0);
    }

    #[test]
    fn reference_points() {
        assert_eq!(score(&inputs(1, 0, 0, 0, 1000)), 7.5);
        assert_eq!(score(&inputs(1, 4, 0, 0, 1000)), 5.0);
        // Small projects count as 1000 lines.
        assert_eq!(score(&inputs(1, 0, 0, 0, 50)), 7.5);
    }

    #[test]
    fn monotonic_in_every_severity_and_in_size() {
        for lines in [0, 400, 1000, 2500, 20_000, 400_000] {
            for c in 0..6 {
                for h in 0..6 {
                    for m in 0..6 {
                        for l in 0..6 {
                            let base = raw_score(&inputs(c, h, m, l, lines));
                            assert!(base > 0.0 && base <= 10.0);
                            // One more open finding of any severity lowers the score.
                            for more in [
                                inputs(c + 1, h, m, l, lines),
                                inputs(c, h + 1, m, l, lines),
                                inputs(c, h, m + 1, l, lines),
                                inputs(c, h, m, l + 1, lines),
                            ] {
                                assert!(raw_score(&more) < base);
                            }
                            // A more severe finding weighs more than a less severe one.
                            assert!(
                                raw_score(&inputs(c + 1, h, m, l, lines))
                                    < raw_score(&inputs(c, h + 1, m, l, lines))
                            );
                            assert!(
                                raw_score(&inputs(c, h + 1, m, l, lines))
                                    < raw_score(&inputs(c, h, m + 1, l, lines))
                            );
                            assert!(
                                raw_score(&inputs(c, h, m + 1, l, lines))
                                    < raw_score(&inputs(c, h, m, l + 1, lines))
                            );
                            // More code with the same findings never lowers it.
                            assert!(raw_score(&inputs(c, h, m, l, lines + 500)) >= base);
                            // Rounding keeps the order (non-strictly).
                            assert!(
                                score(&inputs(c + 1, h, m, l, lines))
                                    <= score(&inputs(c, h, m, l, lines))
                            );
                        }
                    }
                }
            }
        }
    }
}
