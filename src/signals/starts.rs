//! Where a pattern's matches can start: a few places a cheap look at the document finds, so
//! that the pattern runs anchored there instead of scanning every byte.
//!
//! A lazy DFA scan costs about 1.6 ns a byte whether the pattern matches or not (600 MB/s on the
//! benchmark machine), and a pattern whose alternatives begin at a digit, a currency sign or
//! one of a few dozen words has no literal the engine can skip to: measured over 10 MB of the
//! benchmark corpus, each of QUAL010's, SELL002's and the cure claims' scans took 0.016 s, a
//! twentieth of the time to score the documents. Numbers and currency signs are found in one
//! pass that skips, 32 bytes at a time, the blocks of prose that hold none; words are found by
//! the document's one phrase scan (a set of starting words is a lexicon, matched by stem: every
//! form of a word, a superset of the words themselves).
//!
//! What makes this exact: [`find_at`] finds what a scan finds whenever every match starts at
//! one of the places. The regular expressions read `(?-u:\b)` as an ASCII word boundary, where
//! a token ends only at a character that is no letter or digit in any script, so a match can
//! start inside a token ("écure" holds `\bcure`), and case folding gives a few ASCII letters
//! other forms ("ſave" matches `(?i)save`): the places at and after each letter or digit
//! outside ASCII are starting places too. The property tests of the signals that use this
//! compare it with a scan of the whole text.

use itertools::Itertools;
use regex_automata::{Anchored, Input, Span};

use super::{Pattern, Reading};
use crate::lexicon::{Entry, LexiconBuilder, PhraseSet};

/// The places of a text where numbers, currency signs and letters or digits outside ASCII
/// stand, found once a document for every signal that asks (see [`Reading::landmarks`]).
#[derive(Debug, Default)]
pub(crate) struct Landmarks {
    /// Where numbers start: an ASCII digit after a byte that is no ASCII letter, digit or
    /// underscore (where `(?-u:\b)\d` can match), or a numeric character of another script
    /// (`\d` is Unicode's decimal digits).
    numbers: Vec<usize>,
    /// Where `$`, `£` and `€` stand.
    currency: Vec<usize>,
    /// At and after each letter or digit outside ASCII (see the module's note).
    non_ascii: Vec<usize>,
}

impl Landmarks {
    /// The landmarks of `text`, or `None` when numbers, currency signs and characters outside
    /// ASCII are more than 16 and one per 32 bytes (tables of figures, text in other scripts):
    /// one scan then costs less than a search at each.
    pub(crate) fn of(text: &str) -> Option<Landmarks> {
        let bytes = text.as_bytes();
        // ASCII digits, dollar signs, and the first bytes of non-ASCII characters.
        let landmark = |b: u8| b.is_ascii_digit() || b == b'$' || b >= 0xc0;
        let most = 16 + text.len() / 32;
        let mut seen = 0;
        let mut marks = Landmarks {
            // Prose has a number every 300-odd bytes: room for them in one allocation.
            numbers: Vec::with_capacity(8 + text.len() / 256),
            ..Landmarks::default()
        };
        for (chunk, block) in bytes.chunks(32).enumerate() {
            // Most blocks of prose hold none: one vectorised test skips them.
            if !block.iter().fold(false, |any, &b| any | landmark(b)) {
                continue;
            }
            for (j, &b) in block.iter().enumerate() {
                let i = 32 * chunk + j;
                if b.is_ascii_digit() {
                    if i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_') {
                        marks.numbers.push(i);
                        seen += 1;
                    }
                } else if b == b'$' {
                    marks.currency.push(i);
                    seen += 1;
                } else if b >= 0xc0 {
                    // A lead byte starts a character.
                    seen += 1;
                    let Some(c) = text[i..].chars().next() else {
                        continue;
                    };
                    if c.is_numeric() {
                        marks.numbers.push(i);
                    }
                    if matches!(c, '£' | '€') {
                        marks.currency.push(i);
                    }
                    if c.is_alphanumeric() {
                        marks.non_ascii.extend([i, i + c.len_utf8()]);
                    }
                }
                if seen > most {
                    return None;
                }
            }
        }
        Some(marks)
    }

    /// Whether the text holds a letter or digit outside ASCII.
    pub(crate) fn letter_outside_ascii(&self) -> bool {
        !self.non_ascii.is_empty()
    }
}

