//! Hype: puffery, sales superlatives and the vocabulary of mass-produced articles.

use std::collections::hash_map::Entry;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::{Family, Hit, Measurement, Polarity, Reading, Signal, SignalSpec, PER_THOUSAND};
use crate::document::Document;
use crate::fingerprint::Sequence;
use crate::tokens::Token;

const REPEATED_SENTENCE: SignalSpec = SignalSpec {
    id: "HYPE007",
    version: 1,
    family: Family::Hype,
    polarity: Polarity::Concern,
    name: "repeated-sentence",
    message: "a sentence, paragraph or heading repeated word for word",
    unit: PER_THOUSAND,
    doc: "What it detects: sentences of five words or more that occur again later in the same \
          document (case and spacing ignored): repeated paragraphs and headings of padded or \
          generated articles.\n\
          Why it lowers reliability: text repeated to reach a word count says nothing new.\n\
          Example: \"Turmeric reduces inflammation in the body. ... Turmeric reduces \
          inflammation in the body.\"",
    fires_on: &[
        "Turmeric reduces inflammation in the body. It is a spice. Turmeric reduces \
         inflammation in the body.",
    ],
    quiet_on: &["Turmeric is a spice. It is yellow. Some people take it for joint pain."],
};

/// HYPE007: repeated sentences.
#[derive(Debug, Default)]
pub struct RepeatedSentence;

/// Sentences shorter than this (in words) may repeat by chance.
const MIN_REPEATED_WORDS: usize = 5;

impl RepeatedSentence {
    /// The repeated sentences by their text: each sentence of five words or more as its lowercased
    /// words joined by spaces, all in one buffer; then the sentences whose key was seen before.
    /// Exact, and slower than [`RepeatedSentence::find`], which falls back on it.
    fn find_by_text(doc: &Document<'_>) -> Vec<usize> {
        let mut keys: Vec<u8> = Vec::with_capacity(doc.text.len());
        let mut spans: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
        for index in 0..doc.sentences.len() {
            let start = keys.len();
            let mut words = 0;
            for token in &doc.tokens[doc.sentence_tokens(index)] {
                if words > 0 {
                    keys.push(b' ');
                }
                let word = doc.token_text(token);
                if word.is_ascii() {
                    let at = keys.len();
                    keys.extend_from_slice(word.as_bytes());
                    keys[at..].make_ascii_lowercase();
                } else {
                    let mut buffer = [0; 4];
                    for c in word.chars().flat_map(char::to_lowercase) {
                        keys.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
                    }
                }
                words += 1;
            }
            if words >= MIN_REPEATED_WORDS {
                spans.push((index, start..keys.len()));
            } else {
                keys.truncate(start);
            }
        }
        let mut seen = HashSet::default();
        spans
            .into_iter()
            .filter(|(_, key)| !seen.insert(&keys[key.clone()]))
            .map(|(index, _)| index)
            .collect()
    }

    /// The repeated sentences, found by the fingerprints of their words (see
    /// [`crate::fingerprint`]); a repeat is confirmed on the words' text, and where different
    /// sentences share a hash (different words share a fingerprint with a chance of about
    /// 2^-32) the search starts again by text.
    fn find(doc: &Document<'_>) -> Vec<usize> {
        let fingerprints = doc.fingerprints();
        let mut first: HashMap<u64, std::ops::Range<usize>> = HashMap::default();
        let mut repeated = Vec::new();
        for index in 0..doc.sentences.len() {
            let words = doc.sentence_tokens(index);
            if words.len() < MIN_REPEATED_WORDS {
                continue;
            }
            let mut sentence = Sequence::default();
            for &print in &fingerprints[words.clone()] {
                sentence.push(u64::from(print));
            }
            match first.entry(sentence.finish()) {
                Entry::Vacant(slot) => {
                    slot.insert(words);
                }
                Entry::Occupied(earlier) if same_words(doc, earlier.get(), words.clone()) => {
                    repeated.push(index);
                }
                Entry::Occupied(_) => return Self::find_by_text(doc),
            }
        }
        repeated
    }
}

/// Whether two token ranges hold the same words, case ignored.
fn same_words(doc: &Document<'_>, a: &std::ops::Range<usize>, b: std::ops::Range<usize>) -> bool {
    a.len() == b.len()
        && doc.tokens[a.clone()]
            .iter()
            .zip(&doc.tokens[b])
            .all(|(x, y)| {
                let (x, y) = (doc.token_text(x), doc.token_text(y));
                if x.is_ascii() && y.is_ascii() {
                    x.eq_ignore_ascii_case(y)
                } else {
                    x.chars()
                        .flat_map(char::to_lowercase)
                        .eq(y.chars().flat_map(char::to_lowercase))
                }
            })
}

