//! Writes the benchmark corpus: JSON Lines of plain-text health documents of about 5 KB, and the
//! same documents as HTML pages, cut from `../shared/corpus` at paragraph boundaries (the text
//! is generated at bench time, never stored in the repository).
//!
//! ```sh
//! cargo run --release --example bench_corpus -- /tmp/chaff-bench 200   # 200 MB of each
//! ```

use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;

const TARGET_DOC_BYTES: usize = 5 * 1024;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "/tmp/chaff-bench".to_owned()));
    let megabytes: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    std::fs::create_dir_all(&dir)?;
    let mut paragraphs = Vec::new();
    for name in ["fakehealth-healthstory.jsonl", "medquad.jsonl"] {
        let file = std::fs::File::open(format!("../shared/corpus/{name}"))?;
        for line in std::io::BufReader::new(file).lines() {
            let record: serde_json::Value = serde_json::from_str(&line?)?;
            let text = record["text"].as_str().unwrap_or_default();
            paragraphs.extend(
                text.split("\n\n")
                    .map(str::trim)
                    .filter(|p| p.len() > 40)
                    .map(str::to_owned),
            );
        }
    }
    let mut text_out = BufWriter::new(std::fs::File::create(dir.join("docs.jsonl"))?);
    let mut html_out = BufWriter::new(std::fs::File::create(dir.join("docs_html.jsonl"))?);
    let (mut written, mut id, mut next) = (0usize, 0usize, 0usize);
    while written < megabytes * 1024 * 1024 {
        let mut doc: Vec<&str> = Vec::new();
        let mut size = 0;
        while size < TARGET_DOC_BYTES {
            let p = &paragraphs[next % paragraphs.len()];
            next += 1;
            size += p.len() + 2;
            doc.push(p);
        }
        let text = doc.join("\n\n");
        let html = format!(
            "<!DOCTYPE html><html><head><title>Health story {id}</title><style>p{{margin:0}}</style>\
             <script>var x=1;</script></head><body><nav><a href=\"/\">Home</a> <a href=\"/news\">News</a>\
             </nav><article><h1>Health story {id}</h1>{}</article><footer>© Example</footer></body></html>",
            doc.iter().map(|p| format!("<p>{}</p>", html_escape(p))).collect::<String>()
        );
        let line = serde_json::json!({"id": format!("doc-{id}"), "text": text}).to_string();
        writeln!(text_out, "{line}")?;
        writeln!(
            html_out,
            "{}",
            serde_json::json!({"id": format!("doc-{id}"), "html": html})
        )?;
        written += line.len() + 1;
        id += 1;
    }
    eprintln!(
        "{id} documents, {} MB of text, in {}",
        written / (1024 * 1024),
        dir.display()
    );
    Ok(())
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
