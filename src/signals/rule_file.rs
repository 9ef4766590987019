// The format of a rule file: a signal written as data (`data/signals/README.md`). Included by
// `build.rs`, which compiles the built-in rules into Rust, and by `src/config.rs`, which reads
// a curator's rules from `chaff.toml` at run time: one format, read in one place.

/// One rule: a signal written as data. The built-in rules must give every field but `weight`
/// (`build.rs` checks); a curator's rule may leave out what has a default.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Rule {
    /// The stable id.
    id: String,
    /// The kebab-case name.
    name: String,
    /// Bumped when what it measures changes.
    #[serde(default = "first_version")]
    version: u32,
    /// spun, hype, citation, commercial, cure or quality.
    family: String,
    /// concern (more of it lowers reliability) or support.
    #[serde(default = "concern")]
    polarity: String,
    /// One line, shown next to each piece of evidence.
    message: String,
    /// What it detects, why it matters, an example.
    #[serde(default)]
    doc: String,
    /// Texts it must fire on.
    #[serde(default)]
    fires_on: Vec<String>,
    /// Texts it must stay quiet on.
    #[serde(default)]
    quiet_on: Vec<String>,
    /// A curator's rule only: its weight on the spam head (none: reported as evidence,
    /// contributing nothing).
    #[serde(default)]
    weight: Option<f64>,
    /// How it is measured.
    measure: Measure,
}

fn first_version() -> u32 {
    1
}

fn concern() -> String {
    "concern".to_owned()
}

/// How a rule's signal is measured.
#[derive(serde::Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
enum Measure {
    /// The phrases of a lexicon under `data/lexicons/`, as a rate per 1,000 words.
    PhraseRate {
        /// The lexicon file (built-in: under `data/lexicons/`; a curator's: beside the
        /// configuration).
        lexicon: String,
        /// Tab-separated fields a line may have, the phrase included.
        #[serde(default = "one_field")]
        fields: usize,
        /// A regular expression whose matches count too, where they overlap no phrase.
        #[serde(default)]
        pattern: Option<Pattern>,
        /// A named filter of phrase matches (`src/signals/filters.rs`).
        #[serde(default)]
        filter: Option<String>,
        /// The evidence's note: `{said}` is the matched text, `{1}`, `{2}` the entry's fields
        /// after the phrase (an entry without the field gets no note).
        #[serde(default)]
        note: Option<String>,
        /// The rate per 1,000 words that fluent human writing reaches with these phrases: only
        /// the excess counts, and a text within it shows no evidence (none: every phrase
        /// counts). For everyday words that generated text overuses: one "potential" in a
        /// news story is English, five in 300 words are a fingerprint.
        #[serde(default)]
        allowance: Option<f64>,
    },
    /// The matches of a regular expression in the clean text, as a rate per 1,000 words (a
    /// group named `hit` is the evidence, when the pattern has one).
    PatternRate {
        /// The regular expression (the `regex` crate's syntax).
        pattern: Pattern,
        /// Whether the engine may skip ahead to a literal every match contains (off when that
        /// literal is a common word: stopping at each costs more than one pass).
        #[serde(default = "yes")]
        prefilter: bool,
        /// A named filter of pattern matches (`src/signals/filters.rs`).
        #[serde(default)]
        filter: Option<String>,
        /// A named gate (`src/signals/filters.rs`): a cheap test of the document without which
        /// no match of the pattern counts, so it is not searched.
        #[serde(default)]
        gate: Option<String>,
        /// The words (any case) every match starts with, at a word boundary: the pattern runs
        /// only where one of them stands in the text (or the other starts below).
        #[serde(default)]
        starting_words: Option<Vec<String>>,
        /// Other places every match starts at, besides the starting words: `numbers`,
        /// `currency-signs` (`src/signals/starts.rs`).
        #[serde(default)]
        starting_at: Option<Vec<String>>,
        /// As for a phrase rate: the rate per 1,000 words that fluent human writing reaches,
        /// beyond which the matches count.
        #[serde(default)]
        allowance: Option<f64>,
    },
    /// The matches of a regular expression counted, up to 100, not divided by the length of
    /// the text (specifics a thorough story reports more of).
    PatternCount {
        /// The regular expression.
        pattern: Pattern,
        /// What the value counts, for `chaff features`.
        unit: String,
        /// As for a pattern rate.
        #[serde(default)]
        starting_words: Option<Vec<String>>,
        /// As for a pattern rate.
        #[serde(default)]
        starting_at: Option<Vec<String>>,
    },
}

/// A regular expression: one string, or alternatives (each with its own comment in the file)
/// joined with `|`.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Pattern {
    One(String),
    Alternatives(Vec<String>),
}

impl Pattern {
    fn source(&self) -> String {
        match self {
            Pattern::One(pattern) => pattern.clone(),
            Pattern::Alternatives(alternatives) => alternatives.join("|"),
        }
    }
}

fn yes() -> bool {
    true
}

fn one_field() -> usize {
    1
}

/// A rate's allowance, checked (a finite rate above 0 per 1,000 words), with the unit
/// of the signal's value.
fn allowance_unit(allowance: f64) -> Result<String, String> {
    if allowance.is_finite() && allowance > 0.0 {
        Ok(format!(
            "occurrences per 1,000 words beyond an allowance of {allowance}"
        ))
    } else {
        Err(format!(
            "an allowance is a rate above 0 per 1,000 words, not {allowance}"
        ))
    }
}
