//! Words: how text is split into tokens, the one tokenizer of every document, lexicon and word
//! table.

use std::ops::Range;

/// A word of the clean text. Offsets are 32-bit: a long document holds tens of millions of
/// tokens, and 8 bytes each instead of 16 is most of its memory (documents are cut at 4 GiB,
/// see [`crate::document::MAX_TEXT`]). Which sentence a token is in, the document says
/// ([`crate::document::Document::sentence_tokens`]): one number a sentence, not one a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    start: u32,
    end: u32,
}

impl Token {
    /// A token over `start..end` of the clean text.
    pub fn new(start: usize, end: usize) -> Self {
        Token {
            start: narrow(start),
            end: narrow(end),
        }
    }

    /// Start of the byte range in the clean text.
    pub fn start(&self) -> usize {
        self.start as usize
    }

    /// End of the byte range in the clean text.
    pub fn end(&self) -> usize {
        self.end as usize
    }

    /// The byte range in the clean text.
    pub fn range(&self) -> Range<usize> {
        self.start()..self.end()
    }
}

/// An offset or a token index in 32 bits (documents are cut at [`crate::document::MAX_TEXT`], so neither is
/// larger).
pub(crate) fn narrow(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

/// chaff's stopwords (`data/lexicons/stopwords.txt`): the function words a spinner leaves alone,
/// which the spinner, the collocation-break signal and the word-table builder all skip.
pub fn stopwords() -> impl Iterator<Item = &'static str> {
    include_str!("../data/lexicons/stopwords.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && !l.is_empty())
}

/// Splits text into word strings the way documents are tokenized.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    word_spans(text).map(move |r| &text[r])
}

/// The byte ranges of the words of `text`, as documents are tokenized: the maximal runs of
/// alphanumeric characters (Unicode's definition).
pub fn word_spans(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    spans_of_words(text).into_iter()
}

/// ASCII bytes that are alphanumeric.
const ASCII_WORD: [bool; 128] = {
    let mut table = [false; 128];
    let mut byte = 0;
    while byte < 128 {
        table[byte] = (byte as u8).is_ascii_alphanumeric();
        byte += 1;
    }
    table
};

/// [`word_spans`], collected.
pub(crate) fn spans_of_words(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::with_capacity(text.len() / 5);
    for_each_word(text, |span| spans.push(span));
    spans
}

/// Calls `each` with the byte range of every word of `text`, in order. Stretches of ASCII text
/// are read 64 bytes at a time into a bit mask of word bytes, and words start and end where the
/// mask changes: a table lookup a byte and a few instructions a word, with no branch on each
/// byte's class (a character-by-character loop mispredicts at every word boundary). Other
/// characters are decoded one by one.
pub(crate) fn for_each_word(text: &str, mut each: impl FnMut(Range<usize>)) {
    let bytes = text.as_bytes();
    let spans = &mut each;
    // Where the word being read started, if the text so far ends inside a word.
    let mut open: Option<usize> = None;
    let mut at = 0;
    while at < bytes.len() {
        if !bytes[at].is_ascii() {
            let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) else {
                break; // `at` is always on a character boundary
            };
            if c.is_alphanumeric() {
                open.get_or_insert(at);
            } else if let Some(start) = open.take() {
                spans(start..at);
            }
            at += c.len_utf8();
            continue;
        }
        // Up to 64 ASCII bytes: bit k of `mask` is set when byte `at + k` is alphanumeric.
        let mut mask = 0u64;
        let mut n = 0;
        for &byte in bytes[at..bytes.len().min(at + 64)].iter() {
            if !byte.is_ascii() {
                break;
            }
            mask |= u64::from(ASCII_WORD[usize::from(byte)]) << n;
            n += 1;
        }
        // A bit of `changes` is set where a byte's class differs from the one before it.
        let before = (mask << 1) | u64::from(open.is_some());
        let mut changes = mask ^ before;
        if n < 64 {
            changes &= (1 << n) - 1;
        }
        while changes != 0 {
            let k = changes.trailing_zeros() as usize;
            changes &= changes - 1;
            if mask & (1 << k) != 0 {
                open = Some(at + k);
            } else if let Some(start) = open.take() {
                spans(start..at + k);
            }
        }
        at += n;
    }
    if let Some(start) = open {
        spans(start..bytes.len());
    }
}

/// The definition of a word, character by character.
#[cfg(test)]
pub(crate) fn reference_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut open = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), open) {
            (true, None) => open = Some(i),
            (false, Some(start)) => {
                spans.push(start..i);
                open = None;
            }
            _ => {}
        }
    }
    if let Some(start) = open {
        spans.push(start..text.len());
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn word_spans_follow_the_definition(
            text in r"([a-zA-Z0-9 .,'’-]{0,70}|[éß½²—\x{2070}\x{1F600}\x{0663}]|\PC{0,3}){0,12}"
        ) {
            proptest::prop_assert_eq!(spans_of_words(&text), reference_spans(&text));
        }
    }

    #[test]
    fn word_spans_cross_blocks_and_scripts() {
        for text in [
            "a".repeat(130),
            format!("{} café {}", "x ".repeat(40), "y".repeat(70)),
            "naïve résumé 3½ x² ٣ end".to_owned(),
            " ".repeat(64) + "w",
        ] {
            assert_eq!(spans_of_words(&text), reference_spans(&text), "{text:?}");
        }
    }
}
