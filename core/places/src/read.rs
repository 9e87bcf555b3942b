//! Reading a table of administrative units from its bytes: gzip within
//! `limits::UNITS_TABLE_BYTES`, text within `limits::UNITS_TABLE_TEXT_BYTES`,
//! then every line checked (the format is in `docs/addresses.md`): the
//! header and its counts, each unit's code, kind and name, and every code a
//! unit names. The first fault refuses the whole table.

use crate::error::UnitsError;
use crate::kind::UnitKind;
use crate::limits::{self, LimitError};
use crate::table::{
    Commune, FormerCommune, FormerDistrict, FormerProvince, Province, Successor, Units,
};
use crate::text::shown_if_identifier;
use flate2::read::MultiGzDecoder;
use std::collections::{HashMap, HashSet};

/// The first line of every table of this format.
const MAGIC: &str = "hoso-units";
const FORMAT: &str = "1";

/// Bounds on a table's contents, far above Vietnam's (34, 3,321, 63, 696,
/// 10,035) so that a later reorganisation still fits, and far below what
/// could hurt a phone.
const MAX_PROVINCES: usize = 100;
const MAX_COMMUNES: usize = 20_000;
const MAX_DISTRICTS: usize = 2_000;
const MAX_SUCCESSORS: usize = 32;
const MAX_NAME_CHARS: usize = 100;
const MAX_VERSION_CHARS: usize = 40;
const MAX_SOURCE_CHARS: usize = 300;

/// What the counts line declares, in its order.
const COUNTED: [(&str, &str, usize); 5] = [
    ("tỉnh", "provinces", MAX_PROVINCES),
    ("xã, phường, đặc khu", "communes", MAX_COMMUNES),
    ("tỉnh cũ", "former provinces", MAX_PROVINCES),
    ("huyện cũ", "former districts", MAX_DISTRICTS),
    ("xã cũ", "former communes", MAX_COMMUNES),
];

impl Units {
    /// Reads and checks a table from its gzip bytes (the bundled one, or a
    /// newer one delivered with the catalog). Nothing of a refused table is
    /// kept.
    pub fn from_bytes(bytes: &[u8]) -> Result<Units, UnitsError> {
        let text = gunzip(bytes)?;
        let text = String::from_utf8(text).map_err(|_| UnitsError::NotText)?;
        parse(&text)
    }
}

/// The longest header: four short lines, the source at most
/// `MAX_SOURCE_CHARS` characters of up to four bytes.
const HEADER_BYTES_MAX: u64 = 2048;

/// A table's version read from its header alone (the first lines
/// decompressed, nothing else read or checked): to know whether a table
/// delivered with a catalog is newer before paying for reading it whole.
pub(crate) fn version_of(bytes: &[u8]) -> Result<String, UnitsError> {
    use std::io::Read as _;
    let mut head = Vec::new();
    MultiGzDecoder::new(bytes)
        .take(HEADER_BYTES_MAX)
        .read_to_end(&mut head)
        .map_err(|e| UnitsError::Compressed(e.to_string()))?;
    // Up to the end of the fourth line; a cut multi-byte character past
    // it does not matter.
    let end = head
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(3)
        .map(|(at, _)| at)
        .ok_or_else(|| bad(4, "thiếu dòng số đếm", "no counts line"))?;
    let text = std::str::from_utf8(&head[..end]).map_err(|_| UnitsError::NotText)?;
    let mut lines = Lines {
        inner: text.split('\n').enumerate(),
    };
    Ok(header(&mut lines)?.version)
}

fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, UnitsError> {
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > limits::UNITS_TABLE_BYTES {
        return Err(LimitError::TooLarge {
            what: limits::UNITS_TABLE,
            limit: limits::UNITS_TABLE_BYTES,
        }
        .into());
    }
    match limits::read_bounded(
        MultiGzDecoder::new(bytes),
        limits::UNITS_TABLE_TEXT_BYTES,
        limits::UNITS_TABLE_TEXT,
    ) {
        Ok(text) => Ok(text),
        Err(LimitError::Io { source, .. }) => Err(UnitsError::Compressed(source.to_string())),
        Err(other) => Err(other.into()),
    }
}

/// A fault at a line, in both languages.
fn bad(line: usize, vi: &'static str, en: &'static str) -> UnitsError {
    UnitsError::Malformed { line, vi, en }
}

/// A code as an error may echo it: short digits only.
fn shown(code: &str) -> String {
    if code.len() <= 8 {
        shown_if_identifier(code)
    } else {
        "…".to_string()
    }
}

