//! `hoso address`: addresses after the 2025 reorganisation (issue #21).
//! `search` is the address picker: one query from the command line, or
//! with `-` one query a line from stdin, answered with the ranked units
//! (with `--json`, one JSON object a line).

use crate::print_json;
use crate::{Context, Failure};
use clap::{Args, Subcommand};
use hoso_core::places::{self, PlaceMatch, Units};
use std::io::Write;

#[derive(Subcommand)]
pub enum AddressCommand {
    /// Find a province or a commune-level unit as people type it (no
    /// diacritics, P./X./TP, a typo, a pre-2025 name, the province after).
    Search(SearchArgs),
}

#[derive(Args)]
pub struct SearchArgs {
    /// Only the communes of this province (its 2-digit code, e.g. 79).
    #[arg(long, value_name = "P")]
    province: Option<String>,
    /// How many units at most.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// The text typed; `-` reads one query a line from stdin.
    #[arg(required = true, num_args = 1.., allow_hyphen_values = true)]
    text: Vec<String>,
}

pub fn run(ctx: &Context, cmd: AddressCommand) -> Result<(), Failure> {
    match cmd {
        AddressCommand::Search(args) => search(ctx, args),
    }
}

fn units() -> Result<&'static Units, Failure> {
    places::bundled().map_err(Failure::units)
}

fn search(ctx: &Context, args: SearchArgs) -> Result<(), Failure> {
    let units = units()?;
    let province = args.province.as_deref();
    if let Some(code) = province {
        if units.province(code).is_none() {
            return Err(Failure::Usage(format!(
                "không có tỉnh, thành phố mã '{code}' / no province has the code '{code}'"
            )));
        }
    }
    if args.text.len() == 1 && args.text[0] == "-" {
        return stream(ctx, units, province, args.limit);
    }
    let query = args.text.join(" ");
    let found = units.search(&query, province, args.limit);
    if ctx.json {
        print_json(&Answer {
            query: &query,
            results: &found,
        });
    } else if found.is_empty() {
        println!("không tìm thấy đơn vị nào / no unit found");
    } else {
        print_matches(&found);
    }
    Ok(())
}

/// One query's answer as one JSON line.
#[derive(serde::Serialize)]
struct Answer<'a> {
    query: &'a str,
    results: &'a [PlaceMatch],
}

fn stream(
    ctx: &Context,
    units: &Units,
    province: Option<&str>,
    limit: usize,
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
        let query = String::from_utf8_lossy(&line).into_owned();
        let found = units.search(&query, province, limit);
        if ctx.json {
            let answer = Answer {
                query: &query,
                results: &found,
            };
            let encoded = serde_json::to_string(&answer).unwrap_or_else(|_| "{}".into());
            writeln!(out, "{encoded}")?;
        } else {
            let first = found.first().map(describe).unwrap_or_default();
            writeln!(out, "{query}\t{first}")?;
        }
        out.flush()?;
    }
    Ok(())
}

fn print_matches(found: &[PlaceMatch]) {
    for m in found {
        println!("{:<6} {}", m.code, describe(m));
    }
}

/// "Phường Sài Gòn, Thành phố Hồ Chí Minh (trước đây / formerly Phường
/// Bến Nghé, Quận 1)".
fn describe(m: &PlaceMatch) -> String {
    let mut s = m.name.clone();
    if m.province.code != m.code {
        s.push_str(", ");
        s.push_str(&m.province.name);
    }
    if let Some(f) = &m.former {
        s.push_str(" (trước đây / formerly ");
        s.push_str(&f.name);
        if let Some(d) = &f.district {
            s.push_str(", ");
            s.push_str(&d.name);
        }
        if f.level != places::FormerLevel::Province {
            s.push_str(", ");
            s.push_str(&f.province.name);
        }
        if f.split && !f.default {
            s.push_str("; một phần / in part");
        }
        s.push(')');
    }
    s
}
