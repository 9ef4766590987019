//! SPUN008: words that break the collocations of fluent text, whatever thesaurus put them there.

use std::fmt;

use super::{Family, Hit, Measurement, Polarity, Reading, Signal, SignalSpec, PER_THOUSAND};
use crate::document::Document;
use crate::fingerprint::{self, Fingerprint};
use crate::frequency::{american_fingerprint, first_mark, last_mark, CollocationTable, FrameTable};

/// A word counts when the surprisals of its two sides add up to more than this many nats, and
/// by how much they do. Below it lie new words beside units that take many ("(", "chronic":
/// under 3 nats a side). Measured on held-out spinning (MyThes terms that are not WordNet
/// synonyms, and Moby): 6 gave the best recall at 10% and 20% of the floors tried (5 to 6.5),
/// and a higher floor for words the tables never saw at all lost recall (a spinner's rare
/// synonyms are such words).
const SURPRISAL_FLOOR: f64 = 6.0;

/// Breaks are counted per 1,000 words, but over at least this many words (as SPUN005).
const RATE_FLOOR_WORDS: usize = 300;

/// A word the tables never saw in any context and this long is not read: it is a technical
/// term (a drug, procedure or gene name: "cholecystectomy", "fluticasone",
/// "immunohistochemistry"), new to the tables because of its subject, where a spinner's swaps
/// are dictionary words. Measured with tables of MedQuAD and FakeHealth alone, on held-out
/// spinning and on Cochrane's reviews, which those tables never saw: from 9 letters, recall at
/// 20% fell by up to 0.06; from 14, Cochrane's reviews over the firing value stayed at 9.3%
/// (9.6% without the rule); from 11, they went to 7.5%, the registry page 003 from 19.1 to
/// 5.5, and recall fell by at most 0.015 at 20% (0.035 at 10%).
const UNSEEN_TERM_LETTERS: usize = 11;

/// Below this value the signal stays silent: just above the 99th percentile (16.84) of held-out
/// reliable documents of MedQuAD and FakeHealth (`examples/spin_eval.rs`), so it fires on under
/// 1% of them.
pub const FIRING_VALUE: f64 = 16.9;

const SPEC: SignalSpec = SignalSpec {
    id: "SPUN008",
    version: 3,
    family: Family::Spun,
    polarity: Polarity::Concern,
    name: "collocation-break",
    message: "a word that fluent text never puts between these neighbours",
    unit: PER_THOUSAND,
    doc: "What it detects: the mark a spinner leaves whatever thesaurus it used: a word standing \
          where fluent text always puts another (\"chronic wrench\", \"side merchandise\", \
          \"bone centre\"). A word is counted when fluent health text (NIH and CDC pages, news \
          stories, Cochrane reviews, answers to patients' questions: four sources, the held-out \
          fifth of each excluded; 698,000 pairs and sides, compiled in as hashes) never put it \
          after the unit before it (word or punctuation mark) nor before the unit after it, \
          and those neighbours rarely take a new word: a side's surprisal is -ln of the \
          Good-Turing chance that a word never seen there turns up (about 4 nats after \
          \"blood\" or \"the\", under 3 after \"chronic\" or \"(\"), and the two sides must add \
          up to more than 6 nats. Capitalised words (names, sentence starts), stopwords and \
          words under three letters are not read, nor a word of 11 letters or more that the \
          tables never saw anywhere (a technical term: \"fluticasone\", \
          \"cholecystectomy\"), nor a British spelling (\"favour\", \
          \"randomised\") whose American spelling is known beside the neighbours. Where \
          fluent text usually puts one word between the two neighbours, the evidence names it. \
          A word is counted once a document: a term a text keeps using is its subject, where a \
          spinner draws each swap afresh. The value is the surprisal above 6 nats summed over \
          the words counted, per 1,000 words (counted over at least 300 words); it fires from \
          16.9, just above the 99th percentile of held-out reliable pages. No \
          thesaurus is involved, so a spinner's own synonym database cannot hide from it.\n\
          Why it lowers reliability: spun text is copied text disguised from duplicate-content \
          checks; its meaning drifts with every swap and nobody checked it.\n\
          Example: \"... the bone centre makes unnatural blood cells\" ('centre' breaks \
          \"bone marrow\", 'unnatural' breaks \"abnormal blood\").",
    fires_on: &[
        "Childhood leukemia is a cancer in which the bone centre makes a large number of \
         unnatural blood cells. Leukemia and other diseases of the birth and bone diameter may \
         contain pain killer subdivision cells, white title cells, and platelets. Patients with \
         high blood strain should take their medicine every day and ask the physician about \
         potential aspect impacts. The seek factors for childhood leukemia are alike. Signs \
         and symptoms include fever, state tired, and effortless bleeding or bruising. Tests \
         that examine the blood and bone marrow are dissipated to pick out and diagnose the \
         disease. Certain factors affect sentence (indecision of recovery) and treatment \
         options. Chronic wrench in the lower back is a common complaint, and doctors often \
         prescribe physical therapy. A healthy diet low in salt can lower blood strain in many \
         adults, and cigarette smoking raises the gamble of heart attack and brain stroke.",
    ],
    quiet_on: &[
        "Childhood leukemia is a cancer in which the bone marrow makes a large number of \
         abnormal blood cells. Leukemia and other diseases of the blood and bone marrow may \
         affect red blood cells, white blood cells, and platelets. Patients with high blood \
         pressure should take their medicine every day and ask the doctor about possible side \
         effects. The risk factors for childhood leukemia are similar. Signs and symptoms \
         include fever, feeling tired, and easy bleeding or bruising. Tests that examine the \
         blood and bone marrow are used to detect and diagnose the disease. Certain factors \
         affect prognosis (chance of recovery) and treatment options. Chronic pain in the \
         lower back is a common complaint, and doctors often prescribe physical therapy. A \
         healthy diet low in salt can lower blood pressure in many adults, and cigarette \
         smoking raises the risk of heart attack and stroke.",
    ],
};

