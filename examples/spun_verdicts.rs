//! How the shipped model judges pages spun with thesauri chaff never saw (issue 22: a page spun
//! with an unknown thesaurus should be judged spam of kind "spun").
//!
//! ```sh
//! apt-get install mythes-en-us wordnet-base libaiksaurus-1.2-data
//! cargo run --release --example spun_verdicts
//! ```
//!
//! Takes the reliable documents of the held-out fifth (as `spin_eval`), spins each with every
//! held-out synonym source at 10%, 20% and 30% (seeded by its id), scores it with the built-in
//! model and prints, per source and corpus, the share judged spam and the share judged
//! "spam: spun"; and the share of the unspun originals judged spam.
#[path = "../tests/support/mod.rs"]
mod support;

use chaff::model::SpamKind;

fn main() {
    let docs = support::held_out_reliable(std::path::Path::new("../shared/corpus"));
    let scorer = chaff::Scorer::default();
    // Judged spam at all, and judged spun.
    let judged = |text: &str| {
        let kind = scorer.score(text).spam_kind;
        (kind.is_some(), kind == Some(SpamKind::Spun))
    };
    for (corpus, prefix) in support::CORPORA {
        let part = support::of_corpus(&docs, prefix);
        let spam = part.iter().filter(|(_, text)| judged(text).0).count();
        println!(
            "{corpus} ({}): originals judged spam {:.3}",
            part.len(),
            spam as f64 / part.len() as f64
        );
    }
    for (name, thesaurus) in support::held_out_thesauri().unwrap_or_else(|e| panic!("{e}")) {
        for (corpus, prefix) in support::CORPORA {
            let part = support::of_corpus(&docs, prefix);
            let mut line = format!("{name} / {corpus}:");
            for rate in support::RATES {
                let (mut spam, mut spun) = (0, 0);
                for (id, text) in &part {
                    let (s, k) =
                        judged(&thesaurus.spin(text, rate, &mut support::spin_rng(id, rate)));
                    spam += usize::from(s);
                    spun += usize::from(k);
                }
                let n = part.len() as f64;
                line += &format!(
                    " {:.0}%: spam {:.3} (spun {:.3})",
                    rate * 100.0,
                    spam as f64 / n,
                    spun as f64 / n
                );
            }
            println!("{line}");
        }
    }
}
