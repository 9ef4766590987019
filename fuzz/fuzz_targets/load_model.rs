//! Loading a model file: a file that is not a usable model is an error, never a panic, and a
//! model that loads gives probabilities for any document.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

/// Feature values of a few documents, measured once (a model is checked on each).
fn documents() -> &'static [Vec<f64>] {
    static VALUES: OnceLock<Vec<Vec<f64>>> = OnceLock::new();
    VALUES.get_or_init(|| {
        let pipeline = chaff_fuzz::scorer().pipeline();
        [
            "Order now! Our miracle cure heals bosom malignancy, only $49. Call 555-0100.",
            "The trial of 412 adults found a 12% lower risk, said Dr. Lee of the university [1].",
            "",
        ]
        .iter()
        .map(|text| pipeline.features(text, chaff::Format::Text))
        .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let json = String::from_utf8_lossy(data);
    let specs = chaff_fuzz::scorer().specs();
    if let Ok(model) = chaff::model::Model::from_json(&json, "fuzz", &specs) {
        for values in documents() {
            for p in [model.reliability(values), model.spam(values)] {
                assert!((0.0..=1.0).contains(&p), "a loaded model gave {p}");
            }
        }
    }
});
