//! SEC001 secret-in-url.
use crate::finding::{Kind, Severity};
use crate::python::known::http::HTTP_CLIENT_METHODS;
use crate::python::{ModuleIndex, Span, Value};
use crate::rules::fix::{self, Edit};
use crate::rules::{Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags a URL whose query string carries a credential taken from a variable:
f-strings such as `f"...?key={self.api_key}"`, `&token={token}`, concatenations
`"...?api_key=" + key` and `"...&password=%s" % pw`, and `params={"key": api_key}`
on an HTTP call. Credential parameter names: `key`, `api_key`, `apikey`, `api-key`,
`token`, `access_token`, `auth_token`, `refresh_token`, `secret`, `client_secret`,
`password`, `passwd`, `private_token`, `signature`.

## Why is this bad?
Query strings are written to access logs, proxy logs, browser history, APM traces
and exception messages (`httpx.HTTPStatusError` includes the URL). Anyone who can
read those logs gets the key. (Seed 000 HIGH-006.)

## Example
```python
url = f"{self.base_url}/models/{model}:generateContent?key={self.api_key}"
resp = await self.client.post(url, json=body)
```

## Use instead
Send the credential in a header:
```python
url = f"{self.base_url}/models/{model}:generateContent"
resp = await self.client.post(url, json=body, headers={"x-goog-api-key": self.api_key})
```

## Not reported
Credentials already in headers, non-secret parameters (`page_token`, `cursor`,
`next_token` is treated as a pagination token), and constant values.

## Precision
Measured on the ecosystem corpus (`scripts/ecosystem`, 20 real projects, test code skipped, 2026-11-23): 0 of 2 (0%) true positives in the labelled sample (`bench/ecosystem/labels.csv`). Below the target (90% for its `high` severity). The severity stays the catalog's (it says the impact); the figure sets the confidence its findings start from, which the project model raises or lowers at each place (`src/rules/confidence.rs`, with the application sample of `bench/apps/`). Why it fell short: both findings send a literal dummy token to an in-process fake server; the sample is small.
"#;

pub static META: RuleMeta = RuleMeta {
    id: "SEC001",
    name: "secret-in-url",
    kind: Kind::Finding,
    severity: Severity::High,
    summary: "a credential in a URL query string (logged by proxies and servers)",
    category: "security",
    doc: DOC,
    effort_hours: 0.5,
};

const SECRETS: &[&str] = &[
    "key",
    "api_key",
    "apikey",
    "api-key",
    "token",
    "access_token",
    "auth_token",
    "refresh_token",
    "secret",
    "client_secret",
    "password",
    "passwd",
    "private_token",
    "signature",
];

fn is_secret(name: &str) -> bool {
    SECRETS.contains(&name.to_ascii_lowercase().as_str())
}

/// The credential parameters of a query string template: for each `?name=` or
/// `&name=` immediately followed by `{` (an f-string field) or `%s`, the name and
/// the byte offset of its separator in `text`.
fn query_secrets(text: &str, field_marker: &[&str]) -> Vec<(String, usize)> {
    let mut out = vec![];
    let b = text.as_bytes();
    for (i, ch) in text.char_indices() {
        if ch != '?' && ch != '&' {
            continue;
        }
        let rest = &text[i + 1..];
        let name_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        let name = &rest[..name_len];
        if name.is_empty() || b.get(i + 1 + name_len) != Some(&b'=') {
            continue;
        }
        let after = &rest[name_len + 1..];
        if is_secret(name) && field_marker.iter().any(|m| after.starts_with(m)) {
            out.push((name.to_string(), i));
        }
    }
    out
}

fn header_for(name: &str, value: &str) -> String {
    match name.to_ascii_lowercase().as_str() {
        "token" | "access_token" | "auth_token" => {
            format!("headers = {{\"Authorization\": f\"Bearer {{{value}}}\"}}")
        }
        _ => format!("headers = {{\"X-API-Key\": {value}}}"),
    }
}

pub struct Sec001;

struct Hit {
    anchor: Span,
    scope: usize,
    name: String,
    value: String,
    /// Byte range of `?name={value}` in the source, to remove in the fix.
    remove: Option<(usize, usize, bool)>,
    /// Other edits that take the credential out of the URL.
    edits: Vec<Edit>,
}

/// For `params={"key": api_key}`: the edits that drop the pair from the dict
/// and pass `headers=headers` instead (none when the text is not found as
/// written, e.g. a multi-line dict: the header line alone is the hint then).
fn params_edits(
    ix: &ModuleIndex,
    call: &Span,
    name: &str,
    value: &str,
    has_headers: bool,
) -> Vec<Edit> {
    let text = &ix.source[call.start_byte..call.end_byte];
    for q in ['"', '\''] {
        let pair = format!("{q}{name}{q}: {value}");
        let Some(at) = text.find(&pair) else { continue };
        let (mut s, mut e) = (at, at + pair.len());
        if text[e..].starts_with(", ") {
            e += 2;
        } else if text[..s].ends_with(", ") {
            s -= 2;
        }
        let mut edits = vec![Edit::replace(call.start_byte + s..call.start_byte + e, "")];
        if !has_headers && text.ends_with(')') {
            edits.push(Edit::insert(call.end_byte - 1, ", headers=headers"));
        }
        return edits;
    }
    vec![]
}

/// For `"https://host/path?key=" + key`: the edit that keeps the URL without
/// its credential (`"https://host/path"`).
fn concat_edit(ix: &ModuleIndex, b: &Span, off: usize, name: &str) -> Vec<Edit> {
    let q = ix.source.as_bytes().get(b.start_byte).copied();
    // The literal's text must be the string's value there (no escapes before it).
    let at = b.start_byte + 1 + off;
    let here = ix.source.get(at + 1..).unwrap_or("");
    if !here.starts_with(&format!("{name}=")) {
        return vec![];
    }
    match q {
        Some(q @ (b'"' | b'\'')) => vec![Edit::replace(
            b.start_byte + 1 + off..b.end_byte,
            (q as char).to_string(),
        )],
        _ => vec![],
    }
}

fn fstrings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::FString { text, .. } => out.push(text),
        Value::List(xs) | Value::Tuple(xs) | Value::Set(xs) => {
            xs.iter().for_each(|x| fstrings(x, out))
        }
        Value::Dict(kv) => kv.iter().for_each(|(_, x)| fstrings(x, out)),
        Value::Await(x) => fstrings(x, out),
        _ => {}
    }
}

