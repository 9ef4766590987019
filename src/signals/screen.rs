//! The screen: one pass over a document for the patterns that seldom match.
//!
//! Each regular expression costs a full automaton pass over the text (about 9 µs for 5 KB on
//! the benchmark machine) whether it matches or not, and several pattern signals match in under
//! 1% of documents (bylines, phone numbers, first-name anecdotes, generation artefacts, number
//! words for reference marks; sales prices in 3%). The screen compiles those patterns into one
//! lazy DFA that reports *which* of them match anywhere in the text (all matches, overlapping).
//! A pattern whose union with the others would blow up the automaton (the citation markers, in
//! about a fifth of documents) gets a DFA of its own that only tells whether it matches. A
//! signal whose pattern does not match returns at once; the others run their own pattern as
//! before, so every match, span and capture is exactly what the pattern alone finds.
//!
//! A DFA pass is bound by latency: each byte's transition waits for the one before (about
//! 2 ns a byte here). The screen therefore steps several independent passes in one loop, which
//! the processor overlaps: each automaton runs over the two halves of the text at once. The
//! pass over the first half goes on past the middle until it is in the very state the pass
//! over the second half was in at the same place; from there on both would see the same
//! matches (it finds where by walking the second pass again beside it). Measured on the
//! benchmark corpus: 12.4-14.4 µs a document for the union and the citation markers together,
//! against 21-24 µs for the two searched one after the other. The loop keeps no more state than
//! the passes need: when it spilled per-lane flags to the stack, it ran at 10-11 or 18-24 µs
//! depending on where the process's stack happened to lie.
//!
//! Only patterns that keep the union small belong in it: a bounded repetition such as
//! `[^\n]{3,100}` multiplies the states of an all-matches automaton (with the question-heading
//! pattern added the screen took 1.1 ms a document).

use std::sync::{Arc, OnceLock};

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::hybrid::LazyStateID;
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::{Input, MatchKind, PatternID, PatternSet};

use super::Reading;
use crate::memo::Memo;
use crate::per_thread::PerThread;

/// Collects the screened patterns of a pipeline; [`ScreenBuilder::build`] compiles them.
#[derive(Debug, Default)]
pub(crate) struct ScreenBuilder {
    /// Each pattern, and whether it gets an automaton of its own.
    patterns: Vec<(String, bool)>,
    screen: Arc<OnceLock<Screen>>,
}

impl ScreenBuilder {
    /// Registers a pattern for the union; the slot answers whether it can match a document.
    pub(crate) fn add(&mut self, pattern: &str) -> Slot {
        self.register(pattern, false)
    }

    /// Registers a pattern that gets an automaton of its own (one that matches too often or
    /// is too large for the union); the slot answers whether it matches a document.
    pub(crate) fn add_alone(&mut self, pattern: &str) -> Slot {
        self.register(pattern, true)
    }

    fn register(&mut self, pattern: &str, alone: bool) -> Slot {
        self.patterns.push((pattern.to_owned(), alone));
        Slot {
            screen: Arc::clone(&self.screen),
            index: self.patterns.len() - 1,
        }
    }

    /// Compiles the registered patterns (built-in ones: an error is a bug in chaff), once a
    /// process: later scorers share the automata (see [`crate::memo`]).
    pub(crate) fn build(self) {
        static COMPILED: Memo<Vec<(String, bool)>, Vec<Automaton>> = Memo::with_capacity(16);
        let automata = COMPILED.get_or_make(self.patterns.clone(), || compile(&self.patterns));
        // Set once, here: a second build of the same builder cannot happen (`self` is moved).
        let _ = self.screen.set(Screen {
            patterns: self.patterns.len(),
            automata,
            scratch: PerThread::default(),
        });
    }
}

/// The most memory each automaton's lazy DFA may keep for its states, per thread. The union's
/// states fill about 2.1 MB on the benchmark corpus and then stop growing; at regex-automata's
/// default of 2 MB the cache was cleared every few thousand documents and its states built
/// again (state building was about 4% of the time over 50 MB). The cache grows only as states
/// are built, and twice what the corpus needs still bounds what a hostile input can make it
/// hold (two automata a thread: 16 MB on two threads, within the memory goal's 100 MB).
const SCREEN_CACHE_BYTES: usize = 4 << 20;

