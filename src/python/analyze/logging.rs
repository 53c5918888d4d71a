//! Logging: which dotted paths are logger objects, and whether a call is a
//! logging call.

use std::collections::HashSet;

use crate::python::known::logging::{
    CONVENTIONAL_LOGGER_PATHS, LOGGER_DERIVING_METHODS, LOGGER_FACTORIES, LOGGER_IMPORTS,
    LOG_LEVEL_METHODS,
};
use crate::python::model::*;
use crate::python::ModuleIndex;

impl ModuleIndex {
    /// Dotted paths of logger objects: names bound to `logging.getLogger(...)` (or
    /// structlog's), `from loguru import logger`, `self.logger` / `self._logger` /
    /// `self.log`, imported names ending in `.logger`, the `logging` module itself,
    /// and `extra` (the configured `loggers`).
    pub(crate) fn logger_paths(&self, extra: &[String]) -> HashSet<String> {
        let mut out: HashSet<String> = extra.iter().cloned().collect();
        for p in CONVENTIONAL_LOGGER_PATHS {
            out.insert(p.to_string());
        }
        for a in &self.assignments {
            let Some(c) = a.value.as_ref().and_then(|v| self.call_value(v)) else {
                continue;
            };
            let q = c.qualified.as_deref().unwrap_or("");
            let from_logger = LOGGER_FACTORIES.contains(&q)
                || LOGGER_DERIVING_METHODS.contains(&c.method.as_str())
                    && c.receiver_path().is_some_and(|r| out.contains(r));
            if !from_logger {
                continue;
            }
            for t in &a.targets {
                match t {
                    Target::Name(n) => {
                        out.insert(n.clone());
                        if self.scopes[a.scope].kind == ScopeKind::Class {
                            out.insert(format!("self.{n}"));
                            out.insert(format!("cls.{n}"));
                        }
                    }
                    Target::Attr(p) => {
                        out.insert(p.clone());
                    }
                    _ => {}
                }
            }
        }
        for i in &self.imports {
            if LOGGER_IMPORTS.contains(&i.qualified.as_str())
                || i.qualified.ends_with(".logger")
                || i.qualified.ends_with(".log") && i.local == "log"
            {
                out.insert(i.local.clone());
            }
        }
        out
    }

    /// Whether a call is a logging call (`logger.error(...)`, `logging.warning`).
    pub(crate) fn is_logger_call(&self, call: &Call, loggers: &HashSet<String>) -> bool {
        LOG_LEVEL_METHODS.contains(&call.method.as_str())
            && call.receiver_path().is_some_and(|r| loggers.contains(r))
    }
}
