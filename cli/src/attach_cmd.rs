//! `hoso attach …`: add a file to a draft's document slot (streamed,
//! checked, sealed, deduplicated; a photo without its metadata; several
//! photos as one PDF), list, verify before upload, remove, and collect
//! leftovers.

use crate::{print_json, Context, Failure};
use clap::Subcommand;
use hoso_core::draft::{Drafts, PhotoRequest};
use std::io::Write;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum AttachCommand {
    /// Attach FILE to document slot SLOT (e.g. doc05) of a draft; a photo
    /// (JPEG, PNG, WebP) without its metadata. Several photos (the pages of
    /// one paper, in order) become one PDF, fitted to A4 and compressed
    /// to stay legible.
    Add {
        draft_id: String,
        slot: String,
        #[arg(required = true, num_args = 1..)]
        files: Vec<PathBuf>,
        /// Make the PDF in grey, levels stretched (text pages: smaller).
        #[arg(long)]
        grayscale: bool,
        /// The most the PDF may take, in bytes (never above the slot's
        /// limit).
        #[arg(long, value_name = "N")]
        max_bytes: Option<u64>,
        /// Make one photo a PDF too.
        #[arg(long)]
        pdf: bool,
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
            files,
            grayscale,
            max_bytes,
            pdf,
            progress,
        } => {
            let total = match files.as_slice() {
                [one] => std::fs::metadata(one).map(|m| m.len()).unwrap_or(0),
                _ => 0,
            };
            let mut last = 0u64;
            let mut bytes = |done: u64| {
                if progress && (done - last >= 8 << 20 || done == total) {
                    last = done;
                    let pct = (done * 100).checked_div(total).unwrap_or(100);
                    eprint!("\r{done}/{total} bytes ({pct}%)");
                    let _ = std::io::stderr().flush();
                }
                true
            };
            let mut pages = |done: usize, of: usize| {
                if progress {
                    eprint!("\rtrang / page {done}/{of}");
                    let _ = std::io::stderr().flush();
                }
            };
            let request = PhotoRequest {
                as_document: pdf,
                grayscale,
                max_bytes,
            };
            let paths: Vec<&std::path::Path> = files.iter().map(PathBuf::as_path).collect();
            let made =
                drafts.attach_given(&draft_id, &slot, &paths, &request, &mut bytes, &mut pages)?;
            if progress {
                eprintln!();
            }
            let attached = &made.attached;
            if ctx.json {
                print_json(&serde_json::json!({
                    "slot": slot,
                    "sha256": attached.sha256,
                    "size": attached.size,
                    "media_type": attached.media_type,
                    "file_name": attached.file_name,
                    "pages": made.pages,
                }));
            } else {
                println!(
                    "đã đính kèm / attached {} ({} byte, {}) → {slot}",
                    attached.sha256, attached.size, attached.media_type
                );
                for (i, p) in made.pages.iter().enumerate() {
                    println!(
                        "  trang / page {}: {}×{} px, {} dpi, chất lượng / quality {}, {} byte",
                        i + 1,
                        p.width,
                        p.height,
                        p.dpi,
                        p.quality,
                        p.bytes
                    );
                }
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
