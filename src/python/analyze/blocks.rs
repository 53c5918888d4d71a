//! Blocks and what encloses a point: the chain of blocks from a point out to its
//! scope's top level, the innermost loop, handler, `with` or `try` body around it,
//! the block an `if` body opens, loop headers, broad handlers.

use crate::python::known::exceptions::BROAD_EXCEPTIONS;
use crate::python::model::*;
use crate::python::ModuleIndex;

impl ModuleIndex {
    /// The chain of blocks from `block` outwards to its scope's top level.
    pub fn blocks_of(&self, block: Option<BlockId>) -> impl Iterator<Item = &Block> + '_ {
        let mut cur = block;
        std::iter::from_fn(move || {
            let b = &self.blocks[cur?];
            cur = b.parent;
            Some(b)
        })
    }

    pub fn inside(&self, block: Option<BlockId>, kind: BlockKind) -> bool {
        self.blocks_of(block).any(|b| b.kind == kind)
    }

    /// The innermost loop (index into `loops`) enclosing `block` in its scope.
    pub(crate) fn enclosing_loop(&self, block: Option<BlockId>) -> Option<usize> {
        self.blocks_of(block)
            .find(|b| b.kind == BlockKind::Loop)
            .map(|b| b.owner)
    }

    /// The innermost handler (index into `handlers`) enclosing `block` in its scope.
    pub(crate) fn enclosing_handler(&self, block: Option<BlockId>) -> Option<usize> {
        self.blocks_of(block)
            .find(|b| b.kind == BlockKind::Handler)
            .map(|b| b.owner)
    }

    /// Whether `span` (in `scope`) lies in the body of a `with` statement of that
    /// scope, returning the innermost such statements' indices.
    pub(crate) fn enclosing_withs(&self, block: Option<BlockId>) -> Vec<usize> {
        self.blocks_of(block)
            .filter(|b| b.kind == BlockKind::With)
            .map(|b| b.owner)
            .collect()
    }

    /// The innermost `try` (index into `tries`) whose *body* encloses `block`.
    pub(crate) fn enclosing_try_bodies(&self, block: Option<BlockId>) -> Vec<usize> {
        self.blocks_of(block)
            .filter(|b| b.kind == BlockKind::TryBody)
            .map(|b| b.owner)
            .collect()
    }

    /// The block opened by the body of `ifs[if_id]`.
    pub(crate) fn if_body_block(&self, if_id: usize) -> Option<BlockId> {
        self.blocks
            .iter()
            .position(|b| b.kind == BlockKind::If && b.owner == if_id)
    }

    /// The `while` condition / `for` header of a loop: from the keyword to the body.
    pub(crate) fn loop_header(&self, l: &Loop) -> Span {
        Span {
            end_byte: l.body.start_byte.max(l.span.start_byte),
            end_line: l.body.line,
            end_column: l.body.column,
            ..l.span
        }
    }

    /// Whether the handler catches everything: bare `except:`, `Exception`,
    /// `BaseException`.
    pub(crate) fn is_broad_handler(&self, h: &Handler) -> bool {
        h.is_bare()
            || h.types_qualified
                .iter()
                .any(|t| BROAD_EXCEPTIONS.contains(&t.as_str()))
    }
}
