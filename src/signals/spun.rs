//! Spun text: what article spinners and careless scrapers leave behind.

use super::{Family, PatternRate, Polarity, SignalSpec, PER_THOUSAND};

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
