//! Scoring plain text: never a panic, and every report keeps its promises (`Report::verify`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| chaff_fuzz::score_and_verify(data, chaff::Format::Text));
