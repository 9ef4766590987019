//! WARC and WET files, as Common Crawl writes them (plain, or gzip-compressed record by
//! record): the `response` records that hold HTML pages, read as HTML (HTTP headers skipped,
//! the charset from the `Content-Type` header or the page's `<meta charset>`), and the
//! `conversion` records of WET files, read as text. Other records are skipped and counted.
//! Records are read one block at a time in chunks for the driver, so memory stays flat whatever
//! the file's size.
//!
//! The headers are parsed by the `warc` crate's parser (`warc::parser::headers`); the records
//! are framed here. The crate's own readers do not serve: the streaming reader's
//! `Record::header` panics on a header value that is not UTF-8 (a URL with a raw byte: the
//! `warc_records` fuzz target found it in 523 runs), and the buffering readers hold a record's
//! whole body whatever its declared length.
//!
//! Each output record carries `url` (`WARC-Target-URI`), `warc_record_id`, `warc_date` and
//! `content_type`. A record whose headers cannot be parsed is an error record naming the file
//! and the byte offset (in the decompressed stream), and reading resumes at the next line that
//! starts a record (`WARC/`), as a record's own length can no longer be trusted. A file that
//! cannot be read on (truncated, a broken gzip member) ends with such an error record, and the
//! run goes on with the next input.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use rayon::prelude::*;
use serde_json::{Map, Value};

use super::{drive, too_long, Holds, MaxBytes, RunError, CHUNK_BYTES, CHUNK_RECORDS};
use crate::batch::{JsonRecord, Outcome};
use crate::document::Format;
use crate::source::decode;
use crate::Scorer;

/// Whether a file is WARC or WET by its name (`.warc`, `.warc.gz`, `.wet`, `.wet.gz`).
pub fn is_warc_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    [".warc", ".warc.gz", ".wet", ".wet.gz"]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

/// One document of a chunk, or why a record could not be read.
enum Item {
    Document(JsonRecord),
    Failed(String),
}

#[derive(Default)]
struct Chunk {
    items: Vec<Item>,
    bytes: usize,
}

impl Holds for Chunk {
    fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// A reader that counts the bytes consumed from it (the offset of a record).
struct Counting<R> {
    inner: R,
    consumed: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.consumed += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.consumed += amount as u64;
        self.inner.consume(amount);
    }
}

/// The bytes of `input`, decompressed when they are gzip (by the magic number, not a name).
fn decompressed<'a>(mut input: impl BufRead + 'a) -> std::io::Result<Box<dyn BufRead + 'a>> {
    let gzip = input.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gzip {
        Box::new(BufReader::with_capacity(
            1 << 20,
            flate2::bufread::MultiGzDecoder::new(input),
        ))
    } else {
        Box::new(input)
    })
}

