//! Named filters: the code some signals written as data need, each a predicate on a match that
//! says whether it counts. A rule file names one (`filter = "mid-sentence"`) and `build.rs`
//! calls it by that name, so a signal is still one rule file; a filter serves any rule whose
//! matches need the same judgement. Filters of phrase matches read the document around the
//! match; filters of pattern matches read the clean text and the match's span. Gates
//! (`gate = "cyrillic-or-greek"`) test the document before a pattern is searched at all.

use std::ops::Range;

use super::Reading;
use crate::document::Document;
use crate::lexicon::PhraseMatch;

// Filters of phrase matches.

/// Whether a harm is discussed, not denied: "no side effects", "zero risks", "without
/// complications" deny harms rather than discuss them.
pub(super) fn not_denied(doc: &Document<'_>, m: &PhraseMatch) -> bool {
    let before = m
        .first_token
        .checked_sub(1)
        .map(|i| doc.token_text(&doc.tokens[i]));
    !matches!(
        before.map(str::to_lowercase).as_deref(),
        Some("no" | "zero" | "without" | "free")
    )
}

/// Words of a publisher's own subscription and newsletter boxes.
const PUBLISHER_FURNITURE: &[&str] = &[
    "newsletter",
    "newsletters",
    "subscribe",
    "subscription",
    "subscriptions",
    "subscriber",
    "subscribers",
    "inbox",
];

/// How far around a match the publisher's furniture is looked for, in bytes: its line and the
/// line before, cut to this much on either side (a text without line breaks is one line).
const FURNITURE_REACH: usize = 300;

/// Whether a call to action calls the reader: it is the page's own (not a publisher's box asking
/// for subscribers, [`not_publisher_furniture`]), and its verb is not a participle that reports
/// what someone does ("patients who are booking an appointment", "before booking an
/// appointment", "once you have booked a consultation"). The lexicon matches stems, so
/// "booking" matches "book an appointment"; a page selling says "Book an appointment". No entry
/// of the lexicon starts with a word in -ing, and of those in -ed only "limited" ("limited
/// time").
pub(super) fn page_calls_the_reader(doc: &Document<'_>, m: &PhraseMatch) -> bool {
    let verb = doc.token_text(&doc.tokens[m.first_token]);
    let participle = verb.len() > 4
        && (ends_with_ignore_case(verb, "ing")
            || (ends_with_ignore_case(verb, "ed") && !verb.eq_ignore_ascii_case("limited")));
    !participle && not_publisher_furniture(doc, m)
}

/// Whether `word` ends with the ASCII `suffix`, case ignored.
fn ends_with_ignore_case(word: &str, suffix: &str) -> bool {
    word.len()
        .checked_sub(suffix.len())
        .and_then(|at| word.get(at..))
        .is_some_and(|end| end.eq_ignore_ascii_case(suffix))
}

