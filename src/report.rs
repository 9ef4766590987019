//! What a score says about one document: the probability, the family sub-scores, every
//! feature's contribution and every piece of evidence, with positions in the input.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

use crate::document::{Document, Format};
use crate::model::{reliability_of, sigmoid, HeadKind, Model, SpamKind, Status};
use crate::signals::{Family, Hit, Measurement, Signal, SignalSpec};
use crate::source::{LineCursor, OffsetMap};

/// Documents with fewer words than this are flagged `insufficient_text`.
pub const MIN_WORDS: usize = 50;

/// Evidence kept per signal: enough to show a reader why, and bounded however long the input
/// (the signal's value still counts every occurrence).
pub const MAX_EVIDENCE_PER_SIGNAL: usize = 50;

/// Bytes of matched text an evidence record quotes: a match can be as long as the document (a
/// run of digits ending in "%" is one reported quantity), and a record must not be. Longer
/// matches are quoted up to here, on a character boundary, followed by "…"; `start` and `end`
/// still give the whole span.
pub const MAX_EVIDENCE_TEXT: usize = 300;

/// The score of one document and its explanation. Its JSON record is declared once, in this
/// module's `RECORD`: the record's field names, their order, when a field is left out, and the
/// value written.
#[derive(Debug, Clone)]
pub struct Report {
    /// Probability that the document is reliable, 0..1: `(1 - spam) × (1 - news × (1 -
    /// quality))` (see [`crate::model::reliability_of`]).
    pub reliability: f64,
    /// The model's word for the document: its spam kind when judged spam, else the word for its
    /// reliability.
    pub verdict: String,
    /// True when the document is judged spam or its reliability is below the model's threshold.
    pub flagged: bool,
    /// Probability that the document is SEO spam or mass-produced junk (the spam head).
    pub spam: f64,
    /// The kind of spam, when the document is judged spam: a sales page when its commercial
    /// signals add to the spam logit, otherwise the kind of the spam-side family that adds most.
    pub spam_kind: Option<SpamKind>,
    /// Probability that the document is reliable as health journalism (the quality head).
    pub quality: f64,
    /// Probability that the document is a news report, which the journalism criteria judge
    /// (the news head).
    pub news: f64,
    /// True when the document is too short for the score to mean much.
    pub insufficient_text: bool,
    /// Plain text or HTML.
    pub format: Format,
    /// Words in the readable text.
    pub words: usize,
    /// The HTML title, if any.
    pub title: Option<String>,
    /// The spam head's logit: `spam_intercept` plus the contributions of the spam head.
    pub spam_logit: f64,
    /// The spam logit of a document with every feature at the training mean.
    pub spam_intercept: f64,
    /// The quality head's logit: `quality_intercept` plus the contributions of the quality head.
    pub quality_logit: f64,
    /// The quality logit of a document with every feature at the training mean.
    pub quality_intercept: f64,
    /// The news head's logit: `news_intercept` plus the contributions of the news head.
    pub news_logit: f64,
    /// The news logit of a document with every feature at the training mean.
    pub news_intercept: f64,
    /// Sub-score per family: the sum of its features' contributions to its head's logit.
    pub families: Vec<FamilyScore>,
    /// Each feature's value and contribution to its own head, in registry order, then each
    /// journalism feature's contribution to the news head.
    pub contributions: Vec<Contribution>,
    /// Evidence spans, in input order: at most [`MAX_EVIDENCE_PER_SIGNAL`] per signal.
    pub evidence: Vec<Evidence>,
    /// True when some signal had more evidence than was kept.
    pub evidence_truncated: bool,
    /// The readable text the signals read (the input itself for plain text, the extracted
    /// text for HTML), kept only by a scorer made [`crate::Scorer::keeping_text`] (for the
    /// triage report, which shows it with the evidence marked; each piece of evidence's
    /// [`Evidence::readable`] is its span there). Not part of the JSON record.
    pub readable_text: Option<String>,
}

