//! Manual findings recorded by hand: the store keeps a manual finding's anchor
//! line (which it follows when code moves), and this reads that line from the
//! project, so that the store never reads a project file.

use std::path::{Component, Path};

use crate::store::{self, ManualFinding, Store, StoreError};

/// Records `m` in `store`, with the text of its line in the project at `root`
/// as its anchor. Returns its id. The place must be real: a path relative to
/// the project without `..`, to a file inside it (a symlink out of it is
/// refused: the anchor of a system file would land in the database), and a
/// line within that file.
pub fn add(
    store: &mut Store,
    root: &Path,
    m: &ManualFinding,
    actor: &str,
    at: Option<i64>,
) -> store::Result<i64> {
    let path = store::manual::normal_path(&m.path);
    let anchor = anchor_line(root, &path, m.line)?;
    store.add_manual(m, &anchor, actor, at)
}

fn anchor_line(root: &Path, path: &str, line: usize) -> store::Result<String> {
    let invalid = |msg: String| Err(StoreError::Invalid(msg));
    let rel = Path::new(path);
    if path.is_empty()
        || rel.is_absolute()
        || rel
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return invalid(format!(
            "`{path}` is not a path inside the project: give it relative to the project folder, without `..`"
        ));
    }
    let io = |e: std::io::Error, p: &Path| StoreError::Io {
        path: p.to_path_buf(),
        source: e,
    };
    let root = root.canonicalize().map_err(|e| io(e, root))?;
    let file = root.join(rel);
    let Ok(real) = file.canonicalize() else {
        return invalid(format!(
            "`{path}` does not exist in the project {}",
            root.display()
        ));
    };
    if !real.starts_with(&root) {
        return invalid(format!("`{path}` leads outside the project"));
    }
    if !real.is_file() {
        return invalid(format!("`{path}` is not a file"));
    }
    let bytes = std::fs::read(&real).map_err(|e| io(e, &real))?;
    let text = String::from_utf8_lossy(&bytes);
    let lines = text.lines().count();
    match line.checked_sub(1).and_then(|i| text.lines().nth(i)) {
        Some(l) => Ok(l.to_string()),
        None => invalid(format!("line {line} is not in `{path}` ({lines} line(s))")),
    }
}
