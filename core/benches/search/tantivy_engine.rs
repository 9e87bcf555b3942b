//! tantivy beside hoso and FTS5 in the search bench (issue #20): the index a
//! Rust engineer would build first, set up the way tantivy's documentation
//! shows, and the query variants tried to give it its best honest recall.
//!
//! Index: in RAM (`Index::create_in_ram`), one indexing thread, one segment.
//! Fields as FTS5 and hoso have them: `name` (stored), `field`, `keywords`
//! (the procedure's result names, one value each) as text through one
//! analyzer — `SimpleTokenizer` → `LowerCaser` → `AsciiFoldingFilter`,
//! registered as [`TOKENIZER`] and used for the queries too — and `code` as
//! a raw `STRING` (stored, exact). Text is NFC-normalized before indexing and
//! searching: `SimpleTokenizer` splits a word at a combining mark, and 24
//! names, 31 fields and 47 result lists of the national catalog carry some.
//!
//! Queries ([`Variant`]): BM25 through `QueryParser` (lenient, field boosts
//! name ×10, keywords ×2, field ×1 as FTS5's `bm25` weights), per-word
//! `FuzzyTermQuery` clauses (the last word as a prefix), or both OR-ed in one
//! `BooleanQuery`; each piece of the text with a digit in it is also looked
//! up as a code (exact, then as a prefix). The top `limit` by score (`TopDocs`), code and name read from
//! the stored document.

use hoso_core::catalog::Procedure;
use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, QueryParser, TermQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED, STRING,
};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, SimpleTokenizer, TextAnalyzer};
use tantivy::{doc, Index, IndexReader, ReloadPolicy, TantivyDocument, Term};
use unicode_normalization::UnicodeNormalization;

/// The analyzer's name in the index's tokenizer manager.
const TOKENIZER: &str = "vi_folded";
/// Field boosts: FTS5's `bm25(fts, 10.0, 1.0, 2.0)` weights.
const NAME_BOOST: f32 = 10.0;
const FIELD_BOOST: f32 = 1.0;
const KEYWORDS_BOOST: f32 = 2.0;
/// An exact code above any text match; a code prefix just below.
const CODE_BOOST: f32 = 1000.0;
const CODE_PREFIX_BOOST: f32 = 500.0;
/// The indexing budget: enough that the ×10 catalog stays one segment.
const WRITER_BYTES: usize = 100_000_000;

/// How many typos a fuzzy clause forgives in a word of `chars` characters.
#[derive(Clone, Copy)]
enum Distance {
    /// One edit in every word.
    One,
    /// None in words of 1–2 characters, one from 3.
    ShortExact,
    /// Elasticsearch's `fuzziness: AUTO`: none up to 2 characters, one for
    /// 3–5, two from 6 (tantivy's automata go up to 2).
    Auto,
}

impl Distance {
    fn of(self, chars: usize) -> u8 {
        match self {
            Distance::One => 1,
            Distance::ShortExact => u8::from(chars > 2),
            Distance::Auto => match chars {
                0..=2 => 0,
                3..=5 => 1,
                _ => 2,
            },
        }
    }
}

/// One way of turning the typed text into a tantivy query.
#[derive(Clone, Copy)]
pub(crate) struct Variant {
    pub(crate) label: &'static str,
    /// `QueryParser::parse_query_lenient` of the text (BM25).
    parser: bool,
    /// The parser ANDs the words (`set_conjunction_by_default`).
    conjunction: bool,
    /// The parser's own fuzzy terms (`set_field_fuzzy`) instead of BM25.
    parser_fuzzy: bool,
    /// The last word (unless followed by a space) as a prefix, exact.
    prefix: bool,
    /// A `FuzzyTermQuery` per word and field, the last word a fuzzy prefix.
    fuzzy: Option<Distance>,
    /// The fuzzy and prefix clauses' weight, times the field's boost (their
    /// score is constant: 1 × boost for every document they match).
    weight: f32,
}

