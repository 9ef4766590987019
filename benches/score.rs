//! Per-document scoring speed (criterion): one ~5 KB plain-text health document and the same
//! document as an HTML page, scored with the built-in model, plus start-up (building a Scorer).
//! Whole-file throughput is measured by `scripts/bench.sh`.
//!
//! ```sh
//! cargo bench --bench score
//! ```

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// A ~5 KB document: paragraphs of ../shared/corpus when it is there, else the example pages.
fn document() -> String {
    let mut text = String::new();
    if let Ok(corpus) = std::fs::read_to_string("../shared/corpus/fakehealth-healthstory.jsonl") {
        for line in corpus.lines() {
            let record: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
            text.push_str(record["text"].as_str().unwrap_or_default());
            text.push_str("\n\n");
            if text.len() >= 5 * 1024 {
                break;
            }
        }
    } else {
        text = include_str!("../data/examples/pages/sober-referenced.txt").repeat(4);
    }
    let mut end = 5 * 1024.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text
}

fn html(text: &str) -> String {
    let body: String = text
        .split("\n\n")
        .map(|p| format!("<p>{}</p>", p.replace('&', "&amp;").replace('<', "&lt;")))
        .collect();
    format!(
        "<!DOCTYPE html><html><head><title>Story</title><script>var a=1;</script></head>\
         <body><nav><a href=\"/\">Home</a></nav><article>{body}</article><footer>©</footer></body></html>"
    )
}

fn bench(c: &mut Criterion) {
    let scorer = chaff::Scorer::default();
    let text = document();
    let page = html(&text);
    let mut group = c.benchmark_group("score");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("plain text, 5 KB", |b| {
        b.iter(|| scorer.score(black_box(&text)))
    });
    group.throughput(Throughput::Bytes(page.len() as u64));
    group.bench_function("HTML page", |b| {
        b.iter(|| scorer.score_html(black_box(&page)))
    });
    group.finish();
    // After the first in a process: the built-in patterns, automata and stems are compiled
    // once a process (src/memo.rs), so this measures what every later scorer costs.
    c.bench_function("start-up: Scorer::default(), again in a process", |b| {
        b.iter(chaff::Scorer::default)
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
