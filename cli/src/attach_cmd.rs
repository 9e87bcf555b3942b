//! `hoso attach …`: add a file to a draft's document slot (streamed,
//! checked, sealed, deduplicated), list, verify before upload, remove, and
//! collect leftovers.

use crate::{print_json, Context, Failure};
use clap::Subcommand;
use hoso_core::draft::Drafts;
use std::io::Write;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum AttachCommand {
    /// Attach FILE to document slot SLOT (e.g. doc05) of a draft.
    Add {
        draft_id: String,
        slot: String,
        file: PathBuf,
        /// Report progress on stderr.
        #[arg(long)]
        progress: bool,
    },
    /// List a draft's attachments: slot, SHA-256, size, type.
    List { draft_id: String },
    /// Re-read and re-hash every attachment of a draft.
    Verify { draft_id: String },
    /// Remove an attachment (by a prefix of its SHA-256) from a slot.
    Remove {
        draft_id: String,
        slot: String,
        sha256: String,
    },
    /// Delete leftovers of interrupted adds and files nothing refers to.
    Gc,
}

pub fn run(ctx: &Context, cmd: AttachCommand) -> Result<(), Failure> {
    let space = crate::resident_cmd::drafts(ctx)?;
    let drafts: &Drafts = space.drafts();
    crate::warn_quarantined(drafts.quarantined());
    match cmd {
        AttachCommand::Add {
            draft_id,
            slot,
            file,
            progress,
        } => {
            let total = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
            let mut last = 0u64;
            let mut report = |done: u64| {
                if progress && (done - last >= 8 << 20 || done == total) {
                    last = done;
                    let pct = (done * 100).checked_div(total).unwrap_or(100);
                    eprint!("\r{done}/{total} bytes ({pct}%)");
                    let _ = std::io::stderr().flush();
                }
                true
            };
            let attached = drafts.attach(&draft_id, &slot, &file, &mut report)?;
            if progress {
                eprintln!();
            }
            if ctx.json {
                print_json(&serde_json::json!({
                    "slot": slot,
                    "sha256": attached.sha256,
                    "size": attached.size,
                    "media_type": attached.media_type,
                }));
            } else {
                println!(
                    "đã đính kèm / attached {} ({} byte, {}) → {slot}",
                    attached.sha256, attached.size, attached.media_type
                );
            }
        }
        AttachCommand::List { draft_id } => {
            let list = drafts.attachments(&draft_id)?;
            if ctx.json {
                print_json(&list);
            } else if list.is_empty() {
                println!("chưa có tệp đính kèm / no attachments");
            } else {
                for a in list {
                    println!(
                        "{:<6} {}  {:>10}  {:<16} {}{}",
                        a.slot,
                        a.sha256,
                        a.size,
                        a.media_type,
                        a.file_name,
                        if a.damaged {
                            "  [HỎNG / DAMAGED]"
                        } else {
                            ""
                        }
                    );
                }
            }
        }
        AttachCommand::Verify { draft_id } => {
            let report = drafts.verify_attachments(&draft_id)?;
            let bad = report.iter().filter(|r| r.status != "ok").count();
            if ctx.json {
                print_json(&report);
            } else {
                for r in &report {
                    println!("{:<6} {}  {}", r.slot, r.sha256, r.status);
                }
                println!(
                    "{} tệp, {bad} hỏng / {} files, {bad} damaged",
                    report.len(),
                    report.len()
                );
            }
            if bad > 0 {
                return Err(Failure::Damaged(bad));
            }
        }
        AttachCommand::Remove {
            draft_id,
            slot,
            sha256,
        } => {
            let draft = drafts.detach(&draft_id, &slot, &sha256)?;
            if ctx.json {
                print_json(&serde_json::json!({ "draft_id": draft.id, "removed": true }));
            } else {
                println!("đã gỡ / removed");
            }
        }
        AttachCommand::Gc => {
            let removed = hoso_core::outbox::Outbox::new(drafts).collect_garbage(drafts)?;
            if ctx.json {
                print_json(&serde_json::json!({ "removed_files": removed }));
            } else {
                println!("đã dọn / removed {removed} tệp / files");
            }
        }
    }
    Ok(())
}
