//! chaff scores scraped health web content for quality and SEO spam, and explains every score.
//!
//! A [`Scorer`] runs a document through one text pipeline ([`Document`]), a registry of signals
//! (spun text, hype, missing citations, commercial calls to action, journalism quality) and a
//! model of two logistic heads, and returns a [`Report`]: the probability that the document is
//! spam (and of what kind), the probability that it is reliable journalism, the reliability
//! made of both, each feature's exact contribution to its head, and the evidence spans behind
//! every signal.
//!
//! ```
//! let scorer = chaff::Scorer::default();
//! let report = scorer.score(
//!     "This miracle cure is a game-changer! Order today and book a free consultation.",
//! );
//! assert!(report.reliability < 0.5);
//! assert!(report.evidence.iter().any(|e| e.signal == "HYPE001"));
//! ```
//!
//! A `Scorer` holds no global state, needs no files at run time and is `Send + Sync`: build it
//! once (about 7 ms) and share it, for instance across a crawler's worker threads:
//!
//! ```
//! use std::sync::Arc;
//!
//! let scorer = Arc::new(chaff::Scorer::default());
//! let fetched = vec![
//!     ("https://example.org/a", "<p>Order today! This miracle cure works.</p>".to_owned()),
//!     ("https://example.org/b", "<p>The trial, funded by the NIH, found a small benefit.</p>".to_owned()),
//! ];
//! let workers: Vec<_> = fetched
//!     .into_iter()
//!     .map(|(url, html)| {
//!         let scorer = Arc::clone(&scorer);
//!         std::thread::spawn(move || (url, scorer.score_html(&html).reliability))
//!     })
//!     .collect();
//! for worker in workers {
//!     let (url, reliability) = worker.join().unwrap();
//!     assert!((0.0..=1.0).contains(&reliability), "{url}");
//! }
//! ```

#![warn(missing_docs)]

pub mod batch;
#[cfg(feature = "cli")]
pub mod config;
pub mod document;
#[cfg(feature = "cli")]
pub mod emit;
pub mod error;
pub mod fingerprint;
pub mod frequency;
pub mod head;
pub mod html;
pub mod lexicon;
mod memo;
#[cfg(feature = "train")]
pub mod metrics;
pub mod model;
#[cfg(feature = "cli")]
pub mod paths;
mod per_thread;
#[cfg(feature = "cli")]
pub mod render;
pub mod report;
#[cfg(feature = "cli")]
pub mod run;
pub mod signals;
pub mod source;
#[cfg(feature = "train")]
pub mod spin;
pub mod suppression;
pub mod tokens;
#[cfg(feature = "train")]
pub mod training;

pub use document::{Document, Format};
pub use error::Error;
pub use model::Model;
pub use report::Report;
pub use signals::{Family, Signal, SignalSpec};

use signals::Measurement;
use suppression::{Origin, Scope, Suppression};

/// The built-in model, compiled in.
pub const BUILTIN_MODEL: &str = include_str!("../models/default.json");

/// The text pipeline and the signals: everything but the model. Turns inputs into feature
/// values; training uses it directly, scoring through a [`Scorer`].
pub struct Pipeline {
    signals: Vec<Box<dyn Signal>>,
    phrases: lexicon::PhraseIndex,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("signals", &self.signals)
            .finish_non_exhaustive()
    }
}

impl Default for Pipeline {
    fn default() -> Self {
        Self::with_rules(&[])
    }
}

impl Pipeline {
    /// The built-in signals and, after them, a curator's rules.
    pub fn with_rules(rules: &[signals::UserRule]) -> Self {
        Self::of(signals::registry_with(rules))
    }

    /// [`Pipeline::with_rules`], or why the rules' lexicons do not fit beside the built-in ones
    /// (for the configuration's check, where rules are read).
    #[cfg(feature = "cli")]
    pub(crate) fn try_with_rules(rules: &[signals::UserRule]) -> Result<Self, Error> {
        signals::try_registry_with(rules).map(Self::of)
    }

