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

use chaff::frequency::hash_words;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn main() {
    let docs = support::held_out_reliable(std::path::Path::new("../shared/corpus"));
    let scorer = chaff::Scorer::default();
    let judged = |t: &str| {
        let r = scorer.score(t);
        (
            r.verdict.starts_with("spam") || r.verdict.starts_with("sales"),
            r.verdict == "spam: spun",
        )
    };
    for (corp, prefix) in [("FakeHealth", "story_"), ("MedQuAD", "medquad-")] {
        let part: Vec<_> = docs
            .iter()
            .filter(|(id, _)| id.starts_with(prefix))
            .collect();
        let orig = part.iter().filter(|(_, t)| judged(t).0).count();
        println!(
            "{corp} ({}): originals judged spam {:.3}",
            part.len(),
            orig as f64 / part.len() as f64
        );
    }
    for (name, th) in support::held_out_thesauri().unwrap() {
        for (corp, prefix) in [("FakeHealth", "story_"), ("MedQuAD", "medquad-")] {
            let part: Vec<_> = docs
                .iter()
                .filter(|(id, _)| id.starts_with(prefix))
                .collect();
            let mut line = format!("{name} / {corp}:");
            for rate in [0.10, 0.20, 0.30] {
                let (mut spam, mut spun) = (0, 0);
                for (id, text) in &part {
                    let mut rng =
                        ChaCha8Rng::seed_from_u64(hash_words([id.as_str()]) ^ f64::to_bits(rate));
                    let (s, k) = judged(&th.spin(text, rate, &mut rng));
                    spam += s as usize;
                    spun += k as usize;
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
