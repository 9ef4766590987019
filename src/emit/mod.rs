//! Output: where a run's outcomes go, and one emitter per output format.
//!
//! A [`Sink`] takes outcomes in input order, drops those a [`Selection`] filters out, keeps them
//! when they are to be sorted, and gives them to its format's [`Emitter`]. A format is one file
//! of this module: its emitter writes (or keeps) each record and ends the output. Records are
//! what [`crate::report`] declares once; an emitter only lays them out.

mod csv;
mod json;
mod jsonl;
mod parquet;
mod table;
mod triage;

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{Map, Value};

use crate::batch::Outcome;
use crate::render::Styling;
use crate::report::Contribution;
use crate::Report;

pub use triage::Triage;

/// How a batch run writes its records (`--format`; each variant's comment is its help text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// One line per document, least reliable first.
    Table,
    /// A JSON array of records.
    Json,
    /// One JSON record per line, in input order.
    Jsonl,
    /// CSV with a header row.
    Csv,
    /// Parquet, the JSON record's fields as typed columns, in input order (binary: with `-o
    /// FILE` or stdout redirected).
    Parquet,
}

impl OutputFormat {
    /// The emitter that writes this format (`styling` colours the table).
    pub fn emitter(self, styling: Styling) -> Box<dyn Emitter> {
        match self {
            OutputFormat::Table => Box::new(table::Table::new(styling)),
            OutputFormat::Json => Box::new(json::Json),
            OutputFormat::Jsonl => Box::new(jsonl::Jsonl),
            OutputFormat::Csv => Box::new(csv::Csv),
            OutputFormat::Parquet => Box::new(parquet::Parquet::new()),
        }
    }
}

/// Renders one record as the bytes written for it (see [`Emitter::line_renderer`]).
pub type RenderLine = fn(&Outcome, &Selection, &mut Vec<u8>) -> io::Result<()>;

/// One output format: how records are written, one after another, and how the output ends.
pub trait Emitter {
    /// True when the format lays every record out together (a table ranks them), so a sink
    /// gives it every record before it ends.
    fn lays_out_all(&self) -> bool {
        false
    }

    /// True when `--fields` trims this format's records (it writes JSON).
    fn trims_fields(&self) -> bool {
        false
    }

    /// When every record is written on its own, whatever comes before it (JSON Lines), the
    /// function that renders one: a sink's [`Sink::preparer`] runs it on the scoring threads,
    /// so that the thread that writes only copies bytes.
    fn line_renderer(&self) -> Option<RenderLine> {
        None
    }

    /// Writes one record (or keeps it, when the format lays them out together); `written`
    /// records were written before it.
    fn record(
        &mut self,
        out: &mut dyn Write,
        outcome: Outcome,
        selection: &Selection,
        written: usize,
    ) -> io::Result<()>;

    /// Ends the output after `written` records.
    fn end(&mut self, out: &mut dyn Write, written: usize) -> io::Result<()>;
}

/// How many reasons the table and CSV show per document.
const TOP_REASONS: usize = 3;

/// The signals that pull reliability down most (at most [`TOP_REASONS`], each by more than a
/// twentieth of a logit), most first: what the table, CSV and triage page give as reasons.
fn lowering_reasons(report: &Report) -> impl Iterator<Item = &Contribution> {
    report
        .reasons()
        .into_iter()
        .filter(|c| c.effect_on_reliability() < -0.05)
        .take(TOP_REASONS)
}

/// The signals that pull the score down most, as "SIGNAL name" joined by commas.
fn top_reasons(report: &Report) -> String {
    let reasons: Vec<String> = lowering_reasons(report)
        .map(|c| format!("{} {}", c.feature, c.name))
        .collect();
    if reasons.is_empty() {
        "nothing stands out".to_owned()
    } else {
        reasons.join(", ")
    }
}

/// The room a rendered record is given to start with.
const LINE_CAPACITY: usize = 8 * 1024;

/// Rendered lines that a [`Sink`] has written, kept for [`Sink::preparer`] to fill again.
///
/// A line is rendered on a scoring thread and written by the thread that writes. Freed there,
/// each line would go back to the scoring thread's malloc arena under that arena's lock, which
/// the scoring thread holds whenever it allocates: with glibc and two threads, `strace -f -c`
/// counted 810 to 1,266 futex calls in runs on the 50 MB benchmark file, nearly all in frees,
/// against 17 on one thread (141 to 148 now, with the chunk buffers of [`crate::run::score_jsonl`]).
/// Reused, a line is freed once, at the end.
#[derive(Debug, Default)]
pub struct Spares {
    lines: Mutex<Vec<Vec<u8>>>,
}

