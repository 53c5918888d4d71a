//! A generated hostile repository: huge and deep files, thousands of files in
//! one folder, symlink loops and escapes, bad encodings, NUL bytes, odd line
//! endings, bidirectional controls and markdown/HTML injection in code and file
//! names, files removed while the scan runs. Every case must end with a clear
//! warning naming the file, and the rest of the project must be scanned
//! completely (each generated file holds one finding that must be reported).
//!
//! Sizes are the issue's (100 000-line file, 10 MB file, 5 000 levels, 3 000
//! files in one folder); `AUDITBENCH_HOSTILE_SCALE=0.1` shrinks them for a
//! quick run.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use auditbench::report::{self, ReportFormat, ReportOptions};
use auditbench::scan::Warning;
use auditbench::store::{Store, SyncOptions, SyncScope, Trigger};
use auditbench::{scan, Config, ScanOptions, ScanResult};

/// One RES007 finding (incomplete context manager), on the line of `def`.
const FINDING: &str = "class Ctx:\n    def __enter__(self):\n        return self\n";

fn scale(n: usize) -> usize {
    let s: f64 = std::env::var("AUDITBENCH_HOSTILE_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1.0);
    ((n as f64 * s) as usize).max(10)
}

fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, bytes).unwrap();
}

/// Files that must be analysed and yield their finding, by relative path.
struct Expect {
    found: BTreeSet<String>,
}

impl Expect {
    fn file(&mut self, root: &Path, rel: &str, text: String) {
        write(root, rel, text);
        self.found.insert(rel.to_string());
    }
}

fn nested(open: &str, inner: &str, close: &str, n: usize) -> String {
    format!("{}{inner}{}", open.repeat(n), close.repeat(n))
}

