//! `hoso form show CODE`: the form schema a procedure's draft is filled
//! against — groups, fields with their types and conditions, document slots.

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
}

pub fn run(ctx: &Context, cmd: FormCommand) -> Result<(), Failure> {
    match cmd {
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