/// Lines kept at most: the lines of the chunks a run holds at once (see [`crate::run`]).
const MAX_SPARES: usize = 3 * crate::run::CHUNK_RECORDS;
/// The room of a line kept at most.
const MAX_SPARE_BYTES: usize = 64 * 1024;

impl Spares {
    /// How many lines are kept.
    #[cfg(test)]
    pub(crate) fn held(&self) -> usize {
        self.lines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// An empty line, with room from an earlier record if there is one.
    fn take(&self) -> Vec<u8> {
        let mut lines = self.lines.lock().unwrap_or_else(PoisonError::into_inner);
        lines.pop().unwrap_or_default()
    }

    /// Keeps a written line for reuse: up to [`MAX_SPARES`] of them, and none with no room or
    /// with room for a huge record (memory stays flat: those are freed).
    fn give(&self, mut line: Vec<u8>) {
        if line.capacity() == 0 || line.capacity() > MAX_SPARE_BYTES {
            return;
        }
        line.clear();
        let mut lines = self.lines.lock().unwrap_or_else(PoisonError::into_inner);
        if lines.len() < MAX_SPARES {
            lines.push(line);
        }
    }
}

/// An outcome made ready for a [`Sink`] by its [`Sink::preparer`].
#[derive(Debug)]
pub enum Prepared {
    /// Kept as it is, for the sink to filter and write (sorted or tabular output).
    Outcome(Outcome),
    /// Rendered: the record's JSON line, empty when the filters dropped it.
    Rendered {
        /// Whether the record was an error (the run's exit status says so).
        failed: bool,
        /// The bytes to write.
        line: Vec<u8>,
    },
    /// Rendering failed (a bug in chaff): the message.
    Failed(String),
}

/// What to keep of the outcomes: a reliability range and a list of fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    /// Keep scored records with at least this reliability.
    pub min_reliability: Option<f64>,
    /// Keep scored records with at most this reliability.
    pub max_reliability: Option<f64>,
    /// Keep only these fields of each JSON record (all when `None`).
    pub fields: Option<Vec<String>>,
    /// Which selected fields were found among the input's extra fields (shared by the clones
    /// of a selection, across threads).
    pub passed_through: PassedThrough,
}

/// The names of selected fields that an input record carried, recorded as records are
/// trimmed, so a run can say which selected names matched nothing (a typo, most often).
#[derive(Debug, Clone, Default)]
pub struct PassedThrough(Arc<Mutex<BTreeSet<String>>>);

impl PartialEq for PassedThrough {
    /// Always equal: what was seen is a record of the run, not part of what is selected.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Selection {
    /// Whether chaff itself writes a field of this name in some record: `id`, the fields of
    /// an error record, or a report field. Input records may carry others, which pass through.
    pub fn is_written_field(name: &str) -> bool {
        ["id", "file", "line", "error"].contains(&name) || Report::FIELDS.contains(&name)
    }

    /// The selected names that no record had so far: neither a field chaff writes nor an
    /// extra field of any input record trimmed by [`Selection::to_json`].
    pub fn unmatched_fields(&self) -> Vec<&str> {
        let seen = self
            .passed_through
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.fields
            .iter()
            .flatten()
            .map(String::as_str)
            .filter(|name| !Self::is_written_field(name) && !seen.contains(*name))
            .collect()
    }

    /// True when the outcome passes the reliability filters. Error records always pass: a
    /// failure is never dropped silently.
    pub fn keeps(&self, outcome: &Outcome) -> bool {
        match outcome.reliability() {
            None => true,
            Some(r) => {
                self.min_reliability.is_none_or(|min| r >= min)
                    && self.max_reliability.is_none_or(|max| r <= max)
            }
        }
    }