    fn of(registry: signals::Registry) -> Self {
        Self {
            signals: registry.signals,
            phrases: registry.phrases,
        }
    }

    /// Runs the text pipeline on an input.
    pub fn document<'a>(&self, input: &'a str, format: Format) -> Document<'a> {
        Document::new(input, format, &self.phrases)
    }

    /// Measures every signal on a document, in registry order. Each measurement keeps at most
    /// [`report::MAX_EVIDENCE_PER_SIGNAL`] + 1 hits, the first (a report shows that many, and
    /// the one more tells it that there were more); its value counts them all. A long document
    /// holds the hits of one signal at a time, not of all of them at once.
    pub fn measure(&self, doc: &Document<'_>) -> Vec<Measurement> {
        let reading = signals::Reading::new(doc);
        self.signals
            .iter()
            .map(|s| {
                let mut measurement = s.measure(&reading);
                if measurement.hits.len() > report::MAX_EVIDENCE_PER_SIGNAL + 1 {
                    measurement
                        .hits
                        .truncate(report::MAX_EVIDENCE_PER_SIGNAL + 1);
                    measurement.hits.shrink_to_fit();
                }
                measurement
            })
            .collect()
    }

    /// The feature values of an input, in registry order (what the model sees).
    pub fn features(&self, input: &str, format: Format) -> Vec<f64> {
        let doc = self.document(input, format);
        self.measure(&doc).into_iter().map(|m| m.value).collect()
    }

    /// The signals, in feature order.
    pub fn signals(&self) -> &[Box<dyn Signal>] {
        &self.signals
    }

    /// The signal descriptions, in feature order.
    pub fn specs(&self) -> Vec<&'static SignalSpec> {
        self.signals.iter().map(|s| s.spec()).collect()
    }
}

/// Scores documents. Built once, shared freely: it is `Send + Sync` and scoring takes `&self`.
#[derive(Debug)]
pub struct Scorer {
    pipeline: Pipeline,
    model: Model,
    /// Whether reports keep the readable text ([`Scorer::keeping_text`]).
    keeps_text: bool,
    /// A curator's suppressions: the indices of the signals each one ignores, and where.
    suppressions: Vec<(Vec<usize>, Scope)>,
}

impl Default for Scorer {
    /// The built-in signals and model. The built-in model is checked against the signals by the
    /// test suite, so this cannot fail in a released build.
    fn default() -> Self {
        Self::with_model_json(BUILTIN_MODEL, "built-in")
            .unwrap_or_else(|e| panic!("the built-in model does not fit the built-in signals: {e}"))
    }
}

impl Scorer {
    /// A scorer with the built-in signals and the model in `json`; `origin` names it in errors.
    pub fn with_model_json(json: &str, origin: &str) -> Result<Self, Error> {
        Self::with_model_and_rules(json, origin, &[])
    }

    /// A scorer with the built-in signals, a curator's rules after them, and the model in
    /// `json`. The model was trained without the rules: a rule with a weight adds
    /// `weight × ln(1 + value)` to the spam logit, one without runs in preview (its evidence
    /// reported, its contribution 0), and every other number is the model's.
    pub fn with_model_and_rules(
        json: &str,
        origin: &str,
        rules: &[signals::UserRule],
    ) -> Result<Self, Error> {
        let pipeline = Pipeline::with_rules(rules);
        let mut model = Model::from_json(json, origin, &pipeline.specs())?;
        let first_rule = pipeline.signals.len() - rules.len();
        for (i, rule) in rules.iter().enumerate() {
            if let Some(weight) = rule.weight {
                model.weigh_curator_rule(first_rule + i, weight);
            }
        }
        Ok(Self {
            pipeline,
            model,
            keeps_text: false,
            suppressions: Vec::new(),
        })
    }