/// The value of one field of a report's JSON record, borrowed from the report.
#[derive(Debug, Clone, Copy)]
pub enum FieldValue<'a> {
    /// A probability, logit or intercept.
    Number(f64),
    /// A count.
    Count(usize),
    /// A yes or no.
    Flag(bool),
    /// Free text (escaped as JSON needs).
    Text(&'a str),
    /// A word of chaff's own vocabulary (a format, a spam kind), which needs no escaping.
    Word(&'static str),
    /// The family sub-scores.
    Families(&'a [FamilyScore]),
    /// The per-feature contributions.
    Contributions(&'a [Contribution]),
    /// The evidence spans.
    Evidence(&'a [Evidence]),
}

/// How a field's value is read from a report: `None` when the record leaves the field out.
type Accessor = for<'a> fn(&'a Report) -> Option<FieldValue<'a>>;

/// The fields of a report's JSON record, in the order they are written: the one place a report
/// field is declared. [`Report::FIELDS`], [`Report::field`], the record writer and the
/// report's `Serialize` all read it.
const RECORD: [(&str, Accessor); 21] = [
    ("reliability", |r| Some(FieldValue::Number(r.reliability))),
    ("verdict", |r| Some(FieldValue::Text(&r.verdict))),
    ("flagged", |r| Some(FieldValue::Flag(r.flagged))),
    ("spam", |r| Some(FieldValue::Number(r.spam))),
    ("spam_kind", |r| {
        r.spam_kind.map(|k| FieldValue::Word(k.name()))
    }),
    ("quality", |r| Some(FieldValue::Number(r.quality))),
    ("news", |r| Some(FieldValue::Number(r.news))),
    ("insufficient_text", |r| {
        Some(FieldValue::Flag(r.insufficient_text))
    }),
    ("format", |r| Some(FieldValue::Word(r.format.name()))),
    ("words", |r| Some(FieldValue::Count(r.words))),
    ("title", |r| r.title.as_deref().map(FieldValue::Text)),
    ("spam_logit", |r| Some(FieldValue::Number(r.spam_logit))),
    ("spam_intercept", |r| {
        Some(FieldValue::Number(r.spam_intercept))
    }),
    ("quality_logit", |r| {
        Some(FieldValue::Number(r.quality_logit))
    }),
    ("quality_intercept", |r| {
        Some(FieldValue::Number(r.quality_intercept))
    }),
    ("news_logit", |r| Some(FieldValue::Number(r.news_logit))),
    ("news_intercept", |r| {
        Some(FieldValue::Number(r.news_intercept))
    }),
    ("families", |r| Some(FieldValue::Families(&r.families))),
    ("contributions", |r| {
        Some(FieldValue::Contributions(&r.contributions))
    }),
    ("evidence", |r| Some(FieldValue::Evidence(&r.evidence))),
    ("evidence_truncated", |r| {
        r.evidence_truncated.then_some(FieldValue::Flag(true))
    }),
];

impl Report {
    /// The names of the report's fields in a JSON record, in the order they are written.
    pub const FIELDS: &'static [&'static str] = &{
        let mut names = [""; RECORD.len()];
        let mut i = 0;
        while i < RECORD.len() {
            names[i] = RECORD[i].0;
            i += 1;
        }
        names
    };

    /// The fields this report's record holds, in order, with their values.
    pub fn fields(&self) -> impl Iterator<Item = (&'static str, FieldValue<'_>)> {
        RECORD
            .iter()
            .filter_map(move |&(name, value)| value(self).map(|v| (name, v)))
    }

    /// One field as it is written in a JSON record, by name; `None` for a field the record
    /// leaves out (no title, evidence not truncated) or a name that is not a field. A pipeline
    /// that keeps a few fields gets them without converting the evidence.
    pub fn field(&self, name: &str) -> Option<Value> {
        let (_, value) = RECORD.iter().find(|(field, _)| *field == name)?;
        serde_json::to_value(value(self)?).ok()
    }

    /// Writes the report's fields as a JSON record holds them, in [`Report::FIELDS`] order and
    /// without the braces: byte for byte what serialising the report writes between its braces.
    pub(crate) fn write_json_fields<W: Write>(&self, out: &mut W) -> io::Result<()> {
        for (i, (name, value)) in self.fields().enumerate() {
            out.write_all(if i == 0 { b"\"" } else { b",\"" })?;
            out.write_all(name.as_bytes())?;
            out.write_all(b"\":")?;
            value.write(out, b"")?;
        }
        Ok(())
    }
}

impl Serialize for Report {
    /// The record's fields as `RECORD` declares them.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        for (name, value) in self.fields() {
            map.serialize_entry(name, &value)?;
        }
        map.end()
    }
}

