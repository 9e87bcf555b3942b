//! Fuzzes offline search with arbitrary queries (issue #18): the query
//! planner (`search::query::plan`: reading at most
//! `limits::SEARCH_QUERY_CHARS` characters and `SEARCH_WORD_CHARS` a word,
//! codes, run-together words, synonyms, completions, typos) and the ranking
//! behind it, through the public API: `SearchIndex::search` over a fixed
//! catalog of 24 real procedures (codes, names, fields, levels and result
//! names of the national catalog), built in so the target needs no data.
//!
//! Input: the bytes as (lossy) UTF-8 text, searched as typed (limit 10);
//! and, from the third byte on, searched with the filters the first two
//! bytes choose (limit 0–39, a level, online only, a field). Besides "no
//! panic" it checks:
//!
//! * at most `limit` hits, each a distinct procedure of the catalog, best
//!   first (scores never rise);
//! * the same search twice gives the same hits;
//! * a query longer than `SEARCH_QUERY_CHARS` characters finds exactly what
//!   its first `SEARCH_QUERY_CHARS` characters find;
//! * filters only filter: the filtered hits are the first `limit` of the
//!   unfiltered, unlimited hits that pass the filters, in the same order.
//!
//! Slowness is libFuzzer's to catch: CI runs it with `-timeout=2`, so a
//! query that plans or ranks in super-linear time fails the run.

#![no_main]

use hoso_core::catalog::Level;
use hoso_core::limits::SEARCH_QUERY_CHARS;
use hoso_core::search::{SearchEntry, SearchHit, SearchIndex, SearchQuery};
use hoso_core::text::fold;
use libfuzzer_sys::fuzz_target;
use std::collections::HashSet;
use std::sync::OnceLock;

use Level::{Commune as X, Ministry as B, Other as K, Province as T};

/// Code, name, field, levels, online, result names: from the national
/// catalog (`tthc-national-2642`), the procedures people search for most
/// (`core/benches/queries.tsv`).
#[rustfmt::skip]
const CATALOG: &[(&str, &str, &str, &[Level], bool, &[&str])] = &[
    ("1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch", &[X], true, &["Giấy khai sinh"]),
    ("1.000110", "Thủ tục đăng ký khai sinh có yếu tố nước ngoài tại khu vực biên giới", "Hộ tịch", &[X], true, &["Giấy khai sinh"]),
    ("1.000894", "Thủ tục đăng ký kết hôn", "Hộ tịch", &[X], true, &["Giấy chứng nhận kết hôn"]),
    ("1.000656", "Thủ tục đăng ký khai tử", "Hộ tịch", &[X], true, &["Trích lục khai tử"]),
    ("1.004873", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", &[X], true, &["Giấy xác nhận tình trạng hôn nhân"]),
    ("3.000333", "Cấp Phiếu Lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam, người Việt Nam đang cư trú ở nước ngoài", "Lý lịch tư pháp", &[T], true, &["Phiếu Lý lịch tư pháp số 2 (Cấp tỉnh)", "Phiếu Lý lịch tư pháp số 1 (Cấp tỉnh)"]),
    ("3.000330", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam mà không xác định được nơi thường trú hoặc nơi tạm trú; người nước ngoài đã cư trú tại Việt Nam", "Lý lịch tư pháp", &[B], true, &["Phiếu Lý lịch tư pháp số 1 (Cấp bộ)", "Phiếu Lý lịch tư pháp số 2 (Cấp bộ)"]),
    ("1.014064", "Cấp lại thẻ căn cước", "Cấp, quản lý căn cước", &[X], true, &["Thẻ căn cước"]),
    ("1.014063", "Cấp đổi thẻ căn cước", "Cấp, quản lý căn cước", &[X], true, &["Thẻ căn cước"]),
    ("2.001194", "Cấp lại thẻ căn cước (thực hiện tại cấp tỉnh)", "Cấp, quản lý căn cước", &[T], true, &["Thẻ căn cước"]),
    ("1.000757", "Cấp lại thẻ căn cước (thực hiện tại cấp trung ương)", "Cấp, quản lý căn cước", &[B], true, &["Thẻ căn cước"]),
    ("1.004222", "Đăng ký thường trú", "Đăng ký, quản lý cư trú", &[X], true, &["Cập nhật thông tin trong Cơ sở dữ liệu quốc gia về dân cư"]),
    ("1.004194", "Đăng ký tạm trú", "Đăng ký, quản lý cư trú", &[X], true, &["Phiếu từ chối tiếp nhận, giải quyết hồ sơ (lĩnh vực cư trú)"]),
    ("1.001612", "Đăng ký thành lập hộ kinh doanh", "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)", &[B, X], true, &["Giấy chứng nhận đăng ký hộ kinh doanh"]),
    ("1.001471", "Cấp hộ chiếu phổ thông ở trong nước (thực hiện tại cấp trung ương)", "Quản lý xuất nhập cảnh", &[B], true, &["Hộ chiếu phổ thông không gắn chíp điện tử hoặc hộ chiếu phổ thông có gắn chíp điện tử."]),
    ("1.001456", "Cấp hộ chiếu phổ thông ở trong nước (thực hiện tại cấp tỉnh)", "Quản lý xuất nhập cảnh", &[T], true, &["Hộ chiếu phổ thông không gắn chíp điện tử hoặc hộ chiếu phổ thông có gắn chíp điện tử."]),
    ("3.000348", "Cấp lại giấy phép lái xe", "Sát hạch, cấp giấy phép lái xe", &[B, T], true, &["Giấy phép lái xe"]),
    ("3.000347", "Đổi giấy phép lái xe", "Sát hạch, cấp giấy phép lái xe", &[B], true, &["Giấy phép lái xe"]),
    ("1.013225", "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV (Công trình không theo tuyến/Theo tuyến trong đô thị/Tín ngưỡng, tôn giáo/Tượng đài, tranh hoành tráng/Theo giai đoạn cho công trình không theo tuyến/Theo giai đoạn cho công trình theo tuyến trong đô thị/Dự án) và nhà ở riêng lẻ", "Hoạt động xây dựng", &[X, K], true, &["Giấy phép xây dựng"]),
    ("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam; cơ quan, tổ chức có thẩm quyền của nước ngoài; cơ quan, tổ chức có thẩm quyền của Việt Nam liên kết với cơ quan, tổ chức có thẩm quyền của nước ngoài cấp hoặc chứng nhận", "Chứng thực", &[X, K], false, &["Bản sao được chứng thực từ bản chính"]),
    ("1.001613", "Giải quyết hưởng bảo hiểm xã hội một lần", "Thực hiện chính sách BHXH", &[T, X], true, &["Tiền trợ cấp", "Bản quá trình đóng BHXH", "Quyết định về việc hưởng BHXH một lần"]),
    ("1.013978", "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất lần đầu đối với hộ gia đình, cá nhân, cộng đồng dân cư, người gốc Việt Nam định cư ở nước ngoài", "Đất đai", &[X], true, &["Thông báo xác nhận kết quả đăng ký đất đai.", "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất."]),
    ("1.008498", "Đăng ký thuế lần đầu đối với người nộp thuế là cá nhân, người phụ thuộc", "Thuế", &[T, X], true, &["Giấy chứng nhận đăng ký thuế (lần đầu)", "Thông báo mã số thuế cá nhân (theo mẫu 14-MST)"]),
    ("2.002233", "Khai quyết toán thuế/ Hoàn thuế đối với cá nhân cư trú có thu nhập từ tiền lương, tiền công quyết toán thuế trực tiếp với cơ quan thuế", "Thuế", &[B, T, X], true, &["Quyết định hoàn thuế (Mẫu số 01/QĐHT)"]),
];

/// Field filters the second byte may choose (`None` most of the time).
const FIELDS: &[&str] = &["Hộ tịch", "cu tru", "THUẾ", "căn cước", "đất", "", "lái"];

fn entries() -> &'static [SearchEntry] {
    static ENTRIES: OnceLock<Vec<SearchEntry>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        CATALOG
            .iter()
            .map(
                |&(code, name, field, levels, online, results)| SearchEntry {
                    code: code.into(),
                    name: name.into(),
                    field: field.into(),
                    levels: levels.to_vec(),
                    online,
                    keywords: results.iter().map(|r| r.to_string()).collect(),
                    for_individuals: online,
                },
            )
            .collect()
    })
}

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| SearchIndex::build(entries()))
}

