//! The one edit type of the fix toolkit: a byte range of the module source and
//! the text that replaces it. `after` snippets are source windows with edits
//! applied; a future "apply the fix to the file" applies the same edits to the
//! whole source.

use std::ops::Range;

/// Replace the source bytes `range` with `text` (an insertion when the range is
/// empty, a deletion when the text is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

impl Edit {
    pub fn replace(range: Range<usize>, text: impl Into<String>) -> Edit {
        Edit {
            range,
            text: text.into(),
        }
    }

    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit::replace(at..at, text)
    }

    pub fn delete(range: Range<usize>) -> Edit {
        Edit::replace(range, String::new())
    }
}

/// `source` with `edits` applied. The edits must be sorted by start, must not
/// overlap (two insertions at one offset are applied in list order) and must lie
/// on character boundaries; `None` otherwise, so that a caller writing files never
/// writes a half-applied fix.
pub fn apply(source: &str, edits: &[Edit]) -> Option<String> {
    apply_within(source, 0..source.len(), edits)
}

/// [`apply`] to the window `window` of `source`: the window's text with the edits
/// (which must lie inside it) applied.
pub fn apply_within(source: &str, window: Range<usize>, edits: &[Edit]) -> Option<String> {
    let mut out = String::new();
    let mut pos = window.start;
    for e in edits {
        let ok = e.range.start >= pos
            && e.range.start <= e.range.end
            && e.range.end <= window.end
            && source.is_char_boundary(e.range.start)
            && source.is_char_boundary(e.range.end);
        if !ok {
            return None;
        }
        out.push_str(&source[pos..e.range.start]);
        out.push_str(&e.text);
        pos = e.range.end;
    }
    out.push_str(source.get(pos..window.end)?);
    Some(out)
}

/// The edits a snippet can show in `window` of `source`: those inside it (on
/// character boundaries), sorted by range, without the ones overlapping an
/// earlier one. Rules build their edits independently and a snippet should still
/// show what it can.
pub(crate) fn tidy(source: &str, mut edits: Vec<Edit>, window: &Range<usize>) -> Vec<Edit> {
    edits.retain(|e| {
        e.range.start >= window.start
            && e.range.end <= window.end.max(window.start)
            && e.range.start <= e.range.end
            && source.is_char_boundary(e.range.start)
            && source.is_char_boundary(e.range.end)
    });
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut pos = window.start;
    edits.retain(|e| {
        let keep = e.range.start >= pos;
        if keep {
            pos = e.range.end;
        }
        keep
    });
    edits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_sorted_edits_and_refuses_overlaps() {
        let src = "a = 1\nb = 2\n";
        let edits = [
            Edit::insert(0, "# x\n"),
            Edit::replace(4..5, "10"),
            Edit::delete(6..12),
        ];
        assert_eq!(apply(src, &edits).as_deref(), Some("# x\na = 10\n"));
        let overlapping = [Edit::replace(0..3, "x"), Edit::replace(2..4, "y")];
        assert_eq!(apply(src, &overlapping), None);
        assert_eq!(apply(src, &[Edit::replace(3..99, "")]), None);
    }

    #[test]
    fn tidy_keeps_what_fits_the_window() {
        let window = 2..10;
        let src = "0123456789ab";
        let edits = vec![
            Edit::replace(5..8, "b"),
            Edit::replace(0..3, "out"),
            Edit::replace(3..6, "a"),
            Edit::insert(9, "c"),
        ];
        let kept: Vec<_> = tidy(src, edits, &window)
            .into_iter()
            .map(|e| e.text)
            .collect();
        assert_eq!(kept, ["a", "c"]);
    }
}
