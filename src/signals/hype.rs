//! Hype: puffery, sales superlatives and the vocabulary of mass-produced articles.

use std::collections::hash_map::Entry;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::{Family, Hit, Measurement, Polarity, Reading, Signal, SignalSpec, PER_THOUSAND};
use crate::document::Document;
use crate::fingerprint::Sequence;

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
