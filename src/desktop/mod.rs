//! The desktop workbench's engine, without any GUI code: the Tauri shell
//! (`src-tauri/`) turns each command of `docs/desktop-api.md` into one call here,
//! so everything below is testable with plain `cargo test`.
//!
//! - [`workbench`]: the app-wide state (preferences, recent projects, the open
//!   project) and the command functions.
//! - [`session`]: one open project: its database, the first scan on a background
//!   thread, then the watcher, reporting through [`events`].
//! - [`confine`]: every path that comes from the web view is resolved here and
//!   refused when it leaves the project root.
//! - [`dashboard`], [`rules_config`], [`prefs`], [`editor`]: the dashboard's
//!   aggregates, editing the project's configuration file, the app's
//!   preferences, opening the user's editor.

pub mod confine;
pub mod dashboard;
pub mod editor;
pub mod error;
pub mod events;
pub mod prefs;
pub mod rules_config;
pub mod session;
pub mod types;
pub mod workbench;

pub use error::{ApiError, ApiResult};
pub use events::{Event, Sink};
pub use workbench::Workbench;
