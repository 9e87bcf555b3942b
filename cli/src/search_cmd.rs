//! `hoso search`: one query from the command line, or with `-` one query a
//! line from stdin answered with one JSON array a line (for scripts and
//! as-you-type front ends).

use crate::catalog_cmd::open;
use crate::print_json;
use crate::{Context, Failure};
use clap::Args;
use hoso_core::catalog::Level;
use hoso_core::search::{SearchHit, SearchIndex, SearchQuery};

#[derive(Args)]
pub struct SearchArgs {
    /// How many results.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Only this level: ministry, province, commune, other (or cấp bộ/tỉnh/xã).
    #[arg(long, value_parser = parse_level)]
    level: Option<Level>,
    /// Only procedures whose field (lĩnh vực) contains this text.
    #[arg(long)]
    field: Option<String>,
    /// Only procedures that can be filed online.
    #[arg(long)]
    online: bool,
    /// The query; `-` reads one query a line from stdin.
    #[arg(required = true, num_args = 1.., allow_hyphen_values = true)]
    query: Vec<String>,
}

fn parse_level(s: &str) -> Result<Level, String> {
    Level::parse(s).ok_or_else(|| {
        format!("cấp không hợp lệ '{s}' / unknown level '{s}' (ministry, province, commune, other)")
    })
}

pub fn run(ctx: &Context, args: SearchArgs) -> Result<(), Failure> {
    let index = hoso_core::search::SearchIndex::open(&open(ctx)?)?;
    let make = |text: String| SearchQuery {
        text,
        limit: args.limit,
        level: args.level,
        field: args.field.clone(),
        online_only: args.online,
    };
    if args.query.len() == 1 && args.query[0] == "-" {
        return stream(&index, make);
    }
    let hits = index.search(&make(args.query.join(" ")));
    if ctx.json {
        print_json(&hits);
    } else if hits.is_empty() {
        println!("không tìm thấy thủ tục nào / no procedure found");
    } else {
        print_hits(&hits);
    }
    Ok(())
}

fn stream(index: &SearchIndex, make: impl Fn(String) -> SearchQuery) -> Result<(), Failure> {
    crate::stdin_lines::each_line(|out, line| {
        let hits = index.search(&make(line.to_string()));
        let encoded = serde_json::to_string(&hits).unwrap_or_else(|_| "[]".into());
        writeln!(out, "{encoded}")
    })
}

pub fn print_hits(hits: &[SearchHit]) {
    for h in hits {
        let levels: Vec<&str> = h.levels.iter().map(|l| l.as_str()).collect();
        let online = if h.online {
            " · trực tuyến/online"
        } else {
            ""
        };
        println!(
            "{:<10} {}  [{}{}]",
            h.code,
            h.name,
            levels.join(","),
            online
        );
    }
}
