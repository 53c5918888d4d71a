#![no_main]
//! See fuzz/harness.rs: the checks are shared with `cargo test --test fuzz_replay`.

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::config(data));
