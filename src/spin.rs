//! An article spinner for training and evaluation: swaps content words for thesaurus synonyms,
//! the way published spinning studies simulated spinners (DSpin, NDSS 2014). Scoring never uses
//! it: it makes spun examples for the spam head (a `spin` source of `chaff train --sources`) and
//! measures the spun-text signals.
//!
//! The thesaurus is Debian's `mythes-en-us` (`/usr/share/mythes/th_en_US_v2.dat`), the
//! OpenOffice thesaurus that spinners of the free-software world use. Like the spinners whose
//! pages we studied, it takes numerals for words: MyThes lists "4" with "four" first, so "4.5 kg"
//! can come out "four.5 kg" and a reference mark "17" "seventeen".

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rand::seq::{index, IndexedRandom};
use rand::Rng;

/// Where Debian installs the thesaurus.
pub const MYTHES: &str = "/usr/share/mythes/th_en_US_v2.dat";

/// Where Debian installs Aiksaurus' thesaurus (`libaiksaurus-1.2-data`).
pub const AIKSAURUS: &str = "/usr/share/aiksaurus";

/// A spun text, and how much of it was swapped.
pub struct Spun {
    /// The text with its swaps.
    pub text: String,
    /// Words swapped.
    pub swapped: usize,
    /// Content words (not stopwords) of the original.
    pub content_words: usize,
}

/// Synonyms by lowercase headword.
pub struct Thesaurus {
    synonyms: HashMap<String, Vec<String>>,
    stopwords: HashSet<&'static str>,
}

impl Thesaurus {
    /// Reads a MyThes data file: a header line, then `word|n` followed by n lines of
    /// `(pos)|synonym|synonym ...`. Markers such as "(generic term)" are removed and antonyms
    /// skipped, as a spinner would.
    pub fn load(path: &Path) -> Result<Self, String> {
        let bytes = std::fs::read(path).map_err(|e| {
            format!(
                "{}: {e}; install Debian's mythes-en-us (`apt-get install mythes-en-us`)",
                path.display()
            )
        })?;
        let text = String::from_utf8_lossy(&bytes);
        let mut lines = text.lines().skip(1);
        let mut synonyms: HashMap<String, Vec<String>> = HashMap::new();
        while let Some(head) = lines.next() {
            let Some((word, count)) = head.rsplit_once('|') else {
                continue;
            };
            let count: usize = count.trim().parse().unwrap_or(0);
            let entry = synonyms.entry(word.to_lowercase()).or_default();
            for meaning in lines.by_ref().take(count) {
                for synonym in meaning.split('|').skip(1) {
                    if synonym.contains("(antonym)") {
                        continue;
                    }
                    let clean = synonym.split(" (").next().unwrap_or("").trim();
                    if !clean.is_empty() && !clean.eq_ignore_ascii_case(word) {
                        entry.push(clean.to_owned());
                    }
                }
            }
        }
        synonyms.retain(|_, v| !v.is_empty());
        Ok(Self {
            synonyms,
            stopwords: crate::tokens::stopwords().collect(),
        })
    }

