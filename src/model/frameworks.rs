//! The framework table (`frameworks.toml`, embedded): the shapes that make a
//! function an entry point (a route, a task, a command), and the calls that run
//! their argument in another context (a task, a thread). Parsed once.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

/// Where code can run. A function's contexts are a set of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Context {
    Request,
    Websocket,
    Task,
    Background,
    Thread,
    Startup,
    Shutdown,
    Import,
    Script,
    Migration,
    Test,
    /// The body of a memoised function without parameters (`@lru_cache def
    /// get_service()`): it runs once, at the first call, whoever calls it.
    Once,
}

impl Context {
    pub const ALL: [Context; 12] = [
        Context::Request,
        Context::Websocket,
        Context::Task,
        Context::Background,
        Context::Thread,
        Context::Startup,
        Context::Shutdown,
        Context::Import,
        Context::Script,
        Context::Migration,
        Context::Test,
        Context::Once,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Context::Request => "request",
            Context::Websocket => "websocket",
            Context::Task => "task",
            Context::Background => "background",
            Context::Thread => "thread",
            Context::Startup => "startup",
            Context::Shutdown => "shutdown",
            Context::Import => "import",
            Context::Script => "script",
            Context::Migration => "migration",
            Context::Test => "test",
            Context::Once => "once",
        }
    }

    pub fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// A set of [`Context`]s.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ContextSet(pub u16);

impl ContextSet {
    pub fn contains(self, c: Context) -> bool {
        self.0 & c.bit() != 0
    }
    pub fn insert(&mut self, c: Context) -> bool {
        let new = !self.contains(c);
        self.0 |= c.bit();
        new
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn iter(self) -> impl Iterator<Item = Context> {
        Context::ALL.into_iter().filter(move |c| self.contains(*c))
    }
    /// Runs per request, per message or per event: what "per call" means for a
    /// long-running service.
    pub fn per_event(self) -> bool {
        [Context::Request, Context::Websocket, Context::Task]
            .iter()
            .any(|c| self.contains(*c))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecoratorRow {
    pub framework: String,
    #[serde(default)]
    pub on: Vec<String>,
    #[serde(default)]
    pub methods: Vec<String>,
    #[serde(default)]
    pub targets: Vec<String>,
    pub context: Option<Context>,
    /// First string argument -> context.
    #[serde(default)]
    pub arg0: BTreeMap<String, Context>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SwitchRow {
    #[serde(default)]
    pub framework: Option<String>,
    #[serde(default)]
    pub on: Vec<String>,
    #[serde(default)]
    pub methods: Vec<String>,
    #[serde(default)]
    pub targets: Vec<String>,
    pub arg: Option<usize>,
    pub keyword: Option<String>,
    pub context: Context,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaseRow {
    pub framework: String,
    pub class: Vec<String>,
    pub methods: Vec<String>,
    pub context: Context,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathRow {
    pub framework: String,
    pub contains: Vec<String>,
    pub functions: Vec<String>,
    pub context: Context,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    #[serde(default)]
    pub decorator: Vec<DecoratorRow>,
    /// Calls whose argument runs in another context.
    #[serde(default)]
    pub switch: Vec<SwitchRow>,
    /// Calls whose argument is registered as an entry point (same shape as a switch).
    #[serde(default)]
    pub registration: Vec<SwitchRow>,
    #[serde(default)]
    pub base: Vec<BaseRow>,
    #[serde(default)]
    pub path: Vec<PathRow>,
}

const TEXT: &str = include_str!("frameworks.toml");

/// The table, parsed once.
pub fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| toml::from_str(TEXT).expect("src/model/frameworks.toml is valid"))
}

/// A hash of the table's text, for the analysis key.
pub fn table_text() -> &'static str {
    TEXT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_and_every_row_says_where_it_applies() {
        let t = table();
        assert!(!t.decorator.is_empty() && !t.switch.is_empty());
        for d in &t.decorator {
            assert!(
                (!d.on.is_empty() && !d.methods.is_empty()) || !d.targets.is_empty(),
                "{d:?}"
            );
            assert!(d.context.is_some() || !d.arg0.is_empty(), "{d:?}");
        }
        for s in t.switch.iter().chain(&t.registration) {
            assert!(s.arg.is_some() || s.keyword.is_some(), "{s:?}");
            assert!(!s.targets.is_empty() || !s.methods.is_empty(), "{s:?}");
        }
        for name in t
            .decorator
            .iter()
            .flat_map(|d| d.on.iter().chain(&d.targets))
            .chain(t.base.iter().flat_map(|b| &b.class))
        {
            assert!(
                name.split('.')
                    .all(|p| !p.is_empty()
                        && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')),
                "not a qualified name: {name}"
            );
        }
    }
}
