//! Test context: whether code runs where a test expects it to raise
//! (`with self.assertRaises(...)`, `with pytest.raises(...)`).

use crate::python::known::testing::{EXPECTED_RAISE_FUNCTIONS, EXPECTED_RAISE_METHODS};
use crate::python::model::BlockId;
use crate::python::ModuleIndex;

impl ModuleIndex {
    /// Whether `block` lies in the body of `with self.assertRaises(...)`,
    /// `with self.assertRaisesRegex(...)` or `with pytest.raises(...)`: the code
    /// there is expected to fail before it does its work (no task is started, no
    /// request is sent).
    pub(crate) fn in_expected_raise(&self, block: Option<BlockId>) -> bool {
        self.enclosing_withs(block).into_iter().any(|w| {
            self.withs[w].items.iter().any(|it| {
                self.call_value(&it.value).is_some_and(|c| {
                    EXPECTED_RAISE_METHODS.contains(&c.method.as_str())
                        || c.qualified
                            .as_deref()
                            .is_some_and(|q| EXPECTED_RAISE_FUNCTIONS.contains(&q))
                })
            })
        })
    }
}
