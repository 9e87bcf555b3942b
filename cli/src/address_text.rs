//! How addresses read as text in the terminal (the JSON is the core's own
//! shapes): one line per upgraded address.

use hoso_core::validate::regions::Upgrade;

/// One line per upgraded address: "OWNER: COMMUNE, PROVINCE → what became of it".
pub fn print_upgrades<'a>(
    rows: impl IntoIterator<Item = (&'a str, &'a str, &'a str, &'a Upgrade)>,
) {
    for (owner, commune, province, upgrade) in rows {
        println!("{owner}: {commune}, {province} → {}", upgrade_line(upgrade));
    }
}

/// "không đổi / unchanged", "→ Phường Hồng Hà, Thành phố Hà Nội (00070)", …
fn upgrade_line(upgrade: &Upgrade) -> String {
    match upgrade {
        Upgrade::Unchanged { .. } => "không đổi / unchanged".into(),
        Upgrade::Settled { place } => format!(
            "{}, {} ({}) — tên chính thức / official names",
            place.commune_name, place.province_name, place.commune_code
        ),
        Upgrade::Converted {
            place, candidates, ..
        } => {
            let mut line = format!(
                "{}, {} ({}) — đơn vị mới / new unit",
                place.commune_name, place.province_name, place.commune_code
            );
            if candidates.len() > 1 {
                let others: Vec<&str> = candidates
                    .iter()
                    .skip(1)
                    .map(|p| p.commune_name.as_str())
                    .collect();
                line.push_str(&format!("; hoặc / or: {}", others.join(", ")));
            }
            line
        }
        Upgrade::Unresolved { problem } => format!(
            "giữ nguyên / kept as typed [{}]: {} / {}",
            problem.code, problem.message_vi, problem.message_en
        ),
    }
}
