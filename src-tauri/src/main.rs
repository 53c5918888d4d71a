// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    auditbench::heap::keep_freed_heap();
    auditbench_desktop::run();
}
