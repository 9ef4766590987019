//! JSON Lines: one JSON record a line, each written on its own (rendered on the scoring threads).

use std::io::{self, Write};

use super::{Emitter, RenderLine, Selection};
use crate::batch::Outcome;

/// Writes JSON Lines.
pub(super) struct Jsonl;

/// One outcome as a JSON Lines record (trimmed to the selected fields), with its newline.
fn render<W: Write + ?Sized>(
    outcome: &Outcome,
    selection: &Selection,
    out: &mut W,
) -> io::Result<()> {
    if selection.fields.is_none() {
        outcome.write_json(&mut *out)?;
    } else {
        serde_json::to_writer(&mut *out, &selection.to_json(outcome))?;
    }
    out.write_all(b"\n")
}

impl Emitter for Jsonl {
    fn trims_fields(&self) -> bool {
        true
    }

    fn line_renderer(&self) -> Option<RenderLine> {
        Some(render::<Vec<u8>>)
    }

    fn record(
        &mut self,
        out: &mut dyn Write,
        outcome: Outcome,
        selection: &Selection,
        _written: usize,
    ) -> io::Result<()> {
        render(&outcome, selection, out)
    }

    fn end(&mut self, _out: &mut dyn Write, _written: usize) -> io::Result<()> {
        Ok(())
    }
}