/// Whether a call to action is the page's own, not a publisher's box asking for subscribers:
/// news sites put "Sign up now", "Subscribe now" and "special offers" beside their stories (in
/// the corpus, SELL001 fired on 6.8% of FakeHealth's reliable stories without this filter, 1.6%
/// with it, and on the health sales e-mails 20.7% either way). A match
/// whose line, or the line before it, names a newsletter, a subscription or an inbox is the
/// publisher's furniture ("unsubscribe", a sales e-mail's footer, is another word); blank
/// lines between them do not count.
fn not_publisher_furniture(doc: &Document<'_>, m: &PhraseMatch) -> bool {
    let span = doc.token_span(m.first_token..m.end_token);
    let text = &doc.text[..];
    let reach_back =
        crate::source::ceil_char_boundary(text, span.start.saturating_sub(FURNITURE_REACH));
    let reach_on =
        crate::source::floor_char_boundary(text, (span.end + FURNITURE_REACH).min(text.len()));
    let line_start = text[reach_back..span.start]
        .rfind('\n')
        .map_or(reach_back, |at| reach_back + at);
    // The line before is the last one with words: a subscription box sets its button apart
    // from the line that names the newsletter with a blank line ("...e-newsletter keeps you up
    // to date.\n\nSign up now").
    let from = text[reach_back..line_start]
        .trim_end()
        .rfind('\n')
        .map_or(reach_back, |at| reach_back + at + 1);
    let to = text[span.end..reach_on]
        .find('\n')
        .map_or(reach_on, |at| span.end + at);
    !crate::tokens::words(&text[from..to]).any(|word| {
        PUBLISHER_FURNITURE
            .iter()
            .any(|furniture| word.eq_ignore_ascii_case(furniture))
    })
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
pub(super) fn mid_sentence(doc: &Document<'_>, m: &PhraseMatch) -> bool {
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

// Filters of pattern matches.

/// Whether a leftover of a writing brief was meant for the writer, not the reader. An outline
/// bullet that speaks to the reader ("- Discuss it with your doctor") is advice; an
/// "Introduction:" or "Conclusion:" label near a methods or results label is a structured
/// abstract's, and a "Title:" near an "Author:" or "ISBN:" is a record's field.
/// The rest the pattern finds (a placeholder such as "[Your Name]", a chatbot's turn, a brief's
/// "Headline:") was never meant for a reader.
pub(super) fn meant_for_the_writer(text: &str, span: Range<usize>) -> bool {
    let line = text[span.clone()].trim_start();
    // "**Title:**" is a bold label, not a bullet
    let bullet = line.starts_with(['-', '•', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
        || (line.starts_with('*') && !line.starts_with("**"));
    let label = line.trim_start_matches(['#', '*', '_', ' ', '\t']);
    if bullet {
        !line
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w.eq_ignore_ascii_case("your") || w.eq_ignore_ascii_case("you"))
    } else if label.starts_with("Introduction") || label.starts_with("Conclusion") {
        !label_line_near(text, &span, ABSTRACT_LABELS)
    } else if label.starts_with("Title") || label.starts_with("Subtitle") {
        !label_line_near(text, &span, RECORD_LABELS)
    } else {
        true
    }
}

/// Whether a line near `span` (within [`LABELS_REACH`] bytes) starts with one of `labels` and a
/// colon ("Methods:", "**Results:**"), in any case.
fn label_line_near(text: &str, span: &Range<usize>, labels: &[&str]) -> bool {
    let bytes = text.as_bytes();
    let from = span.start.saturating_sub(LABELS_REACH);
    let to = bytes.len().min(span.end + LABELS_REACH);
    let mut lines = bytes[from..to].split(|&b| b == b'\n');
    if from > 0 && bytes[from - 1] != b'\n' {
        lines.next(); // the tail of a line the reach cuts
    }
    lines.any(|line| {
        let start = line
            .iter()
            .position(|b| !b"#*_ \t".contains(b))
            .unwrap_or(line.len());
        let line = &line[start..];
        line.iter().position(|&b| b == b':').is_some_and(|colon| {
            let end = line[..colon]
                .iter()
                .rposition(|b| !b"*_ \t".contains(b))
                .map_or(0, |k| k + 1);
            labels
                .iter()
                .any(|l| line[..end].eq_ignore_ascii_case(l.as_bytes()))
        })
    })
}

/// How far from a label [`meant_for_the_writer`] looks for the labels beside it: a structured
/// abstract (about 300 words) or a record lies within it, and a text of many labels is still
/// read in linear time (a look at the whole text for each made 200,000 "Title:" lines take
/// minutes).
const LABELS_REACH: usize = 4096;

/// The section labels of structured abstracts beside "Introduction" and "Conclusion".
const ABSTRACT_LABELS: &[&str] = &[
    "method",
    "methods",
    "materials and methods",
    "result",
    "results",
    "background",
    "objective",
    "objectives",
    "aim",
    "aims",
    "design",
    "setting",
    "participants",
    "findings",
    "purpose",
];

/// The fields of a bibliographic or catalogue record beside its "Title:" ("Date:" is not one:
/// a generator's news brief has it too).
const RECORD_LABELS: &[&str] = &[
    "author",
    "authors",
    "author(s)",
    "editor",
    "editors",
    "publisher",
    "isbn",
    "issn",
    "doi",
    "journal",
    "source",
    "pages",
    "language",
    "format",
];

/// Whether "a" or "an" stands as an article: before a word that is not a function word. "a"
/// used as a letter or label ("type a or b", "a is the") is followed by one.
pub(super) fn article_before_a_word(text: &str, span: Range<usize>) -> bool {
    let next = text[span].split(' ').nth(1).unwrap_or("");
    !FUNCTION_WORDS.contains(&next)
}

/// Words after which "a" is a letter, not an article.
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "if", "in", "into", "is", "it", "of", "on", "or", "our",
    "also", "its", "than", "that",
];

/// Whether a matched price is offered, not reported: framed as an offer ("only", "from",
/// "off", "per bottle", "a month"), not after a word that reports it as a fact, and not a range.
pub(super) fn offered_price(text: &str, span: Range<usize>) -> bool {
    let matched = text[span.clone()].to_ascii_lowercase();
    if !matched.starts_with(['$', '£', '€']) {
        return true; // a percentage off, a saving or a code
    }
    let after_symbol = matched
        .char_indices()
        .nth(1)
        .map_or("", |(i, _)| &matched[i..]);
    if after_symbol.contains(['$', '£', '€']) {
        return false; // a range: "from $500 to $1,000"
    }
    // The last three words before the price, nearest first, read in the bytes just before it:
    // a 256 KB page of prices with no space between them ("$2,$2,...") took 11 s when each
    // price split the whole text before it into words (found by fuzzing `score_text`).
    let from = crate::source::ceil_char_boundary(text, span.start.saturating_sub(LOOK_BACK));
    let before: Vec<String> = super::words_before(&text[from..span.start])
        .take(3)
        .collect();
    let word = |i: usize| before.get(i).map_or("", String::as_str);
    let reported = |w: &str| PRICE_AS_FACT.contains(&w);
    if reported(word(0)) {
        return false; // "costs $1,000", "about $100 a month"
    }
    let offered_before = match word(0) {
        "only" | "just" | "now" | "from" => !reported(word(1)), // but "costs just $6"
        "as" => word(1) == "little" && word(2) == "as",         // "for as little as $5"
        _ => false,
    };
    let offered_after = [
        "off", "bottle", "box", "jar", "pack", "month", "session", "visit",
    ]
    .iter()
    .any(|w| matched.trim_end().ends_with(w));
    offered_before || offered_after
}

/// Words before a price that report it as a fact rather than offer it.
const PRICE_AS_FACT: &[&str] = &[
    "cost",
    "costs",
    "costing",
    "about",
    "around",
    "roughly",
    "approximately",
    "average",
    "averages",
    "than",
    "nearly",
    "almost",
    "over",
    "under",
    "to",
    "paid",
    "pay",
    "pays",
    "charge",
    "charges",
    "charged",
    "spend",
    "spends",
    "spent",
    "at",
    "between",
    "estimated",
    "of",
];

/// Whether a token is one of [`DISGUISED_WORDS`] disguised: with its separators dropped and its
/// look-alike digits and symbols read as letters (1 as i or l), it is the word, and it was not
/// spelled plainly.
pub(super) fn disguised_sales_word(text: &str, span: Range<usize>) -> bool {
    let token = &text[span];
    let letters: String = token
        .chars()
        .filter(|c| !matches!(c, '-' | '.' | '_' | '*' | ' '))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if letters.len() < 4
        || letters.len() > 20
        || (letters.chars().all(|c| c.is_ascii_alphabetic()) && letters.len() == token.len())
    {
        return false;
    }
    let read = |one: char| -> String {
        letters
            .chars()
            .map(|c| match c {
                '0' => 'o',
                '1' | '|' | '!' => one,
                '3' => 'e',
                '4' | '@' => 'a',
                '5' | '$' => 's',
                '8' => 'b',
                c => c,
            })
            .collect()
    };
    ['i', 'l']
        .into_iter()
        .any(|one| DISGUISED_WORDS.contains(&read(one).as_str()))
}

/// The words pharmacy spam disguises. Written for chaff from the drug and sales vocabulary of
/// health spam (drug names of the kinds sold without prescription, and the words of the offer).
const DISGUISED_WORDS: &[&str] = &[
    "viagra",
    "cialis",
    "levitra",
    "valium",
    "xanax",
    "ambien",
    "soma",
    "tramadol",
    "vicodin",
    "hydrocodone",
    "oxycodone",
    "oxycontin",
    "phentermine",
    "adipex",
    "meridia",
    "xenical",
    "propecia",
    "prozac",
    "zoloft",
    "ultram",
    "codeine",
    "percocet",
    "lorazepam",
    "ativan",
    "diazepam",
    "alprazolam",
    "sildenafil",
    "tadalafil",
    "pharmacy",
    "pharmaceutical",
    "pills",
    "pill",
    "meds",
    "medication",
    "medications",
    "prescription",
    "prescriptions",
    "discount",
    "generic",
    "cheap",
    "penis",
    "enlargement",
    "erection",
    "viagara",
    "drugs",
    "online",
    "order",
    "weight",
    "diet",
];

/// Bytes before a claim that are read for its five words: five words of any ordinary length.
/// Reading back to the sentence's start instead made a page of one claim repeated without a
/// full stop quadratic (fuzzing found 256 KB that took 0.5 s, 17 s under instrumentation).
const LOOK_BACK: usize = 200;

/// Whether a matched claim is made, not reported: no reporting word among the five words before
/// it in its sentence.
pub(super) fn not_reported(text: &str, span: Range<usize>) -> bool {
    let from = crate::source::ceil_char_boundary(text, span.start.saturating_sub(LOOK_BACK));
    let before = &text[from..span.start];
    let sentence = before
        .rfind(['.', '!', '?', '\n'])
        .map_or(before, |end| &before[end + 1..]);
    !super::words_before(sentence)
        .take(5)
        .any(|w| REPORTED.contains(&w.as_str()))
        && !quoted(sentence, &text[span.end..])
}

/// Whether a match stands inside quotation marks in its sentence, given the sentence before it
/// and the text after it: a phrase quoted is mentioned, not used ("how to evaluate "natural
/// remedies" with evidence", ""Big Pharma hates this natural remedy" is a common framing").
/// It reads as far after the match for the closing mark as [`not_reported`] reads before it.
fn quoted(before: &str, after: &str) -> bool {
    let opened = match before.rfind(['"', '\u{201c}', '\u{201d}']) {
        Some(at) if before[at..].starts_with('\u{201c}') => true,
        Some(_) => before.matches('"').count() % 2 == 1,
        None => false,
    };
    opened
        && after
            .char_indices()
            .take_while(|&(at, c)| at < LOOK_BACK && !matches!(c, '.' | '!' | '?' | '\n'))
            .any(|(_, c)| c == '"' || c == '\u{201d}')
}

/// Words that report a claim instead of making it, up to five words before it.
const REPORTED: &[&str] = &[
    "no", "not", "never", "cannot", "can't", "won't", "doesn't", "don't", "isn't", "nor",
    "unproven", "false", "falsely", "claim", "claims", "claimed", "claiming", "myth", "promise",
    "promises", "promised", "without",
];

/// Bytes before an exclamation mark read for the clause it closes: a courtesy formula is a few
/// words, and a bounded look-back keeps a page of one long clause linear.
const COURTESY_LOOK_BACK: usize = 60;

/// Whether an exclamation mark is emphasis, not courtesy: the clause it closes (back to the
/// last sentence mark, comma or line break) is not a greeting or sign-off of a few words
/// ("Hello!", "Take care!", "Best regards!", "Hope this helps!"). Letters, forum answers and
/// e-mails greet and sign off with exclamations whoever writes them; a doctor's "Hi!" at the
/// top of a 100-word answer was one event at a rate of 10 per 1,000 words, enough to call the
/// answer spam.
pub(super) fn not_courtesy(text: &str, span: Range<usize>) -> bool {
    let from =
        crate::source::ceil_char_boundary(text, span.start.saturating_sub(COURTESY_LOOK_BACK));
    let before = &text[from..span.start];
    let clause = before
        .rfind(['.', '!', '?', ',', ';', ':', '\n'])
        .map_or(before, |end| &before[end + 1..]);
    let words = || {
        clause
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .filter(|w| !w.is_empty())
    };
    let begins_with = |formula: &str| {
        let mut said = words();
        formula
            .split(' ')
            .all(|word| said.next().is_some_and(|w| w.eq_ignore_ascii_case(word)))
    };
    let courtesy = (1..=MAX_COURTESY_WORDS).contains(&words().count())
        // "Thanks to" gives a cause, not thanks.
        && !begins_with("thanks to")
        && COURTESY.iter().any(|&formula| begins_with(formula));
    !courtesy
}

/// Words of a clause that can still be a greeting or sign-off ("Thank you for using Health
/// Care Magic!").
const MAX_COURTESY_WORDS: usize = 8;

/// How greetings and sign-offs begin. Written for chaff from the forms letters, e-mails and
/// forum answers use.
const COURTESY: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "dear",
    "greetings",
    "good morning",
    "good afternoon",
    "good evening",
    "good day",
    "welcome",
    "thanks",
    "thank you",
    "many thanks",
    "regards",
    "best regards",
    "kind regards",
    "warm regards",
    "with regards",
    "best wishes",
    "best",
    "all the best",
    "take care",
    "good luck",
    "get well soon",
    "wish you",
    "wishing you",
    "i wish you",
    "have a good",
    "have a nice",
    "have a great",
    "hope this helps",
    "hope it helps",
    "hope to have been",
    "hope i have",
    "hope you",
    "cheers",
    "sincerely",
    "stay safe",
    "stay healthy",
];

// Gates: a cheap test of the document, without which no match of a pattern counts.

/// Whether the text holds a byte that starts a Cyrillic or Greek letter in UTF-8 (0xCE to
/// 0xD4): a text without one (most English pages) is not searched for look-alike letters. The
/// search alone cost about a tenth of the time to score a document.
pub(super) fn cyrillic_or_greek(doc: &Reading<'_, '_>) -> bool {
    let bytes = doc.text.as_bytes();
    memchr::memchr3(0xCE, 0xCF, 0xD0, bytes).is_some()
        || memchr::memchr3(0xD1, 0xD2, 0xD3, bytes).is_some()
        || memchr::memchr(0xD4, bytes).is_some()
}

/// Whether the text holds a word that [`disguised_sales_word`] could read as one of
/// [`DISGUISED_WORDS`], as every match SELL007 counts is: a run of ASCII letters, digits and
/// `@$|!` with a digit or symbol right before a letter, whose letters read with the look-alikes
/// (either reading of 1) hold a disguised word; or four or more single letters, each one byte
/// from the next ("V-I-A-G-R-A", "X a n a x"). SELL007's expression has no literal to skip to
/// and scanned every byte of every document; the runs are few, and most hold no such word.
pub(super) fn disguised_word_possible(doc: &Reading<'_, '_>) -> bool {
    disguised_run(doc.text.as_bytes()) || spaced_letters(doc)
}

/// A digit or a symbol that [`disguised_sales_word`] reads as a letter.
fn look_alike(b: u8) -> bool {
    b.is_ascii_digit() || matches!(b, b'@' | b'$' | b'|' | b'!')
}

/// The first part of [`disguised_word_possible`]: a run of letters and look-alikes holding a
/// disguised word. Every match of SELL007's first two alternatives lies in such a run and has
/// a look-alike right before a letter, and its reading is part of the run's.
fn disguised_run(bytes: &[u8]) -> bool {
    let in_run = |b: u8| b.is_ascii_alphabetic() || look_alike(b);
    let mut read = Vec::new();
    let mut checked = 0; // runs end before this
    for (chunk, block) in bytes.chunks(32).enumerate() {
        // Most blocks of prose hold no digit or symbol: one vectorised test skips them.
        if !block.iter().fold(false, |any, &b| any | look_alike(b)) {
            continue;
        }
        for (j, &b) in block.iter().enumerate() {
            let i = 32 * chunk + j;
            // Every match holds a look-alike right before a letter ("V1agra", "$oma").
            let before_letter = bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic);
            if i < checked || !look_alike(b) || !before_letter {
                continue;
            }
            let start = bytes[..i]
                .iter()
                .rposition(|&b| !in_run(b))
                .map_or(0, |k| k + 1);
            let end = bytes[i..]
                .iter()
                .position(|&b| !in_run(b))
                .map_or(bytes.len(), |k| i + k);
            checked = end;
            for one in [b'i', b'l'] {
                read.clear();
                read.extend(
                    bytes[start..end]
                        .iter()
                        .map(|&b| match b.to_ascii_lowercase() {
                            b'0' => b'o',
                            b'1' | b'|' | b'!' => one,
                            b'3' => b'e',
                            b'4' | b'@' => b'a',
                            b'5' | b'$' => b's',
                            b'8' => b'b',
                            b => b,
                        }),
                );
                if DISGUISED_WORDS
                    .iter()
                    .any(|w| memchr::memmem::find(&read, w.as_bytes()).is_some())
                {
                    return true;
                }
            }
        }
    }
    false
}

