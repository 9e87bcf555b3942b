//! `hoso draft …`: create a draft for a procedure (prefilled from the
//! profile), set and clear fields, show, list, duplicate, delete, validate,
//! and adopt a catalog update. Every change is saved before the command
//! answers.

use crate::{print_json, Context, Failure};
use clap::Subcommand;
use hoso_core::draft::{Draft, DraftView, Drafts, ValueSource};
use hoso_core::form::CheckMode;

#[derive(Subcommand)]
pub enum DraftCommand {
    /// Start a draft for a procedure code (e.g. 1.001193).
    New {
        procedure_code: String,
        /// Do not prefill from the profile.
        #[arg(long)]
        no_prefill: bool,
    },
    /// Set one field (FIELD is a path such as child.full_name,
    /// applicant.address.province or members[0].full_name). An empty VALUE
    /// clears the field.
    Set {
        id: String,
        field: String,
        /// The value; `-` reads it from standard input, which keeps ID and
        /// phone numbers out of shell history and the process list.
        value: String,
    },
    /// Clear one field.
    Clear { id: String, field: String },
    /// Show a draft: every field with its value and where it came from.
    Show { id: String },
    /// List drafts, most recently changed first.
    List,
    /// Copy a draft under a new id.
    Duplicate { id: String },
    /// Delete a draft.
    Delete { id: String },
    /// Check a draft: what is missing or wrong, and whether it is ready.
    Validate {
        id: String,
        /// Only report progress (what is missing so far) instead of
        /// readiness to submit.
        #[arg(long)]
        partial: bool,
    },
    /// Adopt the current catalog's requirements and form after a catalog
    /// update (`validate` shows what changes first): values of renamed
    /// fields follow them; removed and retyped ones are kept for review.
    Upgrade { id: String },
    /// Bring the draft's addresses up to today's units (after the 2025
    /// reorganisation): official names and the commune's code, former
    /// communes converted; reports each address.
    UpgradeAddresses { id: String },
}

