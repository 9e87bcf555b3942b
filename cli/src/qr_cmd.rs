//! `hoso qr …`: receipts' QR codes — show a dossier's receipt QR (terminal,
//! PNG, SVG), verify a payload offline (a VietQR checked before paying), scan a picture or read a text
//! (hoso receipt, lookup link, provincial URL, bare code) and look the
//! dossier up online, the followed list, and the portal's signing keys.

use crate::portal_link::{no_portal, public_client, runtime, sessions};
use crate::{print_json, Context, Failure};
use clap::Subcommand;
use hoso_core::clock::unix_now;
use hoso_core::filed::FiledDossiers;
use hoso_core::payments;
use hoso_core::receipt::image as qr_image;
use hoso_core::receipt::online::{look_up, refresh_followed, refresh_keys, LookupError};
use hoso_core::receipt::Pinned;
use hoso_core::receipt::{FollowedDossier, LookupRequest, Receipts, SignedReceipt, Verdict};
use serde_json::json;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum QrCommand {
    /// Show a dossier's receipt QR (yours, or one you follow).
    Show {
        code: String,
        #[command(flatten)]
        pictures: Pictures,
    },
    /// Verify a receipt QR text offline (`-` reads it from standard input);
    /// exits 1 unless it is valid. A VietQR is checked before paying it
    /// (its CRC and fields, and against the fees asked of dossiers on this
    /// device); exits 1 when it should not be paid.
    Verify { payload: String },
    /// Read the QR in a picture (PNG or JPEG), verify it and look the
    /// dossier up online.
    Scan {
        picture: PathBuf,
        #[command(flatten)]
        online: Online,
    },
    /// Like `scan`, for a scanned or pasted text (`-` reads standard input).
    Lookup {
        text: String,
        #[command(flatten)]
        online: Online,
    },
    /// Dossiers followed through their receipts, with the last status seen
    /// (refreshed online unless --offline).
    Followed {
        #[command(flatten)]
        online: Online,
    },
    /// Stop following a dossier.
    Unfollow { code: String },
    /// The portals trusted and their receipt-signing keys held for offline
    /// verification (--refresh fetches the current set, taken only under
    /// the portal's root-key signature).
    Keys {
        #[arg(long)]
        refresh: bool,
        #[arg(long, env = "HOSO_PORTAL_URL")]
        url: Option<String>,
        /// Trust this root public key (base64url) for the portal; without
        /// it, the key of the portal's first signed answer is pinned.
        #[arg(long, env = "HOSO_PORTAL_ROOT_KEY", allow_hyphen_values = true)]
        root_key: Option<String>,
    },
}

/// Where to also write a QR code as a picture.
#[derive(clap::Args)]
pub struct Pictures {
    /// Also write it as a PNG picture.
    #[arg(long, value_name = "FILE")]
    png: Option<PathBuf>,
    /// Also write it as an SVG drawing.
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// Pixels per module in the PNG.
    #[arg(long, default_value_t = 8)]
    module_px: u32,
}

impl Pictures {
    /// Writes `text`'s QR code to the files asked for; their paths.
    pub fn write(&self, text: &str) -> Result<(Option<&PathBuf>, Option<&PathBuf>), Failure> {
        if let Some(path) = &self.png {
            std::fs::write(path, qr_image::png(text, self.module_px)?)?;
        }
        if let Some(path) = &self.svg {
            std::fs::write(path, qr_image::svg(text)?)?;
        }
        Ok((self.png.as_ref(), self.svg.as_ref()))
    }
}

/// Where to ask, or not to.
#[derive(clap::Args)]
pub struct Online {
    /// Do not use the network.
    #[arg(long)]
    offline: bool,
    /// The portal (default: the one logged in to).
    #[arg(long, env = "HOSO_PORTAL_URL")]
    url: Option<String>,
}

