//! Lexicons: plain-text phrase lists, and the matcher that finds their phrases in documents.
//!
//! A lexicon file has one entry a line, fields separated by tabs; blank lines and lines starting
//! with `#` are ignored. The first field is the phrase; what the other fields mean depends on the
//! signal (an expected phrase, a weight).

use std::cell::RefCell;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;

use crate::document::{words, Document, Token};
use crate::error::Error;
use crate::fingerprint;

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
    pub fn build(self) -> Result<PhraseIndex, Error> {
        let stemmer = Stemmer::create(Algorithm::English);
        let mut vocabulary: FxHashMap<String, u16> = FxHashMap::default();
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut owners: Vec<Vec<(usize, usize)>> = Vec::new();
        let mut by_pattern: FxHashMap<Vec<u8>, usize> = FxHashMap::default();
        for (lexicon, entries) in self.lexicons.iter().enumerate() {
            for (index, entry) in entries.iter().enumerate() {
                let mut pattern = Vec::new();
                for word in words(&entry.phrase) {
                    let stem = stemmer.stem(&word.to_lowercase()).into_owned();
                    let next = vocabulary.len() + 1;
                    let code = *vocabulary.entry(stem).or_insert(next as u16);
                    if next > MAX_CODE as usize {
                        return Err(Error::Internal(format!(
                            "phrase matcher: more than {MAX_CODE} distinct words in the lexicons"
                        )));
                    }
                    pattern.extend(code_bytes(code));
                }
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
        // A contiguous NFA rather than a DFA: measured on the benchmark corpus, the DFA builds
        // 1-2 ms slower (start-up matters when one process scores one file) and searches the
        // short code sequences no faster that matters (77 vs 81 µs a document, all stages).
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&patterns)
            .map_err(|e| Error::Internal(format!("phrase matcher: {e}")))?;
        Ok(PhraseIndex {
            matcher,
            owners,
            lexicons: self.lexicons.len(),
            stemmer,
            vocabulary,
            cache: thread_local::ThreadLocal::new(),
        })
    }
}

/// The code of a stem that no lexicon phrase uses.
const OTHER: u16 = 0;
/// Codes are two bytes, the first with its high bit set and the second without: a match of
/// codes can then only start at the start of a token's code.
const MAX_CODE: u16 = 128 * 128 - 1;

fn code_bytes(code: u16) -> [u8; 2] {
    [0x80 | (code >> 7) as u8, (code & 0x7f) as u8]
}

/// Words cached per thread at most (about 2 MB a thread, whatever the input).
const CODE_CACHE_CAPACITY: usize = 64 * 1024;

/// The stem codes of the words a thread has seen, in two maps: words of up to 8 bytes (most
/// words of a text) keyed by one machine word, in entries of 16 bytes, and longer ones by three,
/// in entries of 32. Lookups wait on memory (the maps grow to megabytes), so the denser map of
/// short words misses the processor's caches less.
#[derive(Default)]
struct CodeCache {
    short: FxHashMap<u64, u16>,
    long: FxHashMap<WordKey, u16>,
}

impl CodeCache {
    fn get(&self, key: &WordKey) -> Option<u16> {
        if key[1] == 0 {
            self.short.get(&key[0]).copied()
        } else {
            self.long.get(key).copied()
        }
    }

    fn insert(&mut self, key: WordKey, code: u16) {
        if self.short.len() + self.long.len() >= CODE_CACHE_CAPACITY {
            self.short.clear();
            self.long.clear();
        }
        if key[1] == 0 {
            self.short.insert(key[0], code);
        } else {
            self.long.insert(key, code);
        }
    }
}

/// Words of up to this many bytes (ASCII) are cached; longer ones are rare and stemmed anew.
const KEY_BYTES: usize = 24;

/// A lowercased ASCII word of up to 24 bytes, zero-padded, as three machine words: a cache
/// lookup hashes and compares it inline, with no pointer to follow.
type WordKey = [u64; KEY_BYTES / 8];

