//! The screen: one pass over a document for the patterns that seldom match.
//!
//! Each regular expression costs a full automaton pass over the text (about 9 µs for 5 KB on
//! the benchmark machine) whether it matches or not, and several pattern signals match in under
//! 1% of documents (bylines, phone numbers, first-name anecdotes, generation artefacts, number
//! words for reference marks; sales prices in 3%). The screen compiles those patterns into one
//! lazy DFA that reports *which* of them match anywhere in the text (all matches, overlapping):
//! one pass for all of them, about 12 µs a document. A signal whose pattern is not among them
//! returns at once; the others run their own pattern as before, so every match, span and capture
//! is exactly what the pattern alone finds.
//!
//! Only patterns that keep the union small belong here: a bounded repetition such as
//! `[^\n]{3,100}` multiplies the states of an all-matches automaton (with the question-heading
//! pattern added the screen took 1.1 ms a document).

use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::{Input, MatchKind, PatternID, PatternSet};

use crate::document::Document;

/// Collects the screened patterns of a pipeline; [`ScreenBuilder::build`] compiles them.
#[derive(Debug, Default)]
pub(crate) struct ScreenBuilder {
    patterns: Vec<String>,
    screen: Arc<OnceLock<Screen>>,
}

impl ScreenBuilder {
    /// Registers a pattern; the slot answers whether it can match a document.
    pub(crate) fn add(&mut self, pattern: &str) -> Slot {
        self.patterns.push(pattern.to_owned());
        Slot {
            screen: Arc::clone(&self.screen),
            index: self.patterns.len() - 1,
        }
    }

    /// Compiles the registered patterns (built-in ones: an error is a bug in chaff).
    pub(crate) fn build(self) {
        let dfa = DFA::builder()
            .configure(DFA::config().match_kind(MatchKind::All))
            .thompson(thompson::Config::new().which_captures(WhichCaptures::None))
            .build_many(&self.patterns)
            .unwrap_or_else(|e| panic!("built-in screen patterns: {e}"));
        // Set once, here: a second build of the same builder cannot happen (`self` is moved).
        let _ = self.screen.set(Screen {
            dfa,
            caches: thread_local::ThreadLocal::new(),
        });
    }
}

/// The compiled screen: the union DFA, and a search cache per thread.
pub(crate) struct Screen {
    dfa: DFA,
    caches: thread_local::ThreadLocal<RefCell<Cache>>,
}

impl std::fmt::Debug for Screen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Screen")
            .field("patterns", &self.dfa.pattern_len())
            .finish_non_exhaustive()
    }
}

impl Screen {
    /// The patterns that match somewhere in `text`, or `None` when the automaton gave up (then
    /// any may match).
    fn run(&self, text: &str) -> Option<PatternSet> {
        let mut cache = self
            .caches
            .get_or(|| RefCell::new(self.dfa.create_cache()))
            .borrow_mut();
        let mut found = PatternSet::new(self.dfa.pattern_len());
        self.dfa
            .try_which_overlapping_matches(&mut cache, &Input::new(text), &mut found)
            .ok()?;
        Some(found)
    }
}

/// What the screen found in a document, kept in the document for every screened signal.
#[derive(Debug)]
pub(crate) struct Screened {
    /// The screen it comes from (its address), so a document measured by the signals of
    /// another pipeline never reads a foreign answer.
    screen: usize,
    found: Option<PatternSet>,
}

/// A screened pattern's place in its pipeline's screen.
#[derive(Debug, Clone)]
pub(crate) struct Slot {
    screen: Arc<OnceLock<Screen>>,
    index: usize,
}

