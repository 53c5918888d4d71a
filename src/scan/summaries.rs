//! The module summaries of a whole project, for the project model
//! (`crate::model`): every Python file read (confined and bounded as a scan
//! reads), parsed and summarised in parallel, without running the rules.
//!
//! Today only `auditbench explain` builds the model, so the summaries are
//! made on demand here rather than in every scan's per-file pass: kept for
//! every file, the first summary format cost 4x the scan's memory and made
//! the unchanged re-scan 20x slower (docs/project-model.md, "Status").

use std::path::Path;

use anyhow::Result;
use rayon::prelude::*;

use super::read::{decode, read_bounded, Read};
use super::{discover, module_name, rel_path, SCAN_STACK};
use crate::config::Config;
use crate::model::{summarize, Input, ModuleSummary, ProjectModel};
use crate::python;

/// One file's summary.
pub struct Summarized {
    /// Relative path, forward slashes.
    pub path: String,
    pub summary: ModuleSummary,
    /// Test code (by its path): its functions run in tests.
    pub is_test: bool,
}

/// The summaries of every Python file of the project at `root` (test code
/// included: the model marks it as such). Unreadable, binary, huge or
/// unparsable files are left out, as the scan leaves them out.
pub fn summarize_project(root: &Path, config: &Config) -> Result<Vec<Summarized>> {
    let root = root.canonicalize()?;
    let (files, _) = discover::discover(&root, &config.exclude)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(SCAN_STACK)
        .build()?;
    let mut out: Vec<Summarized> = pool.install(|| {
        files
            .par_iter()
            .filter_map(|f| {
                let rel = rel_path(&root, f);
                let Ok(Read::Bytes(bytes)) = read_bounded(&root, f, config.max_file_size) else {
                    return None;
                };
                let source = decode(&rel, bytes, &mut vec![])?;
                let (module, is_package) = module_name(&rel);
                let deadline = (config.max_file_time_ms > 0).then(|| {
                    std::time::Instant::now()
                        + std::time::Duration::from_millis(config.max_file_time_ms)
                });
                let ix = python::analyse_within(source, &module, is_package, deadline).ok()?;
                Some(Summarized {
                    is_test: discover::is_test_path(Path::new(&rel)),
                    summary: summarize(&ix, is_package),
                    path: rel,
                })
            })
            .collect()
    });
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The project model over the summaries.
pub fn model_of(files: &[Summarized]) -> ProjectModel<'_> {
    ProjectModel::build(
        files
            .iter()
            .map(|f| Input {
                path: &f.path,
                summary: &f.summary,
                is_test: f.is_test,
            })
            .collect(),
    )
}
