//! Builds the frequency tables of the synonym-swap signal (SPUN005) from reliable text.
//!
//! ```sh
//! apt-get install wordnet-base        # the synonyms; only this tool reads them
//! cargo run --release --example build_frequency_tables
//! ```
//!
//! Reads the documents of `../shared/corpus/*.jsonl` except the held-out fifth
//! (`chaff::frequency::held_out`), whatever their label: FakeHealth's "unreliable" stories are
//! professionally written news judged poor journalism, not spun text, and learning from one label
//! only would make the feature tell the labels apart by construction (a leak into any model
//! trained on FakeHealth). It counts bigrams of words and punctuation marks (`chaff::frequency::units`)
//! there and in WordNet's glosses (definitions and examples of use: ordinary English of every
//! register, so that a word used as any prose uses it is not taken for a swap), and joins
//! WordNet synsets: for each word, the synonyms at least `MIN_RATIO` times as frequent in that
//! text. Writes `data/frequency/bigrams.bin` and `data/frequency/synonyms.bin`, and for the
//! collocation-break signal (SPUN008) `data/frequency/collocations.bin`: the word pairs of the
//! same documents alone, with how freely each word takes new neighbours, and
//! `data/frequency/frames.bin`: the word that usually stands between two units.

use std::collections::{HashMap, HashSet};
use std::error::Error;
use std::io::BufRead;
use std::path::Path;

use chaff::fingerprint;
use chaff::frequency::{
    held_out, same_word_respelled, BigramTable, CollocationTable, FrameTable, SynonymTable,
};

#[path = "../tests/support/wordnet.rs"]
#[allow(dead_code)]
mod wordnet;

/// A likely original must be this many times as frequent as the suspect word.
const MIN_RATIO: u64 = 10;
/// A likely original must occur at least this often.
const MIN_COUNT: u64 = 5;
/// Keep bigrams seen at least this often.
const MIN_BIGRAM: u32 = 1;
/// A frame (two units with a word between) names its usual word when filled this often.
const MIN_FRAME: u32 = 3;
/// Synonyms kept per word.
const MAX_SYNONYMS: usize = 16;

/// The corpus files read, and whether the synonym-swap tables learn from them too (SPUN005's
/// firing rate was set on tables of the first two). The collocation tables learn from every
/// register of fluent, human-edited health text there is: NIH and CDC pages, news, systematic
/// reviews, and answers to patients' questions (doctors' and ChatGPT's alike, so that the
/// feature cannot tell that source's labels apart by construction).
const SOURCES: [(&str, bool); 4] = [
    ("medquad.jsonl", true),
    ("fakehealth-healthstory.jsonl", true),
    ("cochrane-pls.jsonl", false),
    ("hc3-medicine.jsonl", false),
];

