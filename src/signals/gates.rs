//! Gates: cheap necessary conditions for a pattern signal to match a document.
//!
//! Each regular expression of a pattern signal costs a full automaton scan of the text (about
//! 9 µs for 5 KB on the benchmark machine), whether it matches or not, and most patterns match
//! in few documents. A gate reads what the document already holds (its tokens and the gaps
//! between them) plus a few vectorised byte searches, and says whether the pattern *can* match.
//! When it says no, the scan is skipped.
//!
//! A gate must never say no when the pattern matches: the comment on each gate gives the reason
//! for every alternative of its pattern, and the tests below check it on generated text built
//! from the pattern's own pieces. Unicode case-insensitivity makes `ſ` (U+017F) match `s` and
//! the Kelvin sign (U+212A) match `k`; gates that compare letters without regard to case pass
//! every text holding either, rather than reason about them.
//!
//! A gate must also cost less than the scan it saves. One for the generation-artefact pattern
//! (HYPE004) was tried and dropped: it closed on 99% of the benchmark documents, yet reading
//! every token cost about as much as the scan.

use crate::document::Document;

/// True when the text holds a character that case-insensitive matching folds to an ASCII letter.
fn folds_to_ascii(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), "\u{17F}".as_bytes()).is_some()
        || memchr::memmem::find(text.as_bytes(), "\u{212A}".as_bytes()).is_some()
}

/// True when `token` starts with `word` (ASCII letters, compared without regard to case) and
/// ends there or goes on with a non-ASCII character: the places where `word(?-u:\b)` can match
/// at the start of a token.
fn starts_word(token: &str, word: &str) -> bool {
    let (token, word) = (token.as_bytes(), word.as_bytes());
    token.len() >= word.len()
        && token[..word.len()].eq_ignore_ascii_case(word)
        && token.get(word.len()).is_none_or(|b| !b.is_ascii())
}

/// True when `token` ends with `word`, compared without regard to ASCII case.
fn ends_word(token: &str, word: &str) -> bool {
    let (token, word) = (token.as_bytes(), word.as_bytes());
    token.len() >= word.len() && token[token.len() - word.len()..].eq_ignore_ascii_case(word)
}

fn numeric(word: &str) -> impl Iterator<Item = bool> + '_ {
    word.chars().map(char::is_numeric)
}

/// SELL002 (sales prices and codes). Its alternatives need:
/// - a price (`[$£€]`): the first two;
/// - `% off` with `off` starting a token, or `save ` after a word boundary, where `save` ends a
///   token (a space follows it): both also need `%`;
/// - `codes?` after `promo|discount|coupon|voucher ` or `use `, starting a token.
pub(super) fn may_sell(doc: &Document<'_>) -> bool {
    let text = doc.text.as_bytes();
    if memchr::memchr(b'$', text).is_some()
        || memchr::memmem::find(text, "£".as_bytes()).is_some()
        || memchr::memmem::find(text, "€".as_bytes()).is_some()
        || folds_to_ascii(&doc.text)
    {
        return true;
    }
    let percent = memchr::memchr(b'%', text).is_some();
    doc.tokens.iter().any(|token| {
        let word = doc.token_text(token);
        // `| 0x20` lowercases an ASCII letter: only `C`/`c` and `O`/`o` reach the first arms.
        let starts = match word.as_bytes()[0] | 0x20 {
            b'c' => starts_word(word, "code") || starts_word(word, "codes"),
            b'o' => percent && starts_word(word, "off"),
            _ => false,
        };
        starts || (percent && ends_word(word, "save"))
    })
}

/// SELL004 (phone numbers). Its alternatives need:
/// - `+` and a digit (international form);
/// - `\d{3}[-. ]\d{4}(?-u:\b)` where the three digits follow `)`, a space or `[-. ]`: a token of
///   exactly three digits, one `-`, `.` or space, then a token that starts with four digits.
pub(super) fn may_hold_phone_number(doc: &Document<'_>) -> bool {
    if memchr::memchr(b'+', doc.text.as_bytes()).is_some() {
        return true;
    }
    let text = doc.text.as_bytes();
    doc.tokens.windows(2).any(|pair| {
        let (first, second) = (&pair[0], &pair[1]);
        // Cheapest tests first: a one-byte gap, a first token that can be a number.
        second.start == first.end + 1
            && matches!(text[first.end], b'-' | b'.' | b' ')
            && (text[first.start].is_ascii_digit() || !text[first.start].is_ascii())
            && is_number_of(doc.token_text(first), 3)
            && starts_with_digits(doc.token_text(second), 4)
    })
}

/// True when `word` is exactly `n` numeric characters (ASCII checked without decoding).
fn is_number_of(word: &str, n: usize) -> bool {
    if word.is_ascii() {
        word.len() == n && word.bytes().all(|b| b.is_ascii_digit())
    } else {
        word.chars().count() == n && numeric(word).all(|n| n)
    }
}

