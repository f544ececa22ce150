//! The terminal: every line certreport prints goes through [`outln!`](crate::outln) (standard
//! output) or [`errln!`](crate::errln) (standard error).
//!
//! Whatever a line carries from a record, a file name or a scheme is shown, never obeyed:
//! control and bidirectional characters print as `<U+XXXX>` (newlines and tabs stay), so no
//! record moves the cursor, sets the window title or reverses a line. A reader that went away
//! (`certreport check … | head -1`) stops nothing: the lines are dropped and the work goes on.
//! Any other failure to write is remembered, and `main` turns it into its exit code
//! ([`write_failed`]).

use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::base::diagnostic::escape_controls_in_lines;

static FAILED: AtomicBool = AtomicBool::new(false);

/// The two streams.
#[derive(Clone, Copy, Debug)]
pub enum Stream {
    Out,
    Err,
}

/// Writes one line, escaped, to a stream. Used by [`outln!`](crate::outln) and
/// [`errln!`](crate::errln).
pub fn line(stream: Stream, args: fmt::Arguments) {
    let text = args.to_string();
    let text = escape_controls_in_lines(&text);
    let written = match stream {
        Stream::Out => writeln!(io::stdout().lock(), "{text}"),
        Stream::Err => writeln!(io::stderr().lock(), "{text}"),
    };
    if let Err(error) = written
        && error.kind() != io::ErrorKind::BrokenPipe
    {
        FAILED.store(true, Ordering::Relaxed);
    }
}

/// Whether some line could not be written (other than to a reader that went away).
pub fn write_failed() -> bool {
    FAILED.load(Ordering::Relaxed)
}

/// `println!`, escaped, never panicking.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => { $crate::app::terminal::line($crate::app::terminal::Stream::Out, format_args!($($arg)*)) };
}

/// `eprintln!`, escaped, never panicking.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => { $crate::app::terminal::line($crate::app::terminal::Stream::Err, format_args!($($arg)*)) };
}
