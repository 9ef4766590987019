//! Cure claims: a remedy said to cure, reverse or flush out what medicine treats at best.

use std::ops::Range;

use super::{words_before, Family, PatternRate, Polarity, SignalSpec, PER_THOUSAND};

const CURE_CLAIM: SignalSpec = SignalSpec {
    id: "CURE001",
    version: 1,
    family: Family::Cure,
    polarity: Polarity::Concern,
    name: "cure-claim",
    message: "a claim that a remedy cures or reverses a disease",
    unit: PER_THOUSAND,
    doc: "What it detects: the cure claims of alternative-health and supplement pages: a remedy \
          that cures, reverses, heals or eliminates a named chronic disease (\"reverse your \
          diabetes\", \"cures arthritis\", \"get rid of eczema\"), and cure-alls (\"miracle \
          cure\", \"natural cure for\", \"cures it permanently\"). A claim reported as a claim \
          does not count: within five words after \"no\", \"not\", \"never\", \"claims\", \
          \"myth\", \"unproven\" and the like (\"there is no evidence that it cures cancer\").\n\
          Why it lowers reliability: no supplement or diet cures these diseases; a page that says \
          so sells false hope, whatever its sources.\n\
          Example: \"This herbal blend will reverse your diabetes naturally.\"",
    fires_on: &[
        "This herbal blend will reverse your diabetes naturally.",
        "Discover the natural cure for arthritis that works in 7 days.",
        "Get rid of eczema for good with our tea.",
    ],
    quiet_on: &[
        "There is no evidence that the blend cures diabetes.",
        "Surgery can cure early cancer of the colon in most patients.",
        "Weight loss after surgery put type 2 diabetes into remission in a third of patients.",
    ],
};

const DETOX_CLAIM: SignalSpec = SignalSpec {
    id: "CURE002",
    version: 1,
    family: Family::Cure,
    polarity: Polarity::Concern,
    name: "detox-claim",
    message: "a claim that a remedy flushes out toxins or boosts immunity",
    unit: PER_THOUSAND,
    doc: "What it detects: detox and immune-boost talk (\"detoxify your liver\", \"flush out \
          toxins\", \"cleanse your colon of toxins\", \"boost your immune system\"), not when \
          reported as a claim (as CURE001).\n\
          Why it lowers reliability: the liver and kidneys clear waste; products sold to \
          \"detox\" or \"boost immunity\" name no toxin and show no effect, and the words sell \
          them.\n\
          Example: \"Our green juice will detoxify your body and flush out toxins.\"",
    fires_on: &[
        "Our green juice will detoxify your body and flush out toxins.",
        "Boost your immune system with three capsules a day.",
    ],
    quiet_on: &[
        "Claims that juices flush out toxins are unproven; the liver clears waste.",
        "The vaccine trains the immune system to recognise the virus.",
    ],
};

/// The chronic diseases remedies claim to cure.
const DISEASES: &str = r"(?:type 2 diabetes|diabetes|arthritis|hypertension|high blood pressure|high cholesterol|cholesterol|autism|alzheimer'?s|dementia|psoriasis|eczema|acne|asthma|hypothyroidism|thyroid problems|hair loss|baldness|erectile dysfunction|impotence|obesity|belly fat|depression|anxiety|insomnia|fibromyalgia|lupus|multiple sclerosis|parkinson'?s|heart disease|kidney disease|candida|herpes|cataracts|tinnitus|neuropathy|gout|allergies|varicose veins|ibs|crohn'?s|leaky gut|cellulite|wrinkles|migraines?|chronic pain|back pain|joint pain|cancer|tumou?rs?)";

/// Words that report a claim instead of making it, up to five words before it.
const REPORTED: &[&str] = &[
    "no", "not", "never", "cannot", "can't", "won't", "doesn't", "don't", "isn't", "nor",
    "unproven", "false", "falsely", "claim", "claims", "claimed", "claiming", "myth", "promise",
    "promises", "promised", "without",
];

/// A pattern for `claim` whose matches count only when made, not reported ([`not_reported`]),
/// run where one of `first_words` (the words its alternatives start with) stands in the text.
fn unreported(spec: &'static SignalSpec, claim: &str, first_words: &[&str]) -> PatternRate {
    PatternRate::builtin(spec, &format!(r"(?i:(?-u:\b)(?:{claim}))"))
        .with_filter(not_reported)
        .starting_at_words(first_words)
}

/// The words CURE001's alternatives start with.
const CURE_FIRST_WORDS: &[&str] = &[
    "cure",
    "cures",
    "cured",
    "curing",
    "reverse",
    "reverses",
    "reversed",
    "reversing",
    "heal",
    "heals",
    "healing",
    "eliminate",
    "eliminates",
    "eliminating",
    "eradicate",
    "eradicates",
    "banish",
    "banishes",
    "get",
    "gets",
    "beat",
    "beats",
    "defeat",
    "defeats",
    "wipe",
    "wipes",
    "melt",
    "melts",
    "natural",
    "permanent",
    "miracle",
    "guaranteed",
    "100",
    "complete",
    "total",
    "secret",
    "simple",
    "amazing",
];

/// The words CURE002's alternatives start with.
const DETOX_FIRST_WORDS: &[&str] = &[
    "detox",
    "detoxify",
    "detoxifies",
    "detoxifying",
    "detoxes",
    "detoxing",
    "flush",
    "flushes",
    "flushing",
    "cleanse",
    "cleanses",
    "cleansed",
    "cleansing",
    "purge",
    "purges",
    "purged",
    "purging",
    "draw",
    "draws",
    "pull",
    "pulls",
    "boost",
    "boosts",
    "boosting",
    "supercharge",
    "supercharges",
    "strengthen",
    "strengthens",
];

