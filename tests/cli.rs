//! The `chaff` binary, run as a user would.

mod binary;

use std::path::{Path, PathBuf};

use binary::{chaff, jsonl};
use serde_json::Value;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/examples")
}

/// The standard output of a finished run.
fn stdout_of(assert: assert_cmd::assert::Assert) -> Vec<u8> {
    assert.get_output().stdout.clone()
}

/// The byte span of an evidence record.
fn span_of(evidence: &Value) -> std::ops::Range<usize> {
    let offset = |key: &str| evidence[key].as_u64().expect("offset") as usize;
    offset("start")..offset("end")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write test file");
    path
}

fn evidence_of<'a>(record: &'a Value, signal: &str) -> Vec<&'a Value> {
    record["evidence"]
        .as_array()
        .expect("evidence array")
        .iter()
        .filter(|e| e["signal"] == signal)
        .collect()
}

#[test]
fn scores_plain_text_with_evidence_pointing_into_the_file() {
    let path = examples().join("pages/clinic-sales.txt");
    let bytes = std::fs::read(&path).unwrap();
    let out = stdout_of(
        chaff()
            .args(["score", "--format", "jsonl"])
            .arg(&path)
            .assert()
            .success(),
    );
    let records = jsonl(&out);
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert_eq!(record["id"], path.display().to_string());
    assert_eq!(record["format"], "text");
    let reliability = record["reliability"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&reliability));
    for e in record["evidence"].as_array().unwrap() {
        let span = span_of(e);
        assert_eq!(
            String::from_utf8_lossy(&bytes[span.clone()]),
            e["text"].as_str().unwrap()
        );
        let line = e["line"].as_u64().unwrap() as usize;
        let line_start = bytes[..span.start].iter().filter(|&&b| b == b'\n').count() + 1;
        assert_eq!(line, line_start);
    }
    let book = evidence_of(record, "SELL001");
    assert!(book.iter().any(|e| e["text"] == "Book a free consultation"));
}

#[test]
fn html_evidence_points_into_the_html_file() {
    let path = examples().join("pages/spun-article.html");
    let html = std::fs::read_to_string(&path).unwrap();
    let out = stdout_of(
        chaff()
            .args(["score", "--format", "json"])
            .arg(&path)
            .assert()
            .success(),
    );
    let records: Vec<Value> = serde_json::from_slice(&out).unwrap();
    let record = &records[0];
    assert_eq!(record["format"], "html");
    assert_eq!(record["title"], "Natural Ways to Lower Blood Strain");
    let tortured = evidence_of(record, "SPUN001");
    assert!(tortured.len() >= 5, "{tortured:?}");
    for e in &tortured {
        assert_eq!(&html[span_of(e)], e["text"].as_str().unwrap());
        assert!(e["note"].as_str().unwrap().contains("likely"));
    }
    // Navigation, header, footer, script and style text never reaches the signals.
    let texts: Vec<&str> = record["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert!(!texts.iter().any(|t| t.contains("All rights reserved")));
    // The first tortured phrase is in the <h1>, on line 12 of the file.
    let h1_line = html.lines().position(|l| l.contains("<h1>")).unwrap() + 1;
    assert_eq!(tortured[0]["line"].as_u64().unwrap() as usize, h1_line);
}

#[test]
fn jsonl_yields_one_record_per_line_in_order_with_line_numbered_errors() {
    let dir = tempfile::tempdir().unwrap();
    let input = [
        r#"{"id": "a", "text": "Order today! Miracle cure.", "source": "crawl-7"}"#,
        r#"{"id": "b", "html": "<p>Studies show it works.</p>"}"#,
        r#"{"id": "c", "text": "broken"#,
        "",
        r#"{"id": "d"}"#,
        r#"{"id": "e", "text": ["wrong", "type"]}"#,
        r#"{"id": "f", "text": "nul \u0000 inside"}"#,
        r#"{"id": 8, "text": "The trial enrolled 300 adults."}"#,
    ]
    .join("\n");
    let path = write(dir.path(), "in.jsonl", input.as_bytes());
    let out = stdout_of(
        chaff()
            .args(["score", "--jsonl", "--format", "jsonl"])
            .arg(&path)
            .assert()
            .code(1),
    );
    let records = jsonl(&out);
    assert_eq!(records.len(), 8, "one output record per input line");
    let ids: Vec<Value> = records.iter().map(|r| r["id"].clone()).collect();
    let expected = [
        Some("a"),
        Some("b"),
        None,
        None,
        Some("d"),
        Some("e"),
        Some("f"),
        Some("8"),
    ];
    assert_eq!(ids, expected.map(|id| id.map_or(Value::Null, Value::from)));
    assert_eq!(records[0]["source"], "crawl-7", "extra fields pass through");
    assert!(records[0]["reliability"].is_number());
    assert_eq!(records[1]["format"], "html");
    for (index, reason) in [
        (2, "invalid JSON"),
        (3, "empty line"),
        (4, "missing `text`"),
        (5, "must be a string"),
        (6, "binary"),
    ] {
        let record = &records[index];
        assert_eq!(record["line"], index + 1, "{record}");
        assert_eq!(record["file"], path.display().to_string());
        let error = record["error"].as_str().unwrap();
        assert!(error.contains(reason), "{error}");
    }
}

#[test]
fn jsonl_from_stdin_streams_and_flags_short_records() {
    let out = stdout_of(
        chaff()
            .args(["score", "--jsonl"])
            .write_stdin(
                "{\"id\": \"x\", \"text\": \"Buy now.\"}\n{\"id\": \"y\", \"text\": \"\"}\n",
            )
            .assert()
            .success(),
    );
    let records = jsonl(&out);
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["insufficient_text"], true);
    assert_eq!(records[1]["insufficient_text"], true);
    assert_eq!(records[1]["words"], 0);
}

