//! Documents: files (plain text or HTML, detected per file), a document each, and one document
//! read from stdin.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{drive, too_long, Holds, MaxBytes, RunError, CHUNK_RECORDS};
use crate::batch::{load_bytes, Outcome};
use crate::paths::PathEntry;
use crate::Scorer;

impl Holds for Vec<PathEntry> {
    fn is_empty(&self) -> bool {
        <[PathEntry]>::is_empty(self)
    }
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

/// The total size of the files of `entries`, for a progress bar.
pub fn total_bytes(entries: &[PathEntry]) -> u64 {
    entries
        .iter()
        .filter_map(|e| e.as_ref().ok())
        .filter_map(|p: &PathBuf| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}
