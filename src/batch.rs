//! Batch input and output records: files, directories, stdin and JSON Lines. (Labelled data
//! for training is read by `training::data`.)
//!
//! Every input record yields exactly one output record: a score, or an error that names the file
//! or the line. Nothing here stops a run because one record is bad.

use std::io::BufRead;
use std::path::Path;

use serde_json::{Map, Value};

use crate::document::Format;
use crate::report::Report;
use crate::source::{decode, decode_in, looks_binary, OffsetMap};
use crate::suppression::Origin;
use crate::Scorer;

/// A document ready to score.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The text (plain or HTML), decoded.
    pub text: String,
    /// Plain text or HTML.
    pub format: Format,
    /// From `text` back to the raw bytes (identity for valid UTF-8).
    pub raw_map: OffsetMap,
    /// True when bytes not valid in `encoding` were replaced.
    pub lossy: bool,
    /// The encoding the bytes were read in: UTF-8 but for a byte-order mark that says UTF-16,
    /// or an HTML page that is not valid UTF-8 and declares another in a `<meta>` tag.
    pub encoding: &'static encoding_rs::Encoding,
}

/// Decodes raw bytes into a document, or says why it cannot be scored. The format comes from
/// the file extension when there is one that tells, else from the content.
pub fn load_bytes(bytes: Vec<u8>, path: Option<&Path>) -> Result<Loaded, String> {
    // A UTF-16 page holds NUL bytes: its byte-order mark is looked at before they are.
    let utf16 = encoding_rs::Encoding::for_bom(&bytes).filter(|&(e, _)| e != encoding_rs::UTF_8);
    let decoded = match utf16 {
        Some((encoding, bom)) => decode_in(&bytes, bom, encoding),
        None if looks_binary(&bytes) => {
            return Err("binary content (NUL bytes): not scored".to_owned());
        }
        // A page that is not UTF-8 and says what it is (`<meta charset="windows-1252">`) is
        // read in that encoding.
        None => decode(bytes, crate::html::declared_charset),
    };
    let format = format_of(path, &decoded.text);
    Ok(Loaded {
        text: decoded.text,
        format,
        raw_map: decoded.map,
        lossy: decoded.lossy,
        encoding: decoded.encoding,
    })
}

fn format_of(path: Option<&Path>, text: &str) -> Format {
    let extension = path
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("html" | "htm" | "xhtml") => Format::Html,
        Some("txt" | "text" | "md") => Format::Text,
        _ if crate::html::looks_like_html(text) => Format::Html,
        _ => Format::Text,
    }
}

/// One JSON Lines input record, parsed.
#[derive(Debug, Clone)]
pub struct JsonRecord {
    /// The record's `id`.
    pub id: String,
    /// Its `text` or `html`.
    pub input: String,
    /// Which of the two it had.
    pub format: Format,
    /// Every other field, passed through to the output, in input order; a field named like
    /// an output field is renamed (see [`renamed_field`]).
    pub extra: Map<String, Value>,
    /// The input fields renamed because an output field has their name.
    pub renamed: Vec<&'static str>,
}

/// The name an input field named like an output field (`reliability`, `verdict`, ...) is
/// passed through under, so that neither value is lost.
pub fn renamed_field(name: &str) -> String {
    format!("input_{name}")
}

/// Why a JSON Lines record could not be scored, with its id when it had one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// The record's id, if it could be read.
    pub id: Option<String>,
    /// What is wrong.
    pub reason: String,
}

