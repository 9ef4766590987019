//! WARC and WET files, as Common Crawl writes them (plain, or gzip-compressed record by
//! record): the `response` records that hold HTML pages, read as HTML (HTTP headers skipped,
//! the charset from the `Content-Type` header or the page's `<meta charset>`), and the
//! `conversion` records of WET files, read as text. Other records are skipped and counted.
//! Records are read one body at a time (the `warc` crate's streaming reader) in chunks for the
//! driver, so memory stays flat whatever the file's size.
//!
//! Each output record carries `url` (`WARC-Target-URI`), `warc_record_id`, `warc_date` and
//! `content_type`. A record the reader cannot parse ends the file: its error record names the
//! file and the byte offset (in the decompressed stream) where reading failed, and the run goes
//! on with the next input.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use rayon::prelude::*;
use serde_json::{Map, Value};
use warc::{RecordType, WarcHeader, WarcReader};

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

/// A reader that counts the bytes consumed from it (the offset of a record that fails).
struct Counting<R> {
    inner: R,
    consumed: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.consumed.set(self.consumed.get() + n as u64);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.consumed.set(self.consumed.get() + amount as u64);
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

/// Scores the documents of one WARC or WET file, in order, each prepared by `prepare` and given
/// to `emit`. A file that cannot be opened is one error record. `warn` hears of lossily decoded
/// pages and, at the end, of the records skipped.
#[allow(clippy::too_many_arguments)]
pub fn score_warc<P: Send, E>(
    scorer: &Scorer,
    path: &Path,
    prepare: &(dyn Fn(Outcome) -> P + Sync),
    emit: &mut dyn FnMut(P) -> Result<(), E>,
    warn: &(dyn Fn(String) + Sync),
    progress: &dyn Fn(u64),
    max_bytes: MaxBytes,
) -> Result<(), RunError<E>> {
    let name = path.display().to_string();
    match std::fs::File::open(path) {
        Ok(file) => {
            let input = BufReader::with_capacity(1 << 20, file);
            score_warc_from(
                scorer, input, &name, prepare, emit, warn, progress, max_bytes,
            )
        }
        Err(e) => emit(prepare(Outcome::Failed {
            id: None,
            file: Some(name),
            line: None,
            error: e.to_string(),
        }))
        .map_err(RunError::Emit),
    }
}

/// [`score_warc`] on WARC or WET bytes from `input` (plain or gzip), named `name` in error
/// records.
#[allow(clippy::too_many_arguments)]
pub fn score_warc_from<P: Send, E>(
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
    let consumed = Rc::new(Cell::new(0));
    let mut warc = WarcReader::new(Counting {
        inner: reader,
        consumed: Rc::clone(&consumed),
    });
    let mut file = Records {
        records: warc.stream_records(),
        consumed: &consumed,
        skipped: BTreeMap::new(),
        ended: false,
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
                Item::Document(record) => prepare(Outcome::from_record(
                    scorer,
                    record.clone(),
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
struct Records<'a, R> {
    records: warc::StreamingIter<'a, R>,
    /// Bytes of the (decompressed) file consumed so far.
    consumed: &'a Cell<u64>,
    /// Records skipped, by kind.
    skipped: BTreeMap<String, usize>,
    /// The end of the file, or a record past which it cannot be read.
    ended: bool,
}

impl<R: BufRead> Records<'_, R> {
    /// The next document or error record of the file (`None` at its end); skipped records are
    /// counted.
    fn next(
        &mut self,
        max_bytes: MaxBytes,
        warn: &(dyn Fn(String) + Sync),
        name: &str,
    ) -> Option<Item> {
        while !self.ended {
            let Some(next) = self.records.next_item() else {
                self.ended = true;
                break;
            };
            let broken = match next {
                Err(e) => Broken::Ends(format!("cannot read a record: {e}")),
                Ok(mut record) => match document(&mut record, max_bytes, warn, name) {
                    Ok(Held::Document(document)) => return Some(Item::Document(document)),
                    Ok(Held::Skipped(kind)) => {
                        *self.skipped.entry(kind).or_default() += 1;
                        continue;
                    }
                    Err(broken) => broken,
                },
            };
            return Some(Item::Failed(match broken {
                Broken::Record(error) => error,
                Broken::Ends(error) => {
                    self.ended = true;
                    format!(
                        "{error}, at byte {} (decompressed); the rest of the file is not read",
                        self.consumed.get()
                    )
                }
            }));
        }
        None
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
    /// The file cannot be read past it (truncated, unreadable).
    Ends(String),
}

/// The document a record holds (none in a record that is not a response with a page nor a
/// conversion); `Err` for one that is too long or cannot be read.
fn document<R: Read>(
    record: &mut warc::Record<warc::StreamingBody<'_, R>>,
    max_bytes: MaxBytes,
    warn: &(dyn Fn(String) + Sync),
    file: &str,
) -> Result<Held, Broken> {
    let kind = record.warc_type().clone();
    if !matches!(kind, RecordType::Response | RecordType::Conversion) {
        return Ok(Held::Skipped(kind.to_string()));
    }
    let id = record.warc_id().to_owned();
    let length = record.content_length();
    if length > max_bytes.get() as u64 {
        return Err(Broken::Record(format!(
            "record {id}: {}",
            too_long(length, max_bytes)
        )));
    }
    let mut body = Vec::with_capacity(length as usize);
    record
        .read_to_end(&mut body)
        .map_err(|e| Broken::Ends(format!("record {id}: cannot read its body: {e}")))?;
    if (body.len() as u64) < length {
        return Err(Broken::Ends(format!(
            "record {id}: truncated: {} of its {length} bytes",
            body.len()
        )));
    }
    let (format, content_type, bytes) = match kind {
        RecordType::Response => match http_page(&body) {
            Ok(page) => (Format::Html, page.0, page.1),
            Err(content_type) => return Ok(Held::Skipped(format!("response ({content_type})"))),
        },
        _ => (
            Format::Text,
            record
                .header(WarcHeader::ContentType)
                .map_or_else(|| "text/plain".to_owned(), |c| c.into_owned()),
            body,
        ),
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
    let mut extra = Map::new();
    let header = |h: WarcHeader| record.header(h).map(|v| Value::String(v.into_owned()));
    extra.insert(
        "url".to_owned(),
        header(WarcHeader::TargetURI).unwrap_or(Value::Null),
    );
    extra.insert("warc_record_id".to_owned(), Value::String(id.clone()));
    extra.insert(
        "warc_date".to_owned(),
        header(WarcHeader::Date).unwrap_or(Value::Null),
    );
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
