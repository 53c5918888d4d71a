//! Helpers shared by the measurement benches (`scan_profile`, `micro`).

use std::path::{Path, PathBuf};

/// Appends every `*.py` file under `dir` (recursively, unsorted) to `out`.
pub fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            walk(&p, out);
        } else if ft.is_file() && p.extension().is_some_and(|x| x == "py") {
            out.push(p);
        }
    }
}

/// Runs `f` on a thread with the scan's stack size: deeply nested code recurses in
/// the index builder.
pub fn with_scan_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(32 * 1024 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}