fn fstring_hits(ix: &ModuleIndex, v: &Value, at: Span, scope: usize, hits: &mut Vec<Hit>) {
    let mut texts = vec![];
    fstrings(v, &mut texts);
    for text in texts {
        for (name, off) in query_secrets(text, &["{"]) {
            let field_start = off + name.len() + 3;
            let Some(close) = text[field_start..].find('}') else {
                continue;
            };
            let value = text[field_start..field_start + close].to_string();
            if value.trim().is_empty() {
                continue;
            }
            // Locate the f-string in the source to remove the parameter in the fix.
            let src = &ix.source[at.start_byte..at.end_byte];
            let remove = src.find(text).map(|p| {
                let s = at.start_byte + p + off;
                let e = at.start_byte + p + field_start + close + 1;
                let next_amp = ix.source.as_bytes().get(e) == Some(&b'&');
                (s, e, next_amp && &text[off..off + 1] == "?")
            });
            hits.push(Hit {
                anchor: at,
                scope,
                name,
                value,
                remove,
                edits: vec![],
            });
        }
    }
}

impl Rule for Sec001 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        let mut hits: Vec<Hit> = vec![];
        for a in &ix.assignments {
            if let Some(v) = &a.value {
                fstring_hits(ix, v, a.span, a.scope, &mut hits);
            }
        }
        for r in &ix.returns {
            if let Some(v) = &r.value {
                fstring_hits(ix, v, r.span, r.scope, &mut hits);
            }
        }
        for c in &ix.calls {
            for arg in &c.args {
                fstring_hits(ix, &arg.value, arg.span, c.scope, &mut hits);
            }
            // params={"key": api_key} on an HTTP call.
            if !HTTP_CLIENT_METHODS.contains(&c.method.as_str()) {
                continue;
            }
            if let Some(Value::Dict(kv)) = c.keyword("params").map(|a| &a.value) {
                for (k, v) in kv {
                    if let Some(name) = k.as_str() {
                        if is_secret(name) && !v.is_constant() {
                            let value = match v {
                                Value::Name(n) | Value::Path(n) => n.clone(),
                                _ => "credential".into(),
                            };
                            let edits = params_edits(
                                ix,
                                &c.span,
                                name,
                                &value,
                                c.keyword("headers").is_some(),
                            );
                            hits.push(Hit {
                                anchor: c.span,
                                scope: c.scope,
                                name: name.to_string(),
                                value,
                                remove: None,
                                edits,
                            });
                        }
                    }
                }
            }
        }
        // "...?key=" + key and "...&key=%s" % key
        for b in &ix.binops {
            let Some(s) = b.left.as_str() else { continue };
            if b.right.is_constant() {
                continue;
            }
            let marker: &[&str] = match b.op.as_str() {
                "+" => &[""],
                "%" => &["%s", "%(", "%d"],
                _ => continue,
            };
            for (name, off) in query_secrets(s, marker) {
                if b.op == "+" && off + name.len() + 2 != s.len() {
                    continue;
                }
                let value = b.right.path().unwrap_or("credential").to_string();
                let edits = if b.op == "+" {
                    concat_edit(ix, &b.span, off, &name)
                } else {
                    vec![]
                };
                hits.push(Hit {
                    anchor: b.span,
                    scope: b.scope,
                    name,
                    value,
                    remove: None,
                    edits,
                });
            }
        }
        let mut seen = std::collections::HashSet::new();
        for h in hits {
            if !seen.insert((h.anchor.line, h.name.clone())) {
                continue;
            }
            let (from, to) = fix::statement_lines(ix, &h.anchor);
            let mut edits = vec![fix::insert_lines(
                ix,
                from,
                0,
                &[
                    "# send the credential in a header (pass headers=headers), not in the URL"
                        .into(),
                    header_for(&h.name, &h.value),
                ],
            )];
            edits.extend(h.edits);
            if let Some((s, e, fix_amp)) = h.remove {
                edits.push(Edit::replace(
                    s..e + usize::from(fix_amp),
                    if fix_amp { "?" } else { "" },
                ));
            }
            let after = fix::splice(ix, from, to, edits);
            cx.report(
                &META,
                h.anchor,
                h.scope,
                format!("credential `{}` is sent in the URL query string (`{}=`): it ends up in access logs, proxies and tracebacks", h.value, h.name),
            )
            .with_fix(fix::splice(ix, from, to, vec![]), after);
        }
    }
}
