//! Path confinement: every path the web view sends (a file to show, to open in
//! the editor, to attach a manual finding to) is relative to the open project
//! and must stay inside it. The audited repository is untrusted, and so is text
//! derived from it, so a path is refused when it is absolute, has a `..`
//! component, or resolves (through symlinks) to a place outside the root.

use std::path::{Component, Path, PathBuf};

use super::error::{ApiError, ApiResult};

/// A path checked against the project root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confined {
    /// Canonical absolute path, inside the root.
    pub abs: PathBuf,
    /// Relative to the root, forward slashes (the form the database uses).
    pub rel: String,
}

/// Resolves `given` (relative to `root`, which must be canonical) to an existing
/// path inside the root.
pub fn resolve(root: &Path, given: &str) -> ApiResult<Confined> {
    let rel = check_relative(given)?;
    let joined = root.join(rel);
    let abs = joined.canonicalize().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            ApiError::not_found(format!("no file `{given}` in the project"))
        } else {
            ApiError::io(format!("cannot open `{given}`: {e}"))
        }
    })?;
    // A symlink inside the project may point anywhere: judge where it lands.
    let inside = abs
        .strip_prefix(root)
        .map_err(|_| ApiError::outside_root(given))?;
    Ok(Confined {
        rel: inside
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        abs,
    })
}

/// Resolves `given` to an existing regular file inside the root.
pub fn resolve_file(root: &Path, given: &str) -> ApiResult<Confined> {
    let c = resolve(root, given)?;
    if !c.abs.is_file() {
        return Err(ApiError::invalid(format!("`{given}` is not a file")));
    }
    Ok(c)
}

/// A path that may not exist yet (a database file), inside the root: its
/// nearest existing ancestor is canonicalised and must be inside the root.
pub fn resolve_new(root: &Path, given: &str) -> ApiResult<PathBuf> {
    let rel = check_relative(given)?;
    let joined = root.join(rel);
    let existing = joined
        .ancestors()
        .find(|a| a.exists())
        .ok_or_else(|| ApiError::outside_root(given))?;
    let canon = existing
        .canonicalize()
        .map_err(|e| ApiError::io(format!("cannot resolve `{given}`: {e}")))?;
    if !canon.starts_with(root) {
        return Err(ApiError::outside_root(given));
    }
    let rest = joined.strip_prefix(existing).unwrap_or(Path::new(""));
    Ok(canon.join(rest))
}

/// Where the database of the project at `root` lives when it is kept in the
/// app's data folder (a read-only checkout): `projects/<name>-<hash>/audit.db`
/// under `data_dir`, named by the backend from the canonical root (never by the
/// web view), and confined to `data_dir` as a project path is to its root (a
/// symlink there leading out is refused).
pub fn app_db_path(data_dir: &Path, root: &Path) -> ApiResult<PathBuf> {
    use sha2::{Digest, Sha256};
    std::fs::create_dir_all(data_dir).map_err(|e| {
        ApiError::io(format!(
            "cannot create the app's data folder {}: {e}",
            data_dir.display()
        ))
    })?;
    let data = data_dir
        .canonicalize()
        .map_err(|e| ApiError::io(format!("cannot resolve {}: {e}", data_dir.display())))?;
    let name: String = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    let name = name.trim_start_matches('.');
    let hash = Sha256::digest(root.as_os_str().as_encoded_bytes());
    let hex: String = hash[..8].iter().map(|b| format!("{b:02x}")).collect();
    resolve_new(&data, &format!("projects/{name}-{hex}/audit.db"))
}

