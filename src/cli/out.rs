//! Standard output for the commands: a reader that went away (`auditbench scan
//! . | head -1`) is a normal end of the output, not an error. Rust ignores
//! SIGPIPE, so `print!` would panic on it (exit 101) and `writeln!` return an
//! error (exit 2); either way the scan would not be recorded.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `text` to standard output; once the reader has closed the pipe,
/// further output is dropped quietly.
pub fn print(text: &str) -> io::Result<()> {
    write_quietly(&mut io::stdout().lock(), text)
}

/// [`print`] of text that may hold ANSI styles: through `anstream`, which
/// strips them unless standard output is a terminal that wants colour
/// (`NO_COLOR`, `CLICOLOR`, `CLICOLOR_FORCE` honoured).
pub fn print_styled(text: &str) -> io::Result<()> {
    write_quietly(&mut anstream::stdout().lock(), text)
}

fn write_quietly(out: &mut impl Write, text: &str) -> io::Result<()> {
    if CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        r => r,
    }
}

/// Whether `e` is (caused by) a closed standard output.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}
