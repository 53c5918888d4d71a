//! Reading and writing the files a fix changes: inside the project root only,
//! not through a symbolic link, and only while their content is the one the
//! scan read.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// Why a file is not read or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteError {
    /// Outside the project root, a symbolic link, or not a regular file.
    Confined(String),
    /// Its content is no longer the one the scan read.
    Changed,
    /// Not valid UTF-8: the scan read it with replacements, the edits' byte
    /// offsets are not the file's.
    NotUtf8,
    Io(String),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Confined(why) => write!(f, "not written: {why}"),
            WriteError::Changed => {
                f.write_str("the file changed since the scan (its content hash differs)")
            }
            WriteError::NotUtf8 => f.write_str("the file is not valid UTF-8"),
            WriteError::Io(e) => write!(f, "cannot write the file: {e}"),
        }
    }
}

/// `root/rel`, when it is a regular file inside the root (canonical paths,
/// no symbolic link at the end).
fn confined(root: &Path, rel: &str) -> Result<PathBuf, WriteError> {
    let root = root
        .canonicalize()
        .map_err(|e| WriteError::Io(e.to_string()))?;
    if Path::new(rel).is_absolute() || rel.split('/').any(|c| c == "..") {
        return Err(WriteError::Confined(format!(
            "{rel} is not a path inside the project"
        )));
    }
    let path = root.join(rel);
    let meta = std::fs::symlink_metadata(&path).map_err(|e| WriteError::Io(e.to_string()))?;
    if !meta.file_type().is_file() {
        return Err(WriteError::Confined(format!(
            "{rel} is not a regular file (a symbolic link?)"
        )));
    }
    let real = path
        .canonicalize()
        .map_err(|e| WriteError::Io(e.to_string()))?;
    if !real.starts_with(&root) {
        return Err(WriteError::Confined(format!(
            "{rel} lies outside the project root"
        )));
    }
    Ok(real)
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The text of `root/rel` when its content hash (SHA-256, hex, as the scan
/// records it) is `hash`.
pub fn read_checked(root: &Path, rel: &str, hash: &str) -> Result<String, WriteError> {
    let path = confined(root, rel)?;
    let bytes = std::fs::read(&path).map_err(|e| WriteError::Io(e.to_string()))?;
    if sha256(&bytes) != hash {
        return Err(WriteError::Changed);
    }
    String::from_utf8(bytes).map_err(|_| WriteError::NotUtf8)
}

/// Writes `after` to `root/rel` when the file still holds `before`: through a
/// temporary file beside it, renamed over it (permissions kept), so that a
/// reader never sees half a file.
pub fn write_checked(root: &Path, rel: &str, before: &str, after: &str) -> Result<(), WriteError> {
    let path = confined(root, rel)?;
    let now = std::fs::read(&path).map_err(|e| WriteError::Io(e.to_string()))?;
    if now != before.as_bytes() {
        return Err(WriteError::Changed);
    }
    let io = |e: std::io::Error| WriteError::Io(e.to_string());
    let perms = std::fs::metadata(&path).map_err(io)?.permissions();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.auditbench-fix.tmp"));
    std::fs::write(&tmp, after).map_err(io)?;
    let done = std::fs::set_permissions(&tmp, perms).and_then(|_| std::fs::rename(&tmp, &path));
    if let Err(e) = done {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e));
    }
    Ok(())
}