fn main() -> Result<(), Box<dyn Error>> {
    let corpus = Path::new("../shared/corpus");
    let wordnet = Path::new(wordnet::WORDNET);
    let stopwords: HashSet<&str> = chaff::tokens::stopwords().collect();

    let mut unigrams: HashMap<String, u64> = HashMap::new();
    let mut bigrams: HashMap<u64, u32> = HashMap::new();
    // The collocation table's pairs: of the corpus only, never of WordNet, so that spinning with
    // WordNet's synonyms is held out of that signal in every form.
    let mut collocations: HashMap<(u32, u32), u32> = HashMap::new();
    // The words standing between two units, for naming what a break replaced.
    let mut frames: HashMap<(u32, u32), HashMap<String, u32>> = HashMap::new();
    // The synonym-swap bigrams' pairs, of the first two sources only.
    let mut swap_pairs: HashMap<(u32, u32), u32> = HashMap::new();
    let mut documents = 0;
    for (name, for_swaps) in SOURCES {
        let file = std::fs::File::open(corpus.join(name))
            .map_err(|e| format!("{}: {e}", corpus.join(name).display()))?;
        for line in std::io::BufReader::new(file).lines() {
            let record: serde_json::Value = serde_json::from_str(&line?)?;
            let (Some(id), Some(text)) = (record["id"].as_str(), record["text"].as_str()) else {
                continue;
            };
            // Cochrane's abstract and plain-language summary of one review share its DOI: a
            // pair is held out together, so that no held-out summary has its abstract learned.
            if held_out(record["doi"].as_str().unwrap_or(id)) {
                continue;
            }
            documents += 1;
            if for_swaps {
                for word in chaff::tokens::words(text) {
                    *unigrams.entry(word.to_lowercase()).or_default() += 1;
                }
            }
            let units = chaff::frequency::units(text);
            for pair in units.windows(2) {
                let key = (fingerprint::of_word(pair[0]), fingerprint::of_word(pair[1]));
                *collocations.entry(key).or_default() += 1;
                if for_swaps {
                    *swap_pairs.entry(key).or_default() += 1;
                }
            }
            for triple in units.windows(3) {
                let middle = triple[1];
                if middle.len() >= 3 && middle.bytes().all(|b| b.is_ascii_lowercase()) {
                    let key = (
                        fingerprint::of_word(triple[0]),
                        fingerprint::of_word(triple[2]),
                    );
                    *frames
                        .entry(key)
                        .or_default()
                        .entry(middle.to_owned())
                        .or_default() += 1;
                }
            }
        }
    }

    // The synonym-swap bigrams: the corpus's pairs (each counted once, above), then WordNet's.
    for (&(a, b), &count) in &swap_pairs {
        *bigrams.entry(fingerprint::pair(a, b)).or_default() += count;
    }
    // WordNet's definitions and examples of use: plain English of every register, so that a
    // word that fits its neighbours in ordinary prose is not taken for a swap because health
    // text never used it so (bigrams only: which synonym is the likely original stays decided
    // by health text).
    for piece in wordnet::glosses(wordnet)? {
        count_bigrams(&mut bigrams, &piece);
    }

    // Single words only: a spinner's swap that this table can name is one word for another.
    let synsets: Vec<Vec<String>> = wordnet::synsets(wordnet)?
        .into_iter()
        .map(|s| {
            s.into_iter()
                .filter(|w| !w.contains(' '))
                .collect::<Vec<_>>()
        })
        .filter(|s| s.len() > 1)
        .collect();
    let mut synonyms_of: HashMap<&str, HashSet<&str>> = HashMap::new();
    for synset in &synsets {
        for word in synset {
            for other in synset {
                if other != word {
                    synonyms_of.entry(word).or_default().insert(other);
                }
            }
        }
    }
    let is_plain_word = |w: &str| {
        w.len() >= 3 && w.chars().all(|c| c.is_ascii_lowercase()) && !stopwords.contains(w)
    };
    let mut entries: Vec<(String, Vec<String>)> = Vec::new();
    for (&word, synonyms) in &synonyms_of {
        // A regional spelling ("manoeuvre", "utilisation", "randomised") is rare in text that
        // is mostly American for its spelling, not because a spinner chose it: no synonyms for
        // a word WordNet lists with its own respelling, however rare that respelling is here.
        if !is_plain_word(word) || synonyms.iter().any(|s| same_word_respelled(word, s)) {
            continue;
        }
        let frequency = unigrams.get(word).copied().unwrap_or(0).max(1);
        let mut likely: Vec<(u64, &str)> = synonyms
            .iter()
            .filter(|s| is_plain_word(s))
            .filter_map(|&s| {
                let count = unigrams.get(s).copied().unwrap_or(0);
                (count >= MIN_COUNT && count >= MIN_RATIO * frequency).then_some((count, s))
            })
            .collect();
        if likely.is_empty() {
            continue;
        }
        likely.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        likely.truncate(MAX_SYNONYMS);
        entries.push((
            word.to_owned(),
            likely.into_iter().map(|(_, s)| s.to_owned()).collect(),
        ));
    }
    entries.sort();

    let kept: Vec<(u64, u32)> = bigrams
        .into_iter()
        .filter(|&(_, c)| c >= MIN_BIGRAM)
        .collect();
    let out = Path::new("data/frequency");
    std::fs::create_dir_all(out)?;
    let bigram_bytes = BigramTable::write(kept);
    let synonym_bytes = SynonymTable::write(&entries);
    std::fs::write(out.join("bigrams.bin"), &bigram_bytes)?;
    std::fs::write(out.join("synonyms.bin"), &synonym_bytes)?;
    let collocation_bytes = CollocationTable::write(&collocations);
    std::fs::write(out.join("collocations.bin"), &collocation_bytes)?;
    let usual: Vec<(u64, String)> = frames
        .into_iter()
        .filter_map(|((a, b), words)| {
            let total: u32 = words.values().sum();
            let (word, count) = words
                .into_iter()
                .max_by(|x, y| x.1.cmp(&y.1).then(y.0.cmp(&x.0)))?;
            (total >= MIN_FRAME && 2 * count >= total).then(|| (fingerprint::pair(a, b), word))
        })
        .collect();
    let frame_bytes = FrameTable::write(usual);
    std::fs::write(out.join("frames.bin"), &frame_bytes)?;
    eprintln!(
        "frames: {} with a usual word ({} KB)",
        FrameTable::new(&frame_bytes).map_or(0, |t| t.len()),
        frame_bytes.len() / 1024
    );
    eprintln!(
        "collocations: {} pairs and units ({} KB)",
        CollocationTable::new(&collocation_bytes).map_or(0, |t| t.len()),
        collocation_bytes.len() / 1024
    );
    eprintln!(
        "{documents} documents, {} distinct words; wrote {} bigrams ({} KB) and synonyms for {} words ({} KB)",
        unigrams.len(),
        BigramTable::new(&bigram_bytes).map_or(0, |t| t.len()),
        bigram_bytes.len() / 1024,
        entries.len(),
        synonym_bytes.len() / 1024,
    );
    Ok(())
}

/// Adds the bigrams of `text`'s context units (words and punctuation marks) to `bigrams`.
fn count_bigrams(bigrams: &mut HashMap<u64, u32>, text: &str) {
    let units = chaff::frequency::units(text);
    for pair in units.windows(2) {
        *bigrams
            .entry(fingerprint::pair(
                fingerprint::of_word(pair[0]),
                fingerprint::of_word(pair[1]),
            ))
            .or_default() += 1;
    }
}