impl Serialize for FieldValue<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self {
            FieldValue::Number(x) => x.serialize(serializer),
            FieldValue::Count(n) => n.serialize(serializer),
            FieldValue::Flag(b) => b.serialize(serializer),
            FieldValue::Text(text) => text.serialize(serializer),
            FieldValue::Word(word) => word.serialize(serializer),
            FieldValue::Families(families) => families.serialize(serializer),
            FieldValue::Contributions(contributions) => contributions.serialize(serializer),
            FieldValue::Evidence(evidence) => evidence.serialize(serializer),
        }
    }
}

impl FieldValue<'_> {
    /// Writes `key` (the field's name and separator, or nothing) and the value as `serde_json`
    /// would. Words, signal ids, names and family names are written as they are (a test checks
    /// that none needs escaping); numbers and free text go through `serde_json`. Writing a
    /// record took a tenth of the time of scoring a document, and most of a record is
    /// contributions: the generic serialiser scanned each of their names for characters to
    /// escape. The key goes in the same call as the value: a separate write a field cost 2 to 3%
    /// of the benchmark's time.
    fn write<W: Write>(&self, out: &mut W, key: &[u8]) -> io::Result<()> {
        match *self {
            FieldValue::Number(x) => field(out, key, &x),
            FieldValue::Count(n) => field(out, key, &n),
            FieldValue::Flag(b) => field(out, key, &b),
            FieldValue::Text(text) => field(out, key, &text),
            FieldValue::Word(word) => fixed(out, key, word),
            FieldValue::Families(families) => write_nested(out, key, families),
            FieldValue::Contributions(contributions) => write_nested(out, key, contributions),
            FieldValue::Evidence(evidence) => write_nested(out, key, evidence),
        }
    }
}

/// A field's key (with its separator) and its value as `serde_json` writes it.
pub(crate) fn field<W: Write>(out: &mut W, key: &[u8], value: &impl Serialize) -> io::Result<()> {
    out.write_all(key)?;
    serde_json::to_writer(out, value).map_err(io::Error::from)
}

/// A field's key and a string value that needs no escaping (a signal id or name, a family).
fn fixed<W: Write>(out: &mut W, key: &[u8], value: &str) -> io::Result<()> {
    out.write_all(key)?;
    out.write_all(b"\"")?;
    out.write_all(value.as_bytes())?;
    out.write_all(b"\"")
}

/// A record nested in a report's (a family score, a contribution, a piece of evidence), written
/// by the record writer.
trait Nested {
    /// Writes the record's fields between its braces, byte for byte as serialising it would.
    fn write_fields<W: Write>(&self, out: &mut W) -> io::Result<()>;
}

/// Declares a nested record's fields once, in the order written: each name with its value,
/// `word(...)` for a word of chaff's own vocabulary (written as it is, no escaping needed) or
/// `json(...)` for anything `serde_json` writes, and optionally `if` the condition under which
/// the record holds the field. Both its `Serialize` and its [`Nested`] writer are made from the
/// one list, the writer as straight-line code: a table of fields read through function pointers,
/// or values matched at run time, made the benchmark 3 to 5% slower.
macro_rules! nested {
    ($record:ty, $this:ident {
        $($name:literal => $kind:ident($value:expr) $(if $holds:expr)?,)*
    }) => {
        impl Nested for $record {
            fn write_fields<W: Write>(&self, out: &mut W) -> io::Result<()> {
                let $this = self;
                let mut first = true;
                $(
                    if true $(&& $holds)? {
                        let key = if first {
                            concat!("\"", $name, "\":")
                        } else {
                            concat!(",\"", $name, "\":")
                        };
                        nested!(@write $kind, out, key.as_bytes(), $value)?;
                        first = false;
                    }
                )*
                let _ = first;
                Ok(())
            }
        }

        impl Serialize for $record {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let $this = self;
                let mut map = serializer.serialize_map(None)?;
                $(
                    if true $(&& $holds)? {
                        map.serialize_entry($name, &$value)?;
                    }
                )*
                map.end()
            }
        }
    };
    (@write word, $out:ident, $key:expr, $value:expr) => {
        fixed($out, $key, $value)
    };
    (@write json, $out:ident, $key:expr, $value:expr) => {
        field($out, $key, &$value)
    };
}

