//! The one text pipeline: input → clean text → tokens, sentences and lexicon matches.
//!
//! Signals read a [`Document`], never the raw input, so every signal sees the same words and
//! every evidence span maps back to the input the same way.

use std::ops::Range;

use crate::html::{self, Link};
use crate::lexicon::{PhraseIndex, PhraseMatch};
use crate::source::OffsetMap;

/// What kind of text an input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text: the clean text is the input itself.
    Text,
    /// An HTML page: the clean text is its readable content.
    Html,
}

/// A word of the clean text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte range in the clean text.
    pub start: usize,
    /// End of the byte range in the clean text.
    pub end: usize,
    /// Index of the sentence the token belongs to.
    pub sentence: usize,
}

/// A document ready for signals.
#[derive(Debug)]
pub struct Document<'a> {
    /// The input as given (plain text or HTML).
    pub input: &'a str,
    /// What the input was.
    pub format: Format,
    /// The readable text: the input itself for plain text, the extracted content for HTML.
    pub text: String,
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
    /// The fingerprint of each token's lowercase form (see [`crate::fingerprint`]).
    fingerprints: Vec<u64>,
    words: usize,
    /// Matches of each lexicon of the pipeline, by lexicon id.
    phrases: Vec<Vec<PhraseMatch>>,
}

/// Splits text into word strings the way documents are tokenized.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    word_spans(text).map(move |r| &text[r])
}

/// The byte ranges of the words of `text`, as documents are tokenized.
pub fn word_spans(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = chars.by_ref().find(|(_, c)| c.is_alphanumeric())?;
        let mut end = start;
        while let Some(&(i, c)) = chars.peek() {
            if !c.is_alphanumeric() {
                break;
            }
            end = i;
            chars.next();
        }
        let last = text[end..].chars().next().map_or(0, char::len_utf8);
        Some(start..end + last)
    })
}

impl<'a> Document<'a> {
    /// Builds a document from plain text or HTML.
    pub(crate) fn new(input: &'a str, format: Format, lexicons: &PhraseIndex) -> Self {
        let html::Extracted {
            text,
            map,
            title,
            links,
            superscripts,
        } = match format {
            Format::Text => html::Extracted {
                text: input.to_owned(),
                ..html::Extracted::default()
            },
            Format::Html => html::extract(input),
        };
        let sentences = split_sentences(&text);
        let mut tokens = Vec::new();
        let mut sentence = 0;
        for span in word_spans(&text) {
            while sentence + 1 < sentences.len() && sentences[sentence].end <= span.start {
                sentence += 1;
            }
            tokens.push(Token {
                start: span.start,
                end: span.end,
                sentence,
            });
        }
        let words = tokens
            .iter()
            .filter(|t| text[t.start..t.end].chars().any(char::is_alphabetic))
            .count();
        let (codes, fingerprints) = lexicons.encode(&text, &tokens);
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
            words,
            phrases,
        }
    }

    /// The number of words that contain a letter (numbers do not count).
    pub fn word_count(&self) -> usize {
        self.words
    }

    /// The fingerprints of the tokens' lowercase forms, one a token (see [`crate::fingerprint`]).
    pub fn fingerprints(&self) -> &[u64] {
        &self.fingerprints
    }

    /// The text of a token.
    pub fn token_text(&self, token: &Token) -> &str {
        &self.text[token.start..token.end]
    }

    /// The byte range in the clean text covered by tokens `range`.
    pub fn token_span(&self, range: Range<usize>) -> Range<usize> {
        match (self.tokens.get(range.start), range.end.checked_sub(1)) {
            (Some(first), Some(last)) if last >= range.start => {
                first.start..self.tokens[last.min(self.tokens.len() - 1)].end
            }
            _ => 0..0,
        }
    }

    /// The index of the sentence holding clean-text offset `offset`.
    pub fn sentence_at(&self, offset: usize) -> usize {
        self.sentences
            .partition_point(|s| s.end <= offset)
            .min(self.sentences.len().saturating_sub(1))
    }

    /// The matches of lexicon `id` (see [`crate::lexicon::PhraseSet`]).
    pub(crate) fn phrase_matches(&self, id: usize) -> &[PhraseMatch] {
        self.phrases.get(id).map_or(&[], Vec::as_slice)
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
        let word = before.to_ascii_lowercase();
        if ABBREVIATIONS.contains(&word.as_str()) || word.len() == 1 {
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

    fn doc(text: &str) -> Document<'_> {
        Document::new(text, Format::Text, &PhraseIndex::empty())
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
        assert_eq!(d.tokens.last().map(|t| t.sentence), Some(3));
    }

    #[test]
    fn empty_text_has_one_empty_sentence() {
        let d = doc("");
        assert!(d.tokens.is_empty());
        assert_eq!(d.sentences, vec![0..0]);
    }
}
