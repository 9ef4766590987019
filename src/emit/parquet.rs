//! Parquet: the JSON record's fields as typed columns (the family scores, contributions and
//! evidence as lists of structs), written a row group at a time as records stream in, so memory
//! stays as flat as with JSON Lines.
//!
//! Written with the `parquet` crate's column writers rather than through Arrow: a record is a
//! fixed set of columns, and Arrow's array crates would add build time for nothing chaff needs.
//! Every column is optional at the top level: an error record has `id` (when known), `file`,
//! `line` and `error`, and nulls for the scores; a scored record has null `file`, `line` and
//! `error`. The input record's other fields (a WARC record's `url`, a corpus's `label`) are kept
//! as one JSON object in `passed_through`: they differ from input to input, and a Parquet schema
//! is fixed before the first row.

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::Arc;

use bytes::Bytes;
use parquet::basic::Compression;
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use super::{Emitter, Selection};
use crate::batch::Outcome;
use crate::report::{Contribution, Evidence, FamilyScore};
use crate::Report;

/// Records buffered before a row group is written. Each record holds some 450 values (its
/// contributions and evidence); at 1,024 records a run's peak memory stays near JSON Lines'
/// (measured on the 50 MB bench file: 4,096 records doubled it), and a row group is about a
/// megabyte of Parquet.
const ROW_GROUP_RECORDS: usize = 1024;

/// A column's physical type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Double,
    Int,
    Flag,
}

/// One value of a column.
enum Cell<'a> {
    Text(Cow<'a, str>),
    /// A word of chaff's own vocabulary (a signal id, a family): stored without a copy.
    Word(&'static str),
    Double(f64),
    Int(usize),
    Flag(bool),
}

/// How a leaf column reads its values: from the record, or from each item of one of the
/// report's lists.
#[derive(Clone, Copy)]
enum Reader {
    Record(for<'a> fn(&'a Outcome) -> Option<Cell<'a>>),
    Family(for<'a> fn(&'a FamilyScore) -> Option<Cell<'a>>),
    Contribution(for<'a> fn(&'a Contribution) -> Option<Cell<'a>>),
    Evidence(for<'a> fn(&'a Evidence) -> Option<Cell<'a>>),
}

impl Reader {
    /// The list column a list item's field belongs to.
    fn list(self) -> Option<&'static str> {
        match self {
            Reader::Record(_) => None,
            Reader::Family(_) => Some("families"),
            Reader::Contribution(_) => Some("contributions"),
            Reader::Evidence(_) => Some("evidence"),
        }
    }
}

/// A leaf column: its name (in its list's struct, for a list item's field), type, whether a
/// list item may lack it, and how it is read.
struct Leaf {
    name: &'static str,
    kind: Kind,
    /// For a list item's field: may be null (a record's own columns are all nullable).
    optional: bool,
    read: Reader,
}

fn scored(outcome: &Outcome) -> Option<&Report> {
    match outcome {
        Outcome::Scored { report, .. } => Some(report),
        Outcome::Failed { .. } => None,
    }
}

macro_rules! record {
    ($name:literal, $kind:ident, |$o:ident| $read:expr) => {
        Leaf {
            name: $name,
            kind: Kind::$kind,
            optional: true,
            read: Reader::Record(|$o| $read),
        }
    };
}

macro_rules! report {
    ($name:literal, $kind:ident, |$r:ident| $read:expr) => {
        record!($name, $kind, |o| scored(o).and_then(|$r| $read))
    };
}

macro_rules! item {
    ($list:ident, $name:literal, $kind:ident, $optional:literal, |$i:ident| $read:expr) => {
        Leaf {
            name: $name,
            kind: Kind::$kind,
            optional: $optional,
            read: Reader::$list(|$i| $read),
        }
    };
}

