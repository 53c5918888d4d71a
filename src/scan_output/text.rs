//! Text output: one line per finding (`path:line:col: RES003 [high] message`), the
//! warnings, then a summary grouped by severity and rule.
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use crate::finding::{Kind, Severity, Status};
use crate::scan::ScanResult;

/// `s` safe to print on a terminal: control characters (a file named with an
/// escape sequence could rewrite the screen or fake a line) are written as
/// Rust escapes (`\u{1b}`, `\n`).
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// The severity tag of a finding line (`[high]`), coloured when `styled`.
fn severity_tag(sev: Option<Severity>, styled: bool) -> String {
    let label = sev.map(|s| s.as_str()).unwrap_or("info");
    let style = match sev {
        Some(Severity::Critical) => Style::new().fg_color(Some(AnsiColor::Red.into())).bold(),
        Some(Severity::High) => Style::new().fg_color(Some(AnsiColor::Red.into())),
        Some(Severity::Medium) => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
        Some(Severity::Low) => Style::new().fg_color(Some(AnsiColor::Cyan.into())),
        _ => Style::new(),
    };
    if styled {
        format!("[{style}{label}{style:#}]")
    } else {
        format!("[{label}]")
    }
}

/// The text output, plain (files, pipes).
pub fn render(r: &ScanResult) -> String {
    render_with(r, false)
}

/// The text output with the severities in colour, for a terminal: written
/// through `anstream`, which drops the colour when standard output is not a
/// terminal or `NO_COLOR` is set (and forces it with `CLICOLOR_FORCE`).
pub fn render_styled(r: &ScanResult) -> String {
    render_with(r, true)
}

/// The text output with each finding's recommended fix as a diff of its
/// code (`scan --format full`), like a compiler's code frame.
pub fn render_full(r: &ScanResult) -> String {
    render_findings(r, false, true)
}

fn render_with(r: &ScanResult, styled: bool) -> String {
    render_findings(r, styled, false)
}

fn render_findings(r: &ScanResult, styled: bool, fixes: bool) -> String {
    let mut s = String::new();
    for f in super::open_findings(r) {
        let _ = writeln!(
            s,
            "{}:{}:{}: {} {} {}",
            terminal_safe(&f.path),
            f.line,
            f.column,
            f.rule,
            severity_tag(f.severity, styled),
            terminal_safe(&f.message)
        );
        if let Some(fix) = f.fix.as_ref().filter(|_| fixes) {
            let diff = crate::finding::unified_diff(&fix.before, &fix.after, "code", "fix");
            for line in diff.lines() {
                let _ = writeln!(s, "    {}", terminal_safe(line));
            }
            s.push('\n');
        }
    }
    for w in &r.warnings {
        let _ = writeln!(
            s,
            "warning: {}{}",
            w.path
                .as_deref()
                .map(|p| format!("{}: ", terminal_safe(p)))
                .unwrap_or_default(),
            terminal_safe(&w.message)
        );
    }
    let open: Vec<_> = super::open_findings(r).collect();
    let suppressed = r
        .findings
        .iter()
        .filter(|f| f.status == Status::Suppressed)
        .count();
    let strengths = r
        .findings
        .iter()
        .filter(|f| f.kind == Kind::Strength && f.status == Status::Open)
        .count();
    let _ = writeln!(
        s,
        "\nScanned {} files ({} lines) in {} ms.",
        r.files_scanned, r.lines_scanned, r.duration_ms
    );
    if r.test_files_skipped > 0 {
        let _ = writeln!(
            s,
            "Skipped {} test file(s) (tests/, test_*.py, conftest.py); --include-tests scans them.",
            r.test_files_skipped
        );
    }
    if open.is_empty() {
        let _ = writeln!(s, "No open findings.");
    } else {
        let mut by_sev: BTreeMap<Severity, BTreeMap<&str, usize>> = BTreeMap::new();
        for f in &open {
            *by_sev
                .entry(f.severity.unwrap_or(Severity::Info))
                .or_default()
                .entry(f.rule.as_str())
                .or_default() += 1;
        }
        let _ = writeln!(s, "{} open finding(s):", open.len());
        for (sev, rules) in by_sev {
            let total: usize = rules.values().sum();
            let detail = rules
                .iter()
                .map(|(r, n)| format!("{r} x{n}"))
                .collect::<Vec<_>>()
                .join(", ");
            let _ = writeln!(s, "  {:<8} {:>4}  ({detail})", sev.as_str(), total);
        }
    }
    if suppressed > 0 {
        let _ = writeln!(s, "{suppressed} suppressed by comments.");
    }
    if strengths > 0 {
        let _ = writeln!(s, "{strengths} strength(s) recognised (see --format json).");
    }
    if !r.warnings.is_empty() {
        let _ = writeln!(s, "{} warning(s).", r.warnings.len());
    }
    s
}
