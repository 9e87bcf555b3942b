//! `hoso hash FILE...`: SHA-256 digests printed exactly as coreutils
//! `sha256sum` prints them (`<hex>  <name>`, names with a backslash, newline
//! or carriage return escaped and the line prefixed with `\`; `-` or no file
//! is standard input), or as a JSON array with `--json`. A file that cannot
//! be read is reported on stderr and the others are still hashed; the exit
//! status is then 1, as with `sha256sum`. `--progress` reports to stderr.

use crate::{Context, Failure};
use clap::Args;
use hoso_core::attachment::hash::{sha256_file, sha256_reader, Digest, Flow, HashError};
use std::ffi::{OsStr, OsString};
use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::time::{Duration, Instant};

#[derive(Args)]
pub struct HashArgs {
    /// Report progress on stderr.
    #[arg(long)]
    progress: bool,
    /// Files to hash; `-` or none reads standard input.
    #[arg(value_name = "FILE")]
    files: Vec<OsString>,
}

/// One file's digest, as `--json` prints it.
#[derive(serde::Serialize)]
struct Hashed {
    file: String,
    sha256: Digest,
    bytes: u64,
}

pub fn run(ctx: &Context, args: HashArgs) -> Result<(), Failure> {
    let mut files = args.files;
    if files.is_empty() {
        files.push(OsString::from("-"));
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut hashed = Vec::new();
    let mut failed = 0usize;
    for name in &files {
        let mut report = Progress::new(args.progress, name);
        let result = if name == "-" {
            sha256_reader(io::stdin().lock(), None, |d, t| report.update(d, t))
        } else {
            sha256_file(Path::new(name), |d, t| report.update(d, t))
        };
        report.finish();
        match result {
            Ok((digest, bytes)) => {
                if ctx.json {
                    hashed.push(Hashed {
                        file: name.to_string_lossy().into_owned(),
                        sha256: digest,
                        bytes,
                    });
                } else {
                    out.write_all(&sha256sum_line(&digest, name))?;
                    out.flush()?;
                }
            }
            Err(e) => {
                failed += 1;
                report_error(name, &e);
            }
        }
    }
    if ctx.json {
        let json = serde_json::to_string(&hashed).map_err(io::Error::other)?;
        writeln!(out, "{json}")?;
    }
    out.flush()?;
    if failed > 0 {
        // Like sha256sum: the errors are already on stderr, one per file,
        // and stdout holds every digest that could be computed; only the
        // exit status is left to say that something failed.
        drop(out);
        std::process::exit(1);
    }
    Ok(())
}

/// `<hex>  <name>\n` byte for byte as `sha256sum` writes it: a name holding
/// `\`, `\n` or `\r` has them escaped (`\\`, `\n`, `\r`) and the line starts
/// with `\`. Names are written as their raw bytes.
pub fn sha256sum_line(digest: &Digest, name: &OsStr) -> Vec<u8> {
    let raw = os_bytes(name);
    let escape = raw.iter().any(|b| matches!(b, b'\\' | b'\n' | b'\r'));
    let mut line = Vec::with_capacity(raw.len() + 68);
    if escape {
        line.push(b'\\');
    }
    line.extend_from_slice(digest.to_hex().as_bytes());
    line.extend_from_slice(b"  ");
    for &b in raw.iter() {
        match b {
            b'\\' => line.extend_from_slice(b"\\\\"),
            b'\n' => line.extend_from_slice(b"\\n"),
            b'\r' => line.extend_from_slice(b"\\r"),
            _ => line.push(b),
        }
    }
    line.push(b'\n');
    line
}

#[cfg(unix)]
fn os_bytes(name: &OsStr) -> std::borrow::Cow<'_, [u8]> {
    use std::os::unix::ffi::OsStrExt;
    std::borrow::Cow::Borrowed(name.as_bytes())
}

