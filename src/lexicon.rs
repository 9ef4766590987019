//! Lexicons: plain-text phrase lists, and the matcher that finds their phrases in documents.
//!
//! A lexicon file has one entry a line, fields separated by tabs; blank lines and lines starting
//! with `#` are ignored. The first field is the phrase; what the other fields mean depends on the
//! signal (an expected phrase, a weight).

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use rust_stemmers::Stemmer;

use crate::document::{stem_pattern, words, Document, StemText, Token};
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

/// A lexicon registered with a pipeline: its entries, and the handle to its matches in each
/// document. Matching is on stems, so inflected forms match ("miracles", "cured"), word
/// boundaries are exact, and a phrase never spans punctuation other than hyphens and
/// apostrophes ("heart. Sickness" is not "heart sickness").
#[derive(Debug, Clone)]
pub struct PhraseSet {
    id: usize,
    entries: Vec<Entry>,
}

impl PhraseSet {
    /// The lexicon entries.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The non-overlapping, leftmost-longest matches of this lexicon in the document.
    pub fn find<'d>(&self, doc: &'d Document<'_>) -> impl Iterator<Item = PhraseMatch> + 'd {
        doc.phrase_matches(self.id).iter().copied()
    }
}

/// Collects the lexicons of a pipeline, to compile them into one automaton: each document is
/// scanned once for all of them.
#[derive(Debug, Default)]
pub struct LexiconBuilder {
    lexicons: Vec<Vec<Entry>>,
}

impl LexiconBuilder {
    /// Registers a lexicon.
    pub fn add(&mut self, entries: Vec<Entry>) -> PhraseSet {
        self.lexicons.push(entries.clone());
        PhraseSet {
            id: self.lexicons.len() - 1,
            entries,
        }
    }

    /// Compiles every registered lexicon into one index.
    pub fn build(self, stemmer: &Stemmer) -> Result<PhraseIndex, Error> {
        let mut patterns: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<(usize, usize)>> = Vec::new();
        let mut by_pattern: std::collections::HashMap<String, usize> = Default::default();
        for (lexicon, entries) in self.lexicons.iter().enumerate() {
            for (index, entry) in entries.iter().enumerate() {
                let pattern = stem_pattern(stemmer, words(&entry.phrase));
                let id = *by_pattern.entry(pattern.clone()).or_insert_with(|| {
                    patterns.push(pattern);
                    owners.push(Vec::new());
                    patterns.len() - 1
                });
                // The first entry of a lexicon with this stem pattern owns it.
                if !owners[id].iter().any(|&(l, _)| l == lexicon) {
                    owners[id].push((lexicon, index));
                }
            }
        }
        // A contiguous NFA rather than a DFA: measured on the benchmark corpus, it builds 4 ms
        // faster (start-up matters when one process scores one file) and searches within 2% of
        // the DFA in overlapping mode.
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&patterns)
            .map_err(|e| Error::Internal(format!("phrase matcher: {e}")))?;
        Ok(PhraseIndex {
            matcher,
            owners,
            lexicons: self.lexicons.len(),
        })
    }
}

/// Every lexicon of a pipeline in one Aho-Corasick automaton over the stem text.
#[derive(Debug, Clone)]
pub struct PhraseIndex {
    matcher: AhoCorasick,
    /// Pattern → the (lexicon, entry) pairs it stands for.
    owners: Vec<Vec<(usize, usize)>>,
    lexicons: usize,
}

impl PhraseIndex {
    /// An index of no lexicon.
    pub fn empty() -> Self {
        LexiconBuilder::default()
            .build(&crate::document::english_stemmer())
            .unwrap_or_else(|e| panic!("an empty phrase index: {e}"))
    }

    /// The matches of every lexicon, by lexicon id, in one scan: all overlapping matches are
    /// found, then each lexicon keeps its leftmost-longest, non-overlapping ones that do not
    /// span punctuation.
    pub(crate) fn find_all(
        &self,
        stems: &StemText,
        text: &str,
        tokens: &[Token],
    ) -> Vec<Vec<PhraseMatch>> {
        let mut candidates: Vec<Vec<(usize, usize, usize)>> = vec![Vec::new(); self.lexicons];
        if self.lexicons > 0 {
            for m in self.matcher.find_overlapping_iter(&stems.text) {
                for &(lexicon, entry) in &self.owners[m.pattern().as_usize()] {
                    candidates[lexicon].push((m.start(), m.end(), entry));
                }
            }
        }
        candidates
            .into_iter()
            .map(|mut found| {
                found.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
                let mut kept = Vec::new();
                let mut end = 0;
                for (start, stop, entry) in found {
                    if start < end {
                        continue;
                    }
                    end = stop;
                    let range = stems.tokens_of(start..stop);
                    let joined = tokens[range.clone()].windows(2).all(|pair| {
                        text[pair[0].end..pair[1].start]
                            .chars()
                            .all(|c| c.is_whitespace() || matches!(c, '-' | '\'' | '’'))
                    });
                    if joined {
                        kept.push(PhraseMatch {
                            entry,
                            first_token: range.start,
                            end_token: range.end,
                        });
                    }
                }
                kept
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{english_stemmer, Format, Stems};

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

    fn one_lexicon(text: &str) -> (PhraseSet, PhraseIndex, Stems) {
        let mut builder = LexiconBuilder::default();
        let set = builder.add(parse("t", text, 1, 1).unwrap());
        let index = builder.build(&english_stemmer()).unwrap();
        (set, index, Stems::english())
    }

    #[test]
    fn matches_inflections_on_whole_words_only() {
        let (set, index, stems) = one_lexicon("miracle cure\ncure\n");
        let doc = Document::new(
            "Miracle cures! Insecure people procure a cure.",
            Format::Text,
            &stems,
            &index,
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
        let (set, index, stems) = one_lexicon("heart sickness\ndoctors don't want\n");
        let count = |text: &str| {
            set.find(&Document::new(text, Format::Text, &stems, &index))
                .count()
        };
        assert_eq!(count("It affects the heart. Sickness follows."), 0);
        assert_eq!(count("It causes heart sickness."), 1);
        assert_eq!(count("What doctors don't want you to know"), 1);
    }

    #[test]
    fn lexicons_sharing_one_scan_keep_their_own_matches() {
        let stemmer = english_stemmer();
        let mut builder = LexiconBuilder::default();
        let long = builder.add(parse("a", "miracle cure\n", 1, 1).unwrap());
        let short = builder.add(parse("b", "cure\nmiracle\n", 1, 1).unwrap());
        let index = builder.build(&stemmer).unwrap();
        let stems = Stems::english();
        let doc = Document::new("A miracle cure.", Format::Text, &stems, &index);
        assert_eq!(long.find(&doc).count(), 1);
        let words: Vec<_> = short.find(&doc).map(|m| m.first_token).collect();
        assert_eq!(words, [1, 2], "each lexicon sees both words");
    }
}
