fn main() {
    std::process::exit(auditbench::cli::run());
}
