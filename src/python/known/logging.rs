//! Loggers: logger factories, log level methods, the usual logger names.

/// Factories of logger objects.
pub(crate) const LOGGER_FACTORIES: &[&str] = &[
    "logging.getLogger",
    "logging.get_logger",
    "structlog.get_logger",
    "structlog.getLogger",
    "structlog.stdlib.get_logger",
];

/// The usual names of logger attributes, loggers whatever they are bound to.
pub(crate) const CONVENTIONAL_LOGGER_PATHS: &[&str] = &[
    "self.logger",
    "self._logger",
    "self.log",
    "self._log",
    "cls.logger",
];

/// Logger methods returning a logger (`log.bind(...)`, `log.getChild(...)`).
pub(crate) const LOGGER_DERIVING_METHODS: &[&str] = &["bind", "getChild"];

/// Imports that are loggers themselves (`from loguru import logger`, `import
/// logging`).
pub(crate) const LOGGER_IMPORTS: &[&str] = &["loguru.logger", "logging"];

/// Logger methods that log at a level (`logger.error(...)`).
pub(crate) const LOG_LEVEL_METHODS: &[&str] = &[
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
