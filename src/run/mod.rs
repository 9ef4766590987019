//! Batch runs: inputs to outcomes, scored in parallel, emitted in input order, in bounded memory.
//!
//! Records are read in chunks (at most [`CHUNK_RECORDS`] records or [`CHUNK_BYTES`] bytes) and
//! each chunk is scored on the current rayon pool; JSON Lines input is pipelined, so while one
//! chunk is scored the previous chunk's outcomes are handed to the caller, in input order, and
//! the next chunk is read. At most three chunks are held at once, so memory stays flat whatever
//! the input size; output starts once the second chunk is read (or the input ends), and every
//! input record yields exactly one outcome.
//!
//! One driver (`drive`) for every input, and one file per kind of input: `jsonl` (JSON Lines
//! records, from a file or stdin) and `files` (documents, a file each, and one read from stdin).
//! A new kind of input is a file here that reads chunks for the driver.

mod files;
mod jsonl;
mod warc;

pub use files::{read_within, score_bytes, score_files, total_bytes};
#[cfg(test)]
pub(crate) use jsonl::outcomes_of;
pub use jsonl::{score_jsonl, score_jsonl_prepared};
pub use warc::{is_warc_name, score_warc};

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