/// Parses one JSON Lines record: an object with `id` (string or integer) and a string `text` or
/// `html`.
pub fn parse_record(line: &str) -> Result<JsonRecord, RecordError> {
    let fail = |id: Option<String>, reason: String| RecordError { id, reason };
    if line.trim().is_empty() {
        return Err(fail(None, "empty line".to_owned()));
    }
    let value: Value =
        serde_json::from_str(line).map_err(|e| fail(None, format!("invalid JSON: {e}")))?;
    let Value::Object(mut object) = value else {
        return Err(fail(None, "a record must be a JSON object".to_owned()));
    };
    // `shift_remove` keeps the other fields in input order (`remove` would swap the last
    // field into the removed one's place).
    let id = match object.shift_remove("id") {
        Some(Value::String(s)) => s,
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => n.to_string(),
        Some(other) => {
            return Err(fail(
                None,
                format!("`id` must be a string or an integer, not {}", kind(&other)),
            ))
        }
        None => return Err(fail(None, "missing `id`".to_owned())),
    };
    let (input, format) = match (object.shift_remove("text"), object.shift_remove("html")) {
        (Some(Value::String(text)), None) => (text, Format::Text),
        (None, Some(Value::String(html))) => (html, Format::Html),
        (Some(_), Some(_)) => {
            return Err(fail(
                Some(id),
                "a record has `text` or `html`, not both".to_owned(),
            ))
        }
        (Some(other), None) | (None, Some(other)) => {
            return Err(fail(
                Some(id),
                format!("`text`/`html` must be a string, not {}", kind(&other)),
            ))
        }
        (None, None) => return Err(fail(Some(id), "missing `text` or `html`".to_owned())),
    };
    if input.contains('\0') {
        return Err(fail(
            Some(id),
            "binary content (NUL characters): not scored".to_owned(),
        ));
    }
    // A record's own fields are few: they are looked up among the output fields, not the
    // other way round, and the map is rebuilt only when one collides.
    let output_field = |name: &str| Report::FIELDS.iter().copied().find(|&f| f == name);
    let renamed: Vec<&'static str> = object.keys().filter_map(|k| output_field(k)).collect();
    if !renamed.is_empty() {
        object = object
            .into_iter()
            .map(|(name, value)| match output_field(&name) {
                Some(_) => (renamed_field(&name), value),
                None => (name, value),
            })
            .collect();
    }
    Ok(JsonRecord {
        id,
        input,
        format,
        extra: object,
        renamed,
    })
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads JSON Lines from `reader`, calling `each` with the 1-based line number and the line's
/// text (invalid UTF-8 replaced, with `true` as the third argument when it was).
pub fn for_each_line(
    reader: impl BufRead,
    mut each: impl FnMut(usize, &str, bool),
) -> std::io::Result<()> {
    let mut lines = Lines::new(reader);
    while let Some((line, text, lossy)) = lines.next_line()? {
        each(line, &text, lossy);
    }
    Ok(())
}

/// The first record of a JSON Lines reader whose `id` is `id`, with its line number; lines
/// longer than `max_bytes` and lines that are not records are passed over (they are no record
/// with that id).
pub fn find_record(
    reader: impl BufRead,
    id: &str,
    max_bytes: usize,
) -> std::io::Result<Option<(usize, JsonRecord)>> {
    let mut lines = Lines::new(reader).with_max_bytes(max_bytes);
    let mut text = String::new();
    while let Some(line) = {
        text.clear();
        lines.next_line_onto(&mut text)?
    } {
        // Most lines are not the one: a line that holds the id nowhere, even escaped (a
        // backslash), is passed over without being parsed.
        if !text.contains(id) && !text.contains('\\') {
            continue;
        }
        if let Ok(record) = parse_record(&text) {
            if record.id == id {
                return Ok(Some((line.number, record)));
            }
        }
    }
    Ok(None)
}

/// The lines of a JSON Lines reader, one at a time.
pub struct Lines<R> {
    reader: R,
    buffer: Vec<u8>,
    line: usize,
    /// Lines longer than this are not kept (see [`Line::oversized`]).
    max_bytes: usize,
}

/// What [`Lines::next_line_onto`] read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// The 1-based line number.
    pub number: usize,
    /// Whether invalid UTF-8 was replaced.
    pub lossy: bool,
    /// The line's length in bytes when it is longer than the reader's limit: then nothing of
    /// it was appended, and it was read past without being held in memory.
    pub oversized: Option<u64>,
}

impl<R: BufRead> Lines<R> {
    /// Lines from `reader`, numbered from 1.
    pub fn new(reader: R) -> Self {
        Lines {
            reader,
            buffer: Vec::new(),
            line: 0,
            max_bytes: usize::MAX,
        }
    }

    /// Lines of at most `max_bytes` bytes (without their line ending); longer ones are read
    /// past and reported by their length.
    pub fn with_max_bytes(mut self, max_bytes: usize) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// The number of lines read so far.
    pub fn lines_read(&self) -> usize {
        self.line
    }

