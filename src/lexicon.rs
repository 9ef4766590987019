//! Lexicons: plain-text phrase lists, and the matcher that finds their phrases in documents.
//!
//! A lexicon file has one entry a line, fields separated by tabs; blank lines and lines starting
//! with `#` are ignored. The first field is the phrase; what the other fields mean depends on the
//! signal (an expected phrase, a weight).

use std::sync::{PoisonError, RwLock};

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;

use crate::error::Error;
use crate::fingerprint;
use crate::memo::Memo;
use crate::per_thread::PerThread;
use crate::tokens::{words, Token};

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

    /// Which lexicon of its pipeline this is (see [`crate::document::Document::phrases`]).
    pub(crate) fn id(&self) -> usize {
        self.id
    }
}

/// Collects the lexicons of a pipeline, to compile them into one automaton: each document is
/// scanned once for all of them.
#[derive(Debug, Default)]
pub struct LexiconBuilder {
    lexicons: Vec<Vec<Entry>>,
    /// Per lexicon, whether an entry that repeats an earlier entry's stems is worth a warning:
    /// not for the starting words of a pattern, which list every form the pattern names.
    curated: Vec<bool>,
}

impl LexiconBuilder {
    /// Registers a lexicon.
    pub fn add(&mut self, entries: Vec<Entry>) -> PhraseSet {
        self.curated.push(true);
        self.lexicons.push(entries.clone());
        PhraseSet {
            id: self.lexicons.len() - 1,
            entries,
        }
    }

    /// Registers the words a pattern's matches start with (see `crate::signals::starts`): a
    /// lexicon whose entries may share stems ("cure", "cures"), as the pattern's words do.
    pub(crate) fn add_starting_words(&mut self, entries: Vec<Entry>) -> PhraseSet {
        let set = self.add(entries);
        self.curated[set.id] = false;
        set
    }

    /// Compiles every registered lexicon into one index.
    pub fn build(self) -> Result<PhraseIndex, Error> {
        let stemmer = Stemmer::create(Algorithm::English);
        let mut vocabulary: FxHashMap<String, u16> = FxHashMap::default();
        let mut patterns: Vec<Vec<u16>> = Vec::new();
        let mut owners: Vec<Vec<(usize, usize)>> = Vec::new();
        let mut by_pattern: FxHashMap<Vec<u16>, usize> = FxHashMap::default();
        let mut shadowed = Vec::new();
        for (lexicon, entries) in self.lexicons.iter().enumerate() {
            for (index, entry) in entries.iter().enumerate() {
                let mut pattern = Vec::new();
                for word in words(&entry.phrase) {
                    let stem = stem_of(&stemmer, word.to_lowercase());
                    let next = vocabulary.len() + 1;
                    let code = *vocabulary.entry(stem).or_insert(next as u16);
                    if next > MAX_CODE as usize {
                        return Err(Error::Internal(format!(
                            "phrase matcher: more than {MAX_CODE} distinct words in the lexicons"
                        )));
                    }
                    pattern.push(code);
                }
                let id = *by_pattern.entry(pattern.clone()).or_insert_with(|| {
                    patterns.push(pattern);
                    owners.push(Vec::new());
                    patterns.len() - 1
                });
                // The first entry of a lexicon with this stem pattern owns it; a later one never
                // matches anything itself.
                match owners[id].iter().find(|&&(l, _)| l == lexicon) {
                    Some(_) if !self.curated[lexicon] => {}
                    Some(&(_, owner)) => shadowed.push(Shadowed {
                        entry: entry.clone(),
                        owner: entries[owner].clone(),
                    }),
                    None => owners[id].push((lexicon, index)),
                }
            }
        }
        let trie = Trie::new(&patterns, vocabulary.len());
        Ok(PhraseIndex {
            trie,
            owners,
            lexicons: self.lexicons.len(),
            shadowed,
            stemmer,
            vocabulary,
            cache: PerThread::default(),
            shared: RwLock::default(),
        })
    }
}

/// A lexicon entry that matches nothing by itself: an earlier entry of its lexicon has the same
/// stems ("offer hope" after "offers hope"), and every match is the earlier one's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shadowed {
    /// The entry that never matches.
    pub entry: Entry,
    /// The earlier entry that matches in its place.
    pub owner: Entry,
}

