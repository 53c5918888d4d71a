//! Repeated instances grouped into one issue per rule and cause, as the seeds
//! write them ("Files: various", one fix): on a real application a rule can
//! match hundreds of places, and a report with one section per place is
//! unreadable. The grouping is generic ([`group_by`]) so that other lists (the
//! desktop finding list, the week plan) can group the same way; [`cause_of`] is
//! the report's key.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::model::Item;
use crate::finding::Severity;
use crate::store::{Standing, MANUAL_RULE};

/// Locations listed for a group before "+N similar".
pub const SHOWN_PLACES: usize = 4;

/// Groups `items` by `key`: one group per key, in the order of the key's first
/// item, each group's members (indices into `items`) sorted by `order` (worst
/// first). An item whose key is `None` is a group of its own.
pub fn group_by<T, K: Ord>(
    items: &[T],
    key: impl Fn(&T) -> Option<K>,
    order: impl Fn(&T, &T) -> Ordering,
) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = vec![];
    let mut by_key: BTreeMap<K, usize> = BTreeMap::new();
    for (i, it) in items.iter().enumerate() {
        match key(it) {
            Some(k) => match by_key.get(&k) {
                Some(&g) => groups[g].push(i),
                None => {
                    by_key.insert(k, groups.len());
                    groups.push(vec![i]);
                }
            },
            None => groups.push(vec![i]),
        }
    }
    for g in &mut groups {
        g.sort_by(|&a, &b| order(&items[a], &items[b]).then(a.cmp(&b)));
    }
    groups
}

/// What makes findings the same issue: the rule, the severity, the impact
/// text, and where they stand (open, accepted and fixed instances are told
/// apart: their sections say different things).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cause {
    pub severity: Severity,
    pub rule: String,
    pub impact: String,
    pub standing: Standing,
}

/// The report's grouping key. Manual findings and findings an auditor wrote a
/// note on stay issues of their own: a person described that one place.
pub fn cause_of(f: &Item) -> Option<Cause> {
    if f.rule == MANUAL_RULE || f.note.is_some() {
        return None;
    }
    Some(Cause {
        severity: f.severity,
        rule: f.rule.clone(),
        impact: f.impact.clone(),
        standing: f.standing,
    })
}

/// Worst first: regressed before open (it came back), then the file with more
/// findings of the same rule (where the fix pays most), then path and line.
pub fn worst_first<'a>(all: &'a [Item]) -> impl Fn(&Item, &Item) -> Ordering + 'a {
    let mut per_file: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for f in all {
        *per_file
            .entry((f.rule.as_str(), f.path.as_str()))
            .or_default() += 1;
    }
    move |a: &Item, b: &Item| {
        let n = |f: &Item| {
            per_file
                .get(&(f.rule.as_str(), f.path.as_str()))
                .copied()
                .unwrap_or(0)
        };
        let regressed = |f: &Item| f.detection != crate::store::Detection::Regressed;
        regressed(a)
            .cmp(&regressed(b))
            .then(n(b).cmp(&n(a)))
            .then(a.path.cmp(&b.path))
            .then(a.line.cmp(&b.line))
    }
}

/// The first [`SHOWN_PLACES`] entries and how many are left out.
pub fn shown<T>(all: &[T]) -> (&[T], usize) {
    let k = all.len().min(SHOWN_PLACES);
    (&all[..k], all.len() - k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_keep_first_appearance_order_and_sort_members() {
        let items = [("a", 3), ("b", 1), ("a", 1), ("c", 0), ("a", 2)];
        let groups = group_by(
            &items,
            |(k, _)| (*k != "c").then_some(*k),
            |x, y| x.1.cmp(&y.1),
        );
        assert_eq!(groups, vec![vec![2, 4, 0], vec![1], vec![3]]);
    }

    #[test]
    fn shown_caps_the_list() {
        let v: Vec<usize> = (0..10).collect();
        let (s, rest) = shown(&v);
        assert_eq!((s.len(), rest), (SHOWN_PLACES, 10 - SHOWN_PLACES));
        assert_eq!(shown(&v[..2]), (&v[..2], 0));
    }
}