    /// Suppresses signals where each suppression says (see [`suppression`]); an id that is no
    /// signal of this scorer is refused by name.
    pub fn with_suppressions(mut self, suppressions: Vec<Suppression>) -> Result<Self, Error> {
        let ids: Vec<&str> = self.specs().iter().map(|s| s.id).collect();
        for Suppression { signals, scope } in suppressions {
            let indices = signals
                .iter()
                .map(|id| {
                    ids.iter()
                        .position(|known| known == id)
                        .ok_or_else(|| Error::Config {
                            place: "suppression".to_owned(),
                            reason: format!("no signal {id}"),
                        })
                })
                .collect::<Result<Vec<usize>, Error>>()?;
            self.suppressions.push((indices, scope));
        }
        Ok(self)
    }

    /// Sets the spam head's threshold (at or above it a page is judged spam) and the verdict
    /// words' cuts of reliability, highest first (a curator's configuration).
    pub fn with_cuts(
        mut self,
        spam_threshold: Option<f64>,
        verdicts: Option<Vec<model::VerdictCut>>,
    ) -> Self {
        if let Some(t) = spam_threshold {
            self.model.spam.threshold = t;
        }
        if let Some(verdicts) = verdicts {
            self.model.verdicts = verdicts;
        }
        self
    }

    /// Moves the decision threshold (below it a document is `flagged` unreliable) and cuts the
    /// verdict words around it, as training does (see [`model::verdicts_around`]).
    pub fn with_threshold(mut self, threshold: model::Probability) -> Self {
        self.model.quality.threshold = threshold.get();
        self.model.verdicts = model::verdicts_around(threshold.get());
        self
    }

    /// Makes every report keep the document's readable text ([`Report::readable_text`]), the
    /// text its evidence's [`report::Evidence::readable`] spans point into: what a reader is
    /// shown (the triage report), at the cost of a copy of the text per report.
    pub fn keeping_text(mut self) -> Self {
        self.keeps_text = true;
        self
    }

    /// A scorer with the built-in signals and a model read from a file.
    pub fn with_model_file(path: &std::path::Path) -> Result<Self, Error> {
        let json = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::with_model_json(&json, &path.display().to_string())
    }

    /// Scores plain text.
    pub fn score(&self, text: &str) -> Report {
        self.score_as(text, Format::Text)
    }

    /// Scores an HTML page; evidence offsets point into the HTML.
    pub fn score_html(&self, html: &str) -> Report {
        self.score_as(html, Format::Html)
    }

    /// Scores input of a given format.
    pub fn score_as(&self, input: &str, format: Format) -> Report {
        self.report(input, format, &Origin::default(), false)
    }

    /// Scores input from `origin` (where the suppressions of a curator's configuration are
    /// matched).
    pub fn score_from(&self, input: &str, format: Format, origin: &Origin<'_>) -> Report {
        self.report(input, format, origin, false)
    }

    /// Scores input for a person: as [`Scorer::score_as`], with the sentence around each piece
    /// of evidence in [`report::Evidence::context`].
    pub fn explain(&self, input: &str, format: Format) -> Report {
        self.report(input, format, &Origin::default(), true)
    }

    /// [`Scorer::explain`] for input from `origin`.
    pub fn explain_from(&self, input: &str, format: Format, origin: &Origin<'_>) -> Report {
        self.report(input, format, origin, true)
    }

    /// Which signals are suppressed for a document from `origin` (empty: none).
    fn suppressed(&self, origin: &Origin<'_>) -> Vec<bool> {
        let mut suppressed = Vec::new();
        for (indices, scope) in &self.suppressions {
            if scope.covers(origin) {
                suppressed.resize(self.pipeline.signals.len(), false);
                for &i in indices {
                    suppressed[i] = true;
                }
            }
        }
        suppressed
    }

    fn report(
        &self,
        input: &str,
        format: Format,
        origin: &Origin<'_>,
        with_context: bool,
    ) -> Report {
        let doc = self.pipeline.document(input, format);
        let measurements = self.pipeline.measure(&doc);
        let mut report = Report::build(
            &doc,
            &self.pipeline.signals,
            measurements,
            &self.model,
            &self.suppressed(origin),
            with_context,
        );
        if self.keeps_text {
            report.readable_text = Some(doc.text.into_owned());
        }
        report
    }