impl Signal for RepeatedSentence {
    fn spec(&self) -> &'static SignalSpec {
        &REPEATED_SENTENCE
    }

    fn measure(&self, doc: &Reading<'_, '_>) -> Measurement {
        let hits = Self::find(doc)
            .into_iter()
            .map(|index| Hit {
                start: doc.sentences[index].start,
                end: doc.sentences[index].end,
                note: None,
            })
            .collect();
        Measurement::rate(hits, doc)
    }
}

const EVEN_SENTENCE_LENGTHS: SignalSpec = SignalSpec {
    id: "HYPE013",
    version: 1,
    family: Family::Hype,
    polarity: Polarity::Concern,
    name: "even-sentence-lengths",
    message: "sentences of nearly the same length, one after another (low burstiness)",
    unit: "hundredths of sentence-length variation below 0.30",
    doc: "What it detects: prose whose sentences are all of about the same length. People \
          write short sentences beside long ones; a language model writes one even sentence \
          after another (detectors of generated text call the missing variation low \
          burstiness). Read over the sentences that end in '.', '!' or '?' and hold three \
          words or more (a heading, a list item without a stop or a line before a line break \
          is not read as prose): the coefficient of variation of their lengths in words \
          (standard deviation over mean) is 0.46 to 0.53 at the median in human-written \
          health text of the corpus (news stories, NIH pages, Cochrane summaries, doctors' \
          answers) and 0.25 to 0.29 in generated news and answers (ChatGPT, Llama 2, Vicuna). \
          The value is how far it falls below 0.30, in hundredths: about the 5th percentile \
          of human writing (0.27 to 0.32 by source), where half of generated text lies. A \
          text needs five such sentences to be read. The evidence names the shortest and the \
          longest sentence: how close they are is what the value measures.\n\
          Why it lowers reliability: health articles generated at volume, and misinformation \
          rewritten by a model to read as news, are written this way; whoever published them \
          did not write them. Alone it is weak evidence (one human text in twenty is as \
          even); it counts beside the vocabulary and artefacts of generated text.\n\
          Example: seven sentences of 12 to 15 words each, none shorter, none longer.",
    fires_on: &[
        "Regular exercise offers many benefits for your heart and your overall health. \
         Walking for thirty minutes each day can lower your blood pressure significantly. \
         Strength training twice a week also helps to maintain healthy muscle mass. \
         Many people find that exercise improves their mood and their sleep quality. \
         It is important to choose activities that you enjoy and can sustain. \
         Consulting your doctor before starting a new routine is always a wise step. \
         With patience and consistency, you can build habits that last a lifetime.",
    ],
    quiet_on: &[
        "Walk. That is the advice, and it is old. In a trial that followed 2,000 adults for \
         ten years, those who walked thirty minutes a day had fewer strokes than those who \
         did not, though the authors, writing in the journal, warn that walkers may differ \
         in other ways. Nobody knows why. Strength training helped too. \
         The effect was small, about one stroke fewer for every 200 walkers, and it was \
         larger in people over 65 who had high blood pressure at the start of the study.",
        "Symptoms\n- fever\n- cough\n- tiredness\n\nCall your doctor if the fever lasts. \
         Drink plenty of fluids.",
    ],
};

/// HYPE013: sentences of even length (low burstiness).
#[derive(Debug, Default)]
pub struct EvenSentenceLengths;

/// Fewer sentences than this tell too little about their variation to be read. Chosen with the
/// floor below by leave-one-source-out among 5, 6 and 8 (models/README.md): five read more of
/// the short generated stories and called no more human texts even.
const MIN_SENTENCES: usize = 5;

/// A sentence of fewer words is a fragment ("Nobody knows.", "See below."), not read.
const MIN_SENTENCE_WORDS: usize = 3;

/// The variation below which sentences count as even: about the 5th percentile of
/// human-written health text in the corpus (0.27 to 0.32 by source), where generated text has
/// its median at 0.25 to 0.29. Chosen by leave-one-source-out among 0.25, 0.30, 0.32, 0.35,
/// 0.40 and 0.45 (models/README.md): from 0.35 up the signal fired on a tenth or more of human
/// writing and the held-out sales e-mail ranked worse.
const EVEN_BELOW: f64 = 0.30;

