//! Word tables learned from reliable text, shipped as compact binary data.
//!
//! Two tables serve the synonym-swap signal (SPUN005):
//! - a **bigram table**: how often two context units (words, punctuation marks) follow each other
//!   in reliable health text, stored as sorted 32-bit hashes of the pair's word fingerprints
//!   ([`crate::fingerprint`]) with a saturating 8-bit count (a hash collision makes about one
//!   lookup in 10,000 see a pair that was not there);
//! - a **synonym table**: for each word (by fingerprint), the thesaurus synonyms that are much
//!   more frequent in reliable text, the words a spinner most likely replaced.
//!
//! Lookups take fingerprints, which documents compute once per token, so scoring never hashes a
//! word's text again.
//!
//! Both are compiled into the binary. The bigram table is read in place (a lookup steps to its
//! key from where the key's value points); the synonym table's index and filter are built when
//! it is read.
//! `examples/build_frequency_tables.rs` builds them from `../shared/corpus`.

use crate::fingerprint::{self, Fingerprint};

/// Magic bytes at the start of a bigram table.
pub const BIGRAM_MAGIC: &[u8; 8] = b"CHFBIGR5";
/// Magic bytes at the start of a synonym table.
pub const SYNONYM_MAGIC: &[u8; 8] = b"CHFSYNO3";

/// FNV-1a over the lowercased characters of `words`, with a space between words.
pub fn hash_words<'a>(words: impl IntoIterator<Item = &'a str>) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |byte: u8| {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    };
    for (i, word) in words.into_iter().enumerate() {
        if i > 0 {
            eat(b' ');
        }
        if word.is_ascii() {
            for &byte in word.as_bytes() {
                eat(byte.to_ascii_lowercase());
            }
            continue;
        }
        let mut buffer = [0u8; 4];
        for c in word.chars().flat_map(char::to_lowercase) {
            for &byte in c.encode_utf8(&mut buffer).as_bytes() {
                eat(byte);
            }
        }
    }
    hash
}

/// The context units of a text: its words, and each punctuation mark between them. Bigrams are
/// counted over units, so that "pressure ," is evidence that "pressure" ends a phrase.
pub fn units(text: &str) -> Vec<&str> {
    let mut units = Vec::new();
    let mut last = 0;
    for span in crate::tokens::word_spans(text) {
        push_marks(&text[last..span.start], &mut units);
        units.push(&text[span.clone()]);
        last = span.end;
    }
    push_marks(&text[last..], &mut units);
    units
}

fn push_marks<'t>(gap: &'t str, units: &mut Vec<&'t str>) {
    for (i, c) in gap.char_indices().filter(|(_, c)| !c.is_whitespace()) {
        units.push(&gap[i..i + c.len_utf8()]);
    }
}

/// The last punctuation mark of the gap between two words, if any.
pub fn last_mark(gap: &str) -> Option<&str> {
    gap.char_indices()
        .rev()
        .find(|(_, c)| !c.is_whitespace())
        .map(|(i, c)| &gap[i..i + c.len_utf8()])
}

/// The first punctuation mark of the gap between two words, if any.
pub fn first_mark(gap: &str) -> Option<&str> {
    gap.char_indices()
        .find(|(_, c)| !c.is_whitespace())
        .map(|(i, c)| &gap[i..i + c.len_utf8()])
}

/// True for documents held out of the tables, by id: they are the ones the spinning measurement
/// and the false-positive figures use, so no document is both learned from and tested on.
pub fn held_out(id: &str) -> bool {
    hash_words([id]) % 5 == 0
}

/// Whether two different words are one word in British and American spelling: "randomised" and
/// "randomized", "favour" and "favor", "diarrhoea" and "diarrhea", "centre" and "center",
/// "counselling" and "counseling", "programme" and "program", "judgement" and "judgment".
/// The word tables are mostly American, so a regional spelling is rare in them for its
/// spelling, not because a spinner chose it: `examples/build_frequency_tables.rs` gives no
/// synonyms to a word that WordNet lists with its own respelling.
pub fn same_word_respelled(a: &str, b: &str) -> bool {
    !a.eq_ignore_ascii_case(b) && american(a) == american(b)
}