/// Scores the documents of the WARC or WET bytes from `input` (plain or gzip), in order, each
/// prepared by `prepare` and given to `emit`; `name` names the file in error records. `warn`
/// hears of lossily decoded pages and, at the end, of the records skipped. The parameters are
/// [`super::score_jsonl_prepared`]'s, for the same driver.
#[allow(clippy::too_many_arguments)]
pub fn score_warc<P: Send, E>(
    scorer: &Scorer,
    input: impl BufRead,
    name: &str,
    prepare: &(dyn Fn(Outcome) -> P + Sync),
    emit: &mut dyn FnMut(P) -> Result<(), E>,
    warn: &(dyn Fn(String) + Sync),
    progress: &dyn Fn(u64),
    max_bytes: MaxBytes,
) -> Result<(), RunError<E>> {
    let failed = |error: String| Outcome::Failed {
        id: None,
        file: Some(name.to_owned()),
        line: None,
        error,
    };
    let reader = match decompressed(input) {
        Ok(reader) => reader,
        Err(e) => return emit(prepare(failed(e.to_string()))).map_err(RunError::Emit),
    };
    let mut file = Records {
        input: Counting {
            inner: reader,
            consumed: 0,
        },
        skipped: BTreeMap::new(),
        ended: false,
        pending: None,
    };
    let mut read = |mut chunk: Chunk, _: &mut Option<RunError<E>>| {
        chunk.items.clear();
        chunk.bytes = 0;
        while chunk.items.len() < CHUNK_RECORDS && chunk.bytes < CHUNK_BYTES {
            match file.next(max_bytes, warn, name) {
                Some(item) => {
                    if let Item::Document(document) = &item {
                        chunk.bytes += document.input.len();
                    }
                    chunk.items.push(item);
                }
                None => break,
            }
        }
        chunk
    };
    let score = |chunk: &Chunk| {
        let outcomes = chunk
            .items
            .par_iter()
            .with_max_len(1)
            .map(|item| match item {
                Item::Document(record) => prepare(Outcome::from_parts(
                    scorer,
                    record.id.clone(),
                    &record.input,
                    record.format,
                    record.extra.clone(),
                    Some(name),
                    false,
                )),
                Item::Failed(error) => prepare(failed(error.clone())),
            })
            .collect();
        (outcomes, chunk.bytes as u64)
    };
    let result = drive(&mut read, &score, emit, progress);
    if !file.skipped.is_empty() {
        let counts: Vec<String> = file
            .skipped
            .iter()
            .map(|(k, n)| format!("{n} {k}"))
            .collect();
        warn(format!("{name}: skipped {} records", counts.join(", ")));
    }
    result
}

/// A file's records as they are read: what was skipped, and whether reading has ended.
struct Records<R> {
    input: Counting<R>,
    /// Records skipped, by kind.
    skipped: BTreeMap<String, usize>,
    /// The end of the file, or a record past which it cannot be read.
    ended: bool,
    /// The first line of the next record's headers, found by [`Records::resync`].
    pending: Option<Vec<u8>>,
}

/// The longest header block read: WARC headers are a few hundred bytes.
const MAX_HEADER_BYTES: usize = 64 << 10;

/// One record's WARC headers, parsed by the `warc` crate's parser.
struct Head {
    /// Header names (lowercase) and values (invalid UTF-8 replaced: a URL may hold raw bytes).
    fields: Vec<(String, String)>,
    /// The block's length.
    length: u64,
}

impl Head {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl<R: BufRead> Records<R> {
    /// The next document or error record of the file (`None` at its end); skipped records are
    /// counted.
    fn next(
        &mut self,
        max_bytes: MaxBytes,
        warn: &(dyn Fn(String) + Sync),
        name: &str,
    ) -> Option<Item> {
        while !self.ended {
            let start = self.input.consumed;
            let result = match self.head() {
                Ok(None) => {
                    self.ended = true;
                    return None;
                }
                Ok(Some(head)) => self.record(&head, max_bytes, warn, name),
                Err(broken) => Err(broken),
            };
            let broken = match result {
                Ok(Held::Document(document)) => return Some(Item::Document(document)),
                Ok(Held::Skipped(kind)) => {
                    *self.skipped.entry(kind).or_default() += 1;
                    continue;
                }
                Err(broken) => broken,
            };
            return Some(Item::Failed(match broken {
                Broken::Record(error) => error,
                Broken::Lost(error) => match self.resync() {
                    Some(at) => format!(
                        "the record at byte {start} (decompressed): {error}; reading resumed at \
                         the next record, byte {at}"
                    ),
                    None => {
                        self.ended = true;
                        format!(
                            "the record at byte {start} (decompressed): {error}; no record \
                             follows it"
                        )
                    }
                },
                Broken::Ends(error) => {
                    self.ended = true;
                    format!(
                        "the record at byte {start} (decompressed): {error}; the rest of the \
                         file is not read"
                    )
                }
            }));
        }
        None
    }

