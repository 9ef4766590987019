//! SPUN005: synonym swaps that no list names, found with word statistics of reliable text.

use std::fmt;

use super::{Family, Hit, Measurement, Polarity, Reading, Signal, SignalSpec, PER_THOUSAND};
use crate::document::Document;
use crate::fingerprint;
use crate::frequency::{first_mark, last_mark, BigramTable, SynonymTable};

/// A swap is flagged when a likely original fits a neighbouring word at least this often in
/// reliable text while the word found never fits its neighbours, or five times this often when
/// the word found fits them once.
const MIN_ORIGINAL_SUPPORT: u32 = 6;

/// Flags are counted per 1,000 words, but over at least this many words: a short text with two
/// chance flags is not spun.
pub const RATE_FLOOR_WORDS: usize = 300;

/// Below this rate of flagged words the signal stays silent: isolated flags are the noise of
/// ordinary writing. Set just above the 99th percentile of held-out reliable documents (5.10,
/// where it fired on 1.005% of them; see
/// `examples/spin_eval.rs` and the README), so it fires on about 1% of good pages.
pub const FIRING_RATE: f64 = 5.2;

const SPEC: SignalSpec = SignalSpec {
    id: "SPUN005",
    version: 5,
    family: Family::Spun,
    polarity: Polarity::Concern,
    name: "synonym-swap",
    message: "a word swapped for a thesaurus synonym that does not fit its neighbours",
    unit: PER_THOUSAND,
    doc: "What it detects: words an article spinner swapped for a thesaurus synonym (\"blood \
          strain\" for \"blood pressure\", \"aspect impacts\" for \"side effects\"), with no list \
          of swaps. A word is flagged when WordNet gives it a synonym that is at least ten times \
          as frequent in reliable health text and that fits a neighbouring word there (six \
          times or more), while the word itself fits neither neighbour (the word or punctuation \
          mark on each side). A punctuation mark never speaks for the synonym: a frequent word \
          follows a comma more often than a rare one whatever it means. The tables (894,000 word \
          pairs and 10,300 synonym lists, learned from MedQuAD and FakeHealth, held-out fifth \
          excluded, with the pairs of WordNet's definitions and examples of use, so that a word \
          used as ordinary prose uses it is not taken for a swap) are compiled in. The signal \
          fires only when flagged words reach 5.2 per 1,000 words (counted over at least 300 \
          words): single flags are the noise of ordinary writing. A word is flagged once a \
          document: a term the text keeps using (\"radiotherapy\" in a review of radiotherapy) is \
          its subject, while a spinner draws each swap afresh. A word that WordNet lists with \
          its own respelling (British \"randomised\", \"manoeuvre\", \"centre\") has no \
          synonym list: a regional spelling is not a swap, and is never flagged.\n\
          Why it lowers reliability: spun text is copied text disguised from duplicate-content \
          checks; its meaning drifts with every swap and nobody checked it.\n\
          Example: \"... a wholesome diet depleted in salt can depress blood strain in many \
          grownups.\" (said 'depleted', likely 'low'; said 'depress', likely 'lower')",
    fires_on: &[
        "Patients with high blood strain should take their medicine every day and ask the \
         physician about potential aspect impacts. Adults with hypertension have a greater peril \
         of cardiac arrest and apoplexy. Physicians commonly prescribe diuretics, and a wholesome \
         diet depleted in salt can depress blood strain in many grownups. Checking your blood \
         strain at dwelling is a smart thought.",
    ],
    quiet_on: &[
        "Patients with high blood pressure should take their medicine every day and ask the \
         doctor about possible side effects. Adults with hypertension have a higher risk of heart \
         attack and stroke. Doctors often prescribe diuretics, and a healthy diet low in salt can \
         lower blood pressure in many adults. Checking your blood pressure at home is a good \
         idea.",
    ],
};

/// SPUN005: synonym swaps.
pub struct SynonymSwap {
    bigrams: BigramTable<'static>,
    synonyms: SynonymTable<'static>,
}

impl fmt::Debug for SynonymSwap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SynonymSwap")
            .field("bigrams", &self.bigrams.len())
            .field("synonyms", &self.synonyms.len())
            .finish()
    }
}

impl SynonymSwap {
    /// Reads the compiled-in tables.
    pub fn new() -> Self {
        let bigrams = BigramTable::new(include_bytes!("../../data/frequency/bigrams.bin"))
            .unwrap_or_else(|| panic!("built-in bigram table is corrupt"));
        let synonyms = SynonymTable::new(include_bytes!("../../data/frequency/synonyms.bin"))
            .unwrap_or_else(|| panic!("built-in synonym table is corrupt"));
        Self { bigrams, synonyms }
    }