/// The variant the report calls "tantivy": the best recall@5 on
/// `benches/queries.tsv` among [`VARIANTS`] (tied with "BM25 + prefix",
/// which is about 4× faster; this one, tantivy's recipe for typing with
/// typos, also finds 3 more of `benches/everyday.tsv`).
pub(crate) const BEST: Variant = Variant {
    label: "BM25 + fuzzy (AUTO) + prefix",
    parser: true,
    conjunction: false,
    parser_fuzzy: false,
    prefix: true,
    fuzzy: Some(Distance::Auto),
    weight: 1.0,
};

/// A variant with BM25 only, the last word as a prefix if `prefix`.
const fn bm25(label: &'static str, conjunction: bool, prefix: bool) -> Variant {
    Variant {
        label,
        parser: true,
        conjunction,
        parser_fuzzy: false,
        prefix,
        fuzzy: None,
        weight: 1.0,
    }
}

/// BM25 (if `parser`) with a fuzzy clause per word, the last one a prefix.
const fn fuzzy(label: &'static str, parser: bool, distance: Distance, weight: f32) -> Variant {
    Variant {
        label,
        parser,
        conjunction: false,
        parser_fuzzy: false,
        prefix: true,
        fuzzy: Some(distance),
        weight,
    }
}

/// Every variant tried, reported as a supplementary table.
pub(crate) const VARIANTS: [Variant; 9] = [
    bm25("BM25 (QueryParser, OR)", false, false),
    bm25("BM25 (QueryParser, AND)", true, false),
    bm25("BM25 + prefix", false, true),
    Variant {
        label: "QueryParser set_field_fuzzy (1) + prefix",
        parser: true,
        conjunction: false,
        parser_fuzzy: true,
        prefix: true,
        fuzzy: None,
        weight: 1.0,
    },
    fuzzy("fuzzy (AUTO) + prefix, no BM25", false, Distance::Auto, 1.0),
    fuzzy("BM25 + fuzzy (1) + prefix", true, Distance::One, 1.0),
    fuzzy(
        "BM25 + fuzzy (0 to 2 chars, else 1) + prefix",
        true,
        Distance::ShortExact,
        1.0,
    ),
    BEST,
    fuzzy(
        "BM25 + fuzzy (AUTO) ×0.1 + prefix",
        true,
        Distance::Auto,
        0.1,
    ),
];

struct Fields {
    name: Field,
    field: Field,
    keywords: Field,
    code: Field,
}

impl Fields {
    /// The text fields with their boosts.
    fn text(&self) -> [(Field, f32); 3] {
        [
            (self.name, NAME_BOOST),
            (self.field, FIELD_BOOST),
            (self.keywords, KEYWORDS_BOOST),
        ]
    }
}

pub(crate) struct Tantivy {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    parser: QueryParser,
    variant: Variant,
    /// NFC-normalize text and queries (off only to show why it is on).
    nfc: bool,
}

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// `text` NFC-normalized, or as is.
fn normalized(text: &str, nfc: bool) -> String {
    if nfc {
        text.nfc().collect()
    } else {
        text.to_string()
    }
}

impl Tantivy {
    /// Indexes `procedures` in RAM, queried by `variant`.
    pub(crate) fn build(procedures: &[Procedure], variant: Variant, nfc: bool) -> Tantivy {
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let mut schema = Schema::builder();
        let fields = Fields {
            name: schema.add_text_field("name", text.clone() | STORED),
            field: schema.add_text_field("field", text.clone()),
            keywords: schema.add_text_field("keywords", text),
            code: schema.add_text_field("code", STRING | STORED),
        };
        let index = Index::create_in_ram(schema.build());
        index.tokenizers().register(TOKENIZER, analyzer());
        let mut writer = index
            .writer_with_num_threads::<TantivyDocument>(1, WRITER_BYTES)
            .expect("a tantivy index writer");
        for p in procedures {
            let mut document = doc!(
                fields.name => normalized(&p.name, nfc),
                fields.field => normalized(&p.field, nfc),
                fields.code => p.code.as_str(),
            );
            for result in &p.results {
                document.add_text(fields.keywords, normalized(&result.name, nfc));
            }
            writer.add_document(document).expect("add a procedure");
        }
        writer.commit().expect("commit the tantivy index");
        writer
            .wait_merging_threads()
            .expect("finish the tantivy writer");
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .expect("a tantivy reader");
        let parser = Self::parser(&index, &fields, variant);
        Tantivy {
            index,
            reader,
            fields,
            parser,
            variant,
            nfc,
        }
    }

