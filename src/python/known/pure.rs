//! Functions whose result depends only on their arguments.

/// Calls that keep a delay what it is (bounds and conversions): a delay made of
/// them is neither random nor opaque.
pub(crate) const DELAY_NEUTRAL_CALLS: &[&str] = &["min", "max", "float", "int", "abs", "round"];

/// Builtins that only compute from their arguments (ASYNC004).
pub(crate) const PURE_BUILTINS: &[&str] = &[
    "len",
    "bool",
    "any",
    "all",
    "isinstance",
    "min",
    "max",
    "abs",
];

/// Pure functions whose result can be computed twice without harm (CONC001).
pub(crate) const PURE_BUILDERS: &[&str] = &[
    "re.compile",
    "re.escape",
    "struct.Struct",
    "string.Template",
    "str",
    "int",
    "bool",
    "tuple",
    "frozenset",
];
