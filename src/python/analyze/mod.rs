//! The questions rules ask of a [`ModuleIndex`](crate::python::ModuleIndex),
//! answered from its tables, one file per concept:
//!
//! - `scopes`: the scope tree, globals, decorators, what each scope holds;
//! - `blocks`: what encloses a point (loops, handlers, `with`, `try` bodies);
//! - `statements`: the statement around a span, statements between two points;
//! - `locks`: lock objects and the lock held at a point;
//! - `awaits`: the event loop (`async def`, await points in a region);
//! - `tasks`: calls that start asyncio tasks, task groups;
//! - `shared_state`: writes to shared state and what counts as shared;
//! - `lifecycle`: what a function does with a local resource after opening it;
//! - `delays`: sleeps, blocking waits, what a delay expression is made of;
//! - `logging`: logger objects and logging calls;
//! - `sessions`: database session factories and session objects;
//! - `test_context`: code a test expects to raise.
//!
//! The library names these questions look for are in `known/`.

mod awaits;
mod blocks;
mod delays;
mod lifecycle;
mod locks;
mod logging;
mod scopes;
mod sessions;
mod shared_state;
mod statements;
mod tasks;
mod test_context;

pub use delays::DelayProfile;
pub(crate) use scopes::ScopeTables;
pub use shared_state::{StateWrite, WriteKind};
pub(crate) use tasks::SpawnKind;