#[test]
fn directories_are_walked_and_bad_files_become_error_records() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.txt",
        b"Studies show this miracle works. Order today!",
    );
    // A binary file named as text is an error record; one named as what it is (an
    // executable, an image) is no document and is skipped, as are hidden files and folders.
    write(dir.path(), "b.txt", b"\x7fELF\x00\x00\x01");
    write(dir.path(), "b.bin", b"\x7fELF\x00\x00\x01");
    write(dir.path(), "photo.png", b"\x89PNG\r\n");
    write(dir.path(), ".notes.txt", b"A hidden note.");
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(
        &dir.path().join(".git"),
        "HEAD.txt",
        b"ref: refs/heads/main",
    );
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    write(
        &dir.path().join("sub"),
        "c.html",
        b"<html><body><p>A calm, sourced page [1].</p></body></html>",
    );
    std::os::unix::fs::symlink(dir.path().join("a.txt"), dir.path().join("link.txt")).unwrap();
    let assert = chaff()
        .args(["score", "--format", "jsonl"])
        .arg(dir.path())
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("skipped 1 symbolic link") && stderr.contains("link.txt"),
        "{stderr}"
    );
    let records = jsonl(&stdout_of(assert));
    assert_eq!(records.len(), 3, "{records:?}");
    assert!(records[0]["id"].as_str().unwrap().ends_with("a.txt"));
    assert!(records[1]["error"].as_str().unwrap().contains("binary"));
    assert!(records[1]["id"].as_str().unwrap().ends_with("b.txt"));
    assert_eq!(records[2]["format"], "html");
}

#[test]
fn invalid_utf8_is_scored_with_a_warning_and_raw_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "latin1.txt",
        b"Caf\xe9 owners say: a miracle cure!",
    );
    let assert = chaff()
        .args(["score", "--format", "jsonl"])
        .arg(&path)
        .assert()
        .success();
    let output = assert.get_output();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("invalid UTF-8") && stderr.contains("latin1.txt"),
        "{stderr}"
    );
    let record = &jsonl(&output.stdout)[0];
    let hit = evidence_of(record, "CURE001")[0];
    let raw = b"Caf\xe9 owners say: a miracle cure!";
    assert_eq!(&raw[span_of(hit)], b"miracle cure");
}

#[test]
fn a_missing_path_or_empty_glob_is_an_error_record_and_the_run_goes_on() {
    let pages = examples().join("pages");
    let sales = pages.join("clinic-sales.txt");
    let nothing = pages.join("*.nomatch");
    let output = chaff()
        .args(["score", "--format", "jsonl"])
        .arg(&sales)
        .arg("no/such/file.txt")
        .arg(&nothing)
        .arg(pages.join("sober-referenced.txt"))
        .assert()
        .code(1)
        .get_output()
        .clone();
    let records = jsonl(&output.stdout);
    let ids: Vec<&str> = records.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            sales.to_str().unwrap(),
            "no/such/file.txt",
            nothing.to_str().unwrap(),
            pages.join("sober-referenced.txt").to_str().unwrap()
        ],
        "one record per path, in order"
    );
    assert!(records[0]["reliability"].is_number() && records[3]["reliability"].is_number());
    assert!(records[1]["error"]
        .as_str()
        .unwrap()
        .contains("No such file"));
    assert_eq!(records[2]["error"], "no file matches this pattern");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no/such/file.txt") && stderr.contains("*.nomatch"),
        "{stderr}"
    );
}

#[test]
fn a_jsonl_file_that_cannot_be_opened_or_read_is_an_error_record_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.jsonl");
    std::fs::write(&good, "{\"id\": \"a\", \"text\": \"Order today!\"}\n").unwrap();
    // Linux's /proc/self/mem opens, and reading its first bytes fails (nothing is mapped at
    // address 0): a failure part-way, on line 1.
    let unreadable = Path::new("/proc/self/mem");
    let output = chaff()
        .args(["score", "--jsonl"])
        .arg(&good)
        .arg(dir.path().join("missing.jsonl"))
        .arg(unreadable)
        .arg(&good)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let records = jsonl(&output.stdout);
    assert_eq!(records.len(), 4, "{records:?}");
    assert_eq!(records[0]["id"], "a");
    assert!(records[0]["reliability"].is_number());
    assert!(records[1]["id"].is_null());
    assert!(records[1]["file"]
        .as_str()
        .unwrap()
        .ends_with("missing.jsonl"));
    assert!(records[1]["line"].is_null());
    assert!(records[1]["error"]
        .as_str()
        .unwrap()
        .contains("No such file"));
    assert_eq!(records[2]["file"], "/proc/self/mem");
    assert_eq!(records[2]["line"], 1);
    assert!(records[2]["error"]
        .as_str()
        .unwrap()
        .starts_with("cannot read"));
    assert_eq!(records[3]["id"], "a");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("missing.jsonl") && stderr.contains("/proc/self/mem, line 1"),
        "{stderr}"
    );
}

#[test]
fn jsonl_directories_are_walked_for_json_lines_files_in_name_order() {
    let dir = tempfile::tempdir().unwrap();
    let record = |id: &str| format!("{{\"id\": \"{id}\", \"text\": \"Order today!\"}}\n");
    std::fs::create_dir(dir.path().join("b-shards")).unwrap();
    std::fs::write(dir.path().join("b-shards/part-1.NDJSON"), record("b1")).unwrap();
    std::fs::write(dir.path().join("a.jsonl"), record("a1") + &record("a2")).unwrap();
    std::fs::write(dir.path().join("c.jsonl"), "{broken\n").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not JSON Lines\n").unwrap();
    let output = chaff()
        .args(["score", "--jsonl", "--fields", "id,file,line,error"])
        .arg(dir.path())
        .assert()
        .code(1)
        .get_output()
        .clone();
    let records = jsonl(&output.stdout);
    let ids: Vec<Value> = records.iter().map(|r| r["id"].clone()).collect();
    assert_eq!(
        ids,
        [Value::from("a1"), "a2".into(), "b1".into(), Value::Null],
        "a.jsonl, then b-shards/part-1.NDJSON, then c.jsonl's error; notes.txt is not read"
    );
    assert!(records[3]["file"].as_str().unwrap().ends_with("c.jsonl"));
    assert_eq!(records[3]["line"], 1);
}

#[test]
fn unknown_flags_are_usage_errors() {
    chaff().args(["score", "--frobnicate"]).assert().code(2);
}

