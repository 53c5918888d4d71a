//! The detector RESIL001 (retry without jitter) and GOOD004 (retry with jitter)
//! share: sleeps whose delay grows exponentially, with what the delay is made of.

use crate::python::DelayProfile;
use crate::python::{Arg, BlockKind, Call, ModuleIndex};

/// A `sleep` call with an exponentially growing delay.
pub(crate) struct ExponentialSleep<'a> {
    pub(crate) call: &'a Call,
    /// The delay argument.
    pub(crate) delay: &'a Arg,
    pub(crate) profile: DelayProfile,
}

/// Sleeps whose delay grows exponentially, in call order. `in_retry_only`: only
/// sleeps inside a loop or an `except` handler (RESIL001 needs that context to
/// call it a retry; a strength does not: an exponential delay with jitter in a
/// `_backoff()` helper is the pattern itself).
pub(crate) fn exponential_sleeps(
    ix: &ModuleIndex,
    in_retry_only: bool,
) -> Vec<ExponentialSleep<'_>> {
    let mut out = vec![];
    for c in &ix.calls {
        if !ix.is_sleep(c) {
            continue;
        }
        let in_retry = ix
            .blocks_of(c.block)
            .any(|b| b.kind == BlockKind::Loop || b.kind == BlockKind::Handler);
        if in_retry_only && !in_retry {
            continue;
        }
        let Some(delay) = c
            .positional(0)
            .or_else(|| c.keyword("delay"))
            .or_else(|| c.keyword("seconds"))
        else {
            continue;
        };
        let profile = ix.delay_profile(c.scope, delay.span);
        if profile.exponential {
            out.push(ExponentialSleep {
                call: c,
                delay,
                profile,
            });
        }
    }
    out
}
