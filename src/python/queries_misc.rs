//! Index queries for the resilience, error-handling, security, performance and
//! strength rules: sleeps and loop pacing, delay expressions (exponential? random?),
//! logger objects, database session objects.

use std::collections::HashSet;

use super::model::*;
use super::ModuleIndex;

/// Qualified names of sleep functions.
pub const SLEEPS: &[&str] = &[
    "time.sleep",
    "asyncio.sleep",
    "anyio.sleep",
    "trio.sleep",
    "gevent.sleep",
    "eventlet.sleep",
];

/// Factories of logger objects.
pub const LOGGER_FACTORIES: &[&str] = &[
    "logging.getLogger",
    "logging.get_logger",
    "structlog.get_logger",
    "structlog.getLogger",
    "structlog.stdlib.get_logger",
];

/// What a delay expression (the argument of a `sleep`) is made of, following the
/// local names it reads to their assignments in the same function.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DelayProfile {
    /// `2 ** n`, `1 << n`, `pow(2, n)`, or a name doubled (`d *= 2`, `d = min(d * 2, c)`).
    pub exponential: bool,
    /// A `random.*` / `secrets.*` call.
    pub random: bool,
    /// A call we cannot see through (a helper that may add jitter or back off).
    pub opaque: bool,
}

impl DelayProfile {
    /// A delay that neither grows nor depends on anything we cannot see.
    pub fn constant(&self) -> bool {
        !self.exponential && !self.random && !self.opaque
    }
}

const NEUTRAL_CALLS: &[&str] = &["min", "max", "float", "int", "abs", "round"];

const BLOCKING_WAIT_METHODS: &[&str] = &[
    "wait",
    "wait_for",
    "receive",
    "recv",
    "recv_json",
    "recv_multipart",
    "accept",
    "get_message",
    "brpop",
    "blpop",
    "bzpopmin",
    "xread",
    "xreadgroup",
    "select",
];

impl ModuleIndex {
    pub fn is_sleep(&self, call: &Call) -> bool {
        call.qualified
            .as_deref()
            .is_some_and(|q| SLEEPS.contains(&q))
    }

    /// A call that blocks until something happens (and so paces a loop):
    /// `await queue.get()`, `queue.get(timeout=1)`, `event.wait(5)`, `sock.recv()`,
    /// `redis.brpop(...)`, `select.select(...)`.
    pub fn is_blocking_wait(&self, call: &Call) -> bool {
        let m = call.method.as_str();
        if BLOCKING_WAIT_METHODS.contains(&m) && call.receiver.is_some() {
            return true;
        }
        if call.qualified.as_deref() == Some("select.select") {
            return true;
        }
        if m == "poll" && call.receiver.is_some() && !call.args.is_empty() {
            return true;
        }
        if m == "get" && call.receiver.is_some() {
            return call.awaited
                || call.keyword("timeout").is_some()
                || call.keyword("block").is_some()
                || call.args.is_empty();
        }
        false
    }

