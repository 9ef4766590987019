//! Commercial calls to action: the page is selling, not informing.

use std::ops::Range;

use super::{
    Family, Hit, Measurement, Pattern, PatternRate, Polarity, Prefilter, Reading, Signal,
    SignalSpec, PER_THOUSAND,
};

const SALES_PRICING: SignalSpec = SignalSpec {
    id: "SELL002",
    version: 2,
    family: Family::Commercial,
    polarity: Polarity::Concern,
    name: "sales-pricing",
    message: "a sales price, discount or promo code",
    unit: PER_THOUSAND,
    doc: "What it detects: prices framed as offers (\"only $49.99\", \"just £20\", \"from $99\", \
          \"$10 off\", \"30% off\", \"save 20%\"), prices per bottle or per month, and discount, \
          promo or coupon codes. A cost reported as a fact does not count, that is good health \
          journalism: a price after \"costs\", \"about\", \"up to\", \"pay\" and the like (\"the \
          drug costs $1,000 a year\", \"patients pay about $100 a month\", \"costs just $6\"), or \
          a range (\"from $500 to $1,000\").\n\
          Why it lowers reliability: the page sells the product it describes.\n\
          Example: \"Now only $39.99 per bottle with promo code HEALTH20.\"",
    fires_on: &[
        "Now only $39.99 per bottle with promo code HEALTH20.",
        "Save 30% today, or get $10 off your first order.",
        "Sessions from $99. Memberships $49 a month.",
    ],
    quiet_on: &[
        "The drug costs about $1,000 a year, and insurers rarely cover it.",
        "Only 30% of patients responded to the treatment.",
        "Patients pay about $100 a month; a course costs just $6 in India.",
        "Prices range from $500 to $1,000 per session, the clinic said.",
    ],
};

/// Words before a price that report it as a fact rather than offer it.
const PRICE_AS_FACT: &[&str] = &[
    "cost",
    "costs",
    "costing",
    "about",
    "around",
    "roughly",
    "approximately",
    "average",
    "averages",
    "than",
    "nearly",
    "almost",
    "over",
    "under",
    "to",
    "paid",
    "pay",
    "pays",
    "charge",
    "charges",
    "charged",
    "spend",
    "spends",
    "spent",
    "at",
    "between",
    "estimated",
    "of",
];

/// SELL002: sales prices and codes.
pub(super) fn sales_pricing() -> PatternRate {
    const PRICE: &str = r"[$£€]\s?\d{1,3}(?:,\d{3})*(?:\.\d{2})?(?-u:\b)";
    PatternRate::builtin(
        &SALES_PRICING,
        &[
            // A price, with a range's second price and what it is per, so that an offer can be
            // told from a cost reported as a fact (the filter reads the words before it). The
            // pattern starts at the currency sign, which its search skips to.
            format!(
                r"{PRICE}(?:\s?(?:to|-|–|and)\s?{PRICE})?(?i:\s?(?:off|(?:per|a|/)\s?(?:bottle|box|jar|pack|month|session|visit))(?-u:\b))?"
            ),
            r"(?i:(?-u:\b)\d{1,2}\s?% off(?-u:\b))".to_owned(),
            r"(?i:(?-u:\b)save (?:up to )?(?:\d{1,2}\s?%|[$£€]\s?\d))".to_owned(),
            r"(?i:(?-u:\b)(?:promo|discount|coupon|voucher) codes?(?-u:\b))(?:\s+[A-Z0-9]{4,})?"
                .to_owned(),
            r"(?i:(?-u:\b)use code)\s+[A-Z0-9]{4,}".to_owned(),
        ]
        .join("|"),
    )
    .with_filter(is_offer)
}

/// Whether a matched price is offered, not reported: framed as an offer ("only", "from",
/// "off", "per bottle", "a month"), not after a word that reports it as a fact, and not a range.
fn is_offer(text: &str, span: Range<usize>) -> bool {
    let matched = text[span.clone()].to_ascii_lowercase();
    if !matched.starts_with(['$', '£', '€']) {
        return true; // a percentage off, a saving or a code
    }
    let after_symbol = matched
        .char_indices()
        .nth(1)
        .map_or("", |(i, _)| &matched[i..]);
    if after_symbol.contains(['$', '£', '€']) {
        return false; // a range: "from $500 to $1,000"
    }
    // The last three words before the price, nearest first.
    let before: Vec<String> = super::words_before(&text[..span.start]).take(3).collect();
    let word = |i: usize| before.get(i).map_or("", String::as_str);
    let reported = |w: &str| PRICE_AS_FACT.contains(&w);
    if reported(word(0)) {
        return false; // "costs $1,000", "about $100 a month"
    }
    let offered_before = match word(0) {
        "only" | "just" | "now" | "from" => !reported(word(1)), // but "costs just $6"
        "as" => word(1) == "little" && word(2) == "as",         // "for as little as $5"
        _ => false,
    };
    let offered_after = [
        "off", "bottle", "box", "jar", "pack", "month", "session", "visit",
    ]
    .iter()
    .any(|w| matched.trim_end().ends_with(w));
    offered_before || offered_after
}

