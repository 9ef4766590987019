//! Spun text: what article spinners and careless scrapers leave behind.

use crate::lexicon::LexiconBuilder;

use super::{Family, PatternRate, PhraseRate, Polarity, SignalSpec, PER_THOUSAND};
use crate::document::Document;
use crate::lexicon::PhraseMatch;

const TORTURED_PHRASE: SignalSpec = SignalSpec {
    id: "SPUN001",
    version: 1,
    family: Family::Spun,
    polarity: Polarity::Concern,
    name: "tortured-phrase",
    message: "a known tortured phrase: a synonym swap of an established term",
    unit: PER_THOUSAND,
    doc: "What it detects: established terms rewritten by a synonym spinner or paraphrasing tool \
          into phrases no specialist writes (\"bosom malignancy\" for \"breast cancer\", \"blood \
          strain\" for \"blood pressure\"), from a curated list of 550 health phrases.\n\
          Why it lowers reliability: the text was machine-rewritten to evade plagiarism or \
          duplicate-content checks, so nobody who understood it checked the result.\n\
          Example: \"Early screening for bosom malignancy saves lives.\" (said 'bosom malignancy', \
          likely 'breast cancer')",
    fires_on: &[
        "Early screening for bosom malignancy saves lives.",
        "Patients with peevish entrail issue should avoid fried food.",
        "High blood strain is a silent killer.",
    ],
    quiet_on: &[
        "Early screening for breast cancer saves lives.",
        "A benign tumor is not cancer, and a malignant growth can spread.",
        "Irritable bowel syndrome affects the large intestine.",
    ],
};

/// SPUN001: tortured phrases, with the expected phrase in the evidence.
pub(super) fn tortured_phrase(lexicons: &mut LexiconBuilder) -> PhraseRate {
    PhraseRate::builtin(
        &TORTURED_PHRASE,
        include_str!("../../data/lexicons/tortured.tsv"),
        3,
        lexicons,
    )
    .with_note(|said, entry| {
        let expected = entry.fields.first()?;
        Some(format!("said '{said}', likely '{expected}'"))
    })
}

const STRAY_ANCHOR_TEXT: SignalSpec = SignalSpec {
    id: "SPUN004",
    version: 1,
    family: Family::Spun,
    polarity: Polarity::Concern,
    name: "stray-anchor-text",
    message: "link text fused into the middle of a sentence",
    unit: PER_THOUSAND,
    doc: "What it detects: link text (\"click here\", \"read more\", \"visit our website\") \
          standing between two lowercase words of a sentence, where it was an anchor in the page \
          the text was copied or spun from.\n\
          Why it lowers reliability: text assembled from other pages by a program, with their \
          links flattened into the prose.\n\
          Example: \"Check the dosage click here of the drug with your pharmacist.\"",
    fires_on: &[
        "Check the dosage click here of the drug with your pharmacist.",
        "Magnesium supports sleep read more and muscle recovery in athletes.",
    ],
    quiet_on: &[
        "To see the full trial protocol, click here.",
        "Read more about flu vaccines on the CDC site.",
        "Learn more: the NHS page on asthma explains inhalers.",
        "Talk to your doctor to learn more about the risks, or you can read more online.",
    ],
};

/// SPUN004: link text fused mid-sentence.
pub(super) fn stray_anchor_text(lexicons: &mut LexiconBuilder) -> PhraseRate {
    PhraseRate::builtin(
        &STRAY_ANCHOR_TEXT,
        include_str!("../../data/lexicons/anchor.tsv"),
        1,
        lexicons,
    )
    .with_filter(inside_sentence_between_lowercase_words)
}

/// Words that can stand before link text in a real sentence ("to learn more", "you can read
/// more").
const LICENSING_BEFORE: &[&str] = &[
    "to", "can", "could", "you", "please", "will", "would", "may", "might", "should", "must",
    "and", "or", "also", "then", "we", "i", "they", "simply",
];

/// Words that can follow link text in a real sentence ("learn more about", "click here for").
const LICENSING_AFTER: &[&str] = &[
    "about", "on", "at", "in", "from", "to", "for", "by", "if", "here", "there", "now",
];

/// True when the match has a lowercase word right before and right after it, with nothing but
/// spaces between them and the match, and neither word is one that makes the link text part of
/// a real sentence.
fn inside_sentence_between_lowercase_words(doc: &Document<'_>, m: &PhraseMatch) -> bool {
    let (Some(before), Some(after)) = (
        m.first_token.checked_sub(1).and_then(|i| doc.tokens.get(i)),
        doc.tokens.get(m.end_token),
    ) else {
        return false;
    };
    let span = doc.token_span(m.first_token..m.end_token);
    let lowercase_word = |t: &crate::tokens::Token| {
        doc.token_text(t)
            .chars()
            .next()
            .is_some_and(char::is_lowercase)
    };
    let only_spaces = |s: &str| s.chars().all(|c| c == ' ');
    let licensed = LICENSING_BEFORE.contains(&doc.token_text(before))
        || LICENSING_AFTER.contains(&doc.token_text(after));
    !licensed
        && lowercase_word(before)
        && lowercase_word(after)
        && lowercase_word(&doc.tokens[m.first_token])
        && only_spaces(&doc.text[before.end()..span.start])
        && only_spaces(&doc.text[span.end..after.start()])
}

