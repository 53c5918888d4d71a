//! Methods of Python's collections (`list`, `dict`, `set`, `deque`).

/// Method names that mutate a collection in place.
pub(crate) const MUTATING_METHODS: &[&str] = &[
    "append",
    "appendleft",
    "extend",
    "insert",
    "add",
    "update",
    "setdefault",
    "pop",
    "popleft",
    "popitem",
    "remove",
    "discard",
    "clear",
    "__setitem__",
    "__delitem__",
];

/// List and deque methods that add items (PERF001). List methods: `final_repos.append(repo)` fills a list of (GitHub)
/// repositories, it does not query a repository object.
pub(crate) const LIST_FILL_METHODS: &[&str] = &["append", "appendleft", "extend", "extendleft"];