    /// Calls in `scope` whose span lies within `span`, with their ids.
    pub fn calls_within(
        &self,
        scope: ScopeId,
        span: Span,
    ) -> impl Iterator<Item = (CallId, &Call)> + '_ {
        // The scope's calls by start byte narrow the candidates to those starting
        // inside `span` (a scan of every call per question was quadratic on
        // generated modules); they come back in index order, as before.
        let by_start = self.calls_by_start(scope);
        let first = by_start.partition_point(|c| self.calls[*c].span.start_byte < span.start_byte);
        let last = by_start.partition_point(|c| self.calls[*c].span.start_byte < span.end_byte);
        let mut ids: Vec<CallId> = by_start[first..last]
            .iter()
            .copied()
            .filter(|c| span.contains(&self.calls[*c].span))
            .collect();
        ids.sort_unstable();
        ids.into_iter().map(move |c| (c, &self.calls[c]))
    }

    /// The innermost loop (index into `loops`) enclosing `block` in its scope.
    pub fn enclosing_loop(&self, block: Option<BlockId>) -> Option<usize> {
        self.blocks_of(block)
            .find(|b| b.kind == BlockKind::Loop)
            .map(|b| b.owner)
    }

    /// The innermost handler (index into `handlers`) enclosing `block` in its scope.
    pub fn enclosing_handler(&self, block: Option<BlockId>) -> Option<usize> {
        self.blocks_of(block)
            .find(|b| b.kind == BlockKind::Handler)
            .map(|b| b.owner)
    }

    /// Whether the handler catches everything: bare `except:`, `Exception`,
    /// `BaseException`.
    pub fn is_broad_handler(&self, h: &Handler) -> bool {
        h.is_bare()
            || h.types_qualified
                .iter()
                .any(|t| t == "Exception" || t == "BaseException" || t == "builtins.Exception")
    }

    /// What the expression at `span` (in `scope`) is made of: see [`DelayProfile`].
    pub fn delay_profile(&self, scope: ScopeId, span: Span) -> DelayProfile {
        let mut p = DelayProfile::default();
        let mut seen: HashSet<String> = HashSet::new();
        let mut work: Vec<(Span, ScopeId, usize)> = vec![(span, scope, 0)];
        while let Some((sp, sc, depth)) = work.pop() {
            for b in self
                .binops
                .iter()
                .filter(|b| b.scope == sc && sp.contains(&b.span))
            {
                if b.op == "**" || b.op == "<<" {
                    p.exponential = true;
                }
            }
            for (_, c) in self.calls_within(sc, sp) {
                let q = c.qualified.as_deref().unwrap_or("");
                if q.starts_with("random.")
                    || q.starts_with("secrets.")
                    || q.starts_with("numpy.random.")
                {
                    p.random = true;
                } else if q == "pow" || q == "math.pow" {
                    p.exponential = true;
                } else if NEUTRAL_CALLS.contains(&q) || q.starts_with("math.") {
                } else {
                    p.opaque = true;
                }
            }
            if depth >= 4 {
                continue;
            }
            for l in self
                .loads
                .iter()
                .filter(|l| l.scope == sc && sp.contains(&l.span))
            {
                for key in [l.path.as_str(), l.name.as_str()] {
                    if key == "self" || key == "cls" || !seen.insert(key.to_string()) {
                        continue;
                    }
                    // Assignments of that name in the function, else at module level.
                    let mut found = false;
                    for target_scope in [sc, 0] {
                        if found {
                            break;
                        }
                        for a in self.assignments.iter().filter(|a| a.scope == target_scope) {
                            let hit = a.targets.iter().any(|t| match t {
                                Target::Name(n) | Target::Attr(n) => n == key,
                                _ => false,
                            });
                            if !hit {
                                continue;
                            }
                            found = true;
                            if let AssignOp::Augmented(op) = &a.op {
                                if op == "*=" || op == "<<=" || op == "**=" {
                                    p.exponential = true;
                                }
                            }
                            // `d = d * 2`, `d = min(d * 2, cap)`: doubled in place.
                            if self.binops.iter().any(|b| {
                                b.scope == target_scope
                                    && b.op == "*"
                                    && a.span.contains(&b.span)
                                    && (b.left.path() == Some(key) || b.right.path() == Some(key))
                            }) {
                                p.exponential = true;
                            }
                            if let Some(v) = &a.value {
                                if !matches!(a.op, AssignOp::Augmented(_)) || !v.is_constant() {
                                    work.push((a.span, target_scope, depth + 1));
                                }
                            }
                        }
                    }
                }
            }
        }
        p
    }

    /// Dotted paths of logger objects: names bound to `logging.getLogger(...)` (or
    /// structlog's), `from loguru import logger`, `self.logger` / `self._logger` /
    /// `self.log`, imported names ending in `.logger`, the `logging` module itself,
    /// and `extra` (the configured `loggers`).
    pub fn logger_paths(&self, extra: &[String]) -> HashSet<String> {
        let mut out: HashSet<String> = extra.iter().cloned().collect();
        for p in [
            "self.logger",
            "self._logger",
            "self.log",
            "self._log",
            "cls.logger",
        ] {
            out.insert(p.to_string());
        }
        for a in &self.assignments {
            let Some(c) = a.value.as_ref().and_then(|v| self.call_value(v)) else {
                continue;
            };
            let q = c.qualified.as_deref().unwrap_or("");
            let from_logger = LOGGER_FACTORIES.contains(&q)
                || (c.method == "bind" || c.method == "getChild")
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
            if i.qualified == "loguru.logger"
                || i.qualified == "logging"
                || i.qualified.ends_with(".logger")
                || i.qualified.ends_with(".log") && i.local == "log"
            {
                out.insert(i.local.clone());
            }
        }
        out
    }

    /// Whether a call is a logging call (`logger.error(...)`, `logging.warning`).
    pub fn is_logger_call(&self, call: &Call, loggers: &HashSet<String>) -> bool {
        const LEVELS: &[&str] = &[
            "debug",
            "info",
            "warning",
            "warn",
            "error",
            "exception",
            "critical",
            "fatal",
            "log",
        ];
        LEVELS.contains(&call.method.as_str())
            && call.receiver_path().is_some_and(|r| loggers.contains(r))
    }

    /// Names that, when called, produce a database session: `sessionmaker(...)`
    /// results (`SessionLocal`), SQLAlchemy `Session`/`AsyncSession` classes as
    /// imported, and `extra` (the configured `sessions`).
    pub fn session_factories(&self, extra: &[String]) -> HashSet<String> {
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
    pub fn is_session_construction(&self, call: &Call, factories: &HashSet<String>) -> bool {
        call.callee
            .as_deref()
            .is_some_and(|c| factories.contains(c))
            || call.method == "connect"
            || call
                .qualified
                .as_deref()
                .is_some_and(|q| q.ends_with("orm.Session") || q.ends_with("AsyncSession"))
    }

    /// Dotted paths of database session / connection objects visible in `scope`:
    /// `db`, `session`, `self.db`, `self.session` (and `_`-prefixed), parameters
    /// annotated `Session`/`AsyncSession`/`Connection`, names bound to session
    /// constructions or `with ... as` them, and `extra` (the configured `sessions`).
    pub fn session_paths(&self, scope: ScopeId, extra: &[String]) -> HashSet<String> {
        let mut out = self.module_session_paths(extra);
        self.add_scope_session_paths(&mut out, scope);
        out
    }

    /// The part of [`Self::session_paths`] that does not depend on the scope: the
    /// usual names, `extra`, names bound to session constructions anywhere in the
    /// module. Rules asking for many scopes compute it once (once per call was
    /// quadratic on generated modules) and add each scope's part with
    /// [`Self::add_scope_session_paths`].
    pub fn module_session_paths(&self, extra: &[String]) -> HashSet<String> {
        let mut out: HashSet<String> = extra.iter().cloned().collect();
        for p in [
            "db",
            "session",
            "self.db",
            "self._db",
            "self.session",
            "self._session",
        ] {
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
    pub fn add_scope_session_paths(&self, out: &mut HashSet<String>, scope: ScopeId) {
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

    /// Whether `span` (in `scope`) lies in the body of a `with` statement of that
    /// scope, returning the innermost such statements' indices.
    pub fn enclosing_withs(&self, block: Option<BlockId>) -> Vec<usize> {
        self.blocks_of(block)
            .filter(|b| b.kind == BlockKind::With)
            .map(|b| b.owner)
            .collect()
    }

    /// The innermost `try` (index into `tries`) whose *body* encloses `block`.
    pub fn enclosing_try_bodies(&self, block: Option<BlockId>) -> Vec<usize> {
        self.blocks_of(block)
            .filter(|b| b.kind == BlockKind::TryBody)
            .map(|b| b.owner)
            .collect()
    }
}