/// The second part of [`disguised_word_possible`]: four or more tokens in a row, each a single
/// ASCII letter one byte of `-._*` or a space from the next. A token with a character outside
/// ASCII counts too: an ASCII word boundary falls inside it ("éX a n a x").
fn spaced_letters(doc: &Reading<'_, '_>) -> bool {
    let bytes = doc.text.as_bytes();
    // A text whose letters and digits are all ASCII (most, curly quotes and dashes aside)
    // needs no look at its longer tokens; where the landmarks are too many to list, it is
    // not known to be one.
    let ascii = doc
        .landmarks()
        .is_some_and(|marks| !marks.letter_outside_ascii());
    let mut row = 0;
    let mut previous_end = usize::MAX;
    for token in &doc.tokens {
        let (start, end) = (token.start(), token.end());
        let letter = if end - start == 1 {
            bytes[start].is_ascii_alphabetic()
        } else {
            !ascii && !bytes[start..end].is_ascii()
        };
        if !letter {
            row = 0;
            continue;
        }
        let spaced = previous_end < start
            && start == previous_end + 1
            && matches!(bytes[previous_end], b'-' | b'.' | b'_' | b'*' | b' ');
        row = if spaced { row + 1 } else { 1 };
        if row >= 4 {
            return true;
        }
        previous_end = end;
    }
    false
}