    /// Reads on to the next line that starts a record (`WARC/`), kept for [`Records::head`];
    /// returns its offset, or `None` when the file ends (or cannot be read) first. Lines are read
    /// at most 64 KB at a time, so memory stays flat over any bytes.
    fn resync(&mut self) -> Option<u64> {
        let mut line = Vec::new();
        loop {
            line.clear();
            let at = self.input.consumed;
            let read = (&mut self.input)
                .take(MAX_HEADER_BYTES as u64)
                .read_until(b'\n', &mut line)
                .ok()?;
            if read == 0 {
                return None;
            }
            if line.starts_with(b"WARC/") && line.ends_with(b"\n") {
                self.pending = Some(line);
                return Some(at);
            }
        }
    }

    /// The next record's headers (`None` at the end of the file). Blank lines before a record
    /// are passed over.
    fn head(&mut self) -> Result<Option<Head>, Broken> {
        let mut block = self.pending.take().unwrap_or_default();
        loop {
            let before = block.len();
            let read = (&mut self.input)
                .take((MAX_HEADER_BYTES + 1 - before) as u64)
                .read_until(b'\n', &mut block)
                .map_err(|e| Broken::Ends(format!("cannot read: {e}")))?;
            let line = &block[before..];
            if read == 0 {
                return match before {
                    0 => Ok(None),
                    _ => Err(Broken::Ends("the file ends inside its headers".to_owned())),
                };
            }
            if block.len() > MAX_HEADER_BYTES {
                return Err(Broken::Lost("headers longer than 64 KB".to_owned()));
            }
            if line == b"\r\n" || line == b"\n" {
                if before == 0 {
                    block.clear(); // a blank line between records
                    continue;
                }
                break;
            }
        }
        let (_, (_, headers, length)) = warc::parser::headers(&block)
            .map_err(|_| Broken::Lost("malformed WARC headers".to_owned()))?;
        let fields = headers
            .into_iter()
            .map(|(n, v)| {
                (
                    n.to_ascii_lowercase(),
                    String::from_utf8_lossy(v).into_owned(),
                )
            })
            .collect();
        Ok(Some(Head {
            fields,
            length: length as u64,
        }))
    }

    /// Reads `length` bytes of block into `body`, or past them when `body` is `None`, and the
    /// line endings that close the record.
    fn block(&mut self, length: u64, body: Option<&mut Vec<u8>>) -> Result<(), Broken> {
        let read = match body {
            Some(body) => (&mut self.input).take(length).read_to_end(body),
            None => std::io::copy(&mut (&mut self.input).take(length), &mut std::io::sink())
                .map(|n| n as usize),
        }
        .map_err(|e| Broken::Ends(format!("cannot read its block: {e}")))?;
        if (read as u64) < length {
            return Err(Broken::Ends(format!(
                "truncated: {read} of its {length} bytes"
            )));
        }
        // The closing CRLF CRLF (read leniently: bare line feeds, or the end of the file).
        for _ in 0..4 {
            match self.input.fill_buf() {
                Ok([b'\r' | b'\n', ..]) => self.input.consume(1),
                _ => break,
            }
        }
        Ok(())
    }

