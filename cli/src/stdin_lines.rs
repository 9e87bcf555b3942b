//! Commands that read one input a line from standard input (`-`): every
//! line read bounded like any text input, answered, and flushed before the
//! next is read, so a pipe sees each answer as soon as it is ready.

use crate::Failure;
use std::io::Write;

/// Runs `answer` on each line of standard input, writing to standard
/// output.
pub fn each_line(
    mut answer: impl FnMut(&mut dyn Write, &str) -> std::io::Result<()>,
) -> Result<(), Failure> {
    let mut input = std::io::stdin().lock();
    let mut out = std::io::stdout().lock();
    let mut line = Vec::new();
    while hoso_core::limits::read_line_into(
        &mut input,
        hoso_core::limits::TEXT_LINE_BYTES,
        hoso_core::limits::TEXT_LINE,
        &mut line,
    )? {
        let text = String::from_utf8_lossy(&line).into_owned();
        answer(&mut out, &text)?;
        out.flush()?;
    }
    Ok(())
}
