//! The spinning measurement of issue 2/4, as a test: reliable held-out documents spun with the
//! MyThes thesaurus must be caught by SPUN005 at the recall the README states, at 1% false
//! positives. Needs Debian's mythes-en-us (`.ci/run` installs it) and ../shared/corpus.

mod shared_data;
mod support;

use std::path::Path;

use support::spinner::{Thesaurus, MYTHES};

#[test]
fn spun_documents_are_caught_at_one_percent_false_positives() {
    if !shared_data::present(
        "spun_documents_are_caught_at_one_percent_false_positives",
        &[
            MYTHES,
            "../shared/corpus/medquad.jsonl",
            "../shared/corpus/fakehealth-healthstory.jsonl",
        ],
    ) {
        return;
    }
    let thesaurus = Thesaurus::load(Path::new(MYTHES)).unwrap_or_else(|e| panic!("{e}"));
    let docs = support::held_out_reliable(Path::new("../shared/corpus"));
    assert!(docs.len() > 1000, "only {} held-out documents", docs.len());
    let detectors = support::measure(&docs, &thesaurus);
    let shipped = detectors
        .iter()
        .find(|d| d.name == "SPUN005 as shipped")
        .expect("the shipped detector");
    let fires = shipped.fires_on_originals();
    let recall = shipped.recall_at_1pct_fpr();
    eprintln!("SPUN005 fires on {fires:.3} of originals; recall at 10/20/30%: {recall:?}");
    assert!(fires <= 0.01, "fires on {fires} of unspun documents");
    // The goal of issue 2/4 is 0.95 at 20%; the README states 0.721, 0.954 and 0.989 (0.752,
    // 0.961 and 0.991 before the spinner took numerals for words too: the swaps of numerals,
    // which SPUN003 sees and SPUN005 does not, share the spinning budget).
    assert!(recall[1] >= 0.95, "recall at 20% spinning is {}", recall[1]);
    assert!(recall[0] >= 0.70, "recall at 10% spinning is {}", recall[0]);
    assert!(recall[2] >= 0.98, "recall at 30% spinning is {}", recall[2]);
}

#[test]
fn the_spinner_swaps_the_share_of_words_it_is_asked_to() {
    use rand::SeedableRng;
    let thesaurus = Thesaurus::load(Path::new(MYTHES)).unwrap_or_else(|e| panic!("{e}"));
    let text = "Doctors measure blood pressure to check the health of the heart and arteries.";
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let spun = thesaurus.spin(text, 0.3, &mut rng);
    assert_ne!(spun, text);
    let changed = text
        .split_whitespace()
        .zip(spun.split_whitespace())
        .filter(|(a, b)| a != b)
        .count();
    assert!(changed >= 2, "{spun}");
    assert_eq!(thesaurus.spin(text, 0.0, &mut rng), text);
}

/// Issue 22: spinning with synonym sources that SPUN008 never saw in any form (it is built from
/// the corpus alone), measured as above on the held-out originals. The goal is recall 0.90 at
/// 20% and 0.70 at 10% for every source; what is reached is below it (README, "Spinning with a
/// thesaurus chaff has never seen"), and this test holds it there. WordNet's synonyms that
/// MyThes does not list are reported in the README, not here: they are too few to swap more
/// than about 5% of a text's words at any rate asked.
#[test]
fn spinning_with_an_unseen_thesaurus_is_caught() {
    if !shared_data::present(
        "spinning_with_an_unseen_thesaurus_is_caught",
        &[
            MYTHES,
            support::wordnet::WORDNET,
            support::spinner::AIKSAURUS,
            "../shared/corpus/medquad.jsonl",
            "../shared/corpus/fakehealth-healthstory.jsonl",
        ],
    ) {
        return;
    }
    let docs = support::held_out_reliable(Path::new("../shared/corpus"));
    let sources = support::held_out_thesauri().unwrap_or_else(|e| panic!("{e}"));
    // (source, recall at 10% and at 20% it must keep: the figures reached, less a margin for
    // a change of tables)
    let floors = [
        ("MyThes terms that are not WordNet synonyms", 0.53, 0.82),
        ("Moby (Aiksaurus)", 0.73, 0.89),
    ];
    for (name, low, mid) in floors {
        let (_, thesaurus) = sources.iter().find(|(n, _)| *n == name).expect(name);
        let detectors = support::measure(&docs, thesaurus);
        let breaks = detectors
            .iter()
            .find(|d| d.name == "SPUN008 as shipped")
            .expect("SPUN008");
        let fires = breaks.fires_on_originals();
        let recall = breaks.recall_at_1pct_fpr();
        eprintln!("{name}: SPUN008 fires on {fires:.3} of originals; recall {recall:?}");
        assert!(
            fires <= 0.01,
            "{name}: fires on {fires} of unspun documents"
        );
        assert!(recall[0] >= low, "{name}: recall at 10% is {}", recall[0]);
        assert!(recall[1] >= mid, "{name}: recall at 20% is {}", recall[1]);
    }
}