/// The purely lexical checks: not empty, no NUL, relative, no `..`.
fn check_relative(given: &str) -> ApiResult<&Path> {
    if given.trim().is_empty() {
        return Err(ApiError::invalid("empty path"));
    }
    if given.contains('\0') {
        return Err(ApiError::invalid("a path may not contain NUL"));
    }
    let p = Path::new(given);
    for c in p.components() {
        match c {
            Component::Normal(_) | Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                return Err(ApiError::outside_root(given))
            }
        }
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_data_database_is_named_by_the_root_and_stays_in_the_data_folder() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let a = app_db_path(&data, Path::new("/src/my proj")).unwrap();
        let data_c = data.canonicalize().unwrap();
        assert!(a.starts_with(data_c.join("projects")), "{}", a.display());
        assert!(a.ends_with("audit.db"));
        let folder = a
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            folder.starts_with("my_proj-") && folder.len() == "my_proj-".len() + 16,
            "{folder}"
        );
        // Stable, and one folder per project.
        assert_eq!(app_db_path(&data, Path::new("/src/my proj")).unwrap(), a);
        assert_ne!(app_db_path(&data, Path::new("/other/my proj")).unwrap(), a);
        // A name made of dots cannot climb out.
        let dots = app_db_path(&data, Path::new("/x/..")).unwrap();
        assert!(dots.starts_with(&data_c));
        // A symlink in the data folder leading out is refused.
        #[cfg(unix)]
        {
            let outside = dir.path().join("outside");
            std::fs::create_dir_all(&outside).unwrap();
            std::os::unix::fs::symlink(&outside, data.join("projects")).unwrap();
            assert_eq!(
                app_db_path(&data, Path::new("/src/my proj"))
                    .unwrap_err()
                    .kind,
                "outside_root"
            );
        }
    }

    fn project() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("proj");
        std::fs::create_dir_all(root.join("app")).unwrap();
        std::fs::write(root.join("app/db.py"), "x = 1\n").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        let root = root.canonicalize().unwrap();
        (dir, root)
    }

    #[test]
    fn inside_paths_resolve_to_their_relative_form() {
        let (_d, root) = project();
        let c = resolve_file(&root, "./app/db.py").unwrap();
        assert_eq!(c.rel, "app/db.py");
        assert_eq!(c.abs, root.join("app/db.py"));
    }

    #[test]
    fn dotdot_absolute_and_empty_are_refused() {
        let (d, root) = project();
        for bad in ["../secret.txt", "app/../../secret.txt", "app/.."] {
            assert_eq!(
                resolve(&root, bad).unwrap_err().kind,
                "outside_root",
                "{bad}"
            );
        }
        let abs = d.path().join("secret.txt");
        assert_eq!(
            resolve(&root, abs.to_str().unwrap()).unwrap_err().kind,
            "outside_root"
        );
        // Even an absolute path that is inside the root: the API takes relative paths.
        let inside = root.join("app/db.py");
        assert_eq!(
            resolve(&root, inside.to_str().unwrap()).unwrap_err().kind,
            "outside_root"
        );
        assert_eq!(resolve(&root, "").unwrap_err().kind, "invalid");
        assert_eq!(resolve(&root, "a\0b").unwrap_err().kind, "invalid");
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_root_are_refused_and_inside_ones_followed() {
        let (d, root) = project();
        std::os::unix::fs::symlink(d.path().join("secret.txt"), root.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(d.path(), root.join("up")).unwrap();
        std::os::unix::fs::symlink(root.join("app/db.py"), root.join("alias.py")).unwrap();
        assert_eq!(resolve(&root, "leak.txt").unwrap_err().kind, "outside_root");
        assert_eq!(
            resolve(&root, "up/secret.txt").unwrap_err().kind,
            "outside_root"
        );
        assert_eq!(resolve_file(&root, "alias.py").unwrap().rel, "app/db.py");
        assert_eq!(
            resolve_new(&root, "up/new.db").unwrap_err().kind,
            "outside_root"
        );
    }

    #[test]
    fn new_paths_stay_inside() {
        let (_d, root) = project();
        assert_eq!(
            resolve_new(&root, "db/audit.db").unwrap(),
            root.join("db/audit.db")
        );
        assert_eq!(
            resolve_new(&root, "../x.db").unwrap_err().kind,
            "outside_root"
        );
    }

    #[test]
    fn missing_files_are_not_found() {
        let (_d, root) = project();
        assert_eq!(resolve(&root, "nope.py").unwrap_err().kind, "not_found");
        assert_eq!(resolve_file(&root, "app").unwrap_err().kind, "invalid");
    }
}
