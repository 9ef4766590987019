//! The one text pipeline: input → clean text → tokens, sentences and lexicon matches.
//!
//! Signals read a [`Document`], never the raw input, so every signal sees the same words and
//! every evidence span maps back to the input the same way.

use std::borrow::Cow;
use std::ops::Range;

use crate::fingerprint::Fingerprint;
use crate::html::{self, Link};
use crate::lexicon::{Encoded, PhraseIndex, PhraseMatch, PhraseSet};
use crate::source::OffsetMap;
use crate::tokens::{for_each_word, narrow, Token};

/// What kind of text an input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text: the clean text is the input itself.
    Text,
    /// An HTML page: the clean text is its readable content.
    Html,
}

impl Format {
    /// The lowercase name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
        }
    }
}

/// The longest clean text a document holds, in bytes: the largest offset a [`Token`] can hold.
pub const MAX_TEXT: usize = u32::MAX as usize;

/// A document ready for signals.
#[derive(Debug)]
pub struct Document<'a> {
    /// The input as given (plain text or HTML).
    pub input: &'a str,
    /// What the input was.
    pub format: Format,
    /// The readable text: the input itself for plain text (borrowed, not copied), the
    /// extracted content for HTML.
    pub text: Cow<'a, str>,
    /// From `text` back to `input`.
    pub map: OffsetMap,
    /// The HTML title, if any.
    pub title: Option<String>,
    /// HTML links, with anchor text spans in `text`.
    pub links: Vec<Link>,
    /// HTML superscripts that look like reference marks, as spans of `text`.
    pub superscripts: Vec<Range<usize>>,
    /// Words, in order.
    pub tokens: Vec<Token>,
    /// Sentence byte ranges in `text`, in order.
    pub sentences: Vec<Range<usize>>,
    /// The index of each sentence's first token, and the number of tokens at the end: the
    /// tokens of sentence `s` are `sentence_starts[s]..sentence_starts[s + 1]`.
    sentence_starts: Vec<u32>,
    /// The fingerprint of each token's lowercase form (see [`crate::fingerprint`]).
    fingerprints: Vec<Fingerprint>,
    words: usize,
    /// Matches of each lexicon of the pipeline, by lexicon id.
    phrases: Vec<Vec<PhraseMatch>>,
}

impl<'a> Document<'a> {
    /// Builds a document from plain text or HTML.
    pub(crate) fn new(input: &'a str, format: Format, lexicons: &PhraseIndex) -> Self {
        let (
            text,
            html::Extracted {
                map,
                title,
                links,
                superscripts,
                ..
            },
        ) = match format {
            Format::Text => (Cow::Borrowed(input), html::Extracted::default()),
            Format::Html => {
                let mut extracted = html::extract(input);
                (Cow::Owned(std::mem::take(&mut extracted.text)), extracted)
            }
        };
        // Token offsets are 32-bit: a text beyond 4 GiB is scored on its first 4 GiB.
        let text = match text {
            Cow::Borrowed(t) if t.len() > MAX_TEXT => {
                Cow::Borrowed(&t[..crate::source::floor_char_boundary(t, MAX_TEXT)])
            }
            Cow::Owned(mut t) if t.len() > MAX_TEXT => {
                t.truncate(crate::source::floor_char_boundary(&t, MAX_TEXT));
                Cow::Owned(t)
            }
            text => text,
        };
        let sentences = split_sentences(&text);
        // Tokens straight from the word scan: a list of spans first would double the memory a
        // long document takes at its peak.
        let mut tokens = Vec::new();
        let mut sentence_starts = Vec::with_capacity(sentences.len() + 1);
        sentence_starts.push(0u32);
        for_each_word(&text, |span| {
            while sentence_starts.len() < sentences.len()
                && sentences[sentence_starts.len() - 1].end <= span.start
            {
                sentence_starts.push(narrow(tokens.len()));
            }
            tokens.push(Token::new(span.start, span.end));
        });
        // The sentences after the last word hold no tokens.
        sentence_starts.resize(sentences.len(), narrow(tokens.len()));
        sentence_starts.push(narrow(tokens.len()));
        let Encoded {
            codes,
            fingerprints,
            words,
        } = lexicons.encode(&text, &tokens);
        let phrases = lexicons.find_all(&text, &tokens, &codes);
        Document {
            input,
            format,
            text,
            map,
            title,
            links,
            superscripts,
            tokens,
            fingerprints,
            sentences,
            sentence_starts,
            words,
            phrases,
        }
    }

    /// The number of words that contain a letter (numbers do not count).
    pub fn word_count(&self) -> usize {
        self.words
    }

    /// The fingerprints of the tokens' lowercase forms, one a token (see [`crate::fingerprint`]).
    pub fn fingerprints(&self) -> &[Fingerprint] {
        &self.fingerprints
    }

