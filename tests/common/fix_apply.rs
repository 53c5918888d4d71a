//! Applies a recommended fix snippet to a file, as a person would paste it
//! (shared by the fix round trip and the generated-tests run).

fn indent_of(l: &str) -> &str {
    &l[..l.len() - l.trim_start().len()]
}

/// Where `before` (a snippet, dedented) sits in `src` near `line`: the 0-based
/// first line, the line count and the indentation added.
fn locate(src: &[&str], before: &str, line: usize) -> Option<(usize, usize, String)> {
    let snippet: Vec<&str> = before.lines().collect();
    let first = snippet.iter().position(|l| !l.trim().is_empty())?;
    let lead = indent_of(snippet[first]).len();
    let mut starts: Vec<usize> = (0..src.len())
        .filter(|&i| src[i].trim() == snippet[first].trim())
        .collect();
    starts.sort_by_key(|&i| (i as i64 - line as i64 + 1).abs());
    for i in starts {
        let Some(top) = i.checked_sub(first) else {
            continue;
        };
        if top + snippet.len() > src.len() {
            continue;
        }
        let add = indent_of(src[i]).len().saturating_sub(lead);
        let ok = snippet.iter().enumerate().all(|(k, l)| {
            l.trim().is_empty() || src[top + k].trim_end() == format!("{}{l}", " ".repeat(add))
        });
        if ok {
            return Some((top, snippet.len(), " ".repeat(add)));
        }
    }
    None
}

/// A snippet's parts: the cutters join the lines a fix needs (a module-level
/// declaration and the function that grows it) with two blank lines, so a
/// run of two or more blank lines separates parts that sit apart in the file.
fn parts(snippet: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![String::new()];
    let mut blanks = 0;
    for l in snippet.lines() {
        if l.trim().is_empty() {
            blanks += 1;
            continue;
        }
        let cur = out.last_mut().unwrap();
        if blanks >= 2 && !cur.is_empty() {
            out.push(String::new());
        } else {
            for _ in 0..blanks {
                out.last_mut().unwrap().push('\n');
            }
        }
        blanks = 0;
        let cur = out.last_mut().unwrap();
        cur.push_str(l);
        cur.push('\n');
    }
    out.retain(|p| !p.trim().is_empty());
    out
}

/// A compound statement's body elided as `...` (the cutters show the head
/// only): the body from the file put in its place, in the before code and at
/// the `...` of the after code, so the pair can be applied as written.
fn concrete(lines: &[&str], before: &str, after: &str, line: usize) -> (String, String) {
    let b: Vec<&str> = before.lines().collect();
    let Some(dots) = b.iter().position(|l| l.trim().starts_with("...")) else {
        return (before.to_string(), after.to_string());
    };
    let head = b[..dots].join("\n") + "\n";
    let Some((top, n, pad)) = locate(lines, &head, line) else {
        return (before.to_string(), after.to_string());
    };
    let depth = indent_of(lines[top]).len();
    let mut body = vec![];
    for l in &lines[top + n..] {
        if !l.trim().is_empty() && indent_of(l).len() <= depth {
            break;
        }
        body.push(
            l.get(pad.len() + indent_of(b[dots]).len()..)
                .unwrap_or("")
                .to_string(),
        );
    }
    while body.last().is_some_and(|l| l.trim().is_empty()) {
        body.pop();
    }
    let with_body = |snippet: &str| -> String {
        let mut out = String::new();
        let mut done = false;
        for l in snippet.lines() {
            if !done && l.trim().starts_with("...") {
                done = true;
                let ind = indent_of(l);
                for x in &body {
                    out.push_str(&format!("{ind}{x}\n"));
                }
            } else {
                out.push_str(l);
                out.push('\n');
            }
        }
        out
    };
    (with_body(before), with_body(after))
}

/// A recommended fix (`before` -> `after` snippets, as the finding and the
/// report give them) applied to `lines`: the new text and the changed regions (1-based,
/// inclusive) in the old and in the new text; `None` when the before code is
/// not found.
#[allow(clippy::type_complexity)]
pub fn apply_fix(
    lines: &[&str],
    before: &str,
    after: &str,
    line: usize,
) -> Option<(String, Vec<(usize, usize)>, Vec<(usize, usize)>)> {
    let (before, after) = concrete(lines, before, after, line);
    let (b, a) = (parts(&before), parts(&after));
    // Parts pair up in order; context parts the fix leaves out stay unchanged.
    let pairs: Vec<(String, String)> = if a.len() <= b.len() {
        b.into_iter().zip(a).collect()
    } else {
        vec![(before.clone(), after.clone())]
    };
    let mut edits: Vec<(usize, usize, Vec<String>)> = vec![];
    for (b, a) in &pairs {
        let (top, n, pad) = locate(lines, b, line)?;
        // A part inside one already placed (the declaration is in the function
        // the snippet shows): the first part's change is the fix.
        if edits.iter().any(|(t, m, _)| top < t + m && *t < top + n) {
            continue;
        }
        let new: Vec<String> = a
            .lines()
            .map(|l| {
                if l.trim().is_empty() {
                    String::new()
                } else {
                    format!("{pad}{l}")
                }
            })
            .collect();
        edits.push((top, n, new));
    }
    edits.sort_by_key(|e| e.0);
    let (mut out, mut old_regions, mut new_regions) = (vec![], vec![], vec![]);
    let mut at = 0;
    for (top, n, new) in edits {
        out.extend(lines[at..top].iter().map(|s| s.to_string()));
        old_regions.push((top + 1, top + n));
        new_regions.push((out.len() + 1, out.len() + new.len().max(1)));
        out.extend(new);
        at = top + n;
    }
    out.extend(lines[at..].iter().map(|s| s.to_string()));
    Some((out.join("\n") + "\n", old_regions, new_regions))
}
