//! Writes the feature values of labelled JSON Lines files as a TSV, one document a row: the file,
//! the record's `id`, `label`, `outlet` and grouping fields (`generator`, `pair_id`, `doi`), its
//! word count, and every signal's value in registry order. For analysis outside chaff (the
//! baselines and the model card's tables); nothing of the text is written.
//!
//! ```sh
//! cargo run --release --example feature_table -- ../shared/corpus/*.jsonl > /tmp/features.tsv
//! ```

use std::io::{BufRead, Write};

use rayon::prelude::*;
use serde_json::Value;

fn main() -> std::io::Result<()> {
    let pipeline = chaff::Pipeline::default();
    let specs = pipeline.specs();
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let ids: Vec<&str> = specs.iter().map(|s| s.id).collect();
    writeln!(
        out,
        "file\tid\tlabel\toutlet\tgenerator\tpair_id\tdoi\twords\t{}",
        ids.join("\t")
    )?;
    for path in std::env::args().skip(1) {
        let file = std::path::Path::new(&path)
            .file_name()
            .map_or(path.clone(), |n| n.to_string_lossy().into_owned());
        let lines: Vec<String> = std::io::BufReader::new(std::fs::File::open(&path)?)
            .lines()
            .collect::<Result<_, _>>()?;
        let rows: Vec<String> = lines
            .par_iter()
            .filter_map(|line| {
                let record: Value = serde_json::from_str(line).ok()?;
                let field = |key: &str| match &record[key] {
                    Value::String(s) => s.replace(['\t', '\n'], " "),
                    Value::Null => String::new(),
                    other => other.to_string(),
                };
                let (input, format) = match (&record["text"], &record["html"]) {
                    (Value::String(text), _) => (text.as_str(), chaff::Format::Text),
                    (_, Value::String(html)) => (html.as_str(), chaff::Format::Html),
                    _ => return None,
                };
                let doc = pipeline.document(input, format);
                let values: Vec<String> = pipeline
                    .measure(&doc)
                    .iter()
                    .map(|m| format!("{}", m.value))
                    .collect();
                Some(format!(
                    "{file}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    field("id"),
                    field("label"),
                    field("outlet"),
                    field("generator"),
                    field("pair_id"),
                    field("doi"),
                    doc.word_count(),
                    values.join("\t")
                ))
            })
            .collect();
        for row in rows {
            writeln!(out, "{row}")?;
        }
    }
    Ok(())
}
