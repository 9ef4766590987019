//! Hype: puffery, sales superlatives and the vocabulary of mass-produced articles.

use std::collections::hash_map::Entry;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::{
    Family, Hit, Measurement, PatternRate, Polarity, Reading, Signal, SignalSpec, PER_THOUSAND,
};
use crate::document::Document;
use crate::fingerprint::Sequence;

const GENERATION_ARTEFACT: SignalSpec = SignalSpec {
    id: "HYPE004",
    version: 3,
    family: Family::Hype,
    polarity: Polarity::Concern,
    name: "generation-artefact",
    message: "an outline instruction, placeholder or chatbot phrase left in the text",
    unit: PER_THOUSAND,
    doc: "What it detects: the leftovers of generated articles: outline instructions kept as text \
          (\"- Discuss potential long-term adverse effects.\": a bullet that is a writing verb \
          and its topic, not advice to the reader), template placeholders (\"[Insert \
          brand name]\", \"[Your Name]\"), and chatbot turns (\"As an AI language model\", \
          \"Certainly! Here is\").\n\
          Why it lowers reliability: nobody read the article before it was published.\n\
          Example: \"- Explain the key benefits of turmeric here.\"",
    fires_on: &[
        "Turmeric for joints\n- Explain the key benefits of turmeric here.\n- Add a study.",
        "Side effects\n- Discuss potential long-term adverse effects of ketamine use.",
        "As an AI language model, I cannot give medical advice. [Insert brand name] is best.",
    ],
    quiet_on: &[
        "Explain your symptoms to the doctor here at the clinic or by phone.",
        "- Ask your doctor to explain the results.\n- Bring a list of your medicines.",
        "- Discuss any side effects with your doctor.\n- Describe your pain to the nurse.",
    ],
};

/// HYPE004: generation artefacts.
pub(super) fn generation_artefact() -> PatternRate {
    PatternRate::builtin(
        &GENERATION_ARTEFACT,
        &[
            // an outline bullet that instructs the writer: a whole line that is a writing verb
            // and its object ("- Discuss potential long-term effects."); a patient's to-do
            // ("- Ask your doctor to explain") starts with another verb, and "Discuss it with
            // your doctor" is left out by the filter
            r"(?m)^[ \t]*(?:[-*•]|\d+[.)])[ \t]*(?:Explain|Describe|Discuss|Include|Insert|Mention|Provide|Write|Highlight|Summarize|Summarise|Introduce|Outline|Elaborate on|Expand on|Talk about|Emphasize|Emphasise|Explore|Address|Examine|Analyze|Analyse|Compare|Conclude with|Touch on|Delve into)(?-u:\b)[^\n]{0,160}$",
            // template placeholders
            r"\[(?i:insert|add|your|company|brand|product|name of|link to|keyword|placeholder)[^\]\n]{0,40}\]",
            // chatbot turns
            // ("I hope this helps" is left out: doctors sign their forum answers with it as often
            // as chatbots do)
            r"(?i:as an ai language model|as an ai,? i|certainly! here(?:'s| is)|sure! here(?:'s| is)|i cannot provide medical advice|regenerate response)",
        ]
        .join("|"),
    )
    // An outline line that speaks to the reader ("- Discuss it with your doctor") is advice.
    .with_filter(|text, span| {
        !text[span]
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w.eq_ignore_ascii_case("your") || w.eq_ignore_ascii_case("you"))
    })
}

const FIRST_NAME_ANECDOTE: SignalSpec = SignalSpec {
    id: "HYPE005",
    version: 1,
    family: Family::Hype,
    polarity: Polarity::Concern,
    name: "first-name-anecdote",
    message: "a patient story told about a first name only",
    unit: PER_THOUSAND,
    doc: "What it detects: a sentence that opens a patient story on a bare first name and an age \
          (\"Sarah, 42, suffered for years...\", \"Meet Tom, a 58-year-old teacher\"), or \"a \
          patient named ...\": the form of testimonials and of the invented cases of generated \
          articles, where journalism names people in full.\n\
          Why it lowers reliability: an anecdote with no way to check it stands in for evidence.\n\
          Example: \"Sarah, 42, suffered from fatigue for years until she found our blend.\"",
    fires_on: &[
        "Sarah, 42, suffered from fatigue for years until she found our blend.",
        "Meet Tom, a 58-year-old teacher who beat arthritis.",
        "One of our clients, a woman named Linda, lost 30 pounds.",
    ],
    quiet_on: &[
        "Jane Smith, 54, of Dayton, said the trial changed her life.",
        "Patients aged 42 to 60 took part in the study.",
        "However, 3 of 10 patients relapsed. Similarly, 12 percent had side effects.",
    ],
};