/// The columns, in file order: the record's own, then each list's fields together. The report's
/// fields are those of [`Report::FIELDS`] (a test holds the two together).
const LEAVES: &[Leaf] = &[
    record!("id", Text, |o| o.id().map(|id| Cell::Text(id.into()))),
    record!("file", Text, |o| match o {
        Outcome::Failed { file, .. } => file.as_deref().map(|f| Cell::Text(f.into())),
        Outcome::Scored { .. } => None,
    }),
    record!("line", Int, |o| match o {
        Outcome::Failed { line, .. } => line.map(Cell::Int),
        Outcome::Scored { .. } => None,
    }),
    record!("error", Text, |o| match o {
        Outcome::Failed { error, .. } => Some(Cell::Text(error.into())),
        Outcome::Scored { .. } => None,
    }),
    record!("passed_through", Text, |o| match o {
        Outcome::Scored { extra, .. } if !extra.is_empty() => {
            serde_json::to_string(extra)
                .ok()
                .map(|s| Cell::Text(s.into()))
        }
        _ => None,
    }),
    report!("reliability", Double, |r| Some(Cell::Double(r.reliability))),
    report!("verdict", Text, |r| Some(Cell::Text(
        r.verdict.as_str().into()
    ))),
    report!("flagged", Flag, |r| Some(Cell::Flag(r.flagged))),
    report!("spam", Double, |r| Some(Cell::Double(r.spam))),
    report!("spam_kind", Text, |r| r
        .spam_kind
        .map(|k| Cell::Word(k.name()))),
    report!("quality", Double, |r| Some(Cell::Double(r.quality))),
    report!("news", Double, |r| Some(Cell::Double(r.news))),
    report!("insufficient_text", Flag, |r| Some(Cell::Flag(
        r.insufficient_text
    ))),
    report!("format", Text, |r| Some(Cell::Word(r.format.name()))),
    report!("words", Int, |r| Some(Cell::Int(r.words))),
    report!("title", Text, |r| r
        .title
        .as_deref()
        .map(|t| Cell::Text(t.into()))),
    report!("spam_logit", Double, |r| Some(Cell::Double(r.spam_logit))),
    report!("spam_intercept", Double, |r| Some(Cell::Double(
        r.spam_intercept
    ))),
    report!("quality_logit", Double, |r| Some(Cell::Double(
        r.quality_logit
    ))),
    report!("quality_intercept", Double, |r| Some(Cell::Double(
        r.quality_intercept
    ))),
    report!("news_logit", Double, |r| Some(Cell::Double(r.news_logit))),
    report!("news_intercept", Double, |r| Some(Cell::Double(
        r.news_intercept
    ))),
    report!("evidence_truncated", Flag, |r| Some(Cell::Flag(
        r.evidence_truncated
    ))),
    item!(Family, "family", Text, false, |f| Some(Cell::Word(
        f.family.name()
    ))),
    item!(Family, "head", Text, false, |f| Some(Cell::Word(
        f.head.name()
    ))),
    item!(Family, "score", Double, false, |f| Some(Cell::Double(
        f.score
    ))),
    item!(Family, "evidence", Int, false, |f| Some(Cell::Int(
        f.evidence
    ))),
    item!(Contribution, "feature", Text, false, |c| Some(Cell::Word(
        c.feature
    ))),
    item!(Contribution, "name", Text, false, |c| Some(Cell::Word(
        c.name
    ))),
    item!(Contribution, "family", Text, false, |c| Some(Cell::Word(
        c.family.name()
    ))),
    item!(Contribution, "head", Text, false, |c| Some(Cell::Word(
        c.head.name()
    ))),
    item!(Contribution, "value", Double, false, |c| Some(
        Cell::Double(c.value)
    )),
    item!(Contribution, "contribution", Double, false, |c| Some(
        Cell::Double(c.contribution)
    )),
    // As in JSON, only a signal in preview or suppressed says so.
    item!(Contribution, "status", Text, true, |c| (!c
        .status
        .is_model())
    .then(|| Cell::Word(c.status.name()))),
    item!(Evidence, "signal", Text, false, |e| Some(Cell::Word(
        e.signal
    ))),
    item!(Evidence, "family", Text, false, |e| Some(Cell::Word(
        e.family.name()
    ))),
    item!(Evidence, "start", Int, false, |e| Some(Cell::Int(e.start))),
    item!(Evidence, "end", Int, false, |e| Some(Cell::Int(e.end))),
    item!(Evidence, "line", Int, false, |e| Some(Cell::Int(e.line))),
    item!(Evidence, "column", Int, false, |e| Some(Cell::Int(
        e.column
    ))),
    item!(Evidence, "text", Text, false, |e| Some(Cell::Text(
        e.text.as_str().into()
    ))),
    item!(Evidence, "note", Text, true, |e| e
        .note
        .as_deref()
        .map(|n| Cell::Text(n.into()))),
];