/// Writes `key` and nested records as a JSON array.
fn write_nested<W: Write, T: Nested>(out: &mut W, key: &[u8], items: &[T]) -> io::Result<()> {
    out.write_all(key)?;
    out.write_all(b"[")?;
    for (i, item) in items.iter().enumerate() {
        out.write_all(if i == 0 { b"{" } else { b",{" })?;
        item.write_fields(out)?;
        out.write_all(b"}")?;
    }
    out.write_all(b"]")
}

nested!(FamilyScore, f {
    "family" => word(f.family.name()),
    "head" => word(f.head.name()),
    "score" => json(f.score),
    "evidence" => json(f.evidence),
});

nested!(Contribution, c {
    "feature" => word(c.feature),
    "name" => word(c.name),
    "family" => word(c.family.name()),
    "head" => word(c.head.name()),
    "value" => json(c.value),
    "contribution" => json(c.contribution),
    // Written only for a signal in preview: a model's signals are the rule.
    "status" => word(c.status.name()) if !c.status.is_model(),
});

nested!(Evidence, e {
    "signal" => word(e.signal),
    "family" => word(e.family.name()),
    "start" => json(e.start),
    "end" => json(e.end),
    "line" => json(e.line),
    "column" => json(e.column),
    "text" => json(e.text),
    "note" => json(e.note) if e.note.is_some(),
    // Filled by `explain` only: `score` records stay small.
    "context" => json(e.context) if !e.context.is_empty(),
});

/// One family's share of the score.
#[derive(Debug, Clone)]
pub struct FamilyScore {
    /// The family.
    pub family: Family,
    /// The head its signals feed.
    pub head: HeadKind,
    /// Sum of its features' contributions to its own head's logit (spam head: positive pulls
    /// toward spam; quality head: negative pulls toward unreliable).
    pub score: f64,
    /// Number of evidence spans of its signals.
    pub evidence: usize,
}

/// One feature's part in the score.
#[derive(Debug, Clone)]
pub struct Contribution {
    /// The signal id.
    pub feature: &'static str,
    /// The signal's short name.
    pub name: &'static str,
    /// Its family.
    pub family: Family,
    /// The head it feeds.
    pub head: HeadKind,
    /// The feature value (see the signal's unit).
    pub value: f64,
    /// Its contribution to its head's logit: weight × standardised value (0 in preview).
    pub contribution: f64,
    /// Whether it counts: written only for a signal in preview (the model was trained
    /// without it).
    pub status: Status,
}

impl Contribution {
    /// Which way, and how far, this contribution moves reliability on its head's log-odds:
    /// negative pulls it down (a positive spam contribution, a negative quality one, a positive
    /// news one: the more a page is news, the more its journalism counts).
    pub fn effect_on_reliability(&self) -> f64 {
        match self.head {
            HeadKind::Spam | HeadKind::News => -self.contribution,
            HeadKind::Quality => self.contribution,
        }
    }
}

/// A span of the input that a signal points at.
#[derive(Debug, Clone)]
pub struct Evidence {
    /// The signal id.
    pub signal: &'static str,
    /// Its family.
    pub family: Family,
    /// Start byte offset in the input.
    pub start: usize,
    /// End byte offset in the input.
    pub end: usize,
    /// 1-based line of `start` in the input.
    pub line: usize,
    /// 1-based column (in characters) of `start`.
    pub column: usize,
    /// The matched text, quoted up to [`MAX_EVIDENCE_TEXT`] bytes (longer ones end in "…").
    pub text: String,
    /// Byte range in the readable text (see [`Report::readable_text`]); for plain text the
    /// same as `start..end` (before any [`Report::remap_offsets`]). Not part of the JSON record.
    pub readable: std::ops::Range<usize>,
    /// A remark, such as the phrase a tortured phrase stands for.
    pub note: Option<String>,
    /// The sentence around the match, filled by [`crate::Scorer::explain`] only (and written
    /// only then: `score` records stay small).
    pub context: Context,
}