    /// The next line: its 1-based number, its text (line ending removed, invalid UTF-8
    /// replaced) and whether anything was replaced; `None` at the end.
    pub fn next_line(&mut self) -> std::io::Result<Option<(usize, String, bool)>> {
        let mut text = String::new();
        let next = self.next_line_onto(&mut text)?;
        Ok(next.map(|line| (line.number, text, line.lossy)))
    }

    /// [`Lines::next_line`], with the text appended to `text`.
    pub fn next_line_onto(&mut self, text: &mut String) -> std::io::Result<Option<Line>> {
        self.buffer.clear();
        // Up to the line ending, keeping at most the limit and the ending's two bytes: a line
        // of gigabytes is read through in the reader's buffer, never held whole.
        let keep = self.max_bytes.saturating_add(2);
        let mut total: u64 = 0;
        let mut ended = false;
        let mut ending = 0; // bytes of the line ending: "\n" or "\r\n"
        let mut last = None; // the last byte read before this piece
        while !ended {
            let available = match self.reader.fill_buf() {
                Ok(available) => available,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                break;
            }
            let used = match memchr::memchr(b'\n', available) {
                Some(i) => {
                    ended = true;
                    let before = if i > 0 {
                        available.get(i - 1).copied()
                    } else {
                        last
                    };
                    ending = 1 + usize::from(before == Some(b'\r'));
                    i + 1
                }
                None => available.len(),
            };
            last = available[..used].last().copied();
            let room = keep.saturating_sub(self.buffer.len());
            self.buffer.extend_from_slice(&available[..used.min(room)]);
            total += used as u64;
            self.reader.consume(used);
        }
        if total == 0 {
            return Ok(None);
        }
        self.line += 1;
        if self.buffer.len() as u64 == total {
            while matches!(self.buffer.last(), Some(b'\n' | b'\r')) {
                self.buffer.pop();
                total -= 1;
            }
        } else {
            total -= ending as u64; // a line cut short: its ending was not kept
        }
        if total > self.max_bytes as u64 {
            return Ok(Some(Line {
                number: self.line,
                lossy: false,
                oversized: Some(total),
            }));
        }
        // A UTF-8 byte-order mark, which editors on Windows write, starts a file, not a record.
        if self.line == 1 && self.buffer.starts_with(b"\xef\xbb\xbf") {
            self.buffer.drain(..3);
        }
        // Validation first (vectorised); the replacing decoder only for invalid lines.
        let lossy = match std::str::from_utf8(&self.buffer) {
            Ok(valid) => {
                text.push_str(valid);
                false
            }
            Err(_) => {
                text.push_str(&String::from_utf8_lossy(&self.buffer));
                true
            }
        };
        Ok(Some(Line {
            number: self.line,
            lossy,
            oversized: None,
        }))
    }
}

/// One output record: a score or an error.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The document was scored.
    Scored {
        /// Path or record id.
        id: String,
        /// The score.
        report: Box<Report>,
        /// Input fields passed through.
        extra: Map<String, Value>,
    },
    /// The document could not be scored.
    Failed {
        /// Path or record id, if known.
        id: Option<String>,
        /// The JSON Lines file the record came from (none for stdin or a plain file).
        file: Option<String>,
        /// Input line, for JSON Lines.
        line: Option<usize>,
        /// What is wrong.
        error: String,
    },
}

impl Outcome {
    /// Scores a loaded file; with `explain`, each piece of evidence carries its sentence (for
    /// `chaff explain`).
    pub fn from_loaded(scorer: &Scorer, id: String, loaded: &Loaded, explain: bool) -> Self {
        let origin = Origin {
            path: Some(&id),
            url: None,
        };
        let mut report = if explain {
            scorer.explain_from(&loaded.text, loaded.format, &origin)
        } else {
            scorer.score_from(&loaded.text, loaded.format, &origin)
        };
        report.remap_offsets(&loaded.raw_map);
        Outcome::Scored {
            id,
            report: Box::new(report),
            extra: Map::new(),
        }
    }

    /// Scores a parsed JSON Lines record read from `file` (none: stdin); with `explain`, each
    /// piece of evidence carries its sentence.
    pub fn from_record(
        scorer: &Scorer,
        record: JsonRecord,
        file: Option<&str>,
        explain: bool,
    ) -> Self {
        let JsonRecord {
            id,
            input,
            format,
            extra,
            ..
        } = record;
        Self::from_parts(scorer, id, &input, format, extra, file, explain)
    }