/// The regular British-to-American rewrites, applied in order. None makes a word longer.
const AMERICAN_SPELLING: [(&str, &str); 14] = [
    ("isation", "ization"),
    ("ise", "ize"),
    ("yse", "yze"),
    ("our", "or"),
    ("ae", "e"),
    ("oe", "e"),
    ("tre", "ter"),
    ("bre", "ber"),
    ("vre", "ver"),
    ("ll", "l"),
    ("ogue", "og"),
    ("mme", "m"),
    ("ence", "ense"),
    ("dgement", "dgment"),
];

/// A word in the American spelling, by the regular British-to-American rewrites.
fn american(word: &str) -> String {
    let lowercase = word.to_ascii_lowercase();
    match respell(&lowercase, &mut [0; RESPELL_MAX]) {
        Some(american) => american.to_owned(),
        None => lowercase, // longer than any English word
    }
}

/// Longest word [`respell`] rewrites.
const RESPELL_MAX: usize = 48;

/// The rewrites of [`AMERICAN_SPELLING`] applied to `word` in `out`, each left to right
/// without overlaps (as `str::replace`); `None` for a word longer than [`RESPELL_MAX`] bytes.
/// Written in buffers on the stack: SPUN008 respells every word new beside its left
/// neighbour, and an allocation each was measured (`tests/allocations.rs`). The patterns are
/// ASCII, so a rewrite never splits a character.
fn respell<'o>(word: &str, out: &'o mut [u8; RESPELL_MAX]) -> Option<&'o str> {
    if word.len() > RESPELL_MAX {
        return None;
    }
    let mut rewritten = [0u8; RESPELL_MAX];
    out[..word.len()].copy_from_slice(word.as_bytes());
    let mut len = word.len();
    for (british, american) in AMERICAN_SPELLING {
        let (british, american) = (british.as_bytes(), american.as_bytes());
        let (mut from, mut to) = (0, 0);
        while from < len {
            if out[from..len].starts_with(british) {
                rewritten[to..to + american.len()].copy_from_slice(american);
                (from, to) = (from + british.len(), to + american.len());
            } else {
                rewritten[to] = out[from];
                (from, to) = (from + 1, to + 1);
            }
        }
        out[..to].copy_from_slice(&rewritten[..to]);
        len = to;
    }
    std::str::from_utf8(&out[..len]).ok()
}

/// The fingerprint of a lowercase ASCII word's American spelling ([`american`]), when it
/// differs from the word. The rewrites are blind ("hour" becomes "hor"), so a caller only looks
/// the result up in tables of real text.
pub(crate) fn american_fingerprint(word: &str) -> Option<Fingerprint> {
    if !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    respell(word, &mut [0; RESPELL_MAX])
        .filter(|&american| american != word)
        .map(fingerprint::of_word)
}

/// Reads a little-endian u64 at byte `at`.
fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// The 32-bit key of a bigram table entry: the high half of the pair's fingerprint.
fn bigram_key(hash: u64) -> u32 {
    (hash >> 32) as u32
}

/// Bits of a bigram key that name its bucket in the table's index.
const BUCKET_BITS: u32 = 12;
/// Entries of the bucket index: where each bucket starts, and the end of the last.
const BUCKETS: usize = (1 << BUCKET_BITS) + 1;

/// Bigram counts: header (magic, u64 n), n sorted u32 keys, n u8 counts, then the bucket index:
/// 4,097 u32 positions, where the keys of each bucket (by their top 12 bits) start. A lookup
/// reads its bucket's bounds and finds the key among about 130 by its value (see
/// `search_start`); nothing is computed when the table is read.
#[derive(Debug, Clone, Copy)]
pub struct BigramTable<'a> {
    bytes: &'a [u8],
    n: usize,
}

impl<'a> BigramTable<'a> {
    /// Reads a table; `None` when the bytes are not one (including a bucket index that is out of
    /// order or out of range).
    pub fn new(bytes: &'a [u8]) -> Option<Self> {
        if bytes.get(..8)? != BIGRAM_MAGIC {
            return None;
        }
        let n = usize::try_from(u64_at(bytes, 8)?).ok()?;
        let size = n.checked_mul(5)?.checked_add(16 + 4 * BUCKETS)?;
        if bytes.len() != size || u32::try_from(n).is_err() {
            return None;
        }
        let table = Self { bytes, n };
        let mut last = 0;
        for bucket in 0..BUCKETS {
            let start = table.bucket_start(bucket)?;
            if start < last || start > n {
                return None;
            }
            last = start;
        }
        (last == n).then_some(table)
    }

