//! The shipped model against its model card: it reproduces bit for bit from the documented
//! recipe, and the grouped evaluation on FakeHealth holds the figure the card states. Needs
//! ../shared/corpus beside the repository.

use std::path::{Path, PathBuf};

use chaff::metrics::{expected_calibration_error, roc_auc};
use chaff::training::{self, TrainConfig};
use chaff::{batch, Pipeline};

const FAKEHEALTH: &str = "../shared/corpus/fakehealth-healthstory.jsonl";

fn examples(pipeline: &Pipeline) -> Vec<training::Example> {
    assert!(
        Path::new(FAKEHEALTH).exists(),
        "{FAKEHEALTH} is missing: ../shared must sit beside the repository"
    );
    batch::read_examples(pipeline, &[PathBuf::from(FAKEHEALTH)], "outlet").expect("corpus")
}

/// The figure after "Grouped ROC-AUC:" in models/README.md.
fn stated_auc() -> f64 {
    let card = include_str!("../models/README.md");
    card.lines()
        .find_map(|l| l.strip_prefix("Grouped ROC-AUC: "))
        .and_then(|v| v.trim().parse().ok())
        .expect("models/README.md states `Grouped ROC-AUC: <figure>`")
}

#[test]
fn the_shipped_model_reproduces_bit_for_bit() {
    let pipeline = Pipeline::default();
    let model = training::train(
        &pipeline.specs(),
        &examples(&pipeline),
        &TrainConfig::default(),
        vec![FAKEHEALTH.to_owned()],
    )
    .expect("training");
    assert!(
        model.to_json() == chaff::BUILTIN_MODEL,
        "retraining with the model card's recipe gives another model: run \
         `cargo run --release -- train --data {FAKEHEALTH}` and commit models/default.json"
    );
}

#[test]
fn grouped_evaluation_holds_the_stated_figure() {
    let pipeline = Pipeline::default();
    let examples = examples(&pipeline);
    let predictions =
        training::cross_validate(&pipeline.specs(), &examples, &TrainConfig::default())
            .expect("cross-validation");
    let scored: Vec<(f64, bool)> = predictions
        .iter()
        .zip(&examples)
        .map(|(p, e)| (p.reliability, e.reliable))
        .collect();
    let auc = roc_auc(&scored).expect("both labels");
    let ece = expected_calibration_error(&scored, 10);
    let stated = stated_auc();
    eprintln!("grouped ROC-AUC {auc:.3} (card: {stated}), ECE {ece:.4}");
    assert!(
        auc >= stated - 0.02,
        "grouped ROC-AUC {auc:.3} fell below the card's {stated} minus 0.02"
    );
    assert!(ece < 0.05, "calibration error {ece:.4} is not below 0.05");
}