/// Builds the repository; returns the files whose finding must be reported.
fn build(root: &Path) -> Expect {
    let mut e = Expect {
        found: BTreeSet::new(),
    };
    let deep = scale(5000);
    // Size and depth.
    let mut huge = String::new();
    for i in 0..scale(100_000) {
        // Plain values: many module-level dicts are tests/generated_scale.rs's case.
        huge.push_str(&format!("value_{i} = {i} + len(\"s\")\n"));
    }
    e.file(root, "gen/huge_100k_lines.py", format!("{huge}{FINDING}"));
    let ten_mb = "x = 1  # padding padding padding padding padding padding\n"
        .repeat(10 * 1024 * 1024 / 57 + 1);
    write(root, "gen/ten_mb.py", format!("{FINDING}{ten_mb}"));
    let exprs = [
        nested("(", "1", ")", deep),
        nested("[", "1", "]", deep),
        nested("{'k': ", "1", "}", deep),
        nested("([{", "1", "}])", deep / 3),
        format!("{}x", "not ".repeat(deep)),
        format!("{}x", "-".repeat(deep)),
        format!("{}1", "1 + ".repeat(deep)),
        format!("x{}", ".a".repeat(deep)),
        format!("f{}", "()".repeat(deep)),
        format!("{}0", "lambda: ".repeat(deep)),
        format!("{}0{}", "f(".repeat(deep), ")".repeat(deep)),
        format!("{}1{}", "[x for x in ".repeat(deep), "]".repeat(deep)),
        format!("1{}", " if c else 1".repeat(deep)),
    ];
    for (i, x) in exprs.iter().enumerate() {
        e.file(
            root,
            &format!("deep/expr_{i}.py"),
            format!("v = {x}\n{FINDING}"),
        );
    }
    let mut blocks = String::new();
    for d in 0..scale(1000) {
        blocks.push_str(&format!("{}if x:\n", " ".repeat(d)));
    }
    blocks.push_str(&format!("{}pass\n", " ".repeat(scale(1000))));
    e.file(root, "deep/blocks.py", format!("{blocks}{FINDING}"));
    let unclosed = "(".repeat(deep);
    e.file(
        root,
        "deep/unclosed.py",
        format!("{FINDING}x = {unclosed}\n"),
    );
    // Thousands of files in one folder.
    for i in 0..scale(3000) {
        e.file(root, &format!("many/m_{i:05}.py"), FINDING.to_string());
    }
    // Links: loops, a link out of the project (to a file and to a folder),
    // a dangling link.
    std::os::unix::fs::symlink("..", root.join("many/loop")).unwrap();
    std::os::unix::fs::symlink("../links", root.join("links_self")).ok();
    fs::create_dir_all(root.join("links")).unwrap();
    std::os::unix::fs::symlink("../links", root.join("links/again")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/gone.py", root.join("links/dangling.py")).unwrap();
    // Encodings and bytes.
    let mut latin = b"# caf\xe9 \xff\xfe\n".to_vec();
    latin.extend_from_slice(FINDING.as_bytes());
    write(root, "enc/latin1.py", &latin);
    e.found.insert("enc/latin1.py".into());
    let mut utf16 = vec![0xff, 0xfe];
    for c in FINDING.encode_utf16() {
        utf16.extend_from_slice(&c.to_le_bytes());
    }
    write(root, "enc/utf16.py", utf16);
    write(root, "enc/nul_start.py", format!("\0\0\0{FINDING}"));
    // A NUL far into the file: Python refuses it, so do we (tree-sitter would
    // stop there silently).
    write(
        root,
        "enc/nul_late.py",
        format!("{}s = 'a\0b'\n{FINDING}", "# pad\n".repeat(2000)),
    );
    e.file(root, "enc/bom.py", format!("\u{feff}{FINDING}"));
    // Line endings and tabs.
    e.file(root, "eol/crlf.py", FINDING.replace('\n', "\r\n"));
    e.file(
        root,
        "eol/mixed.py",
        format!("a = 1\r\nb = 2\rc = 3\n\r\n{}", FINDING.replace('\n', "\r")),
    );
    e.file(root, "eol/tabs.py", FINDING.replace("    ", "\t"));
    e.file(root, "eol/no_newline.py", FINDING.trim_end().to_string());
    // Injection in code, identifiers and file names.
    let inject = "\"\"\"</code></pre><script>alert(1)</script> | a | b |\n```\n# Heading\n[x](javascript:alert(1)) <!-- c --> \u{202E}gnp.exe \u{2066}\"\"\"\n";
    e.file(
        root,
        "inject/code.py",
        format!("{inject}class Ctx_\u{05D0}:  # <img src=x onerror=alert(1)> ``` |\n    def __enter__(self):\n        x = '\u{202E}<b>|</b>`'\n        return self\n"),
    );
    for name in [
        "inject/<script>alert(1)<|script>.py",
        "inject/pipe|in`name`.py",
        "inject/bidi_\u{202E}yp.txt.py",
        "inject/line\nbreak.py",
        "inject/#heading [link](x) *em*.py",
        "inject/tab\tand\u{7}bell.py",
    ] {
        e.file(root, name, FINDING.to_string());
    }
    // Removed while the scan runs (see `scan_with_sabotage`).
    for i in 0..200 {
        e.file(root, &format!("zz_vanish/v_{i:03}.py"), FINDING.to_string());
    }
    e
}

fn config() -> Config {
    Config {
        // Debug builds are slow; the time limit has its own test below.
        max_file_time_ms: 0,
        ..Config::default()
    }
}

/// Scans `root`, deleting `zz_vanish/` (and making a file unreadable) as soon
/// as the first file is done, while the rest of the scan runs.
fn scan_with_sabotage(root: &Path) -> ScanResult {
    use std::os::unix::fs::PermissionsExt;
    let fired = AtomicBool::new(false);
    let sabotage = |_: usize, _: usize| {
        if !fired.swap(true, Ordering::SeqCst) {
            fs::remove_dir_all(root.join("zz_vanish")).unwrap();
            let _ = fs::set_permissions(
                root.join("many/m_00009.py"),
                fs::Permissions::from_mode(0o000),
            );
        }
    };
    scan(ScanOptions {
        root: root.to_path_buf(),
        config: config(),
        progress: Some(&sabotage),
    })
    .unwrap()
}

fn warnings_for<'a>(r: &'a ScanResult, path: &str) -> Vec<&'a Warning> {
    r.warnings
        .iter()
        .filter(|w| w.path.as_deref() == Some(path))
        .collect()
}