pub fn run(ctx: &Context, cmd: QrCommand) -> Result<(), Failure> {
    let keys = ctx.keys();
    let receipts = Receipts::open(&ctx.data_dir, &keys)?;
    match cmd {
        QrCommand::Show { code, pictures } => {
            let filed = FiledDossiers::open(&ctx.data_dir, &keys)?;
            show(ctx, &filed, &receipts, &code, &pictures)
        }
        QrCommand::Verify { payload } => {
            let payload = crate::value_arg(payload)?;
            if payments::is_payment_qr(&payload) {
                let filed = FiledDossiers::open(&ctx.data_dir, &keys)?;
                return check_transfer(ctx, &filed, &receipts, &payload);
            }
            verify(ctx, &receipts, &payload)
        }
        QrCommand::Scan { picture, online } => {
            // A hoso receipt first, when the picture holds several codes.
            let text = qr_image::read_file(&picture)?
                .into_iter()
                .next()
                .unwrap_or_default();
            if payments::is_payment_qr(&text) {
                let filed = FiledDossiers::open(&ctx.data_dir, &keys)?;
                return check_transfer(ctx, &filed, &receipts, &text);
            }
            lookup(ctx, &keys, &receipts, &text, &online)
        }
        QrCommand::Lookup { text, online } => {
            lookup(ctx, &keys, &receipts, &crate::value_arg(text)?, &online)
        }
        QrCommand::Followed { online } => followed(ctx, &receipts, &online),
        QrCommand::Unfollow { code } => {
            receipts.unfollow(&code)?;
            if ctx.json {
                print_json(&json!({"unfollowed": code}));
            } else {
                println!("Đã bỏ theo dõi / unfollowed: {code}");
            }
            Ok(())
        }
        QrCommand::Keys {
            refresh,
            url,
            root_key,
        } => {
            let mut installed = None;
            if refresh || root_key.is_some() {
                let sessions = sessions(ctx)?;
                let client = public_client(&sessions, url.as_deref())?.ok_or_else(no_portal)?;
                if let Some(root_key) = root_key {
                    receipts.configure_root_key(client.base_url(), &root_key)?;
                }
                if refresh {
                    installed = Some(runtime()?.block_on(refresh_keys(&client, &receipts))?);
                }
            }
            let set = receipts.key_set()?;
            let portals = receipts.trusted_portals()?;
            if ctx.json {
                let portals: Vec<_> = portals
                    .iter()
                    .map(|t| {
                        json!({
                            "portal": t.portal,
                            "root_key": t.root_key,
                            "pinned": t.pinned,
                            "key_set_version": t.key_set.key_set_version,
                        })
                    })
                    .collect();
                print_json(&json!({"key_set": set, "installed": installed, "portals": portals}));
            } else {
                for t in &portals {
                    let pinned = match t.pinned {
                        Pinned::Configured => "configured",
                        Pinned::FirstUse => "first_use",
                    };
                    println!(
                        "Cổng / portal {}  khóa gốc / root key {} ({pinned})",
                        t.portal, t.root_key
                    );
                }
                println!("Bộ khóa / key set version {}", set.key_set_version);
                for k in &set.keys {
                    let state = if k.revoked {
                        "ĐÃ THU HỒI / REVOKED"
                    } else {
                        ""
                    };
                    println!("  {}  {} → {}  {state}", k.kid, k.not_before, k.not_after);
                }
            }
            Ok(())
        }
    }
}

fn show(
    ctx: &Context,
    filed: &FiledDossiers,
    receipts: &Receipts,
    code: &str,
    pictures: &Pictures,
) -> Result<(), Failure> {
    let code = &hoso_core::receipt::scan::canonical_code(code);
    let text = receipts.receipt_qr(filed, code)?.ok_or_else(|| {
        Failure::Usage(format!(
            "không có phiếu của hồ sơ {0} trên máy này / no receipt for dossier {0} on this device",
            hoso_core::text::shown_if_identifier(code)
        ))
    })?;
    let shape = qr_image::shape(&text)?;
    let (png, svg) = pictures.write(&text)?;
    let (receipt, verdict) = receipts.verify_text(&text)?;
    if ctx.json {
        print_json(&json!({
            "dossier_code": code,
            "qr_text": text,
            "payload_bytes": receipt.and_then(|r| r.to_bytes().ok()).map(|b| b.len()),
            "shape": shape,
            "verdict": verdict_json(&verdict),
            "png": png,
            "svg": svg,
        }));
        return Ok(());
    }
    println!(
        "Phiếu hồ sơ / receipt for {code}: QR phiên bản / version {}, mức sửa lỗi / error correction {}",
        shape.version, shape.error_correction
    );
    for line in qr_image::terminal(&text)?.lines() {
        println!("  {line}");
    }
    println!("{}", verdict.message_vi());
    println!("{}", verdict.message_en());
    Ok(())
}

