//! `hoso profile …`: the citizen's own data and family members, saved once
//! (sealed) and prefilled into new drafts.

use crate::{print_json, Context, Failure};
use clap::Subcommand;
use hoso_core::profile::{person_fields, Profile, Profiles};

#[derive(Subcommand)]
pub enum ProfileCommand {
    /// Show the saved profile.
    Show,
    /// Set one field of your own data, or of a family member with --member.
    Set {
        /// Family member id (m1, m2 …); omit for yourself.
        #[arg(long)]
        member: Option<String>,
        /// full_name, date_of_birth, sex, id_number, phone, email,
        /// nationality, ethnicity, address.province, address.commune,
        /// address.detail (address.code is written by hoso)
        field: String,
        /// The value; `-` reads it from standard input, which keeps ID and
        /// phone numbers out of shell history and the process list.
        value: String,
    },
    /// Remove one field's value.
    Clear {
        #[arg(long)]
        member: Option<String>,
        field: String,
    },
    /// Add a family member (spouse, father, mother, child, sibling, other).
    AddMember { relation: String },
    /// Remove a family member.
    RemoveMember { id: String },
    /// List the fields a person can have.
    Fields,
    /// Bring every saved address up to today's units (after the 2025
    /// reorganisation): official names and the commune's code, former
    /// communes converted; reports each address.
    UpgradeAddresses,
}

pub fn run(ctx: &Context, cmd: ProfileCommand) -> Result<(), Failure> {
    if let ProfileCommand::Fields = cmd {
        let fields: Vec<_> = person_fields()
            .map(|(id, vi, en)| serde_json::json!({"field": id, "label_vi": vi, "label_en": en}))
            .collect();
        if ctx.json {
            print_json(&fields);
        } else {
            for (id, vi, en) in person_fields() {
                println!("{id:<18} {vi} / {en}");
            }
        }
        return Ok(());
    }
    let profiles = match crate::resident_cmd::space(ctx)? {
        Some(local) => Profiles::with_vault(local.drafts.vault().clone()),
        None => Profiles::open(&ctx.data_dir, &ctx.keys())?,
    };
    crate::warn_quarantined(profiles.quarantined());
    let profile = match cmd {
        ProfileCommand::Show | ProfileCommand::Fields => profiles.get()?,
        ProfileCommand::Set {
            member,
            field,
            value,
        } => {
            let value = crate::value_arg(value)?;
            let change = profiles.set(member.as_deref(), &field, &value)?;
            if ctx.json {
                print_json(&change);
                return Ok(());
            }
            if let Some(p) = &change.warning {
                println!(
                    "đã lưu, nhưng / saved, but [{}]: {} / {}",
                    p.code, p.message_vi, p.message_en
                );
            }
            change.profile
        }
        ProfileCommand::Clear { member, field } => profiles.clear(member.as_deref(), &field)?,
        ProfileCommand::AddMember { relation } => {
            let (id, profile) = profiles.add_member(&relation)?;
            if !ctx.json {
                println!("đã thêm thành viên / added member {id}");
            }
            profile
        }
        ProfileCommand::RemoveMember { id } => profiles.remove_member(&id)?,
        ProfileCommand::UpgradeAddresses => {
            let (profile, report) = profiles.upgrade_addresses()?;
            if ctx.json {
                print_json(&serde_json::json!({"addresses": report, "profile": profile}));
                return Ok(());
            }
            crate::address_text::print_upgrades(report.iter().map(|r| {
                (
                    r.person.as_str(),
                    r.commune.as_str(),
                    r.province.as_str(),
                    &r.upgrade,
                )
            }));
            profile
        }
    };
    if ctx.json {
        print_json(&profile);
    } else {
        print_text(&profile);
    }
    Ok(())
}

fn print_text(profile: &Profile) {
    println!("Bản thân / Me:");
    print_person(&profile.me);
    for m in &profile.family {
        println!(
            "{} — {} / {}:",
            m.id,
            m.relation.label_vi(),
            m.relation.as_str()
        );
        print_person(&m.values);
    }
}

fn print_person(values: &hoso_core::profile::PersonValues) {
    if values.is_empty() {
        println!("  (trống / empty)");
    }
    for (id, vi, _) in person_fields() {
        if let Some(v) = values.get(id) {
            println!("  {vi}: {v}");
        }
    }
}