    fn bucket_start(&self, bucket: usize) -> Option<usize> {
        u32_at(self.bytes, 16 + 5 * self.n + 4 * bucket).map(|s| s as usize)
    }

    /// How often the unit with fingerprint `first` is followed by the one with fingerprint
    /// `second` in the reference text (0 if never).
    pub fn count(&self, first: Fingerprint, second: Fingerprint) -> u32 {
        self.find(first, second)
            .map_or(0, |i| u32::from(self.bytes[16 + self.n * 4 + i]))
    }

    /// Whether the unit with fingerprint `first` is ever followed by the one with fingerprint
    /// `second` (as `count > 0`, without reading the count: most of SPUN008's lookups ask this
    /// of a pair that is there).
    pub fn contains(&self, first: Fingerprint, second: Fingerprint) -> bool {
        self.find(first, second).is_some()
    }

    /// Asks the processor to fetch the cache line where the pair's search will start, so that
    /// a lookup made a few words later does not wait on memory (the table is larger than the
    /// second-level cache, and each lookup is one miss). Changes nothing but timing.
    pub fn prefetch(&self, first: Fingerprint, second: Fingerprint) {
        #[cfg(target_arch = "x86_64")]
        if let Some((_, guess, _)) = self.search_start(first, second) {
            if let Some(line) = self.bytes.get(16 + 4 * guess) {
                use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
                // SAFETY: a prefetch is a hint that never faults, and the address is of a byte
                // of the table; SSE is part of every x86-64 processor.
                unsafe { _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(line).cast()) };
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = (first, second);
    }

    /// Where the search for the pair starts: its key, the entry its key's value points to, and
    /// the entries of its bucket (`None` for an empty bucket). Keys are the high bits of
    /// hashes, spread evenly over the bucket's range of values, so the key sought is a few
    /// entries from the one its value points to, mostly on the same cache line (a binary search
    /// of the bucket waited on four or five lines).
    #[inline(always)] // measured: left to the compiler, a run took about 3% more CPU time
    fn search_start(
        &self,
        first: Fingerprint,
        second: Fingerprint,
    ) -> Option<(u32, usize, std::ops::Range<usize>)> {
        let key = bigram_key(fingerprint::pair(first, second));
        let bucket = (key >> (32 - BUCKET_BITS)) as usize;
        let bucket = self.bucket_start(bucket)?..self.bucket_start(bucket + 1)?;
        if bucket.is_empty() {
            return None;
        }
        let offset = u64::from(key & ((1 << (32 - BUCKET_BITS)) - 1));
        let guess = bucket.start + ((offset * bucket.len() as u64) >> (32 - BUCKET_BITS)) as usize;
        Some((key, guess, bucket))
    }

    /// The entry of the pair: from where its search starts, forward or back to its key.
    fn find(&self, first: Fingerprint, second: Fingerprint) -> Option<usize> {
        let (key, mut i, bucket) = self.search_start(first, second)?;
        let key_at = |i: usize| u32_at(self.bytes, 16 + 4 * i);
        if key_at(i)? < key {
            // Forward to the first key not below `key`.
            while i + 1 < bucket.end && key_at(i + 1)? <= key {
                i += 1;
            }
        } else {
            // Back to the last key not above `key`.
            while i > bucket.start && key_at(i)? > key {
                i -= 1;
            }
        }
        (key_at(i)? == key).then_some(i)
    }

    /// The number of bigrams in the table.
    pub fn len(&self) -> usize {
        self.n
    }

    /// True when the table holds no bigram.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Serialises counts: `(fingerprint::pair of the units, count)` in any order. Pairs whose
    /// keys collide share the larger count.
    pub fn write(entries: Vec<(u64, u32)>) -> Vec<u8> {
        let mut entries: Vec<(u32, u32)> = entries
            .into_iter()
            .map(|(h, c)| (bigram_key(h), c))
            .collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        entries.dedup_by_key(|e| e.0);
        let mut out = Vec::with_capacity(16 + entries.len() * 5);
        out.extend_from_slice(BIGRAM_MAGIC);
        out.extend_from_slice(&(entries.len() as u64).to_le_bytes());
        for (key, _) in &entries {
            out.extend_from_slice(&key.to_le_bytes());
        }
        out.extend(entries.iter().map(|(_, c)| (*c).min(255) as u8));
        for bucket in 0..BUCKETS as u32 {
            let start = entries.partition_point(|(key, _)| (key >> (32 - BUCKET_BITS)) < bucket);
            out.extend_from_slice(&(start as u32).to_le_bytes());
        }
        out
    }
}

/// Word pairs of fluent text and how freely each unit takes new neighbours, for the
/// collocation-break signal (SPUN008), which needs no thesaurus. Stored in the bigram table's
/// format: the pairs seen, and for each unit two entries under marker fingerprints (which no
/// unit has: units hold no space) whose count is a surprisal in sixteenths of a nat.
///
/// The surprisal of a unit's side is how unlikely fluent text is to put a word never seen
/// beside it there: -ln P(new follower), with the Good-Turing estimate P = (n1 + 1) / (N + 2),
/// n1 the followers seen once and N all pairs the unit begins. "blood" is followed by a handful
/// of words again and again (high surprisal: a new follower is news); "the" or a comma by
/// anything (low).
#[derive(Debug, Clone, Copy)]
pub struct CollocationTable<'a> {
    table: BigramTable<'a>,
    /// [`side_marker`], computed once.
    marker: Fingerprint,
}