/// HYPE005: first-name anecdotes.
pub(super) fn first_name_anecdote() -> PatternRate {
    PatternRate::builtin(
        &FIRST_NAME_ANECDOTE,
        &[
            r"(?m)(?:^|[.!?][ \t]+)(?P<hit>[A-Z][a-z]{2,12}, (?:\d{1,2},|(?:a |an )\d{1,2}-year-old))",
            r"(?-u:\b)(?:Meet|Take|Consider|Like) (?:[A-Z][a-z]{2,12}, (?:a |an )\d{1,2}-year-old)",
            r"(?i:a (?:patient|client|customer|woman|man|mother|father|mom|dad|reader) (?:named|called) )[A-Z][a-z]{2,12}(?-u:\b)",
        ]
        .join("|"),
    )
}

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

const ASSISTANT_HEDGING: SignalSpec = SignalSpec {
    id: "HYPE012",
    version: 1,
    family: Family::Hype,
    polarity: Polarity::Concern,
    name: "assistant-hedging",
    message: "the hedge-and-refer boilerplate of a chat assistant",
    unit: PER_THOUSAND,
    doc: "What it detects: the stock turns with which chat assistants pad an answer instead of \
          giving one: \"it is important to ...\", \"it's always a good idea to ...\", \"consult \
          with a healthcare professional\", \"there are several possible causes\", \"can vary \
          depending on\", \"without more information\", \"I'm sorry, but\", as a rate per 1,000 \
          words. Reference pages and doctors' answers say such things once; generated answers \
          and articles say them in every paragraph (\"It's important to note\" is the best known \
          tell of ChatGPT's register).\n\
          Why it lowers reliability: generic advice that fits any question stands in for the \
          specific answer; the page was generated, not written for its reader.\n\
          Example: \"It is important to consult with a healthcare professional, as symptoms can \
          vary depending on the individual.\"",
    fires_on: &[
        "It is important to consult with a healthcare professional, as symptoms can vary \
         depending on the individual.",
        "There are several possible causes of a headache. It's always a good idea to rest.",
        "I'm sorry, but without more information it is difficult to say what is wrong.",
    ],
    quiet_on: &[
        "Take the tablets with food; the importance of timing is shown in two trials.",
        "Several causes are known: migraine, tension and, rarely, a bleed.",
        "Doses vary from 5 to 10 mg depending on weight, the label says.",
    ],
};

/// HYPE012: chat-assistant hedging.
pub(super) fn assistant_hedging() -> PatternRate {
    PatternRate::builtin(
        &ASSISTANT_HEDGING,
        &[
            // "it is important to", "it's always a good idea to", "it is best to"
            r"(?i:it(?: is|['’]s) (?:also |always |very |especially |generally |usually |often )?(?:important|essential|crucial|vital|advisable|recommended|best|a good idea|wise) (?:to|that|for)(?-u:\b))",
            // the referral that ends every generated answer
            r"(?i:(?-u:\b)(?:consult|speak|talk|check) (?:with )?(?:a|your|an) (?:doctor or (?:other )?|qualified |licensed )?(?:healthcare|health care|medical)(?: care)? (?:professional|provider)s?(?-u:\b))",
            // the enumeration announced before it is given
            r"(?i:(?-u:\b)there are (?:several|many|a few|a number of|various) (?:possible |potential |different )?(?:things|ways|reasons|causes|factors|options|steps|treatments)(?-u:\b))",
            r"(?i:(?-u:\b)(?:can|may) vary (?:depending on|from person to person|from individual to individual)(?-u:\b))",
            // refusals and apologies of a chat turn
            r"(?i:(?-u:\b)i(?:['’]m| am) (?:sorry|not able to|unable to|not a doctor)(?-u:\b)|without more information|it(?: is|['’]s) (?:difficult|hard|not possible) (?:for me )?to (?:say|diagnose|determine|tell)(?-u:\b))",
        ]
        .join("|"),
    )
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
