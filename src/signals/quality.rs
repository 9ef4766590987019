//! Health-journalism quality: lexical evidence for the criteria HealthNewsReview.org reviewers
//! applied to every story. These are positive signals: their absence lowers reliability.

use crate::lexicon::LexiconBuilder;

use super::{
    Family, Measurement, PhraseRate, Polarity, Reading, Signal, SignalSpec, Starts, PER_THOUSAND,
};

/// Builds a quality signal from its lexicon and an optional pattern.
fn quality(
    spec: &'static SignalSpec,
    lexicon: &str,
    pattern: Option<&str>,
    lexicons: &mut LexiconBuilder,
) -> PhraseRate {
    let signal = PhraseRate::builtin(spec, lexicon, 1, lexicons);
    match pattern {
        Some(pattern) => signal.with_pattern(pattern),
        None => signal,
    }
}

const COSTS_DISCUSSED: SignalSpec = SignalSpec {
    id: "QUAL001",
    version: 2,
    family: Family::Quality,
    polarity: Polarity::Support,
    name: "costs-discussed",
    message: "the cost of the intervention is discussed",
    unit: PER_THOUSAND,
    doc: "What it detects: words and amounts that show the text discusses costs (\"costs \
          $1,000 a year\", \"covered by insurance\", \"copay\", \"Medicare\"), except in a \
          sentence that sells (\"only $4,999\", \"save 50%\", \"order today\"): a price in a \
          sales pitch is an offer, not a cost discussed.\n\
          Why it raises reliability: HealthNewsReview.org's first criterion; a story that \
          promotes a treatment without its price hides what the reader most needs to decide.\n\
          Example: \"The drug costs about $575 a month, and insurers rarely cover it.\"",
    fires_on: &["The drug costs about $575 a month, and insurers rarely cover it."],
    quiet_on: &[
        "The drug lowered migraine days in two trials.",
        "Only $4,999 for the full program: save 50% if you order today!",
        "Special offer: buy two bottles at the price of one, with free shipping.",
    ],
};

/// QUAL001: costs discussed, and not in a sentence that sells.
#[derive(Debug)]
pub struct Costs {
    phrases: PhraseRate,
}

/// QUAL001: costs.
pub(super) fn costs_discussed(lexicons: &mut LexiconBuilder) -> Costs {
    Costs {
        phrases: quality(
            &COSTS_DISCUSSED,
            include_str!("../../data/lexicons/quality_costs.tsv"),
            Some(r"[$£€]\s?\d{1,3}(?:,\d{3})*(?:\.\d+)?"),
            lexicons,
        ),
    }
}

/// Words of a sentence that sells: a price next to them is an offer, not a cost discussed.
const SALES_CUES: &[&str] = &[
    "only",
    "just",
    "save",
    "off",
    "discount",
    "sale",
    "order",
    "buy",
    "offer",
    "deal",
    "promo",
    "coupon",
    "shipping",
    "bonus",
    "limited",
    "guarantee",
    "guaranteed",
    "checkout",
    "cart",
];

impl Signal for Costs {
    fn spec(&self) -> &'static SignalSpec {
        &COSTS_DISCUSSED
    }

    fn measure(&self, doc: &Reading<'_, '_>) -> Measurement {
        // The document's own tokens of the sentence, not a second tokenization of its text.
        let selling = |sentence: usize| {
            doc.tokens[doc.sentence_tokens(sentence)].iter().any(|t| {
                let word = doc.token_text(t);
                SALES_CUES.iter().any(|cue| word.eq_ignore_ascii_case(cue))
            })
        };
        // Each sentence is looked at once, however many hits it holds (hits come in text
        // order): a page of one endless "sentence" full of prices would otherwise be read again
        // for every price (a 256 KB fuzz input took 1.4 s).
        let mut last: Option<(usize, bool)> = None;
        let mut hits = self.phrases.measure(doc).hits;
        hits.retain(|hit| {
            let sentence = doc.sentence_at(hit.start);
            let sells = match last {
                Some((seen, sells)) if seen == sentence => sells,
                _ => selling(sentence),
            };
            last = Some((sentence, sells));
            !sells
        });
        Measurement::rate(hits, doc)
    }
}