/// Searches `query` and checks what any search answers.
fn search(query: &SearchQuery) -> Vec<SearchHit> {
    let hits = index().search(query);
    assert!(hits.len() <= query.limit, "more hits than the limit");
    let mut seen = HashSet::new();
    for hit in &hits {
        assert!(seen.insert(hit.code.as_str()), "{} twice", hit.code);
        let entry = entries()
            .iter()
            .find(|e| e.code == hit.code)
            .unwrap_or_else(|| panic!("{} is not in the catalog", hit.code));
        assert_eq!(hit.name, entry.name);
        assert_eq!(hit.levels, entry.levels);
        assert!(hit.score.is_finite(), "score {}", hit.score);
    }
    assert!(
        hits.windows(2).all(|w| w[0].score >= w[1].score),
        "hits not best first: {hits:?}"
    );
    hits
}

fn first_chars(text: &str, n: usize) -> &str {
    text.char_indices()
        .nth(n)
        .map_or(text, |(end, _)| &text[..end])
}

fn as_typed(text: &str) {
    let query = SearchQuery::new(text);
    let hits = search(&query);
    assert_eq!(hits, search(&query), "the same search answered differently");
    if text.chars().count() > SEARCH_QUERY_CHARS {
        let cut = SearchQuery::new(first_chars(text, SEARCH_QUERY_CHARS));
        assert_eq!(hits, search(&cut), "the query's beginning finds otherwise");
    }
}

fn filtered(control: [u8; 2], text: &str) {
    let level = match control[1] & 0x07 {
        1 => Some(Level::Ministry),
        2 => Some(Level::Province),
        3 => Some(Level::Commune),
        4 => Some(Level::Other),
        _ => None,
    };
    let field = match (control[1] >> 4) as usize {
        i if i < FIELDS.len() => Some(FIELDS[i].to_string()),
        _ => None,
    };
    let query = SearchQuery {
        text: text.to_string(),
        limit: usize::from(control[0] % 40),
        level,
        field: field.clone(),
        online_only: control[1] & 0x08 != 0,
    };
    let hits = search(&query);
    let all = search(&SearchQuery {
        text: text.to_string(),
        limit: usize::MAX,
        level: None,
        field: None,
        online_only: false,
    });
    let field = field.as_deref().map(fold);
    let expected: Vec<SearchHit> = all
        .into_iter()
        .filter(|h| {
            level.is_none_or(|l| h.levels.contains(&l))
                && (!query.online_only || h.online)
                && field.as_deref().is_none_or(|f| fold(&h.field).contains(f))
        })
        .take(query.limit)
        .collect();
    assert_eq!(hits, expected, "filters did more than filter");
}

fuzz_target!(|data: &[u8]| {
    as_typed(&String::from_utf8_lossy(data));
    if let [a, b, rest @ ..] = data {
        filtered([*a, *b], &String::from_utf8_lossy(rest));
    }
});
