//! The triage report: one self-contained HTML page for a curator, a queue of documents least
//! reliable first and, on demand, each document's text with its evidence marked in place.
//!
//! The page is the template `triage/page.html` with its style and script inlined and the data
//! embedded as JSON: no network, no external file, it opens from `file://`. The queue's data is
//! one element, read at once; each document's view (its text, marks and bars) is an element of
//! its own, read when the document is opened. Each record is turned into its entry as it comes
//! (the report itself is dropped), so a run of many documents holds their entries, not their
//! reports. The numbers are the JSON record's, written by the
//! same serialiser, so the page and `chaff score` agree to the last digit.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{json, Value};

use super::{lowering_reasons, Emitter, Selection};
use crate::batch::Outcome;
use crate::report::{Contribution, Evidence};
use crate::{Family, Report, SignalSpec};

const PAGE: &str = include_str!("triage/page.html");
const STYLE: &str = include_str!("triage/triage.css");
const SCRIPT: &str = include_str!("triage/triage.js");

/// Lays out the triage page of every record.
pub struct Triage {
    signals: Value,
    /// What the curator's configuration did, if one applied.
    config: Option<String>,
    /// Each record's entry, kept until the queue is ordered.
    entries: Vec<Entry>,
}

/// One document on the page: its place in the queue and what the page holds of it.
struct Entry {
    /// Its reliability (errors last).
    key: f64,
    /// What the queue shows (JSON).
    row: Vec<u8>,
    /// What its view shows (JSON), parsed only when it is opened: the text, marks and
    /// contributions are most of a page's bytes, and the queue opens without reading them.
    view: Vec<u8>,
}

impl Triage {
    /// A page for documents scored with these signals (their names and messages are shown
    /// next to the evidence) and the configuration `config` sums up, if any.
    pub fn new(specs: &[&'static SignalSpec], config: Option<String>) -> Self {
        let signals = specs
            .iter()
            .map(|s| {
                (
                    s.id.to_owned(),
                    json!({"name": s.name, "family": s.family.name(), "message": s.message}),
                )
            })
            .collect::<serde_json::Map<_, _>>();
        Triage {
            signals: Value::Object(signals),
            config,
            entries: Vec::new(),
        }
    }
}

impl Emitter for Triage {
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
        let (row, view) = entry(&outcome);
        self.entries.push(Entry {
            key: outcome.reliability().unwrap_or(f64::INFINITY),
            row: serde_json::to_vec(&row)?,
            view: serde_json::to_vec(&view)?,
        });
        Ok(())
    }

    fn end(&mut self, out: &mut dyn Write, _written: usize) -> io::Result<()> {
        // Least reliable first, errors last; a stable sort keeps input order among equals.
        self.entries.sort_by(|a, b| a.key.total_cmp(&b.key));
        let mut queue = Vec::with_capacity(self.entries.iter().map(|e| e.row.len() + 1).sum());
        queue.extend_from_slice(b"{\"families\":");
        let families: Vec<&str> = Family::ALL.iter().map(|f| f.name()).collect();
        serde_json::to_writer(&mut queue, &families)?;
        queue.extend_from_slice(b",\"config\":");
        serde_json::to_writer(&mut queue, &self.config)?;
        queue.extend_from_slice(b",\"signals\":");
        serde_json::to_writer(&mut queue, &self.signals)?;
        queue.extend_from_slice(b",\"documents\":[");
        for (i, entry) in self.entries.iter().enumerate() {
            if i > 0 {
                queue.push(b',');
            }
            queue.extend_from_slice(&entry.row);
        }
        queue.extend_from_slice(b"]}");
        let entries = std::mem::take(&mut self.entries);
        write_page(out, &queue, entries.iter().map(|e| e.view.as_slice()))
    }
}

/// Writes the page: the template with its style, queue and script in place of its markers, and
/// after the queue each document's view in an element of its own (`view-N`, in queue order).
fn write_page<'a>(
    out: &mut dyn Write,
    queue: &[u8],
    views: impl Iterator<Item = &'a [u8]>,
) -> io::Result<()> {
    let (head, rest) = PAGE
        .split_once("/*STYLE*/")
        .expect("the template has a style marker");
    let (middle, rest) = rest
        .split_once("/*DATA*/")
        .expect("the template has a data marker");
    let (between, tail) = rest
        .split_once("/*SCRIPT*/")
        .expect("the template has a script marker");
    let between = between
        .strip_prefix("</script>\n")
        .expect("the queue's element ends its line");
    out.write_all(head.as_bytes())?;
    out.write_all(STYLE.as_bytes())?;
    out.write_all(middle.as_bytes())?;
    write_script_safe(out, queue)?;
    out.write_all(b"</script>\n")?;
    for (i, view) in views.enumerate() {
        write!(out, "<script type=\"application/json\" id=\"view-{i}\">")?;
        write_script_safe(out, view)?;
        out.write_all(b"</script>\n")?;
    }
    out.write_all(between.as_bytes())?;
    out.write_all(SCRIPT.as_bytes())?;
    out.write_all(tail.as_bytes())
}

/// Writes JSON inside a `<script>` element: every `<` (found only inside strings) as `\u003c`,
/// so that no text of a document can close the element or open a comment.
fn write_script_safe(out: &mut dyn Write, json: &[u8]) -> io::Result<()> {
    for piece in json.split_inclusive(|&b| b == b'<') {
        match piece.strip_suffix(b"<") {
            Some(before) => {
                out.write_all(before)?;
                out.write_all(b"\\u003c")?;
            }
            None => out.write_all(piece)?,
        }
    }
    Ok(())
}

