//! The spinning measurement: recall of the spun-text signals at 1% false-positive rate.
//!
//! ```sh
//! apt-get install mythes-en-us
//! cargo run --release --example spin_eval
//! ```
//!
//! Takes the reliable documents of the held-out fifth of `../shared/corpus` (at least 100
//! words), spins each with the MyThes thesaurus at 10%, 20% and 30% of content words, and
//! reports, per detector, the share of spun documents scoring above the score that only 1% of
//! the unspun originals exceed.
//!
//! With `--disjoint` (needs Debian's wordnet-base too), the spinner never uses a WordNet
//! synonym of the word it replaces, only MyThes' other terms (generic, similar and related
//! terms): the case of a spinner whose thesaurus shares nothing with the detector's.

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;

fn main() {
    let mut thesaurus = support::spinner::Thesaurus::load(Path::new(support::spinner::MYTHES))
        .unwrap_or_else(|e| {
            eprintln!("spin_eval: {e}");
            std::process::exit(2);
        });
    if std::env::args().any(|a| a == "--disjoint") {
        let synonyms = wordnet_synonyms().unwrap_or_else(|e| {
            eprintln!("spin_eval: {e}");
            std::process::exit(2);
        });
        thesaurus = thesaurus
            .without(|word, synonym| synonyms.contains(&(word.to_owned(), synonym.to_owned())));
        println!("spinner: MyThes minus WordNet synset synonyms\n");
    }
    let docs = support::held_out_reliable(Path::new("../shared/corpus"));
    let detectors = support::measure(&docs, &thesaurus);
    println!(
        "{} held-out reliable documents; recall at 1% false-positive rate on the originals\n",
        docs.len()
    );
    println!(
        "| detector | threshold | fires on originals | recall 10% | recall 20% | recall 30% |"
    );
    println!("|---|---|---|---|---|---|");
    for d in &detectors {
        let recall = d.recall_at_1pct_fpr();
        println!(
            "| {} | {:.2} | {:.1}% | {:.3} | {:.3} | {:.3} |",
            d.name,
            d.threshold(),
            100.0 * d.fires_on_originals(),
            recall[0],
            recall[1],
            recall[2]
        );
    }
}

/// Every (word, synonym) pair of WordNet synsets, lowercased.
fn wordnet_synonyms() -> Result<std::collections::HashSet<(String, String)>, String> {
    let mut pairs = std::collections::HashSet::new();
    for synset in support::wordnet::synsets(Path::new(support::wordnet::WORDNET))? {
        for a in &synset {
            for b in &synset {
                pairs.insert((a.clone(), b.clone()));
            }
        }
    }
    Ok(pairs)
}