fn assert_warned(r: &ScanResult, path: &str, kind: &str, says: &str) {
    let w = warnings_for(r, path);
    assert!(
        w.iter().any(|w| w.kind == kind && w.message.contains(says)),
        "{path}: expected a {kind} warning saying {says:?}, got {w:#?}"
    );
}

#[test]
fn hostile_repository_is_scanned_completely_with_clear_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    fs::create_dir_all(&root).unwrap();
    let mut expect = build(&root);
    // Outside the project: must never be read, reported or captured.
    let outside = dir.path().join("outside");
    write(&outside, "secret.py", FINDING);
    write(&outside, "pkg/other.py", FINDING);
    std::os::unix::fs::symlink(outside.join("secret.py"), root.join("links/secret.py")).unwrap();
    std::os::unix::fs::symlink(outside.join("pkg"), root.join("links/pkg")).unwrap();

    let started = std::time::Instant::now();
    let r = scan_with_sabotage(&root);
    eprintln!(
        "hostile scan: {} files, {} lines in {:?}",
        r.files_scanned,
        r.lines_scanned,
        started.elapsed()
    );

    // Removed during the scan: reported as unreadable, or scanned before.
    let vanished: Vec<String> = expect
        .found
        .iter()
        .filter(|p| p.starts_with("zz_vanish/"))
        .cloned()
        .collect();
    let mut caught = 0;
    for p in &vanished {
        expect.found.remove(p);
        let scanned = r.findings.iter().any(|f| &f.path == p);
        if !scanned {
            assert_warned(&r, p, "unreadable", "cannot read file");
            caught += 1;
        }
    }
    assert!(
        caught > 0,
        "the removal happened while files were left to read"
    );
    // Unreadable only when not root (root reads anything).
    let m9 = root.join("many/m_00009.py");
    if fs::read(&m9).is_err() {
        expect.found.remove("many/m_00009.py");
        assert!(
            r.findings.iter().any(|f| f.path == "many/m_00009.py")
                || !warnings_for(&r, "many/m_00009.py").is_empty()
        );
    }

    // Everything else: its finding is reported.
    let with_findings: BTreeSet<&str> = r.findings.iter().map(|f| f.path.as_str()).collect();
    let missing: Vec<&String> = expect
        .found
        .iter()
        .filter(|p| !with_findings.contains(p.as_str()))
        .collect();
    assert!(missing.is_empty(), "no finding reported for {missing:#?}");
    let huge = r
        .findings
        .iter()
        .find(|f| f.path == "gen/huge_100k_lines.py")
        .unwrap();
    assert_eq!(
        huge.line,
        scale(100_000) + 2,
        "the end of the huge file was read"
    );
    let mixed = r
        .findings
        .iter()
        .find(|f| f.path == "eol/mixed.py")
        .unwrap();
    assert_eq!(mixed.line, 6, "\\r, \\n and \\r\\n each end a line");

    // Clear warnings naming each file that could not be (fully) analysed.
    assert_warned(&r, "gen/ten_mb.py", "too-large", "over the size limit");
    assert_warned(&r, "enc/latin1.py", "not-utf8", "line 1");
    assert_warned(&r, "enc/nul_start.py", "binary", "NUL");
    assert_warned(&r, "enc/utf16.py", "binary", "NUL");
    assert_warned(&r, "enc/nul_late.py", "binary", "NUL");
    assert_warned(&r, "deep/expr_0.py", "too-deep", "nesting deeper than");
    assert_warned(&r, "deep/unclosed.py", "syntax-error", "syntax error");
    assert_warned(&r, "links/dangling.py", "walk", "");
    assert!(
        r.warnings
            .iter()
            .any(|w| w.kind == "walk" && w.message.contains("symlink loop")),
        "{:#?}",
        r.warnings
    );
    for link in ["links/secret.py", "links/pkg"] {
        assert_warned(&r, link, "walk", "outside the project");
    }
    assert!(
        !r.findings
            .iter()
            .any(|f| f.path.contains("secret") || f.path.contains("other.py")),
        "nothing outside the project is read"
    );
    // One warning per problem, not per file: the folder of 3 000 files is clean.
    assert!(r.warnings.len() < 250, "{} warnings", r.warnings.len());

    // The markdown report of this repository stays inert markdown.
    let mut store = Store::open(dir.path().join("audit.db")).unwrap();
    store
        .sync(&r, &SyncOptions::new(SyncScope::Full, Trigger::Test))
        .unwrap();
    let md = report::render(
        &store,
        &ReportOptions {
            date: Some("2026-01-20".into()),
            ..Default::default()
        },
        ReportFormat::Markdown,
    )
    .unwrap();
    assert_inert_markdown(&md);
    assert!(md.contains("gen/huge_100k_lines.py"));
}

