//! `chaff report`: the triage page holds every record, in the queue's order, with the numbers of
//! the JSON output and the evidence marked where it is; and, in a real browser (Debian's
//! Chromium, driven by `tests/browser/triage.mjs`), it sorts, filters, opens and marks as it says.

mod binary;
mod shared_data;

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use binary::{chaff, jsonl};
use serde_json::Value;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The records `chaff score` writes for `inputs`, in input order.
fn records(inputs: &[PathBuf]) -> Vec<Value> {
    let out = chaff()
        .args(["score", "--format", "jsonl"])
        .args(inputs)
        .output()
        .unwrap();
    jsonl(&out.stdout)
}

/// Writes the report of `inputs` into `dir` and returns the page.
fn report(inputs: &[PathBuf], dir: &Path) -> (PathBuf, String) {
    let page = dir.join("triage.html");
    chaff()
        .arg("report")
        .args(inputs)
        .arg("-o")
        .arg(&page)
        .assert()
        .stderr(predicates::str::contains("wrote the triage report"));
    let html = std::fs::read_to_string(&page).unwrap();
    (page, html)
}

/// The queue the page embeds, each scored document with its view (read by the page when the
/// document is opened) merged in.
fn documents(html: &str) -> Vec<Value> {
    let json_of = |start: &str| -> Option<Value> {
        let from = html.find(start)? + start.len();
        let to = from + html[from..].find("</script>").expect("the element ends");
        Some(serde_json::from_str(&html[from..to]).expect("the embedded data is JSON"))
    };
    let queue = json_of("<script id=\"chaff-data\" type=\"application/json\">")
        .expect("the page embeds its queue");
    let mut documents = queue["documents"].as_array().unwrap().clone();
    for (i, document) in documents.iter_mut().enumerate() {
        let view = json_of(&format!(
            "<script type=\"application/json\" id=\"view-{i}\">"
        ))
        .expect("a view per document");
        if let Value::Object(view) = view {
            document.as_object_mut().unwrap().extend(view);
        }
    }
    documents
}

/// The records in the queue's order: least reliable first, errors last, input order among
/// equals.
fn queue_order(records: &[Value]) -> Vec<&Value> {
    let mut order: Vec<&Value> = records.iter().collect();
    order.sort_by(|a, b| {
        let key = |r: &Value| r["reliability"].as_f64().unwrap_or(f64::INFINITY);
        key(a).total_cmp(&key(b))
    });
    order
}

#[test]
fn the_page_holds_every_record_in_queue_order_with_the_json_numbers_and_marks() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = vec![repo().join("data/examples"), dir.path().join("missing.txt")];
    let records = records(&inputs);
    let (_, html) = report(&inputs, dir.path());
    let documents = documents(&html);
    let expected = queue_order(&records);
    assert_eq!(documents.len(), records.len(), "one entry per record");
    assert!(
        expected.last().unwrap()["error"].is_string(),
        "the missing file is an error record, last"
    );
    let mut marks = 0;
    for (entry, record) in documents.iter().zip(expected) {
        assert_eq!(entry["id"], record["id"]);
        if record["error"].is_string() {
            assert_eq!(entry["error"], record["error"]);
            continue;
        }
        for key in [
            "reliability",
            "spam",
            "quality",
            "spam_logit",
            "quality_logit",
        ] {
            assert_eq!(entry[key], record[key], "{} {key}", record["id"]);
        }
        // Each mark's span, in UTF-16 units of the readable text, holds the evidence's text.
        let text: Vec<u16> = entry["text"].as_str().unwrap().encode_utf16().collect();
        let evidence = record["evidence"].as_array().unwrap();
        let entry_marks = entry["marks"].as_array().unwrap();
        assert_eq!(entry_marks.len(), evidence.len());
        for (mark, e) in entry_marks.iter().zip(evidence) {
            let at = |i: usize| mark[i].as_u64().unwrap() as usize;
            let marked = String::from_utf16(&text[at(0)..at(1)]).unwrap();
            let quoted = e["text"].as_str().unwrap();
            match quoted.strip_suffix('…').filter(|_| marked.len() > 300) {
                Some(prefix) => assert!(marked.starts_with(prefix)),
                None => assert_eq!(marked, quoted, "{}", record["id"]),
            }
            assert_eq!(mark[2], e["signal"]);
            marks += 1;
        }
    }
    assert!(marks > 100, "the examples have evidence to mark ({marks})");
}

#[test]
fn the_page_is_self_contained_and_no_document_text_escapes_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = dir.path().join("hostile.txt");
    let text = "Order now! </script><script>alert(1)</script> <!-- and <img src=https://example.org/x.png>";
    std::fs::write(&hostile, text).unwrap();
    let (_, html) = report(std::slice::from_ref(&hostile), dir.path());
    assert!(
        !html.contains("alert(1)</script>"),
        "the text cannot close the data element"
    );
    assert!(!html.contains("<img src=https"));
    let lower = html.to_lowercase();
    for external in [
        "<script src",
        "<link",
        "src=\"http",
        "href=\"http",
        "@import",
        "url(http",
    ] {
        assert!(
            !lower.contains(external),
            "the page loads nothing: {external}"
        );
    }
    assert!(lower.contains("content-security-policy") && lower.contains("default-src 'none'"));
    let documents = documents(&html);
    assert_eq!(documents[0]["text"], text, "the text comes back whole");
}

#[test]
fn an_output_file_that_cannot_be_written_is_an_error_before_scoring() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("no/such/folder/triage.html");
    chaff()
        .args(["report", "-o"])
        .arg(&out)
        .arg(repo().join("data/examples/pages"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no/such/folder/triage.html"));
}

/// The browser test: Debian's headless Chromium (`chromium`) and Playwright's driver
/// (`npm ci` in tests/browser); `.ci/run` installs both.
#[test]
fn triage_report_in_chromium() {
    let browser = repo().join("tests/browser");
    let driver = browser.join("node_modules/playwright-core");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    if !shared_data::present_for(
        "triage_report_in_chromium",
        &[&chromium, driver.to_str().unwrap()],
        "apt-get install chromium, and `npm ci` in tests/browser",
    ) || !shared_data::present("triage_report_in_chromium", &["../shared/pages"])
    {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let inputs = vec![repo().join("../shared/pages"), repo().join("data/examples")];
    let records_path = dir.path().join("records.jsonl");
    let records = records(&inputs);
    let lines: Vec<String> = records.iter().map(Value::to_string).collect();
    std::fs::write(&records_path, lines.join("\n") + "\n").unwrap();
    let (page, _) = report(&inputs, dir.path());
    // Screenshots are kept where a person can look at them after the run.
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("triage-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let out = Process::new("node")
        .arg(browser.join("triage.mjs"))
        .args([&page, &records_path, &shots])
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "the browser checks failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for shot in ["queue.png", "document.png", "queue-phone-dark.png"] {
        assert!(
            shots.join(shot).metadata().unwrap().len() > 10_000,
            "{shot}"
        );
    }
}