/// Bytes before a claim that are read for its five words: five words of any ordinary length.
/// Reading back to the sentence's start instead made a page of one claim repeated without a
/// full stop quadratic (fuzzing found 256 KB that took 0.5 s, 17 s under instrumentation).
const LOOK_BACK: usize = 200;

/// Whether a matched claim is made, not reported: no reporting word among the five words before
/// it in its sentence.
fn not_reported(text: &str, span: Range<usize>) -> bool {
    let from = crate::source::ceil_char_boundary(text, span.start.saturating_sub(LOOK_BACK));
    let before = &text[from..span.start];
    let sentence = before
        .rfind(['.', '!', '?', '\n'])
        .map_or(before, |end| &before[end + 1..]);
    !words_before(sentence)
        .take(5)
        .any(|w| REPORTED.contains(&w.as_str()))
}

/// CURE001: cure claims.
pub(super) fn cure_claim() -> PatternRate {
    unreported(
        &CURE_CLAIM,
        &[
            // a remedy that cures a named chronic disease
            format!(
                r"(?:cures?|cured|curing|reverses?|reversed|reversing|heals?|healing|eliminates?|eliminating|eradicates?|banish(?:es)?|gets? rid of|beats?|defeats?|wipes? out|melts? away|melt) (?:your |their |my |the )?(?:own )?{DISEASES}(?-u:\b)"
            ),
            // cure-alls
            r"(?:natural|permanent|miracle|guaranteed|100% natural|complete|total|secret|simple|amazing) (?:cure|remedy|remedies|cures)(?-u:\b)|cure-all|cures all(?-u:\b)|cures? (?:it |them )?(?:naturally|permanently|for good|forever|overnight|in \d+ days)(?-u:\b)".to_owned(),
        ]
        .join("|"),
        CURE_FIRST_WORDS,
    )
}

/// CURE002: detox and immune-boost claims.
pub(super) fn detox_claim() -> PatternRate {
    unreported(
        &DETOX_CLAIM,
        r"detox(?:ify|ifies|ifying|es|ing)? (?:your|the) (?:body|liver|kidneys|colon|blood|system|organs)(?-u:\b)|(?:flush(?:es|ing)?|cleanse[sd]?|cleansing|purge[sd]?|purging|draws?|pulls?) (?:out )?(?:harmful |deadly |the |all |these )?toxins(?-u:\b)|(?:boosts?|boosting|supercharges?|strengthens?) your immune system(?-u:\b)",
        DETOX_FIRST_WORDS,
    )
}

#[cfg(test)]
mod tests {
    use crate::signals::Reading;
    use proptest::prelude::*;

    use super::super::{registry, PatternRate, Signal};
    use super::{cure_claim, detox_claim};
    use crate::document::{Document, Format};

    /// Hits as (start, end).
    type Spans = Vec<(usize, usize)>;

    /// The hits of a claim signal run at its first words, and of the same signal scanning the
    /// whole text.
    fn both(signal: fn() -> PatternRate, text: &str) -> (Spans, Spans) {
        static REGISTRY: std::sync::LazyLock<super::super::Registry> =
            std::sync::LazyLock::new(registry);
        let doc = Document::new(text, Format::Text, &REGISTRY.phrases);
        let doc = Reading::new(&doc);
        let at_words = signal();
        let mut everywhere = signal();
        everywhere.starts = None;
        let spans = |s: &PatternRate| -> Spans {
            s.measure(&doc)
                .hits
                .iter()
                .map(|h| (h.start, h.end))
                .collect()
        };
        (spans(&at_words), spans(&everywhere))
    }

    #[test]
    fn claims_are_found_at_their_first_words() {
        let text = "Doctors hate it: this Miracle cure will REVERSE your diabetes and cure-all \
                    tea flushes out toxins. It cures it permanently, 100% natural remedy! There \
                    is no evidence that it cures cancer. Boost your immune system.";
        let (at_words, everywhere) = both(cure_claim, text);
        assert_eq!(at_words.len(), 5, "{at_words:?}");
        assert_eq!(at_words, everywhere);
        let (at_words, everywhere) = both(detox_claim, text);
        assert_eq!(at_words.len(), 2, "{at_words:?}");
        assert_eq!(at_words, everywhere);
    }

    /// Text made of the patterns' first words and the words after them, in several cases, and
    /// of the bytes that decide a word boundary.
    fn text() -> impl Strategy<Value = String> {
        const PIECES: &[&str] = &[
            " ",
            ",",
            ".",
            "\n",
            "-",
            "_",
            "x",
            "no ",
            "not ",
            "claims ",
            "cure",
            "Cure",
            "CURES",
            "s",
            "d",
            " all",
            "-all",
            " it ",
            "them ",
            "naturally",
            "permanently",
            " your ",
            "diabetes",
            "cancer",
            "arthritis",
            "reverse",
            "Reversing",
            "heals",
            "get rid of ",
            "gets rid of ",
            "melt away ",
            "belly fat",
            "miracle ",
            "natural ",
            "100% natural ",
            "remedy",
            "remedies",
            "secret ",
            "detox",
            "ify",
            " the body",
            "flush",
            "es",
            " out ",
            "toxins",
            "harmful ",
            "boost",
            "Boosting",
            " immune system",
            "draws ",
        ];
        super::super::text_of_pieces(PIECES)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Running the claim patterns only at their first words finds what a scan of the whole
        /// text finds.
        #[test]
        fn first_words_miss_no_claim(text in text()) {
            let (at_words, everywhere) = both(cure_claim, &text);
            prop_assert_eq!(at_words, everywhere, "{:?}", text);
            let (at_words, everywhere) = both(detox_claim, &text);
            prop_assert_eq!(at_words, everywhere, "{:?}", text);
        }
    }
}