    /// The text of a token.
    pub fn token_text(&self, token: &Token) -> &str {
        &self.text[token.range()]
    }

    /// The byte range in the clean text covered by tokens `range`.
    pub fn token_span(&self, range: Range<usize>) -> Range<usize> {
        match (self.tokens.get(range.start), range.end.checked_sub(1)) {
            (Some(first), Some(last)) if last >= range.start => {
                first.start()..self.tokens[last.min(self.tokens.len() - 1)].end()
            }
            _ => 0..0,
        }
    }

    /// The indices of the tokens of sentence `sentence` (empty past the last sentence).
    pub fn sentence_tokens(&self, sentence: usize) -> Range<usize> {
        match self.sentence_starts.get(sentence..sentence + 2) {
            Some(&[first, end]) => first as usize..end as usize,
            _ => self.tokens.len()..self.tokens.len(),
        }
    }

    /// The index of the sentence that holds token `token`.
    pub fn sentence_of_token(&self, token: usize) -> usize {
        // The last sentence whose first token is at or before `token`.
        self.sentence_starts[..self.sentences.len()]
            .partition_point(|&first| first as usize <= token)
            .saturating_sub(1)
    }

    /// The index of the sentence holding clean-text offset `offset`.
    pub fn sentence_at(&self, offset: usize) -> usize {
        self.sentences
            .partition_point(|s| s.end <= offset)
            .min(self.sentences.len().saturating_sub(1))
    }

    /// The non-overlapping, leftmost-longest matches of lexicon `set` in this document (found
    /// when the document was read, one scan for every lexicon of the pipeline).
    pub fn phrases<'d>(&'d self, set: &PhraseSet) -> impl Iterator<Item = PhraseMatch> + 'd {
        self.phrases
            .get(set.id())
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .copied()
    }
}

/// Words after which a period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "prof", "st", "vs", "etc", "e.g", "i.e", "al", "fig", "no", "vol",
    "approx", "inc", "ltd", "jr", "sr", "u.s", "dept", "mg", "ml",
];

/// Splits clean text into sentences: at blank lines, at line starts that look like list items or
/// headings, and after `.`, `!` or `?` followed by space and a capital, digit or quote.
fn split_sentences(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut sentences = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let mut marks = Marks::new(bytes);
    while let Some(at) = marks.at_or_after(i) {
        i = at;
        let boundary = match bytes[i] {
            b'\n' => i + 1 < bytes.len() && bytes[i + 1] == b'\n',
            _ => ends_sentence(text, i),
        };
        if boundary {
            let mut end = i + 1;
            while end < bytes.len() && matches!(bytes[end], b'.' | b'!' | b'?' | b'"' | b')') {
                end += 1;
            }
            push_trimmed(text, start..end, &mut sentences);
            start = end;
            i = end;
        } else {
            i += 1;
        }
    }
    push_trimmed(text, start..text.len(), &mut sentences);
    if sentences.is_empty() {
        sentences.push(0..text.len());
    }
    sentences
}

/// Finds the bytes where a sentence may end (`.`, `!`, `?`, a newline) with vectorised
/// searches, remembering the next of each kind (`usize::MAX`: none left) so no stretch of text
/// is searched twice.
struct Marks<'t> {
    bytes: &'t [u8],
    stop: usize,
    newline: usize,
}

impl<'t> Marks<'t> {
    fn new(bytes: &'t [u8]) -> Self {
        Marks {
            bytes,
            stop: Self::find(memchr::memchr3(b'.', b'!', b'?', bytes), 0),
            newline: Self::find(memchr::memchr(b'\n', bytes), 0),
        }
    }

    fn find(found: Option<usize>, from: usize) -> usize {
        found.map_or(usize::MAX, |at| from + at)
    }

    /// The first mark at or after `from`; call with `from` never decreasing.
    fn at_or_after(&mut self, from: usize) -> Option<usize> {
        let rest = &self.bytes[from.min(self.bytes.len())..];
        if self.stop < from {
            self.stop = Self::find(memchr::memchr3(b'.', b'!', b'?', rest), from);
        }
        if self.newline < from {
            self.newline = Self::find(memchr::memchr(b'\n', rest), from);
        }
        Some(self.stop.min(self.newline)).filter(|&at| at != usize::MAX)
    }
}

fn ends_sentence(text: &str, i: usize) -> bool {
    let after = &text[i + 1..];
    let after = after.trim_start_matches(['.', '!', '?', '"', ')', '\'', '”', '’']);
    let rest = after.trim_start();
    if rest.len() == after.len() && !after.is_empty() {
        return false; // no space after the mark: "3.5", "e.g.", "nih.gov"
    }
    let Some(next) = rest.chars().next() else {
        return true;
    };
    if !(next.is_uppercase() || next.is_numeric() || "\"“‘'([-•*".contains(next)) {
        return false;
    }
    if text.as_bytes()[i] == b'.' {
        let before = text[..i]
            .rsplit(|c: char| c.is_whitespace() || c == '(')
            .next()
            .unwrap_or("");
        if before.len() == 1 || ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(before)) {
            return false;
        }
    }
    true
}

