//! Parsing Python with tree-sitter: one parser per thread, reused across files.

use std::cell::RefCell;
use std::ops::ControlFlow;
use std::time::Instant;

use tree_sitter::{ParseOptions, Parser, Tree};

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Why a parse produced no tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseFailure {
    /// The deadline passed (a pathological file); the parser was reset.
    TimedOut,
    /// Tree-sitter itself failed (no language, out of memory).
    Failed,
}

/// Parses Python source. Tree-sitter recovers from syntax errors, so this always
/// returns a tree unless the parser itself fails.
pub fn parse(source: &str) -> Option<Tree> {
    parse_within(source, None).ok()
}

/// [`parse`] that gives up once `deadline` has passed: tree-sitter calls the
/// progress callback every few hundred operations, so one pathological file
/// cannot stall a scan.
pub fn parse_within(source: &str, deadline: Option<Instant>) -> Result<Tree, ParseFailure> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut p = Parser::new();
            p.set_language(&tree_sitter_python::LANGUAGE.into())
                .map_err(|_| ParseFailure::Failed)?;
            *slot = Some(p);
        }
        let parser = slot.as_mut().ok_or(ParseFailure::Failed)?;
        let bytes = source.as_bytes();
        let mut input = |i: usize, _| bytes.get(i..).unwrap_or_default();
        let Some(deadline) = deadline else {
            return parser
                .parse_with_options(&mut input, None, None)
                .ok_or(ParseFailure::Failed);
        };
        let mut timed_out = false;
        let mut check = |_: &tree_sitter::ParseState| {
            if Instant::now() >= deadline {
                timed_out = true;
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let options = ParseOptions::new().progress_callback(&mut check);
        let tree = parser.parse_with_options(&mut input, None, Some(options));
        match tree {
            Some(t) => Ok(t),
            None if timed_out => {
                // A cancelled parse resumes on the next call unless reset.
                parser.reset();
                Err(ParseFailure::TimedOut)
            }
            None => Err(ParseFailure::Failed),
        }
    })
}
