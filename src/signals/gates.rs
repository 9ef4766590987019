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

use crate::document::{Document, Token};

/// True when the text holds a character that case-insensitive matching folds to an ASCII letter.
fn folds_to_ascii(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), "\u{17F}".as_bytes()).is_some()
        || memchr::memmem::find(text.as_bytes(), "\u{212A}".as_bytes()).is_some()
}

/// True when `token` starts with `word` (ASCII letters, compared without regard to case) and
/// ends there or goes on with a non-ASCII character: the places where `word(?-u:\b)` can match
/// at the start of a token.
fn starts_word(token: &str, word: &str, ignore_case: bool) -> bool {
    let (token, word) = (token.as_bytes(), word.as_bytes());
    token.len() >= word.len()
        && if ignore_case {
            token[..word.len()].eq_ignore_ascii_case(word)
        } else {
            token[..word.len()] == *word
        }
        && token.get(word.len()).is_none_or(|b| !b.is_ascii())
}

/// True when `token` ends with `word`, compared without regard to ASCII case.
fn ends_word(token: &str, word: &str) -> bool {
    let (token, word) = (token.as_bytes(), word.as_bytes());
    token.len() >= word.len() && token[token.len() - word.len()..].eq_ignore_ascii_case(word)
}

/// The tokens of a document with the gap of text before each.
fn tokens_with_gaps<'d>(doc: &'d Document<'_>) -> impl Iterator<Item = (&'d str, &'d str)> + 'd {
    let mut end = 0;
    doc.tokens.iter().map(move |token: &Token| {
        let gap = &doc.text[end..token.start];
        end = token.end;
        (gap, doc.token_text(token))
    })
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
    tokens_with_gaps(doc).any(|(_, word)| {
        starts_word(word, "code", true)
            || starts_word(word, "codes", true)
            || (percent && (starts_word(word, "off", true) || ends_word(word, "save")))
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
    let mut previous_three_digits = false;
    tokens_with_gaps(doc).any(|(gap, word)| {
        let follows = previous_three_digits
            && matches!(gap, "-" | "." | " ")
            && word.chars().count() >= 4
            && numeric(word).take(4).all(|n| n);
        previous_three_digits = word.chars().count() == 3 && numeric(word).all(|n| n);
        follows
    })
}

/// HYPE005 (first-name anecdotes). Its alternatives need:
/// - `Name, \d{1,2},`: the gap `, ` before a token of one or two digits, and a comma right
///   after it;
/// - `-year-old` (the other form of the first alternative, and the second);
/// - `named ` or `called ` after a space: a token that is exactly one of them.
pub(super) fn may_tell_anecdote(doc: &Document<'_>) -> bool {
    if memchr::memmem::find(doc.text.as_bytes(), b"-year-old").is_some() {
        return true;
    }
    doc.tokens.iter().any(|token| {
        let word = doc.token_text(token);
        if word.eq_ignore_ascii_case("named") || word.eq_ignore_ascii_case("called") {
            return true;
        }
        let short_number = matches!(word.chars().count(), 1 | 2) && numeric(word).all(|n| n);
        short_number
            && doc.text[..token.start].ends_with(", ")
            && doc.text[token.end..].starts_with(',')
    })
}

/// Verbs of writers' outlines, as the HYPE004 pattern spells them (case matters).
const OUTLINE_VERBS: &[&str] = &[
    "Explain",
    "Describe",
    "Discuss",
    "Include",
    "Add",
    "Insert",
    "Mention",
    "Provide",
    "List",
    "Write",
    "Highlight",
    "Summarize",
    "Summarise",
    "Introduce",
    "Outline",
    "Elaborate",
    "Expand",
    "Talk",
];

/// HYPE004 (generation artefacts). Its alternatives need:
/// - an outline bullet: one of the verbs, starting a token (it follows a bullet or a space) and
///   followed by an ASCII word boundary;
/// - a template placeholder: `[`;
/// - a chatbot turn: `as an ai` (the token `ai`, followed by a space or a comma), `! here` (the
///   token `here` after the gap `! `), `i hope this helps` (the token `hope`), `i cannot
///   provide` (the token `cannot`) or `regenerate response` (a token ending in `regenerate`).
pub(super) fn may_hold_artefact(doc: &Document<'_>) -> bool {
    if memchr::memchr(b'[', doc.text.as_bytes()).is_some() || folds_to_ascii(&doc.text) {
        return true;
    }
    tokens_with_gaps(doc).any(|(gap, word)| {
        OUTLINE_VERBS
            .iter()
            .any(|verb| starts_word(word, verb, false))
            || word.eq_ignore_ascii_case("ai")
            || word.eq_ignore_ascii_case("hope")
            || word.eq_ignore_ascii_case("cannot")
            || ends_word(word, "regenerate")
            || (gap == "! " && word.eq_ignore_ascii_case("here"))
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
            "NAMED ", "Linda", "teacher", ". "
        ])) {
            sound(&hype::invented_anecdotes(), &text)?;
        }

        #[test]
        fn artefact_gate_never_hides_a_match(text in text_of(&[
            "- ", "* ", "• ", "1. ", "2) ", "\n", "Explain", "explain", "Add", "List", "Talk",
            " about", " on", "Expand", " the benefits ", "here", "there", " in this section",
            "[", "]", "insert", "your", "company", "as an ", "ai", "AI", ",", " i", "certainly",
            "sure", "! ", "here's", " is", "i ", "hope", " this", " helps", "cannot", " provide",
            " medical advice", "regenerate", " response", "i hope this helps", "I HOPE THIS HELPS",
            "certainly! here's", "Sure! here is", "I cannot provide medical advice",
            "As an AI language model", "- Explain the benefits here", "[Insert brand]"
        ])) {
            sound(&hype::generation_artefacts(), &text)?;
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
        assert!(!super::may_hold_artefact(&doc));
    }
}