/// The key of the word at `start..end` of `text`, if it is ASCII and short enough to cache. The
/// bytes are read eight at a time straight from the text (no copy through a buffer: a narrow
/// store read back wide stalls the processor).
fn word_key(text: &[u8], start: usize, end: usize) -> Option<WordKey> {
    if end - start > KEY_BYTES {
        return None;
    }
    let mut key = [0u64; KEY_BYTES / 8];
    let mut ascii = 0u64;
    for (i, slot) in key.iter_mut().enumerate() {
        let at = start + 8 * i;
        if at >= end {
            break;
        }
        let chunk = match text.get(at..at + 8) {
            Some(eight) => u64::from_le_bytes(eight.try_into().unwrap_or_default()),
            None => text[at..]
                .iter()
                .rev()
                .fold(0, |word, &byte| word << 8 | u64::from(byte)),
        };
        let n = end - at;
        let chunk = if n >= 8 {
            chunk
        } else {
            chunk & ((1 << (8 * n)) - 1)
        };
        ascii |= chunk;
        *slot = ascii_lowercase(chunk);
    }
    (ascii & 0x8080_8080_8080_8080 == 0).then_some(key)
}

/// Whether the word of a cache key has a letter. A key holds ASCII letters and digits, and zero
/// bytes after the word: of these, only letters have the bit 0x40 set.
fn has_letter(key: &WordKey) -> bool {
    key.iter().any(|chunk| chunk & 0x4040_4040_4040_4040 != 0)
}

/// What [`PhraseIndex::encode`] finds of a document's tokens.
pub(crate) struct Encoded {
    /// The stem codes, two bytes a token.
    pub(crate) codes: Vec<u8>,
    /// The fingerprints, one a token.
    pub(crate) fingerprints: Vec<u64>,
    /// How many tokens contain a letter (numbers do not).
    pub(crate) words: usize,
}

/// Lowercases the eight ASCII bytes of `x` at once: 0x20 is added to each byte in `A..=Z`.
fn ascii_lowercase(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // The top bit of a byte of `above` is set when the byte is >= 'A', of `beyond` when > 'Z'
    // (no byte is above 0x7f, so no addition carries into the next byte).
    let above = x.wrapping_add(ONES * (0x80 - u64::from(b'A')));
    let beyond = x.wrapping_add(ONES * (0x80 - u64::from(b'Z') - 1));
    x | (((above ^ beyond) & (ONES * 0x80)) >> 2)
}

/// Every lexicon of a pipeline in one Aho-Corasick automaton. Phrases and documents are
/// matched as sequences of stem codes, two bytes a word: each stem of a lexicon phrase has its
/// code, every other stem shares one, so the scan reads 2 bytes a word, not the text.
pub struct PhraseIndex {
    matcher: AhoCorasick,
    /// Pattern → the (lexicon, entry) pairs it stands for.
    owners: Vec<Vec<(usize, usize)>>,
    lexicons: usize,
    stemmer: Stemmer,
    /// Stem → code, for the stems of lexicon phrases.
    vocabulary: FxHashMap<String, u16>,
    /// Word → code, per thread: stemming is the slowest stage of the pipeline, and the words of
    /// health text repeat from one document to the next.
    cache: thread_local::ThreadLocal<RefCell<CodeCache>>,
}

impl std::fmt::Debug for PhraseIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhraseIndex")
            .field("patterns", &self.matcher.patterns_len())
            .field("lexicons", &self.lexicons)
            .field("stems", &self.vocabulary.len())
            .finish_non_exhaustive()
    }
}

impl PhraseIndex {
    /// An index of no lexicon.
    pub fn empty() -> Self {
        LexiconBuilder::default()
            .build()
            .unwrap_or_else(|e| panic!("an empty phrase index: {e}"))
    }

    /// The code of a word's stem.
    fn code_of_stem(&self, word: &str) -> u16 {
        let stem = self.stemmer.stem(word);
        self.vocabulary.get(stem.as_ref()).copied().unwrap_or(OTHER)
    }