/// The automata of a screen's patterns: the union first, then each pattern that stands alone.
fn compile(patterns: &[(String, bool)]) -> Vec<Automaton> {
    let compile = |kind: MatchKind, patterns: &[&str]| {
        DFA::builder()
            .configure(
                DFA::config()
                    .match_kind(kind)
                    .cache_capacity(SCREEN_CACHE_BYTES),
            )
            .thompson(thompson::Config::new().which_captures(WhichCaptures::None))
            .build_many(patterns)
            .unwrap_or_else(|e| panic!("built-in screen patterns: {e}"))
    };
    let (alone, union): (Vec<_>, Vec<_>) = patterns
        .iter()
        .enumerate()
        .map(|(i, (pattern, alone))| (i, pattern.as_str(), *alone))
        .partition(|&(_, _, alone)| alone);
    let mut automata = Vec::new();
    if !union.is_empty() {
        let patterns: Vec<&str> = union.iter().map(|&(_, p, _)| p).collect();
        automata.push(Automaton {
            dfa: compile(MatchKind::All, &patterns),
            found: Found::Which(union.iter().map(|&(i, _, _)| PatternID::must(i)).collect()),
        });
    }
    for (i, pattern, _) in alone {
        automata.push(Automaton {
            dfa: compile(MatchKind::LeftmostFirst, &[pattern]),
            found: Found::Any(PatternID::must(i)),
        });
    }
    automata
}

/// One automaton of the screen, and what its matches say.
#[derive(Clone)]
struct Automaton {
    dfa: DFA,
    found: Found,
}

/// What the match states of an automaton tell.
#[derive(Clone)]
enum Found {
    /// A union of patterns, matching all of them (overlapping): each match state names the
    /// patterns that match there; these are their slots.
    Which(Vec<PatternID>),
    /// One pattern, leftmost-first: any match state means it matches; its slot.
    Any(PatternID),
}

impl Automaton {
    /// Notes what the state `sid` says in `found`; true when nothing more is to be learned
    /// from this automaton (its one pattern is known to match).
    fn note(&self, cache: &Cache, sid: LazyStateID, found: &mut PatternSet) -> bool {
        if !sid.is_match() {
            return false;
        }
        match &self.found {
            Found::Which(slots) => {
                for i in 0..self.dfa.match_len(cache, sid) {
                    found.insert(slots[self.dfa.match_pattern(cache, sid, i).as_usize()]);
                }
                false
            }
            Found::Any(slot) => {
                found.insert(*slot);
                true
            }
        }
    }

    /// True when nothing more is to be learned from this automaton: its one pattern is
    /// known to match.
    fn settled(&self, found: &PatternSet) -> bool {
        matches!(self.found, Found::Any(slot) if found.contains(slot))
    }

    /// The plain search, one pass: what the interleaved one must agree with, and what runs
    /// when it cannot.
    fn search(&self, cache: &mut Cache, text: &str, found: &mut PatternSet) -> Option<()> {
        let input = Input::new(text);
        match &self.found {
            Found::Which(slots) => {
                let mut local = PatternSet::new(self.dfa.pattern_len());
                self.dfa
                    .try_which_overlapping_matches(cache, &input, &mut local)
                    .ok()?;
                for id in local.iter() {
                    found.insert(slots[id.as_usize()]);
                }
            }
            Found::Any(slot) => {
                if self.dfa.try_search_fwd(cache, &input).ok()?.is_some() {
                    found.insert(*slot);
                }
            }
        }
        Some(())
    }
}

/// One transition of a lane: `None` when the automaton gave up, or when it cleared its cache
/// to make room (`clears` is the cache's count of clears when the run began). The lazy DFA
/// keeps a state's number until its cache is cleared; a clear renumbers them, and the other
/// lanes' states would be stale: the plain search then decides.
#[inline(always)]
fn step(
    dfa: &DFA,
    cache: &mut Cache,
    clears: usize,
    sid: LazyStateID,
    byte: u8,
) -> Option<LazyStateID> {
    if !sid.is_tagged() {
        // The common case: a known transition out of a plain state, which neither builds a
        // state nor clears the cache.
        let next = dfa.next_state_untagged(cache, sid, byte);
        if !next.is_unknown() {
            return Some(next);
        }
    }
    let next = dfa.next_state(cache, sid, byte);
    kept(cache, clears, next.ok()?)
}

/// The state a pass starts in, as [`step`].
fn start(dfa: &DFA, cache: &mut Cache, clears: usize, input: &Input<'_>) -> Option<LazyStateID> {
    let sid = dfa.start_state_forward(cache, input);
    kept(cache, clears, sid.ok()?)
}