    /// A thesaurus of the given (word, synonym) pairs, lowercase: for spinning with a synonym
    /// source other than MyThes (WordNet's synsets, in the held-out-thesaurus measurement).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut synonyms: HashMap<String, Vec<String>> = HashMap::new();
        for (word, synonym) in pairs {
            if word != synonym {
                synonyms.entry(word).or_default().push(synonym);
            }
        }
        // A fixed order, so that a seeded spin repeats exactly whatever the hash map's order.
        for list in synonyms.values_mut() {
            list.sort();
            list.dedup();
        }
        Self {
            synonyms,
            stopwords: crate::tokens::stopwords().collect(),
        }
    }

    /// Reads Aiksaurus' thesaurus (Debian's `libaiksaurus-1.2-data`, built from the public-domain
    /// Moby thesaurus, which owes nothing to WordNet): `words.dat` holds each word (NUL-ended,
    /// a colon for a space) with the big-endian 16-bit numbers of its meanings, ended by
    /// `0xFFFF`; `meanings.dat` holds each meaning as two title words and its member words, by
    /// number, ended by `0xFFFF`. A word's synonyms are the members of its meanings.
    pub fn load_aiksaurus(dir: &Path) -> Result<Self, String> {
        let read = |name: &str| {
            std::fs::read(dir.join(name)).map_err(|e| {
                format!(
                    "{}: {e}; install Debian's libaiksaurus-1.2-data",
                    dir.join(name).display()
                )
            })
        };
        let (words_file, meanings_file) = (read("words.dat")?, read("meanings.dat")?);
        let numbers = |bytes: &[u8]| -> Vec<u16> {
            bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect()
        };
        let mut words: Vec<(String, Vec<u16>)> = Vec::new();
        let mut rest = &words_file[..];
        while let Some(nul) = rest.iter().position(|&b| b == 0) {
            let word = String::from_utf8_lossy(&rest[..nul]).replace(':', " ");
            let list = &rest[nul + 1..];
            let end = list
                .chunks_exact(2)
                .position(|c| c == [0xFF, 0xFF])
                .ok_or("words.dat: a word's meanings do not end")?;
            words.push((word.to_lowercase(), numbers(&list[..2 * end])));
            rest = &list[2 * end + 2..];
        }
        let all = numbers(&meanings_file);
        // A meaning's number is its place in the file: none is dropped, or the numbers shift.
        let meanings: Vec<&[u16]> = all
            .split(|&n| n == 0xFFFF)
            .map(|m| m.get(2..).unwrap_or(&[]))
            .collect();
        let pairs = words.iter().flat_map(|(word, senses)| {
            senses
                .iter()
                .filter_map(|&s| meanings.get(usize::from(s)))
                .flat_map(|members| members.iter())
                .filter_map(|&m| words.get(usize::from(m)))
                .map(move |(synonym, _)| (word.clone(), synonym.clone()))
        });
        Ok(Self::from_pairs(pairs.collect::<Vec<_>>()))
    }

    /// Every (word, synonym) pair, lowercase.
    pub fn pairs(&self) -> HashSet<(String, String)> {
        self.synonyms
            .iter()
            .flat_map(|(w, list)| list.iter().map(move |s| (w.clone(), s.to_lowercase())))
            .collect()
    }

    /// Drops every synonym that `excluded(word, synonym)` names, and the words left with none.
    pub fn without(mut self, excluded: impl Fn(&str, &str) -> bool) -> Self {
        for (word, synonyms) in self.synonyms.iter_mut() {
            synonyms.retain(|s| !excluded(word, &s.to_lowercase()));
        }
        self.synonyms.retain(|_, v| !v.is_empty());
        self
    }

    /// Replaces `rate` of the content words (non-stopwords) of `text` with a random synonym,
    /// choosing among the words the thesaurus knows; keeps a capital first letter. A numeral
    /// the thesaurus knows becomes its first synonym, the number in words.
    pub fn spin(&self, text: &str, rate: f64, rng: &mut impl Rng) -> String {
        self.spin_counting(text, rate, rng).text
    }

    /// [`Thesaurus::spin`], with the number of words swapped and of content words: a thesaurus
    /// that knows few words swaps fewer than asked.
    pub fn spin_counting(&self, text: &str, rate: f64, rng: &mut impl Rng) -> Spun {
        let words = word_runs(text);
        let content = words
            .iter()
            .filter(|r| {
                !self
                    .stopwords
                    .contains(text[(*r).clone()].to_lowercase().as_str())
            })
            .count();
        let candidates: Vec<&std::ops::Range<usize>> = words
            .iter()
            .filter(|r| {
                let lower = text[(*r).clone()].to_lowercase();
                !self.stopwords.contains(lower.as_str()) && self.synonyms.contains_key(&lower)
            })
            .collect();
        let wanted = ((rate * content as f64).round() as usize).min(candidates.len());
        let mut chosen: Vec<&std::ops::Range<usize>> = index::sample(rng, candidates.len(), wanted)
            .into_iter()
            .map(|i| candidates[i])
            .collect();
        chosen.sort_by_key(|r| r.start);
        let mut out = String::with_capacity(text.len() + text.len() / 8);
        let mut last = 0;
        let mut swapped = 0;
        for range in chosen {
            let word = &text[range.clone()];
            let options = &self.synonyms[&word.to_lowercase()];
            let chosen = if word.bytes().all(|b| b.is_ascii_digit()) {
                options.first()
            } else {
                options.choose(rng)
            };
            let Some(synonym) = chosen else {
                continue;
            };
            out.push_str(&text[last..range.start]);
            if word.starts_with(|c: char| c.is_uppercase()) {
                let mut chars = synonym.chars();
                out.extend(chars.next().into_iter().flat_map(char::to_uppercase));
                out.push_str(chars.as_str());
            } else {
                out.push_str(synonym);
            }
            last = range.end;
            swapped += 1;
        }
        out.push_str(&text[last..]);
        Spun {
            text: out,
            swapped,
            content_words: content,
        }
    }
}

/// Byte ranges of the runs of ASCII letters or digits in `text`.
fn word_runs(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_ascii_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        runs.push(s..text.len());
    }
    runs
}
