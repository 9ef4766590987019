//! The reliability model: logistic regression over the registry's features.
//!
//! Each feature value `v` is transformed to `ln(1 + v)` (rates are heavy-tailed), standardised
//! with the mean and scale stored in the model, and weighted. Because the model is linear, the
//! logit is exactly `intercept + Σ weight × standardised value`, and each term is that feature's
//! contribution to the score.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::signals::{Family, SignalSpec};
use crate::training::Provenance;

/// The model file format this build reads and writes.
pub const FORMAT_VERSION: u32 = 3;

/// A verdict word and the lowest reliability that earns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictCut {
    /// Lowest reliability (inclusive) for this verdict.
    pub min_reliability: f64,
    /// The word shown.
    pub verdict: String,
}

/// Which judgement a signal feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HeadKind {
    /// The probability that a page is SEO spam or mass-produced junk.
    Spam,
    /// The probability that a page is reliable as health journalism (HealthNewsReview.org).
    Quality,
}

impl HeadKind {
    /// The head a family's signals feed: spun text, hype, selling and cure claims are what spam pages are
    /// made of; citations and the journalism criteria are what reliable writing shows.
    pub fn of(family: Family) -> Self {
        match family {
            Family::Spun | Family::Hype | Family::Commercial | Family::Cure => HeadKind::Spam,
            Family::Citation | Family::Quality => HeadKind::Quality,
        }
    }

    /// The lowercase name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            HeadKind::Spam => "spam",
            HeadKind::Quality => "quality",
        }
    }
}

/// One logistic head over the registry's features: `P = sigmoid(intercept + Σ weight ×
/// standardised value)`. Features of the other head have weight 0.
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
    /// How it was trained: data, choices, dropped features, calibration, threshold.
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
        self.training.threshold
    }

    fn check(&self, name: &str, n: usize) -> Result<(), String> {
        if self.mean.len() != n || self.scale.len() != n || self.weights.len() != n {
            return Err(format!(
                "the {name} head's mean, scale and weights must each have {n} values"
            ));
        }
        let numbers = self.mean.iter().chain(&self.weights).chain(&self.scale);
        if !numbers.chain([&self.intercept]).all(|x| x.is_finite())
            || self.scale.iter().any(|&s| s <= 0.0)
        {
            return Err(format!(
                "every number of the {name} head must be finite and every scale positive"
            ));
        }
        // The largest logit any document could reach: a transformed value is at most
        // ln(1 + f64::MAX), about 710. Finite numbers can still overflow on the way to it.
        let bound = (0..n).fold(self.intercept.abs(), |sum, i| {
            sum + self.weights[i].abs() * (710.0 + self.mean[i].abs()) / self.scale[i]
        });
        if !bound.is_finite() {
            return Err(format!(
                "the {name} head's weights and scales can give a non-finite logit (weights \
                 too large for their scales)"
            ));
        }
        if !(0.0..=1.0).contains(&self.training.threshold) {
            return Err(format!(
                "the {name} head's threshold {} is not a probability",
                self.training.threshold
            ));
        }
        Ok(())
    }
}

/// The kind of spam a page is: the kind of the spam-side family that adds most to its spam
/// logit.
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