    /// What the record `head` begins holds for chaff.
    fn record(
        &mut self,
        head: &Head,
        max_bytes: MaxBytes,
        warn: &(dyn Fn(String) + Sync),
        file: &str,
    ) -> Result<Held, Broken> {
        let kind = head
            .get("warc-type")
            .unwrap_or("unknown")
            .to_ascii_lowercase();
        let id = head.get("warc-record-id").unwrap_or("").to_owned();
        if kind != "response" && kind != "conversion" {
            self.block(head.length, None)?;
            return Ok(Held::Skipped(kind));
        }
        if head.length > max_bytes.get() as u64 {
            self.block(head.length, None)?;
            let error = too_long(head.length, max_bytes);
            return Err(Broken::Record(format!("record {id}: {error}")));
        }
        let mut body = Vec::with_capacity(head.length as usize);
        self.block(head.length, Some(&mut body))
            .map_err(|b| match b {
                Broken::Ends(e) | Broken::Record(e) | Broken::Lost(e) => {
                    Broken::Ends(format!("record {id}: {e}"))
                }
            })?;
        document(head, id, kind == "response", body, warn, file)
    }
}

/// What a record holds for chaff.
enum Held {
    /// A page or a text.
    Document(JsonRecord),
    /// Nothing to score: what kind of record it is, for the count on stderr.
    Skipped(String),
}

/// Why a record yields an error record.
enum Broken {
    /// This record only (too long: its body is skipped and the next record read).
    Record(String),
    /// Its headers cannot be parsed: reading resumes at the next record found.
    Lost(String),
    /// The file cannot be read past it (truncated, unreadable).
    Ends(String),
}

/// The document of a response (`response`: its HTTP page, if HTML) or conversion record.
fn document(
    head: &Head,
    id: String,
    response: bool,
    body: Vec<u8>,
    warn: &(dyn Fn(String) + Sync),
    file: &str,
) -> Result<Held, Broken> {
    let (format, content_type, bytes) = if response {
        match http_page(&body) {
            Ok((content_type, page)) => (Format::Html, content_type, page),
            Err(what) => return Ok(Held::Skipped(format!("response ({what})"))),
        }
    } else {
        let content_type = head.get("content-type").unwrap_or("text/plain").to_owned();
        (Format::Text, content_type, body)
    };
    let charset = charset_of(&content_type);
    let decoded = decode(bytes, |page| {
        charset.or_else(|| crate::html::declared_charset(page))
    });
    if decoded.lossy {
        warn(format!(
            "{file}: record {id}: invalid {} replaced with U+FFFD",
            decoded.encoding.name()
        ));
    }
    let text = |name: &str| {
        head.get(name)
            .map_or(Value::Null, |v| Value::String(v.to_owned()))
    };
    let mut extra = Map::new();
    extra.insert("url".to_owned(), text("warc-target-uri"));
    extra.insert("warc_record_id".to_owned(), Value::String(id.clone()));
    extra.insert("warc_date".to_owned(), text("warc-date"));
    extra.insert("content_type".to_owned(), Value::String(content_type));
    Ok(Held::Document(JsonRecord {
        id,
        input: decoded.text,
        format,
        extra,
        renamed: Vec::new(),
    }))
}

/// The content type and the page of an HTTP response holding HTML; `Err` with the content type
/// of any other (or "no HTTP headers").
fn http_page(body: &[u8]) -> Result<(String, Vec<u8>), String> {
    let Some(end) = memchr::memmem::find(body, b"\r\n\r\n") else {
        return Err("no HTTP headers".to_owned());
    };
    let head = String::from_utf8_lossy(&body[..end]);
    let content_type = head
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-type"))
        .map(|(_, value)| value.trim().to_owned())
        .unwrap_or_default();
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match mime.as_str() {
        "text/html" | "application/xhtml+xml" => Ok((content_type, body[end + 4..].to_vec())),
        "" => Err("no content type".to_owned()),
        _ => Err(mime),
    }
}

/// The encoding a `Content-Type` value names (`text/html; charset=ISO-8859-1`).
fn charset_of(content_type: &str) -> Option<&'static encoding_rs::Encoding> {
    content_type
        .split(';')
        .skip(1)
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
        .and_then(|(_, v)| encoding_rs::Encoding::for_label(v.trim().trim_matches('"').as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warc_names_and_http_pages() {
        assert!(is_warc_name(Path::new("CC-MAIN-1.warc.gz")));
        assert!(is_warc_name(Path::new("a/B.WET")));
        assert!(!is_warc_name(Path::new("a.gz")));
        let response =
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=ISO-8859-1\r\n\r\n<p>x</p>";
        let (content_type, page) = http_page(response).unwrap();
        assert_eq!(page, b"<p>x</p>");
        assert_eq!(charset_of(&content_type), Some(encoding_rs::WINDOWS_1252));
        assert_eq!(
            http_page(b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG"),
            Err("image/png".to_owned())
        );
        assert!(http_page(b"no headers").is_err());
    }
}