    /// The outcome as JSON, trimmed to the selected fields (error records keep `id`, `file`,
    /// `line` and `error` whatever is selected).
    pub fn to_json(&self, outcome: &Outcome) -> Value {
        let Some(fields) = &self.fields else {
            return outcome.to_json();
        };
        let keep = |name: &str| fields.iter().any(|f| f == name);
        let Outcome::Scored { id, report, extra } = outcome else {
            let json = outcome.to_json();
            let Value::Object(object) = json else {
                return json;
            };
            let trimmed = object
                .into_iter()
                .filter(|(k, _)| keep(k) || ["id", "file", "line", "error"].contains(&k.as_str()));
            return Value::Object(trimmed.collect());
        };
        // As `Outcome::to_json` builds it (id, extra fields, report fields, the report's
        // winning over an extra field of the same name), but only the fields kept.
        let mut object = Map::new();
        if keep("id") {
            object.insert("id".to_owned(), Value::String(id.clone()));
        }
        for (name, value) in extra.iter().filter(|(name, _)| keep(name)) {
            object.insert(name.clone(), value.clone());
            if !Self::is_written_field(name) {
                let mut seen = self
                    .passed_through
                    .0
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                if !seen.contains(name) {
                    seen.insert(name.clone());
                }
            }
        }
        for &name in Report::FIELDS.iter().filter(|name| keep(name)) {
            if let Some(value) = report.field(name) {
                object.insert(name.to_owned(), value);
            }
        }
        Value::Object(object)
    }
}

/// Where outcomes go: streamed as they come (JSON Lines, JSON, CSV), or collected first (the
/// table, or any format when sorted). Applies a [`Selection`] on the way.
pub struct Sink<'s, W: Write> {
    emitter: Box<dyn Emitter>,
    selection: &'s Selection,
    spares: Option<&'s Spares>,
    collect: bool,
    collected: Vec<Outcome>,
    out: W,
    written: usize,
    failed: bool,
}

impl<'s, W: Write> Sink<'s, W> {
    /// A sink writing with `emitter` to `out`; `sort` orders the records least reliable first.
    pub fn new(emitter: Box<dyn Emitter>, sort: bool, selection: &'s Selection, out: W) -> Self {
        Sink {
            collect: sort || emitter.lays_out_all(),
            emitter,
            selection,
            spares: None,
            collected: Vec::new(),
            out,
            written: 0,
            failed: false,
        }
    }

    /// Gives the lines of prepared outcomes, once written, to `spares`, and takes the lines
    /// its [`Sink::preparer`] renders from there.
    pub fn reusing(mut self, spares: &'s Spares) -> Self {
        self.spares = Some(spares);
        self
    }

    /// True when `--fields` trims the records this sink writes.
    pub fn trims_fields(&self) -> bool {
        self.emitter.trims_fields()
    }