fn push_trimmed(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let slice = &text[range.clone()];
    let lead = slice.len() - slice.trim_start().len();
    let trail = slice.len() - slice.trim_end().len();
    if lead + trail < slice.len() {
        out.push(range.start + lead..range.end - trail);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::{one_lexicon, parse, LexiconBuilder};

    fn doc(text: &str) -> Document<'_> {
        Document::new(text, Format::Text, &PhraseIndex::empty())
    }

    proptest::proptest! {
        /// Words are counted with the stem codes, from the cache keys of short ASCII words:
        /// the count is still that of the definition (tokens with an alphabetic character).
        #[test]
        fn words_are_tokens_with_a_letter(
            text in r"([a-zA-Z0-9 .,'’-]{0,70}|[0-9]{20,30}|[éß½²\x{0663}]|\PC{0,3}){0,12}"
        ) {
            let expected = crate::tokens::reference_spans(&text)
                .into_iter()
                .filter(|r| text[r.clone()].chars().any(char::is_alphabetic))
                .count();
            proptest::prop_assert_eq!(doc(&text).word_count(), expected);
        }
    }

    #[test]
    fn tokens_carry_byte_spans() {
        let d = doc("Miracle-cure, now 50% off!");
        let words: Vec<_> = d.tokens.iter().map(|t| d.token_text(t)).collect();
        assert_eq!(words, ["Miracle", "cure", "now", "50", "off"]);
        assert_eq!(d.word_count(), 4);
    }

    #[test]
    fn sentences_split_on_marks_but_not_abbreviations_or_decimals() {
        let d = doc(
            "Dr. Smith et al. found a 3.5 mg dose worked. It was small! Was it? yes.\n\nNew para",
        );
        let sentences: Vec<_> = d.sentences.iter().map(|s| &d.text[s.clone()]).collect();
        assert_eq!(
            sentences,
            [
                "Dr. Smith et al. found a 3.5 mg dose worked.",
                "It was small!",
                "Was it? yes.",
                "New para"
            ]
        );
        assert_eq!(d.sentence_of_token(d.tokens.len() - 1), 3);
        let per_sentence: Vec<usize> = (0..d.sentences.len())
            .map(|s| d.sentence_tokens(s).len())
            .collect();
        assert_eq!(per_sentence.iter().sum::<usize>(), d.tokens.len());
        for (i, token) in d.tokens.iter().enumerate() {
            let s = d.sentence_of_token(i);
            assert!(d.sentence_tokens(s).contains(&i));
            assert!(d.sentences[s].start <= token.start() && token.end() <= d.sentences[s].end);
        }
    }

    #[test]
    fn empty_text_has_one_empty_sentence() {
        let d = doc("");
        assert!(d.tokens.is_empty());
        assert_eq!(d.sentences, vec![0..0]);
    }

    #[test]
    fn matches_inflections_on_whole_words_only() {
        let (set, index) = one_lexicon("miracle cure\ncure\n");
        let doc = Document::new(
            "Miracle cures! Insecure people procure a cure.",
            Format::Text,
            &index,
        );
        let found: Vec<_> = doc
            .phrases(&set)
            .map(|m| {
                (
                    set.entries()[m.entry].phrase.as_str(),
                    m.first_token,
                    m.end_token,
                )
            })
            .collect();
        assert_eq!(found, [("miracle cure", 0, 2), ("cure", 6, 7)]);
    }

    #[test]
    fn phrases_do_not_span_punctuation() {
        let (set, index) = one_lexicon("heart sickness\ndoctors don't want\n");
        let count = |text: &str| {
            Document::new(text, Format::Text, &index)
                .phrases(&set)
                .count()
        };
        assert_eq!(count("It affects the heart. Sickness follows."), 0);
        assert_eq!(count("It causes heart sickness."), 1);
        assert_eq!(count("What doctors don't want you to know"), 1);
    }

    #[test]
    fn lexicons_sharing_one_scan_keep_their_own_matches() {
        let mut builder = LexiconBuilder::default();
        let long = builder.add(parse("a", "miracle cure\n", 1, 1).unwrap());
        let short = builder.add(parse("b", "cure\nmiracle\n", 1, 1).unwrap());
        let index = builder.build().unwrap();
        let doc = Document::new("A miracle cure.", Format::Text, &index);
        assert_eq!(doc.phrases(&long).count(), 1);
        let words: Vec<_> = doc.phrases(&short).map(|m| m.first_token).collect();
        assert_eq!(words, [1, 2], "each lexicon sees both words");
    }
}