const BROKEN_ARTICLE_AGREEMENT: SignalSpec = SignalSpec {
    id: "SPUN006",
    version: 1,
    family: Family::Spun,
    polarity: Polarity::Concern,
    name: "broken-article-agreement",
    message: "an article that no longer agrees with the word after it",
    unit: PER_THOUSAND,
    doc: "What it detects: \"a\" before a word starting with a vowel and \"an\" before a word \
          starting with a consonant (\"a important study\", \"an significant risk\"): what is left \
          when a spinner swaps the noun or adjective but not its article. Words read with another \
          sound (\"a one-time\", \"a European\", \"an hour\", \"an herb\") are left alone.\n\
          Why it lowers reliability: broken agreement where the original had none marks \
          machine-rewritten text.\n\
          Example: \"This is a important finding for an significant number of patients.\"",
    fires_on: &["This is a important finding for an significant number of patients."],
    quiet_on: &[
        "This is an important finding for a significant number of patients.",
        "Take a one-time dose; an hour later, a European team checked a unit of blood.",
        "A once-daily pill and an x-ray: a useful pair.",
        "Genes a and b: if a is present, a or b may be inherited.",
        "Hepatitis A infection and vitamin A intake are different matters.",
    ],
};

/// SPUN006: broken a/an agreement.
pub(super) fn broken_article_agreement() -> PatternRate {
    PatternRate::builtin(
        &BROKEN_ARTICLE_AGREEMENT,
        // "a" before a vowel, except where the vowel sounds as a consonant ("a one-time",
        // "a once-daily", "a European"); "an" before a consonant, except h, x and y ("an hour",
        // "an x-ray"). Lowercase only: "vitamin A intake" is not an article.
        r"(?-u:\b)(?P<hit>a (?:a[a-z]*|e[a-tv-z][a-z]*|i[a-z]+|o(?:[a-mo-z][a-z]*|n[abdf-z][a-z]*))|an [bcdfgjklmnpqrstvwz][a-z]*)(?-u:\b)",
    )
    .with_filter(|text, span| {
        // "a" used as a letter or label ("type a or b", "a is the"): the next word is a
        // function word, not a noun phrase.
        let next = text[span].split(' ').nth(1).unwrap_or("");
        !FUNCTION_WORDS.contains(&next)
    })
}

/// Words after which "a" is a letter, not an article.
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "if", "in", "into", "is", "it", "of", "on", "or", "our",
    "also", "its", "than", "that",
];

const LOOK_ALIKE_LETTER: SignalSpec = SignalSpec {
    id: "SPUN007",
    version: 3,
    family: Family::Spun,
    polarity: Polarity::Concern,
    name: "look-alike-letter",
    message: "a Cyrillic or Greek letter inside a Latin-script word",
    unit: PER_THOUSAND,
    doc: "What it detects: words that mix Latin letters with Cyrillic or Greek look-alikes \
          (\"vаccine\" with a Cyrillic а, \"hеalth\" with a Cyrillic е), as a rate per 1,000 words. \
          Only Greek letters drawn like Latin ones count (capital Α, Μ, Ο, small ο, ι, ν, ρ, υ): \
          the Greek of science (\"βhCG\", \"TNF-α\", \"50 μg\") does not.\n\
          Why it lowers reliability: look-alike letters are put in to slip copied or forbidden \
          words past duplicate and spam filters; no writer types them by accident.\n\
          Example: \"Buy Viаgra online\" with a Cyrillic а.",
    fires_on: &[
        "Buy Vi\u{430}gra online today.",
        "The v\u{430}ccine is s\u{430}fe and eff\u{435}ctive.",
        "A \u{3bf}ne-time offer.",
        "Guarant\u{3b9}e: V\u{39c}agra at half price.",
    ],
    quiet_on: &[
        "Take 50 \u{3bc}g daily; TNF-\u{3b1} and \u{3b2}-blockers were studied.",
        "Serum \u{3b2}hCG and HbS\u{3b2} thalassaemia were measured.",
        "The Russian word \u{432}\u{430}\u{43a}\u{446}\u{438}\u{43d}\u{430} means vaccine.",
        "Plain English text about vaccines.",
    ],
};

/// SPUN007: Cyrillic or Greek look-alike letters inside Latin-script words.
pub(super) fn look_alike_letter() -> PatternRate {
    // A Latin letter next to a Cyrillic letter (U+0400 to U+052F), or to a Greek one drawn like
    // a Latin letter
    // (capitals such as Α, Ι, Μ, Ο; small ο, ι, ν, ρ, υ). Greek letters of science ("βhCG",
    // "HbSβ", "TNF-α", "50 μg") are drawn differently and do not count.
    const MIXED: &str = r"[\x{400}-\x{52f}ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοινρυ]";
    PatternRate::builtin(
        &LOOK_ALIKE_LETTER,
        // The word around them, as far as its Latin letters and look-alikes reach (ASCII
        // classes: a Unicode `\w` run slows the screen that all screened patterns share).
        &format!(r"[a-zA-Z]*(?:[a-zA-Z]{MIXED}|{MIXED}[a-zA-Z])(?:[a-zA-Z]|{MIXED})*"),
    )
    // Every letter of the class is written in UTF-8 with a first byte from 0xCE to 0xD4: a text
    // without one (most English pages) is not searched. The search alone cost about a tenth of
    // the time to score a document.
    .only_where(|text| {
        let bytes = text.as_bytes();
        memchr::memchr3(0xCE, 0xCF, 0xD0, bytes).is_some()
            || memchr::memchr3(0xD1, 0xD2, 0xD3, bytes).is_some()
            || memchr::memchr(0xD4, bytes).is_some()
    })
}