/// The report, read by a CommonMark parser: no HTML anywhere, no link the
/// repository made, no bidi control character.
fn assert_inert_markdown(md: &str) {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    assert!(
        !md.chars()
            .any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')),
        "bidi control in the report"
    );
    let mut fences = 0;
    for e in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match e {
            Event::Html(h) | Event::InlineHtml(h) => panic!("raw HTML in the report: {h}"),
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.contains("javascript") => {
                panic!("link from the repository: {dest_url}")
            }
            Event::Start(Tag::CodeBlock(_)) => fences += 1,
            _ => {}
        }
    }
    assert!(fences > 0, "the report shows code");
}

#[test]
fn a_file_over_the_time_limit_is_given_up_and_the_rest_is_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Big enough that parsing it takes far longer than 1 ms on any machine.
    let slow: String = (0..50_000)
        .map(|i| format!("x_{i} = f({i}, b, *c, **d).g[h] + k\n"))
        .collect();
    write(root, "slow.py", format!("{FINDING}{slow}"));
    write(root, "fine.py", FINDING);
    let mut config = Config::default();
    config.max_file_time_ms = 20;
    let r = scan(ScanOptions {
        root: root.to_path_buf(),
        config,
        progress: None,
    })
    .unwrap();
    let w = warnings_for(&r, "slow.py");
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0].kind, "timed-out");
    assert!(
        w[0].message.contains("timed out after") && w[0].message.contains("max-file-time-ms = 20"),
        "{}",
        w[0].message
    );
    let slow_file = r.files.iter().find(|f| f.path == "slow.py").unwrap();
    assert!(
        !slow_file.analysed,
        "a timed-out file is not counted as analysed"
    );
    // The parser was reset: the next file on the same thread parses normally
    // (its finding is there), even under the same tiny limit.
    assert!(
        r.findings.iter().any(|f| f.path == "fine.py"),
        "{:#?}",
        r.findings
    );

    // The limit is a configuration key.
    fs::write(root.join(".auditbench.toml"), "max-file-time-ms = 60000\n").unwrap();
    let config = Config::load(root).unwrap();
    assert_eq!(config.max_file_time_ms, 60_000);
    let r = scan(ScanOptions {
        root: root.to_path_buf(),
        config,
        progress: None,
    })
    .unwrap();
    assert!(warnings_for(&r, "slow.py").is_empty(), "{:#?}", r.warnings);
    assert!(r.findings.iter().any(|f| f.path == "slow.py"));
}

/// tree-sitter-python's external scanner looks ahead through a whole run of
/// comment lines on every line of it when the run sits inside an indented
/// block (commented-out code): 20 000 such lines take 35 to 49 s to parse
/// (docs/performance.md). The default per-file limit must stop it, not the
/// user's patience.
#[test]
fn commented_out_code_in_a_function_is_stopped_by_the_default_time_limit() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let comments = "    # x = compute(y)\n".repeat(20_000);
    write(
        root,
        "commented.py",
        format!("def f():\n{comments}    return 1\n"),
    );
    write(root, "fine.py", FINDING);
    let config = Config::default();
    assert_eq!(config.max_file_time_ms, 5_000, "the documented default");
    let started = std::time::Instant::now();
    let r = scan(ScanOptions {
        root: root.to_path_buf(),
        config,
        progress: None,
    })
    .unwrap();
    let elapsed = started.elapsed();
    let w = warnings_for(&r, "commented.py");
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0].kind, "timed-out", "{}", w[0].message);
    assert!(w[0].message.contains("parsing"), "{}", w[0].message);
    assert!(r.findings.iter().any(|f| f.path == "fine.py"));
    // Generous: the limit is 5 s, the parse alone would take over 30 s.
    assert!(elapsed.as_secs() < 20, "took {elapsed:?}");
}
