//! Reading JSON Lines: every line yields exactly one record, in order, whatever the bytes (bad
//! JSON, lines over the size limit, invalid UTF-8), and every scored record keeps its promises.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let bytes = chaff_fuzz::grow(data);
    // A small limit on some inputs, so that over-long lines are met too.
    let limit = if data.first().is_some_and(|b| b % 3 == 0) {
        512
    } else {
        1 << 20
    };
    let max_bytes = chaff::run::MaxBytes::new(std::num::NonZeroUsize::new(limit).unwrap());
    let mut records = Vec::new();
    let result = chaff::run::score_jsonl(
        chaff_fuzz::scorer(),
        std::io::Cursor::new(&bytes),
        Some("fuzz.jsonl"),
        &mut |outcome| {
            records.push(outcome);
            Ok::<(), ()>(())
        },
        &|_| {},
        &|_| {},
        max_bytes,
    );
    assert!(result.is_ok(), "reading from memory cannot fail");
    let lines = bytes.split(|&b| b == b'\n').count()
        - usize::from(bytes.ends_with(b"\n") || bytes.is_empty());
    assert_eq!(records.len(), lines, "one record per line");
    for (i, outcome) in records.iter().enumerate() {
        match outcome {
            chaff::batch::Outcome::Failed { line, .. } => assert_eq!(*line, Some(i + 1)),
            chaff::batch::Outcome::Scored { report, .. } => {
                assert!((0.0..=1.0).contains(&report.reliability));
            }
        }
    }
});