/// The Parquet schema of [`LEAVES`]: the record's columns optional, each list a standard
/// three-level `LIST` of required structs.
fn schema() -> String {
    let mut text = String::from("message chaff_record {\n");
    let mut open: Option<&str> = None;
    for leaf in LEAVES {
        let list = leaf.read.list();
        if open.is_some() && list != open {
            text.push_str("    }\n  }\n}\n");
        }
        if list.is_some() && list != open {
            text.push_str(&format!(
                "optional group {} (LIST) {{\n  repeated group list {{\n    required group element {{\n",
                list.unwrap_or_default()
            ));
        }
        open = list;
        let physical = match leaf.kind {
            Kind::Text => "binary",
            Kind::Double => "double",
            Kind::Int => "int64",
            Kind::Flag => "boolean",
        };
        let repetition = if leaf.optional {
            "optional"
        } else {
            "required"
        };
        let annotation = if leaf.kind == Kind::Text {
            " (UTF8)"
        } else {
            ""
        };
        text.push_str(&format!(
            "{repetition} {physical} {}{annotation};\n",
            leaf.name
        ));
    }
    if open.is_some() {
        text.push_str("    }\n  }\n}\n");
    }
    text.push('}');
    text
}

/// One leaf column's values of the rows buffered, with their definition and repetition levels.
#[derive(Default)]
struct Column {
    texts: Vec<ByteArray>,
    doubles: Vec<f64>,
    ints: Vec<i64>,
    flags: Vec<bool>,
    definition: Vec<i16>,
    repetition: Vec<i16>,
}

impl Column {
    /// Adds a value (or a null) at definition level `level`, the highest a present value has.
    fn push(&mut self, cell: Option<Cell<'_>>, level: i16, repetition: i16) {
        self.repetition.push(repetition);
        let Some(cell) = cell else {
            self.definition.push(level - 1);
            return;
        };
        self.definition.push(level);
        match cell {
            Cell::Text(t) => self.texts.push(ByteArray::from(t.as_bytes())),
            Cell::Word(w) => self
                .texts
                .push(ByteArray::from(Bytes::from_static(w.as_bytes()))),
            Cell::Double(d) => self.doubles.push(d),
            Cell::Int(i) => self.ints.push(i64::try_from(i).unwrap_or(i64::MAX)),
            Cell::Flag(b) => self.flags.push(b),
        }
    }

    /// Adds a list item's field: `index` 0 starts the row's list.
    fn push_item(&mut self, cell: Option<Cell<'_>>, optional: bool, index: usize) {
        // Levels: 1 the list is present, 2 an item is, 3 the item's optional field is.
        let level = if optional { 3 } else { 2 };
        self.push(cell, level, i16::from(index > 0));
    }

    /// Adds a row whose list is null (an error record, level 0) or empty (level 1).
    fn push_no_items(&mut self, present: bool) {
        self.definition.push(i16::from(present));
        self.repetition.push(0);
    }

    fn clear(&mut self) {
        self.texts.clear();
        self.doubles.clear();
        self.ints.clear();
        self.flags.clear();
        self.definition.clear();
        self.repetition.clear();
    }
}

/// Writes Parquet: keeps [`ROW_GROUP_RECORDS`] records' columns, then writes them as a row
/// group, and the file's footer at the end.
pub(super) struct Parquet {
    writer: Option<SerializedFileWriter<Vec<u8>>>,
    columns: Vec<Column>,
    rows: usize,
}

fn to_io(e: parquet::errors::ParquetError) -> io::Error {
    io::Error::other(format!("parquet: {e}"))
}

impl Parquet {
    pub(super) fn new() -> Self {
        Parquet {
            writer: None,
            columns: LEAVES.iter().map(|_| Column::default()).collect(),
            rows: 0,
        }
    }

    /// The file writer, made at its first use: making it can fail, and [`Parquet::new`] cannot
    /// (the output's first bytes, the file's magic number, go out with the first row group or at
    /// the end).
    fn writer(&mut self) -> io::Result<&mut SerializedFileWriter<Vec<u8>>> {
        if self.writer.is_none() {
            let schema = parse_message_type(&schema()).map_err(to_io)?;
            let properties = WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .set_created_by(format!("chaff {}", env!("CARGO_PKG_VERSION")))
                .build();
            let writer =
                SerializedFileWriter::new(Vec::new(), Arc::new(schema), Arc::new(properties))
                    .map_err(to_io)?;
            self.writer = Some(writer);
        }
        Ok(self.writer.as_mut().expect("made above"))
    }