/// Surprisals are stored in sixteenths of a nat, up to 255 (15.9 nats).
const SURPRISAL_SCALE: f64 = 16.0;

/// The marker standing for "any follower" (second member) and "any preceder" (first member).
fn side_marker() -> Fingerprint {
    fingerprint::of_word("<any neighbour>")
}

impl<'a> CollocationTable<'a> {
    /// Reads a table; `None` when the bytes are not one.
    pub fn new(bytes: &'a [u8]) -> Option<Self> {
        BigramTable::new(bytes).map(|table| Self {
            table,
            marker: side_marker(),
        })
    }

    /// Whether fluent text put `second` right after `first`.
    pub fn seen(&self, first: Fingerprint, second: Fingerprint) -> bool {
        self.table.contains(first, second)
    }

    /// Fetches the memory that [`Self::seen`] of this pair will read (see
    /// [`BigramTable::prefetch`]).
    pub fn prefetch(&self, first: Fingerprint, second: Fingerprint) {
        self.table.prefetch(first, second);
    }

    /// Whether fluent text put `unit` beside anything: every unit it saw has its sides' entries.
    pub fn knows(&self, unit: Fingerprint) -> bool {
        self.table.contains(unit, self.marker) || self.table.contains(self.marker, unit)
    }

    /// The surprisal of a word never seen after `unit` (0 for a unit the table does not know:
    /// nothing is known of what follows it).
    pub fn surprisal_after(&self, unit: Fingerprint) -> f64 {
        f64::from(self.table.count(unit, self.marker)) / SURPRISAL_SCALE
    }

    /// The surprisal of a word never seen before `unit` (0 for a unit the table does not know).
    pub fn surprisal_before(&self, unit: Fingerprint) -> f64 {
        f64::from(self.table.count(self.marker, unit)) / SURPRISAL_SCALE
    }

    /// The number of entries (pairs and sides).
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// True when the table holds nothing.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// Serialises the pair counts of fluent text (`(first, second) -> count`) with each unit's
    /// two surprisals.
    pub fn write(pairs: &std::collections::HashMap<(Fingerprint, Fingerprint), u32>) -> Vec<u8> {
        #[derive(Default)]
        struct Side {
            total: u64,
            once: u64,
        }
        let mut after: std::collections::HashMap<Fingerprint, Side> = Default::default();
        let mut before: std::collections::HashMap<Fingerprint, Side> = Default::default();
        for (&(first, second), &count) in pairs {
            for side in [
                after.entry(first).or_default(),
                before.entry(second).or_default(),
            ] {
                side.total += u64::from(count);
                side.once += u64::from(count == 1);
            }
        }
        let surprisal = |side: &Side| {
            let p = (side.once as f64 + 1.0) / (side.total as f64 + 2.0);
            ((-p.ln() * SURPRISAL_SCALE).round() as u32).clamp(1, 255)
        };
        let marker = side_marker();
        let mut entries: Vec<(u64, u32)> = pairs
            .iter()
            .map(|(&(a, b), &count)| (fingerprint::pair(a, b), count))
            .collect();
        entries.extend(
            after
                .iter()
                .map(|(&unit, side)| (fingerprint::pair(unit, marker), surprisal(side))),
        );
        entries.extend(
            before
                .iter()
                .map(|(&unit, side)| (fingerprint::pair(marker, unit), surprisal(side))),
        );
        BigramTable::write(entries)
    }
}

