//! WARC and WET input: the pages of `response` records and the texts of `conversion` records
//! are scored, with the record's URL, id, date and content type; other records are skipped and
//! counted; gzip per record reads as plain; a broken record is an error record naming the file
//! the record and the byte offset, and the run goes on.

mod binary;

use std::io::Write;
use std::path::Path;

use binary::{chaff, jsonl};
use serde_json::Value;

/// One WARC record: its headers (with `uri` when given) and its block.
fn record(kind: &str, id: &str, uri: Option<&[u8]>, content_type: &str, block: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{id}>\r\n\
         WARC-Date: 2026-12-05T08:00:00Z\r\n"
    )
    .into_bytes();
    if let Some(uri) = uri {
        out.extend_from_slice(b"WARC-Target-URI: ");
        out.extend_from_slice(uri);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(
        format!(
            "Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

/// The records of a small crawl, written for this test: a page in Latin-1 that sells, a
/// request, an image, a WET conversion and the file's warcinfo.
fn crawl() -> Vec<Vec<u8>> {
    let mut page = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=ISO-8859-1\r\n\r\n\
        <html><head><title>Caf\xe9 cure</title></head><body><p>This miracle cure works! \
        Order now for only $49.</p></body></html>"
        .to_vec();
    page.extend_from_slice(b"\n");
    vec![
        record(
            "warcinfo",
            "0",
            None,
            "application/warc-fields",
            b"software: a test\r\n",
        ),
        record(
            "request",
            "1",
            Some(b"https://shop.example.org/cure"),
            "application/http; msgtype=request",
            b"GET /cure HTTP/1.1\r\n\r\n",
        ),
        record(
            "response",
            "2",
            Some(b"https://shop.example.org/cure"),
            "application/http; msgtype=response",
            &page,
        ),
        record(
            "response",
            "3",
            Some(b"https://shop.example.org/logo.png"),
            "application/http; msgtype=response",
            b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG",
        ),
        record(
            "conversion",
            "4",
            Some(b"https://news.example.org/trial"),
            "text/plain",
            b"The trial of 412 adults, funded by the NIH, found a 12% lower risk.",
        ),
    ]
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// The records written as `NAME.warc` and as `NAME.warc.gz` (gzip per record), in `dir`.
fn plain_and_gzipped(dir: &Path, name: &str, records: &[Vec<u8>]) -> [std::path::PathBuf; 2] {
    let plain = dir.join(format!("{name}.warc"));
    std::fs::write(&plain, records.concat()).unwrap();
    let compressed = dir.join(format!("{name}.warc.gz"));
    std::fs::write(
        &compressed,
        records.iter().flat_map(|r| gzip(r)).collect::<Vec<u8>>(),
    )
    .unwrap();
    [plain, compressed]
}

fn score(paths: &[&Path]) -> (Vec<Value>, String, Option<i32>) {
    let out = chaff()
        .args(["score", "--format", "jsonl"])
        .args(paths)
        .output()
        .unwrap();
    (
        jsonl(&out.stdout),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

#[test]
fn pages_and_texts_are_scored_with_their_warc_fields_and_the_rest_counted() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("crawl.warc");
    std::fs::write(&plain, crawl().concat()).unwrap();
    let (records, stderr, code) = score(&[&plain]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(records.len(), 2, "{records:?}");
    let (page, text) = (&records[0], &records[1]);
    assert_eq!(page["id"], "<urn:uuid:2>");
    assert_eq!(page["url"], "https://shop.example.org/cure");
    assert_eq!(page["warc_record_id"], "<urn:uuid:2>");
    assert_eq!(page["warc_date"], "2026-12-05T08:00:00Z");
    assert_eq!(page["content_type"], "text/html; charset=ISO-8859-1");
    assert_eq!(page["format"], "html");
    assert_eq!(
        page["title"], "Café cure",
        "decoded as the header's charset"
    );
    assert!(page["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["text"] == "miracle"));
    assert_eq!(text["format"], "text");
    assert_eq!(text["url"], "https://news.example.org/trial");
    assert!(
        stderr.contains("skipped 1 request, 1 response (image/png), 1 warcinfo records"),
        "{stderr}"
    );
    // Common Crawl's layout, gzip per record, reads the same; so does a directory walk.
    let compressed = dir.path().join("crawl.warc.gz");
    let members: Vec<u8> = crawl().iter().flat_map(|r| gzip(r)).collect();
    std::fs::write(&compressed, members).unwrap();
    let (again, _, _) = score(&[&compressed]);
    let strip = |r: &Value| {
        let mut r = r.clone();
        r.as_object_mut().unwrap().remove("id");
        r
    };
    assert_eq!(
        again.iter().map(strip).collect::<Vec<_>>(),
        records.iter().map(strip).collect::<Vec<_>>()
    );
    std::fs::remove_file(&plain).unwrap();
    let (walked, _, _) = score(&[dir.path()]);
    assert_eq!(walked.len(), 2, "the walk takes .warc.gz files");
    // --warc reads a file as WARC whatever its name.
    let unnamed = dir.path().join("crawl-00001");
    std::fs::write(&unnamed, crawl().concat()).unwrap();
    let (named, _, _) = score(&[&unnamed]);
    assert_eq!(named.len(), 1, "without --warc, one page of text");
    let out = chaff()
        .args(["score", "--format", "jsonl", "--warc"])
        .arg(&unnamed)
        .output()
        .unwrap();
    assert_eq!(jsonl(&out.stdout).len(), 2);
    // So does a stream on stdin, gzip per record, as `aws s3 cp ... - | chaff score --warc`.
    let out = chaff()
        .args(["score", "--format", "jsonl", "--warc"])
        .write_stdin(crawl().iter().flat_map(|r| gzip(r)).collect::<Vec<u8>>())
        .output()
        .unwrap();
    assert_eq!(
        jsonl(&out.stdout).iter().map(strip).collect::<Vec<_>>(),
        records.iter().map(strip).collect::<Vec<_>>()
    );
}

#[test]
fn a_broken_record_is_an_error_record_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("a-broken.warc");
    let mut bytes = crawl()[..3].concat();
    // A record that says it is longer than what follows.
    bytes.extend_from_slice(b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:9>\r\nWARC-Date: 2026-12-05T08:00:00Z\r\nContent-Length: 5000\r\n\r\nHTTP/1.1 200 OK\r\n");
    std::fs::write(&broken, bytes).unwrap();
    let good = dir.path().join("b-good.wet");
    std::fs::write(&good, crawl()[4..].concat()).unwrap();
    let (records, stderr, code) = score(&[&broken, &good]);
    assert_eq!(code, Some(1), "an error record: {stderr}");
    assert_eq!(records.len(), 3, "{records:?}");
    assert_eq!(records[0]["id"], "<urn:uuid:2>");
    let error = &records[1];
    assert!(
        error["file"].as_str().unwrap().ends_with("a-broken.warc"),
        "{error}"
    );
    let message = error["error"].as_str().unwrap();
    assert!(
        message.contains("<urn:uuid:9>: truncated") && message.contains("at byte"),
        "{error}"
    );
    assert_eq!(records[2]["id"], "<urn:uuid:4>", "the next file is read");
}

/// A record whose headers cannot be parsed (its length unknown) is one error record, and
/// reading resumes at the next record of the same file, plain or gzip per record.
#[test]
fn reading_resumes_after_a_record_with_broken_headers() {
    let dir = tempfile::tempdir().unwrap();
    let garbled = b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:8>\r\n\
        Content-Length: many\r\n\r\nHTTP/1.1 200 OK\r\n\r\n<p>Buy now!</p>\r\n\r\n"
        .to_vec();
    let records = [
        crawl()[2].clone(),
        garbled,
        crawl()[4].clone(),
        crawl()[2].clone(),
    ];
    let [plain, compressed] = plain_and_gzipped(dir.path(), "garbled", &records);
    for path in [&plain, &compressed] {
        let (out, stderr, code) = score(&[path]);
        assert_eq!(code, Some(1), "{stderr}");
        let ids: Vec<&Value> = out.iter().map(|r| &r["id"]).collect();
        assert_eq!(out.len(), 4, "{out:?}");
        assert_eq!(ids[0], "<urn:uuid:2>");
        let message = out[1]["error"].as_str().unwrap();
        let at = records[0].len();
        let resumed = at + records[1].len();
        assert!(
            message.contains(&format!(
                "the record at byte {at} (decompressed): malformed WARC headers"
            )) && message.contains(&format!(
                "reading resumed at the next record, byte {resumed}"
            )),
            "{message}"
        );
        assert_eq!(ids[2], "<urn:uuid:4>");
        assert_eq!(ids[3], "<urn:uuid:2>");
    }
    // Garbage with no record after it ends the file with one error record.
    let tail = dir.path().join("tail.warc");
    let mut bytes = crawl()[2].clone();
    bytes.extend_from_slice(b"WARC/1.0\r\nnot a header\r\n\r\n");
    bytes.extend_from_slice(&[b'x'; 200_000]);
    std::fs::write(&tail, bytes).unwrap();
    let (out, _, _) = score(&[&tail]);
    assert_eq!(out.len(), 2, "{out:?}");
    assert!(out[1]["error"]
        .as_str()
        .unwrap()
        .contains("no record follows it"));
}

/// A record of 20 MB (a page of 20 MB of HTML) is scored like any other, between small records,
/// plain and gzip per record; with `--max-bytes` below its size it is an error record and the
/// next record is read.
#[test]
fn a_record_of_20_mb_is_scored_and_a_limit_below_it_skips_only_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut page = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body>".to_vec();
    let paragraph =
        b"<p>The trial of 412 adults found that less salt lowered blood pressure.</p>\n";
    while page.len() < 20 << 20 {
        page.extend_from_slice(paragraph);
    }
    page.extend_from_slice(b"</body></html>");
    let big = record(
        "response",
        "7",
        Some(b"https://news.example.org/big"),
        "application/http; msgtype=response",
        &page,
    );
    let records = [crawl()[2].clone(), big, crawl()[4].clone()];
    let [plain, compressed] = plain_and_gzipped(dir.path(), "big", &records);
    for path in [&plain, &compressed] {
        let (out, stderr, code) = score(&[path]);
        assert_eq!(code, Some(0), "{stderr}");
        let ids: Vec<&Value> = out.iter().map(|r| &r["id"]).collect();
        assert_eq!(ids, ["<urn:uuid:2>", "<urn:uuid:7>", "<urn:uuid:4>"]);
        assert!(
            out[1]["words"].as_u64().unwrap() > 2_000_000,
            "{}",
            out[1]["words"]
        );
        assert_eq!(out[1]["url"], "https://news.example.org/big");
    }
    let out = chaff()
        .args(["score", "--format", "jsonl", "--max-bytes", "1000000"])
        .arg(&compressed)
        .output()
        .unwrap();
    let out = jsonl(&out.stdout);
    assert_eq!(out.len(), 3, "{out:?}");
    assert!(
        out[1]["error"].as_str().unwrap().contains("<urn:uuid:7>"),
        "{}",
        out[1]
    );
    assert_eq!(out[2]["id"], "<urn:uuid:4>", "the record after it is read");
}

/// A header value that is not UTF-8 (a raw byte in a URL) is read with the byte replaced: the
/// `warc` crate's own record reader panicked on it (found by the `warc_records` fuzz target).
#[test]
fn a_url_with_a_raw_byte_is_read_lossily() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("raw.warc");
    let page = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>A miracle cure.</p>";
    let bytes = record(
        "response",
        "7",
        Some(b"https://sho\xF0.example.org/cure"),
        "application/http",
        page,
    );
    std::fs::write(&path, bytes).unwrap();
    let (records, stderr, code) = score(&[&path]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(records[0]["url"], "https://sho\u{FFFD}.example.org/cure");
}
