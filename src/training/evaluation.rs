//! The figures of an evaluation run: a training procedure's predictions of labelled documents,
//! judged overall, per head and per source (`chaff eval`).

use serde::Serialize;

use super::{Label, Labelled, Prediction};
use crate::metrics::{
    average_precision, brier, calibration, expected_calibration_error, firing, roc_auc,
    CalibrationBin, Confusion, Firing,
};
use crate::signals::SignalSpec;

/// Every figure of an evaluation run, computed once: `chaff eval` prints it as text or JSON.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    /// What was evaluated, and how.
    pub heading: String,
    /// Documents evaluated.
    pub documents: usize,
    /// Of which labelled reliable.
    pub reliable: usize,
    /// Ranking of reliability against the labels (`None` with one label only).
    pub roc_auc: Option<f64>,
    /// The spam head on every document: spam against the rest.
    pub spam_head: Option<HeadFigures>,
    /// The quality head on the documents that teach it: reliable against unreliable.
    pub quality_head: Option<HeadFigures>,
    /// The news head on every document: news reports against the rest (`None` when the data
    /// has one register).
    pub news_head: Option<HeadFigures>,
    /// Average precision of finding unreliable documents by low reliability.
    pub pr_auc: Option<f64>,
    /// The share of documents not labelled reliable.
    pub base_rate: f64,
    /// Brier score of reliability.
    pub brier: f64,
    /// Expected calibration error of reliability, 10 bins.
    pub ece: f64,
    /// The reliability threshold given (`None`: each model's own).
    pub threshold: Option<f64>,
    /// Called reliable or not, against the labels.
    pub confusion: Confusion,
    /// [`Confusion::accuracy`].
    pub accuracy: f64,
    /// [`Confusion::balanced_accuracy`].
    pub balanced_accuracy: f64,
    /// Per source and label.
    pub sources: Vec<SourceFigures>,
    /// Reliability's calibration table, 10 bins.
    pub calibration: Vec<CalibrationBin>,
    /// How often each signal fires per label.
    pub firing: Vec<Firing>,
}

/// One head's figures on its own data.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct HeadFigures {
    /// Ranking (`None` with one label only).
    pub roc_auc: Option<f64>,
    /// Expected calibration error, 10 bins.
    pub ece: f64,
    /// Documents.
    pub documents: usize,
}

