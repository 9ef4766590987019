//! Batch runs as a pipeline sees them: one output record per input record whatever the input.
//! (The memory check is in `tests/memory.rs`, a process of its own.)

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

fn chaff() -> Command {
    Command::new(env!("CARGO_BIN_EXE_chaff"))
}

/// Runs `chaff score --jsonl --format jsonl` on a file; returns stdout lines and exit code.
fn score_file(path: &Path) -> (Vec<String>, Option<i32>) {
    let output = chaff()
        .args(["score", "--jsonl", "--format", "jsonl"])
        .arg(path)
        .stderr(Stdio::null())
        .output()
        .expect("run chaff");
    let text = String::from_utf8(output.stdout).expect("UTF-8 output");
    (
        text.lines().map(str::to_owned).collect(),
        output.status.code(),
    )
}

#[test]
fn every_input_record_yields_exactly_one_output_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.jsonl");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let big = "Studies show this tea works. ".repeat(50 * 1024 * 1024 / 29);
    let records: Vec<Vec<u8>> = vec![
        br#"{"id": "ok-1", "text": "A calm article about flu shots and their side effects."}"#
            .to_vec(),
        br#"{"id": "malformed", "text": "never closed"#.to_vec(),
        br#"{"id": "no-text"}"#.to_vec(),
        br#"{"id": "wrong-type", "text": ["a", "b"]}"#.to_vec(),
        br#"{"id": 17, "html": 3.5}"#.to_vec(),
        br#"{"id": "nul-escaped", "text": "a\u0000b"}"#.to_vec(),
        b"{\"id\": \"nul-raw\", \"text\": \"a\x00b\"}".to_vec(),
        serde_json::json!({"id": "fifty-megabytes", "text": big})
            .to_string()
            .into_bytes(),
        Vec::new(),
        b"[1, 2, 3]".to_vec(),
        b"\xff\xfe not UTF-8 at all".to_vec(),
        br#"{"id": "ok-2", "html": "<p>Order today! Miracle cure.</p>", "source": "crawl"}"#
            .to_vec(),
    ];
    for record in &records {
        file.write_all(record).unwrap();
        file.write_all(b"\n").unwrap();
    }
    drop(file);
    let (lines, code) = score_file(&path);
    assert_eq!(lines.len(), records.len(), "one output line per input line");
    assert_eq!(code, Some(1), "some records failed");
    let outputs: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).expect("every output line is JSON"))
        .collect();
    let scored: Vec<&str> = outputs
        .iter()
        .filter(|o| o.get("reliability").is_some())
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(scored, ["ok-1", "fifty-megabytes", "ok-2"]);
    for (index, output) in outputs.iter().enumerate() {
        if output.get("error").is_some() {
            assert_eq!(output["line"], index + 1, "{output}");
        }
    }
    assert_eq!(outputs[11]["source"], "crawl");
}