pub fn run(ctx: &Context, cmd: DraftCommand) -> Result<(), Failure> {
    let space = crate::resident_cmd::drafts(ctx)?;
    let drafts: &Drafts = space.drafts();
    crate::warn_quarantined(drafts.quarantined());
    match cmd {
        DraftCommand::New {
            procedure_code,
            no_prefill,
        } => {
            let draft = drafts.create(&procedure_code, !no_prefill)?;
            if !ctx.json {
                println!("đã tạo bản nháp / created draft {}", draft.id);
                if !draft.prefilled.is_empty() {
                    println!(
                        "đã điền sẵn từ hồ sơ cá nhân / prefilled from your profile: {} trường / fields",
                        draft.prefilled.len()
                    );
                }
            }
            show(ctx, drafts, &draft)?;
        }
        DraftCommand::Set { id, field, value } => {
            let value = crate::value_arg(value)?;
            let outcome = drafts.set(&id, &field, &value)?;
            if ctx.json {
                print_json(&serde_json::json!({
                    "draft_id": outcome.draft.id,
                    "revision": outcome.draft.revision,
                    "field": outcome.field,
                    "value": outcome.value,
                    "saved": true,
                    "problem": outcome.problem,
                    "warning": outcome.warning,
                    "issues": outcome.issues,
                }));
            } else {
                println!(
                    "đã lưu / saved {} = {} (bản nháp / draft {}, lần sửa / revision {})",
                    outcome.field, outcome.value, outcome.draft.id, outcome.draft.revision
                );
                let problem = outcome
                    .problem
                    .iter()
                    .chain(&outcome.warning)
                    .map(|p| (p.code, p.message_vi.as_str(), p.message_en.as_str()));
                let issues = outcome.issues.iter().map(|i| {
                    (
                        i.code.as_str(),
                        i.message_vi.as_str(),
                        i.message_en.as_str(),
                    )
                });
                for (code, vi, en) in problem.chain(issues) {
                    println!("cảnh báo / warning [{code}]: {vi} / {en}");
                }
            }
        }
        DraftCommand::Clear { id, field } => {
            let draft = drafts.clear(&id, &field)?;
            if ctx.json {
                print_json(&serde_json::json!({
                    "draft_id": draft.id, "revision": draft.revision, "field": field, "cleared": true
                }));
            } else {
                println!("đã xóa / cleared {field} (bản nháp / draft {})", draft.id);
            }
        }
        DraftCommand::Show { id } => {
            let draft = drafts.get(&id)?;
            show(ctx, drafts, &draft)?;
        }
        DraftCommand::List => {
            let list = drafts.list()?;
            if ctx.json {
                print_json(&list);
            } else if list.is_empty() {
                println!("chưa có bản nháp / no drafts yet");
            } else {
                for d in list {
                    println!(
                        "{}  {}  {}  ({} trường / fields, lần sửa / rev {})",
                        d.id, d.procedure_code, d.procedure_name, d.filled, d.revision
                    );
                }
            }
        }
        DraftCommand::Duplicate { id } => {
            let draft = drafts.duplicate(&id)?;
            if !ctx.json {
                println!("đã sao chép thành / copied to {}", draft.id);
            }
            show(ctx, drafts, &draft)?;
        }
        DraftCommand::Delete { id } => {
            let id = drafts.delete(&id)?;
            if ctx.json {
                print_json(&serde_json::json!({ "draft_id": id, "deleted": true }));
            } else {
                println!("đã xóa bản nháp / deleted draft {id}");
            }
        }
        DraftCommand::Validate { id, partial } => {
            let mode = if partial {
                CheckMode::Partial
            } else {
                CheckMode::Complete
            };
            let report = drafts.validate(&id, mode)?;
            if ctx.json {
                print_json(&report);
            } else {
                for c in &report.requirement_changes {
                    println!(
                        "thay đổi / changed [{}]: {} / {}",
                        c.code, c.message_vi, c.message_en
                    );
                }
                for c in &report.form_changes {
                    println!(
                        "mẫu mới / new form [{}]: {} / {}",
                        c.code, c.message_vi, c.message_en
                    );
                }
                for i in &report.missing {
                    println!(
                        "thiếu / missing  {}: {} / {}",
                        i.field, i.message_vi, i.message_en
                    );
                }
                for i in &report.invalid {
                    println!(
                        "sai / invalid   {} [{}]: {} / {}",
                        i.field, i.code, i.message_vi, i.message_en
                    );
                }
                if report.ready {
                    println!("sẵn sàng nộp / ready to submit");
                } else {
                    println!(
                        "chưa sẵn sàng / not ready: thiếu / missing {}, sai / invalid {}",
                        report.missing.len(),
                        report.invalid.len()
                    );
                }
            }
        }
        DraftCommand::Upgrade { id } => {
            let draft = drafts.accept_catalog_update(&id)?;
            if !ctx.json {
                println!(
                    "bản nháp {} theo danh mục phiên bản / draft {} now follows catalog version {}",
                    draft.id, draft.id, draft.catalog_version
                );
            }
            show(ctx, drafts, &draft)?;
        }
        DraftCommand::UpgradeAddresses { id } => {
            let (draft, report) = drafts.upgrade_addresses(&id)?;
            if ctx.json {
                print_json(
                    &serde_json::json!({"addresses": report, "draft": drafts.view(&draft)?}),
                );
                return Ok(());
            }
            crate::address_text::print_upgrades(report.iter().map(|r| {
                (
                    r.field.as_str(),
                    r.commune.as_str(),
                    r.province.as_str(),
                    &r.upgrade,
                )
            }));
            show(ctx, drafts, &draft)?;
        }
    }
    Ok(())
}

fn show(ctx: &Context, drafts: &Drafts, draft: &Draft) -> Result<(), Failure> {
    let view = drafts.view(draft)?;
    if ctx.json {
        print_json(&view);
    } else {
        print_view(&view);
    }
    Ok(())
}

fn print_view(view: &DraftView) {
    let d = &view.draft;
    println!("{} — {} {}", d.id, d.procedure_code, d.procedure_name);
    for g in &view.groups {
        if !g.visible {
            continue;
        }
        println!("\n{} / {}", g.label_vi, g.label_en);
        for e in &g.entries {
            if let Some(i) = e.index {
                println!("  #{}", i + 1);
            }
            for f in e.fields.iter().filter(|f| f.visible) {
                let value = f.value.as_deref().unwrap_or("—");
                let mark = if f.required { "*" } else { " " };
                let source = match &f.source {
                    Some(ValueSource::Profile { person }) => {
                        format!("  (từ hồ sơ cá nhân / from profile: {person})")
                    }
                    _ => String::new(),
                };
                println!("  {mark} {:<38} {value}{source}", f.path);
            }
        }
    }
    if !view.documents.is_empty() {
        println!("\nGiấy tờ / Documents:");
        for s in &view.documents {
            println!(
                "  {:<6} [{} tệp / files] {} ({})",
                s.id,
                s.files.len(),
                s.name,
                s.requirement
            );
        }
    }
    for (path, value) in &view.unknown_values {
        println!("  ! {path} = {value} (trường không còn trong biểu mẫu / no longer on the form)");
    }
}
