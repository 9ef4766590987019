//! Reading a curator's configuration (`chaff.toml`): a file that cannot be used is an error that
//! names a place in it, never a panic; one that can be used builds a scorer that scores.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let specs = chaff_fuzz::scorer().specs();
    // Beside no folder: a lexicon it names cannot be read, which must be an error too.
    let path = Path::new("/nonexistent/chaff.toml");
    match chaff::config::Config::parse(&text, path, &specs) {
        Err(chaff::Error::Config { place, .. }) => {
            assert!(place.starts_with("/nonexistent/chaff.toml:"), "{place}");
        }
        Err(e) => panic!("not a configuration error: {e}"),
        Ok(config) => {
            let scorer = chaff::Scorer::with_model_and_rules(chaff::BUILTIN_MODEL, "built-in", &config.rules)
                .and_then(|s| s.with_suppressions(config.suppressions.clone()))
                .expect("a checked configuration builds a scorer");
            let report = scorer.score("Order AcmeSlim now! A miracle cure, only $49.");
            report.verify("Order AcmeSlim now! A miracle cure, only $49.").unwrap();
        }
    }
});
