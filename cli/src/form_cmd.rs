//! `hoso form show CODE`: the form schema a procedure's draft is filled
//! against — groups, fields with their types and conditions, document
//! slots; `hoso form lint FILE…`: form files checked as a device checks a
//! form delivered with the catalog.

use crate::catalog_cmd::open;
use crate::{print_json, Context, Failure};
use clap::Subcommand;
use hoso_core::form::{self, Requirement};

#[derive(Subcommand)]
pub enum FormCommand {
    /// Show the form for one procedure.
    Show { code: String },
    /// List the procedures with a hand-written field set.
    Builtin,
    /// Check form files (`<code>.json`) as a device checks a form that
    /// comes with the catalog; fails when any does not pass.
    Lint {
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
    },
}

pub fn run(ctx: &Context, cmd: FormCommand) -> Result<(), Failure> {
    match cmd {
        FormCommand::Lint { files } => return lint(ctx, &files),
        FormCommand::Builtin => {
            if ctx.json {
                print_json(&form::builtin_codes());
            } else {
                for code in form::builtin_codes() {
                    println!("{code}");
                }
            }
        }
        FormCommand::Show { code } => {
            let catalog = open(ctx)?;
            let procedure = catalog.procedure(&code)?;
            let schema = form::schema_with(&catalog, &procedure)?;
            if ctx.json {
                print_json(&schema);
                return Ok(());
            }
            println!("{} — {}", schema.procedure_code, schema.title_vi);
            println!(
                "{}",
                if schema.builtin {
                    "biểu mẫu riêng / hand-written form"
                } else {
                    "biểu mẫu chung / generic form"
                }
            );
            for g in &schema.groups {
                let repeat = match g.repeat {
                    Some(r) => format!(" [{}..{}]", r.min, r.max),
                    None => String::new(),
                };
                println!("\n{} / {} ({}){repeat}", g.label_vi, g.label_en, g.id);
                for f in &g.fields {
                    let path = if g.repeat.is_some() {
                        format!("{}[i].{}", g.id, f.id)
                    } else {
                        format!("{}.{}", g.id, f.id)
                    };
                    println!(
                        "  {path:<40} {:<12} {}{}",
                        f.kind.name(),
                        f.label_vi,
                        if f.required { " *" } else { "" }
                    );
                }
            }
            println!("\nGiấy tờ / Documents:");
            for s in &schema.slots {
                let req = match &s.requirement {
                    Requirement::Required => "bắt buộc / required".to_string(),
                    Requirement::Optional => "nếu có / optional".to_string(),
                    Requirement::Conditional { when_vi } => format!("khi / when: {when_vi}"),
                };
                println!("  {:<6} {} — {req}", s.id, s.name);
            }
        }
    }
    Ok(())
}

fn lint(ctx: &Context, files: &[std::path::PathBuf]) -> Result<(), Failure> {
    use hoso_core::error::Classified;
    let mut failed = 0usize;
    let mut report = Vec::new();
    for path in files {
        let checked = form::form_item_from_file(path);
        match &checked {
            Ok((_, f)) if !ctx.json => {
                println!(
                    "ok\t{}\t{} v{}",
                    path.display(),
                    f.procedure_code,
                    f.version
                )
            }
            Err(e) if !ctx.json => println!("[{}]\t{}\t{e}", e.error_code(), path.display()),
            _ => {}
        }
        failed += usize::from(checked.is_err());
        let form = checked.as_ref().ok().map(|(_, f)| f);
        report.push(serde_json::json!({
            "file": path,
            "ok": checked.is_ok(),
            "procedure_code": form.map(|f| f.procedure_code.clone()),
            "version": form.map(|f| f.version),
            "error": checked.as_ref().err().map(|e| serde_json::json!({
                "code": e.error_code(),
                "message": e.to_string(),
            })),
        }));
    }
    if ctx.json {
        print_json(&report);
    }
    if failed > 0 {
        return Err(Failure::Usage(format!(
            "{failed} tệp biểu mẫu không đạt / {failed} form files do not pass"
        )));
    }
    Ok(())
}