/// SPUN008: collocation breaks.
pub struct CollocationBreak {
    table: CollocationTable<'static>,
    /// The usual word between two units, named in the evidence.
    frames: FrameTable<'static>,
    /// Fingerprints of the stopwords, which spinners leave alone (looked up for most words of
    /// every text: FxHash, as a SipHash set cost 1.6% of scoring time).
    stopwords: rustc_hash::FxHashSet<Fingerprint>,
}

impl fmt::Debug for CollocationBreak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CollocationBreak")
            .field("table", &self.table.len())
            .finish()
    }
}

impl Default for CollocationBreak {
    fn default() -> Self {
        Self::new()
    }
}

impl CollocationBreak {
    /// Reads the compiled-in table.
    pub fn new() -> Self {
        let table = CollocationTable::new(include_bytes!("../../data/frequency/collocations.bin"))
            .unwrap_or_else(|| panic!("built-in collocation table is corrupt"));
        let frames = FrameTable::new(include_bytes!("../../data/frequency/frames.bin"))
            .unwrap_or_else(|| panic!("built-in frame table is corrupt"));
        let stopwords = crate::tokens::stopwords()
            .map(fingerprint::of_word)
            .collect();
        Self {
            table,
            frames,
            stopwords,
        }
    }

    /// The words that break their collocations, each with its surprisal above the floor.
    pub fn breaks(&self, doc: &Document<'_>) -> Vec<(Hit, f64)> {
        self.candidates(doc)
            .map(|b| {
                let token = &doc.tokens[b.token];
                let text = doc.token_text(token);
                let (left, right, surprisal) = (b.left, b.right, b.surprisal);
                let note = match self.frames.usual(b.before, b.after) {
                    Some(usual) => format!(
                        "said '{text}', usually '{usual}' between '{left}' and '{right}' \
                         ({surprisal:.1} nats)"
                    ),
                    None => format!(
                        "'{text}' never seen after '{left}' nor before '{right}' \
                         ({surprisal:.1} nats)"
                    ),
                };
                let hit = Hit {
                    start: token.start(),
                    end: token.end(),
                    note: Some(note),
                };
                (hit, surprisal - SURPRISAL_FLOOR)
            })
            .collect()
    }

