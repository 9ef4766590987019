//! The spinning measurement: recall of the spun-text signals at 1% false-positive rate.
//!
//! ```sh
//! apt-get install mythes-en-us
//! cargo run --release --example spin_eval
//! apt-get install wordnet-base libaiksaurus-1.2-data
//! cargo run --release --example spin_eval -- --held-out
//! ```
//!
//! Takes the reliable documents of the held-out fifth of `../shared/corpus` (at least 100
//! words), spins each with the MyThes thesaurus at 10%, 20% and 30% of content words, and
//! reports, per detector, the share of spun documents scoring above the score that only 1% of
//! the unspun originals exceed.
//!
//! With `--held-out`, the spinner uses synonym sources a detector never saw
//! (`support::held_out_thesauri`: MyThes' terms that are not WordNet synonyms, WordNet's
//! synonyms that MyThes does not list, and the Moby thesaurus), and the figures are given per
//! corpus of originals (FakeHealth, MedQuAD), with the share of content words each source
//! actually swapped. SPUN008 is built from the corpus alone, so every one of these sources is
//! held out of it; SPUN005's synonym table is WordNet's, so the second is not held out of it.

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;

use support::Detector;

fn main() {
    let docs = support::held_out_reliable(Path::new("../shared/corpus"));
    let fail = |e: String| -> ! {
        eprintln!("spin_eval: {e}");
        std::process::exit(2);
    };
    if std::env::args().any(|a| a == "--held-out") {
        let sources = support::held_out_thesauri().unwrap_or_else(|e| fail(e));
        for (name, thesaurus) in &sources {
            let share = support::swapped_share(&docs, thesaurus);
            println!(
                "\nspinner: {name} (content words swapped at 10/20/30%: {:.1}%, {:.1}%, {:.1}%)\n",
                100.0 * share[0],
                100.0 * share[1],
                100.0 * share[2]
            );
            header();
            for (corpus, prefix) in support::CORPORA {
                let part: Vec<(String, String)> = support::of_corpus(&docs, prefix)
                    .into_iter()
                    .cloned()
                    .collect();
                for d in support::measure(&part, thesaurus) {
                    row(&format!("{corpus} ({}): {}", part.len(), d.name), &d);
                }
            }
        }
        return;
    }
    let thesaurus = support::spinner::Thesaurus::load(Path::new(support::spinner::MYTHES))
        .unwrap_or_else(|e| fail(e));
    let detectors = support::measure(&docs, &thesaurus);
    println!(
        "{} held-out reliable documents; recall at 1% false-positive rate on the originals\n",
        docs.len()
    );
    header();
    for d in &detectors {
        row(d.name, d);
    }
}

fn header() {
    println!(
        "| detector | threshold | fires on originals | recall 10% | recall 20% | recall 30% |"
    );
    println!("|---|---|---|---|---|---|");
}

fn row(name: &str, d: &Detector) {
    let recall = d.recall_at_1pct_fpr();
    println!(
        "| {name} | {:.2} | {:.1}% | {:.3} | {:.3} | {:.3} |",
        d.threshold(),
        100.0 * d.fires_on_originals(),
        recall[0],
        recall[1],
        recall[2]
    );
}
