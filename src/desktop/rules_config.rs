//! Editing the project's configuration file from the workbench: enabling or
//! disabling a rule, overriding its severity, the exclude list. The file is the
//! one [`Config::load`] reads (`.auditbench.toml`, else `[tool.auditbench]` in
//! `pyproject.toml`; a new `.auditbench.toml` when neither holds a configuration).
//! `toml_edit` keeps everything else in the file as it was (comments, order,
//! other tools' tables); the result is loaded back before it is kept, so a change
//! that would make the configuration invalid is refused and the file restored.

use std::path::{Path, PathBuf};

use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, Value};

use super::error::{ApiError, ApiResult};
use crate::config::Config;
use crate::finding::{Kind, Severity};
use crate::rule_ids::expand_selectors;
use crate::rules;

/// The file a change is written to, and whether it is `pyproject.toml`.
pub fn target(root: &Path) -> (PathBuf, bool) {
    let dedicated = root.join(".auditbench.toml");
    if dedicated.is_file() {
        return (dedicated, false);
    }
    let pyproject = root.join("pyproject.toml");
    let has_table = std::fs::read_to_string(&pyproject)
        .ok()
        .and_then(|t| t.parse::<DocumentMut>().ok())
        .is_some_and(|d| d.get("tool").and_then(|t| t.get("auditbench")).is_some());
    if has_table {
        (pyproject, true)
    } else {
        (dedicated, false)
    }
}

/// Applies `change` to the configuration table and writes the file; returns it.
pub fn edit(root: &Path, change: impl FnOnce(&mut Table) -> ApiResult<()>) -> ApiResult<PathBuf> {
    let (path, pyproject) = target(root);
    let before = std::fs::read_to_string(&path).ok();
    let mut doc: DocumentMut = before
        .as_deref()
        .unwrap_or("")
        .parse()
        .map_err(|e| ApiError::invalid(format!("{}: {e}", path.display())))?;
    let table = if pyproject {
        let tool = doc
            .entry("tool")
            .or_insert_with(|| {
                let mut t = Table::new();
                t.set_implicit(true);
                Item::Table(t)
            })
            .as_table_mut()
            .ok_or_else(|| ApiError::invalid("`tool` in pyproject.toml is not a table"))?;
        tool.entry("auditbench")
            .or_insert_with(|| Item::Table(Table::new()))
            .as_table_mut()
            .ok_or_else(|| ApiError::invalid("`tool.auditbench` is not a table"))?
    } else {
        doc.as_table_mut()
    };
    change(table)?;
    let io = |e: std::io::Error| ApiError::io(format!("cannot write {}: {e}", path.display()));
    std::fs::write(&path, doc.to_string()).map_err(io)?;
    if let Err(e) = Config::load(root) {
        match &before {
            Some(text) => std::fs::write(&path, text).map_err(io)?,
            None => std::fs::remove_file(&path).map_err(io)?,
        }
        return Err(ApiError::invalid(format!(
            "the change would make the configuration invalid: {e:#}"
        )));
    }
    Ok(path)
}

/// Enables/disables a rule and/or overrides its severity (the rule's default
/// severity removes the override).
pub fn set_rule(
    root: &Path,
    id: &str,
    enabled: Option<bool>,
    severity: Option<Severity>,
) -> ApiResult<PathBuf> {
    let meta = rules::find_meta(id)
        .filter(|m| m.id == id.to_ascii_uppercase())
        .ok_or_else(|| ApiError::not_found(format!("no rule `{id}`")))?;
    if severity.is_some() && meta.kind == Kind::Strength {
        return Err(ApiError::invalid(format!(
            "{} reports a good pattern and has no severity",
            meta.id
        )));
    }
    edit(root, |t| {
        if let Some(on) = enabled {
            set_enabled(t, meta.id, on)?;
        }
        if let Some(sev) = severity {
            set_severity(t, meta.id, sev, meta.severity);
        }
        Ok(())
    })
}

/// Replaces the `exclude` list (removed when empty).
pub fn set_excludes(root: &Path, excludes: &[String]) -> ApiResult<PathBuf> {
    edit(root, |t| {
        if excludes.is_empty() {
            t.remove("exclude");
        } else {
            t.insert(
                "exclude",
                Item::Value(Value::Array(excludes.iter().collect())),
            );
        }
        Ok(())
    })
}

fn strings(a: &Array) -> Vec<String> {
    a.iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn array<'t>(t: &'t mut Table, key: &str) -> ApiResult<&'t mut Array> {
    t.entry(key)
        .or_insert_with(|| Item::Value(Value::Array(Array::new())))
        .as_array_mut()
        .ok_or_else(|| ApiError::invalid(format!("`{key}` is not a list")))
}

fn covers(selector: &str, id: &str) -> bool {
    expand_selectors(&[selector.to_string()]).is_ok_and(|ids| ids.contains(id))
}

