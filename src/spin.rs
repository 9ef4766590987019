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
        let stopwords = include_str!("../data/lexicons/stopwords.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .collect();
        Ok(Self {
            synonyms,
            stopwords,
        })
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
        }
        out.push_str(&text[last..]);
        out
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
