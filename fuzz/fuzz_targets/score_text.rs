//! Scoring plain text: never a panic, and every report keeps its promises (`Report::verify`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let bytes = chaff_fuzz::grow(data);
    let text = String::from_utf8_lossy(&bytes);
    let scorer = chaff_fuzz::scorer();
    // Every other input through `explain`, which also finds each piece of evidence's sentence.
    let report = if data.len() % 2 == 0 {
        scorer.score_as(&text, chaff::Format::Text)
    } else {
        scorer.explain(&text, chaff::Format::Text)
    };
    if let Err(broken) = report.verify(&text) {
        panic!("{broken}");
    }
});