    /// The stem codes of `tokens`, two bytes each (see [`code_bytes`]), their fingerprints
    /// (see [`crate::fingerprint`]), and how many of them contain a letter.
    pub(crate) fn encode(&self, text: &str, tokens: &[Token]) -> Encoded {
        let mut codes = Vec::with_capacity(2 * tokens.len());
        let mut fingerprints = Vec::with_capacity(tokens.len());
        let mut words = 0;
        let mut cache = self.cache.get_or_default().borrow_mut();
        for token in tokens {
            let word = &text[token.start..token.end];
            let (code, fingerprint) = match word_key(text.as_bytes(), token.start, token.end) {
                Some(key) => {
                    let code = match cache.get(&key) {
                        Some(code) => code,
                        None => {
                            let code = self.code_of_stem(&word.to_ascii_lowercase());
                            cache.insert(key, code);
                            code
                        }
                    };
                    words += usize::from(has_letter(&key));
                    (code, fingerprint::of_chunks(&key))
                }
                None => {
                    words += usize::from(word.chars().any(char::is_alphabetic));
                    (
                        self.code_of_stem(
                            &word
                                .chars()
                                .flat_map(char::to_lowercase)
                                .collect::<String>(),
                        ),
                        fingerprint::of_word(word),
                    )
                }
            };
            codes.extend(code_bytes(code));
            fingerprints.push(fingerprint);
        }
        Encoded {
            codes,
            fingerprints,
            words,
        }
    }

    /// The matches of every lexicon, by lexicon id, in one scan of the stem codes of `tokens`
    /// (from [`PhraseIndex::encode`]): all overlapping matches are found,
    /// then each lexicon keeps its leftmost-longest, non-overlapping ones that do not span
    /// punctuation.
    pub(crate) fn find_all(
        &self,
        text: &str,
        tokens: &[Token],
        codes: &[u8],
    ) -> Vec<Vec<PhraseMatch>> {
        if self.lexicons == 0 {
            return Vec::new();
        }
        // Every candidate in one list, by lexicon, then start, then longest first.
        let mut candidates: Vec<(usize, usize, usize, usize)> = Vec::new();
        for m in self.matcher.find_overlapping_iter(codes) {
            for &(lexicon, entry) in &self.owners[m.pattern().as_usize()] {
                candidates.push((lexicon, m.start() / 2, m.end() / 2, entry));
            }
        }
        candidates.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then(b.2.cmp(&a.2)));
        let mut matches: Vec<Vec<PhraseMatch>> = vec![Vec::new(); self.lexicons];
        let mut end = (usize::MAX, 0);
        for (lexicon, first, last, entry) in candidates {
            if end.0 == lexicon && first < end.1 {
                continue;
            }
            end = (lexicon, last);
            let joined = tokens[first..last].windows(2).all(|pair| {
                text[pair[0].end..pair[1].start]
                    .chars()
                    .all(|c| c.is_whitespace() || matches!(c, '-' | '\'' | '’'))
            });
            if joined {
                matches[lexicon].push(PhraseMatch {
                    entry,
                    first_token: first,
                    end_token: last,
                });
            }
        }
        matches
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Format;

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

    /// The tokens of `text`, all in one sentence.
    fn tokens_of(text: &str) -> Vec<Token> {
        crate::document::word_spans(text)
            .map(|r| Token {
                start: r.start,
                end: r.end,
                sentence: 0,
            })
            .collect()
    }

    fn one_lexicon(text: &str) -> (PhraseSet, PhraseIndex) {
        let mut builder = LexiconBuilder::default();
        let set = builder.add(parse("t", text, 1, 1).unwrap());
        let index = builder.build().unwrap();
        (set, index)
    }

