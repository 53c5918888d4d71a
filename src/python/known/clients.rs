//! Client types: pooled network and database clients, how each is closed, and
//! the subsets the resource rules look for.

/// Pooled clients (RES001): qualified constructor -> the method that closes them and
/// whether that method is a coroutine.
pub(crate) const POOLED_CLIENTS: &[(&str, &str, bool)] = &[
    ("httpx.Client", "close", false),
    ("httpx.AsyncClient", "aclose", true),
    ("requests.Session", "close", false),
    ("requests.session", "close", false),
    ("requests.sessions.Session", "close", false),
    ("aiohttp.ClientSession", "close", true),
    ("aiohttp.client.ClientSession", "close", true),
    ("urllib3.PoolManager", "clear", false),
    ("urllib3.poolmanager.PoolManager", "clear", false),
    ("redis.Redis", "close", false),
    ("redis.StrictRedis", "close", false),
    ("redis.from_url", "close", false),
    ("redis.Redis.from_url", "close", false),
    ("redis.client.Redis", "close", false),
    ("redis.asyncio.Redis", "aclose", true),
    ("redis.asyncio.StrictRedis", "aclose", true),
    ("redis.asyncio.from_url", "aclose", true),
    ("redis.asyncio.Redis.from_url", "aclose", true),
    ("redis.asyncio.client.Redis", "aclose", true),
    ("aioredis.from_url", "close", true),
    ("aioredis.Redis", "close", true),
    ("aioredis.Redis.from_url", "close", true),
    ("sqlalchemy.create_engine", "dispose", false),
    ("sqlalchemy.engine.create_engine", "dispose", false),
    (
        "sqlalchemy.ext.asyncio.create_async_engine",
        "dispose",
        true,
    ),
];

/// The close method of a pooled client constructor and whether it is a coroutine
/// (`("aclose", true)` for `httpx.AsyncClient`).
pub(crate) fn pooled_client(qualified: &str) -> Option<(&'static str, bool)> {
    POOLED_CLIENTS
        .iter()
        .find(|(q, _, _)| *q == qualified)
        .map(|(_, m, a)| (*m, *a))
}

/// HTTP clients whose per-call construction defeats connection pooling (RES002).
pub(crate) const HTTP_CLIENTS: &[&str] = &[
    "httpx.Client",
    "httpx.AsyncClient",
    "requests.Session",
    "requests.session",
    "requests.sessions.Session",
    "aiohttp.ClientSession",
    "aiohttp.client.ClientSession",
];

/// Long-lived clients RES006 expects to be closed at shutdown.
pub(crate) const LONG_LIVED_CLIENTS: &[&str] = &[
    "httpx.AsyncClient",
    "aiohttp.ClientSession",
    "redis.Redis",
    "redis.StrictRedis",
    "redis.from_url",
    "redis.Redis.from_url",
    "redis.asyncio.Redis",
    "redis.asyncio.StrictRedis",
    "redis.asyncio.from_url",
    "redis.asyncio.Redis.from_url",
    "aioredis.from_url",
    "aioredis.Redis",
    "aioredis.Redis.from_url",
    "sqlalchemy.create_engine",
    "sqlalchemy.engine.create_engine",
    "sqlalchemy.ext.asyncio.create_async_engine",
];

/// The close call for a long-lived client type, and whether it is awaited
/// (RES006; by prefix, unlike [`pooled_client`]).
pub(crate) fn closer_of(qualified: &str) -> (&'static str, bool) {
    match qualified {
        q if q.contains("create_async_engine") => ("dispose", true),
        q if q.contains("create_engine") => ("dispose", false),
        q if q.starts_with("httpx.") => ("aclose", true),
        q if q.starts_with("aiohttp.") || q.starts_with("aioredis.") => ("close", true),
        q if q.starts_with("redis.asyncio.") => ("aclose", true),
        _ => ("close", false),
    }
}
