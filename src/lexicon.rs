//! Lexicons: plain-text phrase lists, and the matcher that finds their phrases in documents.
//!
//! A lexicon file has one entry a line, fields separated by tabs; blank lines and lines starting
//! with `#` are ignored. The first field is the phrase; what the other fields mean depends on the
//! signal (an expected phrase, a weight).

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use rust_stemmers::Stemmer;

use crate::document::{stem_pattern, words, Document};
use crate::error::Error;

/// One line of a lexicon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The phrase, as written in the file.
    pub phrase: String,
    /// The remaining tab-separated fields.
    pub fields: Vec<String>,
    /// 1-based line number in the lexicon file.
    pub line: usize,
}

/// Parses a lexicon. `name` identifies it in errors; each entry must have between `min_fields` and
/// `max_fields` fields, the phrase included.
pub fn parse(
    name: &str,
    text: &str,
    min_fields: usize,
    max_fields: usize,
) -> Result<Vec<Entry>, Error> {
    let mut entries = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim_end_matches('\r');
        if trimmed.trim().is_empty() || trimmed.trim_start().starts_with('#') {
            continue;
        }
        let fields: Vec<String> = trimmed.split('\t').map(|f| f.trim().to_owned()).collect();
        if fields.len() < min_fields || fields.len() > max_fields {
            return Err(Error::Lexicon {
                name: name.to_owned(),
                line,
                reason: format!(
                    "expected {min_fields} to {max_fields} tab-separated fields, found {}",
                    fields.len()
                ),
            });
        }
        if words(&fields[0]).next().is_none() {
            return Err(Error::Lexicon {
                name: name.to_owned(),
                line,
                reason: "the phrase has no word in it".to_owned(),
            });
        }
        let mut fields = fields.into_iter();
        let phrase = fields.next().unwrap_or_default();
        entries.push(Entry {
            phrase,
            fields: fields.collect(),
            line,
        });
    }
    Ok(entries)
}

/// A match of a lexicon phrase: the entry and the token range it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhraseMatch {
    /// Index of the entry in the lexicon.
    pub entry: usize,
    /// First token of the match.
    pub first_token: usize,
    /// One past the last token of the match.
    pub end_token: usize,
}

/// Finds the phrases of a lexicon in documents, on stems, so that inflected forms match
/// ("miracles", "cured") and word boundaries are exact.
#[derive(Debug, Clone)]
pub struct PhraseSet {
    entries: Vec<Entry>,
    /// Pattern index → entry index (several entries can share a stem pattern).
    pattern_entry: Vec<usize>,
    matcher: AhoCorasick,
}

impl PhraseSet {
    /// Compiles the entries into a matcher.
    pub fn new(entries: Vec<Entry>, stemmer: &Stemmer) -> Result<Self, Error> {
        let mut patterns = Vec::with_capacity(entries.len());
        let mut pattern_entry = Vec::with_capacity(entries.len());
        let mut seen = std::collections::HashSet::new();
        for (index, entry) in entries.iter().enumerate() {
            let pattern = stem_pattern(stemmer, words(&entry.phrase));
            if seen.insert(pattern.clone()) {
                patterns.push(pattern);
                pattern_entry.push(index);
            }
        }
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .map_err(|e| Error::Internal(format!("phrase matcher: {e}")))?;
        Ok(Self {
            entries,
            pattern_entry,
            matcher,
        })
    }

    /// The lexicon entries.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// All non-overlapping matches in the document, leftmost-longest first. A phrase never
    /// spans punctuation other than hyphens and apostrophes: "heart. Sickness" is not "heart
    /// sickness".
    pub fn find<'d>(&'d self, doc: &'d Document<'_>) -> impl Iterator<Item = PhraseMatch> + 'd {
        let stems = doc.stems();
        self.matcher
            .find_iter(&stems.text)
            .map(move |m| {
                let tokens = stems.tokens_of(m.start()..m.end());
                PhraseMatch {
                    entry: self.pattern_entry[m.pattern().as_usize()],
                    first_token: tokens.start,
                    end_token: tokens.end,
                }
            })
            .filter(|m| {
                doc.tokens[m.first_token..m.end_token]
                    .windows(2)
                    .all(|pair| {
                        doc.text[pair[0].end..pair[1].start]
                            .chars()
                            .all(|c| c.is_whitespace() || matches!(c, '-' | '\'' | '’'))
                    })
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{english_stemmer, Format};

    #[test]
    fn parses_fields_and_skips_comments() {
        let text = "# a comment\n\nbosom malignancy\tbreast cancer\nmiracle\n";
        let entries = parse("test", text, 1, 2).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].phrase, "bosom malignancy");
        assert_eq!(entries[0].fields, ["breast cancer"]);
        assert_eq!(entries[0].line, 3);
        assert!(entries[1].fields.is_empty());
    }

    #[test]
    fn rejects_wrong_field_counts_with_the_line() {
        let err = parse("hype.tsv", "ok\na\tb\tc\n", 1, 2).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("hype.tsv") && message.contains("line 2"),
            "{message}"
        );
    }

    #[test]
    fn matches_inflections_on_whole_words_only() {
        let stemmer = english_stemmer();
        let entries = parse("t", "miracle cure\ncure\n", 1, 1).unwrap();
        let set = PhraseSet::new(entries, &stemmer).unwrap();
        let doc = Document::new(
            "Miracle cures! Insecure people procure a cure.",
            Format::Text,
            &stemmer,
        );
        let found: Vec<_> = set
            .find(&doc)
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
        let stemmer = english_stemmer();
        let entries = parse("t", "heart sickness\ndoctors don't want\n", 1, 1).unwrap();
        let set = PhraseSet::new(entries, &stemmer).unwrap();
        let count = |text: &str| {
            set.find(&Document::new(text, Format::Text, &stemmer))
                .count()
        };
        assert_eq!(count("It affects the heart. Sickness follows."), 0);
        assert_eq!(count("It causes heart sickness."), 1);
        assert_eq!(count("What doctors don't want you to know"), 1);
    }
}