const AFFILIATE_LINK: SignalSpec = SignalSpec {
    id: "SELL005",
    version: 1,
    family: Family::Commercial,
    polarity: Polarity::Concern,
    name: "affiliate-link",
    message: "an affiliate or sponsored link",
    unit: PER_THOUSAND,
    doc: "What it detects: links that earn the page money: HTML links marked rel=\"sponsored\", \
          links with affiliate or tracking parameters (ref=, aff=, affid=, tag=, clickid=, \
          utm_*), and links to affiliate networks (Amazon short links, ClickBank, ShareASale, \
          CJ, Awin, Impact, Skimlinks, Rakuten); in HTML or as URLs in plain text.\n\
          Why it lowers reliability: the page is paid per sale of what it recommends.\n\
          Example: <a href=\"https://amzn.to/3xYz\" rel=\"sponsored\">best collagen</a>",
    fires_on: &[
        "<html><body><p>Try <a href=\"https://amzn.to/3xYz\" rel=\"sponsored\">this collagen</a>.\
         </p></body></html>",
        "Buy it here: https://shop.example.com/tea?aff=1234 today.",
    ],
    quiet_on: &[
        "<html><body><p>Read the <a href=\"https://www.nih.gov/news\">NIH release</a>.</p>\
         </body></html>",
        "See https://www.cdc.gov/flu for the schedule.",
    ],
};

/// Affiliate networks and tracking parameters.
const AFFILIATE_URL: &str = r"(?i)(?:[?&](?:ref|aff|affid|aff_id|affiliate|affiliate_id|tag|irclickid|clickid|subid|utm_source|utm_medium|utm_campaign|partner|partnerid)=|//(?:[a-z0-9-]+\.)*(?:amzn\.to|clickbank\.net|hop\.clickbank\.net|shareasale\.com|awin1\.com|anrdoezrs\.net|jdoqocy\.com|tkqlhce\.com|dpbolvw\.net|kqzyfj\.com|sjv\.io|go\.skimresources\.com|redirect\.viglink\.com|linksynergy\.com|rstyle\.me|shop-links\.co|pntra\.com|avantlink\.com)(?:[/:?#]|$))";

/// SELL005: affiliate links.
#[derive(Debug)]
pub struct AffiliateLink {
    affiliate_url: Pattern,
    url_in_text: Pattern,
}

impl AffiliateLink {
    /// Compiles the patterns.
    pub fn new() -> Self {
        Self {
            affiliate_url: Pattern::new(AFFILIATE_LINK.id, AFFILIATE_URL, Prefilter::Auto),
            url_in_text: Pattern::new(AFFILIATE_LINK.id, r"https?://[^\s<>\x22]+", Prefilter::Auto),
        }
    }
}

impl Default for AffiliateLink {
    fn default() -> Self {
        Self::new()
    }
}

impl Signal for AffiliateLink {
    fn spec(&self) -> &'static SignalSpec {
        &AFFILIATE_LINK
    }

    fn measure(&self, doc: &Reading<'_, '_>) -> Measurement {
        let mut hits: Vec<Hit> = doc
            .links
            .iter()
            .filter(|link| {
                link.rel.split_whitespace().any(|r| r == "sponsored")
                    || self.affiliate_url.is_match(&link.href)
            })
            .filter(|link| link.text.start < link.text.end)
            .map(|link| Hit {
                start: link.text.start,
                end: link.text.end,
                note: Some(format!("links to {}", link.href)),
            })
            .collect();
        hits.extend(
            self.url_in_text
                .matches(&doc.text)
                .into_iter()
                .filter(|m| self.affiliate_url.is_match(&doc.text[m.range()]))
                .map(|m| Hit {
                    start: m.start(),
                    end: m.end(),
                    note: None,
                }),
        );
        hits.sort_by_key(|h| h.start);
        Measurement::rate(hits, doc)
    }
}

