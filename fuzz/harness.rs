//! The fuzz targets' checks, shared by the libFuzzer targets (`fuzz/fuzz_targets/`,
//! nightly, `scripts/fuzz`) and by `cargo test --test fuzz_replay` (stable), which
//! replays the saved crash inputs of `fuzz/regressions/` and the seed files.
//!
//! Each function takes arbitrary bytes and panics when a property fails; any
//! panic, hang or overflow inside the engine is a finding too.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use auditbench::config::Config;
use auditbench::report::escape;
use auditbench::scan;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The whole per-file engine path (decode, parse, index, every rule, project
/// facts, the project-wide pass, JSON, SARIF and text output) on arbitrary bytes,
/// on a thread with the stack scans run with (`scan::SCAN_STACK`).
pub fn scan_bytes(data: &[u8]) {
    let data = data.to_vec();
    let worker = std::thread::Builder::new()
        .stack_size(scan::SCAN_STACK)
        .spawn(move || scan_on_this_thread(&data))
        .expect("spawn");
    if let Err(panic) = worker.join() {
        std::panic::resume_unwind(panic);
    }
}

fn scan_on_this_thread(data: &[u8]) {
    let config = Config {
        // No time limit: libFuzzer's -timeout must see a slow input, not the
        // per-file limit hiding it.
        max_file_time_ms: 0,
        ..Config::default()
    };
    let file = scan::scan_bytes("pkg/fuzz.py", data.to_vec(), &config);
    assert_eq!(file.path, "pkg/fuzz.py");
    assert_eq!(file.hash.len(), 64, "sha256 hex");
    let text = String::from_utf8_lossy(data);
    // Lines as Python counts them: a lone CR ends a line too (the scan reads it
    // as a newline), which `str::lines` does not know.
    let lines = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .lines()
        .count()
        .max(1);
    for f in &file.findings {
        assert!(
            f.line >= 1 && f.line <= f.end_line && f.end_line <= lines + 1,
            "finding outside the file ({lines} lines): {f:?}"
        );
        assert!(f.column >= 1, "columns are 1-based: {f:?}");
        assert_eq!(f.path, "pkg/fuzz.py");
        assert_eq!(f.fingerprint.len(), 32, "{f:?}");
    }
    let mut fps: Vec<&str> = file
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    fps.sort_unstable();
    fps.dedup();
    assert_eq!(fps.len(), file.findings.len(), "fingerprints are unique");
    let mut findings = file.findings.clone();
    findings.extend(scan::project_pass(std::slice::from_ref(&file), &config));
    scan::sort_findings(&mut findings);
    let result = auditbench::ScanResult {
        root: "/fuzz".into(),
        files_scanned: usize::from(file.analysed),
        lines_scanned: file.lines,
        duration_ms: 0,
        test_files_skipped: 0,
        warnings: file.warnings.clone(),
        findings,
        files: vec![file],
    };
    let json: serde_json::Value =
        serde_json::from_str(&auditbench::scan_output::json::render(&result)).expect("valid JSON");
    assert_eq!(
        json["findings"].as_array().map(Vec::len),
        Some(result.findings.len())
    );
    let sarif_options = auditbench::scan_output::sarif::SarifOptions { strengths: true };
    let sarif: serde_json::Value = serde_json::from_str(&auditbench::scan_output::sarif::render(
        &result,
        sarif_options,
    ))
    .expect("valid SARIF JSON");
    assert!(sarif["runs"].is_array());
    use auditbench::scan_output::Format;
    for format in [
        Format::Text,
        Format::JsonLines,
        Format::Github,
        Format::Gitlab,
        Format::Junit,
    ] {
        auditbench::scan_output::render(format, &result, sarif_options);
    }
}

/// The configuration parser on arbitrary text, as `.auditbench.toml` and as
/// `pyproject.toml`; a configuration it accepts must drive discovery and the
/// path filter without failing.
pub fn config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let dedicated = Config::from_dedicated_text(&text, PathBuf::from(".auditbench.toml"));
    let pyproject = Config::from_pyproject_text(&text, PathBuf::from("pyproject.toml"));
    let accepted = [dedicated.ok(), pyproject.ok().flatten()];
    for c in accepted.into_iter().flatten() {
        for m in auditbench::rules::all_meta() {
            c.is_enabled(m.id);
            c.severity_of(m.id, m.severity);
        }
        let root = empty_dir();
        // Exclude globs may be rejected, never panic.
        let _ = auditbench::scan::discover::discover(root, &c.exclude);
        if let Ok(filter) = auditbench::scan::discover::PathFilter::new(root, &c.exclude) {
            filter.is_excluded(Path::new("a/b.py"), false);
        }
    }
}

fn empty_dir() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("auditbench-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("temp dir");
        d
    })
}

fn markdown(md: &str) -> Vec<Event<'_>> {
    Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).collect()
}

