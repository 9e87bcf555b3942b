//! `hoso pay …`: the fees asked of dossiers filed from this device —
//! `show` (amount, reference and the VietQR to pay, as terminal text, PNG
//! or SVG, with no network needed), `status` (every request and its state)
//! and `receipt` (the electronic receipt of a paid request, verified
//! offline). What may be paid, and when, is `hoso_core::payments`'s.

use crate::qr_cmd::Pictures;
use crate::{print_json, Context, Failure};
use hoso_core::clock::unix_now;
use hoso_core::payments::{self, DossierPayments, DuePayment, PaymentState};
use hoso_core::receipt::image as qr_image;
use hoso_core::sync::Local;
use serde_json::json;

#[derive(clap::Subcommand)]
pub enum PayCommand {
    /// The fee to pay for a dossier: amount, account, reference and the
    /// VietQR any banking app scans (never for a request already paid or
    /// expired). Works offline.
    Show {
        code: String,
        /// Which request (from `pay status`; default: the first to pay).
        #[arg(long)]
        request: Option<usize>,
        /// The QR as pictures too (only of a request that can be paid).
        #[command(flatten)]
        pictures: Pictures,
        /// Do not ask the portal first.
        #[arg(long)]
        offline: bool,
    },
    /// The payment requests of one dossier, or of every dossier that has
    /// any, with their states (refreshed from the portal unless
    /// --offline).
    Status {
        code: Option<String>,
        #[arg(long)]
        offline: bool,
    },
    /// The electronic receipts (biên lai điện tử) of a dossier's paid
    /// requests, verified offline; exits 1 unless every one is valid.
    Receipt {
        code: String,
        #[arg(long)]
        request: Option<usize>,
    },
}

pub fn run(ctx: &Context, cmd: PayCommand) -> Result<(), Failure> {
    let local = Local::open(&ctx.data_dir, &ctx.keys())?;
    match cmd {
        PayCommand::Show {
            code,
            request,
            pictures,
            offline,
        } => {
            let refreshed = crate::status_cmd::refresh(&local, offline)?;
            let all = dossier(&local, &code)?;
            show(ctx, &all, request, &pictures, refreshed)
        }
        PayCommand::Status { code, offline } => {
            let refreshed = crate::status_cmd::refresh(&local, offline)?;
            let mut all = Vec::new();
            match code {
                Some(code) => all.push(dossier(&local, &code)?),
                None => {
                    let keys = local.receipts.key_set()?;
                    for d in local.filed.all()? {
                        if !d.payments.is_empty() {
                            all.push(payments::of(&d, &keys, unix_now())?);
                        }
                    }
                }
            }
            if ctx.json {
                print_json(&json!({"refreshed": refreshed, "dossiers": all}));
            } else if all.is_empty() {
                println!("Không có khoản phí nào được yêu cầu / no fee has been asked");
            } else {
                for d in &all {
                    println!(
                        "{}  (thủ tục / procedure {})",
                        d.dossier_code, d.procedure_code
                    );
                    for p in &d.payments {
                        print_line(p);
                    }
                }
            }
            Ok(())
        }
        PayCommand::Receipt { code, request } => {
            let all = dossier(&local, &code)?;
            receipt(ctx, &all, request)
        }
    }
}

fn dossier(local: &Local, code: &str) -> Result<DossierPayments, Failure> {
    let code = hoso_core::receipt::scan::canonical_code(code);
    Ok(payments::of_dossier(
        &local.filed,
        &local.receipts,
        &code,
        unix_now(),
    )?)
}

/// The request `--request N` names, or the first to pay.
fn chosen(all: &DossierPayments, number: Option<usize>) -> Result<Option<&DuePayment>, Failure> {
    match number {
        None => Ok(all.payable().or(all.payments.last())),
        Some(n) => all
            .payments
            .iter()
            .find(|p| p.number == n)
            .map(Some)
            .ok_or_else(|| {
                Failure::Usage(format!(
                    "hồ sơ không có yêu cầu thanh toán số {n} / the dossier has no payment request {n}"
                ))
            }),
    }
}

/// An amount as Vietnamese write it: `35.000 đồng`.
fn dong(n: u64) -> String {
    format!("{} đồng", hoso_core::papers::grouped(n, '.'))
}

fn state_text(state: PaymentState) -> &'static str {
    match state {
        PaymentState::ToPay => "chờ thanh toán / to pay",
        PaymentState::PartlyPaid => "đã trả một phần / partly paid",
        PaymentState::Paid => "đã thanh toán / paid",
        PaymentState::Expired => "hết hạn, không trả / expired, do not pay",
    }
}