/// The sentence around a piece of evidence, with the match located in it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Context {
    /// The sentence, whitespace collapsed.
    pub sentence: String,
    /// Byte range of the match in `sentence` (`{"start", "end"}`).
    pub highlight: std::ops::Range<usize>,
}

impl Context {
    /// No sentence: evidence scored without context.
    pub fn is_empty(&self) -> bool {
        self.sentence.is_empty()
    }
}

impl FamilyScore {
    /// The kind of a page judged spam: a sales page whenever its commercial signals add to its
    /// spam logit, otherwise the spam-side family that adds most.
    ///
    /// Selling is a page's purpose, filler or spinning only the means: a generated article
    /// that ends in "upload your prescription and we will get in touch" is a sales page to a
    /// curator, even when its hype outweighs its one call to order. Measured with the model of
    /// the time (L2 strength 1) on the corpus's pages judged spam: the sales e-mails called sales pages went from
    /// 206 to 237 of 268; among the other sources' 1,528, 12 more became sales pages.
    fn spam_kind(families: &[FamilyScore]) -> Option<SpamKind> {
        let spam_side = || {
            families
                .iter()
                .filter_map(|f| SpamKind::of(f.family).map(|kind| (kind, f.score)))
        };
        spam_side()
            .find(|&(kind, score)| kind == SpamKind::SalesPage && score > 0.0)
            .or_else(|| spam_side().max_by(|a, b| a.1.total_cmp(&b.1)))
            .map(|(kind, _)| kind)
    }

    /// Each family's sub-score and evidence count, in [`Family::ALL`] order.
    fn all(contributions: &[Contribution], evidence: &[Evidence]) -> Vec<FamilyScore> {
        Family::ALL
            .iter()
            .map(|&family| FamilyScore {
                family,
                head: family.head(),
                score: contributions
                    .iter()
                    .filter(|c| c.family == family && c.head == family.head())
                    .map(|c| c.contribution)
                    .sum(),
                evidence: evidence.iter().filter(|e| e.family == family).count(),
            })
            .collect()
    }
}

impl Evidence {
    /// Puts evidence in input order and gives each its line and column in `input`, in one pass
    /// over the sorted spans (counting from the line start for each span would be quadratic on
    /// long lines).
    fn in_order(evidence: &mut [Evidence], input: &str) {
        evidence.sort_by_key(|e| (e.start, e.end, e.signal));
        let mut lines = LineCursor::new(input);
        for e in evidence {
            (e.line, e.column) = lines.advance_to(e.start);
        }
    }

    /// A signal's hit in a document as evidence: its span mapped back to the input, its text
    /// quoted, and with `with_context` the sentence around it (line and column are set once
    /// all the evidence is in order).
    fn of(doc: &Document<'_>, spec: &SignalSpec, hit: Hit, with_context: bool) -> Self {
        let range = doc.map.map_range(hit.start..hit.end);
        Evidence {
            signal: spec.id,
            family: spec.family,
            start: range.start,
            end: range.end,
            line: 0,
            column: 0,
            text: quoted(&doc.text[hit.start..hit.end]),
            readable: hit.start..hit.end,
            note: hit.note,
            context: if with_context {
                context(doc, hit.start..hit.end)
            } else {
                Context::default()
            },
        }
    }
}