#[test]
fn explain_ranks_the_sales_page_below_the_sober_page() {
    let explain = |name: &str| {
        let out = stdout_of(
            chaff()
                .arg("explain")
                .arg(examples().join("pages").join(name))
                .assert()
                .success(),
        );
        String::from_utf8(out).unwrap()
    };
    let reliability = |text: &str| -> f64 {
        let line = text.lines().nth(1).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    let sales = explain("clinic-sales.txt");
    let sober = explain("sober-referenced.txt");
    assert!(
        reliability(&sales) < reliability(&sober),
        "{sales}\n---\n{sober}"
    );
    for expected in [
        "SELL001",
        "HYPE001",
        "[Book a free consultation]",
        "[miracle cure]",
        "contributions",
    ] {
        assert!(sales.contains(expected), "missing {expected} in\n{sales}");
    }
    assert!(!sales.contains('\u{1b}'), "no colour when NO_COLOR is set");
}

/// `explain --id` finds a record of a JSON Lines file or of stdin; `--json` prints the record
/// `score` writes, with each piece of evidence's sentence.
#[test]
fn explain_takes_a_json_lines_record_by_id_and_prints_json() {
    let dir = tempfile::tempdir().unwrap();
    let records = write(
        dir.path(),
        "crawl.jsonl",
        concat!(
            r#"{"id": "calm", "text": "The trial found a small benefit [1]."}"#,
            "\n",
            "not a record\n",
            r#"{"id": 7, "text": "Order now! Book a free consultation at our clinic.", "site": "x"}"#,
            "\n"
        )
        .as_bytes(),
    );
    let text = String::from_utf8(stdout_of(
        chaff()
            .arg("explain")
            .arg(&records)
            .args(["--id", "7"])
            .assert()
            .success(),
    ))
    .unwrap();
    assert!(
        text.starts_with("7\n") && text.contains("SELL001"),
        "{text}"
    );
    let json: Value = serde_json::from_slice(&stdout_of(
        chaff()
            .arg("explain")
            .arg(&records)
            .args(["--id", "7", "--json"])
            .assert()
            .success(),
    ))
    .unwrap();
    assert_eq!(json["id"], "7");
    assert_eq!(json["site"], "x", "passed-through fields are kept");
    let input = "Order now! Book a free consultation at our clinic.";
    let evidence = json["evidence"].as_array().unwrap();
    assert!(!evidence.is_empty());
    for e in evidence {
        let sentence = e["context"]["sentence"].as_str().unwrap();
        let highlight = &e["context"]["highlight"];
        let (start, end) = (
            highlight["start"].as_u64().unwrap() as usize,
            highlight["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&sentence[start..end], &input[span_of(e)], "{e}");
    }
    // From stdin too; an id no record has, and a JSON Lines file without --id, are usage
    // errors that say what to do.
    chaff()
        .args(["explain", "-", "--id", "calm"])
        .write_stdin(std::fs::read(&records).unwrap())
        .assert()
        .success()
        .stdout(predicates::str::starts_with("calm\n"));
    chaff()
        .arg("explain")
        .arg(&records)
        .args(["--id", "8"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "no JSON Lines record has the id \"8\"",
        ));
    chaff()
        .arg("explain")
        .arg(&records)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--id"));
}

#[test]
fn table_puts_the_least_reliable_first() {
    let out = stdout_of(
        chaff()
            .args(["score", "--format", "table"])
            .arg(examples().join("pages"))
            .assert()
            .success(),
    );
    let text = String::from_utf8(out).unwrap();
    let scores: Vec<f64> = text
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(scores.len(), 3);
    assert!(scores.windows(2).all(|w| w[0] <= w[1]), "{text}");
    assert!(text
        .lines()
        .last()
        .unwrap()
        .contains("sober-referenced.txt"));
}

#[test]
fn csv_has_a_header_and_a_row_per_document() {
    let out = stdout_of(
        chaff()
            .args(["score", "--format", "csv"])
            .arg(examples().join("pages"))
            .assert()
            .success(),
    );
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with(
        "id,reliability,verdict,flagged,spam,spam_kind,quality,news,insufficient_text,words,family_spun"
    ));
    assert_eq!(lines.count(), 3);
}

#[test]
fn features_lists_and_documents_every_signal() {
    let out = stdout_of(chaff().arg("features").assert().success());
    let list = String::from_utf8(out).unwrap();
    for id in ["SPUN001", "HYPE001", "CITE001", "SELL001"] {
        assert!(list.contains(id), "{list}");
    }
    chaff()
        .args(["features", "SPUN001"])
        .assert()
        .success()
        .stdout(predicates::str::contains("What it detects"))
        .stdout(predicates::str::contains("Stays quiet on"));
    chaff().args(["features", "NOPE999"]).assert().code(2);
    // As JSON: every signal, with what the text list shows, in feature order.
    let out = stdout_of(chaff().args(["features", "--json"]).assert().success());
    let specs: Value = serde_json::from_slice(&out).expect("features --json is JSON");
    let specs = specs.as_array().expect("an array");
    let ids: Vec<&str> = specs.iter().map(|s| s["id"].as_str().unwrap()).collect();
    let listed: Vec<&str> = list
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(ids, listed);
    assert!(specs
        .iter()
        .all(|s| s["fires_on"].as_array().is_some_and(|a| !a.is_empty())));
    let out = stdout_of(
        chaff()
            .args(["features", "SELL008", "--json"])
            .assert()
            .success(),
    );
    let one: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        (one["id"].as_str(), one["family"].as_str()),
        (Some("SELL008"), Some("commercial"))
    );
}

#[test]
fn train_then_eval_and_score_with_the_trained_model() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.json");
    // Written for the tests: journalism labelled reliable/unreliable, and sales and generated
    // spam, each file with its label mapping.
    let data = examples().join("sources.json");
    chaff()
        .args(["train", "--sources"])
        .arg(&data)
        .arg("--out")
        .arg(&model)
        .assert()
        .success();
    let first = std::fs::read(&model).unwrap();
    chaff()
        .args(["train", "--sources"])
        .arg(&data)
        .arg("--out")
        .arg(&model)
        .assert()
        .success();
    assert_eq!(
        first,
        std::fs::read(&model).unwrap(),
        "training is deterministic"
    );
    let out = stdout_of(
        chaff()
            .args(["eval", "--sources"])
            .arg(&data)
            .arg("--model")
            .arg(&model)
            .assert()
            .success(),
    );
    let text = String::from_utf8(out).unwrap();
    let auc: f64 = text
        .lines()
        .find(|l| l.starts_with("ROC-AUC"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .expect("ROC-AUC line");
    assert!(auc > 0.9, "training-set AUC {auc}\n{text}");
    assert!(text.contains("confusion matrix"));
    assert!(
        text.contains("spam / spam"),
        "a row per source and label\n{text}"
    );
    // The same figures as JSON: one object that parses, the ROC-AUC the text printed.
    let json: Value = serde_json::from_slice(&stdout_of(
        chaff()
            .args(["eval", "--json", "--sources"])
            .arg(&data)
            .arg("--model")
            .arg(&model)
            .assert()
            .success(),
    ))
    .expect("eval --json prints JSON");
    assert_eq!(
        format!("{:.3}", json["roc_auc"].as_f64().unwrap()),
        format!("{auc:.3}")
    );
    let rows = json["sources"].as_array().unwrap();
    assert!(
        rows.iter()
            .any(|r| r["source"] == "spam" && r["label"] == "spam"),
        "{json}"
    );
    let counted: u64 = rows
        .iter()
        .flat_map(|r| r["verdicts"].as_object().unwrap().values())
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(counted, json["documents"].as_u64().unwrap());
    // --predictions: a record per document, in the rows' counts, out of fold with --folds.
    let predictions = dir.path().join("predictions.jsonl");
    chaff()
        .args(["eval", "--folds", "2", "--inner-folds", "2", "--sources"])
        .arg(&data)
        .arg("--predictions")
        .arg(&predictions)
        .assert()
        .success();
    let records: Vec<Value> = std::fs::read_to_string(&predictions)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON record a line"))
        .collect();
    assert_eq!(records.len() as u64, json["documents"].as_u64().unwrap());
    for row in rows {
        let of_row: Vec<&Value> = records
            .iter()
            .filter(|r| r["source"] == row["source"] && r["label"] == row["label"])
            .collect();
        assert_eq!(
            of_row.len() as u64,
            row["documents"].as_u64().unwrap(),
            "{row}"
        );
    }
    assert!(records.iter().all(|r| r["id"].is_string()
        && (0.0..=1.0).contains(&r["spam"].as_f64().unwrap())
        && r["features"].is_object()));
    assert!(
        records
            .iter()
            .any(|r| r["label"] == "spam" && r["judged_spam"] == true),
        "some spam is caught out of fold"
    );
    // A file that cannot be written stops the evaluation before it runs.
    chaff()
        .args(["eval", "--sources"])
        .arg(&data)
        .arg("--predictions")
        .arg(dir.path().join("no/such/dir/p.jsonl"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no/such/dir/p.jsonl"));
    chaff()
        .args(["score", "--model"])
        .arg(&model)
        .arg(examples().join("pages/clinic-sales.txt"))
        .assert()
        .success();
}

#[test]
fn training_data_errors_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(
        dir.path(),
        "bad.jsonl",
        b"{\"id\": \"1\", \"label\": \"reliable\", \"text\": \"ok\"}\n{\"id\": \"2\", \"label\": \"maybe\", \"text\": \"x\"}\n",
    );
    chaff()
        .args(["train", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(dir.path().join("m.json"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("bad.jsonl, line 2"));
}

/// A signal the model was trained without (here SELL001, taken out of the built-in model) runs
/// in preview: `features` says so, and a score reports its value and evidence with
/// `"status": "preview"` and a contribution of 0, the other signals counting as before.
#[test]
fn a_signal_newer_than_the_model_runs_in_preview() {
    let dir = tempfile::tempdir().unwrap();
    let mut model: Value = serde_json::from_str(chaff::BUILTIN_MODEL).unwrap();
    let at = model["features"]
        .as_array()
        .unwrap()
        .iter()
        .position(|f| f == "SELL001")
        .unwrap();
    model["features"].as_array_mut().unwrap().remove(at);
    for head in ["spam", "quality", "news"] {
        for numbers in ["mean", "scale", "weights"] {
            model[head][numbers].as_array_mut().unwrap().remove(at);
        }
    }
    let specs = chaff::Pipeline::default().specs();
    let trained = specs.iter().copied().filter(|s| s.id != "SELL001");
    model["schema_hash"] = chaff::model::schema_hash(trained).into();
    let path = write(dir.path(), "older.json", model.to_string().as_bytes());

    let list = stdout_of(
        chaff()
            .args(["features", "--model"])
            .arg(&path)
            .assert()
            .success(),
    );
    let list = String::from_utf8(list).unwrap();
    let status = |id: &str| {
        let line = list.lines().find(|l| l.starts_with(id)).unwrap();
        line.split_whitespace().nth(1).unwrap().to_owned()
    };
    assert_eq!(
        (status("SELL001"), status("SELL002")),
        ("preview".into(), "model".into())
    );
    let builtin = stdout_of(chaff().arg("features").assert().success());
    assert!(!String::from_utf8(builtin).unwrap().contains("preview"));

    let page = examples().join("pages/clinic-sales.txt");
    let score = |model: Option<&Path>| {
        let mut command = chaff();
        command.args(["score", "--format", "jsonl"]);
        if let Some(model) = model {
            command.arg("--model").arg(model);
        }
        jsonl(&stdout_of(command.arg(&page).assert().success())).remove(0)
    };
    let (older, current) = (score(Some(&path)), score(None));
    let contribution = |record: &Value, id: &str| {
        record["contributions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["feature"] == id)
            .unwrap()
            .clone()
    };
    let preview = contribution(&older, "SELL001");
    assert_eq!(preview["status"], "preview");
    assert_eq!(preview["contribution"], 0.0);
    assert_eq!(preview["value"], contribution(&current, "SELL001")["value"]);
    assert!(
        contribution(&current, "SELL001")["contribution"]
            .as_f64()
            .unwrap()
            != 0.0
    );
    assert!(contribution(&current, "SELL001").get("status").is_none());
    assert!(
        !evidence_of(&older, "SELL001").is_empty(),
        "its evidence is still reported"
    );
    assert_eq!(
        contribution(&older, "SELL002"),
        contribution(&current, "SELL002"),
        "the other signals count as before"
    );
}

/// A model file that cannot be used is refused with exit 2 and a message naming what is wrong:
/// other signals (the first differing name), an out-of-range threshold, weights that overflow.
#[test]
fn a_model_that_cannot_be_used_is_refused_by_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let builtin: Value = serde_json::from_str(chaff::BUILTIN_MODEL).unwrap();
    let ids: Vec<String> = builtin["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect();
    type Edit = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(Edit, String)> = vec![
        (
            Box::new(|m| m["features"][2] = serde_json::json!("SPUN999")),
            "its feature 3 is \"SPUN999\", a signal this build does not have".to_owned(),
        ),
        (
            Box::new(|m| m["features"][3] = m["features"][2].clone()),
            format!("it names the feature {:?} twice", ids[2]),
        ),
        (
            Box::new(|m| m["schema_hash"] = serde_json::json!("0000000000000000")),
            "a signal changed version".to_owned(),
        ),
        (
            Box::new(|m| m["quality"]["threshold"] = serde_json::json!(1.5)),
            "the quality head's threshold 1.5 is not a probability".to_owned(),
        ),
        (
            Box::new(|m| m["spam"]["weights"][0] = serde_json::json!(1e306)),
            "the spam head's weights and scales can give a non-finite logit".to_owned(),
        ),
        (
            Box::new(|m| m["spam"]["scale"][1] = serde_json::json!(-1.0)),
            "every scale positive".to_owned(),
        ),
    ];
    for (edit, message) in cases {
        let mut model = builtin.clone();
        edit(&mut model);
        let path = write(dir.path(), "model.json", model.to_string().as_bytes());
        chaff()
            .args(["score", "--model"])
            .arg(&path)
            .arg(examples().join("pages/clinic-sales.txt"))
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicates::str::contains(message));
    }
}

#[test]
fn filter_and_thread_options_out_of_range_are_usage_errors() {
    for args in [
        &["--threads", "0"][..],
        &["--threads", "5000"],
        &["--threshold", "1.5"],
        &["--threshold", "NaN"],
        &["--min-reliability", "1.5"],
        &["--max-reliability", "-0.1"],
        &["--min-reliability", "NaN"],
        &["--min-reliability", "0.9", "--max-reliability", "0.1"],
        &["--fields", "id,,reliability"],
        &["--fields", ""],
    ] {
        let output = chaff()
            .args(["score", "--jsonl"])
            .args(args)
            .write_stdin("{\"id\": \"a\", \"text\": \"Order today!\"}\n")
            .assert()
            .code(2)
            .get_output()
            .clone();
        assert!(output.stdout.is_empty(), "{args:?}: nothing is scored");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let option = args[args.len() - 2];
        assert!(stderr.contains(option), "{args:?}: {stderr}");
    }
}

#[test]
fn a_selected_field_no_record_has_is_named_on_stderr() {
    let input = "{\"id\": \"a\", \"text\": \"Order today!\", \"source\": \"crawl-7\"}\n\
                 {\"id\": \"b\", \"text\": \"Studies show it works.\"}\n";
    let run = |fields: &str| {
        chaff()
            .args(["score", "--jsonl", "--threads", "2", "--fields", fields])
            .write_stdin(input)
            .assert()
            .success()
            .get_output()
            .clone()
    };
    let passed = run("id,source");
    let records = jsonl(&passed.stdout);
    assert_eq!(records[0]["source"], "crawl-7");
    assert!(records[1].get("source").is_none());
    assert!(
        passed.stderr.is_empty(),
        "a field one record has: {}",
        String::from_utf8_lossy(&passed.stderr)
    );
    let typo = run("id,sorce,reliabilty");
    let stderr = String::from_utf8_lossy(&typo.stderr);
    assert!(
        stderr.contains("`sorce`") && stderr.contains("`reliabilty`"),
        "{stderr}"
    );
    assert_eq!(
        jsonl(&typo.stdout).len(),
        2,
        "the records are still written"
    );
}

#[test]
fn one_tag_of_thousands_of_attributes_neither_aborts_nor_loses_records() {
    let dir = tempfile::tempdir().unwrap();
    // The reproducer: 7,000 empty double-quoted attributes in one tag (35 KB) aborted the run.
    let tag = format!("<a{}", " a=\"\"".repeat(7_000));
    let page = write(dir.path(), "r.html", tag.as_bytes());
    let records = jsonl(&stdout_of(
        chaff()
            .args(["score", "--format", "jsonl"])
            .arg(&page)
            .assert()
            .success(),
    ));
    assert_eq!(records.len(), 1);
    assert!(records[0]["reliability"].is_number(), "{}", records[0]);
    // Inside JSON Lines, a megabyte of them between two records: all three are scored, in order.
    let hostile = format!("<p>Hostile.</p><a{}>x</a>", " a=\"x\"".repeat(200_000));
    let input = [
        serde_json::json!({"id": 1, "text": "A first record about flu shots."}),
        serde_json::json!({"id": 2, "html": hostile}),
        serde_json::json!({"id": 3, "text": "A third record about sleep."}),
    ]
    .map(|record| record.to_string())
    .join("\n");
    let records = jsonl(&stdout_of(
        chaff()
            .args(["score", "--jsonl", "--format", "jsonl", "-"])
            .write_stdin(input)
            .assert()
            .success(),
    ));
    let ids: Vec<&Value> = records.iter().map(|r| &r["id"]).collect();
    assert_eq!(ids, ["1", "2", "3"]);
    assert!(records.iter().all(|r| r["reliability"].is_number()));
}

/// A folder whose links lead back up: `loop/self -> ../loop`, `loop/a/up -> ..`, and, in the
/// larger version, `n` more folders that each link to the top and to every other one (walked
/// by following links, the paths multiply without end).
fn folder_with_symlink_loops(root: &Path, n: usize) -> Vec<String> {
    use std::os::unix::fs::symlink;
    let top = root.join("loop");
    std::fs::create_dir_all(top.join("a")).unwrap();
    let mut files = vec!["loop/a/two.txt".to_owned(), "loop/one.txt".to_owned()];
    write(&top, "one.txt", b"A short note about flu shots.");
    write(&top.join("a"), "two.txt", b"A short note about sleep.");
    symlink("../loop", top.join("self")).unwrap();
    symlink("..", top.join("a/up")).unwrap();
    for i in 0..n {
        let dir = top.join(format!("m{i}"));
        std::fs::create_dir(&dir).unwrap();
        write(&dir, "note.txt", b"A short note about walking.");
        files.push(format!("loop/m{i}/note.txt"));
        symlink("..", dir.join("top")).unwrap();
        for j in (0..n).filter(|&j| j != i) {
            symlink(format!("../m{j}"), dir.join(format!("to{j}"))).unwrap();
        }
    }
    files.sort();
    files
}

#[test]
fn symlink_loops_are_walked_once_in_bounded_time() {
    let dir = tempfile::tempdir().unwrap();
    for (n, name) in [(0, "small"), (8, "large")] {
        let root = dir.path().join(name);
        let expected = folder_with_symlink_loops(&root, n);
        // A pattern the shell does not expand (chaff expands it), the folder, and `**`
        // from the working directory: each file once, links never followed.
        for argument in ["loop/**/*.txt", "loop", "loop/*", "**/*.txt", "**"] {
            let records = jsonl(&stdout_of(
                chaff()
                    .current_dir(&root)
                    .args(["score", "--format", "jsonl", argument])
                    .timeout(std::time::Duration::from_secs(60))
                    .assert()
                    .success(),
            ));
            let mut ids: Vec<&str> = records.iter().map(|r| r["id"].as_str().unwrap()).collect();
            ids.sort_unstable();
            assert_eq!(ids, expected, "{name}: {argument}");
        }
    }
}

#[test]
fn a_json_lines_file_is_read_as_records_without_the_flag_in_its_place() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", b"A page of plain text.");
    write(
        dir.path(),
        "b.jsonl",
        b"{\"id\": \"r1\", \"text\": \"one\"}\n{\"id\": \"r2\", \"text\": \"two\"}\n",
    );
    write(
        dir.path(),
        "c.ndjson",
        b"{\"id\": \"r3\", \"text\": \"three\"}\n",
    );
    write(dir.path(), "d.txt", b"Another page.");
    let ids = |out: &[u8]| -> Vec<String> {
        jsonl(out)
            .iter()
            .map(|r| {
                let id = r["id"].as_str().unwrap();
                Path::new(id)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
    };
    // A directory walk, and the files named one by one: records in their file's place.
    let walked = stdout_of(chaff().args(["score"]).arg(dir.path()).assert().success());
    assert_eq!(ids(&walked), ["a.txt", "r1", "r2", "r3", "d.txt"]);
    let named = stdout_of(
        chaff()
            .arg("score")
            .arg(dir.path().join("d.txt"))
            .arg(dir.path().join("b.jsonl"))
            .assert()
            .success(),
    );
    assert_eq!(ids(&named), ["d.txt", "r1", "r2"]);
}

#[test]
fn passed_through_fields_keep_their_order_numbers_and_values() {
    // A byte-order mark before the first record; a big integer and a number spelled with a
    // trailing zero; an input field named like an output field.
    let input = "\u{feff}{\"id\": 1, \"zeta\": 123456789012345678901234567890, \"text\": \"A short page.\", \"alpha\": 1.50, \"reliability\": \"5 stars\", \"mid\": [true, null]}\n";
    let assert = chaff()
        .args(["score", "--jsonl", "-"])
        .write_stdin(input)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    let out = String::from_utf8(stdout_of(assert)).unwrap();
    assert!(
        out.starts_with(
            "{\"id\":\"1\",\"zeta\":123456789012345678901234567890,\"alpha\":1.50,\
             \"input_reliability\":\"5 stars\",\"mid\":[true,null],\"reliability\":"
        ),
        "{out}"
    );
    assert!(
        stderr.contains("`reliability`") && stderr.contains("`input_reliability`"),
        "{stderr}"
    );
}

#[test]
fn records_and_files_over_max_bytes_are_error_records_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let long = "word ".repeat(1000); // 5,000 bytes
    let records = format!(
        "{{\"id\": \"a\", \"text\": \"short\"}}\n{{\"id\": \"b\", \"text\": \"{long}\"}}\r\n{{\"id\": \"c\", \"text\": \"short too\"}}\n"
    );
    let path = write(dir.path(), "r.jsonl", records.as_bytes());
    let out = stdout_of(
        chaff()
            .args(["score", "--max-bytes", "1K"])
            .arg(&path)
            .assert()
            .code(1),
    );
    let records = jsonl(&out);
    assert_eq!(records.len(), 3);
    assert_eq!(records[0]["id"], "a");
    assert_eq!(records[1]["line"], 2);
    let error = records[1]["error"].as_str().unwrap();
    assert!(
        error.contains("5023 bytes") && error.contains("--max-bytes"),
        "{error}"
    );
    assert_eq!(records[2]["id"], "c");

    let page = write(dir.path(), "p.txt", long.as_bytes());
    let out = stdout_of(
        chaff()
            .args(["score", "--max-bytes", "4K"])
            .arg(&page)
            .assert()
            .code(1),
    );
    assert!(jsonl(&out)[0]["error"]
        .as_str()
        .unwrap()
        .contains("5000 bytes"));
    let out = stdout_of(
        chaff()
            .args(["score", "--max-bytes", "4096"])
            .write_stdin(long.clone())
            .assert()
            .code(1),
    );
    assert!(jsonl(&out)[0]["error"]
        .as_str()
        .unwrap()
        .contains("5000 bytes"));
    // Within the limit, the same page is scored.
    chaff()
        .args(["score", "--max-bytes", "5000"])
        .arg(&page)
        .assert()
        .success();
    for bad in ["0", "lots", "12X", ""] {
        chaff()
            .args(["score", "--max-bytes", bad])
            .arg(&page)
            .assert()
            .code(2);
    }
}

#[test]
fn quiet_silences_warnings_and_color_follows_the_option_and_no_color() {
    let dir = tempfile::tempdir().unwrap();
    let page = write(dir.path(), "bad.txt", b"\xff a page with invalid UTF-8");
    let stderr = |args: &[&str]| {
        let output = chaff().args(args).arg(&page).assert().success();
        String::from_utf8_lossy(&output.get_output().stderr).into_owned()
    };
    assert!(stderr(&["score"]).contains("invalid UTF-8"));
    assert_eq!(stderr(&["score", "--quiet"]), "");
    assert_eq!(stderr(&["-q", "score"]), "");

    let table = |args: &[&str], no_color: Option<&str>| {
        let mut cmd = chaff();
        cmd.env_remove("NO_COLOR");
        if let Some(value) = no_color {
            cmd.env("NO_COLOR", value);
        }
        let output = cmd
            .args(["score", "--format", "table"])
            .args(args)
            .arg(&page)
            .assert()
            .success();
        String::from_utf8_lossy(&output.get_output().stdout).contains('\u{1b}')
    };
    // Not a terminal: no color unless asked for; NO_COLOR is honoured only when not empty.
    assert!(!table(&[], None));
    assert!(table(&["--color", "always"], None));
    assert!(!table(&["--color", "never"], None));
    assert!(!table(&["--color", "auto"], Some("1")));
    assert!(table(&["--color", "always"], Some("")));
    chaff()
        .args(["score", "--color", "sometimes"])
        .arg(&page)
        .assert()
        .code(2);
}

#[test]
fn every_command_states_its_exit_codes() {
    for command in [
        "score",
        "explain",
        "features",
        "train",
        "eval",
        "completions",
        "man",
    ] {
        let output = chaff().args([command, "--help"]).assert().success();
        let help = String::from_utf8_lossy(&output.get_output().stdout).into_owned();
        assert!(help.contains("Exit status: 0"), "{command}: {help}");
    }
}

#[test]
fn train_needs_out_and_a_group_field_that_exists() {
    let dir = tempfile::tempdir().unwrap();
    let data = examples().join("sources.json");
    // Without --out, nothing is written (the shipped model is overwritten only when named).
    chaff()
        .args(["train", "--sources"])
        .arg(&data)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--out"));
    let records = write(
        dir.path(),
        "d.jsonl",
        b"{\"id\": \"1\", \"label\": \"reliable\", \"outlet\": \"a\", \"text\": \"A calm page.\"}\n",
    );
    chaff()
        .args(["train", "--data"])
        .arg(&records)
        .args(["--group-by", "outlett", "--out"])
        .arg(dir.path().join("m.json"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "no record has the field `outlett`",
        ));
}

/// `eval` judging a model trains nothing: an option of the training procedure would be ignored,
/// so it is a usage error naming the option (it once passed silently, as `--inner-folds` did
/// with `--folds`, where it now sets the inner folds).
#[test]
fn eval_refuses_training_options_it_would_ignore() {
    let data = examples().join("sources.json");
    for option in [
        &["--inner-folds", "3"][..],
        &["--seed", "7"],
        &["--families", "quality"],
    ] {
        chaff()
            .args(["eval", "--sources"])
            .arg(&data)
            .args(option)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(format!(
                "{} sets the training procedure",
                option[0]
            )));
    }
    chaff()
        .args(["eval", "--sources"])
        .arg(&data)
        .args(["--folds", "2", "--inner-folds", "2", "--seed", "7"])
        .assert()
        .success();
}

/// JSON Lines input of any shape: records, broken records, blank lines, records with extra
/// fields, long and short texts.
fn any_jsonl() -> impl proptest::strategy::Strategy<Value = Vec<String>> {
    use proptest::prelude::*;
    let line = prop_oneof![
        "[a-zA-Z .!$%0-9]{0,300}".prop_map(|t| format!("{{\"id\": \"x\", \"text\": \"{t}\"}}")),
        "[a-zA-Z .]{0,50}"
            .prop_map(|t| format!("{{\"id\": 7, \"html\": \"<p>{t}</p>\", \"n\": 1}}")),
        Just("{\"id\": \"no text\"}".to_owned()),
        Just("not json".to_owned()),
        Just(String::new()),
        any::<String>().prop_map(|t| serde_json::json!({"id": "any", "text": t}).to_string()),
    ];
    prop::collection::vec(line, 0..40)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]

    /// Every input line yields one output line, in order, and the output is the same on 1, 2
    /// and 4 threads.
    #[test]
    fn records_out_equal_records_in_on_any_number_of_threads(lines in any_jsonl()) {
        let input: String = lines.iter().map(|l| format!("{l}\n")).collect();
        let run = |threads: &str| {
            let output = chaff()
                .args(["score", "--jsonl", "--threads", threads, "-"])
                .write_stdin(input.clone())
                .output()
                .expect("chaff runs");
            proptest::prop_assert!(output.status.code() == Some(0) || output.status.code() == Some(1));
            Ok(output.stdout)
        };
        let one = run("1")?;
        let records = jsonl(&one);
        proptest::prop_assert_eq!(records.len(), lines.len());
        for (i, record) in records.iter().enumerate() {
            // An error record names its line; a scored one comes from the line in its place.
            if let Some(line) = record.get("line") {
                proptest::prop_assert_eq!(line.as_u64(), Some(i as u64 + 1));
            }
        }
        proptest::prop_assert_eq!(&run("2")?, &one);
        proptest::prop_assert_eq!(&run("4")?, &one);
        // The JSON array format parses too, with the same records.
        let array = chaff()
            .args(["score", "--jsonl", "--format", "json", "-"])
            .write_stdin(input.clone())
            .output()
            .expect("chaff runs");
        let array: Vec<Value> = serde_json::from_slice(&array.stdout).expect("a JSON array");
        proptest::prop_assert_eq!(array, records);
    }
}

/// ripgrep's conventions for what a walk takes: ignore files (`.gitignore` inside a git
/// repository, `.ignore` and `.chaffignore` anywhere), `--no-ignore`, `--hidden`, `--type`.
#[test]
fn walks_honour_ignore_files_types_and_hidden_as_ripgrep_does() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for name in [
        "a.txt",
        "b.html",
        "c.jsonl",
        "built.txt",
        "old.html",
        "skip.txt",
        ".hid.txt",
    ] {
        let body: &[u8] = if name.ends_with(".jsonl") {
            br#"{"id": "r1", "text": "A record."}"#
        } else {
            b"A page."
        };
        write(root, name, body);
    }
    std::fs::create_dir(root.join("cache")).unwrap();
    write(&root.join("cache"), "d.txt", b"A cached page.");
    // .gitignore counts only inside a git repository (ripgrep's rule): not yet.
    write(root, ".gitignore", b"built.txt\n");
    write(root, ".ignore", b"cache/\n");
    write(root, ".chaffignore", b"old.html\n{a,b\n");
    let names = |args: &[&str]| -> (Vec<String>, String) {
        let assert = chaff()
            .args(["score", "--format", "jsonl"])
            .args(args)
            .arg(root)
            .assert()
            .success();
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        let ids = jsonl(&stdout_of(assert))
            .iter()
            .map(|r| {
                let id = r["id"].as_str().unwrap();
                Path::new(id)
                    .strip_prefix(root)
                    .map_or(id.to_owned(), |p| p.display().to_string())
            })
            .collect();
        (ids, stderr)
    };
    let (ids, stderr) = names(&[]);
    assert_eq!(ids, ["a.txt", "b.html", "built.txt", "r1", "skip.txt"]);
    // The line that is not a valid glob is said, and the rest of the file still applies.
    assert!(
        stderr.contains("ignore file") && stderr.contains("{a,b"),
        "{stderr}"
    );
    let git = std::process::Command::new("git")
        .args(["init", "--quiet"])
        .current_dir(root)
        .status();
    if git.is_ok_and(|s| s.success()) {
        assert_eq!(names(&[]).0, ["a.txt", "b.html", "r1", "skip.txt"]);
    }
    assert_eq!(
        names(&["--no-ignore"]).0,
        [
            "a.txt",
            "b.html",
            "built.txt",
            "r1",
            "cache/d.txt",
            "old.html",
            "skip.txt"
        ]
    );
    assert_eq!(
        names(&["--no-ignore", "--hidden"]).0,
        [
            ".hid.txt",
            "a.txt",
            "b.html",
            "built.txt",
            "r1",
            "cache/d.txt",
            "old.html",
            "skip.txt"
        ]
    );
    assert_eq!(names(&["--type", "html,jsonl"]).0, ["b.html", "r1"]);
    assert_eq!(names(&["-t", "text", "--exclude", "skip.txt"]).0, ["a.txt"]);
    chaff()
        .args(["score", "--type", "pdf"])
        .arg(root)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("types are text, html, jsonl"));
}

#[test]
fn walks_leave_out_excluded_names_and_follow_links_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", b"A page.");
    write(dir.path(), "b.min.html", b"<p>Minified.</p>");
    std::fs::create_dir(dir.path().join("drafts")).unwrap();
    write(&dir.path().join("drafts"), "c.txt", b"A draft.");
    let elsewhere = tempfile::tempdir().unwrap();
    write(elsewhere.path(), "d.txt", b"A page linked in.");
    std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("linked")).unwrap();
    let names = |args: &[&str]| -> Vec<String> {
        let out = stdout_of(
            chaff()
                .arg("score")
                .args(args)
                .arg(dir.path())
                .assert()
                .success(),
        );
        jsonl(&out)
            .iter()
            .map(|r| {
                let id = Path::new(r["id"].as_str().unwrap());
                id.strip_prefix(dir.path()).unwrap().display().to_string()
            })
            .collect()
    };
    assert_eq!(names(&[]), ["a.txt", "b.min.html", "drafts/c.txt"]);
    assert_eq!(
        names(&["--exclude", "drafts", "--exclude", "*.min.html"]),
        ["a.txt"]
    );
    assert_eq!(
        names(&["--follow"]),
        ["a.txt", "b.min.html", "drafts/c.txt", "linked/d.txt"]
    );
    chaff()
        .args(["score", "--exclude", "[bad"])
        .arg(dir.path())
        .assert()
        .code(2);
}

