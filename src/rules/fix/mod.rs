//! The fix toolkit: cutting `before` snippets out of a module and writing
//! `after` snippets as byte-range [`Edit`]s applied to a window of its source.

mod edit;
mod file_edits;
mod lines;
mod region;
mod rewrite;
mod snippet;
mod text;

pub use edit::{apply, apply_within, Edit};
pub(crate) use file_edits::{
    add_import, alone_on_its_lines, import_point, in_window, insert_keyword, name_is_free,
};
pub use file_edits::{to_fix, FileEdits};
pub(crate) use lines::{
    indent_of, insert_lines, line_edits, line_start, reindent, replace_lines, LineOp,
};
pub(crate) use region::{region, statement_head_lines, statement_lines, MAX_LINES};
pub(crate) use rewrite::{rewrite, rewrite_region, splice};
pub(crate) use snippet::{function_or_statement, line, lines, statement};
pub(crate) use text::{dedent, indent, indent_width};