/// The number words SPUN003's patterns look for, lowercase as a spinner writes them.
const NUMBER_WORDS: [&str; 27] = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
];

/// Whether the text holds a number word touching a `.`, `,`, `;` or `:` the way every match of
/// SPUN003 does: right after the mark, or right before it where a digit follows or the word is
/// alone at the start of its line. Spinners' number words are rare, and so is that touch in
/// fluent text; the regular expression, with no literal to skip to, scanned every byte of every
/// document (3 to 4% of the time to score one, measured over 10 MB).
pub(super) fn number_word_by_punctuation(doc: &Reading<'_, '_>) -> bool {
    let bytes = doc.text.as_bytes();
    // A number word starting right after the mark, ending at a word boundary.
    let after = |i: usize| -> bool {
        matches!(bytes.get(i), Some(b'o' | b't' | b'f' | b's' | b'e' | b'n'))
            && NUMBER_WORDS.iter().any(|w| {
                bytes[i..].starts_with(w.as_bytes())
                    && !bytes
                        .get(i + w.len())
                        .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_')
            })
    };
    // A number word ending right before the mark: any one before a digit, or one that is the
    // only word on its line so far before a period.
    let before = |mark: usize| -> bool {
        if !matches!(bytes[mark], b'.' | b',') {
            return false;
        }
        let digit_follows = bytes.get(mark + 1).is_some_and(u8::is_ascii_digit);
        if digit_follows {
            return NUMBER_WORDS
                .iter()
                .any(|w| bytes[..mark].ends_with(w.as_bytes()));
        }
        if bytes[mark] != b'.' {
            return false;
        }
        // The run of lowercase letters before the period, then blanks back to the line's start.
        let mut start = mark;
        while start > 0 && mark - start < 10 && bytes[start - 1].is_ascii_lowercase() {
            start -= 1;
        }
        let mut blank = start;
        while blank > 0 && matches!(bytes[blank - 1], b' ' | b'\t') {
            blank -= 1;
        }
        (blank == 0 || bytes[blank - 1] == b'\n')
            && NUMBER_WORDS
                .iter()
                .any(|w| &bytes[start..mark] == w.as_bytes())
    };
    let marks =
        memchr::memchr3_iter(b'.', b',', b':', bytes).chain(memchr::memchr_iter(b';', bytes));
    marks
        .into_iter()
        .any(|mark| after(mark + 1) || before(mark))
}