/// True when `word` starts with `n` numeric characters.
fn starts_with_digits(word: &str, n: usize) -> bool {
    let first = word.as_bytes().first().copied().unwrap_or(b' ');
    (first.is_ascii_digit() || !first.is_ascii())
        && word.chars().count() >= n
        && numeric(word).take(n).all(|n| n)
}

/// HYPE005 (first-name anecdotes). Its alternatives need:
/// - `Name, \d{1,2},`: the gap `, ` before a token of one or two digits, and a comma right
///   after it;
/// - `-year-old` (the other form of the first alternative, and the second);
/// - `a patient named `, `a mother called ` ...: a token that is exactly `named` or `called`
///   right after one of the nouns of the pattern.
pub(super) fn may_tell_anecdote(doc: &Document<'_>) -> bool {
    const NOUNS: &[&str] = &[
        "patient", "client", "customer", "woman", "man", "mother", "father", "mom", "dad", "reader",
    ];
    if memchr::memmem::find(doc.text.as_bytes(), b"-year-old").is_some()
        || folds_to_ascii(&doc.text)
    {
        return true;
    }
    let mut previous = "";
    doc.tokens.iter().any(|token| {
        let word = doc.token_text(token);
        let before = std::mem::replace(&mut previous, word);
        if word.eq_ignore_ascii_case("named") || word.eq_ignore_ascii_case("called") {
            return NOUNS.iter().any(|noun| before.eq_ignore_ascii_case(noun));
        }
        doc.text.as_bytes().get(token.end) == Some(&b',')
            && doc.text[..token.start].ends_with(", ")
            && (is_number_of(word, 1) || is_number_of(word, 2))
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::{commercial, hype, PatternRate};
    use crate::document::Format;
    use crate::lexicon::PhraseIndex;
    use crate::Document;

    /// Text made of pieces of a pattern, of the words around them and of awkward characters,
    /// so that matches are frequent and gates are tested at their edges.
    fn text_of(pieces: &'static [&'static str]) -> impl Strategy<Value = String> {
        const AROUND: &[&str] = &[
            " ", ", ", ".", "! ", "\n", "\t", "-", "_", "é", "ſ", "\u{212A}",
        ];
        let all: Vec<&str> = pieces.iter().chain(AROUND).copied().collect();
        prop::collection::vec(prop::sample::select(all), 1..16).prop_map(|v| v.concat())
    }

    fn sound(signal: &PatternRate, text: &str) -> Result<(), TestCaseError> {
        let doc = Document::new(text, Format::Text, &PhraseIndex::empty());
        let open = signal.gate.is_none_or(|gate| gate(&doc));
        prop_assert!(
            open || !signal.pattern.is_match(text),
            "{} gate closed on {text:?}",
            signal.spec.id
        );
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// A gate never closes on a text its pattern matches.
        #[test]
        fn sales_gate_never_hides_a_match(text in text_of(&[
            "$", "£", "€", "19.99", "5", "20", "%", " % ", "% off", "OFF", "off", "offer",
            "save ", "Save ", "unsave ", "up to ", "code", "codes", "CODE", "promo ", "use ",
            "only ", "per ", "bottle", "HEALTH20", "1"
        ])) {
            sound(&commercial::sales_pricing(), &text)?;
        }

        #[test]
        fn phone_gate_never_hides_a_match(text in text_of(&[
            "1", "1-", "555", "123", "1234", "12345", "٣٤٥", "(555)", "(555) ", "-", ".", " ",
            "+", "+44", "20", "7946"
        ])) {
            sound(&commercial::phone_numbers(), &text)?;
        }

        #[test]
        fn anecdote_gate_never_hides_a_match(text in text_of(&[
            "Sarah", "Tom", "Meet ", "Like ", "a ", "an ", "A ", "42", "7", "٤٢", ",", ", ",
            "-year-old", "year", "old", "patient ", "customer ", "woman ", "named ", "called ",
            "NAMED ", "Linda", "teacher", ". ", "a patient named ", "A woman called ", "a customer named ",
            "a reader called ", "a doctor named ", "Sarah, 7,", "Tom, 42,", ", 7,", ", 123,",
            "Tom, a 42-year-old", "Meet Sarah, an 8-year-old"
        ])) {
            sound(&hype::invented_anecdotes(), &text)?;
        }
    }

    #[test]
    fn gates_close_on_ordinary_news() {
        let text = "The drug lowered blood pressure in 41 of 100 patients over 12 weeks, the \
                    researchers said. Side effects were mild.";
        let doc = Document::new(text, Format::Text, &PhraseIndex::empty());
        assert!(!super::may_sell(&doc));
        assert!(!super::may_hold_phone_number(&doc));
        assert!(!super::may_tell_anecdote(&doc));
    }
}
