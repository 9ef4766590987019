//! Where scoring time goes: the time each signal takes over the `text` of JSON Lines records,
//! and the time of making the documents (cleaning, words, stems, the screen).
//!
//! ```sh
//! cargo run --release --example signal_times -- /tmp/chaff-bench/docs.jsonl
//! ```
//!
//! One thread, each signal timed over every document in turn; the sum is close to what scoring
//! spends beside reading, parsing and writing records. The screen of the pattern signals (one
//! pass of a union automaton over the text) runs when the first screened signal asks for it, and
//! is charged to that signal: HYPE004, in registry order (measured in reverse order, the same
//! time moves to SELL004, the last screened signal).

use std::io::BufRead;
use std::time::{Duration, Instant};

use chaff::document::Format;
use chaff::signals::Reading;
use chaff::Pipeline;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: signal_times FILE.jsonl")?;
    let mut texts = Vec::new();
    for line in std::io::BufReader::new(std::fs::File::open(&path)?).lines() {
        let record: serde_json::Value = serde_json::from_str(&line?)?;
        if let Some(text) = record["text"].as_str() {
            texts.push(text.to_owned());
        }
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let pipeline = Pipeline::default();
    let mut times = vec![Duration::ZERO; pipeline.signals().len()];
    let mut making = Duration::ZERO;
    // One document first, untimed: patterns compile and caches fill on first use.
    if let Some(text) = texts.first() {
        let doc = pipeline.document(text, Format::Text);
        let doc = Reading::new(&doc);
        for signal in pipeline.signals() {
            std::hint::black_box(signal.measure(&doc));
        }
    }
    for text in &texts {
        let start = Instant::now();
        let doc = pipeline.document(text, Format::Text);
        making += start.elapsed();
        let doc = Reading::new(&doc);
        for (signal, time) in pipeline.signals().iter().zip(&mut times) {
            let start = Instant::now();
            std::hint::black_box(signal.measure(&doc));
            *time += start.elapsed();
        }
    }
    let total = making + times.iter().sum::<Duration>();
    println!(
        "{} documents, {:.1} MB: {:.3} s, {:.1} MB/s",
        texts.len(),
        bytes as f64 / 1e6,
        total.as_secs_f64(),
        bytes as f64 / 1e6 / total.as_secs_f64()
    );
    let mut rows: Vec<(&str, Duration)> = pipeline
        .signals()
        .iter()
        .map(|s| s.spec().id)
        .zip(times)
        .collect();
    rows.push(("documents", making));
    rows.sort_by_key(|row| std::cmp::Reverse(row.1));
    for (id, time) in rows {
        println!(
            "{id:<10} {:>7.3} s {:>5.1}%",
            time.as_secs_f64(),
            100.0 * time.as_secs_f64() / total.as_secs_f64()
        );
    }
    Ok(())
}
