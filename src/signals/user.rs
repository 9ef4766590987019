//! A curator's rules: signals read at run time from a configuration (`chaff.toml`, read and
//! checked by the command line's `config` module), in the format of the built-in rules
//! (`data/signals/README.md`), measured as the built-in ones are.

use super::{Origin, PatternCount, PatternRate, PhraseRate, Prefilter, Signal, SignalSpec};
use crate::lexicon::{Entry, LexiconBuilder};

/// A curator's rule, checked: its description, how it is measured, and its weight on the spam
/// head, if any.
#[derive(Debug, Clone)]
pub struct UserRule {
    /// Its description (made once per configuration read, and kept for the process).
    pub spec: &'static SignalSpec,
    /// How it is measured.
    pub measure: UserMeasure,
    /// Its weight on the spam head: it adds `weight × ln(1 + value)` to the spam logit, as a
    /// trained feature adds its weight times its standardised transformed value. `None`: the
    /// rule's evidence is reported and it contributes nothing (like a signal in preview).
    pub weight: Option<f64>,
}

/// How a curator's rule is measured (the measures of the built-in rules' format that take no
/// code of chaff's: the named filters and gates are for the built-in rules).
#[derive(Debug, Clone)]
pub enum UserMeasure {
    /// The phrases of a lexicon per 1,000 words, and the matches of a pattern where they
    /// overlap no phrase (`phrase-rate`).
    Phrases {
        /// The lexicon's entries.
        entries: Vec<Entry>,
        /// A regular expression whose matches count too (checked: it compiles).
        pattern: Option<String>,
        /// The rate that fluent writing reaches, of which only the excess counts (checked:
        /// above 0).
        allowance: Option<f64>,
    },
    /// The matches of a regular expression per 1,000 words (`pattern-rate`).
    Rate {
        /// The regular expression (checked: it compiles).
        pattern: String,
        /// Whether its engine may skip ahead to a literal every match holds.
        prefilter: bool,
        /// As for phrases.
        allowance: Option<f64>,
    },
    /// The matches of a regular expression counted, up to 100 (`pattern-count`).
    Count {
        /// The regular expression (checked: it compiles).
        pattern: String,
    },
}

impl UserRule {
    /// The rule's signal; a lexicon goes into the pipeline's phrase index.
    pub(crate) fn signal(&self, lexicons: &mut LexiconBuilder) -> Box<dyn Signal> {
        match &self.measure {
            UserMeasure::Phrases {
                entries,
                pattern,
                allowance,
            } => {
                let mut signal = PhraseRate::of_entries(self.spec, entries.clone(), lexicons);
                if let Some(allowance) = allowance {
                    signal = signal.with_allowance(*allowance);
                }
                match pattern {
                    Some(pattern) => Box::new(signal.with_pattern_from(pattern, Origin::Curator)),
                    None => Box::new(signal),
                }
            }
            UserMeasure::Rate {
                pattern,
                prefilter,
                allowance,
            } => {
                let prefilter = if *prefilter {
                    Prefilter::Auto
                } else {
                    Prefilter::Off
                };
                let mut signal = PatternRate::curator(self.spec, pattern, prefilter);
                if let Some(allowance) = allowance {
                    signal = signal.with_allowance(*allowance);
                }
                Box::new(signal)
            }
            UserMeasure::Count { pattern } => Box::new(PatternCount(PatternRate::curator(
                self.spec,
                pattern,
                Prefilter::Auto,
            ))),
        }
    }
}
