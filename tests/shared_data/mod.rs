//! Whether the data a test reads from outside the repository is here. A fresh clone has no
//! `../shared` beside it and perhaps no thesaurus or browser: a test that needs them says it is skipped,
//! by name, and passes. `.ci/run` sets `CHAFF_REQUIRE_DATA=1`, which makes a missing file fail
//! the test instead, so CI cannot pass by skipping.

use std::io::Write;
use std::path::Path;

/// The variable that makes the shared data mandatory.
pub const REQUIRE: &str = "CHAFF_REQUIRE_DATA";

/// True when every path exists. Otherwise the test `test` is reported skipped on standard error
/// (written past the test harness's capture, so a plain `cargo test` shows it) and false is
/// returned, or, with `CHAFF_REQUIRE_DATA` set, the test fails naming the missing file.
pub fn present(test: &str, paths: &[&str]) -> bool {
    present_for(
        test,
        paths,
        "../shared must sit beside the repository; the thesaurus is Debian's mythes-en-us",
    )
}

/// [`present`], saying `hint` (how to get what is missing) when something is.
pub fn present_for(test: &str, paths: &[&str], hint: &str) -> bool {
    let missing = paths.iter().find(|p| !Path::new(p).exists());
    available(test, missing.map(|m| format!("{m} is missing ({hint})")))
}

/// True when nothing is missing (`missing` is `None`); otherwise the test is skipped or, with
/// `CHAFF_REQUIRE_DATA` set, fails, saying `missing` (what is missing and how to get it).
pub fn available(test: &str, missing: Option<String>) -> bool {
    let Some(why) = missing else {
        return true;
    };
    if std::env::var_os(REQUIRE).is_some_and(|v| !v.is_empty() && v != "0") {
        panic!("{test}: {why}, and {REQUIRE} is set");
    }
    // Straight to the stream: eprintln! would be captured and shown only on failure.
    let _ = writeln!(std::io::stderr(), "skipped {test}: {why}");
    false
}
