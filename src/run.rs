//! Batch runs: inputs to outcomes, scored in parallel, emitted in input order, in bounded memory.
//!
//! Records are read in chunks (at most [`CHUNK_RECORDS`] records or [`CHUNK_BYTES`] bytes) and
//! each chunk is scored on the current rayon pool; JSON Lines input is pipelined, so while one
//! chunk is scored the previous chunk's outcomes are handed to the caller, in input order, and
//! the next chunk is read. At most three chunks are held at once, so memory stays flat whatever
//! the input size; output starts once the second chunk is read (or the input ends), and every
//! input record yields exactly one outcome.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::batch::{load_bytes, Outcome};
use crate::paths::PathEntry;

use crate::{Report, Scorer};

/// Records scored together at most.
pub const CHUNK_RECORDS: usize = 256;
/// Bytes of records scored together at most (a single larger record is scored alone).
pub const CHUNK_BYTES: usize = 8 * 1024 * 1024;

/// The largest document or record scored, in bytes: a longer one is an error record, read past
/// without being held in memory (scoring holds a few times a document's size).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxBytes(std::num::NonZeroUsize);

impl MaxBytes {
    /// The default limit: 64 MiB, far above any real page and a few hundred MB of memory to
    /// score.
    pub const DEFAULT: MaxBytes = MaxBytes(match std::num::NonZeroUsize::new(64 << 20) {
        Some(n) => n,
        None => unreachable!(),
    });

    /// A limit of `bytes` (at least 1).
    pub fn new(bytes: std::num::NonZeroUsize) -> Self {
        MaxBytes(bytes)
    }

    /// The limit in bytes.
    pub fn get(self) -> usize {
        self.0.get()
    }

    /// Parses `64M`, `500K`, `1G` (binary multiples) or a number of bytes.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
            Some((i, _)) => text.split_at(i),
            None => (text, ""),
        };
        let scale: usize = match unit.to_ascii_uppercase().trim_end_matches(['B', 'I']) {
            "" => 1,
            "K" => 1 << 10,
            "M" => 1 << 20,
            "G" => 1 << 30,
            _ => {
                return Err(format!(
                    "`{text}` is not a size: a number of bytes, or with K, M or G"
                ))
            }
        };
        digits
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_mul(scale))
            .and_then(std::num::NonZeroUsize::new)
            .map(MaxBytes)
            .ok_or_else(|| format!("`{text}` is not a size of at least one byte"))
    }
}

impl Default for MaxBytes {
    fn default() -> Self {
        MaxBytes::DEFAULT
    }
}

/// The error of a document or record longer than the limit.
pub fn too_long(bytes: u64, max_bytes: MaxBytes) -> String {
    format!(
        "{bytes} bytes, more than --max-bytes ({}): not scored",
        max_bytes.get()
    )
}

/// Records read together: their texts one after the other in one buffer, and each one's line
/// number and place in it. One buffer a chunk, not a string a record: a record's text is freed
/// by the thread that read it, not by the one that scored it (see [`crate::emit::Spares`] for why that
/// matters), and the buffer is read into again.
#[derive(Debug, Default)]
struct Chunk {
    text: String,
    records: Vec<Record>,
}

/// One record of a chunk.
#[derive(Debug)]
struct Record {
    /// Its 1-based line number.
    line: usize,
    /// Its text's place in the chunk's text.
    text: std::ops::Range<usize>,
    /// Its length, when it is longer than the limit (then it has no text).
    oversized: Option<u64>,
}

impl Chunk {
    /// The bytes of input the records took, counting one line ending each (the text holds
    /// the records one after the other, without their line endings).
    fn bytes(&self) -> usize {
        self.text.len() + self.records.len()
    }

    /// Empties the chunk, keeping its room unless a huge record made it huge.
    fn clear(&mut self) {
        if self.text.capacity() > 2 * CHUNK_BYTES {
            *self = Chunk::default();
            return;
        }
        self.text.clear();
        self.records.clear();
    }
}

/// Scores JSON Lines from `reader`: one outcome per line, in order, given to `emit` chunk by
/// chunk. `file` names the input in error records; `warn` receives warnings (invalid UTF-8);
/// `progress` receives the number of bytes consumed after each chunk.
pub fn score_jsonl<E>(
    scorer: &Scorer,
    reader: impl BufRead,
    file: Option<&str>,
    emit: &mut dyn FnMut(Outcome) -> Result<(), E>,
    warn: &(dyn Fn(String) + Sync),
    progress: &dyn Fn(u64),
    max_bytes: MaxBytes,
) -> Result<(), RunError<E>> {
    score_jsonl_prepared(
        scorer,
        reader,
        file,
        &|outcome| outcome,
        emit,
        warn,
        progress,
        max_bytes,
    )
}

