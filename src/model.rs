//! The reliability model: logistic regression over the registry's features.
//!
//! Each feature value `v` is transformed to `ln(1 + v)` (rates are heavy-tailed), standardised
//! with the mean and scale stored in the model, and weighted. Because the model is linear, the
//! logit is exactly `intercept + Σ weight × standardised value`, and each term is that feature's
//! contribution to the score.

use serde::{Deserialize, Serialize};

use crate::error::Error;
pub use crate::error::ModelProblem;
pub use crate::head::HeadKind;
use crate::signals::{Family, SignalSpec};

/// The model file format this build reads and writes.
pub const FORMAT_VERSION: u32 = 5;

/// A verdict word and the lowest reliability that earns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictCut {
    /// Lowest reliability (inclusive) for this verdict.
    pub min_reliability: f64,
    /// The word shown.
    pub verdict: String,
}

/// One logistic head over the registry's features: `P = sigmoid(intercept + Σ weight ×
/// standardised value)`. Features of the families it does not read have weight 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Head {
    /// Mean of each transformed feature over the training data.
    pub mean: Vec<f64>,
    /// Standard deviation of each transformed feature (1 where it was 0).
    pub scale: Vec<f64>,
    /// Weight of each standardised feature; positive means more of the head's class (more
    /// spam for the spam head, more reliable for the quality head).
    pub weights: Vec<f64>,
    /// The logit of a document with every feature at its mean.
    pub intercept: f64,
    /// The decision threshold: at or above it, the head's class is called (spam for the spam
    /// head; for the quality head, the reliability below which a page is flagged). Chosen in
    /// training, moved by `--threshold`: a property of the model, not of how it was trained.
    pub threshold: f64,
    /// How it was trained: data, choices, dropped features, calibration.
    pub training: Provenance,
}

impl Head {
    /// Feature `i`'s contribution to the logit for its raw value `value`.
    pub fn contribution(&self, i: usize, value: f64) -> f64 {
        self.weights[i] * (transform(value) - self.mean[i]) / self.scale[i]
    }

    /// The logit and each feature's contribution to it, for raw feature values.
    pub fn contributions(&self, values: &[f64]) -> (f64, Vec<f64>) {
        let contributions: Vec<f64> = values
            .iter()
            .enumerate()
            .map(|(i, &v)| self.contribution(i, v))
            .collect();
        let logit = self.intercept + contributions.iter().sum::<f64>();
        (logit, contributions)
    }

    /// The head's probability for raw feature values.
    pub fn probability(&self, values: &[f64]) -> f64 {
        let contributions = values
            .iter()
            .enumerate()
            .map(|(i, &v)| self.contribution(i, v));
        sigmoid(self.intercept + contributions.sum::<f64>())
    }

    /// The decision threshold of the head: at or above it, the head's class is called.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    fn check(&self, head: HeadKind, n: usize) -> Result<(), ModelProblem> {
        if self.mean.len() != n || self.scale.len() != n || self.weights.len() != n {
            return Err(ModelProblem::Shape { head, features: n });
        }
        let numbers = self.mean.iter().chain(&self.weights).chain(&self.scale);
        if !numbers.chain([&self.intercept]).all(|x| x.is_finite())
            || self.scale.iter().any(|&s| s <= 0.0)
        {
            return Err(ModelProblem::NotFinite { head });
        }
        // The largest logit any document could reach: a transformed value is at most
        // ln(1 + f64::MAX), about 710. Finite numbers can still overflow on the way to it.
        let bound = (0..n).fold(self.intercept.abs(), |sum, i| {
            sum + self.weights[i].abs() * (710.0 + self.mean[i].abs()) / self.scale[i]
        });
        if !bound.is_finite() {
            return Err(ModelProblem::Overflow { head });
        }
        if !(0.0..=1.0).contains(&self.threshold) {
            return Err(ModelProblem::Threshold {
                head,
                threshold: self.threshold,
            });
        }
        Ok(())
    }
}

/// A probability: a number from 0 to 1, checked once where it enters (a `--threshold`, a
/// reliability filter), so that what takes one cannot be given anything else.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Probability(f64);