impl Slot {
    /// False only when the pattern has no match anywhere in the document's text.
    pub(crate) fn may_match(&self, doc: &Document<'_>) -> bool {
        let Some(screen) = self.screen.get() else {
            return true; // never built: no screening
        };
        let id = Arc::as_ptr(&self.screen) as usize;
        let screened = doc.screened.get_or_init(|| Screened {
            screen: id,
            found: screen.run(&doc.text),
        });
        let contains = |found: &PatternSet| found.contains(PatternID::must(self.index));
        if screened.screen == id {
            screened.found.as_ref().is_none_or(contains)
        } else {
            screen.run(&doc.text).as_ref().is_none_or(contains)
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::{citation, commercial, hype, spun, PatternRate, Signal};
    use super::ScreenBuilder;
    use crate::document::Format;
    use crate::lexicon::PhraseIndex;
    use crate::Document;

    /// Every screened signal, twice: screened (by one screen) and alone.
    fn pairs() -> Vec<(PatternRate, PatternRate)> {
        let makers: [fn() -> PatternRate; 6] = [
            spun::numbers_for_reference_marks,
            hype::generation_artefacts,
            hype::invented_anecdotes,
            citation::byline,
            commercial::sales_pricing,
            commercial::phone_numbers,
        ];
        let mut builder = ScreenBuilder::default();
        let pairs = makers
            .iter()
            .map(|make| (make().screened(&mut builder), make()))
            .collect();
        builder.build();
        pairs
    }

    fn same(pairs: &[(PatternRate, PatternRate)], text: &str) -> Result<(), TestCaseError> {
        let doc = Document::new(text, Format::Text, &PhraseIndex::empty());
        for (screened, alone) in pairs {
            prop_assert_eq!(
                screened.measure(&doc),
                alone.measure(&doc),
                "{} on {:?}",
                alone.spec.id,
                text
            );
        }
        Ok(())
    }

    /// Text made of pieces of the screened patterns, of the words around them and of awkward
    /// characters (case folding: `ſ` is `s`, the Kelvin sign `k`), so that matches are frequent
    /// and found at every place in the text.
    fn text() -> impl Strategy<Value = String> {
        const PIECES: &[&str] = &[
            " ",
            ", ",
            ".",
            "! ",
            "\n",
            "\t",
            "-",
            "_",
            "é",
            "ſ",
            "\u{212A}",
            "$",
            "£",
            "€",
            "19.99",
            "5",
            "20",
            "%",
            " % ",
            "% off",
            "OFF",
            "save ",
            "Save ",
            "up to ",
            "code",
            "only ",
            "per ",
            "bottle",
            "1-",
            "555",
            "123",
            "1234",
            "(555) ",
            "+44",
            "7946",
            "٣٤٥",
            "Sarah",
            "Meet ",
            "a ",
            "an ",
            "42",
            "-year-old",
            "a patient named ",
            "Tom, 42,",
            "By ",
            "Jane ",
            "Smith",
            "Written by",
            "Published ",
            "March 3, 2020",
            "2020-01-02",
            "Updated: ",
            "studies.",
            "one",
            "two ",
            "Three",
            "- ",
            "* ",
            "Explain ",
            "here",
            "in this section",
            "[insert ",
            "keyword]",
            "As an AI ",
            "I hope this helps",
        ];
        super::super::text_of_pieces(PIECES)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Screening changes no measurement: what a screened signal finds is what its pattern
        /// alone finds.
        #[test]
        fn screened_signals_find_what_their_patterns_find(text in text()) {
            static PAIRS: std::sync::OnceLock<Vec<(PatternRate, PatternRate)>> =
                std::sync::OnceLock::new();
            same(PAIRS.get_or_init(pairs), &text)?;
        }
    }

    #[test]
    fn the_screen_passes_examples_and_stops_ordinary_news() {
        let pairs = pairs();
        let news = "The drug lowered blood pressure in 41 of 100 patients over 12 weeks, the \
                    researchers said. Side effects were mild.";
        let doc = Document::new(news, Format::Text, &PhraseIndex::empty());
        for (screened, _) in &pairs {
            let slot = screened.screen.as_ref().expect("screened");
            assert!(
                !slot.may_match(&doc),
                "{} passed ordinary news",
                screened.spec.id
            );
            for example in screened.spec.fires_on {
                let doc = Document::new(example, Format::Text, &PhraseIndex::empty());
                assert!(
                    slot.may_match(&doc),
                    "{} stopped {example:?}",
                    screened.spec.id
                );
            }
        }
    }

    #[test]
    fn a_document_screened_by_another_pipeline_gets_its_own_answer() {
        // Two screens of the same patterns in another order: a document screened by the first
        // must still get right answers from the second.
        let mut first = ScreenBuilder::default();
        let phones = commercial::phone_numbers().screened(&mut first);
        first.build();
        let mut second = ScreenBuilder::default();
        let bylines = citation::byline().screened(&mut second);
        let phones_too = commercial::phone_numbers().screened(&mut second);
        second.build();
        let text = "Call 555-123-4567 today.";
        let doc = Document::new(text, Format::Text, &PhraseIndex::empty());
        assert!(phones.screen.as_ref().unwrap().may_match(&doc));
        assert!(!bylines.screen.as_ref().unwrap().may_match(&doc));
        assert!(phones_too.screen.as_ref().unwrap().may_match(&doc));
        assert_eq!(phones.measure(&doc), phones_too.measure(&doc));
    }
}
