/// mimalloc for Rust's allocations: the index builds and drops many small
/// vectors and strings per file, and glibc's free lists (`malloc_consolidate`,
/// `unlink_chunk`) were about a tenth of a scan's profile; with mimalloc a cold
/// scan is 5 % faster on one thread and 6 % on two, for about 40 MB more peak
/// memory (docs/performance.md). tree-sitter's own C
/// allocations stay on glibc: routed through mimalloc too (`ts_set_allocator`),
/// the parse got 5 % faster but the scan 7 % slower, measured on the perf corpus.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    auditbench::heap::keep_freed_heap();
    std::process::exit(auditbench::cli::run());
}