impl Probability {
    /// `p`, if it is a probability (not NaN, not outside 0..1).
    pub fn new(p: f64) -> Option<Self> {
        (0.0..=1.0).contains(&p).then_some(Probability(p))
    }

    /// The number.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl std::str::FromStr for Probability {
    type Err = String;

    /// Reads a probability from an option's text, saying what is wrong with it.
    fn from_str(text: &str) -> Result<Self, String> {
        let p: f64 = text.trim().parse().map_err(|e| format!("{e}"))?;
        Probability::new(p).ok_or_else(|| format!("a probability is between 0 and 1, not {p}"))
    }
}

/// A feature dropped by the sign constraints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dropped {
    /// The signal id.
    pub feature: String,
    /// The weight it had when it was dropped.
    pub weight: f64,
}

/// What the procedure chose and why, stored in the model file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// The data files.
    pub data: Vec<String>,
    /// Examples of the head's class (spam for the spam head, reliable for the quality head).
    pub positive: usize,
    /// The other examples the head learned from.
    pub negative: usize,
    /// Distinct groups (outlets).
    pub groups: usize,
    /// How the classes were balanced.
    pub balancing: String,
    /// Cross-validation folds.
    pub folds: usize,
    /// Seed.
    pub seed: u64,
    /// The chosen L2 strength.
    pub alpha: f64,
    /// Pooled out-of-fold ROC-AUC for each candidate L2 strength.
    pub alpha_grid: Vec<(f64, f64)>,
    /// Features dropped by the sign constraints in the final fit.
    pub dropped: Vec<Dropped>,
    /// Platt scaling (slope, offset) folded into the weights.
    pub platt: (f64, f64),
}

/// The kind of spam a page is: a sales page when its commercial signals add to its spam logit,
/// otherwise the kind of the spam-side family that adds most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SpamKind {
    /// Thesaurus-spun copy of someone else's text.
    #[serde(rename = "spun")]
    Spun,
    /// Mass-produced, generated filler.
    #[serde(rename = "generated filler")]
    GeneratedFiller,
    /// A page that sells: calls to order or book, prices, the provider's own offer.
    #[serde(rename = "sales page")]
    SalesPage,
    /// A page that promises cures: diseases reversed, toxins flushed out.
    #[serde(rename = "cure claims")]
    CureClaims,
}

impl SpamKind {
    /// The kind a spam-side family stands for.
    pub fn of(family: Family) -> Option<Self> {
        match family {
            Family::Spun => Some(SpamKind::Spun),
            Family::Hype => Some(SpamKind::GeneratedFiller),
            Family::Commercial => Some(SpamKind::SalesPage),
            Family::Cure => Some(SpamKind::CureClaims),
            Family::Citation | Family::Quality => None,
        }
    }

    /// The words used in reports.
    pub fn name(self) -> &'static str {
        match self {
            SpamKind::Spun => "spun",
            SpamKind::GeneratedFiller => "generated filler",
            SpamKind::SalesPage => "sales page",
            SpamKind::CureClaims => "cure claims",
        }
    }

    /// The verdict of a page judged spam of this kind.
    pub fn verdict(self) -> &'static str {
        match self {
            SpamKind::Spun => "spam: spun",
            SpamKind::GeneratedFiller => "spam: generated filler",
            SpamKind::SalesPage => "sales page",
            SpamKind::CureClaims => "spam: cure claims",
        }
    }
}

/// A trained model, as stored in JSON: three heads over one feature list, combined by
/// [`reliability_of`]. Each head's logit is exactly its intercept plus its features'
/// contributions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// The file format version.
    pub format_version: u32,
    /// Hash of the feature schema (ids, versions, families, polarities, in order).
    pub schema_hash: String,
    /// Feature names (signal ids), in order: the features the model was trained with in the
    /// file; the build's signals, in its order, once loaded (see [`Model::status`]).
    pub features: Vec<String>,
    /// The spam head, over the spun, hype and commercial families.
    pub spam: Head,
    /// The quality head, over the citation and quality families.
    pub quality: Head,
    /// The news head, over the same families: whether the journalism criteria apply.
    pub news: Head,
    /// Verdict words for pages not judged spam, highest cut of reliability first.
    pub verdicts: Vec<VerdictCut>,
    /// Once loaded, for each of the build's signals: whether the model was trained without it
    /// (empty when it was trained with all of them).
    #[serde(skip)]
    pub(crate) preview: Vec<bool>,
}