    fn add(&mut self, outcome: &Outcome) {
        let report = scored(outcome);
        for (leaf, column) in LEAVES.iter().zip(&mut self.columns) {
            match leaf.read {
                Reader::Record(read) => column.push(read(outcome), 1, 0),
                Reader::Family(read) => {
                    push_list(column, leaf, report.map(|r| &r.families[..]), read)
                }
                Reader::Contribution(read) => {
                    push_list(column, leaf, report.map(|r| &r.contributions[..]), read)
                }
                Reader::Evidence(read) => {
                    push_list(column, leaf, report.map(|r| &r.evidence[..]), read)
                }
            }
        }
        self.rows += 1;
    }

    /// Writes the buffered rows as one row group, and what the writer has made of them to `out`.
    fn flush(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.rows > 0 {
            let mut columns = std::mem::take(&mut self.columns);
            let writer = self.writer()?;
            let mut group = writer.next_row_group().map_err(to_io)?;
            for (leaf, column) in LEAVES.iter().zip(&mut columns) {
                let mut chunk = group
                    .next_column()
                    .map_err(to_io)?
                    .ok_or_else(|| io::Error::other("parquet: fewer columns than leaves"))?;
                let definition = Some(&column.definition[..]);
                let repetition = leaf.read.list().map(|_| &column.repetition[..]);
                match leaf.kind {
                    Kind::Text => chunk.typed::<ByteArrayType>().write_batch(
                        &column.texts,
                        definition,
                        repetition,
                    ),
                    Kind::Double => chunk.typed::<DoubleType>().write_batch(
                        &column.doubles,
                        definition,
                        repetition,
                    ),
                    Kind::Int => {
                        chunk
                            .typed::<Int64Type>()
                            .write_batch(&column.ints, definition, repetition)
                    }
                    Kind::Flag => {
                        chunk
                            .typed::<BoolType>()
                            .write_batch(&column.flags, definition, repetition)
                    }
                }
                .map_err(to_io)?;
                chunk.close().map_err(to_io)?;
                column.clear();
            }
            group.close().map_err(to_io)?;
            self.columns = columns;
            self.rows = 0;
        }
        self.drain(out)
    }

    /// Moves what the writer has written so far to `out`.
    fn drain(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let writer = self.writer()?;
        writer.flush()?;
        out.write_all(writer.inner())?;
        // The writer counts the bytes it wrote itself: emptying its buffer moves no offset.
        writer.inner_mut().clear();
        Ok(())
    }
}

/// Adds one row's list to a list item's field column: null for an error record.
fn push_list<T>(
    column: &mut Column,
    leaf: &Leaf,
    items: Option<&[T]>,
    read: for<'a> fn(&'a T) -> Option<Cell<'a>>,
) {
    match items {
        None => column.push_no_items(false),
        Some([]) => column.push_no_items(true),
        Some(items) => {
            for (i, item) in items.iter().enumerate() {
                column.push_item(read(item), leaf.optional, i);
            }
        }
    }
}

impl Emitter for Parquet {
    fn record(
        &mut self,
        out: &mut dyn Write,
        outcome: Outcome,
        _selection: &Selection,
        _written: usize,
    ) -> io::Result<()> {
        self.add(&outcome);
        if self.rows >= ROW_GROUP_RECORDS {
            self.flush(out)?;
        }
        Ok(())
    }

