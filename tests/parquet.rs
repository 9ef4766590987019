//! Parquet output (`chaff score --format parquet -o FILE`): every record of the JSON Lines output,
//! in order, as typed columns, read back by the parquet crate here and by pyarrow and DuckDB
//! where Python has them (`.ci/run` installs both).

mod binary;
#[allow(dead_code)] // only `available` is used here
mod shared_data;

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use binary::{chaff, jsonl};
use parquet::file::reader::{FileReader, SerializedFileReader};
use serde_json::Value;

/// The example records written for chaff, with a record that cannot be scored and one that
/// passes an odd field through.
fn input(dir: &Path) -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut text = std::fs::read_to_string(repo.join("data/examples/spam.jsonl")).unwrap();
    text.push_str("{\"id\": \"no-text\", \"url\": \"https://example.org/x\"}\n");
    text.push_str("not json\n");
    text.push_str(
        "{\"id\": \"odd\", \"rank\": 12345678901234567890, \"text\": \"Our clinic offers a free \
         consultation. Book today and save 50% on your first detox!\"}\n",
    );
    let path = dir.join("records.jsonl");
    std::fs::write(&path, text).unwrap();
    path
}

fn score(args: &[&str], input: &Path) -> Vec<u8> {
    chaff()
        .args(["score", "--jsonl", "--quiet"])
        .args(args)
        .arg(input)
        .assert()
        .code(1) // some records are error records
        .get_output()
        .stdout
        .clone()
}

#[test]
fn parquet_holds_every_json_lines_record_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let input = input(dir.path());
    let records = jsonl(&score(&["--format", "jsonl"], &input));
    let file = dir.path().join("out.parquet");
    let printed = score(
        &["--format", "parquet", "-o", file.to_str().unwrap()],
        &input,
    );
    assert!(printed.is_empty(), "the records went to the file");

    let reader = SerializedFileReader::new(std::fs::File::open(&file).unwrap()).unwrap();
    let rows: Vec<Value> = reader
        .get_row_iter(None)
        .unwrap()
        .map(|r| r.unwrap().to_json_value())
        .collect();
    assert_eq!(rows.len(), records.len());
    let mut errors = 0;
    for (row, record) in rows.iter().zip(&records) {
        assert_eq!(row["id"], record["id"]);
        if let Some(error) = record.get("error") {
            errors += 1;
            assert_eq!(&row["error"], error);
            assert_eq!(row["line"], record["line"]);
            assert!(row["reliability"].is_null());
            continue;
        }
        assert!(row["error"].is_null());
        for name in [
            "reliability",
            "verdict",
            "flagged",
            "spam",
            "spam_kind",
            "quality",
            "news",
        ] {
            assert_eq!(
                row[name],
                record.get(name).cloned().unwrap_or(Value::Null),
                "{name}"
            );
        }
        assert_eq!(row["families"], record["families"]);
        let contributions = record["contributions"].as_array().unwrap();
        let read = row["contributions"].as_array().unwrap();
        assert_eq!(read.len(), contributions.len());
        for (a, b) in read.iter().zip(contributions) {
            for key in ["feature", "head", "value", "contribution"] {
                assert_eq!(a[key], b[key], "{key}");
            }
        }
        let evidence = record["evidence"].as_array().unwrap();
        let read = row["evidence"].as_array().unwrap();
        assert_eq!(read.len(), evidence.len());
        for (a, b) in read.iter().zip(evidence) {
            for key in ["signal", "start", "end", "line", "column", "text"] {
                assert_eq!(a[key], b[key], "{key}");
            }
        }
    }
    assert_eq!(
        errors, 2,
        "the record without text and the line that is not JSON"
    );
    // Passed-through fields are one JSON object, their numbers spelt as the input spelt them.
    let odd = rows.iter().find(|r| r["id"] == "odd").unwrap();
    assert_eq!(odd["passed_through"], "{\"rank\":12345678901234567890}");
    assert!(rows
        .iter()
        .any(|r| !r["evidence"].as_array().is_none_or(Vec::is_empty)));
}

#[test]
fn output_file_holds_what_stdout_would() {
    let dir = tempfile::tempdir().unwrap();
    let input = input(dir.path());
    let file = dir.path().join("out.jsonl");
    let printed = score(&[], &input);
    score(&["-o", file.to_str().unwrap()], &input);
    assert_eq!(std::fs::read(&file).unwrap(), printed);
}

#[test]
fn pyarrow_and_duckdb_read_it_back() {
    let python = Process::new("python3")
        .args(["-c", "import pyarrow, duckdb"])
        .output();
    let missing = match python {
        Ok(out) if out.status.success() => None,
        _ => Some(
            "python3 with pyarrow and duckdb is missing (pip install pyarrow duckdb)".to_owned(),
        ),
    };
    if !shared_data::available("pyarrow_and_duckdb_read_it_back", missing) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let input = input(dir.path());
    let records = jsonl(&score(&["--format", "jsonl"], &input));
    let file = dir.path().join("out.parquet");
    score(
        &["--format", "parquet", "-o", file.to_str().unwrap()],
        &input,
    );
    // Each reader prints, per row: id, reliability, the evidence count, the first evidence's
    // signal and the error, as JSON.
    let script = r#"
import json, sys, duckdb, pyarrow.parquet as pq
path = sys.argv[1]
table = pq.read_table(path).to_pylist()
print(json.dumps([[r["id"], r["reliability"], None if r["evidence"] is None else len(r["evidence"]),
                   r["evidence"][0]["signal"] if r["evidence"] else None, r["error"]] for r in table]))
rows = duckdb.sql(f"select id, reliability, len(evidence), evidence[1].signal, error from '{path}'").fetchall()
print(json.dumps([list(r) for r in rows]))
"#;
    let out = Process::new("python3")
        .args(["-c", script])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected: Vec<Value> = records
        .iter()
        .map(|r| {
            let evidence = r.get("evidence").and_then(Value::as_array);
            serde_json::json!([
                r["id"],
                r.get("reliability"),
                evidence.map(Vec::len),
                evidence.and_then(|e| e.first()).map(|e| &e["signal"]),
                r.get("error"),
            ])
        })
        .collect();
    // Numbers as values: Python spells 1.99e-05 where chaff's JSON writes 0.0000199.
    let numbers = |row: Value| -> Value {
        match row {
            Value::Array(cells) => Value::Array(
                cells
                    .into_iter()
                    .map(|c| match c.as_f64() {
                        Some(x) => serde_json::json!(x),
                        None => c,
                    })
                    .collect(),
            ),
            other => other,
        }
    };
    let expected: Vec<Value> = expected.into_iter().map(numbers).collect();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    for reader in ["pyarrow", "duckdb"] {
        let read: Vec<Value> = serde_json::from_str(lines.next().unwrap()).unwrap();
        let read: Vec<Value> = read.into_iter().map(numbers).collect();
        assert_eq!(read, expected, "{reader}");
    }
}
