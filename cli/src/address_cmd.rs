//! `hoso address`: addresses after the 2025 reorganisation (issue #21).
//! `search` is the address picker: one query from the command line, or
//! with `-` one query a line from stdin, answered with the ranked units
//! (with `--json`, one JSON object a line). `check` checks a province and
//! commune together against the table, `convert` reads an address (old or
//! new) in today's units; both read lines from stdin with `-` too.

use crate::print_json;
use crate::{Context, Failure};
use clap::{Args, Subcommand};
use hoso_core::places::{self, PlaceMatch, Units};
use hoso_core::validate::regions::{self, Place};
use std::io::Write;

#[derive(Subcommand)]
pub enum AddressCommand {
    /// Find a province or a commune-level unit as people type it (no
    /// diacritics, P./X./TP, a typo, a pre-2025 name, the province after).
    Search(SearchArgs),
    /// Check a province and commune together (`-`: PROVINCE<TAB>COMMUNE
    /// lines from stdin): the unit with its code, or why not with
    /// suggestions.
    Check {
        /// The province as typed, or `-`.
        province: String,
        /// The commune, ward or special zone as typed.
        commune: Option<String>,
    },
    /// Read an address, old (before 1 July 2025) or new, in today's units
    /// (`-`: one address a line from stdin).
    Convert {
        /// The address, e.g. "Số 5, Phường Phúc Xá, Quận Ba Đình, Hà Nội"
        /// (several words need no quotes), or `-`.
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
    },
    /// Which units table is in effect: the one built in, or a newer one
    /// that came with the catalog (`catalog update`).
    Table,
}

#[derive(Args)]
pub struct SearchArgs {
    /// Only the communes of this province (its 2-digit code, e.g. 79).
    #[arg(long, value_name = "P")]
    province: Option<String>,
    /// How many units at most.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// The text typed (several words need no quotes); `-` reads one query
    /// a line from stdin.
    #[arg(required = true, num_args = 1..)]
    text: Vec<String>,
}

pub fn run(ctx: &Context, cmd: AddressCommand) -> Result<(), Failure> {
    // Opening the catalog offers the units table it carries, if newer than
    // the built-in one (ADR 0023); without a catalog the built-in one
    // answers, so a directory that cannot be opened is no failure here.
    let _catalog = hoso_core::catalog::store::CatalogStore::open(&ctx.data_dir);
    match cmd {
        AddressCommand::Search(args) => search(ctx, args),
        AddressCommand::Check { province, commune } => match commune {
            Some(commune) => {
                answer_check(ctx, &mut std::io::stdout().lock(), &province, &commune)?;
                Ok(())
            }
            None if province == "-" => crate::stdin_lines::each_line(|out, line| {
                let (province, commune) = line.split_once('\t').unwrap_or((line, ""));
                answer_check(ctx, out, province, commune)
            }),
            None => Err(Failure::Usage(
                "cần tỉnh và xã/phường, hoặc `-` / a province and a commune are needed, or `-`"
                    .into(),
            )),
        },
        AddressCommand::Convert { text } => {
            if text.len() == 1 && text[0] == "-" {
                return crate::stdin_lines::each_line(|out, line| answer_convert(ctx, out, line));
            }
            answer_convert(ctx, &mut std::io::stdout().lock(), &text.join(" "))?;
            Ok(())
        }
        AddressCommand::Table => table(ctx),
    }
}

fn table(ctx: &Context) -> Result<(), Failure> {
    let info = places::table_info().map_err(Failure::units)?;
    if ctx.json {
        print_json(&info);
    } else {
        let from = if info.from_catalog {
            "kèm danh mục / from the catalog"
        } else {
            "có sẵn trong ứng dụng / built in"
        };
        println!("{} ({from})", info.version);
        println!("{}", info.source);
        println!(
            "{} tỉnh, {} xã/phường/đặc khu; trước 1/7/2025: {} tỉnh, {} huyện, {} xã / {} provinces, {} communes; before 1 July 2025: {} provinces, {} districts, {} communes",
            info.provinces,
            info.communes,
            info.former_provinces,
            info.former_districts,
            info.former_communes,
            info.provinces,
            info.communes,
            info.former_provinces,
            info.former_districts,
            info.former_communes
        );
    }
    Ok(())
}

