//! MEM004 high-cardinality-metric-label.
use super::fix::lines_with;
use crate::finding::{Kind, Severity};
use crate::python::known::metrics::METRIC_TYPES;
use crate::python::{ScopeKind, Target, Value};
use crate::rules::fix::Edit;
use crate::rules::{Checker, Rule, RuleMeta};

pub const DOC: &str = r#"## What it does
Flags a `prometheus_client` `Counter`, `Gauge`, `Histogram` or `Summary` whose label
names include a per-entity identifier: `user_id`, `session_id`, `request_id`,
`trace_id`, `span_id`, `email`, `ip`, `token`, `username`, or an `*_id` of an
unbounded entity (`order_id`, `customer_id`, `job_id`, `conversation_id`, ...).
Label names are read from the `labelnames=` argument (or the third positional
argument), also through a module-level tuple/list constant.

Seed: 000 MEDIUM-004 (metrics cardinality).

## Why is this bad?
`prometheus_client` keeps one child time series per distinct combination of label
values, in memory, forever (until `remove()`/`clear()`). A label that takes one value
per user or request creates a new series for every user or request: the process's
memory grows without bound, `/metrics` responses grow with it, and the Prometheus
server suffers the same cardinality explosion.

## Example
```python
REQUESTS = Counter("tutor_requests_total", "Requests", ["endpoint", "session_id"])
```

## Use instead
```python
# per-entity ids go to logs and traces (or exemplars), not to labels
REQUESTS = Counter("tutor_requests_total", "Requests", ["endpoint"])
```

## Stays silent on
Bounded labels: `method`, `route`, `endpoint`, `status`, `status_code`, `code`,
`provider`, `model`, `tenant_id`/`region_id`-style ids of small fixed sets, and
metrics without labels. Label names computed at runtime are not checked.
"#;

pub static META: RuleMeta = RuleMeta {
    id: "MEM004",
    name: "high-cardinality-metric-label",
    kind: Kind::Finding,
    severity: Severity::Medium,
    summary: "a Prometheus metric labelled with per-entity ids (user_id, session_id, ...)",
    category: "memory",
    doc: DOC,
    effort_hours: 1.0,
};

/// Labels that take one value per entity.
const ENTITY_LABELS: &[&str] = &[
    "user",
    "username",
    "user_name",
    "email",
    "user_email",
    "ip",
    "ip_address",
    "client_ip",
    "remote_addr",
    "remote_ip",
    "token",
    "access_token",
    "api_key",
    "uuid",
    "guid",
];

/// Entities with unbounded populations: `<entity>_id` / `<entity>id` labels.
const UNBOUNDED_ENTITIES: &[&str] = &[
    "user",
    "session",
    "request",
    "trace",
    "span",
    "correlation",
    "message",
    "msg",
    "order",
    "transaction",
    "txn",
    "customer",
    "account",
    "device",
    "job",
    "task",
    "conversation",
    "chat",
    "document",
    "doc",
    "file",
    "event",
    "invoice",
    "payment",
    "cart",
    "visitor",
    "student",
    "member",
    "player",
    "ticket",
    "item",
    "product",
    "post",
    "comment",
    "query",
    "run",
    "execution",
    "connection",
    "call",
];

/// Whether a label name takes one value per entity.
pub fn high_cardinality(label: &str) -> bool {
    let l = label.to_ascii_lowercase();
    if ENTITY_LABELS.contains(&l.as_str()) {
        return true;
    }
    let stem = l
        .strip_suffix("_id")
        .or_else(|| l.strip_suffix("_uuid"))
        .or_else(|| l.strip_suffix("id"))
        .unwrap_or("");
    let stem = stem.trim_end_matches('_');
    let last = stem.rsplit('_').next().unwrap_or(stem);
    !stem.is_empty() && UNBOUNDED_ENTITIES.contains(&last)
}

pub struct Mem004;

impl Rule for Mem004 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Checker) {
        let ix = cx.ix;
        if !ix.imports_any(&["prometheus_client"]) {
            return;
        }
        for call in &ix.calls {
            let Some(q) = call.qualified.as_deref() else {
                continue;
            };
            let Some(ty) = q.rsplit_once('.').map(|(m, t)| (m, t)).filter(|(m, t)| {
                (*m == "prometheus_client" || *m == "prometheus_client.metrics")
                    && METRIC_TYPES.contains(t)
            }) else {
                continue;
            };
            let Some(arg) = call.keyword("labelnames").or_else(|| call.positional(2)) else {
                continue;
            };
            // Literal labels, or a module-level constant holding them.
            let items = match &arg.value {
                Value::List(items) | Value::Tuple(items) => Some(items.clone()),
                Value::Name(n) => ix
                    .assignments
                    .iter()
                    .filter(|a| ix.scopes[a.scope].kind == ScopeKind::Module)
                    .filter(|a| a.targets == vec![Target::Name(n.clone())])
                    .find_map(|a| match &a.value {
                        Some(Value::List(items) | Value::Tuple(items)) => Some(items.clone()),
                        _ => None,
                    }),
                _ => None,
            };
            let Some(items) = items else { continue };
            let labels: Vec<String> = items
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect();
            if labels.len() != items.len() {
                continue;
            }
            let bad: Vec<&String> = labels.iter().filter(|l| high_cardinality(l)).collect();
            if bad.is_empty() {
                continue;
            }
            let keep: Vec<String> = labels
                .iter()
                .filter(|l| !high_cardinality(l))
                .map(|l| format!("\"{l}\""))
                .collect();
            let new_labels = format!("[{}]", keep.join(", "));
            let new_arg = match &arg.keyword {
                Some(k) => format!("{k}={new_labels}"),
                None => new_labels,
            };
            let stmt = ix
                .statement_at(&call.span)
                .map(|s| s.span)
                .unwrap_or(call.span);
            let before = lines_with(ix, stmt.line, stmt.end_line, vec![]);
            let after = format!(
                "# per-entity ids ({}) go to logs and traces (or exemplars), not to labels\n{}",
                bad.iter()
                    .map(|b| b.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                lines_with(
                    ix,
                    stmt.line,
                    stmt.end_line,
                    vec![Edit::replace(
                        arg.span.start_byte..arg.span.end_byte,
                        new_arg
                    )]
                )
            );
            let metric_name = ix
                .assignments
                .iter()
                .find(|a| {
                    a.value
                        == Some(Value::Call(
                            ix.calls
                                .iter()
                                .position(|c| std::ptr::eq(c, call))
                                .unwrap_or(usize::MAX),
                        ))
                })
                .and_then(|a| match a.targets.first() {
                    Some(Target::Name(n) | Target::Attr(n)) => Some(n.clone()),
                    _ => None,
                });
            let d = cx.report(
                &META,
                call.span,
                call.scope,
                format!(
                    "Prometheus {} {}has per-entity label{} {}: one time series per value is kept in memory forever",
                    ty.1,
                    metric_name
                        .as_deref()
                        .map(|n| format!("`{n}` "))
                        .unwrap_or_default(),
                    if bad.len() > 1 { "s" } else { "" },
                    bad.iter()
                        .map(|b| format!("`{b}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            d.with_fix(before, after);
            if let Some(n) = metric_name {
                for c in ix
                    .calls
                    .iter()
                    .filter(|c| c.method == "labels" && c.receiver_path() == Some(n.as_str()))
                {
                    d.with_related(
                        c.span,
                        format!("`{n}.labels(...)` creates a series per value"),
                    );
                }
            }
        }
    }
}
