//! JSON Lines: one record a line (`id`, `text` or `html`, any other fields passed through), read
//! in chunks of records for the driver.

use std::io::BufRead;

use rayon::prelude::*;

use super::{drive, too_long, Holds, MaxBytes, RunError, CHUNK_BYTES, CHUNK_RECORDS};
use crate::batch::Outcome;
use crate::{Report, Scorer};

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

impl Holds for Chunk {
    fn is_empty(&self) -> bool {
        self.records.is_empty()
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
                    file,
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
