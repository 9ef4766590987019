//! Reading WARC and WET records: any bytes (plain or gzip) give documents and error records,
//! never a panic, and every document scored keeps the report's promises.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let bytes = chaff_fuzz::grow(data);
    let mut outcomes = Vec::new();
    let result = chaff::run::score_warc(
        chaff_fuzz::scorer(),
        &bytes[..],
        "fuzz.warc",
        &|outcome| outcome,
        &mut |outcome| {
            outcomes.push(outcome);
            Ok::<(), ()>(())
        },
        &|_| {},
        &|_| {},
        chaff::run::MaxBytes::new(std::num::NonZeroUsize::new(chaff_fuzz::limit()).unwrap()),
    );
    assert!(result.is_ok(), "reading from memory cannot fail");
    for outcome in &outcomes {
        if let chaff::batch::Outcome::Scored { report, extra, .. } = outcome {
            assert!(extra.contains_key("warc_record_id"));
            assert!((0.0..=1.0).contains(&report.reliability));
        }
    }
});