/// A scanned VietQR checked before paying it: what it pays, to whom, and
/// whether a dossier on this device asked for it.
fn check_transfer(
    ctx: &Context,
    filed: &FiledDossiers,
    receipts: &Receipts,
    text: &str,
) -> Result<(), Failure> {
    let t = payments::check_scanned(text, filed, receipts, unix_now())?;
    if ctx.json {
        print_json(&json!({
            "kind": "vietqr",
            "transfer": t,
            "may_pay": t.advice.may_pay(),
            "message_vi": t.advice.message_vi(),
            "message_en": t.advice.message_en(),
        }));
    } else {
        println!(
            "VietQR: {} đồng → {} {} ({})  nội dung / message: {}",
            t.amount_vnd
                .map_or_else(|| "?".to_string(), |a| a.to_string()),
            t.bank.as_deref().unwrap_or(&t.bin),
            t.account,
            t.to,
            t.purpose.as_deref().unwrap_or("")
        );
        if let Some(r) = &t.request {
            println!(
                "  Hồ sơ / dossier {}  yêu cầu / request #{}",
                r.dossier_code, r.number
            );
        }
        println!("{}", t.advice.message_vi());
        println!("{}", t.advice.message_en());
    }
    if t.advice.may_pay() {
        Ok(())
    } else {
        Err(Failure::DoNotPay(t.advice.code()))
    }
}

fn verdict_json(v: &Verdict) -> serde_json::Value {
    json!({
        "valid": v.is_valid(),
        "result": v.code(),
        "message_vi": v.message_vi(),
        "message_en": v.message_en(),
        "detail": v,
    })
}

fn receipt_json(r: &SignedReceipt) -> serde_json::Value {
    r.to_json()
        .map(|mut j| {
            // The token is a capability, not for the screen.
            if let Some(p) = j["payload"].as_object_mut() {
                p.remove("lookup_token");
            }
            j["payload"].clone()
        })
        .unwrap_or_default()
}

fn verify(ctx: &Context, receipts: &Receipts, payload: &str) -> Result<(), Failure> {
    let (receipt, verdict) = receipts.verify_text(payload)?;
    if ctx.json {
        let mut out = verdict_json(&verdict);
        out["receipt"] = receipt.as_ref().map(receipt_json).unwrap_or_default();
        print_json(&out);
    } else {
        if let Some(r) = &receipt {
            let p = &r.payload;
            let unverified = if verdict.is_valid() {
                ""
            } else {
                " (CHƯA XÁC THỰC / UNVERIFIED)"
            };
            println!(
                "Hồ sơ / dossier {}  thủ tục / procedure {}  cơ quan / agency {}{unverified}",
                p.dossier_code, p.procedure_code, p.agency_code
            );
        }
        println!("{}", verdict.message_vi());
        println!("{}", verdict.message_en());
    }
    if verdict.is_valid() {
        Ok(())
    } else {
        Err(Failure::Unverified(verdict.code()))
    }
}