/// A trained model, as stored in JSON: two heads over one feature list.
///
/// `reliability = (1 - spam) × quality`: a page the spam head calls spam cannot be reliable
/// however well it covers the journalism criteria, and a clean page is as reliable as its
/// quality. Each head's logit is exactly its intercept plus its features' contributions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// The file format version.
    pub format_version: u32,
    /// Hash of the feature schema (ids, versions, families, polarities, in order).
    pub schema_hash: String,
    /// Feature names (signal ids), in order.
    pub features: Vec<String>,
    /// The spam head, over the spun, hype and commercial families.
    pub spam: Head,
    /// The quality head, over the citation and quality families.
    pub quality: Head,
    /// Verdict words for pages not judged spam, highest cut of reliability first.
    pub verdicts: Vec<VerdictCut>,
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
        let fail = |reason: String| Error::Model {
            origin: origin.to_owned(),
            reason,
        };
        let model: Model = serde_json::from_str(json).map_err(|e| fail(e.to_string()))?;
        if model.format_version != FORMAT_VERSION {
            return Err(fail(format!(
                "format version {} is not supported (this build reads version {FORMAT_VERSION})",
                model.format_version
            )));
        }
        let ids: Vec<&str> = specs.iter().map(|s| s.id).collect();
        if model.features != ids {
            // The first place the lists differ: a differing name, or the end of the shorter.
            let at = model
                .features
                .iter()
                .zip(&ids)
                .position(|(theirs, ours)| theirs != ours)
                .unwrap_or(model.features.len().min(ids.len()));
            let name =
                |names: Option<&str>| names.map_or("nothing".to_owned(), |n| format!("{n:?}"));
            return Err(fail(format!(
                "its feature {} is {}, where this build's signals have {} ({} features against \
                 {}); retrain it with `chaff train`",
                at + 1,
                name(model.features.get(at).map(String::as_str)),
                name(ids.get(at).copied()),
                model.features.len(),
                ids.len()
            )));
        }
        let expected = schema_hash(specs.iter().copied());
        if model.schema_hash != expected {
            return Err(fail(format!(
                "its feature schema hash {} differs from this build's {expected} (a signal changed \
                 version); retrain it with `chaff train`",
                model.schema_hash
            )));
        }
        let n = ids.len();
        model.spam.check("spam", n).map_err(fail)?;
        model.quality.check("quality", n).map_err(fail)?;
        for (head, kind) in [
            (&model.spam, HeadKind::Spam),
            (&model.quality, HeadKind::Quality),
        ] {
            let foreign =
                (0..n).find(|&i| head.weights[i] != 0.0 && HeadKind::of(specs[i].family) != kind);
            if let Some(i) = foreign {
                return Err(fail(format!(
                    "the {} head weighs {}, a signal of the other head",
                    kind.name(),
                    ids[i]
                )));
            }
        }
        if model.verdicts.is_empty() {
            return Err(fail("it names no verdicts".to_owned()));
        }
        Ok(model)
    }

    /// Serialises the model as pretty JSON.
    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).unwrap_or_default();
        json.push('\n');
        json
    }

    /// The head of a kind.
    pub fn head(&self, kind: HeadKind) -> &Head {
        match kind {
            HeadKind::Spam => &self.spam,
            HeadKind::Quality => &self.quality,
        }
    }

    /// The probability that a page is spam.
    pub fn spam(&self, values: &[f64]) -> f64 {
        self.spam.probability(values)
    }

    /// The probability that a page is reliable: not spam, and of good quality.
    pub fn reliability(&self, values: &[f64]) -> f64 {
        (1.0 - self.spam.probability(values)) * self.quality.probability(values)
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
    use crate::signals::registry;

    fn specs() -> Vec<&'static SignalSpec> {
        registry().specs()
    }

    fn index(id: &str) -> usize {
        specs().iter().position(|s| s.id == id).unwrap()
    }

    /// A model by hand: HYPE001 raises spam, QUAL005 raises quality.
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
                training: Provenance {
                    threshold,
                    ..Provenance::default()
                },
            }
        };
        Model {
            format_version: FORMAT_VERSION,
            schema_hash: schema_hash(specs.iter().copied()),
            features: specs.iter().map(|s| s.id.to_owned()).collect(),
            spam: head("HYPE001", 1.5, -2.0, 0.7),
            quality: head("QUAL005", 0.5, 0.3, 0.5),
            verdicts: verdicts_around(0.5),
        }
    }

    #[test]
    fn contributions_sum_to_each_logit_and_reliability_is_clean_quality() {
        let model = model();
        let values: Vec<f64> = (0..model.features.len()).map(|i| i as f64 * 0.7).collect();
        for head in [&model.spam, &model.quality] {
            let (logit, contributions) = head.contributions(&values);
            let sum: f64 = head.intercept + contributions.iter().sum::<f64>();
            assert!((logit - sum).abs() < 1e-12);
        }
        let expected = 1.5 * (transform(values[index("HYPE001")]) - 0.25) / 0.5;
        let (_, contributions) = model.spam.contributions(&values);
        assert!((contributions[index("HYPE001")] - expected).abs() < 1e-12);
        let reliability = (1.0 - model.spam(&values)) * model.quality.probability(&values);
        assert!((model.reliability(&values) - reliability).abs() < 1e-12);
    }

    #[test]
    fn a_head_may_weigh_only_its_own_signals() {
        let model = model();
        let mut json: serde_json::Value = serde_json::from_str(&model.to_json()).unwrap();
        json["spam"]["weights"][index("QUAL005")] = 0.3.into();
        let err = Model::from_json(&json.to_string(), "mixed.json", &specs()).unwrap_err();
        assert!(
            err.to_string().contains("the spam head weighs QUAL005"),
            "{err}"
        );
        let mut json: serde_json::Value = serde_json::from_str(&model.to_json()).unwrap();
        json["spam"]["training"]["threshold"] = 1.5.into();
        let err = Model::from_json(&json.to_string(), "cut.json", &specs()).unwrap_err();
        assert!(err.to_string().contains("not a probability"), "{err}");
    }

    #[test]
    fn refuses_a_model_for_other_signals() {
        let model = model();
        let mut json: serde_json::Value = serde_json::from_str(&model.to_json()).unwrap();
        json["features"][0] = "SPUN999".into();
        let err = Model::from_json(&json.to_string(), "old.json", &specs()).unwrap_err();
        assert!(
            err.to_string().contains("its feature 1 is \"SPUN999\""),
            "{err}"
        );

        let mut json: serde_json::Value = serde_json::from_str(&model.to_json()).unwrap();
        json["schema_hash"] = "0000000000000000".into();
        let err = Model::from_json(&json.to_string(), "old.json", &specs()).unwrap_err();
        assert!(err.to_string().contains("schema hash"), "{err}");

        let mut json: serde_json::Value = serde_json::from_str(&model.to_json()).unwrap();
        json["quality"]["scale"][2] = 0.0.into();
        let err = Model::from_json(&json.to_string(), "zero.json", &specs()).unwrap_err();
        assert!(err.to_string().contains("scale"), "{err}");

        let reread = Model::from_json(&model.to_json(), "same.json", &specs()).unwrap();
        assert_eq!(reread, model, "JSON round trip is exact");
    }

    #[test]
    fn each_spam_side_family_names_a_kind() {
        for family in Family::ALL {
            let kind = SpamKind::of(family);
            assert_eq!(
                kind.is_some(),
                HeadKind::of(family) == HeadKind::Spam,
                "{family}"
            );
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
