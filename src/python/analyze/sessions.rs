//! Database sessions: the names that produce sessions when called, whether a
//! call constructs a session or connection, and which dotted paths in a scope
//! are session or connection objects.

use std::collections::HashSet;

use crate::python::known::sessions::CONVENTIONAL_SESSION_PATHS;
use crate::python::model::*;
use crate::python::ModuleIndex;

impl ModuleIndex {
    /// Names that, when called, produce a database session: `sessionmaker(...)`
    /// results (`SessionLocal`), SQLAlchemy `Session`/`AsyncSession` classes as
    /// imported, and `extra` (the configured `sessions`).
    pub(crate) fn session_factories(&self, extra: &[String]) -> HashSet<String> {
        let mut out: HashSet<String> = extra.iter().cloned().collect();
        for a in &self.assignments {
            let Some(c) = a.value.as_ref().and_then(|v| self.call_value(v)) else {
                continue;
            };
            let q = c.qualified.as_deref().unwrap_or("");
            if q.ends_with("sessionmaker") || q.ends_with("async_sessionmaker") {
                for t in &a.targets {
                    if let Target::Name(n) | Target::Attr(n) = t {
                        out.insert(n.clone());
                    }
                }
            }
        }
        for i in &self.imports {
            if i.qualified.starts_with("sqlalchemy")
                && (i.qualified.ends_with(".Session") || i.qualified.ends_with(".AsyncSession"))
            {
                out.insert(i.local.clone());
            }
        }
        out
    }

    /// Whether a call constructs a database session or connection: a session factory
    /// call (`SessionLocal()`, `Session(engine)`) or a `connect()` call
    /// (`sqlite3.connect`, `engine.connect()`, `psycopg2.connect`).
    pub(crate) fn is_session_construction(&self, call: &Call, factories: &HashSet<String>) -> bool {
        call.callee
            .as_deref()
            .is_some_and(|c| factories.contains(c))
            || call.method == "connect"
            || call
                .qualified
                .as_deref()
                .is_some_and(|q| q.ends_with("orm.Session") || q.ends_with("AsyncSession"))
    }

    /// Dotted paths of database session / connection objects visible in a scope are
    /// `db`, `session`, `self.db`, `self.session` (and `_`-prefixed), parameters
    /// annotated `Session`/`AsyncSession`/`Connection`, names bound to session
    /// constructions or `with ... as` them, and `extra` (the configured `sessions`).
    ///
    /// This is the part that does not depend on the scope: the usual names,
    /// `extra`, names bound to session constructions anywhere in the module.
    /// Rules asking for many scopes compute it once (once per call was quadratic
    /// on generated modules) and add each scope's part with
    /// [`Self::add_scope_session_paths`].
    pub(crate) fn module_session_paths(&self, extra: &[String]) -> HashSet<String> {
        let mut out: HashSet<String> = extra.iter().cloned().collect();
        for p in CONVENTIONAL_SESSION_PATHS {
            out.insert(p.to_string());
        }
        let factories = self.session_factories(extra);
        for a in &self.assignments {
            let Some(c) = a.value.as_ref().and_then(|v| self.call_value(v)) else {
                continue;
            };
            if self.is_session_construction(c, &factories) {
                for t in &a.targets {
                    if let Target::Name(n) | Target::Attr(n) = t {
                        out.insert(n.clone());
                    }
                }
            }
        }
        for w in &self.withs {
            for it in &w.items {
                if let (Some(alias), Some(c)) = (&it.alias, self.call_value(&it.value)) {
                    if self.is_session_construction(c, &factories) {
                        out.insert(alias.clone());
                    }
                }
            }
        }
        out
    }

    /// Adds the parameters of `scope` and its enclosing scopes annotated with a
    /// session or connection type.
    pub(crate) fn add_scope_session_paths(&self, out: &mut HashSet<String>, scope: ScopeId) {
        let mut cur = Some(scope);
        while let Some(s) = cur {
            for p in &self.scopes[s].params {
                let ann = p.annotation.as_deref().unwrap_or("");
                let hit = p.annotation_qualified.iter().any(|q| {
                    q.starts_with("sqlalchemy")
                        || q.starts_with("sqlite3")
                        || q.starts_with("psycopg")
                }) || ann.contains("Session")
                    && !ann.contains("ClientSession")
                    && !ann.contains("requests")
                    || ann.contains("Connection");
                if hit {
                    out.insert(p.name.clone());
                }
            }
            cur = self.scopes[s].parent;
        }
    }
}
