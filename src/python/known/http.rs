//! HTTP: the functions and methods that send a request.

/// HTTP client methods that send a request, `stream` included (SEC001).
pub(crate) const HTTP_CLIENT_METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "request", "stream",
];

/// `requests` module functions that send a request (RESIL003; ASYNC003 reads
/// them for `requests.*` and `httpx.*`).
pub(crate) const REQUESTS_HTTP_FUNCTIONS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "request",
];