    #[test]
    fn matches_inflections_on_whole_words_only() {
        let (set, index) = one_lexicon("miracle cure\ncure\n");
        let doc = Document::new(
            "Miracle cures! Insecure people procure a cure.",
            Format::Text,
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
        let (set, index) = one_lexicon("heart sickness\ndoctors don't want\n");
        let count = |text: &str| set.find(&Document::new(text, Format::Text, &index)).count();
        assert_eq!(count("It affects the heart. Sickness follows."), 0);
        assert_eq!(count("It causes heart sickness."), 1);
        assert_eq!(count("What doctors don't want you to know"), 1);
    }

    #[test]
    fn lexicons_sharing_one_scan_keep_their_own_matches() {
        let mut builder = LexiconBuilder::default();
        let long = builder.add(parse("a", "miracle cure\n", 1, 1).unwrap());
        let short = builder.add(parse("b", "cure\nmiracle\n", 1, 1).unwrap());
        let index = builder.build().unwrap();
        let doc = Document::new("A miracle cure.", Format::Text, &index);
        assert_eq!(long.find(&doc).count(), 1);
        let words: Vec<_> = short.find(&doc).map(|m| m.first_token).collect();
        assert_eq!(words, [1, 2], "each lexicon sees both words");
    }

    #[test]
    fn word_keys_lowercase_every_ascii_byte() {
        for byte in 0..0x80u8 {
            let word = [b'a', byte, b'Z', byte, b'q', byte, b'M', byte, byte];
            let key = word_key(&word, 0, word.len()).unwrap();
            let mut expected = [0u8; KEY_BYTES];
            expected[..word.len()].copy_from_slice(&word.to_ascii_lowercase());
            let got: Vec<u8> = key.iter().flat_map(|k| k.to_le_bytes()).collect();
            assert_eq!(got, expected, "byte {byte:#x}");
        }
        let text = "Un café, CAFÉS and Apples";
        let key = |word: &str| {
            let start = text.find(word).unwrap();
            word_key(text.as_bytes(), start, start + word.len())
        };
        assert!(key("café").is_none(), "non-ASCII words are not cached");
        assert_eq!(
            key("Apples"),
            word_key(b"apples", 0, 6),
            "read to the end of the text"
        );
        assert_eq!(key("Un"), word_key(b"un", 0, 2), "masked to the word");
        let long = [b'a'; KEY_BYTES + 1];
        assert!(
            word_key(&long, 0, long.len()).is_none(),
            "nor are long ones"
        );
    }

    #[test]
    fn inflections_share_a_code_and_other_words_share_another() {
        let (_, index) = one_lexicon("miracle cure\n");
        let text = "Cures CURED cure miracles spinach Spinach";
        let tokens = tokens_of(text);
        let Encoded {
            codes,
            fingerprints,
            ..
        } = index.encode(text, &tokens);
        let pairs: Vec<&[u8]> = codes.chunks(2).collect();
        assert_eq!(pairs[0], pairs[1]);
        assert_eq!(pairs[1], pairs[2]);
        assert_ne!(pairs[2], pairs[3]);
        assert_eq!(pairs[4], code_bytes(OTHER));
        assert_eq!(pairs[5], code_bytes(OTHER));
        assert!(pairs.iter().all(|p| p[0] >= 0x80 && p[1] < 0x80));
        assert_eq!(fingerprints[4], fingerprints[5], "fingerprints ignore case");
        assert_ne!(
            fingerprints[0], fingerprints[1],
            "but tell inflections apart"
        );
    }

    #[test]
    fn short_and_long_words_keep_their_codes_when_cached() {
        let (_, index) = one_lexicon("hypertension\ncure\n");
        let text = "Hypertensions hypertension HYPERTENSION cures Cure spinach";
        let tokens = tokens_of(text);
        let first = index.encode(text, &tokens).codes;
        let again = index.encode(text, &tokens).codes; // every word from the cache now
        assert_eq!(first, again);
        let pairs: Vec<&[u8]> = first.chunks(2).collect();
        assert!(pairs[..3].iter().all(|p| *p == pairs[0]) && pairs[0] != code_bytes(OTHER));
        assert!(pairs[3] == pairs[4] && pairs[3] != pairs[0] && pairs[3] != code_bytes(OTHER));
        assert_eq!(pairs[5], code_bytes(OTHER));
    }

    #[test]
    fn cached_and_uncached_words_get_the_same_fingerprint() {
        let index = PhraseIndex::empty();
        let text = "Antidisestablishmentarianisms antidisestablishmentarianisms Étude étude ok OK";
        let tokens = tokens_of(text);
        let fingerprints = index.encode(text, &tokens).fingerprints;
        for (token, &fingerprint) in tokens.iter().zip(&fingerprints) {
            assert_eq!(
                fingerprint,
                fingerprint::of_word(&text[token.start..token.end])
            );
        }
        assert_eq!(fingerprints[0], fingerprints[1]);
        assert_eq!(fingerprints[2], fingerprints[3]);
    }
}