/// The stem of a lowercased lexicon word, stemmed once a process (see [`crate::memo`]): the
/// built-in lexicons' 10,000-odd words are most of a scorer's build otherwise. A curator's
/// words pass here too: the memo's capacity bounds how many it keeps, and a word longer than
/// any word of a built-in lexicon is stemmed without keeping, so that what it keeps stays
/// under about 8 MB (a curator's word can be as long as the file that holds it).
fn stem_of(stemmer: &Stemmer, word: String) -> String {
    const LONGEST_KEPT: usize = 32;
    static STEMS: Memo<String, String> = Memo::with_capacity(50_000);
    if word.len() > LONGEST_KEPT {
        return stemmer.stem(&word).into_owned();
    }
    STEMS.get_or_make(word.clone(), || stemmer.stem(&word).into_owned())
}

/// The code of a stem that no lexicon phrase uses.
const OTHER: u16 = 0;
/// The largest stem code.
const MAX_CODE: u16 = u16::MAX;

/// The lexicon phrases as a trie of stem codes. Node 0 is the root (and, as a child, "none").
#[derive(Debug)]
struct Trie {
    /// The child of the root for each code: phrases are found by starting a walk at each token
    /// whose code begins one, so a token of no lexicon costs one read.
    first: Vec<u32>,
    /// The children of the other nodes, by (node, code).
    next: FxHashMap<(u32, u16), u32>,
    /// The pattern that ends at each node, if one does.
    ends: Vec<Option<u32>>,
}

impl Trie {
    fn new(patterns: &[Vec<u16>], codes: usize) -> Self {
        let mut trie = Trie {
            first: vec![0; codes + 1],
            next: FxHashMap::default(),
            ends: vec![None],
        };
        for (id, pattern) in patterns.iter().enumerate() {
            let mut node = 0u32;
            for (depth, &code) in pattern.iter().enumerate() {
                let child = match depth {
                    0 => &mut trie.first[usize::from(code)],
                    _ => trie.next.entry((node, code)).or_insert(0),
                };
                if *child == 0 {
                    *child = trie.ends.len() as u32;
                    trie.ends.push(None);
                }
                node = *child;
            }
            trie.ends[node as usize] = Some(id as u32);
        }
        trie
    }

    /// Every (pattern, start, end) of the patterns in `codes`, overlapping ones included.
    fn find_overlapping(&self, codes: &[u16], mut found: impl FnMut(usize, usize, usize)) {
        for start in 0..codes.len() {
            let mut node = self
                .first
                .get(usize::from(codes[start]))
                .copied()
                .unwrap_or(0);
            let mut end = start + 1;
            while node != 0 {
                if let Some(pattern) = self.ends[node as usize] {
                    found(pattern as usize, start, end);
                }
                let Some(&code) = codes.get(end) else { break };
                node = self.next.get(&(node, code)).copied().unwrap_or(0);
                end += 1;
            }
        }
    }
}

/// Words cached at most, per thread and in the shared cache (about 2 MB each, whatever the
/// input).
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
    /// The stem codes, one a token.
    pub(crate) codes: Vec<u16>,
    /// The fingerprints, one a token.
    pub(crate) fingerprints: Vec<crate::fingerprint::Fingerprint>,
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

/// Every lexicon of a pipeline in one trie of stem codes. Phrases and documents are matched as
/// sequences of codes, one a word: each stem of a lexicon phrase has its code, every other stem
/// shares one, so the scan reads a number a word, not the text, and a word that begins no
/// phrase costs one table read.
///
/// The scan was an Aho-Corasick automaton over the codes written as two bytes a word. A walk
/// started only at the words that begin a phrase finds the same matches with fewer steps: most
/// words of a text are in no lexicon, and the automaton still stepped through both bytes of each
/// (measured on the benchmark corpus: document building 35-37 to 30-31 µs a document in the
/// rounds not slowed by the host, start-up 14.2-14.3 to 12.4-12.9 ms a process at best of 40;
/// output byte-identical).
pub struct PhraseIndex {
    trie: Trie,
    /// Pattern → the (lexicon, entry) pairs it stands for.
    owners: Vec<Vec<(usize, usize)>>,
    lexicons: usize,
    /// The entries that repeat the stems of an earlier entry of their lexicon.
    shadowed: Vec<Shadowed>,
    stemmer: Stemmer,
    /// Stem → code, for the stems of lexicon phrases.
    vocabulary: FxHashMap<String, u16>,
    /// Word → code, per thread: stemming is the slowest stage of the pipeline, and the words of
    /// health text repeat from one document to the next.
    cache: PerThread<CodeCache>,
    /// Word → code, for all threads: where a thread looks for a word it has not seen before
    /// stemming it, so that N threads stem each word once, not N times (a thread meets a new
    /// word a few times a document once warm, so the lock is seldom taken).
    shared: RwLock<CodeCache>,
}

