//! The bank table: Vietnam's banks by their NAPAS BIN, with a short and a
//! full name (`data/banks.tsv`, written by `data/generate.py` from a
//! pinned public package; its source, date and licence are in
//! `data/README.md`). Compiled in, read on first use, bounded and checked
//! (header, three fields a row, 6-digit BINs strictly ascending, names of
//! sane length without control characters); the tests hold the bundled
//! table to that. A BIN the table does not know is no error: banks are
//! added.

use crate::charset::is_hidden;
use std::fmt;
use std::sync::OnceLock;

/// The bundled table.
const BUNDLED: &str = include_str!("../data/banks.tsv");

const HEADER: &str = "bin\tshort_name\tname";
/// Bounds on a table: its size, its rows, each name.
const MAX_TABLE_BYTES: usize = 64 * 1024;
const MAX_BANKS: usize = 1_000;
const SHORT_NAME_CHARS: usize = 40;
const NAME_CHARS: usize = 120;

/// A bank (or a wallet VietQR lists) and its NAPAS BIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Bank {
    bin: &'static str,
    short_name: &'static str,
    name: &'static str,
}

impl Bank {
    /// The NAPAS BIN: 6 digits.
    pub fn bin(&self) -> &'static str {
        self.bin
    }

    /// The name payers know the bank by (`Vietcombank`, `BIDV`, `MB Bank`).
    pub fn short_name(&self) -> &'static str {
        self.short_name
    }

    /// The bank's full Vietnamese name.
    pub fn name(&self) -> &'static str {
        self.name
    }
}

/// The bank whose NAPAS BIN is `bin`, when the table knows it.
pub fn bank_by_bin(bin: &str) -> Option<&'static Bank> {
    let banks = bundled().as_ref().ok()?;
    let at = banks.binary_search_by(|bank| bank.bin.cmp(bin)).ok()?;
    banks.get(at)
}

/// The bundled table, read on first use; a refusal (which the tests rule
/// out for the table shipped) leaves every BIN unknown.
fn bundled() -> &'static Result<Vec<Bank>, TableError> {
    static TABLE: OnceLock<Result<Vec<Bank>, TableError>> = OnceLock::new();
    TABLE.get_or_init(|| read(BUNDLED))
}

/// Why a table was refused: the line (1-based; 0 for the whole table) and
/// what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TableError {
    line: usize,
    problem: &'static str,
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bank table, line {}: {}", self.line, self.problem)
    }
}

/// The banks of `text`, sorted by BIN, or the first thing wrong with it.
fn read(text: &'static str) -> Result<Vec<Bank>, TableError> {
    let refuse = |line, problem| Err(TableError { line, problem });
    if text.len() > MAX_TABLE_BYTES {
        return refuse(0, "larger than 64 KiB");
    }
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i.saturating_add(1), line))
        .skip_while(|(_, line)| line.starts_with('#'));
    match lines.next() {
        Some((_, HEADER)) => {}
        Some((n, _)) => return refuse(n, "not the header bin, short_name, name"),
        None => return refuse(0, "no header"),
    }
    let mut banks: Vec<Bank> = Vec::new();
    for (n, line) in lines {
        if banks.len() >= MAX_BANKS {
            return refuse(n, "more than 1,000 banks");
        }
        let mut fields = line.split('\t');
        let (Some(bin), Some(short_name), Some(name), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return refuse(n, "not three tab-separated fields");
        };
        if !(bin.len() == 6 && bin.bytes().all(|b| b.is_ascii_digit())) {
            return refuse(n, "the BIN is not 6 digits");
        }
        if banks.last().is_some_and(|last| last.bin >= bin) {
            return refuse(n, "BINs not in strictly ascending order (or one twice)");
        }
        if !is_name(short_name, SHORT_NAME_CHARS) || !is_name(name, NAME_CHARS) {
            return refuse(
                n,
                "a name empty, too long, padded or with control characters",
            );
        }
        banks.push(Bank {
            bin,
            short_name,
            name,
        });
    }
    if banks.is_empty() {
        return refuse(0, "no banks");
    }
    Ok(banks)
}

fn is_name(text: &str, max: usize) -> bool {
    !text.is_empty()
        && text.chars().count() <= max
        && text.trim() == text
        && !text.chars().any(is_hidden)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_table_reads() {
        let banks = bundled().as_ref().map_err(ToString::to_string).unwrap();
        // data/generate.py's EXPECTED_BANKS for vietnam-qr-pay 1.5.1.
        assert_eq!(banks.len(), 58);
        let vcb = bank_by_bin("970436").unwrap();
        assert_eq!(vcb.short_name(), "Vietcombank");
        assert_eq!(vcb.name(), "Ngân hàng TMCP Ngoại Thương Việt Nam");
        assert_eq!(bank_by_bin("970418").unwrap().short_name(), "BIDV");
        // The BIN of NAPAS's own examples (Technical Specifications on
        // NAPAS QR Switching v1.5.2, 6.3).
        assert_eq!(bank_by_bin("970403").unwrap().short_name(), "Sacombank");
        // Every bank is found by its own BIN.
        for bank in banks {
            assert_eq!(bank_by_bin(bank.bin()), Some(bank));
        }
        assert_eq!(bank_by_bin("970468"), None);
        assert_eq!(bank_by_bin(""), None);
        assert_eq!(bank_by_bin("9704360"), None);
    }

    #[test]
    fn a_table_is_checked() {
        let ok = "# a comment\nbin\tshort_name\tname\n970403\tSacombank\tNgân hàng TMCP Sài Gòn Thương Tín\n970436\tVCB\tVietcombank\n";
        assert_eq!(read(ok).unwrap().len(), 2);
        let cases = [
            ("", 0),
            ("# only comments\n", 0),
            ("bin\tname\n", 1),
            ("bin\tshort_name\tname\n", 0),
            ("bin\tshort_name\tname\n970403\tA\n", 2),
            ("bin\tshort_name\tname\n970403\tA\tB\tC\n", 2),
            ("bin\tshort_name\tname\n97040\tA\tB\n", 2),
            ("bin\tshort_name\tname\n97040x\tA\tB\n", 2),
            ("bin\tshort_name\tname\n970436\tA\tB\n970403\tA\tB\n", 3),
            ("bin\tshort_name\tname\n970403\tA\tB\n970403\tA\tB\n", 3),
            ("bin\tshort_name\tname\n970403\t\tB\n", 2),
            ("bin\tshort_name\tname\n970403\t A\tB\n", 2),
            ("bin\tshort_name\tname\n970403\tA\tB\u{202E}\n", 2),
            (
                "bin\tshort_name\tname\n970403\tA\tB\r\n970404\tA\tB\r\r\n",
                3,
            ),
        ];
        for (text, line) in cases {
            let error = read(text).unwrap_err();
            assert_eq!(error.line, line, "{text:?}: {error}");
        }
        let long: &'static str = Box::leak(
            format!("bin\tshort_name\tname\n970403\t{}\tB\n", "A".repeat(41)).into_boxed_str(),
        );
        assert!(read(long).is_err());
        let many: &'static str = Box::leak(
            (0..1001)
                .fold(String::from("bin\tshort_name\tname\n"), |mut s, i| {
                    s.push_str(&format!("{:06}\tA\tB\n", 100_000 + i));
                    s
                })
                .into_boxed_str(),
        );
        assert_eq!(read(many).unwrap_err().problem, "more than 1,000 banks");
        let huge: &'static str = Box::leak("#".repeat(MAX_TABLE_BYTES + 1).into_boxed_str());
        assert_eq!(read(huge).unwrap_err().line, 0);
    }
}