    /// The flagged words of a document, whatever their rate. Words and their neighbours are
    /// looked up by the fingerprints the document holds: no word is hashed again.
    pub fn flags(&self, doc: &Document<'_>) -> Vec<Hit> {
        let fingerprints = doc.fingerprints();
        let mut hits: Vec<Hit> = Vec::new();
        // Each word with a word on both sides. The synonym table first: its filter turns away
        // most words by their fingerprint, before any text is read.
        for i in 1..doc.tokens.len().saturating_sub(1) {
            let said = fingerprints[i];
            let Some(likely) = self.synonyms.synonyms(said) else {
                continue;
            };
            let (before, token, after) = (&doc.tokens[i - 1], &doc.tokens[i], &doc.tokens[i + 1]);
            let word = doc.token_text(token);
            if !is_plain_word(word) {
                continue;
            }
            // The unit on each side: a punctuation mark in the gap, or else the word.
            let mark_before = last_mark(&doc.text[before.end()..token.start()]);
            let a = mark_before.map_or(fingerprints[i - 1], fingerprint::of_word);
            let found_before = self.bigrams.count(a, said);
            if found_before > 1 {
                continue; // the word fits the unit before it: no swap (most words stop here)
            }
            let mark_after = first_mark(&doc.text[token.end()..after.start()]);
            let b = mark_after.map_or(fingerprints[i + 1], fingerprint::of_word);
            let found = found_before + self.bigrams.count(said, b);
            if found > 1 {
                continue;
            }
            // Only a neighbouring word speaks for a likely original. A synonym ten times as
            // frequent as the word found follows a comma ten times as often whatever it means:
            // support from punctuation flagged ordinary prose ("a beloved, newly retired
            // doctor", said 'newly', likely 'new'). With a mark on both sides nothing can.
            let word_before = mark_before.is_none().then_some(a);
            let word_after = mark_after.is_none().then_some(b);
            if word_before.is_none() && word_after.is_none() {
                continue;
            }
            let best = likely
                .map(|s| {
                    let s_print = fingerprint::of_word(s);
                    let support = word_before.map_or(0, |a| self.bigrams.count(a, s_print))
                        + word_after.map_or(0, |b| self.bigrams.count(s_print, b));
                    (support, s)
                })
                .max_by_key(|&(support, _)| support);
            if let Some((support, original)) = best {
                // A word is flagged once a document (see the spec). Flags are few, so the
                // hits so far are read again rather than kept in a set beside them.
                let flagged_before = || {
                    hits.iter()
                        .any(|hit| fingerprint::of_word(&doc.text[hit.start..hit.end]) == said)
                };
                if support >= MIN_ORIGINAL_SUPPORT * (1 + 4 * found) && !flagged_before() {
                    hits.push(Hit {
                        start: token.start(),
                        end: token.end(),
                        note: Some(format!("said '{word}', likely '{original}'")),
                    });
                }
            }
        }
        hits
    }
}

impl SynonymSwap {
    /// Flags per 1,000 words, counted over at least 300 words.
    pub fn rate(flags: usize, doc: &Document<'_>) -> f64 {
        flags as f64 * 1000.0 / doc.word_count().max(RATE_FLOOR_WORDS) as f64
    }
}

impl Default for SynonymSwap {
    fn default() -> Self {
        Self::new()
    }
}

/// Letters only, lowercase but for a capital first letter (acronyms and names are left alone).
fn is_plain_word(word: &str) -> bool {
    match word.as_bytes() {
        [first, rest @ ..] => {
            word.len() >= 3
                && first.is_ascii_alphabetic()
                && rest.iter().all(u8::is_ascii_lowercase)
        }
        [] => false,
    }
}

impl Signal for SynonymSwap {
    fn spec(&self) -> &'static SignalSpec {
        &SPEC
    }

    fn measure(&self, doc: &Reading<'_, '_>) -> Measurement {
        let hits = self.flags(doc);
        let rate = Self::rate(hits.len(), doc);
        if rate < FIRING_RATE {
            return Measurement::default();
        }
        Measurement { value: rate, hits }
    }
}

#[cfg(test)]
mod tests {
    use super::SynonymSwap;
    use crate::document::{Document, Format};
    use crate::fingerprint;
    use crate::lexicon::PhraseIndex;

    fn flagged(text: &str) -> Vec<&str> {
        let doc = Document::new(text, Format::Text, &PhraseIndex::empty());
        SynonymSwap::new()
            .flags(&doc)
            .into_iter()
            .map(|hit| &text[hit.start..hit.end])
            .collect()
    }

    /// A word is flagged where it first does not fit, and not again: a term a text keeps
    /// using is its subject, while a spinner draws each swap afresh.
    #[test]
    fn a_word_is_flagged_once_a_document() {
        let once = "A wholesome diet depleted in salt helps.";
        assert_eq!(flagged(once), ["depleted"]);
        let twice = format!("{once} Meals depleted in salt are wise.");
        assert_eq!(flagged(&twice), ["depleted"]);
        let two_words = format!("{once} Adults have a greater peril of cardiac arrest.");
        assert_eq!(flagged(&two_words), ["depleted", "peril"]);
    }

    /// The shipped tables follow the rule `examples/build_frequency_tables.rs` applies: a word
    /// WordNet lists with its own respelling has no synonyms, so it is never flagged, however
    /// rare its spelling is in the tables. "manoeuvre" was flagged before the rule moved there
    /// ("said 'manoeuvre', likely 'head'").
    #[test]
    fn regional_spellings_have_no_synonym_list() {
        let swaps = SynonymSwap::new();
        let listed = |word: &str| {
            swaps
                .synonyms
                .synonyms(fingerprint::of_word(word))
                .is_some()
        };
        for word in [
            "manoeuvre",
            "utilisation",
            "randomised",
            "judgement",
            "diarrhoea",
        ] {
            assert!(!listed(word), "{word}");
        }
        for word in ["depleted", "strain", "peril"] {
            assert!(
                listed(word),
                "{word}: a spinner's word keeps its likely originals"
            );
        }
    }
}