    /// The summed surprisal above the floor per 1,000 words, counted over at least 300 words.
    pub fn value(breaks: &[(Hit, f64)], doc: &Document<'_>) -> f64 {
        per_thousand(breaks.iter().map(|(_, s)| s).sum(), doc)
    }

    /// The breaks of a document, found without allocating: most documents stay below the
    /// firing value, and their breaks are summed, never written out.
    fn candidates<'s, 'd>(
        &'s self,
        doc: &'d Document<'_>,
    ) -> impl Iterator<Item = Break<'d>> + use<'s, 'd> {
        let fingerprints = doc.fingerprints();
        let mut counted = Counted::default();
        (1..doc.tokens.len().saturating_sub(1)).filter_map(move |i| {
            // The first lookup of a word a few places on, fetched ahead (taking the word before
            // it as its left unit, as it mostly is).
            if let Some(ahead) = fingerprints.get(i + PREFETCH_DISTANCE) {
                self.table
                    .prefetch(fingerprints[i + PREFETCH_DISTANCE - 1], *ahead);
            }
            let word = fingerprints[i];
            let (before, token, after) = (&doc.tokens[i - 1], &doc.tokens[i], &doc.tokens[i + 1]);
            if !is_lowercase_word(doc.token_text(token)) || self.stopwords.contains(&word) {
                return None;
            }
            // The unit on each side: a punctuation mark in the gap, or else the word.
            let mark_before = last_mark(&doc.text[before.end()..token.start()]);
            let a = mark_before.map_or(fingerprints[i - 1], fingerprint::of_word);
            if self.table.seen(a, word) {
                return None; // most words stop here
            }
            // A British spelling ("favour", "randomised", "labour") is new to tables of mostly
            // American text for its spelling, not because a spinner put it there: the word
            // counts only if its American spelling is new beside the neighbours too.
            let american = american_fingerprint(doc.token_text(token));
            if american.is_some_and(|us| self.table.seen(a, us)) {
                return None;
            }
            let mark_after = first_mark(&doc.text[token.end()..after.start()]);
            let b = mark_after.map_or(fingerprints[i + 1], fingerprint::of_word);
            if self.table.seen(word, b) || american.is_some_and(|us| self.table.seen(us, b)) {
                return None;
            }
            let surprisal = self.table.surprisal_after(a) + self.table.surprisal_before(b);
            if surprisal <= SURPRISAL_FLOOR
                || (token.range().len() >= UNSEEN_TERM_LETTERS && !self.table.knows(word))
                || !counted.first_time(word)
            {
                return None;
            }
            Some(Break {
                token: i,
                before: a,
                after: b,
                left: mark_before.unwrap_or_else(|| doc.token_text(before)),
                right: mark_after.unwrap_or_else(|| doc.token_text(after)),
                surprisal,
            })
        })
    }
}

/// How many tokens ahead SPUN008 fetches the memory of its first lookup.
const PREFETCH_DISTANCE: usize = 4;

/// The words a document has had counted: the first few in an array, searched in turn (most
/// documents have fewer breaks, and scoring allocates nothing for them), the rest in a hash
/// set, so that a text made of breaks is still read in linear time.
#[derive(Default)]
struct Counted {
    few: [Fingerprint; 32],
    len: usize,
    many: rustc_hash::FxHashSet<Fingerprint>,
}

impl Counted {
    /// True the first time a word is offered.
    fn first_time(&mut self, word: Fingerprint) -> bool {
        if self.few[..self.len].contains(&word) {
            return false;
        }
        if self.len < self.few.len() {
            self.few[self.len] = word;
            self.len += 1;
            return true;
        }
        self.many.insert(word)
    }
}

/// A word that breaks its collocations: its token, the units on each side (fingerprint and
/// text) and the surprisal of the two sides.
struct Break<'d> {
    token: usize,
    before: Fingerprint,
    after: Fingerprint,
    left: &'d str,
    right: &'d str,
    surprisal: f64,
}

/// A sum of surprisals per 1,000 words, counted over at least 300 words.
fn per_thousand(sum: f64, doc: &Document<'_>) -> f64 {
    sum * 1000.0 / doc.word_count().max(RATE_FLOOR_WORDS) as f64
}

