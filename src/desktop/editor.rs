//! Opening a file in the user's editor: the configured command template
//! (`code -g {path}:{line}`) is split into words first (shell quoting rules) and
//! `{path}` / `{line}` are substituted inside each word, then the program runs
//! directly, without a shell: a file name can never become a command.

use std::path::Path;
use std::process::{Command, Stdio};

use super::error::{ApiError, ApiResult};

/// The program and arguments for `template` (pure, for tests).
pub fn command_line(template: &str, path: &Path, line: usize) -> ApiResult<Vec<String>> {
    let words = shell_words::split(template)
        .map_err(|e| ApiError::invalid(format!("editor command `{template}`: {e}")))?;
    if words.is_empty() {
        return Err(ApiError::invalid("no editor command is configured"));
    }
    let path = path.to_string_lossy();
    Ok(words
        .into_iter()
        .map(|w| {
            w.replace("{path}", &path)
                .replace("{line}", &line.to_string())
        })
        .collect())
}

/// Starts the editor and returns without waiting for it.
pub fn open(template: &str, path: &Path, line: usize) -> ApiResult<()> {
    let argv = command_line(template, path, line)?;
    Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(|mut child| {
            // Reap it in the background so it does not linger as a zombie.
            std::thread::spawn(move || child.wait());
        })
        .map_err(|e| ApiError::io(format!("cannot start the editor `{}`: {e}", argv[0])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_replaced_inside_words_and_paths_stay_one_word() {
        let argv = command_line("code -g {path}:{line}", Path::new("/p/a b;rm.py"), 12).unwrap();
        assert_eq!(argv, ["code", "-g", "/p/a b;rm.py:12"]);
        let argv = command_line("vim '+{line}' \"{path}\"", Path::new("/p/x.py"), 3).unwrap();
        assert_eq!(argv, ["vim", "+3", "/p/x.py"]);
        assert_eq!(
            command_line("  ", Path::new("/p"), 1).unwrap_err().kind,
            "invalid"
        );
        assert_eq!(
            command_line("code 'unclosed", Path::new("/p"), 1)
                .unwrap_err()
                .kind,
            "invalid"
        );
    }
}