/// The transition at the end of the text, as [`step`].
fn step_end(dfa: &DFA, cache: &mut Cache, clears: usize, sid: LazyStateID) -> Option<LazyStateID> {
    let next = dfa.next_eoi_state(cache, sid);
    kept(cache, clears, next.ok()?)
}

/// `sid`, if the cache was not cleared since the run began.
#[inline(always)]
fn kept(cache: &Cache, clears: usize, sid: LazyStateID) -> Option<LazyStateID> {
    (cache.clear_count() == clears).then_some(sid)
}

/// The two passes of one automaton over the halves of a text.
#[derive(Clone, Copy)]
struct Lanes {
    first: LazyStateID,
    second: LazyStateID,
}

/// The compiled screen: its automata, and search caches per thread.
pub(crate) struct Screen {
    patterns: usize,
    automata: Vec<Automaton>,
    scratch: PerThread<Scratch>,
}

/// A thread's search state: a cache per automaton.
struct Scratch {
    caches: Vec<Cache>,
}

impl std::fmt::Debug for Screen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Screen")
            .field("patterns", &self.patterns)
            .field("automata", &self.automata.len())
            .finish_non_exhaustive()
    }
}

impl Screen {
    /// The patterns that match somewhere in `text`, or `None` when an automaton gave up (then
    /// any may match).
    fn run(&self, text: &str) -> Option<PatternSet> {
        let mut scratch = self.scratch.get(|| Scratch {
            caches: self.automata.iter().map(|a| a.dfa.create_cache()).collect(),
        });
        let caches = &mut scratch.caches;
        let interleaved = match (self.automata.as_slice(), caches.as_mut_slice()) {
            ([a], [c]) => self.interleaved([a], [c], text),
            ([a, b], [c, d]) => self.interleaved([a, b], [c, d], text),
            _ => None,
        };
        interleaved.or_else(|| self.plain(caches, text))
    }

    /// One plain pass of each automaton, one after the other.
    fn plain(&self, caches: &mut [Cache], text: &str) -> Option<PatternSet> {
        let mut found = PatternSet::new(self.patterns);
        for (automaton, cache) in self.automata.iter().zip(caches) {
            automaton.search(cache, text, &mut found)?;
        }
        Some(found)
    }

