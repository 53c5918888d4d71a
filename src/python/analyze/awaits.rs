//! The event loop: whether a scope runs on it (`async def`), and the points where
//! a coroutine may yield to it (`await`, `async with`, `async for`) in a region.

use crate::python::model::*;
use crate::python::ModuleIndex;

impl ModuleIndex {
    /// Whether code in `scope` runs directly on the event loop: the scope is an
    /// `async def` (a nested sync `def` or a `lambda` inside it is not).
    pub(crate) fn is_async_scope(&self, scope: ScopeId) -> bool {
        let s = &self.scopes[scope];
        s.kind == ScopeKind::Function && s.is_async
    }

    /// Await points of `scope` (not of nested scopes) inside `span`.
    pub(crate) fn awaits_in<'a>(
        &'a self,
        scope: ScopeId,
        span: Span,
    ) -> impl Iterator<Item = &'a Await> + 'a {
        self.awaits
            .iter()
            .filter(move |a| a.scope == scope && span.contains(&a.span))
    }
}
