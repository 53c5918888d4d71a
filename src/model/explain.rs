//! `auditbench explain`: what the project model knows at a place: the
//! function there, where it can run and the path that proves each context,
//! its callers and the functions it calls, and where the instances of its
//! class are built.

use std::fmt::Write;

use super::frameworks::Context;
use super::project::{EdgeKind, ProjectModel};

/// The explanation of line `line` (0: the module) of the file at `path`.
pub fn explain(model: &ProjectModel, path: &str, line: usize) -> Option<String> {
    let f = model.function_at(path, line.max(1))?;
    let mut out = String::new();
    let _ = writeln!(out, "{}", model.describe(f));
    let contexts = model.contexts_of(f);
    if contexts.is_empty() {
        let _ = writeln!(
            out,
            "\ncontexts: none known (no entry point of the framework table reaches it)"
        );
    } else {
        let names: Vec<&str> = contexts.iter().map(Context::as_str).collect();
        let _ = writeln!(out, "\ncontexts: {}", names.join(", "));
        for ctx in contexts.iter() {
            let _ = writeln!(out, "  {}:", ctx.as_str());
            for step in model.path_to(f, ctx) {
                if step.path.is_empty() {
                    let _ = writeln!(out, "    {}", step.message);
                } else {
                    let _ = writeln!(out, "    {}:{}: {}", step.path, step.line, step.message);
                }
            }
        }
    }
    let callers = model.callers(f);
    let _ = writeln!(
        out,
        "\ncallers:{}",
        if callers.is_empty() {
            " none known"
        } else {
            ""
        }
    );
    for (from, line, kind) in callers {
        let how = match kind {
            EdgeKind::Call => "calls it",
            EdgeKind::Construct => "constructs it",
            EdgeKind::Depends => "depends on it",
            EdgeKind::Switch(k) => match k {
                Context::Thread => "runs it in a thread",
                Context::Background => "runs it as a background task",
                Context::Script => "calls it as a script",
                Context::Shutdown => "runs it at shutdown",
                _ => "runs it",
            },
        };
        let _ = writeln!(
            out,
            "  {}:{line}: {} {how}",
            model.path_of(from.0),
            model.describe(from)
        );
    }
    let callees = model.callees(f);
    let _ = writeln!(
        out,
        "\ncalls:{}",
        if callees.is_empty() { " none" } else { "" }
    );
    for (line, target, resolved) in callees {
        if resolved.is_empty() {
            let _ = writeln!(
                out,
                "  line {line}: `{target}` (outside the project or unresolved)"
            );
        } else {
            let to: Vec<String> = resolved.iter().map(|r| model.describe(*r)).collect();
            let _ = writeln!(out, "  line {line}: `{target}` -> {}", to.join(", "));
        }
    }
    if let Some(c) = model.class_of(f) {
        let sites = model.construction_sites(c);
        let _ = writeln!(
            out,
            "\ninstances of `{}` are built at:{}",
            model.class_name(c),
            if sites.is_empty() {
                " no known place"
            } else {
                ""
            }
        );
        for (path, line, by) in sites {
            let ctx: Vec<&str> = model.contexts_of(by).iter().map(Context::as_str).collect();
            let _ = writeln!(
                out,
                "  {path}:{line} in {} ({})",
                model.describe(by),
                if ctx.is_empty() {
                    "not reached".to_string()
                } else {
                    ctx.join(", ")
                }
            );
        }
    }
    Some(out)
}