/// A sentence of prose: where it stands and how many words it has.
#[derive(Debug, Clone, Copy)]
struct Sentence {
    start: usize,
    end: usize,
    words: usize,
}

impl EvenSentenceLengths {
    /// Calls `each` with the sentences of prose, in order: each of the document's sentences cut
    /// at its line breaks (a heading, a list item or a wrapped line before a break is not the
    /// sentence's own), the pieces that end in a stop and hold three words or more.
    fn prose(doc: &Document<'_>, mut each: impl FnMut(Sentence)) {
        let text = doc.text.as_ref();
        // A piece of a sentence, and the text after its last word up to the next word.
        let mut piece = |tokens: &[Token], after: &str| {
            if let (Some(first), Some(last)) = (tokens.first(), tokens.last()) {
                if tokens.len() >= MIN_SENTENCE_WORDS && ends_in_stop(after) {
                    each(Sentence {
                        start: first.start(),
                        end: last.end(),
                        words: tokens.len(),
                    });
                }
            }
        };
        for (index, range) in doc.sentences.iter().enumerate() {
            let tokens = &doc.tokens[doc.sentence_tokens(index)];
            let Some(last) = tokens.last() else {
                continue;
            };
            let sentence_end = range.end.max(last.end());
            // Most sentences hold no line break: one piece, read at once.
            if memchr::memchr(b'\n', &text.as_bytes()[range.clone()]).is_none() {
                piece(tokens, &text[last.end()..sentence_end]);
                continue;
            }
            let mut start = 0;
            for (i, token) in tokens.iter().enumerate() {
                let gap_end = tokens.get(i + 1).map_or(sentence_end, |t| t.start());
                let gap = &text[token.end()..gap_end];
                if i + 1 == tokens.len() || gap.contains('\n') {
                    piece(&tokens[start..=i], gap);
                    start = i + 1;
                }
            }
        }
    }
}

/// What HYPE013 keeps of the sentences it reads, without storing them: their number, the sums
/// that give the variation of their lengths (exact, in integers), and the shortest and the
/// longest (none before the first sentence).
#[derive(Debug, Default)]
struct Lengths {
    count: usize,
    sum: u64,
    sum_of_squares: u64,
    extremes: Option<(Sentence, Sentence)>,
}

impl Lengths {
    fn add(&mut self, sentence: Sentence) {
        let words = sentence.words as u64;
        self.count += 1;
        self.sum += words;
        self.sum_of_squares += words * words;
        let (shortest, longest) = self.extremes.unwrap_or((sentence, sentence));
        self.extremes = Some((
            if sentence.words < shortest.words {
                sentence
            } else {
                shortest
            },
            // The last of the longest: where every sentence is as long, not the shortest again.
            if sentence.words >= longest.words {
                sentence
            } else {
                longest
            },
        ));
    }

    /// The coefficient of variation of the lengths (standard deviation over mean), once a
    /// sentence has been added.
    fn variation(&self) -> f64 {
        // n² times the variance: n·Σx² - (Σx)², never negative.
        let (n, sum) = (self.count as u128, u128::from(self.sum));
        let spread = n * u128::from(self.sum_of_squares) - sum * sum;
        (spread as f64).sqrt() / sum as f64
    }
}

/// Whether the text after a sentence's last word ends it: closing quotes or brackets, then a
/// stop.
fn ends_in_stop(after: &str) -> bool {
    after
        .trim_start_matches(['"', '\'', ')', ']', '\u{201d}', '\u{2019}'])
        .starts_with(['.', '!', '?'])
}

