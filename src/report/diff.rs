//! Unified diffs of before/after code (the `similar` crate).

use similar::TextDiff;

/// A unified diff with three lines of context, ending with a newline.
pub fn unified(before: &str, after: &str, from: &str, to: &str) -> String {
    let mut b = before.to_string();
    let mut a = after.to_string();
    for s in [&mut b, &mut a] {
        if !s.ends_with('\n') {
            s.push('\n');
        }
    }
    let diff = TextDiff::from_lines(&b, &a);
    let mut out = diff
        .unified_diff()
        .context_radius(3)
        .header(from, to)
        .to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn diff_marks_added_lines() {
        let d = super::unified("a\nb\n", "a\nb\nc", "before", "after");
        assert!(d.starts_with("--- before\n+++ after\n"), "{d}");
        assert!(d.contains("\n+c\n"), "{d}");
    }
}
