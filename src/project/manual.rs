//! Manual findings recorded by hand: the store keeps a manual finding's anchor
//! line (which it follows when code moves), and this reads that line from the
//! project, so that the store never reads a project file.

use std::path::Path;

use crate::store::{self, ManualFinding, Store};

/// Records `m` in `store`, with the text of its line in the project at `root`
/// as its anchor (empty when the file or line cannot be read). Returns its id.
pub fn add(
    store: &mut Store,
    root: &Path,
    m: &ManualFinding,
    actor: &str,
    at: Option<i64>,
) -> store::Result<i64> {
    let path = store::manual::normal_path(&m.path);
    let anchor = std::fs::read(root.join(&path))
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .and_then(|s| s.lines().nth(m.line.saturating_sub(1)).map(str::to_string))
        .unwrap_or_default();
    store.add_manual(m, &anchor, actor, at)
}