/// The lines of a table, numbered from 1, each split at tabs.
struct Lines<'a> {
    inner: std::iter::Enumerate<std::str::Split<'a, char>>,
}

impl<'a> Lines<'a> {
    fn next_fields(&mut self) -> Option<(usize, Vec<&'a str>)> {
        let (i, line) = self.inner.next()?;
        Some((i.saturating_add(1), line.split('\t').collect()))
    }
}

fn code(line: usize, text: &str, width: usize) -> Result<String, UnitsError> {
    if text.len() == width && text.bytes().all(|b| b.is_ascii_digit()) {
        Ok(text.to_string())
    } else {
        Err(match width {
            2 => bad(
                line,
                "mã tỉnh phải có 2 chữ số",
                "a province code must be 2 digits",
            ),
            3 => bad(
                line,
                "mã huyện phải có 3 chữ số",
                "a district code must be 3 digits",
            ),
            _ => bad(
                line,
                "mã xã phải có 5 chữ số",
                "a commune code must be 5 digits",
            ),
        })
    }
}

fn kind(line: usize, word: &str, fits: fn(UnitKind) -> bool) -> Result<UnitKind, UnitsError> {
    match UnitKind::from_word(word) {
        Some(k) if fits(k) => Ok(k),
        _ => Err(bad(
            line,
            "loại đơn vị không đúng với cấp của nó",
            "the kind of unit does not fit its level",
        )),
    }
}

fn name(line: usize, text: &str) -> Result<String, UnitsError> {
    let chars = text.chars().count();
    let clean = chars > 0
        && chars <= MAX_NAME_CHARS
        && !text.chars().any(char::is_control)
        && text.trim() == text
        && !text.contains("  ");
    if clean {
        Ok(text.to_string())
    } else {
        Err(bad(
            line,
            "tên đơn vị rỗng, quá dài hoặc có ký tự điều khiển",
            "a unit's name is empty, too long or has control characters",
        ))
    }
}

fn successors(line: usize, text: &str, required: bool) -> Result<Vec<Successor>, UnitsError> {
    if text.is_empty() {
        return if required {
            Err(bad(
                line,
                "xã cũ không chuyển vào đơn vị mới nào",
                "a former commune maps to no new unit",
            ))
        } else {
            Ok(Vec::new())
        };
    }
    let parts: Vec<&str> = text.split(',').collect();
    if parts.len() > MAX_SUCCESSORS {
        return Err(bad(line, "quá nhiều đơn vị mới", "too many new units"));
    }
    let mut out = Vec::with_capacity(parts.len());
    for part in &parts {
        let (digits, default) = match part.strip_suffix('*') {
            Some(d) => (d, true),
            None => (*part, false),
        };
        let commune = code(line, digits, 5)?;
        if out.iter().any(|s: &Successor| s.commune == commune) {
            return Err(bad(
                line,
                "một đơn vị mới được ghi hai lần",
                "a new unit is listed twice",
            ));
        }
        out.push(Successor { commune, default });
    }
    if let [only] = out.as_mut_slice() {
        only.default = true;
    } else if out.iter().filter(|s| s.default).count() != 1 {
        return Err(bad(
            line,
            "xã cũ bị chia phải có đúng một đơn vị mới mặc định (*)",
            "a split former commune must mark exactly one new unit as the default (*)",
        ));
    }
    // The default first.
    out.sort_by_key(|s| !s.default);
    Ok(out)
}

/// What the header says.
struct Header {
    version: String,
    source: String,
    counts: [usize; 5],
}