/// Magic bytes at the start of a frame table.
pub const FRAME_MAGIC: &[u8; 8] = b"CHFFRAM1";

/// The word that usually stands between two units in fluent text ("bone ___ makes": "marrow"),
/// for naming what a collocation break (SPUN008) replaced. Header (magic, u64 n), n records
/// (u32 key, u32 offset of the word) sorted by key (the high half of the two units' pair
/// fingerprint), then the words, each ended by a newline. Only frames filled at least three times, by one word at least
/// half the time, are kept: a frame that takes many words has no usual one.
#[derive(Debug, Clone, Copy)]
pub struct FrameTable<'a> {
    records: &'a [u8],
    words: &'a str,
    n: usize,
}

/// Bytes of a frame table's record.
const FRAME_RECORD: usize = 8;

impl<'a> FrameTable<'a> {
    /// Reads a table; `None` when the bytes are not one.
    pub fn new(bytes: &'a [u8]) -> Option<Self> {
        if bytes.get(..8)? != FRAME_MAGIC {
            return None;
        }
        let n = usize::try_from(u64_at(bytes, 8)?).ok()?;
        let end = n.checked_mul(FRAME_RECORD)?.checked_add(16)?;
        let records = bytes.get(16..end)?;
        let words = std::str::from_utf8(bytes.get(end..)?).ok()?;
        Some(Self { records, words, n })
    }

    /// The word that usually stands between `before` and `after`, if the table knows one.
    pub fn usual(&self, before: Fingerprint, after: Fingerprint) -> Option<&'a str> {
        let key = bigram_key(fingerprint::pair(before, after));
        let key_at = |i: usize| u32_at(self.records, FRAME_RECORD * i);
        let (mut low, mut high) = (0, self.n);
        while low < high {
            let mid = (low + high) / 2;
            if key_at(mid)? < key {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        if low == self.n || key_at(low)? != key {
            return None;
        }
        let at = u32_at(self.records, FRAME_RECORD * low + 4)? as usize;
        self.words.get(at..)?.lines().next()
    }

    /// The number of frames.
    pub fn len(&self) -> usize {
        self.n
    }

    /// True when the table holds no frame.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Serialises frames: `(fingerprint::pair of the two units, usual word)` in any order.
    /// Frames whose keys collide keep the first word in order of key and word.
    pub fn write(frames: Vec<(u64, String)>) -> Vec<u8> {
        let mut words: Vec<&str> = frames.iter().map(|(_, w)| w.as_str()).collect();
        words.sort_unstable();
        words.dedup();
        let mut offsets = Vec::with_capacity(words.len());
        let mut blob = String::new();
        for word in &words {
            offsets.push(blob.len() as u32);
            blob.push_str(word);
            blob.push('\n');
        }
        let mut records: Vec<(u32, u32)> = frames
            .iter()
            .map(|(h, w)| {
                let number = words.binary_search(&w.as_str()).unwrap_or(0);
                (bigram_key(*h), offsets[number])
            })
            .collect();
        records.sort_unstable();
        records.dedup_by_key(|r| r.0);
        let mut out = Vec::with_capacity(16 + records.len() * FRAME_RECORD);
        out.extend_from_slice(FRAME_MAGIC);
        out.extend_from_slice(&(records.len() as u64).to_le_bytes());
        for (key, number) in &records {
            out.extend_from_slice(&key.to_le_bytes());
            out.extend_from_slice(&number.to_le_bytes());
        }
        out.extend_from_slice(blob.as_bytes());
        out
    }
}

/// Synonym lists: header (magic, u64 n), n records (u32 key, u32 offset, u32 length) sorted by
/// key, then a blob of space-separated synonyms. Lookups go through a hash map of the keys,
/// built once when the table is read, behind a two-bit Bloom filter of 16 KB: most words of a
/// text have no synonym list, and the filter (in the first-level cache) turns nearly all of them
/// away without touching the map.
#[derive(Debug, Clone)]
pub struct SynonymTable<'a> {
    /// Every list, one after the other (checked to be UTF-8 once, when the table is read).
    blob: &'a str,
    /// Word fingerprint → where its list is in `blob`.
    index: rustc_hash::FxHashMap<Fingerprint, (u32, u32)>,
    filter: Box<[u64]>,
}

