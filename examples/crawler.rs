//! A crawler-style program: scores every HTML page under a directory in parallel, with one
//! shared `Scorer`, and writes one JSON line per page (id, reliability, verdict and the three
//! strongest reasons) in directory order.
//!
//! ```sh
//! cargo run --release --example crawler -- data/examples/pages
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

fn main() {
    let root = std::env::args().nth(1).unwrap_or_else(|| ".".to_owned());
    let pages = html_files(Path::new(&root));
    // One scorer for every thread: it is Send + Sync and scoring takes &self.
    let scorer = Arc::new(chaff::Scorer::default());
    let lines: Vec<String> = pages
        .par_iter()
        .map(|path| {
            let id = path.display().to_string();
            let record = match std::fs::read(path) {
                Ok(bytes) => {
                    let html = String::from_utf8_lossy(&bytes);
                    let report = scorer.score_html(&html);
                    let mut reasons = report.reasons();
                    reasons.retain(|c| c.effect_on_reliability() < 0.0);
                    serde_json::json!({
                        "id": id,
                        "reliability": report.reliability,
                        "verdict": report.verdict,
                        "reasons": reasons.iter().take(3).map(|c| c.feature).collect::<Vec<_>>(),
                    })
                }
                Err(e) => serde_json::json!({"id": id, "error": e.to_string()}),
            };
            record.to_string()
        })
        .collect();
    let mut out = std::io::stdout().lock();
    for line in lines {
        if writeln!(out, "{line}").is_err() {
            return; // the reader went away
        }
    }
}

/// The `.html` and `.htm` files under `root`, sorted.
fn html_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"))
        })
        .collect();
    files.sort();
    files
}
