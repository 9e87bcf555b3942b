//! The admin token ([ADR 0010](../../docs/adr/0010-portal-abuse.md)): what
//! a good one is, where it comes from, and the lockout of clients that
//! guess.
//!
//! Rule: 32 to 512 printable ASCII characters, no spaces, at least 8
//! different ones. 32 characters are 128 bits as hex and 192 as base64url,
//! so a token made the documented way (`openssl rand -hex 32`, or the one
//! the portal generates: 32 random bytes as 43 base64url characters) passes;
//! a short or repetitive one is refused at start. The rule cannot measure
//! randomness; it refuses what is certainly weak.
//!
//! The token is read from a file or the environment only, never the
//! command line (readable by every local user in `/proc/PID/cmdline`).
//! Without either, the portal reuses or writes `DATA/admin.token` (0600).
//!
//! Wrong tokens count per client network ([`crate::throttle`]): after
//! `admin_free_failures`, a lockout of 1 s doubled per further failure, at
//! most an hour; a missing token is not a guess and does not count.

use crate::throttle::{network, Policy, Throttle};
use std::io::Read;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// The shortest admin token accepted, in characters.
pub const MIN_CHARS: usize = 32;
/// The longest.
pub const MAX_CHARS: usize = 512;
/// Different characters a token has at least.
pub const MIN_DISTINCT: usize = 8;
/// The generated token's file in the data directory.
pub const FILE_NAME: &str = "admin.token";
/// The environment variable the token may come from.
pub const ENV: &str = "HOSO_PORTAL_ADMIN_TOKEN";
/// The longest admin lockout, seconds.
pub const MAX_LOCKOUT: i64 = 3600;

/// Why an admin token cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum AdminTokenError {
    #[error(
        "mã quản trị phải dài {MIN_CHARS}–{MAX_CHARS} ký tự ASCII in được, không có khoảng trắng, ít nhất {MIN_DISTINCT} ký tự khác nhau (có {chars} ký tự) / the admin token must be {MIN_CHARS}–{MAX_CHARS} printable ASCII characters, no spaces, at least {MIN_DISTINCT} different ones (it has {chars} characters)"
    )]
    Weak { chars: usize },
    #[error(
        "không đọc được tệp mã quản trị {path} / cannot read the admin token file {path}: {source}"
    )]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} không phải tệp thường / {path} is not a regular file")]
    NotAFile { path: PathBuf },
    #[error("không ghi được tệp mã quản trị {path} / cannot write the admin token file {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("nguồn ngẫu nhiên của hệ thống lỗi / the system random source failed")]
    Random,
}

/// Checks `token` against the rule.
pub fn check(token: &str) -> Result<(), AdminTokenError> {
    let chars = token.chars().count();
    let printable = token.bytes().all(|b| b.is_ascii_graphic());
    let mut distinct: Vec<u8> = token.bytes().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if printable && (MIN_CHARS..=MAX_CHARS).contains(&chars) && distinct.len() >= MIN_DISTINCT {
        Ok(())
    } else {
        Err(AdminTokenError::Weak { chars })
    }
}

/// Reads a token from `path`: a regular file of at most 4 KiB, its first
/// line, surrounding whitespace trimmed; checked against the rule.
pub fn read(path: &Path) -> Result<String, AdminTokenError> {
    let read_error = |source| AdminTokenError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    if !file.metadata().map_err(read_error)?.is_file() {
        return Err(AdminTokenError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    let mut text = String::new();
    file.take(4096)
        .read_to_string(&mut text)
        .map_err(read_error)?;
    let token = text.lines().next().unwrap_or("").trim().to_string();
    check(&token)?;
    Ok(token)
}

/// A new token: 32 random bytes, base64url (43 characters).
pub fn generate() -> Result<String, AdminTokenError> {
    use base64::Engine;
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 32];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| AdminTokenError::Random)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// The token in `data_dir`'s token file, made (0600) if there is none.
/// Answers the token, the file, and whether it was made now.
pub fn in_data_dir(data_dir: &Path) -> Result<(String, PathBuf, bool), AdminTokenError> {
    let path = data_dir.join(FILE_NAME);
    if path.exists() {
        return Ok((read(&path)?, path, false));
    }
    let token = generate()?;
    let write_error = |source| AdminTokenError::Write {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(data_dir).map_err(write_error)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).map_err(write_error)?;
    std::io::Write::write_all(&mut file, format!("{token}\n").as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(write_error)?;
    Ok((token, path, true))
}

/// Wrong admin tokens per client network.
pub struct AdminGuard {
    failures: Throttle<IpAddr>,
}

impl AdminGuard {
    pub fn new(free: u32) -> AdminGuard {
        AdminGuard {
            failures: Throttle::new(Policy {
                free,
                base: 1,
                cap: MAX_LOCKOUT,
                forget: 24 * 3600,
                max_entries: 100_000,
            }),
        }
    }

    /// Seconds `ip`'s network is still locked out for.
    pub fn blocked(&self, ip: IpAddr, now: i64) -> Option<u64> {
        self.failures.blocked(&network(ip), now)
    }

    pub fn fail(&self, ip: IpAddr, now: i64) {
        self.failures.fail(network(ip), now);
    }

    pub fn succeed(&self, ip: IpAddr) {
        self.failures.clear(&network(ip));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule() {
        assert!(check("T").is_err());
        assert!(check(&"a".repeat(64)).is_err());
        assert!(check("0123456789abcdef0123456789abcde").is_err()); // 31
        assert!(check("0123456789abcdef0123456789abcdef").is_ok()); // 32 hex
        assert!(check("0123456789abcdef 0123456789abcdef").is_err());
        assert!(check(&"0123456789".repeat(52)).is_err()); // 520
        assert!(check(&generate().unwrap()).is_ok());
        assert_eq!(generate().unwrap().len(), 43);
    }

    #[test]
    fn made_once_0600_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let (token, path, made) = in_data_dir(dir.path()).unwrap();
        assert!(made);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let (again, _, made) = in_data_dir(dir.path()).unwrap();
        assert_eq!((again, made), (token, false));
        // A weak token in a file is refused; a directory is not a file.
        std::fs::write(dir.path().join("weak"), "T\n").unwrap();
        assert!(matches!(
            read(&dir.path().join("weak")),
            Err(AdminTokenError::Weak { chars: 1 })
        ));
        assert!(matches!(
            read(dir.path()),
            Err(AdminTokenError::NotAFile { .. }) | Err(AdminTokenError::Read { .. })
        ));
    }

    #[test]
    fn guessers_are_locked_out_by_network() {
        let g = AdminGuard::new(2);
        let ip = IpAddr::from([192, 0, 2, 1]);
        g.fail(ip, 0);
        g.fail(ip, 0);
        assert_eq!(g.blocked(ip, 0), None);
        g.fail(ip, 0);
        assert_eq!(g.blocked(ip, 0), Some(1));
        assert_eq!(g.blocked(IpAddr::from([192, 0, 2, 2]), 0), None);
        g.succeed(ip);
        assert_eq!(g.blocked(ip, 0), None);
    }
}