/// Bytes of a synonym table's record.
const RECORD: usize = 12;

/// Bits of a fingerprint that pick a bit of the synonym table's filter (2^17 bits, 16 KB).
const FILTER_BITS: u32 = 17;

/// The two filter bits of a fingerprint (fingerprints are mixed: any bits will do, and the two
/// may share some).
fn filter_bits(word: Fingerprint) -> [usize; 2] {
    let mask = (1 << FILTER_BITS) - 1;
    [
        (word & mask) as usize,
        (word.rotate_right(FILTER_BITS) & mask) as usize,
    ]
}

impl<'a> SynonymTable<'a> {
    /// Reads a table; `None` when the bytes are not one.
    pub fn new(bytes: &'a [u8]) -> Option<Self> {
        if bytes.get(..8)? != SYNONYM_MAGIC {
            return None;
        }
        let n = usize::try_from(u64_at(bytes, 8)?).ok()?;
        let size = n.checked_mul(RECORD)?.checked_add(16)?;
        if bytes.len() < size {
            return None;
        }
        let blob = std::str::from_utf8(bytes.get(size..)?).ok()?;
        let index: rustc_hash::FxHashMap<Fingerprint, (u32, u32)> = (0..n)
            .map(|i| {
                let record = 16 + i * RECORD;
                let (offset, length) = (u32_at(bytes, record + 4)?, u32_at(bytes, record + 8)?);
                // Every list must be a whole slice of the blob.
                blob.get(offset as usize..offset.checked_add(length)? as usize)?;
                Some((u32_at(bytes, record)?, (offset, length)))
            })
            .collect::<Option<_>>()?;
        let mut filter = vec![0u64; (1 << FILTER_BITS) / 64].into_boxed_slice();
        for &key in index.keys() {
            for bit in filter_bits(key) {
                filter[bit / 64] |= 1 << (bit % 64);
            }
        }
        Some(Self {
            blob,
            index,
            filter,
        })
    }

