//! Test frameworks: the context managers a test expects an exception in.

/// `unittest` methods whose `with` block is expected to raise
/// (`with self.assertRaises(...)`).
pub(crate) const EXPECTED_RAISE_METHODS: &[&str] = &["assertRaises", "assertRaisesRegex"];

/// Functions whose `with` block is expected to raise (`with pytest.raises(...)`).
pub(crate) const EXPECTED_RAISE_FUNCTIONS: &[&str] = &["pytest.raises"];
