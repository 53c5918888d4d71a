//! `auditbench explain PATH[:LINE]`: what the project model knows at a place
//! (the function there, its contexts with the call path that proves each, its
//! callers and callees, where instances of its class are built). For rule
//! authors, and for anyone asking "why does this finding say per request?".

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};

use crate::config::Config;
use crate::model::explain::explain;
use crate::scan;
use crate::scan::summaries::{model_of, summarize_project};

pub fn run(place: &str, project: Option<PathBuf>) -> Result<i32> {
    let (file, line) = match place.rsplit_once(':') {
        Some((f, l)) if !l.is_empty() && l.chars().all(|c| c.is_ascii_digit()) => {
            (f, l.parse::<usize>().context("line number")?)
        }
        _ => (place, 0),
    };
    let root = project.unwrap_or_else(|| PathBuf::from("."));
    let root = root
        .canonicalize()
        .with_context(|| format!("cannot open the project folder {}", root.display()))?;
    let file_path = Path::new(file);
    let abs = if file_path.is_absolute() {
        file_path.to_path_buf()
    } else {
        std::env::current_dir()?.join(file_path)
    };
    let abs = abs
        .canonicalize()
        .with_context(|| format!("path does not exist: {file}"))?;
    let Ok(rel) = abs.strip_prefix(&root) else {
        bail!(
            "{file} is not inside the project folder {} (pass --project)",
            root.display()
        );
    };
    let rel = scan::rel_path(Path::new(""), rel);
    let config = Config::load(&root)?;
    let files = summarize_project(&root, &config)?;
    let model = model_of(&files);
    match explain(&model, &rel, line) {
        Some(text) => {
            print!("{text}");
            Ok(0)
        }
        None => bail!("{rel} was not analysed (not a Python file of the project, or unreadable)"),
    }
}