    /// The much more frequent synonyms of the word with fingerprint `word`, most frequent first,
    /// or `None` when it has none. The filter answers first, so most words cost a test of two
    /// bits.
    #[inline]
    pub fn synonyms(&self, word: Fingerprint) -> Option<impl Iterator<Item = &'a str>> {
        if !self.may_list(word) {
            return None;
        }
        let &(offset, length) = self.index.get(&word)?;
        let blob: &'a str = self.blob;
        let list = blob.get(offset as usize..(offset + length) as usize)?;
        (!list.trim().is_empty()).then(|| list.split(' ').filter(|s| !s.is_empty()))
    }

    /// False when the word with fingerprint `word` certainly has no synonym list (true for about
    /// 2% of the words that have none).
    fn may_list(&self, word: Fingerprint) -> bool {
        filter_bits(word)
            .iter()
            .all(|&bit| self.filter[bit / 64] & (1 << (bit % 64)) != 0)
    }

    /// The number of words with synonyms.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// True when no word has synonyms.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Serialises `(word, synonyms)` pairs.
    pub fn write(entries: &[(String, Vec<String>)]) -> Vec<u8> {
        let mut records: Vec<(Fingerprint, String)> = entries
            .iter()
            .map(|(word, synonyms)| (fingerprint::of_word(word), synonyms.join(" ")))
            .collect();
        records.sort();
        records.dedup_by_key(|r| r.0);
        let mut out = Vec::new();
        out.extend_from_slice(SYNONYM_MAGIC);
        out.extend_from_slice(&(records.len() as u64).to_le_bytes());
        let mut blob = Vec::new();
        for (key, list) in &records {
            out.extend_from_slice(&key.to_le_bytes());
            out.extend_from_slice(&(blob.len() as u32).to_le_bytes());
            out.extend_from_slice(&(list.len() as u32).to_le_bytes());
            blob.extend_from_slice(list.as_bytes());
        }
        out.extend_from_slice(&blob);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The regular rewrites, as a String and as a fingerprint; a word without a British
    /// pattern, too long to respell, or not lowercase has no fingerprint.
    #[test]
    fn american_fingerprints_match_the_respelling() {
        for (british, american_spelling) in [
            ("favour", "favor"),
            ("randomised", "randomized"),
            ("haemorrhage", "hemorrhage"),
            ("centre", "center"),
            ("counselling", "counseling"),
            ("analysed", "analyzed"),
        ] {
            assert_eq!(american(british), american_spelling);
            assert_eq!(
                american_fingerprint(british),
                Some(fingerprint::of_word(american_spelling)),
                "{british}"
            );
        }
        assert_eq!(american("randomisation"), "randomization");
        assert_eq!(american_fingerprint("pressure"), None);
        assert_eq!(american_fingerprint(&"ise".repeat(20)), None);
        assert_eq!(american_fingerprint("Favour"), None);
    }

    use crate::fingerprint::of_word;

    fn words(first: &str, second: &str) -> u64 {
        fingerprint::pair(of_word(first), of_word(second))
    }

    fn count(table: &BigramTable<'_>, first: &str, second: &str) -> u32 {
        table.count(of_word(first), of_word(second))
    }

    #[test]
    fn hashing_ignores_case_and_separates_words() {
        assert_eq!(
            hash_words(["Blood", "PRESSURE"]),
            hash_words(["blood", "pressure"])
        );
        assert_ne!(
            hash_words(["bloodp", "ressure"]),
            hash_words(["blood", "pressure"])
        );
    }

    #[test]
    fn units_keep_punctuation_between_words() {
        assert_eq!(
            units("High (blood) pressure, too."),
            ["High", "(", "blood", ")", "pressure", ",", "too", "."]
        );
        assert_eq!(last_mark(" ("), Some("("));
        assert_eq!(last_mark(" "), None, "the word before is the unit");
        assert_eq!(first_mark(", "), Some(","));
        assert_eq!(first_mark(" "), None, "the word after is the unit");
    }

    #[test]
    fn tables_round_trip() {
        let bytes = BigramTable::write(vec![
            (words("blood", "pressure"), 812),
            (words("side", "effects"), 40),
        ]);
        let table = BigramTable::new(&bytes).unwrap();
        assert_eq!(table.len(), 2);
        assert_eq!(count(&table, "Blood", "pressure"), 255, "counts saturate");
        assert_eq!(count(&table, "side", "effects"), 40);
        assert_eq!(count(&table, "blood", "strain"), 0);

        // Many keys, in every bucket: each is found through the bucket index and its value,
        // and keys that are not there are not found.
        let pairs: Vec<(u64, u32)> = (0..20_000u32)
            .map(|i| (words(&format!("w{i}"), "x"), 2 + i % 200))
            .collect();
        let bytes = BigramTable::write(pairs.clone());
        let table = BigramTable::new(&bytes).unwrap();
        for (i, (_, expected)) in pairs.iter().enumerate() {
            assert_eq!(count(&table, &format!("W{i}"), "x"), *expected);
            assert_eq!(count(&table, &format!("w{i}"), "y"), 0);
            // `contains` is `count > 0`, the count unread.
            let (w, x, y) = (of_word(&format!("w{i}")), of_word("x"), of_word("y"));
            assert!(table.contains(w, x) && !table.contains(w, y));
        }
        let sparse = BigramTable::write(pairs[..50].to_vec());
        let sparse = BigramTable::new(&sparse).unwrap();
        for i in 0..20_000 {
            let expected = if i < 50 { 2 + i % 200 } else { 0 };
            assert_eq!(count(&sparse, &format!("w{i}"), "x"), expected);
        }

        let bytes = SynonymTable::write(&[
            (
                "strain".to_owned(),
                vec!["pressure".to_owned(), "stress".to_owned()],
            ),
            ("bosom".to_owned(), vec!["breast".to_owned()]),
        ]);
        let table = SynonymTable::new(&bytes).unwrap();
        assert_eq!(
            table
                .synonyms(of_word("strain"))
                .unwrap()
                .collect::<Vec<_>>(),
            ["pressure", "stress"]
        );
        assert_eq!(
            table
                .synonyms(of_word("Bosom"))
                .unwrap()
                .collect::<Vec<_>>(),
            ["breast"]
        );
        assert!(table.synonyms(of_word("cancer")).is_none());
    }

    #[test]
    fn british_spellings_are_the_same_word() {
        for (british, american) in [
            ("randomised", "randomized"),
            ("favour", "favor"),
            ("diarrhoea", "diarrhea"),
            ("anaemia", "anemia"),
            ("centre", "center"),
            ("fibre", "fiber"),
            ("counselling", "counseling"),
            ("programme", "program"),
            ("manoeuvre", "maneuver"),
            ("Behaviour", "behavior"),
            ("judgement", "judgment"),
            ("utilisation", "utilization"),
        ] {
            assert!(same_word_respelled(british, american), "{british}");
        }
    }

    #[test]
    fn synonyms_are_not_respellings() {
        for (said, likely) in [
            ("strain", "pressure"),
            ("depleted", "low"),
            ("peril", "risk"),
            ("centre", "heart"),
            ("grownups", "adults"),
            ("favor", "favor"),
        ] {
            assert!(!same_word_respelled(said, likely), "{said} {likely}");
        }
    }

    #[test]
    fn corrupt_tables_are_refused() {
        assert!(BigramTable::new(b"nonsense").is_none());
        let mut bytes = BigramTable::write(vec![(1, 2)]);
        bytes.pop();
        assert!(BigramTable::new(&bytes).is_none());
        let mut bytes = BigramTable::write(vec![(1, 2), (u64::MAX, 3)]);
        let index = bytes.len() - 4 * BUCKETS;
        bytes[index + 4 * 100] = 2; // bucket 100 starts after bucket 101: out of order
        assert!(BigramTable::new(&bytes).is_none());
        assert!(SynonymTable::new(b"CHFSYNO3\xff\xff\xff\xff\xff\xff\xff\x7f").is_none());
        assert!(FrameTable::new(b"CHFFRAM1\xff\xff\xff\xff\xff\xff\xff\x7f").is_none());
        let mut bytes = FrameTable::write(vec![(words("bone", "makes"), "marrow".to_owned())]);
        bytes.truncate(20); // a record cut in two
        assert!(FrameTable::new(&bytes).is_none());
    }

    /// The collocation table keeps which pairs were seen and, per unit and side, the
    /// Good-Turing surprisal of a new neighbour: -ln((n1 + 1) / (N + 2)).
    #[test]
    fn collocation_and_frame_tables_round_trip() {
        let (blood, pressure, cells, red) = (
            of_word("blood"),
            of_word("pressure"),
            of_word("cells"),
            of_word("red"),
        );
        let pairs = std::collections::HashMap::from([
            ((blood, pressure), 5),
            ((blood, cells), 1),
            ((red, cells), 2),
        ]);
        let bytes = CollocationTable::write(&pairs);
        let table = CollocationTable::new(&bytes).unwrap();
        assert!(table.seen(blood, pressure) && table.seen(of_word("Blood"), cells));
        assert!(!table.seen(pressure, blood) && !table.seen(red, pressure));
        // after "blood": 6 pairs, 1 seen once: -ln(2/8) = 1.386, stored in sixteenths
        assert!((table.surprisal_after(blood) - 22.0 / 16.0).abs() < 1e-9);
        // before "cells": 3 pairs, 1 seen once: -ln(2/5) = 0.916
        assert!((table.surprisal_before(cells) - 15.0 / 16.0).abs() < 1e-9);
        assert_eq!(table.surprisal_after(pressure), 0.0, "nothing follows it");
        assert_eq!(table.surprisal_before(blood), 0.0, "nothing precedes it");

        let bytes = FrameTable::write(vec![
            (words("bone", "makes"), "marrow".to_owned()),
            (words("side", "of"), "effects".to_owned()),
            (words("the", "of"), "risk".to_owned()),
        ]);
        let frames = FrameTable::new(&bytes).unwrap();
        assert_eq!(frames.len(), 3);
        let usual = |a: &str, b: &str| frames.usual(of_word(a), of_word(b));
        assert_eq!(usual("bone", "makes"), Some("marrow"));
        assert_eq!(usual("Side", "of"), Some("effects"));
        assert_eq!(usual("the", "of"), Some("risk"));
        assert_eq!(usual("of", "the"), None);
    }
}
