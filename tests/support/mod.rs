//! Evaluation tooling shared by the tests and the `spin_eval` example.
#![allow(dead_code)]

pub use chaff::spin as spinner;
pub mod wordnet;

use std::io::BufRead;
use std::path::Path;

use chaff::frequency::{hash_words, held_out};
use chaff::signals::{CollocationBreak, Family, SynonymSwap};
use chaff::{Format, Pipeline};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Spinning rates measured, as shares of content words.
pub const RATES: [f64; 3] = [0.10, 0.20, 0.30];

/// The corpora of the held-out documents, by the prefix of their ids.
pub const CORPORA: [(&str, &str); 2] = [("FakeHealth", "story_"), ("MedQuAD", "medquad-")];

/// The documents of one corpus of [`CORPORA`], by its id prefix.
pub fn of_corpus<'d>(docs: &'d [(String, String)], prefix: &str) -> Vec<&'d (String, String)> {
    docs.iter()
        .filter(|(id, _)| id.starts_with(prefix))
        .collect()
}

/// The random source a document is spun with at `rate`, seeded by its id, so runs repeat exactly.
pub fn spin_rng(id: &str, rate: f64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(hash_words([id]) ^ rate.to_bits())
}

/// Documents shorter than this are too short to call spun or not.
pub const MIN_WORDS: usize = 100;

/// The reliable documents of the held-out fifth of `../shared/corpus` (never used to build the
/// frequency tables), as (id, text), in corpus order.
pub fn held_out_reliable(corpus: &Path) -> Vec<(String, String)> {
    let mut docs = Vec::new();
    for name in ["medquad.jsonl", "fakehealth-healthstory.jsonl"] {
        let path = corpus.join(name);
        let file = std::fs::File::open(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (../shared must sit beside the repo)",
                path.display()
            )
        });
        for line in std::io::BufReader::new(file).lines() {
            let record: serde_json::Value =
                serde_json::from_str(&line.expect("corpus line")).expect("corpus JSON");
            let (Some(id), Some(text)) = (record["id"].as_str(), record["text"].as_str()) else {
                continue;
            };
            if record["label"] == "reliable"
                && held_out(id)
                && chaff::tokens::words(text).count() >= MIN_WORDS
            {
                docs.push((id.to_owned(), text.to_owned()));
            }
        }
    }
    docs
}

/// What one detector scored on the originals and on their spun versions.
pub struct Detector {
    /// Its name in the report.
    pub name: &'static str,
    /// Scores of the unspun originals.
    pub originals: Vec<f64>,
    /// Scores of the spun documents, one list per rate in `RATES`.
    pub spun: Vec<Vec<f64>>,
}

impl Detector {
    /// The score that at most 1% of originals exceed.
    pub fn threshold(&self) -> f64 {
        let mut sorted = self.originals.clone();
        sorted.sort_by(f64::total_cmp);
        let index = ((sorted.len() as f64) * 0.99).ceil() as usize;
        sorted[index.saturating_sub(1).min(sorted.len() - 1)]
    }

    /// Share of spun documents scoring above the 1%-FPR threshold, per rate.
    pub fn recall_at_1pct_fpr(&self) -> Vec<f64> {
        let threshold = self.threshold();
        self.spun
            .iter()
            .map(|scores| {
                scores.iter().filter(|&&s| s > threshold).count() as f64 / scores.len() as f64
            })
            .collect()
    }

    /// Share of originals with a score above zero (the signal fires).
    pub fn fires_on_originals(&self) -> f64 {
        self.originals.iter().filter(|&&s| s > 0.0).count() as f64 / self.originals.len() as f64
    }
}