/// Whether a signal counts in a model's scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The model was trained with it: its contribution counts.
    Model,
    /// The model was trained without it (a signal newer than the model): it is measured and its
    /// evidence reported, and it contributes nothing until a retrain takes it in.
    Preview,
    /// A curator's configuration suppresses it for this document: it is measured, its evidence
    /// is not reported, and it contributes nothing.
    Suppressed,
}

impl Status {
    /// The lowercase name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Status::Model => "model",
            Status::Preview => "preview",
            Status::Suppressed => "suppressed",
        }
    }

    /// Whether it is [`Status::Model`] (reports name only the preview status).
    pub fn is_model(&self) -> bool {
        *self == Status::Model
    }
}

/// The hash of a feature schema: FNV-1a over each signal's id, version, family and polarity.
pub fn schema_hash<'a>(specs: impl IntoIterator<Item = &'a SignalSpec>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for spec in specs {
        let line = format!(
            "{}:{}:{}:{:?}\n",
            spec.id, spec.version, spec.family, spec.polarity
        );
        for byte in line.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// Verdict words cut around the quality threshold `t`: "reliable" from halfway between `t` and
/// 1, "mixed" from `t`, "low quality" below. Spam is the spam head's verdict, not a low
/// reliability's: a sober page without the marks of journalism is of low quality, not spam.
pub fn verdicts_around(t: f64) -> Vec<VerdictCut> {
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    [
        (round((t + 1.0) / 2.0), "reliable"),
        (t, "mixed"),
        (0.0, "low quality"),
    ]
    .into_iter()
    .map(|(min_reliability, verdict)| VerdictCut {
        min_reliability,
        verdict: verdict.to_owned(),
    })
    .collect()
}

/// How far the journalism criteria apply to a page the news head says is not news: a
/// reference page owes its readers some of what they ask (specifics, sources), if not quotes
/// of independent experts. Chosen by measurement (model card): with none, generated news the
/// news head did not know as news escaped the criteria altogether.
pub const CRITERIA_FLOOR: f64 = 0.2;

/// A page's reliability from its three heads: `(1 - spam) × (1 - a × (1 - quality))`, where
/// `a = max(news, CRITERIA_FLOOR)` is how far the journalism criteria apply.
///
/// A page the spam head calls spam cannot be reliable however well it covers the journalism
/// criteria. A news report is as reliable as its journalism: its quality. A page that is not
/// news (a reference page, a trial registry entry, an answer) is marked down only in part for
/// lacking what the criteria ask of a story on a new treatment (costs, quotes of independent
/// experts, a comparison with alternatives). Measured against `(1 - spam) × quality` in the
/// model card: that judged nearly every NIH page and Cochrane summary "low quality".
pub fn reliability_of(spam: f64, quality: f64, news: f64) -> f64 {
    (1.0 - spam) * (1.0 - news.max(CRITERIA_FLOOR) * (1.0 - quality))
}

/// The feature transform applied before standardisation.
pub fn transform(value: f64) -> f64 {
    value.max(0.0).ln_1p()
}

/// The logistic function.
pub fn sigmoid(logit: f64) -> f64 {
    1.0 / (1.0 + (-logit).exp())
}

impl Model {
    /// Reads a model from JSON and checks it against the signals it will be used with.
    pub fn from_json(json: &str, origin: &str, specs: &[&SignalSpec]) -> Result<Self, Error> {
        Self::checked(json, specs).map_err(|problem| Error::Model {
            origin: origin.to_owned(),
            problem,
        })
    }

    /// [`Model::from_json`], with what is wrong.
    fn checked(json: &str, specs: &[&SignalSpec]) -> Result<Self, ModelProblem> {
        let model: Model =
            serde_json::from_str(json).map_err(|e| ModelProblem::Json(e.to_string()))?;
        if model.format_version != FORMAT_VERSION {
            return Err(ModelProblem::FormatVersion {
                found: model.format_version,
                supported: FORMAT_VERSION,
            });
        }
        // A model lists the features it was trained with, by id: the build's signals it does
        // not list run in preview, so a new signal needs no retrain before the binary starts.
        // The build's signal at each of the model's features:
        let mut place = vec![None; specs.len()];
        let mut theirs = Vec::with_capacity(model.features.len());
        for (j, id) in model.features.iter().enumerate() {
            let Some(i) = specs.iter().position(|s| s.id == id) else {
                return Err(ModelProblem::UnknownFeature {
                    position: j + 1,
                    id: id.clone(),
                });
            };
            if place[i].replace(j).is_some() {
                return Err(ModelProblem::RepeatedFeature { id: id.clone() });
            }
            theirs.push(specs[i]);
        }
        let expected = schema_hash(theirs.iter().copied());
        if model.schema_hash != expected {
            return Err(ModelProblem::SchemaHash {
                found: model.schema_hash,
                expected,
            });
        }
        let n = theirs.len();
        for (head, kind) in [
            (&model.spam, HeadKind::Spam),
            (&model.quality, HeadKind::Quality),
            (&model.news, HeadKind::News),
        ] {
            head.check(kind, n)?;
            let foreign = (0..n)
                .find(|&j| head.weights[j] != 0.0 && !theirs[j].family.heads().contains(&kind));
            if let Some(j) = foreign {
                return Err(ModelProblem::ForeignFeature {
                    head: kind,
                    feature: theirs[j].id.to_owned(),
                });
            }
        }
        if model.verdicts.is_empty() {
            return Err(ModelProblem::NoVerdicts);
        }
        Ok(model.in_build_order(specs, &place))
    }

    /// The model with its features in the build's order: `place[i]` is the model's index of
    /// the build's signal `i`, `None` for a signal the model was not trained with, which runs in
    /// preview (weight 0: measured and reported, counting for nothing).
    fn in_build_order(self, specs: &[&SignalSpec], place: &[Option<usize>]) -> Self {
        let reorder = |head: Head| {
            let pick = |values: &[f64], absent: f64| -> Vec<f64> {
                place
                    .iter()
                    .map(|j| j.map_or(absent, |j| values[j]))
                    .collect()
            };
            Head {
                mean: pick(&head.mean, 0.0),
                scale: pick(&head.scale, 1.0),
                weights: pick(&head.weights, 0.0),
                ..head
            }
        };
        let preview: Vec<bool> = place.iter().map(Option::is_none).collect();
        let trained = specs.iter().zip(place).filter(|(_, j)| j.is_some());
        Model {
            // The hash of the features it was trained with, now in the build's order: what
            // `to_json` writes.
            schema_hash: schema_hash(trained.map(|(spec, _)| *spec)),
            features: specs.iter().map(|s| s.id.to_owned()).collect(),
            spam: reorder(self.spam),
            quality: reorder(self.quality),
            news: reorder(self.news),
            preview: if preview.contains(&true) {
                preview
            } else {
                Vec::new()
            },
            ..self
        }
    }

    /// Gives the build's signal `i` (a curator's rule, which the model was not trained with)
    /// the weight `weight` on the spam head, on its transformed value unstandardised: it adds
    /// `weight × ln(1 + value)` to the spam logit.
    pub(crate) fn weigh_curator_rule(&mut self, i: usize, weight: f64) {
        self.spam.weights[i] = weight;
        self.spam.mean[i] = 0.0;
        self.spam.scale[i] = 1.0;
        if let Some(preview) = self.preview.get_mut(i) {
            *preview = false;
        }
    }

    /// Whether the build's signal `i` counts in this model's scores.
    pub fn status(&self, i: usize) -> Status {
        if self.preview.get(i).copied().unwrap_or(false) {
            Status::Preview
        } else {
            Status::Model
        }
    }

    /// Serialises the model as pretty JSON: the features it was trained with (not those in
    /// preview).
    pub fn to_json(&self) -> String {
        let trained = |i: &usize| self.status(*i) == Status::Model;
        let keep = |values: &[f64]| -> Vec<f64> {
            (0..values.len())
                .filter(trained)
                .map(|i| values[i])
                .collect()
        };
        let head = |head: &Head| Head {
            mean: keep(&head.mean),
            scale: keep(&head.scale),
            weights: keep(&head.weights),
            ..head.clone()
        };
        let model = Model {
            features: (0..self.features.len())
                .filter(trained)
                .map(|i| self.features[i].clone())
                .collect(),
            spam: head(&self.spam),
            quality: head(&self.quality),
            news: head(&self.news),
            preview: Vec::new(),
            ..self.clone()
        };
        let mut json = serde_json::to_string_pretty(&model).unwrap_or_default();
        json.push('\n');
        json
    }

    /// The head of a kind.
    pub fn head(&self, kind: HeadKind) -> &Head {
        match kind {
            HeadKind::Spam => &self.spam,
            HeadKind::Quality => &self.quality,
            HeadKind::News => &self.news,
        }
    }

    /// The probability that a page is spam.
    pub fn spam(&self, values: &[f64]) -> f64 {
        self.spam.probability(values)
    }

    /// The probability that a page is reliable (see [`reliability_of`]).
    pub fn reliability(&self, values: &[f64]) -> f64 {
        reliability_of(
            self.spam.probability(values),
            self.quality.probability(values),
            self.news.probability(values),
        )
    }

    /// The reliability below which a page is flagged.
    pub fn threshold(&self) -> f64 {
        self.quality.threshold()
    }

    /// The spam probability from which a page is judged spam.
    pub fn spam_threshold(&self) -> f64 {
        self.spam.threshold()
    }

    /// The verdict word for a page: its spam kind when judged spam, else its reliability's.
    pub fn verdict(&self, reliability: f64, spam: Option<SpamKind>) -> &str {
        match spam {
            Some(kind) => kind.verdict(),
            None => verdict_of(&self.verdicts, reliability),
        }
    }
}

/// The word of the highest cut that `reliability` reaches (the lowest cut's below them all).
pub fn verdict_of(cuts: &[VerdictCut], reliability: f64) -> &str {
    cuts.iter()
        .find(|cut| reliability >= cut.min_reliability)
        .or(cuts.last())
        .map_or("unknown", |cut| cut.verdict.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signals::{index, specs};

    /// A model by hand: HYPE001 raises spam, QUAL005 raises quality, QUAL011 (statements
    /// attributed to someone) says news.
    fn model() -> Model {
        let specs = specs();
        let n = specs.len();
        let head = |feature: &str, weight: f64, intercept: f64, threshold: f64| {
            let mut weights = vec![0.0; n];
            weights[index(feature)] = weight;
            Head {
                mean: vec![0.25; n],
                scale: vec![0.5; n],
                weights,
                intercept,
                threshold,
                training: Provenance::default(),
            }
        };
        Model {
            format_version: FORMAT_VERSION,
            schema_hash: schema_hash(specs.iter().copied()),
            features: specs.iter().map(|s| s.id.to_owned()).collect(),
            spam: head("HYPE001", 1.5, -2.0, 0.7),
            quality: head("QUAL005", 0.5, 0.3, 0.5),
            news: head("QUAL011", 0.8, -0.4, 0.5),
            verdicts: verdicts_around(0.5),
            preview: Vec::new(),
        }
    }

    #[test]
    fn contributions_sum_to_each_logit_and_reliability_is_clean_quality_where_news() {
        let model = model();
        let values: Vec<f64> = (0..model.features.len()).map(|i| i as f64 * 0.7).collect();
        for head in [&model.spam, &model.quality, &model.news] {
            let (logit, contributions) = head.contributions(&values);
            let sum: f64 = head.intercept + contributions.iter().sum::<f64>();
            assert!((logit - sum).abs() < 1e-12);
        }
        let expected = 1.5 * (transform(values[index("HYPE001")]) - 0.25) / 0.5;
        let (_, contributions) = model.spam.contributions(&values);
        assert!((contributions[index("HYPE001")] - expected).abs() < 1e-12);
        let (spam, quality, news) = (
            model.spam(&values),
            model.quality.probability(&values),
            model.news.probability(&values),
        );
        let applies = news.max(CRITERIA_FLOOR);
        let reliability = (1.0 - spam) * (applies * quality + (1.0 - applies));
        assert!((model.reliability(&values) - reliability).abs() < 1e-12);
        // A news report is as reliable as its quality; a page that is not news, as clean as
        // it is; spam is never reliable.
        assert!((reliability_of(0.0, 0.3, 1.0) - 0.3).abs() < 1e-15);
        assert!((reliability_of(0.0, 0.3, 0.0) - (1.0 - CRITERIA_FLOOR * 0.7)).abs() < 1e-15);
        assert!(reliability_of(0.0, 0.3, 0.0) > reliability_of(0.0, 0.3, 0.9));
        assert_eq!(reliability_of(1.0, 1.0, 0.0), 0.0);
        assert!(reliability_of(0.2, 0.3, 0.5) < reliability_of(0.2, 0.3, 0.4));
    }

    /// What is wrong with `model` once `edit` has changed its JSON.
    fn problem_after(model: &Model, edit: impl FnOnce(&mut serde_json::Value)) -> ModelProblem {
        let mut json: serde_json::Value = serde_json::from_str(&model.to_json()).unwrap();
        edit(&mut json);
        Model::checked(&json.to_string(), &specs()).unwrap_err()
    }

    #[test]
    fn a_head_may_weigh_only_its_own_signals() {
        let model = model();
        assert_eq!(
            problem_after(&model, |json| json["spam"]["weights"][index("QUAL005")] =
                0.3.into()),
            ModelProblem::ForeignFeature {
                head: HeadKind::Spam,
                feature: "QUAL005".into()
            }
        );
        // The news head reads the journalism families, as the quality head does.
        assert_eq!(
            problem_after(&model, |json| json["news"]["weights"][index("HYPE001")] =
                0.3.into()),
            ModelProblem::ForeignFeature {
                head: HeadKind::News,
                feature: "HYPE001".into()
            }
        );
        assert_eq!(
            problem_after(&model, |json| json["spam"]["threshold"] = 1.5.into()),
            ModelProblem::Threshold {
                head: HeadKind::Spam,
                threshold: 1.5
            }
        );
    }

    #[test]
    fn refuses_a_model_for_other_signals() {
        let model = model();
        assert_eq!(
            problem_after(&model, |json| json["features"][0] = "SPUN999".into()),
            ModelProblem::UnknownFeature {
                position: 1,
                id: "SPUN999".into()
            }
        );
        assert!(matches!(
            problem_after(&model, |json| json["schema_hash"] = "0000000000000000".into()),
            ModelProblem::SchemaHash { found, .. } if found == "0000000000000000"
        ));
        assert_eq!(
            problem_after(&model, |json| json["quality"]["scale"][2] = 0.0.into()),
            ModelProblem::NotFinite {
                head: HeadKind::Quality
            }
        );
        assert_eq!(
            problem_after(&model, |json| json["format_version"] = 3.into()),
            ModelProblem::FormatVersion {
                found: 3,
                supported: FORMAT_VERSION
            }
        );
        assert_eq!(
            problem_after(&model, |json| json["verdicts"] = serde_json::json!([])),
            ModelProblem::NoVerdicts
        );
        let err = Model::from_json("{", "broken.json", &specs()).unwrap_err();
        assert!(
            matches!(&err, Error::Model { origin, problem: ModelProblem::Json(_) } if origin == "broken.json"),
            "{err}"
        );

        let reread = Model::from_json(&model.to_json(), "same.json", &specs()).unwrap();
        assert_eq!(reread, model, "JSON round trip is exact");
    }

    #[test]
    fn a_probability_is_checked_where_it_enters() {
        assert_eq!(
            "0.25".parse::<Probability>().map(Probability::get),
            Ok(0.25)
        );
        for bad in ["1.5", "-0.1", "NaN", "half"] {
            assert!(bad.parse::<Probability>().is_err(), "{bad}");
        }
        assert_eq!(Probability::new(f64::NAN), None);
    }

    /// `model`'s JSON with the features at `keep` (model indices, in that order) only.
    fn with_features(model: &Model, keep: &[usize]) -> String {
        let mut json: serde_json::Value = serde_json::from_str(&model.to_json()).unwrap();
        let pick = |values: &serde_json::Value| -> serde_json::Value {
            keep.iter().map(|&j| values[j].clone()).collect()
        };
        json["features"] = pick(&json["features"]);
        for head in ["spam", "quality", "news"] {
            for numbers in ["mean", "scale", "weights"] {
                json[head][numbers] = pick(&json[head][numbers]);
            }
        }
        let specs = specs();
        json["schema_hash"] = schema_hash(keep.iter().map(|&j| specs[j])).into();
        json.to_string()
    }

    #[test]
    fn features_are_read_by_id_in_any_order() {
        let model = model();
        let n = model.features.len();
        let reversed: Vec<usize> = (0..n).rev().collect();
        let reread =
            Model::from_json(&with_features(&model, &reversed), "rev.json", &specs()).unwrap();
        assert_eq!(reread, model, "the same model, in the build's order");
        let values: Vec<f64> = (0..n).map(|i| i as f64 * 0.3).collect();
        assert_eq!(reread.reliability(&values), model.reliability(&values));
    }

    #[test]
    fn a_signal_the_model_was_trained_without_runs_in_preview() {
        let model = model();
        let n = model.features.len();
        let new = index("HYPE001"); // the spam head's one weighted feature
        let without: Vec<usize> = (0..n).filter(|&i| i != new).collect();
        let json = with_features(&model, &without);
        let older = Model::from_json(&json, "older.json", &specs()).unwrap();
        assert_eq!(older.status(new), Status::Preview);
        assert!((0..n)
            .filter(|&i| i != new)
            .all(|i| older.status(i) == Status::Model));
        assert_eq!(older.spam.contribution(new, 9.0), 0.0, "counts for nothing");
        let values: Vec<f64> = (0..n).map(|i| i as f64 * 0.3).collect();
        let quality = index("QUAL005");
        assert_eq!(
            older.quality.contribution(quality, values[quality]),
            model.quality.contribution(quality, values[quality]),
            "the other features count as before"
        );
        assert!((older.spam(&values) - sigmoid(-2.0)).abs() < 1e-12);
        // Written back, it lists the features it was trained with, and nothing else.
        assert_eq!(
            older.to_json(),
            Model::from_json(&json, "x", &specs()).unwrap().to_json()
        );
        let written: serde_json::Value = serde_json::from_str(&older.to_json()).unwrap();
        assert_eq!(written["features"].as_array().unwrap().len(), n - 1);
        assert!(!older.to_json().contains("\"HYPE001\""));
    }

    #[test]
    fn refuses_a_feature_named_twice() {
        let model = model();
        let mut twice: Vec<usize> = (0..model.features.len()).collect();
        twice[1] = 0;
        assert_eq!(
            Model::checked(&with_features(&model, &twice), &specs()).unwrap_err(),
            ModelProblem::RepeatedFeature {
                id: model.features[0].clone()
            }
        );
    }

    #[test]
    fn each_spam_side_family_names_a_kind() {
        for family in Family::ALL {
            let kind = SpamKind::of(family);
            assert_eq!(kind.is_some(), family.head() == HeadKind::Spam, "{family}");
        }
        assert_eq!(SpamKind::of(Family::Cure), Some(SpamKind::CureClaims));
    }

    #[test]
    fn verdicts_follow_the_cuts() {
        let model = model();
        assert_eq!(model.verdict(0.9, None), "reliable");
        assert_eq!(model.verdict(0.6, None), "mixed");
        assert_eq!(model.verdict(0.3, None), "low quality");
        assert_eq!(model.verdict(0.01, None), "low quality");
        assert_eq!(model.verdict(0.9, Some(SpamKind::Spun)), "spam: spun");
        assert_eq!(model.verdict(0.9, Some(SpamKind::SalesPage)), "sales page");
        assert_eq!(
            model.verdict(0.9, Some(SpamKind::CureClaims)),
            "spam: cure claims"
        );
    }
}