    fn end(&mut self, out: &mut dyn Write, _written: usize) -> io::Result<()> {
        self.flush(out)?;
        let writer = self.writer()?;
        writer.finish().map_err(to_io)?;
        self.drain(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::file::reader::{FileReader, SerializedFileReader};

    /// A reader of Parquet bytes (through a file: the reader takes files or `bytes::Bytes`).
    fn reader(bytes: &[u8]) -> SerializedFileReader<std::fs::File> {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(bytes).unwrap();
        SerializedFileReader::new(file).unwrap()
    }

    #[test]
    fn the_columns_are_the_json_records_fields() {
        let mut names: Vec<&str> = LEAVES
            .iter()
            .filter(|l| matches!(l.read, Reader::Record(_)))
            .map(|l| l.name)
            .collect();
        names.extend(["families", "contributions", "evidence"]);
        for field in Report::FIELDS {
            assert!(
                names.contains(field),
                "no column for the report's `{field}`"
            );
        }
        for name in ["id", "file", "line", "error", "passed_through"] {
            assert!(names.contains(&name));
        }
        assert_eq!(names.len(), Report::FIELDS.len() + 5);
    }

    fn written(outcomes: Vec<Outcome>) -> Vec<u8> {
        let mut out = Vec::new();
        let mut parquet = Parquet::new();
        let selection = Selection::default();
        for (i, outcome) in outcomes.into_iter().enumerate() {
            parquet.record(&mut out, outcome, &selection, i).unwrap();
        }
        parquet.end(&mut out, 0).unwrap();
        out
    }

    #[test]
    fn records_read_back_with_their_lists_and_errors() {
        let outcomes = crate::run::outcomes_of(concat!(
            "{\"id\": \"a\", \"url\": \"https://example.org/a\", \"text\": \"Order now! A miracle cure, only $49. Order today!\"}\n",
            "{\"id\": \"b\"}\n",
            "{\"id\": \"c\", \"text\": \"The trial of 120 adults found no difference in blood pressure.\"}\n",
        ));
        let json: Vec<serde_json::Value> = outcomes.iter().map(Outcome::to_json).collect();
        let bytes = written(outcomes);
        assert_eq!(&bytes[..4], b"PAR1");
        let reader = reader(&bytes);
        let rows: Vec<_> = reader
            .get_row_iter(None)
            .unwrap()
            .map(|r| r.unwrap().to_json_value())
            .collect();
        assert_eq!(rows.len(), 3);
        for (row, record) in rows.iter().zip(&json) {
            assert_eq!(row["id"], record["id"]);
            if record.get("error").is_some() {
                assert_eq!(row["error"], record["error"]);
                assert_eq!(row["line"], record["line"]);
                assert!(row["reliability"].is_null() && row["evidence"].is_null());
                continue;
            }
            for name in [
                "reliability",
                "spam",
                "quality",
                "news",
                "spam_logit",
                "words",
            ] {
                assert_eq!(row[name], record[name], "{name}");
            }
            assert_eq!(row["verdict"], record["verdict"]);
            assert_eq!(
                row["contributions"].as_array().unwrap().len(),
                record["contributions"].as_array().unwrap().len()
            );
            assert_eq!(row["families"], record["families"]);
            let evidence = record["evidence"].as_array().unwrap();
            let read = row["evidence"].as_array().unwrap();
            assert_eq!(read.len(), evidence.len());
            for (a, b) in read.iter().zip(evidence) {
                for key in ["signal", "start", "end", "text"] {
                    assert_eq!(a[key], b[key]);
                }
            }
        }
        assert!(!rows[0]["evidence"].as_array().unwrap().is_empty());
        let passed: serde_json::Value =
            serde_json::from_str(rows[0]["passed_through"].as_str().unwrap()).unwrap();
        assert_eq!(passed["url"], "https://example.org/a");
        assert!(rows[2]["passed_through"].is_null());
    }

    #[test]
    fn row_groups_are_written_as_records_stream() {
        let text =
            "{\"text\": \"Blood pressure falls with less salt.\"}\n".repeat(ROW_GROUP_RECORDS + 10);
        let outcomes = crate::run::outcomes_of(&text);
        let mut out = Vec::new();
        let mut parquet = Parquet::new();
        let selection = Selection::default();
        for (i, outcome) in outcomes.into_iter().enumerate() {
            parquet.record(&mut out, outcome, &selection, i).unwrap();
            if i + 1 == ROW_GROUP_RECORDS {
                assert!(
                    out.len() > 4,
                    "the first row group is out before the last record"
                );
            }
        }
        parquet.end(&mut out, 0).unwrap();
        let reader = reader(&out);
        assert_eq!(reader.metadata().num_row_groups(), 2);
        assert_eq!(
            reader.metadata().file_metadata().num_rows() as usize,
            ROW_GROUP_RECORDS + 10
        );
    }

    #[test]
    fn no_records_is_a_file_with_the_schema_and_no_rows() {
        let out = written(Vec::new());
        let reader = reader(&out);
        assert_eq!(reader.metadata().file_metadata().num_rows(), 0);
        assert_eq!(
            reader
                .metadata()
                .file_metadata()
                .schema_descr()
                .num_columns(),
            LEAVES.len()
        );
    }
}