fn header(lines: &mut Lines<'_>) -> Result<Header, UnitsError> {
    match lines.next_fields() {
        Some((_, f)) if f == [MAGIC, FORMAT] => {}
        Some((_, f)) if f.first() == Some(&MAGIC) => {
            return Err(UnitsError::UnsupportedFormat {
                found: f.get(1).map(|v| shown(v)).unwrap_or_default(),
                supported: FORMAT,
            })
        }
        _ => return Err(UnitsError::NotATable),
    }
    let version = match lines.next_fields() {
        Some((_, f)) if f.len() == 2 && f[0] == "version" => f[1],
        other => {
            return Err(bad(
                other.map_or(2, |o| o.0),
                "thiếu dòng phiên bản",
                "no version line",
            ))
        }
    };
    let version_ok = !version.is_empty()
        && version.len() <= MAX_VERSION_CHARS
        && version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-+".contains(&b));
    if !version_ok {
        return Err(bad(2, "phiên bản không hợp lệ", "the version is not valid"));
    }
    let source = match lines.next_fields() {
        Some((_, f)) if f.len() == 2 && f[0] == "source" => f[1],
        other => {
            return Err(bad(
                other.map_or(3, |o| o.0),
                "thiếu dòng nguồn",
                "no source line",
            ))
        }
    };
    if source.chars().count() > MAX_SOURCE_CHARS || source.chars().any(char::is_control) {
        return Err(bad(3, "nguồn không hợp lệ", "the source is not valid"));
    }
    let mut counts = [0usize; 5];
    match lines.next_fields() {
        Some((_, f)) if f.len() == 6 && f[0] == "counts" => {
            for ((slot, text), (_, _, max)) in counts.iter_mut().zip(&f[1..]).zip(COUNTED) {
                *slot = text
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n <= max && text.bytes().all(|b| b.is_ascii_digit()))
                    .ok_or_else(|| bad(4, "số đếm không hợp lệ", "a count is not valid"))?;
            }
        }
        other => {
            return Err(bad(
                other.map_or(4, |o| o.0),
                "thiếu dòng số đếm",
                "no counts line",
            ))
        }
    }
    Ok(Header {
        version: version.to_string(),
        source: source.to_string(),
        counts,
    })
}

/// The units as read, each with its line (for errors about references).
#[derive(Default)]
struct Read {
    provinces: Vec<(usize, Province)>,
    communes: Vec<(usize, Commune)>,
    former_provinces: Vec<(usize, FormerProvince)>,
    former_districts: Vec<(usize, FormerDistrict)>,
    former_communes: Vec<(usize, FormerCommune)>,
}

impl Read {
    fn sizes(&self) -> [usize; 5] {
        [
            self.provinces.len(),
            self.communes.len(),
            self.former_provinces.len(),
            self.former_districts.len(),
            self.former_communes.len(),
        ]
    }
}

fn record(read: &mut Read, line: usize, f: &[&str]) -> Result<(), UnitsError> {
    match f {
        ["P", c, k, n] => read.provinces.push((
            line,
            Province {
                code: code(line, c, 2)?,
                kind: kind(line, k, UnitKind::is_provincial)?,
                name: name(line, n)?,
            },
        )),
        ["C", c, p, k, n] => read.communes.push((
            line,
            Commune {
                code: code(line, c, 5)?,
                province: code(line, p, 2)?,
                kind: kind(line, k, UnitKind::is_commune)?,
                name: name(line, n)?,
            },
        )),
        ["p", c, k, n, now] => read.former_provinces.push((
            line,
            FormerProvince {
                code: code(line, c, 2)?,
                kind: kind(line, k, UnitKind::is_provincial)?,
                name: name(line, n)?,
                now: code(line, now, 2)?,
            },
        )),
        ["d", c, p, k, n, s] => read.former_districts.push((
            line,
            FormerDistrict {
                code: code(line, c, 3)?,
                province: code(line, p, 2)?,
                kind: kind(line, k, UnitKind::is_former_district)?,
                name: name(line, n)?,
                successors: successors(line, s, false)?,
            },
        )),
        ["c", c, d, k, n, s] => read.former_communes.push((
            line,
            FormerCommune {
                code: code(line, c, 5)?,
                district: code(line, d, 3)?,
                kind: kind(line, k, UnitKind::is_former_commune)?,
                name: name(line, n)?,
                successors: successors(line, s, true)?,
            },
        )),
        _ => {
            return Err(bad(
                line,
                "dòng không phải một đơn vị (loại dòng hoặc số cột sai)",
                "the line is not a unit (wrong tag or number of columns)",
            ))
        }
    }
    Ok(())
}

fn parse(text: &str) -> Result<Units, UnitsError> {
    let Some(body) = text.strip_suffix('\n') else {
        let last = text.split('\n').count();
        return Err(bad(
            last,
            "dòng cuối không có ký tự xuống dòng (bảng bị cắt)",
            "the last line has no line end (a cut table)",
        ));
    };
    let mut lines = Lines {
        inner: body.split('\n').enumerate(),
    };
    let head = header(&mut lines)?;
    let mut read = Read::default();
    while let Some((line, fields)) = lines.next_fields() {
        record(&mut read, line, &fields)?;
        // Never hold more units than the header declared.
        for ((have, declared), (vi, en, _)) in read.sizes().iter().zip(head.counts).zip(COUNTED) {
            if *have > declared {
                return Err(UnitsError::CountMismatch {
                    vi,
                    en,
                    declared,
                    actual: *have,
                });
            }
        }
    }
    for ((have, declared), (vi, en, _)) in read.sizes().iter().zip(head.counts).zip(COUNTED) {
        if *have != declared {
            return Err(UnitsError::CountMismatch {
                vi,
                en,
                declared,
                actual: *have,
            });
        }
    }
    check_references(&read)?;
    Ok(Units::assemble(
        head.version,
        head.source,
        strip_all(read.provinces),
        strip_all(read.communes),
        strip_all(read.former_provinces),
        strip_all(read.former_districts),
        strip_all(read.former_communes),
    ))
}

