//! Reading a file's bytes: byte-order marks, `<meta charset>` declarations in any encoding,
//! invalid bytes. Never a panic; evidence mapped back lies inside the bytes as given.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let bytes = chaff_fuzz::grow(data);
    if let Ok(loaded) = chaff::batch::load_bytes(bytes.clone(), None) {
        let outcome =
            chaff::batch::Outcome::from_loaded(chaff_fuzz::scorer(), "fuzz".into(), &loaded, false);
        if let chaff::batch::Outcome::Scored { report, .. } = outcome {
            for e in &report.evidence {
                assert!(
                    e.start <= e.end && e.end <= bytes.len(),
                    "{e:?} outside {} bytes",
                    bytes.len()
                );
            }
        }
    }
});