impl Signal for EvenSentenceLengths {
    fn spec(&self) -> &'static SignalSpec {
        &EVEN_SENTENCE_LENGTHS
    }

    fn measure(&self, doc: &Reading<'_, '_>) -> Measurement {
        let mut lengths = Lengths::default();
        Self::prose(doc, |s| lengths.add(s));
        let Some((shortest, longest)) = lengths.extremes.filter(|_| lengths.count >= MIN_SENTENCES)
        else {
            return Measurement::default();
        };
        let variation = lengths.variation();
        if variation >= EVEN_BELOW {
            return Measurement::default();
        }
        let n = lengths.count;
        let hits = [("shortest", shortest), ("longest", longest)]
            .into_iter()
            .map(|(which, s)| Hit {
                start: s.start,
                end: s.end,
                note: Some(format!(
                    "the {which} of {n} sentences: {} words (variation {variation:.2}, \
                     human writing mostly above {EVEN_BELOW:.2})",
                    s.words
                )),
            })
            .collect();
        Measurement {
            value: (EVEN_BELOW - variation) * 100.0,
            hits,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Format;
    use crate::lexicon::PhraseIndex;
    use proptest::prelude::*;

    /// Sentences drawn from a few words, so that repeats (in any case) are common.
    fn sentences() -> impl Strategy<Value = String> {
        let word = prop::sample::select(vec![
            "Turmeric", "turmeric", "TURMERIC", "reduces", "Reduces", "pain", "in", "the", "body",
            "Étude", "étude", "ÉTUDE", "ok",
        ]);
        let sentence = prop::collection::vec(word, 3..8).prop_map(|w| w.join(" "));
        let end = prop::sample::select(vec![". ", "! ", "? ", "\n\n", ", "]);
        prop::collection::vec((sentence, end), 1..12)
            .prop_map(|parts| parts.into_iter().map(|(s, e)| s + e).collect())
    }

    proptest! {
        #[test]
        fn fingerprints_find_what_the_text_finds(text in sentences()) {
            let index = PhraseIndex::empty();
            let doc = Document::new(&text, Format::Text, &index);
            let doc = Reading::new(&doc);
            prop_assert_eq!(RepeatedSentence::find(&doc), RepeatedSentence::find_by_text(&doc));
        }
    }

    /// The sentence lengths HYPE013 reads from `text`.
    fn prose_lengths(text: &str) -> Vec<usize> {
        let index = PhraseIndex::empty();
        let doc = Document::new(text, Format::Text, &index);
        let mut lengths = Vec::new();
        EvenSentenceLengths::prose(&doc, |s| lengths.push(s.words));
        lengths
    }

    #[test]
    fn headings_list_items_and_fragments_are_not_prose() {
        let text = "Symptoms of flu\nMost people get better within a week. See below.\n\
                    - a fever\n- aching muscles and joints\n* sleep as much as you need.\n\n\
                    When to see a doctor (\"urgent\" cases).";
        // The heading and the list items without a stop are left out, so is the two-word
        // fragment; a list item with a stop is a sentence.
        assert_eq!(prose_lengths(text), [7, 6, 7]);
    }

    #[test]
    fn sentences_of_even_length_are_measured_and_the_extremes_named() {
        let sentence = |words: usize| {
            let mut s = "Every".to_string();
            s.push_str(&" word".repeat(words - 1));
            s.push_str(". ");
            s
        };
        let measure = |lengths: &[usize]| {
            let text: String = lengths.iter().map(|&n| sentence(n)).collect();
            let index = PhraseIndex::empty();
            let doc = Document::new(&text, Format::Text, &index);
            EvenSentenceLengths.measure(&Reading::new(&doc))
        };
        // Lengths 10 and 14 alternating: mean 12, deviation 2, variation 0.167.
        let even = measure(&[10, 14, 10, 14, 10, 14]);
        assert!((even.value - (0.30 - 2.0 / 12.0) * 100.0).abs() < 1e-9);
        let notes: Vec<_> = even.hits.iter().filter_map(|h| h.note.as_deref()).collect();
        assert!(notes[0].starts_with("the shortest of 6 sentences: 10 words"));
        assert!(notes[1].starts_with("the longest of 6 sentences: 14 words"));
        // The same with one short and one long sentence among them: people's variation.
        assert_eq!(measure(&[10, 14, 3, 14, 30, 12]), Measurement::default());
        // Four sentences are too few to tell, however even; five of one length vary by 0, and
        // the evidence is the first and the last of them, not one sentence twice.
        assert_eq!(measure(&[12, 12, 12, 12]), Measurement::default());
        let same = measure(&[12, 12, 12, 12, 12]);
        assert_eq!(same.value, 30.0);
        assert!(same.hits[0].start == 0 && same.hits[1].start > same.hits[0].end);
    }

    #[test]
    fn repeats_are_found_whatever_their_case() {
        let index = PhraseIndex::empty();
        let text = "Turmeric reduces pain in the body. It is a spice. TURMERIC REDUCES PAIN IN \
                    THE BODY. Étude one two three four. ÉTUDE one TWO three four.";
        let doc = Document::new(text, Format::Text, &index);
        let doc = Reading::new(&doc);
        assert_eq!(RepeatedSentence::find(&doc), [2, 4]);
        assert_eq!(RepeatedSentence::find_by_text(&doc), [2, 4]);
    }
}