/// Lowercase ASCII letters, at least three (capitalised words are names and sentence starts).
fn is_lowercase_word(word: &str) -> bool {
    word.len() >= 3 && word.bytes().all(|b| b.is_ascii_lowercase())
}

impl Signal for CollocationBreak {
    fn spec(&self) -> &'static SignalSpec {
        &SPEC
    }

    fn measure(&self, doc: &Reading<'_, '_>) -> Measurement {
        let sum = self
            .candidates(doc)
            .map(|b| b.surprisal - SURPRISAL_FLOOR)
            .sum();
        let value = per_thousand(sum, doc);
        if value < FIRING_VALUE {
            return Measurement::default();
        }
        Measurement {
            value,
            hits: self.breaks(doc).into_iter().map(|(hit, _)| hit).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Format;
    use crate::lexicon::PhraseIndex;

    fn breaks(text: &str) -> Vec<String> {
        let doc = Document::new(text, Format::Text, &PhraseIndex::empty());
        CollocationBreak::new()
            .breaks(&doc)
            .into_iter()
            .map(|(hit, _)| format!("{} | {}", &text[hit.start..hit.end], hit.note.unwrap()))
            .collect()
    }

    /// A break names the word that usually stands in its place, when the tables know one.
    #[test]
    fn a_break_names_the_usual_word() {
        let found = breaks("Patients with high blood strain should take their medicine.");
        assert!(
            found
                .iter()
                .any(|b| b.starts_with("strain | said 'strain', usually 'pressure'")),
            "{found:?}"
        );
        assert!(breaks("Patients with high blood pressure should take their medicine.").is_empty());
    }

    /// A word is counted once a document: a term a text keeps using is its subject.
    #[test]
    fn a_word_is_counted_once_a_document() {
        let once = "Patients with high blood strain should take their medicine.";
        assert_eq!(breaks(once).len(), 1, "{:?}", breaks(once));
        let twice = format!("{once} Adults with high blood strain should rest.");
        assert_eq!(breaks(&twice).len(), 1, "{:?}", breaks(&twice));
    }

    /// A long word the tables never saw is a technical term, not a swap: it is not read, where
    /// a short one is (a spinner's rare synonym).
    #[test]
    fn a_long_word_never_seen_is_a_technical_term() {
        let swaps = CollocationBreak::new();
        for word in ["zorbulatrixine", "qexol"] {
            assert!(!swaps.table.knows(fingerprint::of_word(word)), "{word}");
        }
        assert!(
            breaks("Patients with high blood zorbulatrixine should take their medicine.")
                .is_empty()
        );
        let short = breaks("Patients with high blood qexol should take their medicine.");
        assert!(short.iter().any(|b| b.starts_with("qexol |")), "{short:?}");
        assert!(swaps.table.knows(fingerprint::of_word("strain")));
    }

    /// Past the words kept in the array, the count goes on in the set: no word counts twice.
    #[test]
    fn counted_words_stay_counted_past_the_array() {
        let mut counted = Counted::default();
        for word in 0..100 {
            assert!(counted.first_time(word));
        }
        for word in 0..100 {
            assert!(!counted.first_time(word));
        }
    }

    /// Stopwords, capitalised words and short words are never read: spinners leave stopwords
    /// alone, and names and sentence starts are new words of ordinary writing.
    #[test]
    fn names_and_stopwords_are_not_read() {
        assert!(
            breaks("Dr Wrenchley said the blood Pressure of Zylophar patients fell.").is_empty()
        );
    }

    /// The table's sides: a unit fluent text uses often takes few new neighbours (high
    /// surprisal); a unit it never saw says nothing (0).
    #[test]
    fn frequent_units_take_few_new_neighbours() {
        let swaps = CollocationBreak::new();
        let blood = fingerprint::of_word("blood");
        assert!(swaps.table.surprisal_after(blood) > 3.0);
        assert!(swaps.table.seen(blood, fingerprint::of_word("pressure")));
        assert!(!swaps.table.seen(blood, fingerprint::of_word("strain")));
        assert_eq!(
            swaps.table.surprisal_after(fingerprint::of_word("zqxwvy")),
            0.0
        );
    }
}