fn print_line(p: &DuePayment) {
    println!(
        "  #{}  {}  {}  {}  mã / reference {}  hạn / until {}",
        p.number,
        p.kind.as_str(),
        dong(p.amount_vnd),
        state_text(p.state),
        p.reference,
        p.expires_at
    );
    if p.left_vnd > 0 && p.left_vnd != p.amount_vnd {
        println!("      còn phải trả / left to pay {}", dong(p.left_vnd));
    }
    if p.refund_due_vnd > 0 {
        println!(
            "      sẽ được hoàn / to be refunded {} đồng",
            p.refund_due_vnd
        );
    }
}

fn show(
    ctx: &Context,
    all: &DossierPayments,
    number: Option<usize>,
    pictures: &Pictures,
    refreshed: bool,
) -> Result<(), Failure> {
    let Some(p) = chosen(all, number)? else {
        if ctx.json {
            print_json(
                &json!({"dossier_code": all.dossier_code, "payment": null, "refreshed": refreshed}),
            );
        } else {
            println!(
                "Hồ sơ {} không có khoản phí nào phải trả / no fee is asked of dossier {}",
                all.dossier_code, all.dossier_code
            );
        }
        return Ok(());
    };
    // Pictures only of a payload that may be paid.
    let (png, svg) = match &p.vietqr {
        Some(text) => pictures.write(text)?,
        None => (None, None),
    };
    if ctx.json {
        print_json(&json!({
            "dossier_code": all.dossier_code,
            "payment": p,
            "png": png,
            "svg": svg,
            "refreshed": refreshed,
        }));
        return Ok(());
    }
    println!("Hồ sơ / dossier {}", all.dossier_code);
    print_line(p);
    match &p.vietqr {
        Some(text) => {
            println!(
                "  Chuyển khoản / transfer {} đến / to {} {} ({})",
                dong(p.left_vnd),
                p.bank.as_deref().unwrap_or(&p.account.bin),
                p.account.account_number,
                p.account.account_name
            );
            println!(
                "  Nội dung chuyển khoản (giữ nguyên) / transfer message (keep it): {}",
                p.reference
            );
            for line in qr_image::terminal(text)?.lines() {
                println!("  {line}");
            }
            println!("  {text}");
        }
        None => match p.state {
            PaymentState::Paid => println!(
                "  Đã thanh toán: không chuyển khoản lần nữa (`hoso pay receipt`) / already paid: do not pay again (`hoso pay receipt`)"
            ),
            _ => println!(
                "  Yêu cầu đã hết hạn: không chuyển khoản; cơ quan sẽ yêu cầu lại / the request expired: do not pay; the agency will ask again"
            ),
        },
    }
    Ok(())
}

fn receipt(ctx: &Context, all: &DossierPayments, number: Option<usize>) -> Result<(), Failure> {
    let paid: Vec<&DuePayment> = all
        .payments
        .iter()
        .filter(|p| number.is_none_or(|n| p.number == n) && p.receipt.is_some())
        .collect();
    if paid.is_empty() {
        return Err(Failure::Usage(format!(
            "chưa có biên lai nào của hồ sơ {0} trên máy này / no receipt of dossier {0} on this device yet",
            all.dossier_code
        )));
    }
    let invalid = paid
        .iter()
        .filter_map(|p| p.receipt_verdict.as_ref())
        .find(|v| !v.is_valid())
        .map(|v| v.code());
    if ctx.json {
        let receipts: Vec<_> = paid
            .iter()
            .map(|p| {
                json!({
                    "number": p.number,
                    "receipt": p.receipt,
                    "verdict": p.receipt_verdict.as_ref().map(|v| json!({
                        "valid": v.is_valid(),
                        "result": v.code(),
                        "message_vi": v.message_vi(),
                        "message_en": v.message_en(),
                    })),
                })
            })
            .collect();
        print_json(&json!({"dossier_code": all.dossier_code, "receipts": receipts}));
    } else {
        for p in &paid {
            if let Some(r) = &p.receipt {
                let r = &r.payload;
                println!(
                    "Biên lai / receipt {}  hồ sơ / dossier {}  {} đồng  lúc / at {}  giao dịch / transaction {}  thu bởi / collected by {}",
                    r.number, r.dossier_code, r.amount_vnd, r.paid_at, r.transaction_id, r.collected_by
                );
            }
            if let Some(v) = &p.receipt_verdict {
                println!("  {}", v.message_vi());
                println!("  {}", v.message_en());
            }
        }
    }
    match invalid {
        Some(code) => Err(Failure::Unverified(code)),
        None => Ok(()),
    }
}