/// The figures of one source's documents of one label.
#[derive(Debug, Clone, Serialize)]
pub struct SourceFigures {
    /// The source's name.
    pub source: String,
    /// The label.
    pub label: &'static str,
    /// Documents.
    pub documents: usize,
    /// Reliability's ranking of these documents against every reliable document (of every
    /// source); `None` for reliable documents.
    pub roc_auc_vs_reliable: Option<f64>,
    /// Share judged spam.
    pub judged_spam: f64,
    /// Share flagged.
    pub flagged: f64,
    /// The verdicts given, with their counts, from most to least reliable (a JSON object
    /// `{"reliable": 85, "mixed": 388, ...}`).
    #[serde(serialize_with = "counts_as_object")]
    pub verdicts: Vec<(&'static str, usize)>,
}

fn counts_as_object<S: serde::Serializer>(
    counts: &[(&'static str, usize)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(counts.len()))?;
    for (word, count) in counts {
        map.serialize_entry(word, count)?;
    }
    map.end()
}

impl Evaluation {
    /// The figures of `predictions` of labelled `examples`, flagged at `threshold` (each model's
    /// own when `None`).
    pub fn of(
        heading: String,
        specs: &[&SignalSpec],
        examples: &[Labelled],
        predictions: &[Prediction],
        threshold: Option<f64>,
    ) -> Self {
        let scored: Vec<(f64, bool)> = predictions
            .iter()
            .zip(examples)
            .map(|(p, e)| (p.reliability, e.label == Label::Reliable))
            .collect();
        let flagged: Vec<(f64, bool)> = scored.iter().map(|&(p, l)| (1.0 - p, l)).collect();
        let reliable = scored.iter().filter(|s| s.1).count();
        let head = |scored: Vec<(f64, bool)>| {
            (!scored.is_empty()).then(|| HeadFigures {
                roc_auc: roc_auc(&scored),
                ece: expected_calibration_error(&scored, 10),
                documents: scored.len(),
            })
        };
        let spam_head = head(
            predictions
                .iter()
                .zip(examples)
                .map(|(p, e)| (1.0 - p.spam, e.label != Label::Spam))
                .collect(),
        );
        let quality_head = head(
            predictions
                .iter()
                .zip(examples)
                .filter(|(_, e)| e.label != Label::Spam && e.teaches_quality)
                .map(|(p, e)| (p.quality, e.label == Label::Reliable))
                .collect(),
        );
        let news_head = head(
            predictions
                .iter()
                .zip(examples)
                .map(|(p, e)| (p.news, e.news))
                .collect(),
        )
        .filter(|h| h.roc_auc.is_some());
        let mut confusion = Confusion::default();
        for (p, e) in predictions.iter().zip(examples) {
            confusion = confusion.add(!p.flagged(threshold), e.label == Label::Reliable);
        }
        let ids: Vec<&'static str> = specs.iter().map(|s| s.id).collect();
        let features: Vec<(Vec<f64>, bool)> = examples
            .iter()
            .map(|e| (e.features.clone(), e.label == Label::Reliable))
            .collect();
        Evaluation {
            heading,
            documents: scored.len(),
            reliable,
            roc_auc: roc_auc(&scored),
            spam_head,
            quality_head,
            news_head,
            pr_auc: average_precision(&flagged, false),
            base_rate: (scored.len() - reliable) as f64 / scored.len().max(1) as f64,
            brier: brier(&scored),
            ece: expected_calibration_error(&scored, 10),
            threshold,
            confusion,
            accuracy: confusion.accuracy(),
            balanced_accuracy: confusion.balanced_accuracy(),
            sources: SourceFigures::of(examples, predictions, threshold),
            calibration: calibration(&scored, 10),
            firing: firing(&ids, &features),
        }
    }
}

impl SourceFigures {
    fn of(examples: &[Labelled], predictions: &[Prediction], threshold: Option<f64>) -> Vec<Self> {
        let reliable: Vec<f64> = examples
            .iter()
            .zip(predictions)
            .filter(|(e, _)| e.label == Label::Reliable)
            .map(|(_, p)| p.reliability)
            .collect();
        let mut keys: Vec<(&str, Label)> = examples
            .iter()
            .map(|e| (e.source.as_str(), e.label))
            .collect();
        keys.sort_by_key(|&(s, l)| (s, l as u8));
        keys.dedup();
        keys.into_iter()
            .map(|(source, label)| {
                let these: Vec<&Prediction> = examples
                    .iter()
                    .zip(predictions)
                    .filter(|(e, _)| e.source == source && e.label == label)
                    .map(|(_, p)| p)
                    .collect();
                let roc_auc_vs_reliable = match label {
                    Label::Reliable => None,
                    _ => {
                        let mut scored: Vec<(f64, bool)> =
                            reliable.iter().map(|&r| (r, true)).collect();
                        scored.extend(these.iter().map(|p| (p.reliability, false)));
                        roc_auc(&scored)
                    }
                };
                let share = |keep: &dyn Fn(&Prediction) -> bool| {
                    these.iter().filter(|p| keep(p)).count() as f64 / these.len() as f64
                };
                let mut verdicts: Vec<(&'static str, usize)> = Vec::new();
                for p in &these {
                    let word = p.verdict(threshold);
                    match verdicts.iter_mut().find(|w| w.0 == word) {
                        Some(w) => w.1 += 1,
                        None => verdicts.push((word, 1)),
                    }
                }
                let order = ["reliable", "mixed", "low quality", "spam"];
                verdicts.sort_by_key(|w| order.iter().position(|o| *o == w.0));
                SourceFigures {
                    source: source.to_owned(),
                    label: label.name(),
                    documents: these.len(),
                    roc_auc_vs_reliable,
                    judged_spam: share(&|p| p.judged_spam()),
                    flagged: share(&|p| p.flagged(threshold)),
                    verdicts,
                }
            })
            .collect()
    }
}