fn strip_all<T>(units: Vec<(usize, T)>) -> Vec<T> {
    units.into_iter().map(|(_, u)| u).collect()
}

/// Codes of one list, each once.
fn unique<'a, T>(
    units: &'a [(usize, T)],
    code_of: impl Fn(&T) -> &str,
    vi: &'static str,
    en: &'static str,
) -> Result<HashMap<&'a str, &'a T>, UnitsError> {
    let mut seen = HashMap::with_capacity(units.len());
    for (_, u) in units {
        if seen.insert(code_of(u), u).is_some() {
            return Err(UnitsError::Duplicate {
                code: shown(code_of(u)),
                vi,
                en,
            });
        }
    }
    Ok(seen)
}

fn dangling(line: usize, code: &str, vi: &'static str, en: &'static str) -> UnitsError {
    UnitsError::Dangling {
        line,
        code: shown(code),
        vi,
        en,
    }
}

fn check_references(read: &Read) -> Result<(), UnitsError> {
    let provinces = unique(&read.provinces, |p| &p.code, "tỉnh", "province")?;
    let communes = unique(&read.communes, |c| &c.code, "xã", "commune")?;
    let former_provinces = unique(
        &read.former_provinces,
        |p| &p.code,
        "tỉnh cũ",
        "former province",
    )?;
    let districts = unique(
        &read.former_districts,
        |d| &d.code,
        "huyện cũ",
        "former district",
    )?;
    unique(
        &read.former_communes,
        |c| &c.code,
        "xã cũ",
        "former commune",
    )?;

    for (line, c) in &read.communes {
        if !provinces.contains_key(c.province.as_str()) {
            return Err(dangling(
                *line,
                &c.province,
                "tỉnh của xã",
                "the commune's province",
            ));
        }
    }
    for (line, p) in &read.former_provinces {
        if !provinces.contains_key(p.now.as_str()) {
            return Err(dangling(
                *line,
                &p.now,
                "tỉnh mới của tỉnh cũ",
                "the former province's province now",
            ));
        }
    }
    // A successor lies in the province its former unit's province became.
    let check_successors = |line: usize, former_province: &str, list: &[Successor]| {
        let now = former_provinces
            .get(former_province)
            .map(|p| p.now.as_str())
            .unwrap_or_default();
        for s in list {
            match communes.get(s.commune.as_str()) {
                None => {
                    return Err(dangling(line, &s.commune, "đơn vị mới", "the new unit"));
                }
                Some(c) if c.province != now => {
                    return Err(bad(
                        line,
                        "đơn vị mới không thuộc tỉnh mà tỉnh cũ đã nhập vào",
                        "the new unit is not in the province the former province became part of",
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(())
    };
    let with_communes: HashSet<&str> = read
        .former_communes
        .iter()
        .map(|(_, c)| c.district.as_str())
        .collect();
    for (line, d) in &read.former_districts {
        if !former_provinces.contains_key(d.province.as_str()) {
            return Err(dangling(
                *line,
                &d.province,
                "tỉnh cũ của huyện",
                "the district's former province",
            ));
        }
        let has_communes = with_communes.contains(d.code.as_str());
        let maps_whole = !d.successors.is_empty();
        if has_communes == maps_whole {
            return Err(bad(
                *line,
                "chỉ huyện không có xã mới được chuyển cả huyện vào đơn vị mới, và phải được chuyển",
                "only a district without communes maps as a whole, and it must",
            ));
        }
        check_successors(*line, &d.province, &d.successors)?;
    }
    for (line, c) in &read.former_communes {
        let Some(d) = districts.get(c.district.as_str()) else {
            return Err(dangling(
                *line,
                &c.district,
                "huyện của xã cũ",
                "the former commune's district",
            ));
        };
        check_successors(*line, &d.province, &c.successors)?;
    }
    Ok(())
}