#[cfg(test)]
mod tests {
    use super::super::{rules, text_of_pieces, PatternRate};
    use super::*;
    use crate::document::Format;
    use crate::lexicon::PhraseIndex;
    use proptest::prelude::*;

    /// Whether `gate` passes `text`.
    fn passes(gate: fn(&Reading<'_, '_>) -> bool, text: &str) -> bool {
        gate(&Reading::new(&Document::new(
            text,
            Format::Text,
            &PhraseIndex::empty(),
        )))
    }

    /// Whether any match of the signal's pattern in `text` passes the signal's filter.
    fn counts(signal: &PatternRate, text: &str) -> bool {
        signal
            .pattern
            .regex()
            .matches(text)
            .iter()
            .any(|m| (signal.filter)(text, m.range()))
    }

    /// Pieces of SPUN003's matches and near misses: number words, the marks, digits, line and
    /// word breaks, capitals, letters that extend a number word, and a non-ASCII letter.
    const PIECES: &[&str] = &[
        "one",
        "seven",
        "seventeen",
        "twenty",
        "ninety",
        "ten",
        ".",
        ",",
        ";",
        ":",
        "5",
        " ",
        "\t",
        "\n",
        "A",
        "x",
        "s",
        "often",
        "é",
        "-",
        "adults",
        "Two",
    ];