/// [`score_jsonl`], with each outcome passed through `prepare` on the scoring thread before it
/// reaches `emit` (see [`crate::emit::Sink::preparer`]: rendering output there keeps the thread
/// that writes from becoming the bottleneck).
// The reader, what each outcome becomes and where it goes, and three ways the run is observed
// or bounded: grouped in a struct they would only be renamed.
#[allow(clippy::too_many_arguments)]
pub fn score_jsonl_prepared<E, P: Send>(
    scorer: &Scorer,
    reader: impl BufRead,
    file: Option<&str>,
    prepare: &(dyn Fn(Outcome) -> P + Sync),
    emit: &mut dyn FnMut(P) -> Result<(), E>,
    warn: &(dyn Fn(String) + Sync),
    progress: &dyn Fn(u64),
    max_bytes: MaxBytes,
) -> Result<(), RunError<E>> {
    let origin = file.unwrap_or("stdin");
    let renames = Renames::default();
    let renamed = |name: &'static str| renames.note(name, origin, warn);
    let mut lines = crate::batch::Lines::new(reader).with_max_bytes(max_bytes.get());
    let mut read = |chunk: Chunk, unread: &mut Option<RunError<E>>| {
        read_chunk(&mut lines, chunk, unread, &|line| {
            warn(format!(
                "{origin}, line {line}: invalid UTF-8 replaced with U+FFFD"
            ))
        })
    };
    let score = |chunk: &Chunk| {
        let scored = score_chunk(scorer, chunk, file, prepare, &renamed, max_bytes);
        (scored, chunk.bytes() as u64)
    };
    drive(&mut read, &score, emit, progress)
}

/// The one driver of every input: reads a chunk of records, scores it on the pool, and writes
/// the outcomes in input order. A pipeline: while the pool scores one chunk, this thread writes
/// the outcomes of the one before and reads the one after (reading and writing are serial;
/// overlapping them with scoring keeps every thread busy). At most three chunks are held at
/// once. `read` fills a chunk (emptied) and, on a read error that ends the input early, sets
/// it: nothing more is read, and what was read is still scored and written. A scored chunk's
/// buffers are read into again: the thread that reads made them and frees them at the end.
/// `score` gives a chunk's outcomes, in order, and the bytes of input they took.
fn drive<C: Default + Send + Sync + Holds, P: Send, E>(
    read: &mut dyn FnMut(C, &mut Option<RunError<E>>) -> C,
    score: &(dyn Fn(&C) -> (Vec<P>, u64) + Sync),
    emit: &mut dyn FnMut(P) -> Result<(), E>,
    progress: &dyn Fn(u64),
) -> Result<(), RunError<E>> {
    let mut unread: Option<RunError<E>> = None;
    let mut failure: Option<E> = None;
    let mut emit_all = |outcomes: Vec<P>, failure: &mut Option<E>| {
        for outcome in outcomes {
            if failure.is_some() {
                return;
            }
            if let Err(e) = emit(outcome) {
                *failure = Some(e);
            }
        }
    };
    let mut chunk = read(C::default(), &mut unread);
    let mut spare = C::default();
    let mut pending: Vec<P> = Vec::new();
    let mut pending_bytes = 0;
    while !(chunk.is_empty() && pending.is_empty()) {
        let mut scored = (Vec::new(), 0);
        let mut used = None;
        let mut next = None;
        rayon::in_place_scope(|scope| {
            if failure.is_none() && !chunk.is_empty() {
                let (batch, scored, used) = (std::mem::take(&mut chunk), &mut scored, &mut used);
                scope.spawn(move |_| {
                    *scored = score(&batch);
                    *used = Some(batch);
                });
            }
            emit_all(std::mem::take(&mut pending), &mut failure);
            if failure.is_none() && unread.is_none() {
                next = Some(read(std::mem::take(&mut spare), &mut unread));
            }
        });
        progress(std::mem::take(&mut pending_bytes));
        (pending, pending_bytes) = scored;
        chunk = next.unwrap_or_default();
        if let Some(used) = used {
            spare = used;
        }
    }
    match (failure, unread) {
        (Some(e), _) => Err(RunError::Emit(e)),
        (None, Some(e)) => Err(e),
        (None, None) => Ok(()),
    }
}