/// Spins every document at every rate (seeded by its id, so runs repeat exactly) and scores
/// originals and spun versions with: the raw rate of SPUN005 flags, the SPUN005 feature as
/// shipped, the raw value of SPUN008 (collocation breaks), the SPUN008 feature as shipped, and
/// the whole spun family (the sum of its feature values).
pub fn measure(docs: &[(String, String)], thesaurus: &spinner::Thesaurus) -> Vec<Detector> {
    let pipeline = Pipeline::default();
    let swaps = SynonymSwap::new();
    let specs = pipeline.specs();
    let spun_family: Vec<usize> = specs
        .iter()
        .enumerate()
        .filter(|(_, s)| s.family == Family::Spun)
        .map(|(i, _)| i)
        .collect();
    let breaks = CollocationBreak::new();
    let index = |id: &str| specs.iter().position(|s| s.id == id).expect(id);
    let (swap_index, break_index) = (index("SPUN005"), index("SPUN008"));
    let score = |text: &str| -> [f64; 5] {
        let doc = pipeline.document(text, Format::Text);
        let raw = SynonymSwap::rate(swaps.flags(&doc).len(), &doc);
        let raw_breaks = CollocationBreak::value(&breaks.breaks(&doc), &doc);
        let values: Vec<f64> = pipeline.measure(&doc).iter().map(|m| m.value).collect();
        [
            raw,
            values[swap_index],
            raw_breaks,
            values[break_index],
            spun_family.iter().map(|&i| values[i]).sum(),
        ]
    };
    let names = [
        "SPUN005 raw flag rate",
        "SPUN005 as shipped",
        "SPUN008 raw value",
        "SPUN008 as shipped",
        "spun family (sum)",
    ];
    let mut detectors: Vec<Detector> = names
        .iter()
        .map(|&name| Detector {
            name,
            originals: Vec::new(),
            spun: vec![Vec::new(); RATES.len()],
        })
        .collect();
    for (id, text) in docs {
        for (d, s) in detectors.iter_mut().zip(score(text)) {
            d.originals.push(s);
        }
        for (r, &rate) in RATES.iter().enumerate() {
            let spun = thesaurus.spin(text, rate, &mut spin_rng(id, rate));
            for (d, s) in detectors.iter_mut().zip(score(&spun)) {
                d.spun[r].push(s);
            }
        }
    }
    detectors
}

/// The share of content words the thesaurus actually swapped, per rate in `RATES` (over all
/// documents, seeded as in [`measure`]): a thesaurus that knows few of a text's words swaps
/// fewer than asked.
pub fn swapped_share(docs: &[(String, String)], thesaurus: &spinner::Thesaurus) -> Vec<f64> {
    RATES
        .iter()
        .map(|&rate| {
            let (mut swapped, mut content) = (0, 0);
            for (id, text) in docs {
                let spun = thesaurus.spin_counting(text, rate, &mut spin_rng(id, rate));
                swapped += spun.swapped;
                content += spun.content_words;
            }
            swapped as f64 / content.max(1) as f64
        })
        .collect()
}

/// The held-out synonym sources: thesauri that share nothing with what a detector was built
/// from. MyThes' terms that are not WordNet synonyms of the word, WordNet's synonyms that MyThes
/// does not list, and Aiksaurus (the public-domain Moby thesaurus, Debian's
/// `libaiksaurus-1.2-data`), which owes nothing to WordNet.
pub fn held_out_thesauri() -> Result<Vec<(&'static str, spinner::Thesaurus)>, String> {
    let mythes = spinner::Thesaurus::load(Path::new(spinner::MYTHES))?;
    let mythes_pairs = mythes.pairs();
    let wordnet = wordnet::synonym_pairs(Path::new(wordnet::WORDNET))?;
    let wordnet_only = spinner::Thesaurus::from_pairs(
        wordnet
            .iter()
            .filter(|p| !mythes_pairs.contains(*p))
            .cloned()
            .collect::<Vec<_>>(),
    );
    let mythes_only =
        mythes.without(|word, synonym| wordnet.contains(&(word.to_owned(), synonym.to_owned())));
    let moby = spinner::Thesaurus::load_aiksaurus(Path::new(spinner::AIKSAURUS))?;
    Ok(vec![
        ("MyThes terms that are not WordNet synonyms", mythes_only),
        ("WordNet synonyms that MyThes does not list", wordnet_only),
        ("Moby (Aiksaurus)", moby),
    ])
}