    /// Pieces of SELL007's matches and near misses: disguised and plain words, look-alike digits
    /// and symbols, separators, single letters, and letters outside ASCII.
    const DISGUISE_PIECES: &[&str] = &[
        "V1agra",
        "C1AL1S",
        "prescript1on",
        "DISC0UNT",
        "V@lium",
        "$oma",
        "x",
        "V",
        "a",
        "n",
        "X",
        "-",
        ".",
        "_",
        "*",
        " ",
        "é",
        "1",
        "0",
        "@",
        "|",
        "!",
        "gra",
        "agra",
        "Vi",
        "10mg",
        "B12",
        "pills",
        "d1et",
        "or",
        "der",
        "\n",
        "X a n a x",
        "V-I-A-G-R-A",
        "ana",
        "n a x",
        "S o m a",
    ];

    proptest! {
        /// Where the gate says no, SPUN003's pattern finds nothing: the gate only skips.
        #[test]
        fn number_word_gate_skips_only_texts_without_a_match(text in text_of_pieces(PIECES)) {
            let signal = rules::number_word_reference_mark();
            if !passes(number_word_by_punctuation, &text) {
                prop_assert!(signal.pattern.regex().find(&text).is_none(), "{:?}", text);
            }
        }

        /// Where the gate says no, no match of SELL007's pattern passes its filter.
        #[test]
        fn disguise_gate_skips_only_texts_without_a_disguised_word(
            text in text_of_pieces(DISGUISE_PIECES)
        ) {
            let signal = rules::obfuscated_product_name();
            if !passes(disguised_word_possible, &text) {
                prop_assert!(!counts(&signal, &text), "{:?}", text);
            }
        }
    }