const OBFUSCATED_PRODUCT_NAME: SignalSpec = SignalSpec {
    id: "SELL007",
    version: 1,
    family: Family::Commercial,
    polarity: Polarity::Concern,
    name: "obfuscated-product-name",
    message: "a drug or sales word spelled to slip past spam filters",
    unit: PER_THOUSAND,
    doc: "What it detects: the names of drugs and the words of pharmacy sales spelled with digits \
          or symbols for letters, or with their letters spaced out (\"V1agra\", \"C1AL1S\", \
          \"DISC0UNT\", \"prescript1on\", \"V-I-A-G-R-A\", \"X a n a x\"), so that a filter that \
          looks for the word misses it. A word spelled plainly does not count, nor does a gene or \
          product code (\"SH3BP2\", \"Go4Life\"), as only the words of a curated list are \
          checked.\n\
          Why it lowers reliability: nobody disguises a word but to get it past a filter; it is \
          the mark of pharmacy spam.\n\
          Example: \"Cheap V1agra and C-I-A-L-I-S, no prescript1on needed.\"",
    fires_on: &["Cheap V1agra and C-I-A-L-I-S, no prescript1on needed."],
    quiet_on: &[
        "Viagra (sildenafil) and Cialis need a prescription.",
        "The SH3BP2 gene and the Go4Life campaign; vitamin B12 and COVID-19.",
    ],
};

/// The words pharmacy spam disguises. Written for chaff from the drug and sales vocabulary of
/// health spam (drug names of the kinds sold without prescription, and the words of the offer).
const DISGUISED_WORDS: &[&str] = &[
    "viagra",
    "cialis",
    "levitra",
    "valium",
    "xanax",
    "ambien",
    "soma",
    "tramadol",
    "vicodin",
    "hydrocodone",
    "oxycodone",
    "oxycontin",
    "phentermine",
    "adipex",
    "meridia",
    "xenical",
    "propecia",
    "prozac",
    "zoloft",
    "ultram",
    "codeine",
    "percocet",
    "lorazepam",
    "ativan",
    "diazepam",
    "alprazolam",
    "sildenafil",
    "tadalafil",
    "pharmacy",
    "pharmaceutical",
    "pills",
    "pill",
    "meds",
    "medication",
    "medications",
    "prescription",
    "prescriptions",
    "discount",
    "generic",
    "cheap",
    "penis",
    "enlargement",
    "erection",
    "viagara",
    "drugs",
    "online",
    "order",
    "weight",
    "diet",
];

/// SELL007: drug and sales words spelled to evade filters.
pub(super) fn obfuscated_product_name() -> PatternRate {
    PatternRate::builtin(
        &OBFUSCATED_PRODUCT_NAME,
        &[
            // a word with a digit or symbol among its letters
            r"(?-u:\b)[A-Za-z]*[A-Za-z][0-9@$|!][A-Za-z0-9@$|!]*[A-Za-z][A-Za-z0-9]*(?-u:\b)",
            r"(?-u:\b)[0-9@$|][A-Za-z0-9@$|!]*[A-Za-z]{2}[A-Za-z0-9]*(?-u:\b)",
            // letters spaced out: "V-I-A-G-R-A", "X a n a x"
            r"(?-u:\b)[A-Za-z](?:[-._*][A-Za-z]){3,}(?-u:\b)|(?-u:\b)[A-Za-z](?: [A-Za-z]){3,}(?-u:\b)",
        ]
        .join("|"),
    )
    .with_filter(is_disguised)
}

/// Whether a token is one of [`DISGUISED_WORDS`] disguised: with its separators dropped and its
/// look-alike digits and symbols read as letters (1 as i or l), it is the word, and it was not
/// spelled plainly.
fn is_disguised(text: &str, span: Range<usize>) -> bool {
    let token = &text[span];
    let letters: String = token
        .chars()
        .filter(|c| !matches!(c, '-' | '.' | '_' | '*' | ' '))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if letters.len() < 4
        || letters.len() > 20
        || (letters.chars().all(|c| c.is_ascii_alphabetic()) && letters.len() == token.len())
    {
        return false;
    }
    let read = |one: char| -> String {
        letters
            .chars()
            .map(|c| match c {
                '0' => 'o',
                '1' | '|' | '!' => one,
                '3' => 'e',
                '4' | '@' => 'a',
                '5' | '$' => 's',
                '8' => 'b',
                c => c,
            })
            .collect()
    };
    ['i', 'l']
        .into_iter()
        .any(|one| DISGUISED_WORDS.contains(&read(one).as_str()))
}
