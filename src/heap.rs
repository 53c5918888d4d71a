//! glibc's heap, where SQLite and tree-sitter allocate (Rust's own allocations
//! go to mimalloc in the CLI).

/// Keeps up to 8 MB of freed memory at the top of glibc's heap instead of
/// giving it back to the kernel at once. SQLite's page cache allocates and frees
/// pages all through a scan into the database; with glibc's default (trim
/// above 128 KB), the heap shrank and grew again thousands of times: an
/// unchanged re-scan of the 2.5 M-line perf corpus took 130 000 page faults and
/// 0.61-0.71 s, against 1 200 page faults and 0.25-0.27 s with this setting,
/// for the same peak memory (a 32 MB threshold cost up to 30 MB more; figures
/// in docs/performance.md). Call it first thing in `main`, before other
/// threads start: `mallopt` is process-wide.
pub fn keep_freed_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes a tuning parameter of glibc's allocator; it is
    // called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 8 << 20);
    }
}