    /// Every automaton over both halves of the text, stepped in one loop (see the module
    /// documentation).
    fn interleaved<const N: usize>(
        &self,
        automata: [&Automaton; N],
        caches: [&mut Cache; N],
        text: &str,
    ) -> Option<PatternSet> {
        let bytes = text.as_bytes();
        let middle = bytes.len() / 2;
        let (first_half, second_half) = bytes.split_at(middle);
        let mut found = PatternSet::new(self.patterns);
        let clears = caches.each_ref().map(|cache| cache.clear_count());
        let whole = Input::new(text);
        let from_middle = whole.clone().range(middle..);
        let mut lanes = [None; N];
        for (k, automaton) in automata.iter().enumerate() {
            let (dfa, cache) = (&automaton.dfa, &mut *caches[k]);
            let first = start(dfa, cache, clears[k], &whole)?;
            let second = start(dfa, cache, clears[k], &from_middle)?;
            lanes[k] = Some(Lanes { first, second });
        }
        let mut lanes = lanes.map(|lane| lane.expect("every lane started"));
        // Both halves at once, for as long as the first lasts.
        for (&x, &y) in first_half.iter().zip(second_half) {
            for k in 0..N {
                let (dfa, cache, lane) = (&automata[k].dfa, &mut *caches[k], &mut lanes[k]);
                lane.first = step(dfa, cache, clears[k], lane.first, x)?;
                lane.second = step(dfa, cache, clears[k], lane.second, y)?;
                if lane.first.is_tagged() | lane.second.is_tagged() {
                    automata[k].note(cache, lane.first, &mut found);
                    automata[k].note(cache, lane.second, &mut found);
                }
            }
        }
        for k in 0..N {
            let (automaton, cache, lane) = (automata[k], &mut *caches[k], &mut lanes[k]);
            let dfa = &automaton.dfa;
            if automaton.settled(&found) {
                continue;
            }
            // The rest of the second half (one byte at most), and its end.
            for &y in &second_half[middle..] {
                lane.second = step(dfa, cache, clears[k], lane.second, y)?;
                if lane.second.is_tagged() && automaton.note(cache, lane.second, &mut found) {
                    break;
                }
            }
            if automaton.settled(&found) {
                continue;
            }
            lane.second = step_end(dfa, cache, clears[k], lane.second)?;
            if automaton.note(cache, lane.second, &mut found) {
                continue;
            }
            // The first pass goes on into the second half until it is in the state the second
            // pass was in at the same place (the second pass is walked again beside it: it is
            // deterministic).
            let mut again = start(dfa, cache, clears[k], &from_middle)?;
            let mut met = false;
            for &y in second_half {
                lane.first = step(dfa, cache, clears[k], lane.first, y)?;
                again = step(dfa, cache, clears[k], again, y)?;
                if lane.first == again {
                    met = true;
                    break;
                }
                if lane.first.is_tagged() && automaton.note(cache, lane.first, &mut found) {
                    break;
                }
            }
            if !met && !automaton.settled(&found) {
                lane.first = step_end(dfa, cache, clears[k], lane.first)?;
                automaton.note(cache, lane.first, &mut found);
            }
        }
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
    pub(crate) fn may_match(&self, doc: &Reading<'_, '_>) -> bool {
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
    use crate::signals::Reading;
    use proptest::prelude::*;

    use super::super::citation::CitationMarker;
    use super::super::{rules, PatternRate, Signal};
    use super::{ScreenBuilder, Slot};
    use crate::document::Format;
    use crate::lexicon::PhraseIndex;
    use crate::Document;

    /// The screened signals of the registry, each twice, screened (all by one screen, with its
    /// slot) and alone: the rare patterns in the union, and the citation markers with an
    /// automaton of their own.
    struct Pairs {
        rare: Vec<(PatternRate, PatternRate)>,
        citations: (CitationMarker, CitationMarker),
    }

    fn pairs() -> Pairs {
        let makers: [fn() -> PatternRate; 6] = [
            rules::number_word_reference_mark,
            rules::generation_artefact,
            rules::first_name_anecdote,
            rules::byline_or_date,
            // Its pattern alone, scanning the whole text (its starting words are a lexicon,
            // which these documents do not have).
            || PatternRate {
                starts: None,
                ..rules::sales_pricing(&mut crate::lexicon::LexiconBuilder::default())
            },
            rules::phone_number,
        ];
        let mut builder = ScreenBuilder::default();
        let mut rare: Vec<_> = makers
            .iter()
            .map(|make| (make().screened(&mut builder), make()))
            .collect();
        // Registered in the middle, as in the registry: slots are not in automaton order.
        let citations = (
            CitationMarker::new().screened(&mut builder),
            CitationMarker::new(),
        );
        rare.push((
            rules::generation_artefact().screened(&mut builder),
            rules::generation_artefact(),
        ));
        builder.build();
        Pairs { rare, citations }
    }

    impl Pairs {
        fn slot(&self) -> &Slot {
            self.citations
                .0
                .patterns
                .in_text
                .screen
                .as_ref()
                .expect("screened")
        }

        fn same(&self, text: &str) -> Result<(), TestCaseError> {
            let doc = Document::new(text, Format::Text, &PhraseIndex::empty());
            let doc = Reading::new(&doc);
            for (screened, alone) in &self.rare {
                prop_assert_eq!(
                    screened.measure(&doc),
                    alone.measure(&doc),
                    "{} on {:?}",
                    alone.spec.id,
                    text
                );
            }
            let (screened, alone) = &self.citations;
            prop_assert_eq!(screened.measure(&doc), alone.measure(&doc), "on {:?}", text);
            // The interleaved passes over both halves find what one plain pass of each
            // automaton finds.
            let screen = self.slot().screen.get().expect("built");
            let mut caches: Vec<_> = screen
                .automata
                .iter()
                .map(|a| a.dfa.create_cache())
                .collect();
            prop_assert_eq!(
                screen.run(text),
                screen.plain(&mut caches, text),
                "on {:?}",
                text
            );
            Ok(())
        }
    }

    /// The pieces [`text`] is made of.
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
        "[3]",
        "[12, ",
        "(Smith et al., 2019)",
        "(Smith, ",
        "2019)",
        "doi:10.1056/",
        "10.1000/",
        "NEJMoa",
        "PMID: 29754567",
        "PMC1234567",
        "published in the journal ",
        "Nature",
        "a 2019 study",
        "according to Dr. ",
        "Dr ",
        " of Harvard",
        "https://www.nih.gov/",
        "https://shop.example.com/",
    ];

    /// Text made of pieces of the screened patterns, of the words around them and of awkward
    /// characters (case folding: `ſ` is `s`, the Kelvin sign `k`), so that matches are frequent
    /// and found at every place in the text.
    fn text() -> impl Strategy<Value = String> {
        super::super::text_of_pieces(PIECES)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Screening changes no measurement: what a screened signal finds is what its pattern
        /// alone finds.
        #[test]
        fn screened_signals_find_what_their_patterns_find(text in text()) {
            static PAIRS: std::sync::OnceLock<Pairs> = std::sync::OnceLock::new();
            PAIRS.get_or_init(pairs).same(&text)?;
        }
    }

    #[test]
    fn the_screen_passes_examples_and_stops_ordinary_news() {
        let pairs = pairs();
        let news = "The drug lowered blood pressure in 41 of 100 patients over 12 weeks, the \
                    researchers said. Side effects were mild.";
        let doc = Document::new(news, Format::Text, &PhraseIndex::empty());
        let doc = Reading::new(&doc);
        assert!(
            !pairs.slot().may_match(&doc),
            "CITE002 passed ordinary news"
        );
        let in_text = [
            "Statins cut heart attacks by a quarter (Collins et al., 2016).",
            "The trial was published in the New England Journal of Medicine.",
            "A 2019 study found fewer fractures, said Dr. Jane Smith of Harvard Medical School.",
            "See doi:10.1056/NEJMoa1800000 and PMID: 29754567 for details [3].",
        ];
        for example in in_text {
            let doc = Document::new(example, Format::Text, &PhraseIndex::empty());
            let doc = Reading::new(&doc);
            assert!(pairs.slot().may_match(&doc), "CITE002 stopped {example:?}");
        }
        for (screened, _) in &pairs.rare {
            let slot = screened.pattern.screen.as_ref().expect("screened");
            assert!(
                !slot.may_match(&doc),
                "{} passed ordinary news",
                screened.spec.id
            );
            for example in screened.spec.fires_on {
                let doc = Document::new(example, Format::Text, &PhraseIndex::empty());
                let doc = Reading::new(&doc);
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
        let phones = rules::phone_number().screened(&mut first);
        first.build();
        let mut second = ScreenBuilder::default();
        let bylines = rules::byline_or_date().screened(&mut second);
        let phones_too = rules::phone_number().screened(&mut second);
        second.build();
        let text = "Call 555-123-4567 today.";
        let doc = Document::new(text, Format::Text, &PhraseIndex::empty());
        let doc = Reading::new(&doc);
        assert!(phones.pattern.screen.as_ref().unwrap().may_match(&doc));
        assert!(!bylines.pattern.screen.as_ref().unwrap().may_match(&doc));
        assert!(phones_too.pattern.screen.as_ref().unwrap().may_match(&doc));
        assert_eq!(phones.measure(&doc), phones_too.measure(&doc));
    }

    /// A match across the middle of the text is seen by neither half alone: the pass over the
    /// first half must carry it on into the second.
    #[test]
    fn a_match_across_the_middle_is_found() {
        let pairs = pairs();
        let filler = "The trial went on for a year and the results were mixed overall. ";
        for (id, middle) in [
            ("SELL004", "call 555-123-4567 now"),
            ("CITE002", "the (Smith et al., 2019) trial"),
        ] {
            let text = format!("{}{middle} {}", filler.repeat(3), filler.repeat(3));
            let half = text.len() / 2;
            let at = text.find(middle).expect("placed");
            assert!(
                at < half && half < at + middle.len(),
                "{id} is not across the middle"
            );
            let doc = Document::new(&text, Format::Text, &PhraseIndex::empty());
            let doc = Reading::new(&doc);
            if id == "CITE002" {
                assert!(pairs.slot().may_match(&doc), "{id}");
                assert_eq!(pairs.citations.0.measure(&doc).hits.len(), 1, "{id}");
            } else {
                let (screened, _) = pairs.rare.iter().find(|(s, _)| s.spec.id == id).expect(id);
                assert!(
                    screened
                        .pattern
                        .screen
                        .as_ref()
                        .expect("screened")
                        .may_match(&doc),
                    "{id}"
                );
                assert_eq!(screened.measure(&doc).hits.len(), 1, "{id}");
            }
        }
    }
}
