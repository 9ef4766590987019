//! CSV: a header row, then one row a record: the scores, the family sub-scores and the top
//! reasons (the full evidence is in the JSON formats).

use std::io::{self, Write};

use super::{top_reasons, Emitter, Selection};
use crate::batch::Outcome;
use crate::signals::Family;

/// Writes CSV.
pub(super) struct Csv;

impl Emitter for Csv {
    fn record(
        &mut self,
        out: &mut dyn Write,
        outcome: Outcome,
        _selection: &Selection,
        written: usize,
    ) -> io::Result<()> {
        if written == 0 {
            out.write_all(&line(&header())?)?;
        }
        out.write_all(&line(&row(&outcome))?)
    }

    fn end(&mut self, out: &mut dyn Write, written: usize) -> io::Result<()> {
        if written == 0 {
            out.write_all(&line(&header())?)?;
        }
        Ok(())
    }
}

/// The CSV header: id, reliability, verdict, flags, family sub-scores, top reasons, error.
fn header() -> Vec<String> {
    let mut header = vec![
        "id".to_owned(),
        "reliability".to_owned(),
        "verdict".to_owned(),
        "flagged".to_owned(),
        "spam".to_owned(),
        "spam_kind".to_owned(),
        "quality".to_owned(),
        "news".to_owned(),
        "insufficient_text".to_owned(),
        "words".to_owned(),
    ];
    header.extend(Family::ALL.iter().map(|f| format!("family_{f}")));
    header.extend(["top_reasons".to_owned(), "error".to_owned()]);
    header
}

/// One CSV row, in the order of [`header`].
fn row(outcome: &Outcome) -> Vec<String> {
    let mut row: Vec<String> = vec![outcome.id().unwrap_or_default().to_owned()];
    match outcome {
        Outcome::Scored { report, .. } => {
            row.push(format!("{:.4}", report.reliability));
            row.push(report.verdict.clone());
            row.push(report.flagged.to_string());
            row.push(format!("{:.4}", report.spam));
            row.push(
                report
                    .spam_kind
                    .map(|k| k.name())
                    .unwrap_or_default()
                    .to_owned(),
            );
            row.push(format!("{:.4}", report.quality));
            row.push(format!("{:.4}", report.news));
            row.push(report.insufficient_text.to_string());
            row.push(report.words.to_string());
            row.extend(report.families.iter().map(|f| format!("{:.4}", f.score)));
            row.push(top_reasons(report));
            row.push(String::new());
        }
        Outcome::Failed { line, error, .. } => {
            row.extend(std::iter::repeat_n(
                String::new(),
                9 + Family::ALL.len() + 1,
            ));
            let place = line.map(|l| format!("line {l}: ")).unwrap_or_default();
            row.push(format!("{place}{error}"));
        }
    }
    row
}

/// One CSV record, quoted as needed, with its line ending.
fn line(fields: &[String]) -> std::io::Result<Vec<u8>> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer.write_record(fields).map_err(std::io::Error::other)?;
    writer
        .into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}