fn lookup(
    ctx: &Context,
    keys: &crate::keyfile::KeyFile,
    receipts: &Receipts,
    text: &str,
    online: &Online,
) -> Result<(), Failure> {
    let request = receipts.request(text)?;
    let filed = FiledDossiers::open(&ctx.data_dir, keys)?;
    // A dossier filed from this device needs no token: its status is ours.
    let own = filed.get(&request.dossier_code)?;
    let now = unix_now();
    let mut lookup_error: Option<LookupError> = None;
    let mut followed = None;
    if request.has_token {
        if online.offline {
            followed = receipts.follow(&request, now)?;
        } else {
            match public_client(&sessions(ctx)?, online.url.as_deref())? {
                None => followed = receipts.follow(&request, now)?,
                Some(client) => {
                    match runtime()?.block_on(look_up(&client, receipts, &request, now)) {
                        Ok(f) => followed = Some(f),
                        Err(e) => {
                            followed = receipts.followed(&request.dossier_code)?;
                            lookup_error = Some(e);
                        }
                    }
                }
            }
        }
    } else if own.is_none() {
        lookup_error = Some(LookupError::NeedsToken);
    }
    if ctx.json {
        print_json(&json!({
            "request": request,
            "followed": followed,
            "own_dossier": own,
            "lookup_error": lookup_error.as_ref().map(|e| json!({"code": e.code(), "message": e.to_string()})),
        }));
    } else {
        print_request(&request);
        if let Some(f) = &followed {
            print_followed(f);
        }
        if let Some(d) = &own {
            println!(
                "Hồ sơ của bạn / your dossier: trạng thái / status {}  (cập nhật / updated {})",
                d.status, d.updated_at
            );
        }
        if let Some(e) = &lookup_error {
            eprintln!("hoso: {e}");
        }
    }
    match lookup_error {
        Some(e) => Err(Failure::LookupFailed(e.code())),
        None => Ok(()),
    }
}

fn print_request(r: &LookupRequest) {
    println!("Mã hồ sơ / dossier code: {}", r.dossier_code);
    if let Some(v) = &r.verdict {
        println!("  {}", v.message_vi());
        println!("  {}", v.message_en());
    } else {
        println!("  Chưa xác thực (không phải phiếu hoso có chữ ký) / unverified (not a signed hoso receipt)");
    }
    if let hoso_core::receipt::scan::Source::ProvincialUrl {
        host,
        official_host,
        carried_id_number,
    } = &r.source
    {
        println!("  Đường dẫn tra cứu của / lookup link of {host}");
        if !official_host {
            println!("  CẢNH BÁO: không phải trang .gov.vn / WARNING: not a .gov.vn site");
        }
        if *carried_id_number {
            println!("  Mã QR này lộ số giấy tờ của người nộp; hoso đã bỏ nó / this QR exposes the owner's ID number; hoso dropped it");
        }
    }
    if let (Some(s), true) = (&r.receipt, r.verified) {
        println!(
            "  Thủ tục / procedure {}  cơ quan / agency {}  hẹn trả / appointment {}  lệ phí / fee {} đồng",
            s.procedure_code, s.agency_code, s.appointment_date, s.fee_vnd
        );
    }
}

pub(crate) fn print_followed(f: &FollowedDossier) {
    match (&f.status, f.checked_at) {
        (Some(s), Some(at)) => {
            println!(
                "  {}  trạng thái / status {}  hẹn trả / appointment {}  (kiểm tra lúc / checked at {})",
                f.dossier_code,
                s.status,
                s.appointment_date,
                hoso_core::clock::rfc3339(at)
            );
            for h in &s.history {
                println!("      {}  {:>2}  {}", h.at, h.status, h.agency.name);
            }
        }
        _ => println!(
            "  {}  chưa tra cứu được trạng thái / status not looked up yet",
            f.dossier_code
        ),
    }
}

fn followed(ctx: &Context, receipts: &Receipts, online: &Online) -> Result<(), Failure> {
    let mut refreshed = false;
    if !online.offline {
        if let Some(client) = public_client(&sessions(ctx)?, online.url.as_deref())? {
            let results = runtime()?.block_on(refresh_followed(&client, receipts, unix_now()))?;
            refreshed = results.iter().all(|r| r.error.is_none());
            for r in results.iter().filter(|r| r.error.is_some()) {
                if let Some(e) = &r.error {
                    eprintln!("hoso: {}: {e}", r.dossier_code);
                }
            }
        }
    }
    let all = receipts.followed_all()?;
    if ctx.json {
        print_json(&json!({"refreshed": refreshed, "dossiers": all}));
    } else {
        for f in &all {
            print_followed(f);
        }
    }
    Ok(())
}
