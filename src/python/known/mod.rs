//! Library knowledge: the Python library names (types, functions, methods) and
//! the usual names (`SessionLocal`, `self.logger`) that the index and the rules
//! recognise, one file per kind. Lists (and small lookups over them) only: the
//! code that reads them is in `analyze/` and `rules/`.
//!
//! Each list keeps the contents it had where it was written, under a name that
//! says what it is for (the rule reading it in parentheses). Lists of the same
//! kind that differ are kept apart, since merging them would change findings.
//! For a later precision issue, where they differ:
//!
//! - Close methods (`closing`): [`closing::CLOSE_METHODS`] (RES001, RES003/RES004
//!   through the lifecycle) has `terminate`, `clear`, `release`, `close_all`;
//!   [`closing::CLIENT_CLOSE_VERBS`] (RES006 and GOOD007, through
//!   `rules::res::shutdown::closes`) lacks `terminate`, `clear`, `release`;
//!   RES006 adds `close_all`, GOOD007 `terminate` and `<verb>_...` helpers, so a
//!   shutdown hook calling `pool.close_all()` satisfies RES006 without GOOD007
//!   crediting it (and `terminate()` the other way round);
//!   [`closing::FINALLY_RELEASE_METHODS`] (GOOD005) lacks `disconnect`,
//!   `terminate`, `clear`, `close_all`; [`closing::CLEANUP_METHODS`] (ERR002) adds
//!   `cancel`, `unlink`, `remove`, `rmtree`, `kill` and lacks `disconnect`,
//!   `clear`, `close_all`; [`closing::CLOSING_METHOD_NAMES`] (RES001) names method
//!   *definitions* (`__exit__`, `__del__`, `stop`, `cleanup`, `teardown`) and
//!   lacks `terminate`, `clear`, `release`, `close_all`.
//! - How a client closes (`clients`): [`clients::pooled_client`] (RES001, exact
//!   names) and [`clients::closer_of`] (RES006, by prefix) agree on every
//!   [`clients::LONG_LIVED_CLIENTS`] entry, but would not on `httpx.Client`
//!   (`close` against `aclose`).
//! - Clocks (`clocks`): [`clocks::EXPIRY_CLOCKS`] (MEM005) has
//!   `datetime.datetime.today` and `django.utils.timezone.now`,
//!   [`clocks::POLLED_CLOCKS`] (ASYNC004) does not.
//! - Connections whose `with` does not close them (`resources`):
//!   [`resources::CONTEXT_MANAGER_KEEPS_OPEN`] (RES004) is `sqlite3.connect`,
//!   `psycopg2.connect`; [`resources::CLOSABLE_RESOURCES`] (RES003) also marks
//!   `pymysql.connect` so. Openers whose `with` closes them:
//!   [`resources::SELF_CLOSING_CONTEXT_MANAGERS`] (GOOD005) lacks
//!   `psycopg.Connection.connect` and `urllib.request.urlopen` of
//!   `CLOSABLE_RESOURCES`, and adds `contextlib.closing`/`aclosing`, `tempfile`
//!   and the SQLAlchemy sessions.
//! - Sessions (`sessions`): [`sessions::SESSION_TYPES`] and
//!   [`sessions::SESSION_FACTORY_TYPES`] (RES005) are exact names, while the
//!   index's session questions (`analyze/sessions.rs`) match by suffix
//!   (`...sessionmaker`, `...orm.Session`, `...AsyncSession`).
//! - Pure functions (`pure`): [`pure::DELAY_NEUTRAL_CALLS`] (delays: `float`,
//!   `int`, `round`), [`pure::PURE_BUILTINS`] (ASYNC004: `len`, `bool`, `any`,
//!   `all`, `isinstance`) and [`pure::PURE_BUILDERS`] (CONC001: `re.compile`,
//!   `str`, `tuple`...) overlap only in part.
//! - Locks (`locks`): [`locks::CONCURRENCY_LIMITERS`] (GOOD008) adds
//!   `anyio.CapacityLimiter`, which [`locks::LOCK_TYPES`] (lock regions) lacks.
//! - Collection methods (`collections`): [`collections::LIST_FILL_METHODS`]
//!   (PERF001) has `extendleft`, [`collections::MUTATING_METHODS`] (shared state)
//!   does not; `rules/mem/collections.rs` keeps its own grow/shrink method lists
//!   (not moved here yet: that file is being changed elsewhere).
//! - HTTP (`http`): [`http::HTTP_CLIENT_METHODS`] (SEC001) has `stream`,
//!   [`http::REQUESTS_HTTP_FUNCTIONS`] (RESIL003, ASYNC003) does not (ASYNC003
//!   adds it for `httpx` only). These two were the same list in RESIL003 and
//!   ASYNC003 and are one list now.
//!
//! Not here: word lists that are naming heuristics rather than library names
//! (RES002's exempt function names, MEM002's long-lived suffixes, MEM004's entity
//! labels, SEC001's secret names, CONC001's costly words, the construction
//! methods of CONC002 and `rules/mem/per_call.rs`, PERF001's SQL keywords), and
//! names still tested inline in rules (`matches!`/`==` on a few qualified names).

pub(crate) mod blocking;
pub(crate) mod builtins;
pub(crate) mod caching;
pub(crate) mod clients;
pub(crate) mod clocks;
pub(crate) mod closing;
pub(crate) mod collections;
pub(crate) mod exceptions;
pub(crate) mod http;
pub(crate) mod locks;
pub(crate) mod logging;
pub(crate) mod metrics;
pub(crate) mod pure;
pub(crate) mod resources;
pub(crate) mod sessions;
pub(crate) mod tasks;
pub(crate) mod testing;