/// Shell completions and manual pages come from the same clap definitions as `--help`: a new
/// option appears in them without anyone writing it twice.
#[test]
fn completions_and_manual_pages_are_generated_from_the_options() {
    let bash = String::from_utf8(stdout_of(
        chaff().args(["completions", "bash"]).assert().success(),
    ))
    .unwrap();
    assert!(
        bash.contains("--max-bytes") && bash.contains("--no-ignore"),
        "{bash}"
    );
    // The script is valid bash, where bash is installed.
    let dir = tempfile::tempdir().unwrap();
    let script = write(dir.path(), "chaff.bash", bash.as_bytes());
    if let Ok(status) = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
    {
        assert!(status.success(), "bash -n rejects the completion script");
    }
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let out = stdout_of(chaff().args(["completions", shell]).assert().success());
        assert!(String::from_utf8_lossy(&out).contains("explain"), "{shell}");
    }
    chaff().args(["completions", "tcsh"]).assert().code(2);
    let page = String::from_utf8(stdout_of(chaff().arg("man").assert().success())).unwrap();
    assert!(
        page.contains(".TH chaff 1") && page.contains("score"),
        "{page}"
    );
    chaff()
        .args(["man", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let score = std::fs::read_to_string(dir.path().join("chaff-score.1")).unwrap();
    assert!(
        score.contains(".TH chaff-score 1") && score.contains("max\\-bytes"),
        "{score}"
    );
    for page in [
        "chaff.1",
        "chaff-explain.1",
        "chaff-eval.1",
        "chaff-train.1",
    ] {
        assert!(dir.path().join(page).exists(), "{page}");
    }
}