/// A chunk of input for [`drive`]: whether it holds any record.
trait Holds {
    fn is_empty(&self) -> bool;
}

impl Holds for Chunk {
    fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

impl Holds for Vec<PathEntry> {
    fn is_empty(&self) -> bool {
        <[PathEntry]>::is_empty(self)
    }
}

/// The output fields that an input's fields were renamed for (see
/// [`crate::batch::renamed_field`]): each is said once per input.
#[derive(Default)]
struct Renames {
    said: [std::sync::atomic::AtomicBool; Report::FIELDS.len()],
}

impl Renames {
    /// Says that `origin`'s input field `name` was passed through under another name, unless
    /// it was said before.
    fn note(&self, name: &'static str, origin: &str, warn: &(dyn Fn(String) + Sync)) {
        let index = Report::FIELDS.iter().position(|&f| f == name);
        if index.is_some_and(|i| !self.said[i].swap(true, std::sync::atomic::Ordering::Relaxed)) {
            warn(format!(
                "{origin}: input field `{name}` is an output field's name: passed through as `{}`",
                crate::batch::renamed_field(name)
            ));
        }
    }
}

/// Reads the next chunk of JSON Lines records into `chunk` (emptied): at most `CHUNK_RECORDS`
/// records or `CHUNK_BYTES` bytes, and the read error that ended it early into `unread`, if one
/// did (the lines read before it are kept and scored). `lossy` is told the number of each line
/// whose invalid UTF-8 was replaced.
fn read_chunk<R: BufRead, E>(
    lines: &mut crate::batch::Lines<R>,
    mut chunk: Chunk,
    unread: &mut Option<RunError<E>>,
    lossy: &dyn Fn(usize),
) -> Chunk {
    chunk.clear();
    while unread.is_none() && chunk.records.len() < CHUNK_RECORDS && chunk.bytes() < CHUNK_BYTES {
        let start = chunk.text.len();
        let next = match lines.next_line_onto(&mut chunk.text) {
            Ok(Some(next)) => next,
            Ok(None) => break,
            Err(source) => {
                chunk.text.truncate(start);
                *unread = Some(RunError::Read {
                    line: lines.lines_read() + 1,
                    source,
                });
                break;
            }
        };
        if next.lossy {
            lossy(next.number);
        }
        chunk.records.push(Record {
            line: next.number,
            text: start..chunk.text.len(),
            oversized: next.oversized,
        });
    }
    chunk
}

/// Scores a chunk's records on the pool, in order, each outcome passed through `prepare`; an
/// input field named like an output field is told to `renamed`.
fn score_chunk<P: Send>(
    scorer: &Scorer,
    chunk: &Chunk,
    file: Option<&str>,
    prepare: &(dyn Fn(Outcome) -> P + Sync),
    renamed: &(dyn Fn(&'static str) + Sync),
    max_bytes: MaxBytes,
) -> Vec<P> {
    chunk
        .records
        .par_iter()
        .with_max_len(1)
        .map(|record| {
            let mut outcome = match record.oversized {
                Some(bytes) => Outcome::Failed {
                    id: None,
                    file: None,
                    line: Some(record.line),
                    error: too_long(bytes, max_bytes),
                },
                None => Outcome::from_line_noting(
                    scorer,
                    record.line,
                    &chunk.text[record.text.clone()],
                    renamed,
                ),
            };
            if let Outcome::Failed { file: f, .. } = &mut outcome {
                *f = file.map(str::to_owned);
            }
            prepare(outcome)
        })
        .collect()
}

/// Scores files (plain text or HTML, detected per file), in parallel chunks, one outcome per
/// entry, in order. A file that cannot be read or is binary yields an error outcome.
pub fn score_files<E>(
    scorer: &Scorer,
    entries: Vec<PathEntry>,
    emit: &mut dyn FnMut(Outcome) -> Result<(), E>,
    warn: &(dyn Fn(String) + Sync),
    progress: &dyn Fn(u64),
    max_bytes: MaxBytes,
) -> Result<(), E> {
    let mut entries = entries.into_iter();
    let mut read = |mut chunk: Vec<PathEntry>, _: &mut Option<RunError<E>>| {
        chunk.clear();
        chunk.extend(entries.by_ref().take(CHUNK_RECORDS));
        chunk
    };
    let score = |chunk: &Vec<PathEntry>| {
        let scored: Vec<(Outcome, u64)> = chunk
            .par_iter()
            .with_max_len(1)
            .map(|entry| match entry {
                Ok(path) => score_file(scorer, path, warn, max_bytes),
                Err((path, reason)) => (failed_file(path, reason.clone()), 0),
            })
            .collect();
        let bytes = scored.iter().map(|(_, bytes)| bytes).sum();
        (
            scored.into_iter().map(|(outcome, _)| outcome).collect(),
            bytes,
        )
    };
    drive(&mut read, &score, emit, progress).map_err(|e| match e {
        RunError::Emit(e) => e,
        RunError::Read { .. } => unreachable!("a list of files is never read short"),
    })
}

fn score_file(
    scorer: &Scorer,
    path: &Path,
    warn: &(dyn Fn(String) + Sync),
    max_bytes: MaxBytes,
) -> (Outcome, u64) {
    let id = path.display().to_string();
    // The size first: a file over the limit is not read at all. Read through a limit too, for
    // a file that grows, or a device whose size the metadata does not give.
    if let Ok(size) = std::fs::metadata(path).map(|m| m.len()) {
        if size > max_bytes.get() as u64 {
            return (failed_file(path, too_long(size, max_bytes)), size);
        }
    }
    match std::fs::File::open(path).and_then(|file| read_within(file, max_bytes)) {
        Ok(Ok(bytes)) => {
            let size = bytes.len() as u64;
            (
                score_bytes(scorer, id, bytes, Some(path), warn, false),
                size,
            )
        }
        Ok(Err(size)) => (failed_file(path, too_long(size, max_bytes)), size),
        Err(e) => (failed_file(path, e.to_string()), 0),
    }
}

/// The bytes of a document (a file, stdin) when they are at most the limit; otherwise its
/// length, read through without being kept.
pub fn read_within(
    mut reader: impl std::io::Read,
    max_bytes: MaxBytes,
) -> std::io::Result<Result<Vec<u8>, u64>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    (&mut reader)
        .take(max_bytes.get() as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() <= max_bytes.get() {
        return Ok(Ok(bytes));
    }
    let rest = std::io::copy(&mut reader, &mut std::io::sink())?;
    Ok(Err(bytes.len() as u64 + rest))
}

/// Scores the bytes of one document (a file or stdin); with `explain`, each piece of evidence
/// carries its sentence.
pub fn score_bytes(
    scorer: &Scorer,
    id: String,
    bytes: Vec<u8>,
    path: Option<&Path>,
    warn: &(dyn Fn(String) + Sync),
    explain: bool,
) -> Outcome {
    match load_bytes(bytes, path) {
        Ok(loaded) => {
            if loaded.lossy {
                warn(format!(
                    "{id}: invalid {} replaced with U+FFFD",
                    loaded.encoding.name()
                ));
            }
            Outcome::from_loaded(scorer, id, &loaded, explain)
        }
        Err(error) => Outcome::Failed {
            id: Some(id),
            file: None,
            line: None,
            error,
        },
    }
}

fn failed_file(path: &Path, error: String) -> Outcome {
    Outcome::Failed {
        id: Some(path.display().to_string()),
        file: None,
        line: None,
        error,
    }
}

/// Why a JSON Lines run stopped: the input could not be read, or the output refused a record.
#[derive(Debug)]
pub enum RunError<E> {
    /// Reading the input failed at this 1-based line (every line before it was emitted).
    Read {
        /// The line that could not be read.
        line: usize,
        /// Why.
        source: std::io::Error,
    },
    /// The `emit` callback failed.
    Emit(E),
}

/// The total size of the files of `entries`, for a progress bar.
pub fn total_bytes(entries: &[PathEntry]) -> u64 {
    entries
        .iter()
        .filter_map(|e| e.as_ref().ok())
        .filter_map(|p: &PathBuf| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

/// The outcomes of JSON Lines `input` (named `t.jsonl`), scored with the built-in model.
#[cfg(test)]
pub(crate) fn outcomes_of(input: &str) -> Vec<Outcome> {
    let scorer = Scorer::default();
    let mut out = Vec::new();
    let mut emit = |o: Outcome| -> Result<(), ()> {
        out.push(o);
        Ok(())
    };
    score_jsonl(
        &scorer,
        input.as_bytes(),
        Some("t.jsonl"),
        &mut emit,
        &|_| {},
        &|_| {},
        MaxBytes::DEFAULT,
    )
    .unwrap();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::{OutputFormat, Prepared, Selection, Sink, Spares};
    use crate::render::Styling;
    use std::io::Read;

    #[test]
    fn a_read_failure_part_way_names_the_line_after_every_record_before_it() {
        let lines: String = (0..CHUNK_RECORDS + 5)
            .map(|i| format!("{{\"id\": \"r{i}\", \"text\": \"Record {i}.\"}}\n"))
            .collect();
        // The reader fails once every line is read: CHUNK_RECORDS + 5 lines, then an error.
        let failing = std::io::BufReader::new(lines.as_bytes().chain(FailingReader));
        let scorer = Scorer::default();
        let mut ids = Vec::new();
        let mut emit = |o: Outcome| -> Result<(), ()> {
            ids.push(o.id().map(str::to_owned));
            Ok(())
        };
        let result = score_jsonl(
            &scorer,
            failing,
            None,
            &mut emit,
            &|_| {},
            &|_| {},
            MaxBytes::DEFAULT,
        );
        match result {
            Err(RunError::Read { line, source }) => {
                assert_eq!(line, CHUNK_RECORDS + 6);
                assert_eq!(source.kind(), std::io::ErrorKind::Other);
            }
            other => panic!("expected a read error, got {other:?}"),
        }
        let expected: Vec<_> = (0..CHUNK_RECORDS + 5)
            .map(|i| Some(format!("r{i}")))
            .collect();
        assert_eq!(ids, expected, "every record before the failure, in order");
    }

    struct FailingReader;

    impl std::io::Read for FailingReader {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("the disk went away"))
        }
    }

    #[test]
    fn one_outcome_per_line_in_order_across_chunks() {
        let lines: Vec<String> = (0..CHUNK_RECORDS * 2 + 7)
            .map(|i| {
                if i % 50 == 3 {
                    "{broken".to_owned()
                } else {
                    format!(r#"{{"id": "r{i}", "text": "Record number {i} is here."}}"#)
                }
            })
            .collect();
        let outcomes = outcomes_of(&lines.join("\n"));
        assert_eq!(outcomes.len(), lines.len());
        for (i, outcome) in outcomes.iter().enumerate() {
            match outcome {
                Outcome::Scored { id, .. } => assert_eq!(id, &format!("r{i}")),
                Outcome::Failed { line, file, .. } => {
                    assert_eq!(*line, Some(i + 1));
                    assert_eq!(file.as_deref(), Some("t.jsonl"));
                }
            }
        }
    }

    /// A run that reuses its lines writes what one that does not writes, over several chunks.
    #[test]
    fn reused_lines_write_the_same_records() {
        let lines: String = (0..CHUNK_RECORDS * 3 + 7)
            .map(|i| match i % 3 {
                0 => format!("{{\"id\": \"{i}\", \"text\": \"Miracle cure {i}! Buy now.\"}}\n"),
                1 => format!(
                    "{{\"id\": \"{i}\", \"text\": \"{}\"}}\n",
                    "A trial. ".repeat(i)
                ),
                _ => "not json\n".to_owned(),
            })
            .collect();
        let scorer = Scorer::default();
        let selection = Selection::default();
        let write = |reuse: bool| {
            let spares = Spares::default();
            let mut out = Vec::new();
            let emitter = OutputFormat::Jsonl.emitter(Styling { color: false });
            let mut sink = Sink::new(emitter, false, &selection, &mut out);
            if reuse {
                sink = sink.reusing(&spares);
            }
            let prepare = sink.preparer();
            let mut emit = |p: Prepared| sink.push_prepared(p);
            score_jsonl_prepared(
                &scorer,
                lines.as_bytes(),
                None,
                &prepare,
                &mut emit,
                &|_| {},
                &|_| {},
                MaxBytes::DEFAULT,
            )
            .unwrap();
            let reused = spares.held() > 0;
            drop(sink);
            (String::from_utf8(out).unwrap(), reused)
        };
        let ((reusing, reused), (fresh, kept)) = (write(true), write(false));
        assert!(reused && !kept);
        assert_eq!(reusing.lines().count(), CHUNK_RECORDS * 3 + 7);
        assert_eq!(reusing, fresh);
    }
}