impl Report {
    pub(crate) fn build(
        doc: &Document<'_>,
        signals: &[Box<dyn Signal>],
        measurements: Vec<Measurement>,
        model: &Model,
        suppressed: &[bool],
        with_context: bool,
    ) -> Report {
        let mut evidence = Vec::new();
        let mut evidence_truncated = false;
        // Room for the news head's contributions too, added after the registry's.
        let mut contributions = Vec::with_capacity(2 * signals.len());
        for (i, (signal, measurement)) in signals.iter().zip(measurements).enumerate() {
            let spec = signal.spec();
            // Each feature counts in its own head (the other heads' weights for it are 0), and
            // a journalism feature in the news head too (added below).
            let head = spec.family.head();
            // A signal a curator's configuration suppresses counts for nothing and shows no
            // evidence.
            let suppress = suppressed.get(i).copied().unwrap_or(false);
            let (contribution, status) = match suppress {
                true => (0.0, Status::Suppressed),
                false => (
                    model.head(head).contribution(i, measurement.value),
                    model.status(i),
                ),
            };
            contributions.push(Contribution {
                feature: spec.id,
                name: spec.name,
                family: spec.family,
                head,
                value: measurement.value,
                contribution,
                status,
            });
            if suppress {
                continue;
            }
            evidence_truncated |= measurement.hits.len() > MAX_EVIDENCE_PER_SIGNAL;
            // A loop of pushes: `evidence.extend(hits.map(..))` made scoring 5% slower on
            // the bench corpus (one thread, 3 interleaved rounds, 1.52-1.55 s against 1.42-1.45).
            for hit in measurement.hits.into_iter().take(MAX_EVIDENCE_PER_SIGNAL) {
                evidence.push(Evidence::of(doc, spec, hit, with_context));
            }
        }
        Evidence::in_order(&mut evidence, doc.input);
        // The news head reads the journalism features: their contributions to it, after the
        // registry's (the feature at index `i` is the build's signal `i`).
        for i in 0..contributions.len() {
            let c = &contributions[i];
            if c.head == HeadKind::Quality {
                let news = Contribution {
                    head: HeadKind::News,
                    contribution: match c.status {
                        Status::Suppressed => 0.0,
                        _ => model.news.contribution(i, c.value),
                    },
                    ..c.clone()
                };
                contributions.push(news);
            }
        }
        let logit = |head: HeadKind| {
            let own = contributions.iter().filter(|c| c.head == head);
            model.head(head).intercept + own.map(|c| c.contribution).sum::<f64>()
        };
        let (spam_logit, quality_logit, news_logit) = (
            logit(HeadKind::Spam),
            logit(HeadKind::Quality),
            logit(HeadKind::News),
        );
        let (spam, quality, news) = (
            sigmoid(spam_logit),
            sigmoid(quality_logit),
            sigmoid(news_logit),
        );
        let reliability = reliability_of(spam, quality, news);
        let families = FamilyScore::all(&contributions, &evidence);
        let spam_kind = (spam >= model.spam_threshold())
            .then(|| FamilyScore::spam_kind(&families))
            .flatten();
        let words = doc.word_count();
        Report {
            reliability,
            verdict: model.verdict(reliability, spam_kind).to_owned(),
            flagged: spam_kind.is_some() || reliability < model.threshold(),
            spam,
            spam_kind,
            quality,
            news,
            insufficient_text: words < MIN_WORDS,
            format: doc.format,
            words,
            title: doc.title.clone(),
            spam_logit,
            spam_intercept: model.spam.intercept,
            quality_logit,
            quality_intercept: model.quality.intercept,
            news_logit,
            news_intercept: model.news.intercept,
            families,
            contributions,
            evidence,
            evidence_truncated,
            readable_text: None,
        }
    }

    /// Moves evidence offsets one step further back, for input that was itself derived from
    /// other bytes (lossily decoded UTF-8). Lines and columns stay those of the decoded text.
    pub fn remap_offsets(&mut self, map: &OffsetMap) {
        if map.is_identity() {
            return;
        }
        for e in &mut self.evidence {
            let range = map.map_range(e.start..e.end);
            e.start = range.start;
            e.end = range.end;
        }
    }

