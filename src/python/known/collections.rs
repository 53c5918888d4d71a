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