/// A unit as `{code, name}`.
fn unit(code: &str, name: &str) -> serde_json::Value {
    serde_json::json!({"code": code, "name": name})
}

fn place_json(p: &Place) -> serde_json::Value {
    serde_json::json!({
        "province": unit(&p.province_code, &p.province_name),
        "commune": unit(&p.commune_code, &p.commune_name),
    })
}

fn answer_check(
    ctx: &Context,
    out: &mut dyn Write,
    province: &str,
    commune: &str,
) -> std::io::Result<()> {
    let checked = regions::place(province, commune);
    if ctx.json {
        let value = match &checked {
            Ok(p) => {
                let mut v = place_json(p);
                v["valid"] = true.into();
                v["problems"] = serde_json::json!([]);
                v["suggestions"] = serde_json::json!([]);
                v
            }
            Err(e) => serde_json::json!({
                "valid": false,
                "province": null,
                "commune": null,
                "problems": [e.problem],
                "suggestions": e.suggestions.iter().map(place_json).collect::<Vec<_>>(),
            }),
        };
        return writeln!(out, "{value}");
    }
    match checked {
        Ok(p) => writeln!(
            out,
            "{}, {} ({})",
            p.commune_name, p.province_name, p.commune_code
        ),
        Err(e) => {
            writeln!(
                out,
                "[{}] {} / {}",
                e.problem.code, e.problem.message_vi, e.problem.message_en
            )?;
            for p in &e.suggestions {
                writeln!(
                    out,
                    "  → {}, {} ({})",
                    p.commune_name, p.province_name, p.commune_code
                )?;
            }
            Ok(())
        }
    }
}

fn answer_convert(ctx: &Context, out: &mut dyn Write, text: &str) -> std::io::Result<()> {
    let converted = regions::convert(text);
    if ctx.json {
        let value = match &converted {
            Ok(c) => {
                let mut v = place_json(&c.place);
                v["detail"] = c.detail.clone().into();
                v["candidates"] = c.candidates.iter().map(place_json).collect();
                v["from_former"] = c.from_former.into();
                v["former"] = c.former.clone().into();
                v
            }
            Err(p) => serde_json::json!({"input": text, "problem": p}),
        };
        return writeln!(out, "{value}");
    }
    match converted {
        Ok(c) => {
            let mut line = format!(
                "{}, {} ({})",
                c.place.commune_name, c.place.province_name, c.place.commune_code
            );
            if !c.detail.is_empty() {
                line = format!("{}, {line}", c.detail);
            }
            writeln!(out, "{line}")?;
            if let Some(f) = &c.former {
                writeln!(out, "  trước đây / formerly: {f}")?;
            }
            for p in c.candidates.iter().skip(1) {
                writeln!(
                    out,
                    "  hoặc / or: {}, {} ({})",
                    p.commune_name, p.province_name, p.commune_code
                )?;
            }
            Ok(())
        }
        Err(p) => writeln!(out, "[{}] {} / {}", p.code, p.message_vi, p.message_en),
    }
}

fn search(ctx: &Context, args: SearchArgs) -> Result<(), Failure> {
    let units = places::current().map_err(Failure::units)?;
    let province = args.province.as_deref();
    if let Some(code) = province {
        if units.province(code).is_none() {
            return Err(Failure::Usage(format!(
                "không có tỉnh, thành phố mã '{code}' / no province has the code '{code}'"
            )));
        }
    }
    if args.text.len() == 1 && args.text[0] == "-" {
        return stream(ctx, &units, province, args.limit);
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
    crate::stdin_lines::each_line(|out, query| {
        let found = units.search(query, province, limit);
        if ctx.json {
            let answer = Answer {
                query,
                results: &found,
            };
            let encoded = serde_json::to_string(&answer).unwrap_or_else(|_| "{}".into());
            writeln!(out, "{encoded}")
        } else {
            let first = found.first().map(describe).unwrap_or_default();
            writeln!(out, "{query}\t{first}")
        }
    })
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
        s.push_str(&f.written());
        if f.split && !f.default {
            s.push_str("; một phần / in part");
        }
        s.push(')');
    }
    s
}