    /// Checks the promises a report makes about `input`, the text it was scored from: every
    /// evidence span lies inside it on character boundaries, with a line and column; the
    /// probabilities are probabilities; each head's logit is exactly its intercept plus its
    /// features' contributions; when the report keeps the readable text, each piece of
    /// evidence quotes it at its readable span. The property tests and the fuzz targets hold
    /// every report to them; `Err` says which one failed.
    pub fn verify(&self, input: &str) -> Result<(), String> {
        for (name, p) in [
            ("reliability", self.reliability),
            ("spam", self.spam),
            ("quality", self.quality),
            ("news", self.news),
        ] {
            if !(0.0..=1.0).contains(&p) {
                return Err(format!("{name} {p} is not a probability"));
            }
        }
        for e in &self.evidence {
            let inside = e.start <= e.end && e.end <= input.len();
            if !inside || !input.is_char_boundary(e.start) || !input.is_char_boundary(e.end) {
                return Err(format!(
                    "evidence {}..{} of {} is not a span of the input",
                    e.start, e.end, e.signal
                ));
            }
            if let Some(text) = &self.readable_text {
                let span = &e.readable;
                let quotes = span.start <= span.end
                    && text.get(span.clone()).is_some_and(|t| e.text == quoted(t));
                if !quotes {
                    return Err(format!(
                        "evidence {}..{} of {} does not quote the readable text",
                        span.start, span.end, e.signal
                    ));
                }
            }
            if e.line == 0 || e.column == 0 {
                return Err(format!(
                    "evidence of {} at line {} column {}",
                    e.signal, e.line, e.column
                ));
            }
        }
        for (head, intercept, logit) in [
            (HeadKind::Spam, self.spam_intercept, self.spam_logit),
            (
                HeadKind::Quality,
                self.quality_intercept,
                self.quality_logit,
            ),
            (HeadKind::News, self.news_intercept, self.news_logit),
        ] {
            let sum: f64 = self
                .contributions
                .iter()
                .filter(|c| c.head == head)
                .map(|c| c.contribution)
                .sum();
            if (intercept + sum - logit).abs() > 1e-9 * (1.0 + logit.abs()) {
                return Err(format!(
                    "{head:?} head: {intercept} + {sum} != logit {logit}"
                ));
            }
        }
        Ok(())
    }

    /// The judging heads' contributions sorted by how much they pull reliability down, most
    /// first: a spam contribution pulls it down when positive, a quality contribution when
    /// negative. The news head's are not reasons: they say how far the journalism criteria
    /// apply, not what the page does wrong.
    pub fn reasons(&self) -> Vec<&Contribution> {
        let mut reasons: Vec<&Contribution> = self
            .contributions
            .iter()
            .filter(|c| c.head != HeadKind::News)
            .collect();
        reasons.sort_by(|a, b| {
            a.effect_on_reliability()
                .total_cmp(&b.effect_on_reliability())
        });
        reasons
    }
}

/// The text an evidence record quotes: all of a match up to [`MAX_EVIDENCE_TEXT`] bytes, or its
/// beginning and "…".
fn quoted(matched: &str) -> String {
    if matched.len() <= MAX_EVIDENCE_TEXT {
        return matched.to_owned();
    }
    let end = crate::source::floor_char_boundary(matched, MAX_EVIDENCE_TEXT);
    format!("{}…", &matched[..end])
}