const BENEFITS_QUANTIFIED: SignalSpec = SignalSpec {
    id: "QUAL002",
    version: 1,
    family: Family::Quality,
    polarity: Polarity::Support,
    name: "benefits-quantified",
    message: "the size of the benefit is given in numbers",
    unit: PER_THOUSAND,
    doc: "What it detects: quantities that size a benefit: percentages, \"X of Y patients\", \
          counts of participants, \"from X to Y\", absolute and relative risks, hazard ratios, \
          numbers needed to treat, rates per 1,000.\n\
          Why it raises reliability: HealthNewsReview.org's second criterion; \"works\" without a \
          number, or a relative risk without a baseline, cannot be weighed.\n\
          Example: \"58 percent of 1,079 participants avoided diabetes, compared with 31 percent \
          on metformin.\"",
    fires_on: &[
        "58 percent of 1,079 participants avoided diabetes, compared with 31 percent on metformin.",
        "The absolute risk fell from 2 in 100 to 1 in 100.",
    ],
    quiet_on: &["The treatment helps many people feel better. It is 100% natural."],
};

/// QUAL002: quantified benefits.
pub(super) fn benefits_quantified(lexicons: &mut LexiconBuilder) -> PhraseRate {
    PhraseRate::builtin(
        &BENEFITS_QUANTIFIED,
        include_str!("../../data/lexicons/quality_benefits.tsv"),
        1,
        lexicons,
    )
    .with_pattern_starting(
        BENEFITS_PATTERN,
        Starts::default()
            .numbers()
            .words(BENEFITS_QUANTIFIED.id, &["from"], lexicons),
    )
}

/// Numbers of QUAL002: percentages below 100 ("100%" is puffery: "100% natural"), "N of M",
/// "N patients", "from N to M".
const BENEFITS_PATTERN: &str = r"(?i:(?-u:\b)\d{1,2}(?:\.\d+)?\s?(?:%|percent(?:age points)?)|(?-u:\b)\d[\d,]* (?:of|out of) (?:the )?\d[\d,]*(?-u:\b)|(?-u:\b)\d[\d,]* (?:participants|patients|people|volunteers|subjects|adults|children|women|men)(?-u:\b)|(?-u:\b)from \d[\d,.]* (?:percent |%)?to \d[\d,.]*)";

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::starts::{hits_with_and_without_starts, Spans};
    use super::super::Landmarks;
    use super::benefits_quantified;

    /// QUAL002's hits in `text`, its pattern run where its matches start, and the same with
    /// the pattern scanning the whole text.
    fn both(text: &str) -> (Spans, Spans) {
        hits_with_and_without_starts(benefits_quantified, |s| &mut s.starts, text)
    }

    #[test]
    fn numbers_are_found_at_their_starts() {
        let text =
            "Risk fell from 2.5 to 1.1 percent: 41 of 100 patients, 12% in all, FROM 3 TO 4.";
        let (at_starts, everywhere) = both(text);
        let texts: Vec<&str> = at_starts.iter().map(|&(a, b)| &text[a..b]).collect();
        assert_eq!(
            texts,
            ["from 2.5 to 1.1", "41 of 100", "12%", "FROM 3 TO 4."]
        );
        assert_eq!(at_starts, everywhere);
        assert!(Landmarks::of(text).is_some());
    }

    #[test]
    fn a_table_of_figures_is_scanned_whole() {
        let table = "1 2 3 4 5 6 7 8 9 ".repeat(10);
        assert!(Landmarks::of(&table).is_none());
        let (at_starts, everywhere) = both(&table);
        assert_eq!(at_starts, everywhere);
    }
    /// Text made of the pattern's pieces, of the bytes that decide a word boundary, of digits
    /// of other scripts (Arabic-Indic, Devanagari), a numeric character that is no digit (`²`)
    /// and a character that is no number (`中`).
    fn text() -> impl Strategy<Value = String> {
        const PIECES: &[&str] = &[
            " ",
            ",",
            ".",
            "\n",
            "_",
            "x",
            "é",
            "٣",
            "३",
            "²",
            "中",
            "-",
            "1",
            "42",
            "1,079",
            "0.5",
            "100",
            "%",
            " %",
            " percent",
            " percentage points",
            " of ",
            " out of the ",
            " patients",
            " women",
            "from ",
            "From ",
            "FROM ",
            "fROm",
            " to ",
            "to ",
        ];
        super::super::text_of_pieces(PIECES)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Running the pattern only where its matches start finds what a scan of the whole text
        /// finds.
        #[test]
        fn starts_miss_no_match(text in text()) {
            let (at_starts, everywhere) = both(&text);
            prop_assert_eq!(at_starts, everywhere, "{:?}", text);
        }
    }
}
