//! What the rules take from the configuration: names the project adds to the
//! built-in lists. Rules read these, never [`Config`] itself.

use crate::config::Config;

/// The configured names, borrowed from the [`Config`] (built once per file at
/// no cost).
#[derive(Debug, Clone, Copy, Default)]
pub struct Settings<'a> {
    /// Extra names of logger objects (`loggers`: `log`, `audit_logger`).
    pub loggers: &'a [String],
    /// Extra names of database session objects or factories (`sessions`).
    pub sessions: &'a [String],
    /// Extra qualified names of pooled client classes (`clients`).
    pub clients: &'a [String],
}

impl<'a> Settings<'a> {
    pub fn from_config(config: &'a Config) -> Self {
        Settings {
            loggers: &config.loggers,
            sessions: &config.sessions,
            clients: &config.clients,
        }
    }
}