#[cfg(not(unix))]
fn os_bytes(name: &OsStr) -> std::borrow::Cow<'_, [u8]> {
    match name.to_string_lossy() {
        std::borrow::Cow::Borrowed(s) => std::borrow::Cow::Borrowed(s.as_bytes()),
        std::borrow::Cow::Owned(s) => std::borrow::Cow::Owned(s.into_bytes()),
    }
}

fn report_error(name: &OsStr, e: &HashError) {
    let what = if name == "-" {
        // A stream has no path in the error; name it as sha256sum does.
        format!("-: {e}")
    } else {
        e.to_string()
    };
    eprintln!("hoso: lỗi / error [{}]: {what}", e.code());
}

/// Progress on stderr: a line rewritten in place on a terminal (at most ten
/// times a second), otherwise a line per tenth of the file (or per 30 s when
/// the size is unknown).
struct Progress<'a> {
    on: bool,
    tty: bool,
    name: &'a OsStr,
    started: Instant,
    last: Option<Instant>,
    last_tenth: u64,
    shown: bool,
}

impl<'a> Progress<'a> {
    fn new(on: bool, name: &'a OsStr) -> Progress<'a> {
        Progress {
            on,
            tty: io::stderr().is_terminal(),
            name,
            started: Instant::now(),
            last: None,
            last_tenth: 0,
            shown: false,
        }
    }

    fn update(&mut self, done: u64, total: Option<u64>) -> Flow {
        if !self.on {
            return Flow::Continue;
        }
        let now = Instant::now();
        let due = if self.tty {
            self.last
                .is_none_or(|t| now.duration_since(t) >= Duration::from_millis(100))
                || Some(done) == total
        } else {
            match total {
                Some(t) if t > 0 => {
                    let tenth = done.saturating_mul(10) / t;
                    let due = done > 0 && tenth > self.last_tenth;
                    if due {
                        self.last_tenth = tenth;
                    }
                    due
                }
                Some(_) => false,
                None => self
                    .last
                    .is_none_or(|t| now.duration_since(t) >= Duration::from_secs(30)),
            }
        };
        if due {
            self.last = Some(now);
            self.show(done, total, now);
        }
        Flow::Continue
    }

    fn show(&mut self, done: u64, total: Option<u64>, now: Instant) {
        let secs = now.duration_since(self.started).as_secs_f64();
        let rate = if secs > 0.0 {
            format!(", {}/s", human(done as f64 / secs))
        } else {
            String::new()
        };
        let amount = match total {
            Some(t) if t > 0 => format!(
                "{:>3}% ({} / {})",
                done.saturating_mul(100) / t,
                human(done as f64),
                human(t as f64)
            ),
            _ => human(done as f64),
        };
        let name = self.name.to_string_lossy();
        let mut err = io::stderr().lock();
        // Progress is best effort: a closed stderr must not stop hashing.
        let _ = if self.tty {
            write!(err, "\r\x1b[2K{name}: {amount}{rate}")
        } else {
            writeln!(err, "{name}: {amount}{rate}")
        };
        self.shown = true;
    }

    fn finish(&mut self) {
        if self.on && self.tty && self.shown {
            let _ = writeln!(io::stderr());
        }
    }
}

fn human(bytes: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = bytes;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{v:.0} {}", UNITS[unit])
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_match_sha256sum_escaping() {
        let d = Digest::of(b"");
        let hex = d.to_hex();
        let line = |name: &str| String::from_utf8(sha256sum_line(&d, OsStr::new(name))).unwrap();
        assert_eq!(line("a b.pdf"), format!("{hex}  a b.pdf\n"));
        assert_eq!(line("-"), format!("{hex}  -\n"));
        assert_eq!(line("a\\b"), format!("\\{hex}  a\\\\b\n"));
        assert_eq!(line("new\nline"), format!("\\{hex}  new\\nline\n"));
        assert_eq!(line("cr\rx"), format!("\\{hex}  cr\\rx\n"));
        assert_eq!(line("tab\there"), format!("{hex}  tab\there\n"));
        assert_eq!(human(512.0), "512 B");
        assert_eq!(human(1536.0), "1.5 KiB");
    }
}