/// Nothing but text, code spans and the given structure: no HTML, no link or
/// image, no emphasis, no heading or list the untrusted text started itself.
fn assert_inert(md: &str, events: &[Event], allowed: &[fn(&Tag) -> bool]) {
    for e in events {
        match e {
            Event::Text(_) | Event::Code(_) | Event::SoftBreak => {}
            Event::End(TagEnd::Strong) => {}
            Event::End(_) => {}
            Event::Start(t) if allowed.iter().any(|ok| ok(t)) => {}
            other => panic!("untrusted text made {other:?} in\n{md}"),
        }
    }
}

fn no_dangerous_chars(md: &str) {
    assert!(
        !md.chars().any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
            || (c.is_control() && c != '\n')),
        "bidi or control character left in {md:?}"
    );
}

fn code_spans(events: &[Event]) -> usize {
    events
        .iter()
        .filter(|e| matches!(e, Event::Code(_)))
        .count()
}

/// A table with one body row `| name | {cell} |`: still exactly two cells.
fn assert_one_row_two_cells(md: &str, events: &[Event]) {
    let rows = events
        .iter()
        .filter(|e| matches!(e, Event::Start(Tag::TableRow)))
        .count();
    let cells = events
        .iter()
        .filter(|e| matches!(e, Event::Start(Tag::TableCell)))
        .count();
    assert_eq!((rows, cells), (1, 4), "table broken by a cell:\n{md}");
}

/// The report's escaping of untrusted text, checked with a real CommonMark
/// parser (pulldown-cmark) on every context the report uses.
pub fn report_escape(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let para = |t: &Tag| matches!(t, Tag::Paragraph | Tag::Strong);
    let table = |t: &Tag| {
        matches!(
            t,
            Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell
        )
    };

    // Inline text after a label, as in "**Risk**: ...".
    let t = escape::text(&s);
    assert!(!t.contains('\n'), "inline text keeps no newline: {t:?}");
    no_dangerous_chars(&t);
    let md = format!("**Risk**: {t}\n");
    assert_inert(&md, &markdown(&md), &[para]);

    // A table cell.
    let md = format!("| a | b |\n|---|---|\n| x | {} |\n", escape::cell(&s));
    no_dangerous_chars(&md);
    let ev = markdown(&md);
    assert_inert(&md, &ev, &[table]);
    assert_one_row_two_cells(&md, &ev);

    // A code span (a path, a name): exactly one, holding the text.
    let md = format!("**File**: {}\n", escape::code(&s));
    no_dangerous_chars(&md);
    let ev = markdown(&md);
    assert_inert(&md, &ev, &[para]);
    assert_eq!(code_spans(&ev), 1, "one code span in\n{md}");

    // A code span in a table cell.
    let md = format!("| a | b |\n|---|---|\n| x | {} |\n", escape::code_cell(&s));
    let ev = markdown(&md);
    assert_inert(&md, &ev, &[table]);
    assert_one_row_two_cells(&md, &ev);
    assert_eq!(code_spans(&ev), 1, "one code span in\n{md}");

    // A fenced code block: one block holding the cleaned code, then the
    // document goes on as markdown.
    let md = format!("{}\nafter\n", escape::fence(&s, "python"));
    no_dangerous_chars(&md.replace('\t', " "));
    let ev = markdown(&md);
    let blocks = ev
        .iter()
        .filter(|e| matches!(e, Event::Start(Tag::CodeBlock(_))))
        .count();
    assert_eq!(blocks, 1, "one code block in\n{md}");
    let mut inside = String::new();
    let mut in_block = false;
    for e in &ev {
        match e {
            Event::Start(Tag::CodeBlock(_)) => in_block = true,
            Event::End(TagEnd::CodeBlock) => in_block = false,
            Event::Text(x) if in_block => inside.push_str(x),
            _ => {}
        }
    }
    let expected = escape::clean(&s);
    let expected = format!("{}\n", expected.trim_end_matches('\n'));
    // CommonMark turns NUL into U+FFFD; clean() already made it visible.
    assert_eq!(inside, expected, "code block content changed:\n{md}");
    assert!(
        matches!(ev.last(), Some(Event::End(TagEnd::Paragraph))),
        "the text after the block is a paragraph again:\n{md}"
    );

    // A blockquote (a triage note): one quote of plain paragraphs.
    let q = escape::quote(&s);
    no_dangerous_chars(&q.replace('\t', " "));
    let md = format!("{q}\nafter\n");
    let ev = markdown(&md);
    let quotes = ev
        .iter()
        .filter(|e| matches!(e, Event::Start(Tag::BlockQuote(_))))
        .count();
    assert!(quotes <= 1, "one blockquote at most:\n{md}");
    assert_inert(
        &md,
        &ev,
        &[|t| matches!(t, Tag::Paragraph | Tag::BlockQuote(_))],
    );
}