    /// Prepares outcomes for [`Sink::push_prepared`] on the threads that score them: when the
    /// format writes each record on its own and the records are not sorted, they are
    /// rendered there, filters applied, so the thread that writes only copies bytes.
    pub fn preparer(&self) -> impl Fn(Outcome) -> Prepared + Sync + 's {
        let render = if self.collect {
            None
        } else {
            self.emitter.line_renderer()
        };
        let (selection, spares) = (self.selection, self.spares);
        move |outcome| {
            let Some(render) = render else {
                return Prepared::Outcome(outcome);
            };
            let failed = matches!(outcome, Outcome::Failed { .. });
            let mut line = Vec::new();
            if selection.keeps(&outcome) {
                line = spares.map(Spares::take).unwrap_or_default();
                // A full record of a 5 KB document takes about 8 KB: room for it at once,
                // rather than growing (and copying) the line a dozen times. A few fields take
                // what they need, and a record the filters drop nothing (nor takes a spare).
                if selection.fields.is_none() {
                    line.reserve(LINE_CAPACITY);
                }
                // Writing to a vector cannot fail; a serialisation error would be a bug.
                if let Err(e) = render(&outcome, selection, &mut line) {
                    return Prepared::Failed(e.to_string());
                }
            }
            Prepared::Rendered { failed, line }
        }
    }

    /// Takes one outcome: written now when streaming, kept otherwise.
    pub fn push(&mut self, outcome: Outcome) -> io::Result<()> {
        self.failed |= matches!(outcome, Outcome::Failed { .. });
        if !self.selection.keeps(&outcome) {
            return Ok(());
        }
        if self.collect {
            self.collected.push(outcome);
            return Ok(());
        }
        self.write(outcome)
    }

    /// Takes an outcome from [`Sink::preparer`].
    pub fn push_prepared(&mut self, prepared: Prepared) -> io::Result<()> {
        match prepared {
            Prepared::Outcome(outcome) => self.push(outcome),
            Prepared::Rendered { failed, line } => {
                self.failed |= failed;
                if !line.is_empty() {
                    self.out.write_all(&line)?;
                    self.written += 1;
                }
                if let Some(spares) = self.spares {
                    spares.give(line);
                }
                Ok(())
            }
            Prepared::Failed(message) => Err(io::Error::other(message)),
        }
    }

    fn write(&mut self, outcome: Outcome) -> io::Result<()> {
        self.emitter
            .record(&mut self.out, outcome, self.selection, self.written)?;
        self.written += 1;
        Ok(())
    }

    /// Writes what was collected and closes the output; returns true when some record failed.
    pub fn finish(mut self) -> io::Result<bool> {
        let mut collected = std::mem::take(&mut self.collected);
        if !self.emitter.lays_out_all() {
            collected.sort_by(|a, b| {
                let key = |o: &Outcome| o.reliability().unwrap_or(f64::INFINITY);
                key(a).total_cmp(&key(b))
            });
        }
        for outcome in collected {
            self.write(outcome)?;
        }
        self.emitter.end(&mut self.out, self.written)?;
        self.out.flush()?;
        Ok(self.failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::outcomes_of;

    #[test]
    fn selection_filters_scores_but_keeps_errors_and_trims_fields() {
        let outcomes =
            outcomes_of("{\"id\": \"a\", \"text\": \"Miracle cure! Buy now!\"}\n{\"id\": \"b\"}\n");
        let selection = Selection {
            min_reliability: Some(0.999),
            max_reliability: None,
            fields: Some(vec!["id".to_owned(), "reliability".to_owned()]),
            ..Selection::default()
        };
        assert!(!selection.keeps(&outcomes[0]));
        assert!(
            selection.keeps(&outcomes[1]),
            "errors are never filtered out"
        );
        let json = selection.to_json(&outcomes[0]);
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "reliability"]);
        let error = selection.to_json(&outcomes[1]);
        assert!(error.get("error").is_some() && error.get("line").is_some());
    }

    /// A written line comes back to the preparer with its room; one with no room or with room
    /// for a huge record is not kept, nor more than MAX_SPARES.
    #[test]
    fn written_lines_are_reused_within_bounds() {
        let spares = Spares::default();
        let mut line = Vec::with_capacity(100);
        line.extend_from_slice(b"{}\n");
        let address = line.as_ptr();
        spares.give(line);
        let again = spares.take();
        assert!(again.is_empty() && again.capacity() >= 100);
        assert_eq!(again.as_ptr(), address, "the same buffer");
        spares.give(Vec::new());
        spares.give(Vec::with_capacity(MAX_SPARE_BYTES + 1));
        assert_eq!(spares.take().capacity(), 0, "neither was kept");
        for _ in 0..MAX_SPARES + 10 {
            spares.give(Vec::with_capacity(8));
        }
        assert_eq!(spares.held(), MAX_SPARES);
    }

    #[test]
    fn prepared_outcomes_write_what_pushed_ones_write() {
        let input = "{\"id\": \"a\", \"text\": \"Miracle cure! Buy now!\"}\n{\"id\": \"b\"}\n\
                     {\"id\": \"c\", \"text\": \"A trial of 400 adults found fewer strokes.\"}\n";
        let selections = [
            Selection::default(),
            Selection {
                min_reliability: Some(0.5),
                max_reliability: None,
                fields: Some(vec!["id".to_owned(), "reliability".to_owned()]),
                ..Selection::default()
            },
        ];
        for selection in &selections {
            for (format, sort) in [
                (OutputFormat::Jsonl, false),
                (OutputFormat::Jsonl, true),
                (OutputFormat::Csv, false),
            ] {
                let (mut pushed, mut prepared) = (Vec::new(), Vec::new());
                let emitter = || format.emitter(Styling { color: false });
                let mut sink = Sink::new(emitter(), sort, selection, &mut pushed);
                for outcome in outcomes_of(input) {
                    sink.push(outcome).unwrap();
                }
                let failed = sink.finish().unwrap();
                let spares = Spares::default();
                let mut sink =
                    Sink::new(emitter(), sort, selection, &mut prepared).reusing(&spares);
                let prepare = sink.preparer();
                for outcome in outcomes_of(input) {
                    sink.push_prepared(prepare(outcome)).unwrap();
                }
                assert_eq!(sink.finish().unwrap(), failed);
                assert!(failed, "record b has no text");
                assert_eq!(
                    String::from_utf8(prepared).unwrap(),
                    String::from_utf8(pushed).unwrap(),
                    "{format:?}, sorted: {sort}, {selection:?}"
                );
            }
        }
    }
}