fn set_enabled(t: &mut Table, id: &str, on: bool) -> ApiResult<()> {
    let ignore = array(t, "ignore")?;
    if !on {
        if !strings(ignore).iter().any(|s| covers(s, id)) {
            ignore.push(id);
        }
        return Ok(());
    }
    // Drop the id and expand families that cover it into their other members.
    let mut kept: Vec<String> = vec![];
    for s in strings(ignore) {
        if !covers(&s, id) {
            kept.push(s);
        } else if !s.eq_ignore_ascii_case(id) {
            let mut members: Vec<String> = expand_selectors(&[s])
                .unwrap_or_default()
                .into_iter()
                .filter(|m| m != id)
                .collect();
            members.sort();
            kept.extend(members);
        }
    }
    if kept.len() != strings(ignore).len() || kept != strings(ignore) {
        *ignore = kept.iter().collect();
    }
    if ignore.is_empty() {
        t.remove("ignore");
    }
    if let Some(select) = t.get_mut("select").and_then(Item::as_array_mut) {
        if !strings(select).iter().any(|s| covers(s, id)) {
            select.push(id);
        }
    }
    Ok(())
}

fn set_severity(t: &mut Table, id: &str, sev: Severity, default: Severity) {
    let item = t
        .entry("severity")
        .or_insert_with(|| Item::Value(Value::InlineTable(InlineTable::new())));
    let Some(table) = item.as_table_like_mut() else {
        return;
    };
    if sev == default {
        table.remove(id);
    } else {
        table.insert(id, Item::Value(Value::from(sev.as_str())));
    }
    if table.is_empty() {
        t.remove("severity");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(root: &Path) -> Config {
        Config::load(root).unwrap()
    }

    #[test]
    fn creates_a_dedicated_file_and_round_trips_rules() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        let p = set_rule(root, "MEM001", Some(false), Some(Severity::Critical)).unwrap();
        assert_eq!(p, root.join(".auditbench.toml"));
        let c = load(root);
        assert!(!c.is_enabled("MEM001"));
        assert_eq!(c.severity_of("MEM001", Severity::High), Severity::Critical);
        // Setting the rule's own default severity removes the override.
        let default = crate::rules::find_meta("MEM001").unwrap().severity;
        set_rule(root, "MEM001", Some(true), Some(default)).unwrap();
        let c = load(root);
        assert!(c.is_enabled("MEM001"));
        assert!(c.severity.is_empty());
        // Back to defaults: nothing left but an empty file.
        assert_eq!(std::fs::read_to_string(&p).unwrap().trim(), "");
    }

    #[test]
    fn pyproject_table_is_edited_in_place_and_the_rest_kept() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        let text = "# project\n[project]\nname = \"x\" # keep me\n\n[tool.auditbench]\nignore = [\"RES\"]\nselect = [\"MEM\", \"RES\"]\n\n[tool.black]\nline-length = 100\n";
        std::fs::write(root.join("pyproject.toml"), text).unwrap();
        set_rule(root, "RES002", Some(true), None).unwrap();
        set_rule(root, "ASYNC001", Some(true), Some(Severity::Critical)).unwrap();
        let out = std::fs::read_to_string(root.join("pyproject.toml")).unwrap();
        assert!(
            out.starts_with("# project\n[project]\nname = \"x\" # keep me\n"),
            "{out}"
        );
        assert!(out.contains("[tool.black]\nline-length = 100"), "{out}");
        assert!(!root.join(".auditbench.toml").exists());
        let c = load(root);
        assert!(c.is_enabled("RES002"));
        assert!(
            !c.is_enabled("RES001"),
            "the rest of the family stays ignored"
        );
        assert!(c.is_enabled("ASYNC001"));
        assert!(c.is_enabled("MEM001"));
        assert!(!c.is_enabled("CONC001"), "select still limits the others");
        assert_eq!(
            c.severity_of("ASYNC001", Severity::High),
            Severity::Critical
        );
    }

    #[test]
    fn bad_requests_are_refused_and_leave_the_file() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::write(root.join(".auditbench.toml"), "ignore = [\"MEM001\"]\n").unwrap();
        assert_eq!(
            set_rule(root, "NOPE1", Some(true), None).unwrap_err().kind,
            "not_found"
        );
        assert_eq!(
            set_rule(root, "GOOD001", None, Some(Severity::High))
                .unwrap_err()
                .kind,
            "invalid"
        );
        std::fs::write(root.join(".auditbench.toml"), "ignore = 3\n").unwrap();
        assert!(set_rule(root, "MEM001", Some(false), None).is_err());
        assert_eq!(
            std::fs::read_to_string(root.join(".auditbench.toml")).unwrap(),
            "ignore = 3\n"
        );
    }

    #[test]
    fn excludes_are_written_and_removed() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        set_excludes(root, &["scripts/".into(), "**/migrations/".into()]).unwrap();
        assert_eq!(load(root).exclude, ["scripts/", "**/migrations/"]);
        set_excludes(root, &[]).unwrap();
        assert!(load(root).exclude.is_empty());
    }
}
