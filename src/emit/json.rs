//! JSON: one array of records, pretty-printed.

use std::io::{self, Write};

use super::{Emitter, Selection};
use crate::batch::Outcome;

/// Writes a JSON array.
pub(super) struct Json;

impl Emitter for Json {
    fn trims_fields(&self) -> bool {
        true
    }

    fn record(
        &mut self,
        out: &mut dyn Write,
        outcome: Outcome,
        selection: &Selection,
        written: usize,
    ) -> io::Result<()> {
        out.write_all(if written == 0 { b"[\n" } else { b",\n" })?;
        serde_json::to_writer_pretty(&mut *out, &selection.to_json(&outcome))?;
        Ok(())
    }

    fn end(&mut self, out: &mut dyn Write, written: usize) -> io::Result<()> {
        out.write_all(if written == 0 { b"[]\n" } else { b"\n]\n" })
    }
}