    #[test]
    fn number_word_gate_opens_on_each_kind_of_match() {
        for text in [
            "in adults.seventeen Further",
            "a day,twenty-one Researchers",
            "lost (four.5 kilograms)",
            "is 39.four C",
            "items\n\t two. Persistent",
            "two. Persistent",
        ] {
            assert!(passes(number_word_by_punctuation, text), "{text:?}");
        }
        for text in [
            "Twelve adults took part. Seventeen others waited.",
            "Step one. Wash your hands, often.",
            "version 2.1 of the guideline; see www.cdc.gov.",
        ] {
            assert!(!passes(number_word_by_punctuation, text), "{text:?}");
        }
    }

    #[test]
    fn disguise_gate_opens_on_disguised_words_only() {
        for text in [
            "Cheap V1agra here",
            "no prescript1on needed",
            "C-I-A-L-I-S and X a n a x",
            "V@lium",
            // an ASCII word boundary inside a token: SELL007 counts "S o m a" here
            "caféS o m a",
        ] {
            assert!(passes(disguised_word_possible, text), "{text:?}");
        }
        for text in [
            "Take 10mg of vitamin B12 with COVID-19 shots on the 2nd day.",
            "Viagra (sildenafil) and Cialis need a prescription. Order online!",
            "See the U.S. guidance, e.g. the p53 gene and H1N1 flu.",
        ] {
            assert!(!passes(disguised_word_possible, text), "{text:?}");
        }
    }

    #[test]
    fn leftovers_meant_for_the_writer_count_and_the_readers_do_not() {
        let signal = rules::generation_artefact();
        for text in [
            "- Describe the main side effects of ketamine.",
            "Dear [Your Name], your order ships today.",
            "Title: Your Guide to Better Sleep\n\nSleep matters.",
            "Introduction:\nTea is popular.\n\nConclusion:\nSo enjoy your tea!",
            "**Conclusion:** Dark chocolate is good for you.",
        ] {
            assert!(counts(&signal, text), "{text:?}");
        }
        for text in [
            "- Discuss any side effects with your doctor.",
            "* Explain your symptoms to the nurse.",
            "Introduction: Pain is common.\nMethods: 40 adults.\nResults: Pain fell.\nConclusion: It helped.",
            "Background: Pain is common.\n**Conclusion:** Ketamine helped.",
            "Title: The Body in Pain\nAuthor: A. Writer\nPublisher: A Press",
        ] {
            assert!(!counts(&signal, text), "{text:?}");
        }
    }
}
