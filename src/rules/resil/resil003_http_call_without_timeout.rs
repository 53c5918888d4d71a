//! RESIL003 http-call-without-timeout.
use crate::finding::{Applicability, Kind, Severity};
use crate::python::known::http::REQUESTS_HTTP_FUNCTIONS;
use crate::rules::fix;
use crate::rules::{Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags `requests.get/post/put/patch/delete/head/options/request` and
`urllib.request.urlopen` calls (resolved through imports) that pass no `timeout`.

## Why is this bad?
Neither `requests` nor `urllib` has a default timeout: a peer that accepts the
connection and never answers holds the worker thread and its connection forever.
A handful of such requests exhausts a thread pool. `httpx` is not reported: it
applies a 5-second default timeout.

## Example
```python
resp = requests.get(url, params={"q": query})
```

## Use instead
```python
resp = requests.get(url, params={"q": query}, timeout=10)
```

## Limitations
Calls on `requests.Session` objects (`self.session.get(url)`) are not tracked, and
calls that forward `**kwargs` are assumed to pass a timeout.
"#;

pub static META: RuleMeta = RuleMeta {
    id: "RESIL003",
    name: "http-call-without-timeout",
    kind: Kind::Finding,
    severity: Severity::Medium,
    summary: "requests/urllib HTTP call with no timeout",
    category: "resilience",
    doc: DOC,
    effort_hours: 0.25,
};

pub struct Resil003;

impl Rule for Resil003 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        for c in &ix.calls {
            let Some(q) = c.qualified.as_deref() else {
                continue;
            };
            let (is_http, timeout_pos) = if let Some(m) = q
                .strip_prefix("requests.api.")
                .or_else(|| q.strip_prefix("requests."))
            {
                (REQUESTS_HTTP_FUNCTIONS.contains(&m), usize::MAX)
            } else if q == "urllib.request.urlopen" || q == "urllib2.urlopen" {
                (true, 2)
            } else {
                (false, 0)
            };
            if !is_http
                || c.keyword("timeout").is_some()
                || c.has_star_kwargs()
                || c.positional(timeout_pos).is_some()
            {
                continue;
            }
            // Inside `with self.assertRaises(InvalidURL):`: rejected before any
            // connection is made.
            if ix.in_expected_raise(c.block) {
                continue;
            }
            let (from, to) = fix::statement_lines(ix, &c.span);
            let edit = fix::insert_keyword(ix, &c.span, "timeout=10");
            cx.report(
                &META,
                c.span,
                c.scope,
                format!(
                    "`{}` has no timeout: a peer that never answers blocks this worker forever",
                    c.callee.as_deref().unwrap_or(q)
                ),
            )
            .with_spliced_fix(ix, (from, to), vec![edit], Applicability::Safe);
        }
    }
}