    /// The pipeline (signals and text processing).
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// The signal descriptions, in feature order.
    pub fn specs(&self) -> Vec<&'static SignalSpec> {
        self.pipeline.specs()
    }

    /// The model in use.
    pub fn model(&self) -> &Model {
        &self.model
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scorer_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Scorer>();
    }

    #[test]
    fn a_measurement_keeps_the_hits_a_report_can_use_and_counts_them_all() {
        let pipeline = Pipeline::default();
        let text = "This tea works! ".repeat(80);
        let doc = pipeline.document(&text, Format::Text);
        let exclamations = pipeline
            .specs()
            .iter()
            .position(|s| s.id == "HYPE003")
            .expect("HYPE003 is registered");
        let measured = &pipeline.measure(&doc)[exclamations];
        assert_eq!(measured.hits.len(), report::MAX_EVIDENCE_PER_SIGNAL + 1);
        // 80 exclamations in 240 words, every one counted (the rate beyond HYPE003's allowance).
        assert!(
            (measured.value - (80.0 * 1000.0 / 240.0 - 3.5)).abs() < 1e-9,
            "{}",
            measured.value
        );
        let alone = pipeline.signals()[exclamations].measure(&signals::Reading::new(&doc));
        assert_eq!(alone.hits.len(), 80);
        assert_eq!(alone.hits[..measured.hits.len()], measured.hits[..]);
    }

    #[test]
    fn builtin_model_matches_the_registry() {
        let scorer = Scorer::default();
        let ids: Vec<&str> = scorer.specs().iter().map(|s| s.id).collect();
        assert_eq!(scorer.model().features, ids);
    }

    #[test]
    fn contributions_sum_to_each_reported_logit() {
        let scorer = Scorer::default();
        let report = scorer
            .score("Studies show this miracle tea melts away fat! Order today for only $29.99.");
        for (head, intercept, logit, probability) in [
            (
                model::HeadKind::Spam,
                report.spam_intercept,
                report.spam_logit,
                report.spam,
            ),
            (
                model::HeadKind::Quality,
                report.quality_intercept,
                report.quality_logit,
                report.quality,
            ),
            (
                model::HeadKind::News,
                report.news_intercept,
                report.news_logit,
                report.news,
            ),
        ] {
            let sum: f64 = intercept
                + report
                    .contributions
                    .iter()
                    .filter(|c| c.head == head)
                    .map(|c| c.contribution)
                    .sum::<f64>();
            assert!((sum - logit).abs() < 1e-9);
            assert!((model::sigmoid(sum) - probability).abs() < 1e-12);
            // Families are sub-scores of their own heads; the news head reads theirs again.
            if head != model::HeadKind::News {
                let families: f64 = report
                    .families
                    .iter()
                    .filter(|f| f.head == head)
                    .map(|f| f.score)
                    .sum();
                assert!((intercept + families - logit).abs() < 1e-9);
            }
        }
        let clean = 1.0 - report.spam;
        let judged = 1.0 - report.news.max(model::CRITERIA_FLOOR) * (1.0 - report.quality);
        assert!((report.reliability - clean * judged).abs() < 1e-12);
    }

    #[test]
    fn html_evidence_points_into_the_html() {
        let scorer = Scorer::default();
        let html = "<html><body>\n<h1>Try it</h1>\n<p>A <b>miracle</b> &amp; a breakthrough.</p></body></html>";
        let report = scorer.score_html(html);
        let hits: Vec<_> = report
            .evidence
            .iter()
            .filter(|e| e.signal == "HYPE001")
            .collect();
        assert_eq!(hits.len(), 2);
        for hit in hits {
            assert_eq!(&html[hit.start..hit.end], hit.text);
            assert_eq!(hit.line, 3);
        }
    }
}
