//! Word fingerprints: a 32-bit hash of a word's lowercase form, computed once per token while a
//! document is built, so signals compare and look up words without reading their text again.
//! Thirty-two bits, not sixty-four: a document holds one a token, and on a 200 MB page the four
//! bytes saved a word are 140 MB of a 900 MB peak. A word of a text takes the fingerprint of a
//! different word of the synonym table (10,300 words) with a chance of about 1 in 400,000; on
//! the corpus every signal's value is the same as with 64 bits.
//!
//! The fingerprint folds the lowercase UTF-8 bytes eight at a time (little-endian, the last chunk
//! zero-padded). Words never contain a NUL byte, so no chunk of a word is zero, and the fold can
//! stop at the first zero chunk: the lexicon's 24-byte cache keys (`of_chunks`) and the text of
//! a word ([`of_word`]) give the same fingerprint.
//!
//! Equal lowercase words have equal fingerprints; different words share one with a chance of
//! about 2^-32, so a signal that must be exact confirms a match on the text.

/// The fingerprint of a word.
pub type Fingerprint = u32;

/// The multiplier of the fold (the one of FxHash).
const FOLD: u64 = 0x517c_c1b7_2722_0a95;
/// The fold's starting value, so that no word has the fingerprint of the empty word.
const SEED: u64 = 0x243f_6a88_85a3_08d3;

/// Murmur3's 64-bit finaliser: every input bit flips each output bit with probability 1/2.
fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The fingerprint of a word given as lowercase bytes in little-endian 8-byte chunks; a zero chunk
/// ends the word.
pub(crate) fn of_chunks(chunks: &[u64]) -> Fingerprint {
    let mut word = Sequence::default();
    chunks
        .iter()
        .take_while(|&&c| c != 0)
        .for_each(|&c| word.push(c));
    narrow(word.finish())
}

/// The high half of a mixed 64-bit hash (every bit of it depends on every input bit).
fn narrow(hash: u64) -> Fingerprint {
    (hash >> 32) as Fingerprint
}

/// The fingerprint of a word (or of any unit of text, such as a punctuation mark): case is
/// ignored, Unicode case included.
pub fn of_word(word: &str) -> Fingerprint {
    let mut folded = Sequence::default();
    let mut chunk = [0u8; 8];
    let mut filled = 0;
    let mut eat = |byte: u8| {
        chunk[filled] = byte;
        filled += 1;
        if filled == 8 {
            folded.push(u64::from_le_bytes(chunk));
            filled = 0;
        }
    };
    if word.is_ascii() {
        word.bytes().for_each(|b| eat(b.to_ascii_lowercase()));
    } else {
        let mut buffer = [0u8; 4];
        for c in word.chars().flat_map(char::to_lowercase) {
            c.encode_utf8(&mut buffer).bytes().for_each(&mut eat);
        }
    }
    if filled > 0 {
        chunk[filled..].fill(0);
        folded.push(u64::from_le_bytes(chunk));
    }
    narrow(folded.finish())
}

/// The 64-bit hash of an ordered pair of fingerprints (a bigram).
pub fn pair(first: Fingerprint, second: Fingerprint) -> u64 {
    mix((u64::from(first) << 32) | u64::from(second))
}

/// Folds 64-bit values into one 64-bit hash, in order: the chunks of a word, or the fingerprints
/// of a sequence of words.
#[derive(Debug, Clone, Copy)]
pub struct Sequence(u64);

impl Default for Sequence {
    fn default() -> Self {
        Self(SEED)
    }
}

impl Sequence {
    /// Appends a value.
    pub fn push(&mut self, fingerprint: u64) {
        self.0 = (self.0.rotate_left(5) ^ fingerprint).wrapping_mul(FOLD);
    }

    /// The hash of the sequence so far.
    pub fn finish(self) -> u64 {
        mix(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chunks(word: &str) -> Vec<u64> {
        word.to_lowercase()
            .as_bytes()
            .chunks(8)
            .map(|c| {
                let mut eight = [0u8; 8];
                eight[..c.len()].copy_from_slice(c);
                u64::from_le_bytes(eight)
            })
            .chain([0, 0])
            .collect()
    }

    #[test]
    fn case_is_ignored_and_words_differ() {
        assert_eq!(of_word("Pressure"), of_word("pRESSURE"));
        assert_eq!(of_word("ÉTUDE"), of_word("étude"));
        assert_ne!(of_word("blood"), of_word("bloods"));
        assert_ne!(of_word("abcdefgh"), of_word("abcdefghi"));
        assert_ne!(
            pair(of_word("a"), of_word("b")),
            pair(of_word("b"), of_word("a"))
        );
    }

    proptest! {
        #[test]
        fn chunks_and_text_agree(word in "[a-zA-Z0-9]{1,30}|[a-zé0-9ß]{1,12}") {
            prop_assert_eq!(of_chunks(&chunks(&word)), of_word(&word));
        }
    }
}