impl std::fmt::Debug for PhraseIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhraseIndex")
            .field("patterns", &self.owners.len())
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

    /// The entries that match nothing by themselves, each with the earlier entry of its lexicon
    /// that has the same stems.
    pub fn shadowed(&self) -> &[Shadowed] {
        &self.shadowed
    }

    /// The code of a word's stem.
    fn code_of_stem(&self, word: &str) -> u16 {
        let stem = self.stemmer.stem(word);
        self.vocabulary.get(stem.as_ref()).copied().unwrap_or(OTHER)
    }

    /// The code of a word a thread has not cached: from the cache all threads share, else
    /// stemmed and added to it.
    fn shared_code(&self, key: &WordKey, word: &str) -> u16 {
        let read = self.shared.read().unwrap_or_else(PoisonError::into_inner);
        if let Some(code) = read.get(key) {
            return code;
        }
        drop(read);
        let code = self.code_of_stem(&word.to_ascii_lowercase());
        self.shared
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(*key, code);
        code
    }

    /// The stem codes of `tokens`, one each, their fingerprints
    /// (see [`crate::fingerprint`]), and how many of them contain a letter.
    pub(crate) fn encode(&self, text: &str, tokens: &[Token]) -> Encoded {
        let mut codes = Vec::with_capacity(tokens.len());
        let mut fingerprints = Vec::with_capacity(tokens.len());
        let mut words = 0;
        let mut cache = self.cache.get(CodeCache::default);
        for token in tokens {
            let word = &text[token.range()];
            let (code, fingerprint) = match word_key(text.as_bytes(), token.start(), token.end()) {
                Some(key) => {
                    let code = match cache.get(&key) {
                        Some(code) => code,
                        None => {
                            let code = self.shared_code(&key, word);
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
            codes.push(code);
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
        codes: &[u16],
    ) -> Vec<Vec<PhraseMatch>> {
        if self.lexicons == 0 {
            return Vec::new();
        }
        // Every candidate in one list, by lexicon, then start, then longest first.
        let mut candidates: Vec<(usize, usize, usize, usize)> = Vec::new();
        self.trie.find_overlapping(codes, |pattern, start, end| {
            for &(lexicon, entry) in &self.owners[pattern] {
                candidates.push((lexicon, start, end, entry));
            }
        });
        candidates.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then(b.2.cmp(&a.2)));
        let mut matches: Vec<Vec<PhraseMatch>> = vec![Vec::new(); self.lexicons];
        let mut end = (usize::MAX, 0);
        for (lexicon, first, last, entry) in candidates {
            if end.0 == lexicon && first < end.1 {
                continue;
            }
            end = (lexicon, last);
            let joined = tokens[first..last].windows(2).all(|pair| {
                text[pair[0].end()..pair[1].start()]
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

/// One lexicon parsed from `text`, and the index of its pipeline.
#[cfg(test)]
pub(crate) fn one_lexicon(text: &str) -> (PhraseSet, PhraseIndex) {
    let mut builder = LexiconBuilder::default();
    let set = builder.add(parse("t", text, 1, 1).unwrap());
    let index = builder.build().unwrap();
    (set, index)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn an_entry_with_an_earlier_entrys_stems_is_reported_as_shadowed() {
        let mut builder = LexiconBuilder::default();
        builder.add(parse("a", "offers hope\nmiracle\noffer hope\nmiracles\n", 1, 1).unwrap());
        // The same stems in another lexicon are that lexicon's own entry.
        builder.add(parse("b", "offering hope\n", 1, 1).unwrap());
        let index = builder.build().unwrap();
        let pairs: Vec<(&str, usize, &str)> = index
            .shadowed()
            .iter()
            .map(|s| {
                (
                    s.entry.phrase.as_str(),
                    s.entry.line,
                    s.owner.phrase.as_str(),
                )
            })
            .collect();
        assert_eq!(
            pairs,
            [("offer hope", 3, "offers hope"), ("miracles", 4, "miracle")]
        );
    }

    /// The tokens of `text`, all in one sentence.
    fn tokens_of(text: &str) -> Vec<Token> {
        crate::tokens::word_spans(text)
            .map(|r| Token::new(r.start, r.end))
            .collect()
    }

    /// Every occurrence of every pattern, by looking at every substring.
    fn occurrences(patterns: &[Vec<u16>], codes: &[u16]) -> Vec<(usize, usize, usize)> {
        let mut found = Vec::new();
        for start in 0..codes.len() {
            for end in start + 1..=codes.len() {
                for (id, pattern) in patterns.iter().enumerate() {
                    if pattern[..] == codes[start..end] {
                        found.push((id, start, end));
                    }
                }
            }
        }
        found.sort_unstable();
        found
    }

    fn trie_finds(patterns: &[Vec<u16>], codes: &[u16]) -> Vec<(usize, usize, usize)> {
        let codes_len = patterns.iter().flatten().copied().max().unwrap_or(0);
        let trie = Trie::new(patterns, usize::from(codes_len));
        let mut found = Vec::new();
        trie.find_overlapping(codes, |id, start, end| found.push((id, start, end)));
        found.sort_unstable();
        found
    }

    #[test]
    fn the_trie_finds_overlapping_and_nested_phrases() {
        let patterns = [
            vec![1],
            vec![1, 2],
            vec![2, 3],
            vec![1, 2, 3, 4],
            vec![3, 3],
        ];
        let codes = [1, 2, 3, 4, 1, 0, 1, 2, 3, 3, 3];
        let found = trie_finds(&patterns, &codes);
        assert_eq!(
            found,
            [
                (0, 0, 1),
                (0, 4, 5),
                (0, 6, 7),
                (1, 0, 2),
                (1, 6, 8),
                (2, 1, 3),
                (2, 7, 9),
                (3, 0, 4),
                (4, 8, 10),
                (4, 9, 11),
            ]
        );
        assert_eq!(found, occurrences(&patterns, &codes));
    }

    proptest::proptest! {
        #[test]
        fn the_trie_finds_every_occurrence(
            patterns in proptest::collection::vec(proptest::collection::vec(1u16..5, 1..5), 0..12),
            codes in proptest::collection::vec(0u16..5, 0..40),
        ) {
            let mut distinct = patterns.clone();
            distinct.sort();
            distinct.dedup();
            proptest::prop_assert_eq!(
                trie_finds(&distinct, &codes),
                occurrences(&distinct, &codes)
            );
        }
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
        assert_eq!(codes[0], codes[1]);
        assert_eq!(codes[1], codes[2]);
        assert_ne!(codes[2], codes[3]);
        assert_eq!(codes[4], OTHER);
        assert_eq!(codes[5], OTHER);
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
        assert!(first[..3].iter().all(|c| *c == first[0]) && first[0] != OTHER);
        assert!(first[3] == first[4] && first[3] != first[0] && first[3] != OTHER);
        assert_eq!(first[5], OTHER);
    }

    #[test]
    fn a_thread_gets_the_codes_another_thread_stemmed() {
        let (_, index) = one_lexicon("hypertension\ncure\n");
        let text = "Hypertensions cures spinach Cure hypertension";
        let tokens = tokens_of(text);
        let encode = || index.encode(text, &tokens).codes;
        let first = std::thread::scope(|s| s.spawn(encode).join().unwrap());
        assert_eq!(
            index.shared.read().unwrap().short.len() + index.shared.read().unwrap().long.len(),
            5,
            "the first thread's words are shared: hypertensions, cures, spinach, cure, hypertension"
        );
        // A second thread finds every word in the shared cache, and gets the same codes.
        let second = std::thread::scope(|s| s.spawn(encode).join().unwrap());
        assert_eq!(first, second);
        assert_eq!(second[0], second[4]);
        assert_eq!(second[1], second[3]);
        assert_eq!(second[2], OTHER);
    }

    #[test]
    fn cached_and_uncached_words_get_the_same_fingerprint() {
        let index = PhraseIndex::empty();
        let text = "Antidisestablishmentarianisms antidisestablishmentarianisms Étude étude ok OK";
        let tokens = tokens_of(text);
        let fingerprints = index.encode(text, &tokens).fingerprints;
        for (token, &fingerprint) in tokens.iter().zip(&fingerprints) {
            assert_eq!(fingerprint, fingerprint::of_word(&text[token.range()]));
        }
        assert_eq!(fingerprints[0], fingerprints[1]);
        assert_eq!(fingerprints[2], fingerprints[3]);
    }
}