/// One document's entry: what the queue shows, and what its view shows.
fn entry(outcome: &Outcome) -> (Value, Value) {
    match outcome {
        Outcome::Scored { id, report, extra } => {
            let url = extra.get("url").and_then(Value::as_str);
            (row(id, url, report), view(report))
        }
        Outcome::Failed {
            id,
            file,
            line,
            error,
        } => (
            json!({"id": id, "file": file, "line": line, "error": error}),
            Value::Null,
        ),
    }
}

/// A contribution as the page draws it: `[feature, head, value, contribution]`.
#[derive(Serialize)]
struct Bar<'a>(&'a str, &'static str, f64, f64);

impl<'a> From<&'a Contribution> for Bar<'a> {
    fn from(c: &'a Contribution) -> Self {
        Bar(c.feature, c.head.name(), c.value, c.contribution)
    }
}

/// A piece of evidence as the page marks it: `[start, end, signal, note]`, the span in UTF-16
/// code units of the readable text (a JavaScript string's indices); its text is the text's
/// there.
#[derive(Serialize)]
struct Mark<'a>(usize, usize, &'a str, Option<&'a str>);

/// What the queue shows of a document, and filters and sorts it by.
fn row(id: &str, url: Option<&str>, report: &Report) -> Value {
    let reasons: Vec<Bar> = lowering_reasons(report).map(Bar::from).collect();
    // Each family's sub-score and evidence count, in the page's family order.
    let families: Vec<(f64, usize)> = report
        .families
        .iter()
        .map(|f| (f.score, f.evidence))
        .collect();
    json!({
        "id": id,
        "url": url,
        "title": report.title,
        "words": report.words,
        "format": report.format.name(),
        "reliability": report.reliability,
        "spam": report.spam,
        "quality": report.quality,
        "news": report.news,
        "verdict": report.verdict,
        "spam_kind": report.spam_kind.map(|k| k.name()),
        "flagged": report.flagged,
        "insufficient_text": report.insufficient_text,
        "families": families,
        "reasons": reasons,
    })
}

/// What a document's view shows: the heads, the bars, the text and its marks.
fn view(report: &Report) -> Value {
    // The bars: every feature that moves its head (a preview signal or a value at the
    // training mean moves nothing).
    let contributions: Vec<Bar> = report
        .contributions
        .iter()
        .filter(|c| c.contribution != 0.0)
        .map(Bar::from)
        .collect();
    let text = report.readable_text.as_deref().unwrap_or("");
    let spans = utf16_spans(text, &report.evidence);
    let marks: Vec<Mark> = report
        .evidence
        .iter()
        .zip(spans)
        .map(|(e, (start, end))| Mark(start, end, e.signal, e.note.as_deref()))
        .collect();
    json!({
        "spam_logit": report.spam_logit,
        "spam_intercept": report.spam_intercept,
        "quality_logit": report.quality_logit,
        "quality_intercept": report.quality_intercept,
        "news_logit": report.news_logit,
        "news_intercept": report.news_intercept,
        "contributions": contributions,
        "evidence_truncated": report.evidence_truncated,
        "text": text,
        "marks": marks,
    })
}

/// Each piece of evidence's readable span in UTF-16 code units, in one pass over the text.
fn utf16_spans(text: &str, evidence: &[Evidence]) -> Vec<(usize, usize)> {
    let mut offsets: Vec<usize> = evidence
        .iter()
        .flat_map(|e| [e.readable.start, e.readable.end])
        .collect();
    offsets.sort_unstable();
    offsets.dedup();
    let mut converted = Vec::with_capacity(offsets.len());
    let (mut units, mut at) = (0, 0);
    for &offset in &offsets {
        let offset = offset.min(text.len());
        units += text[at..offset].encode_utf16().count();
        at = offset;
        converted.push(units);
    }
    let units_at = |byte: usize| converted[offsets.binary_search(&byte).unwrap_or(0)];
    evidence
        .iter()
        .map(|e| (units_at(e.readable.start), units_at(e.readable.end)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_count_utf16_units() {
        let scorer = crate::Scorer::default().keeping_text();
        // "é" is 2 bytes and 1 unit, "😀" 4 bytes and 2 units.
        let report = scorer.score("é 😀 This miracle cure works.");
        let text = report.readable_text.as_deref().unwrap();
        let spans = utf16_spans(text, &report.evidence);
        let units: Vec<u16> = text.encode_utf16().collect();
        let miracle = report
            .evidence
            .iter()
            .position(|e| e.text == "miracle")
            .expect("HYPE001 fires on miracle");
        let (start, end) = spans[miracle];
        assert_eq!(String::from_utf16(&units[start..end]).unwrap(), "miracle");
        // é 1 unit, a space, 😀 2 units, a space, "This ": 10 units (13 bytes).
        assert_eq!(start, 10);
    }

    #[test]
    fn script_data_cannot_close_its_element() {
        let mut out = Vec::new();
        write_script_safe(&mut out, br#"{"text":"</script><!-- <b>"}"#).unwrap();
        let written = String::from_utf8(out).unwrap();
        assert!(!written.contains('<'), "{written}");
        let back: Value = serde_json::from_str(&written).unwrap();
        assert_eq!(back["text"], "</script><!-- <b>");
    }
}