    /// Scores a record given by its parts, so that a reader which keeps its records (a WARC
    /// chunk) lends the text rather than copying it.
    pub fn from_parts(
        scorer: &Scorer,
        id: String,
        input: &str,
        format: Format,
        extra: Map<String, Value>,
        file: Option<&str>,
        explain: bool,
    ) -> Self {
        let origin = Origin {
            path: file,
            url: extra.get("url").and_then(Value::as_str),
        };
        let report = if explain {
            scorer.explain_from(input, format, &origin)
        } else {
            scorer.score_from(input, format, &origin)
        };
        Outcome::Scored {
            id,
            report: Box::new(report),
            extra,
        }
    }

    /// Scores one JSON Lines record, or records why it cannot be scored.
    pub fn from_line(scorer: &Scorer, line_number: usize, line: &str) -> Self {
        Self::from_line_noting(scorer, line_number, line, None, &|_| {})
    }

    /// [`Outcome::from_line`] for a line of `file` (none: stdin, or a file the caller names in
    /// error records itself), telling `renamed` the input fields passed through under another
    /// name because an output field has theirs.
    pub fn from_line_noting(
        scorer: &Scorer,
        line_number: usize,
        line: &str,
        file: Option<&str>,
        renamed: &dyn Fn(&'static str),
    ) -> Self {
        match parse_record(line) {
            Ok(record) => {
                record.renamed.iter().for_each(|&name| renamed(name));
                Self::from_record(scorer, record, file, false)
            }
            Err(e) => Outcome::Failed {
                id: e.id,
                file: file.map(str::to_owned),
                line: Some(line_number),
                error: e.reason,
            },
        }
    }

    /// The reliability, for scored records.
    pub fn reliability(&self) -> Option<f64> {
        match self {
            Outcome::Scored { report, .. } => Some(report.reliability),
            Outcome::Failed { .. } => None,
        }
    }

    /// The id, if known.
    pub fn id(&self) -> Option<&str> {
        match self {
            Outcome::Scored { id, .. } => Some(id),
            Outcome::Failed { id, .. } => id.as_deref(),
        }
    }

    /// Writes the record as one line of JSON (no newline), as [`Outcome::to_json`] would give it,
    /// but without building it in memory first.
    pub fn write_json(&self, mut writer: impl std::io::Write) -> serde_json::Result<()> {
        match self {
            Outcome::Scored { id, report, extra }
                if !extra
                    .keys()
                    .any(|k| k == "id" || Report::FIELDS.contains(&k.as_str())) =>
            {
                write_scored(&mut writer, id, extra, report).map_err(serde_json::Error::io)
            }
            _ => serde_json::to_writer(writer, &self.to_json()),
        }
    }

    /// The record as a JSON object: `id`, then the input's extra fields, then the report's
    /// fields (which win over an extra field of the same name), or `id`, `line` and `error`.
    pub fn to_json(&self) -> Value {
        let mut object = Map::new();
        match self {
            Outcome::Scored { id, report, extra } => {
                object.insert("id".to_owned(), Value::String(id.clone()));
                object.extend(extra.clone());
                if let Ok(Value::Object(fields)) = serde_json::to_value(report) {
                    object.extend(fields);
                }
            }
            Outcome::Failed {
                id,
                file,
                line,
                error,
            } => {
                object.insert(
                    "id".to_owned(),
                    id.clone().map_or(Value::Null, Value::String),
                );
                if let Some(file) = file {
                    object.insert("file".to_owned(), Value::String(file.clone()));
                }
                if let Some(line) = line {
                    object.insert("line".to_owned(), Value::from(*line));
                }
                object.insert("error".to_owned(), Value::String(error.clone()));
            }
        }
        Value::Object(object)
    }
}

/// A scored record as one line of JSON: the id, the input's extra fields, the report's fields.
fn write_scored(
    out: &mut impl std::io::Write,
    id: &str,
    extra: &Map<String, Value>,
    report: &Report,
) -> std::io::Result<()> {
    crate::report::field(out, b"{\"id\":", &id)?;
    for (name, value) in extra {
        crate::report::field(out, b",", name)?;
        crate::report::field(out, b":", value)?;
    }
    out.write_all(b",")?;
    report.write_json_fields(out)?;
    out.write_all(b"}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines over the limit are reported by their exact length (without the line ending),
    /// whichever way the reader's buffer cuts them, and the next line is read whole.
    #[test]
    fn lines_over_the_limit_are_measured_and_read_past() {
        let input = "short\r\nmuch longer line\r\n12345\nlast line without ending";
        for capacity in 1..=8 {
            let reader = std::io::BufReader::with_capacity(capacity, input.as_bytes());
            let mut lines = Lines::new(reader).with_max_bytes(5);
            let mut seen = Vec::new();
            let mut text = String::new();
            while let Some(line) = lines.next_line_onto(&mut text).unwrap() {
                seen.push((line.number, line.oversized, std::mem::take(&mut text)));
            }
            assert_eq!(
                seen,
                [
                    (1, None, "short".to_owned()),
                    (2, Some(16), String::new()),
                    (3, None, "12345".to_owned()),
                    (4, Some(24), String::new()),
                ],
                "buffer of {capacity} bytes"
            );
        }
    }

    #[test]
    fn records_need_an_id_and_a_string_text_or_html() {
        let ok = parse_record(r#"{"id": 7, "html": "<p>x</p>", "label": "reliable"}"#).unwrap();
        assert_eq!(ok.id, "7");
        assert_eq!(ok.format, Format::Html);
        assert_eq!(ok.extra.get("label"), Some(&Value::from("reliable")));

        let cases = [
            ("", None, "empty line"),
            ("{not json", None, "invalid JSON"),
            ("[1, 2]", None, "JSON object"),
            (r#"{"text": "x"}"#, None, "missing `id`"),
            (r#"{"id": [1], "text": "x"}"#, None, "`id` must be"),
            (r#"{"id": "a"}"#, Some("a"), "missing `text`"),
            (
                r#"{"id": "b", "text": 42}"#,
                Some("b"),
                "must be a string, not a number",
            ),
            (
                r#"{"id": "c", "text": "x", "html": "y"}"#,
                Some("c"),
                "not both",
            ),
            (r#"{"id": "d", "text": "a\u0000b"}"#, Some("d"), "binary"),
        ];
        for (line, id, reason) in cases {
            let err = parse_record(line).unwrap_err();
            assert_eq!(err.id.as_deref(), id, "{line}");
            assert!(err.reason.contains(reason), "{line}: {}", err.reason);
        }
    }

    #[test]
    fn files_with_nul_bytes_are_refused_and_bad_utf8_is_replaced() {
        assert!(load_bytes(b"\x00\x01binary".to_vec(), None).is_err());
        let loaded = load_bytes(b"caf\xe9 au lait".to_vec(), Some(Path::new("a.txt"))).unwrap();
        assert!(loaded.lossy);
        assert_eq!(loaded.text, "caf\u{FFFD} au lait");
        assert_eq!(loaded.format, Format::Text);
    }

    #[test]
    fn pages_are_read_in_the_encoding_they_declare_or_their_byte_order_mark_says() {
        // windows-1252: é is E9, the em dash 97, the right quote 92.
        let page: &[u8] = b"<html><head><meta http-equiv=\"Content-Type\" \
            content=\"text/html; charset=ISO-8859-1\"></head><body><p>Caf\xe9 \x97 it\x92s \
            bosom malignancy.</p></body></html>";
        let loaded = load_bytes(page.to_vec(), Some(Path::new("a.html"))).unwrap();
        assert!(!loaded.lossy);
        assert_eq!(loaded.encoding, encoding_rs::WINDOWS_1252);
        assert!(loaded.text.contains("Café — it’s bosom malignancy."));
        // Every decoded character leads back to its byte.
        let at = loaded.text.find("it’s").unwrap();
        let raw = loaded.raw_map.map_range(at..at + "it’s".len());
        assert_eq!(&page[raw], b"it\x92s");
        let at = loaded.text.find("bosom").unwrap();
        let raw = loaded.raw_map.map_range(at..at + 5);
        assert_eq!(&page[raw], b"bosom");
        // A declaration that valid UTF-8 contradicts is a scraper's leftover: UTF-8 wins.
        let reencoded = "<meta charset=\"windows-1252\"><p>Café</p>".as_bytes();
        let loaded = load_bytes(reencoded.to_vec(), None).unwrap();
        assert_eq!(loaded.encoding, encoding_rs::UTF_8);
        assert!(loaded.text.contains("Café"));
        // UTF-16 with a byte-order mark is text, not binary for its NUL bytes.
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("Order now!".encode_utf16().flat_map(u16::to_le_bytes));
        let loaded = load_bytes(utf16.clone(), Some(Path::new("a.txt"))).unwrap();
        assert_eq!(loaded.text, "Order now!");
        assert_eq!(&utf16[loaded.raw_map.map_range(6..9)], b"n\0o\0w\0");
        // Malformed bytes in the declared encoding are replaced, and said.
        let sjis = b"<meta charset=shift_jis><p>\x82\xa0 \x82</p>";
        let loaded = load_bytes(sjis.to_vec(), None).unwrap();
        assert_eq!(loaded.encoding, encoding_rs::SHIFT_JIS);
        assert!(
            loaded.lossy && loaded.text.contains('あ'),
            "{}",
            loaded.text
        );
    }

    #[test]
    fn format_follows_extension_then_content() {
        let html = b"<p>hello</p>";
        assert_eq!(
            load_bytes(html.to_vec(), Some(Path::new("a.txt")))
                .unwrap()
                .format,
            Format::Text
        );
        assert_eq!(
            load_bytes(html.to_vec(), Some(Path::new("a.dat")))
                .unwrap()
                .format,
            Format::Html
        );
        assert_eq!(
            load_bytes(b"hello".to_vec(), Some(Path::new("a.htm")))
                .unwrap()
                .format,
            Format::Html
        );
    }

    #[test]
    fn direct_json_equals_the_built_json() {
        let scorer = Scorer::default();
        let many = "This miracle cure works! ".repeat(60);
        let lines = [
            r#"{"id": "a", "text": "Miracle cure! Order now.", "source": "crawl", "n": 3}"#
                .to_owned(),
            r#"{"id": "b", "text": "Plain text.", "verdict": "input's own verdict"}"#.to_owned(),
            r#"{"id": "c"}"#.to_owned(),
            // A title, quotes, control characters and non-ASCII text in the evidence and id;
            // a tortured phrase (its evidence has a note); nested extra fields.
            serde_json::json!({
                "id": "d \"quoted\"\t\u{1}",
                "html": "<title>A \"miracle\" — café</title><p>Bosom malignancy: a \
                         \"miracle\"\u{7} cure, $19.99 only!</p><p>Call 555-123-4567 today.</p>",
                "meta": {"tags": ["x", 1.5, null], "ok": true},
            })
            .to_string(),
            // More evidence than is kept: `evidence_truncated`.
            serde_json::json!({"id": "e", "text": many}).to_string(),
        ];
        let mut seen_note = false;
        let mut seen_truncated = false;
        for line in &lines {
            let outcome = Outcome::from_line(&scorer, 1, line);
            if let Outcome::Scored { report, .. } = &outcome {
                seen_note |= report.evidence.iter().any(|e| e.note.is_some());
                seen_truncated |= report.evidence_truncated;
            }
            let mut written = Vec::new();
            outcome.write_json(&mut written).unwrap();
            assert_eq!(
                String::from_utf8(written).unwrap(),
                serde_json::to_string(&outcome.to_json()).unwrap(),
                "{line}"
            );
        }
        assert!(
            seen_note && seen_truncated,
            "the cases cover notes and truncation"
        );
    }

    #[test]
    fn signal_and_family_names_need_no_escaping() {
        let scorer = Scorer::default();
        let names = scorer
            .specs()
            .into_iter()
            .flat_map(|spec| [spec.id, spec.name])
            .chain(crate::Family::ALL.iter().map(|f| f.name()));
        for name in names {
            assert_eq!(
                serde_json::to_string(name).unwrap(),
                format!("\"{name}\""),
                "written as it is by Report::write_json_fields"
            );
        }
    }

    #[test]
    fn lines_are_numbered_and_decoded() {
        let input: &[u8] = b"{\"a\":1}\r\n\n\xff\n";
        let mut seen = Vec::new();
        for_each_line(input, |n, text, lossy| {
            seen.push((n, text.to_owned(), lossy))
        })
        .unwrap();
        assert_eq!(
            seen,
            [
                (1, "{\"a\":1}".to_owned(), false),
                (2, String::new(), false),
                (3, "\u{FFFD}".to_owned(), true)
            ]
        );
    }
}