fn context(doc: &Document<'_>, hit: std::ops::Range<usize>) -> Context {
    let sentence = doc
        .sentences
        .get(doc.sentence_at(hit.start))
        .cloned()
        .unwrap_or(0..0);
    let start = sentence.start.min(hit.start);
    let end = sentence.end.max(hit.end);
    let mut out = Context::default();
    for (offset, c) in doc.text[start..end].char_indices() {
        let at = start + offset;
        if at == hit.start {
            out.highlight.start = out.sentence.len();
        }
        if at == hit.end {
            out.highlight.end = out.sentence.len();
        }
        if c.is_whitespace() {
            if !out.sentence.ends_with(' ') {
                out.sentence.push(' ');
            }
        } else {
            out.sentence.push(c);
        }
    }
    if hit.end >= end {
        out.highlight.end = out.sentence.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_holds_reports_to_their_promises() {
        let input = "Order now! Our miracle cure heals bosom malignancy, only $49.";
        let report = crate::Scorer::default().score(input);
        assert_eq!(report.verify(input), Ok(()));
        assert!(!report.evidence.is_empty());
        let mut outside = report.clone();
        outside.evidence[0].end = input.len() + 1;
        assert!(outside.verify(input).unwrap_err().contains("not a span"));
        // A span that splits a character.
        let mut split = report.clone();
        split.evidence.truncate(1);
        (split.evidence[0].start, split.evidence[0].end) = (1, 2);
        assert!(split.verify("éa").unwrap_err().contains("not a span"));
        (split.evidence[0].start, split.evidence[0].end) = (2, 3);
        assert_eq!(split.verify("éa"), Ok(()));
        let mut off = report.clone();
        off.contributions[0].contribution += 0.5;
        assert!(off.verify(input).unwrap_err().contains("logit"));
        let mut improbable = report;
        improbable.spam = f64::NAN;
        assert!(improbable.verify(input).unwrap_err().contains("spam"));
    }

    fn families(spun: f64, hype: f64, commercial: f64) -> Vec<FamilyScore> {
        let score = |family| match family {
            Family::Spun => spun,
            Family::Hype => hype,
            Family::Commercial => commercial,
            _ => -0.5,
        };
        Family::ALL
            .iter()
            .map(|&family| FamilyScore {
                family,
                head: family.head(),
                score: score(family),
                evidence: 0,
            })
            .collect()
    }

    /// Selling names the kind as soon as it adds to the spam logit; otherwise the family that
    /// adds most does.
    #[test]
    fn a_spam_page_that_sells_is_a_sales_page() {
        let kind = |s, h, c| FamilyScore::spam_kind(&families(s, h, c));
        assert_eq!(kind(-0.9, 4.5, 0.4), Some(SpamKind::SalesPage));
        assert_eq!(kind(6.0, -1.0, 0.01), Some(SpamKind::SalesPage));
        assert_eq!(kind(-0.9, 4.5, -0.2), Some(SpamKind::GeneratedFiller));
        assert_eq!(kind(3.0, 2.0, 0.0), Some(SpamKind::Spun));
    }

    /// A match as long as the document (a run of digits ending in "%") is quoted short, with
    /// its whole span.
    #[test]
    fn long_matches_are_quoted_short_with_their_whole_span() {
        let digits = "7".repeat(20_000);
        let text = format!("Of the patients, {digits}% improved.");
        let report = crate::Scorer::default().score(&text);
        let long = report
            .evidence
            .iter()
            .find(|e| e.end - e.start > MAX_EVIDENCE_TEXT)
            .expect("the run of digits is evidence");
        assert_eq!(&text[long.start..long.end], format!("{digits}%"));
        assert!(long.text.len() <= MAX_EVIDENCE_TEXT + '…'.len_utf8());
        assert!(long.text.ends_with('…'));
        assert!(text[long.start..].starts_with(long.text.trim_end_matches('…')));
        assert!(report
            .evidence
            .iter()
            .all(|e| e.text.len() <= MAX_EVIDENCE_TEXT + 3));
    }

    /// `Report::field` and `Report::FIELDS` give what serialising the whole report gives, field
    /// by field and in order, with the optional fields present and absent.
    #[test]
    fn fields_one_by_one_match_the_whole_report() {
        let scorer = crate::Scorer::default();
        let page = "<html><head><title>Miracle cure</title></head><body><p>Order today! \
                    This miracle cure works. Call 555-123-4567.</p></body></html>";
        let mut truncated = scorer.score_html(page);
        truncated.evidence_truncated = true;
        assert!(
            truncated.title.is_some(),
            "the page's title is in the report"
        );
        let plain = scorer.score("Studies show this works. Order today!");
        for report in [truncated, plain] {
            let Ok(Value::Object(whole)) = serde_json::to_value(&report) else {
                panic!("a report is a JSON object");
            };
            let written: Vec<&str> = whole.keys().map(String::as_str).collect();
            let expected: Vec<&str> = Report::FIELDS
                .iter()
                .copied()
                .filter(|name| report.field(name).is_some())
                .collect();
            assert_eq!(written, expected);
            for (name, value) in &whole {
                assert_eq!(report.field(name).as_ref(), Some(value), "{name}");
            }
            assert_eq!(report.field("text"), None);
        }
    }
}