    /// Segments in the index (one, unless the writer's budget ran out).
    pub(crate) fn segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    fn parser(index: &Index, fields: &Fields, variant: Variant) -> QueryParser {
        let mut parser =
            QueryParser::for_index(index, fields.text().iter().map(|&(f, _)| f).collect());
        for (field, boost) in fields.text() {
            parser.set_field_boost(field, boost);
            if variant.parser_fuzzy {
                parser.set_field_fuzzy(field, false, 1, true);
            }
        }
        if variant.conjunction {
            parser.set_conjunction_by_default();
        }
        parser
    }

    /// The typed text's words through the index's analyzer.
    fn words(&self, text: &str) -> Vec<String> {
        let Some(mut analyzer) = self.index.tokenizers().get(TOKENIZER) else {
            return Vec::new();
        };
        let mut stream = analyzer.token_stream(text);
        let mut words = Vec::new();
        while stream.advance() {
            words.push(stream.token().text.clone());
        }
        words
    }

    fn query(&self, text: &str) -> BooleanQuery {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if self.variant.parser {
            clauses.push((Occur::Should, self.parser.parse_query_lenient(text).0));
        }
        let words = self.words(text);
        let typing = !text.ends_with(char::is_whitespace);
        for (i, word) in words.iter().enumerate() {
            let last = typing && i + 1 == words.len();
            for (field, boost) in self.fields.text() {
                let term = Term::from_field_text(field, word);
                let fuzzy = match self.variant.fuzzy {
                    Some(distance) => {
                        let d = distance.of(word.chars().count());
                        Some(if last {
                            FuzzyTermQuery::new_prefix(term, d, true)
                        } else {
                            FuzzyTermQuery::new(term, d, true)
                        })
                    }
                    None if last && self.variant.prefix => {
                        Some(FuzzyTermQuery::new_prefix(term, 0, true))
                    }
                    None => None,
                };
                if let Some(q) = fuzzy {
                    let boost = boost * self.variant.weight;
                    clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost))));
                }
            }
        }
        let codes = text
            .split_whitespace()
            .filter(|piece| piece.contains(|c: char| c.is_ascii_digit()));
        for code in codes {
            let term = Term::from_field_text(self.fields.code, code);
            let exact = TermQuery::new(term.clone(), IndexRecordOption::Basic);
            let prefix = FuzzyTermQuery::new_prefix(term, 0, true);
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(exact), CODE_BOOST)),
            ));
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(prefix), CODE_PREFIX_BOOST)),
            ));
        }
        BooleanQuery::new(clauses)
    }

    /// A found document's (code, name).
    fn hit(&self, document: &TantivyDocument) -> (String, String) {
        let text = |field| {
            document
                .get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        (text(self.fields.code), text(self.fields.name))
    }

    /// The best `limit` procedures for the typed `text`, as (code, name).
    pub(crate) fn search(&self, text: &str, limit: usize) -> Vec<(String, String)> {
        if limit == 0 {
            return Vec::new();
        }
        let text = normalized(text, self.nfc);
        let query = self.query(&text);
        let searcher = self.reader.searcher();
        let Ok(top) = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score()) else {
            return Vec::new();
        };
        top.into_iter()
            .filter_map(|(_, address)| searcher.doc::<TantivyDocument>(address).ok())
            .map(|document| self.hit(&document))
            .collect()
    }
}
