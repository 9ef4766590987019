//! The table: one line a document, least reliable first, for a person at a terminal.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::{top_reasons, Emitter, Selection};
use crate::batch::Outcome;
use crate::render::{Styling, BOLD, DIM};

/// Lays out a table of every record.
pub(super) struct Table {
    styling: Styling,
    rows: Vec<Outcome>,
}

impl Table {
    pub(super) fn new(styling: Styling) -> Self {
        Table {
            styling,
            rows: Vec::new(),
        }
    }
}

impl Emitter for Table {
    fn lays_out_all(&self) -> bool {
        true
    }

    fn record(
        &mut self,
        _out: &mut dyn Write,
        outcome: Outcome,
        _selection: &Selection,
        _written: usize,
    ) -> io::Result<()> {
        self.rows.push(outcome);
        Ok(())
    }

    fn end(&mut self, out: &mut dyn Write, _written: usize) -> io::Result<()> {
        out.write_all(table(&self.rows, self.styling).as_bytes())
    }
}

/// One line per document, least reliable first: reliability, verdict, id and top reasons.
fn table(outcomes: &[Outcome], styling: Styling) -> String {
    let mut rows: Vec<&Outcome> = outcomes.iter().collect();
    rows.sort_by(|a, b| {
        let key = |o: &Outcome| o.reliability().unwrap_or(f64::NEG_INFINITY);
        key(a).total_cmp(&key(b))
    });
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        styling.paint(BOLD, "reliability  verdict       document  (top reasons)")
    );
    for outcome in rows {
        match outcome {
            Outcome::Scored { id, report, .. } => {
                let reasons = top_reasons(report);
                let short = if report.insufficient_text {
                    " [insufficient text]"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "{:>11.3}  {:<12}  {id}{short}  {}",
                    report.reliability,
                    report.verdict,
                    styling.paint(DIM, &format!("({reasons})"))
                );
            }
            Outcome::Failed {
                id, line, error, ..
            } => {
                let place = match (id, line) {
                    (Some(id), Some(line)) => format!("{id} (line {line})"),
                    (Some(id), None) => id.clone(),
                    (None, Some(line)) => format!("line {line}"),
                    (None, None) => "?".to_owned(),
                };
                let _ = writeln!(out, "{:>11}  {:<12}  {place}  ({error})", "-", "error");
            }
        }
    }
    out
}