/// Where every match of a pattern starts, as the pattern's alternatives begin: at one of a
/// set of words, at a number, at a currency sign.
#[derive(Debug, Clone, Default)]
pub(crate) struct Starts {
    words: Option<PhraseSet>,
    numbers: bool,
    currency: bool,
}

impl Starts {
    /// At one of `words` (any case; a phrase of several words starts at its first), at a word
    /// boundary.
    pub(crate) fn words(mut self, id: &str, words: &[&str], lexicons: &mut LexiconBuilder) -> Self {
        let entries: Vec<Entry> = crate::lexicon::parse(id, &words.join("\n"), 1, 1)
            .unwrap_or_else(|e| panic!("starting words: {e}"));
        self.words = Some(lexicons.add_starting_words(entries));
        self
    }

    /// At a number (see [`Landmarks::numbers`]).
    pub(crate) fn numbers(mut self) -> Self {
        self.numbers = true;
        self
    }

    /// At a currency sign: `$`, `£` or `€`.
    pub(crate) fn currency(mut self) -> Self {
        self.currency = true;
        self
    }

    /// The places of `doc` where a match can start, in increasing order (a place may come
    /// twice), or `None` when there are too many to be worth searching one by one (see
    /// [`Landmarks::of`]). Merged as they are read: nothing is collected.
    pub(crate) fn offsets<'r>(
        &'r self,
        doc: &'r Reading<'_, '_>,
    ) -> Option<impl Iterator<Item = usize> + 'r> {
        let marks = doc.landmarks()?;
        let all = |wanted: bool, places: &'r [usize]| {
            places[..if wanted { places.len() } else { 0 }]
                .iter()
                .copied()
        };
        let words = self.words.iter().flat_map(|words| {
            doc.phrases(words)
                .map(|m| doc.tokens[m.first_token].start())
        });
        Some(
            all(self.numbers, &marks.numbers)
                .merge(all(self.currency, &marks.currency))
                .merge(words)
                .merge(all(self.words.is_some(), &marks.non_ascii)),
        )
    }
}

/// The matches of `pattern` in `text`, the same as [`Pattern::matches`] gives, when every match
/// starts at one of `starts` (increasing) and none is empty: the pattern runs anchored at each
/// start not inside the last match. Look-around sees the whole text, so `\b` at a start still looks
/// at the byte before it.
pub(crate) fn find_at(
    pattern: &Pattern,
    text: &str,
    starts: impl IntoIterator<Item = usize>,
) -> Vec<Span> {
    let mut found: Vec<Span> = Vec::new();
    for start in starts {
        if found.last().is_some_and(|last| start < last.end) {
            continue;
        }
        let input = Input::new(text).range(start..).anchored(Anchored::Yes);
        if let Some(m) = pattern.search(&input) {
            found.push(m.span());
        }
    }
    found
}

/// Hits as (start, end).
#[cfg(test)]
pub(crate) type Spans = Vec<(usize, usize)>;

/// The hits in `text` of the signal `make` builds, its pattern run where its matches start, and
/// of the same signal with its starts (the field `starts` names) taken away, its pattern
/// scanning the whole text: what the tests of each signal that has starts compare.
#[cfg(test)]
pub(crate) fn hits_with_and_without_starts<S: super::Signal>(
    make: impl Fn(&mut LexiconBuilder) -> S,
    starts: impl Fn(&mut S) -> &mut Option<Starts>,
    text: &str,
) -> (Spans, Spans) {
    use crate::document::{Document, Format};
    let mut lexicons = LexiconBuilder::default();
    let mut at_starts = make(&mut lexicons);
    assert!(starts(&mut at_starts).is_some());
    let index = lexicons.build().unwrap();
    let doc = Document::new(text, Format::Text, &index);
    let doc = Reading::new(&doc);
    let mut everywhere = make(&mut LexiconBuilder::default());
    *starts(&mut everywhere) = None;
    let spans = |s: &S| -> Spans {
        s.measure(&doc)
            .hits
            .iter()
            .map(|h| (h.start, h.end))
            .collect()
    };
    (spans(&at_starts), spans(&everywhere))
}
