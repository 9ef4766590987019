//! Hype: puffery, sales superlatives and the vocabulary of mass-produced articles.

use rust_stemmers::Stemmer;

use super::{Family, PatternRate, PhraseRate, Polarity, SignalSpec, PER_THOUSAND};

const HEALTH_MARKETING: SignalSpec = SignalSpec {
    id: "HYPE001",
    version: 1,
    family: Family::Hype,
    polarity: Polarity::Concern,
    name: "health-marketing-superlative",
    message: "a health-marketing superlative or absolute claim",
    unit: PER_THOUSAND,
    doc: "What it detects: the superlatives and absolutes of health marketing (\"miracle\", \
          \"breakthrough\", \"game-changer\", \"revolutionary\", \"100% natural\", \"no side \
          effects\", \"doctors hate\"), counted as a rate per 1,000 words because sober writing \
          uses a few of them too.\n\
          Why it lowers reliability: HealthNewsReview.org's reviewers marked stories down for \
          these words; they promise more than any evidence supports.\n\
          Example: \"This miracle supplement is a game-changer with no side effects.\"",
    fires_on: &[
        "This miracle supplement is a game-changer with no side effects.",
        "A revolutionary, 100% natural detox that doctors hate.",
    ],
    quiet_on: &[
        "The supplement lowered blood pressure slightly in a small trial; side effects were mild.",
        "Researchers reported modest benefits and called for larger studies.",
    ],
};

/// HYPE001: health-marketing superlatives.
pub(super) fn health_marketing(stemmer: &Stemmer) -> PhraseRate {
    PhraseRate::builtin(
        &HEALTH_MARKETING,
        include_str!("../../data/lexicons/hype_marketing.tsv"),
        1,
        stemmer,
    )
}

const SEO_VOCABULARY: SignalSpec = SignalSpec {
    id: "HYPE002",
    version: 1,
    family: Family::Hype,
    polarity: Polarity::Concern,
    name: "seo-filler-vocabulary",
    message: "inflated vocabulary typical of mass-produced SEO articles",
    unit: PER_THOUSAND,
    doc: "What it detects: the inflated words and stock phrases of generated SEO articles \
          (\"delve\", \"realm\", \"tapestry\", \"unlock the potential\", \"navigating the \
          landscape\", \"in today's fast-paced world\"), as a rate per 1,000 words.\n\
          Why it lowers reliability: content farms generate health articles at volume with this \
          vocabulary; a high rate marks filler written to rank, not to inform.\n\
          Example: \"Let's delve into the intricate realm of gut health and unlock the potential \
          of probiotics.\"",
    fires_on: &[
        "Let's delve into the intricate realm of gut health and unlock the potential of probiotics.",
        "In today's fast-paced world, navigating the landscape of nutrition plays a pivotal role.",
    ],
    quiet_on: &[
        "Probiotics may shorten diarrhoea caused by antibiotics, but the evidence is mixed.",
        "The study followed 2,000 adults for ten years and recorded every fracture.",
    ],
};

/// HYPE002: SEO filler vocabulary.
pub(super) fn seo_vocabulary(stemmer: &Stemmer) -> PhraseRate {
    PhraseRate::builtin(
        &SEO_VOCABULARY,
        include_str!("../../data/lexicons/seo_vocabulary.tsv"),
        1,
        stemmer,
    )
}

const EXCLAMATIONS: SignalSpec = SignalSpec {
    id: "HYPE003",
    version: 1,
    family: Family::Hype,
    polarity: Polarity::Concern,
    name: "exclamation",
    message: "an exclamation mark",
    unit: PER_THOUSAND,
    doc: "What it detects: exclamation marks (a run of them counts once), as a rate per 1,000 \
          words.\n\
          Why it lowers reliability: informative health writing almost never exclaims; sales copy \
          and clickbait do it in every paragraph.\n\
          Example: \"Lose 10 pounds in a week!!! It really works!\"",
    fires_on: &["Lose 10 pounds in a week!!! It really works!"],
    quiet_on: &["Weight loss of more than two pounds a week is rarely sustained."],
};

/// HYPE003: exclamation marks.
pub(super) fn exclamations() -> PatternRate {
    PatternRate::builtin(&EXCLAMATIONS, r"!+")
}
