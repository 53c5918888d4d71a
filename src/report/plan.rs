//! The remediation plan: open findings scheduled into weeks.
//!
//! Each finding costs its rule's `RuleMeta::effort_hours` (manual findings:
//! [`MANUAL_EFFORT_HOURS`]). Findings are taken most severe first (then in
//! report order) and placed in order: a critical finding may start in week 1, a
//! high one in week 2, a medium one in week 3 (the seeds' rhythm: week 1
//! critical; week 2 critical leftovers + high; week 3 high + medium). A week
//! holds at most the weekly capacity ([`DEFAULT_CAPACITY_HOURS`] unless set);
//! what does not fit moves to the next week, so no week is overloaded (a single
//! finding larger than the capacity gets a week of its own). Low and info
//! findings go to "Ongoing", with monitoring.
//!
//! A task is one finding; the findings of one issue (repeated instances
//! grouped) share its number, so a large issue spreads over several weeks, and
//! the instances of an issue that land in the same week are merged into one
//! line ("12 of 26 places").

use serde::Serialize;

use crate::finding::Severity;

/// Hours of remediation work per week the plan assumes (two focused days).
pub const DEFAULT_CAPACITY_HOURS: f32 = 16.0;
/// Effort assumed for a manual finding.
pub const MANUAL_EFFORT_HOURS: f32 = 2.0;

/// One finding to schedule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Task {
    /// `CRITICAL-001`.
    pub number: String,
    pub severity: Severity,
    pub title: String,
    pub path: String,
    pub effort_hours: f32,
    /// Findings of the issue this task covers.
    pub places: usize,
    /// Findings of the issue in all.
    pub of: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Week {
    /// 1-based.
    pub week: usize,
    pub hours: f32,
    pub tasks: Vec<Task>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Plan {
    pub capacity_hours: f32,
    pub weeks: Vec<Week>,
    /// Low and info findings: fixed along the way.
    pub ongoing: Vec<Task>,
    pub total_hours: f32,
}

impl Plan {
    /// Hours of the scheduled weeks.
    pub fn scheduled_hours(&self) -> f32 {
        self.weeks.iter().map(|w| w.hours).sum()
    }

    /// Hours of the ongoing (low and info) work.
    pub fn ongoing_hours(&self) -> f32 {
        self.ongoing.iter().map(|t| t.effort_hours).sum()
    }
}

/// Merges consecutive tasks of the same issue.
fn merge(tasks: Vec<Task>) -> Vec<Task> {
    let mut out: Vec<Task> = vec![];
    for t in tasks {
        match out.last_mut() {
            Some(last) if last.number == t.number => {
                last.places += t.places;
                last.effort_hours += t.effort_hours;
            }
            _ => out.push(t),
        }
    }
    out
}

fn earliest_week(s: Severity) -> Option<usize> {
    match s {
        Severity::Critical => Some(1),
        Severity::High => Some(2),
        Severity::Medium => Some(3),
        Severity::Low | Severity::Info => None,
    }
}

/// Schedules `tasks` (already in report order) with `capacity` hours a week.
pub fn schedule(tasks: &[Task], capacity: f32) -> Plan {
    let capacity = if capacity > 0.0 {
        capacity
    } else {
        DEFAULT_CAPACITY_HOURS
    };
    let mut sorted: Vec<&Task> = tasks.iter().collect();
    // Stable: keeps report order within a severity.
    sorted.sort_by_key(|t| t.severity);
    let mut plan = Plan {
        capacity_hours: capacity,
        ..Default::default()
    };
    let mut cur = 1usize;
    for t in sorted {
        plan.total_hours += t.effort_hours;
        let Some(earliest) = earliest_week(t.severity) else {
            plan.ongoing.push(t.clone());
            continue;
        };
        cur = cur.max(earliest);
        loop {
            while plan.weeks.len() < cur {
                let n = plan.weeks.len() + 1;
                plan.weeks.push(Week {
                    week: n,
                    hours: 0.0,
                    tasks: vec![],
                });
            }
            let w = &mut plan.weeks[cur - 1];
            if w.tasks.is_empty() || w.hours + t.effort_hours <= capacity + 1e-4 {
                w.hours += t.effort_hours;
                w.tasks.push(t.clone());
                break;
            }
            cur += 1;
        }
    }
    // Weeks left empty by the severity rhythm (no critical finding: week 1) are dropped
    // and the rest renumbered, so the plan starts now.
    plan.weeks.retain(|w| !w.tasks.is_empty());
    for (i, w) in plan.weeks.iter_mut().enumerate() {
        w.week = i + 1;
        w.tasks = merge(std::mem::take(&mut w.tasks));
    }
    plan.ongoing = merge(std::mem::take(&mut plan.ongoing));
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(n: &str, s: Severity, h: f32) -> Task {
        Task {
            number: n.into(),
            severity: s,
            title: n.into(),
            path: "a.py".into(),
            effort_hours: h,
            places: 1,
            of: 1,
        }
    }

    #[test]
    fn no_week_is_overloaded_and_order_is_kept() {
        let mut tasks = vec![];
        for i in 0..7 {
            tasks.push(task(&format!("HIGH-{i}"), Severity::High, 3.0));
            tasks.push(task(&format!("CRITICAL-{i}"), Severity::Critical, 4.0));
            tasks.push(task(&format!("MEDIUM-{i}"), Severity::Medium, 2.0));
            tasks.push(task(&format!("LOW-{i}"), Severity::Low, 1.0));
        }
        let plan = schedule(&tasks, 10.0);
        let mut last = Severity::Critical;
        for w in &plan.weeks {
            assert!(w.hours <= 10.0, "week {} has {}h", w.week, w.hours);
            for t in &w.tasks {
                assert!(t.severity >= last);
                last = t.severity;
            }
        }
        assert_eq!(plan.ongoing.len(), 7);
        let scheduled: usize = plan.weeks.iter().map(|w| w.tasks.len()).sum();
        assert_eq!(scheduled, 21);
        assert_eq!(plan.weeks[0].tasks[0].number, "CRITICAL-0");
    }

    #[test]
    fn big_task_gets_its_own_week_and_empty_weeks_are_dropped() {
        let plan = schedule(
            &[
                task("HIGH-1", Severity::High, 40.0),
                task("HIGH-2", Severity::High, 1.0),
            ],
            16.0,
        );
        assert_eq!(plan.weeks.len(), 2);
        assert_eq!(plan.weeks[0].week, 1);
        assert_eq!(plan.weeks[0].tasks.len(), 1);
        assert_eq!(plan.weeks[1].tasks[0].number, "HIGH-2");
    }

    #[test]
    fn an_issue_spreads_over_weeks_and_merges_within_one() {
        let tasks: Vec<Task> = (0..5)
            .map(|_| Task {
                of: 5,
                ..task("HIGH-1", Severity::High, 4.0)
            })
            .collect();
        let plan = schedule(&tasks, 10.0);
        let lines: Vec<(usize, f32)> = plan
            .weeks
            .iter()
            .flat_map(|w| w.tasks.iter().map(|t| (t.places, t.effort_hours)))
            .collect();
        assert_eq!(lines, vec![(2, 8.0), (2, 8.0), (1, 4.0)]);
        assert_eq!(plan.scheduled_hours(), plan.total_hours);
    }
}
