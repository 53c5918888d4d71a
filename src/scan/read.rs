//! Reading and decoding: a project file's bytes, read only when it is a
//! regular file of bounded size really inside the project root, and their
//! decoding into the text the parser gets (invalid UTF-8 replaced and
//! reported, lone CRs made line ends as Python reads them, NUL bytes refused).

use std::path::{Path, PathBuf};

use super::{analyse, discover, rel_path, warn, FileResult, Prior, Warning};
use crate::config::Config;

/// Reads, parses, indexes and checks one file. Never fails: problems become warnings.
pub fn scan_file(root: &Path, path: &Path, config: &Config, prior: &Prior) -> FileResult {
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    scan_file_with(root, &real_root, path, config, prior)
}

/// `real_root` is `root` resolved (canonical): resolving it again for every
/// file was a tenth of an unchanged re-scan.
pub(crate) fn scan_file_with(
    root: &Path,
    real_root: &Path,
    path: &Path,
    config: &Config,
    prior: &Prior,
) -> FileResult {
    let rel = rel_path(root, path);
    let skipped = |kind: &str, message: String| FileResult {
        warnings: vec![warn(&rel, kind, message)],
        ..FileResult::empty(&rel)
    };
    match read_bounded(real_root, path, config.max_file_size) {
        Ok(Read::Outside(target)) => skipped(
            "outside-root",
            format!(
                "skipped: a symlink to {} outside the project",
                target.display()
            ),
        ),
        Ok(Read::Bytes(bytes)) => analyse::scan_bytes_with(&rel, bytes, config, prior),
        Ok(Read::TooLarge(len)) => skipped(
            "too-large",
            format!(
                "skipped: {len} bytes is over the size limit of {} bytes (max-file-size)",
                config.max_file_size
            ),
        ),
        Ok(Read::NotAFile) => skipped(
            "unreadable",
            "skipped: not a regular file (a device, socket or pipe)".into(),
        ),
        Err(e) => skipped("unreadable", format!("cannot read file: {e}")),
    }
}

pub(crate) enum Read {
    Bytes(Vec<u8>),
    /// Really somewhere outside the project root (through a symlink).
    Outside(PathBuf),
    TooLarge(u64),
    NotAFile,
}

/// Reads a regular file of at most `max` bytes. The limit holds while reading
/// too, for a file that grows after its size was checked; a pipe or device
/// named `*.py` is never opened (a FIFO would block forever). Nothing outside
/// `real_root` (canonical) is read: where the file really is is checked on the
/// opened file (see [`discover::opened_outside`]), before any byte is read.
pub(crate) fn read_bounded(real_root: &Path, path: &Path, max: u64) -> std::io::Result<Read> {
    use std::io::Read as _;
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        // A symlink out of the project says so, whatever it points to.
        return Ok(match discover::outside_real_root(real_root, path) {
            Some(target) => Read::Outside(target),
            None => Read::NotAFile,
        });
    }
    let file = std::fs::File::open(path)?;
    if let Some(target) = discover::opened_outside(real_root, path, &file) {
        return Ok(Read::Outside(target));
    }
    if meta.len() > max {
        return Ok(Read::TooLarge(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Ok(Read::TooLarge(bytes.len() as u64));
    }
    Ok(Read::Bytes(bytes))
}

/// The text the parser gets from a file's bytes, or `None` (with a warning in
/// `warnings`) when the bytes are not Python source at all.
pub(crate) fn decode(rel: &str, bytes: Vec<u8>, warnings: &mut Vec<Warning>) -> Option<String> {
    // Python refuses source with a NUL byte anywhere; tree-sitter would stop
    // there silently (found by tests/hostile.rs).
    if bytes.contains(&0) {
        warnings.push(warn(
            rel,
            "binary",
            "skipped: binary content (NUL bytes) in a .py file".into(),
        ));
        return None;
    }
    let source = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..valid]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            warnings.push(warn(rel, "not-utf8", format!("not valid UTF-8 (first bad byte on line {line}); analysed with invalid bytes replaced")));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    // A lone `\r` ends a line for Python but not for tree-sitter: make it `\n`
    // (same length, so byte offsets stay true).
    Some(if source.contains('\r') {
        let b = source.as_bytes();
        let fixed: Vec<u8> = (0..b.len())
            .map(|i| {
                if b[i] == b'\r' && b.get(i + 1) != Some(&b'\n') {
                    b'\n'
                } else {
                    b[i]
                }
            })
            .collect();
        String::from_utf8(fixed).unwrap_or(source)
    } else {
        source
    })
}
