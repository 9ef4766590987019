//! The reliability model: logistic regression over the registry's features.
//!
//! Each feature value `v` is transformed to `ln(1 + v)` (rates are heavy-tailed), standardised
//! with the mean and scale stored in the model, and weighted. Because the model is linear, the
//! logit is exactly `intercept + Σ weight × standardised value`, and each term is that feature's
//! contribution to the score.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::signals::SignalSpec;
use crate::training::Provenance;

/// The model file format this build reads and writes.
pub const FORMAT_VERSION: u32 = 2;

/// A verdict word and the lowest reliability that earns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictCut {
    /// Lowest reliability (inclusive) for this verdict.
    pub min_reliability: f64,
    /// The word shown.
    pub verdict: String,
}

/// A trained model, as stored in JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// The file format version.
    pub format_version: u32,
    /// Hash of the feature schema (ids, versions, families, polarities, in order).
    pub schema_hash: String,
    /// Feature names (signal ids), in order.
    pub features: Vec<String>,
    /// Mean of each transformed feature over the training data.
    pub mean: Vec<f64>,
    /// Standard deviation of each transformed feature (1 where it was 0).
    pub scale: Vec<f64>,
    /// Weight of each standardised feature; positive means more reliable.
    pub weights: Vec<f64>,
    /// The logit of a document with every feature at its mean.
    pub intercept: f64,
    /// Verdict words, highest cut first.
    pub verdicts: Vec<VerdictCut>,
    /// How it was trained: data, choices, dropped features, calibration, threshold.
    pub training: Provenance,
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

/// Verdict words cut around the decision threshold `t`: "reliable" from halfway between `t` and
/// 1, "mixed" from `t`, "low quality" below `t`, and "likely spam" below `t / 2`, where the model
/// is twice as sure as at the threshold that the page is not reliable.
pub fn verdicts_around(t: f64) -> Vec<VerdictCut> {
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    [
        (round((t + 1.0) / 2.0), "reliable"),
        (t, "mixed"),
        (round(t / 2.0), "low quality"),
        (0.0, "likely spam"),
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
            return Err(fail(format!(
                "its features {:?} do not match this build's signals {ids:?}; retrain it with `chaff train`",
                model.features
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
        if model.mean.len() != n || model.scale.len() != n || model.weights.len() != n {
            return Err(fail(format!(
                "mean, scale and weights must each have {n} values"
            )));
        }
        let numbers = model.mean.iter().chain(&model.weights).chain(&model.scale);
        if !numbers.chain([&model.intercept]).all(|x| x.is_finite())
            || model.scale.iter().any(|&s| s <= 0.0)
        {
            return Err(fail(
                "every number must be finite and every scale positive".to_owned(),
            ));
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

    /// The logit and each feature's contribution to it, for raw feature values.
    pub fn contributions(&self, values: &[f64]) -> (f64, Vec<f64>) {
        let contributions: Vec<f64> = values
            .iter()
            .enumerate()
            .map(|(i, &v)| self.weights[i] * (transform(v) - self.mean[i]) / self.scale[i])
            .collect();
        let logit = self.intercept + contributions.iter().sum::<f64>();
        (logit, contributions)
    }

    /// The probability that a document with these feature values is reliable.
    pub fn reliability(&self, values: &[f64]) -> f64 {
        sigmoid(self.contributions(values).0)
    }

    /// The decision threshold: below it a document is called unreliable.
    pub fn threshold(&self) -> f64 {
        self.training.threshold
    }

    /// The verdict word for a reliability.
    pub fn verdict(&self, reliability: f64) -> &str {
        self.verdicts
            .iter()
            .find(|cut| reliability >= cut.min_reliability)
            .or(self.verdicts.last())
            .map_or("unknown", |cut| cut.verdict.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signals::registry;

    fn specs() -> Vec<&'static SignalSpec> {
        registry().specs()
    }

    /// A model by hand: feature 0 lowers reliability, feature 1 raises it.
    fn model() -> Model {
        let specs = specs();
        let n = specs.len();
        let mut weights = vec![0.0; n];
        weights[0] = -1.5;
        weights[1] = 0.5;
        Model {
            format_version: FORMAT_VERSION,
            schema_hash: schema_hash(specs.iter().copied()),
            features: specs.iter().map(|s| s.id.to_owned()).collect(),
            mean: vec![0.25; n],
            scale: vec![0.5; n],
            weights,
            intercept: 0.3,
            verdicts: verdicts_around(0.5),
            training: Provenance::default(),
        }
    }

    #[test]
    fn contributions_sum_to_the_logit() {
        let model = model();
        let values: Vec<f64> = (0..model.features.len()).map(|i| i as f64 * 0.7).collect();
        let (logit, contributions) = model.contributions(&values);
        let sum: f64 = model.intercept + contributions.iter().sum::<f64>();
        assert!((logit - sum).abs() < 1e-12);
        assert!((model.reliability(&values) - sigmoid(sum)).abs() < 1e-12);
        let expected = -1.5 * (transform(0.0) - 0.25) / 0.5;
        assert!((contributions[0] - expected).abs() < 1e-12);
    }

    #[test]
    fn refuses_a_model_for_other_signals() {
        let model = model();
        let mut json: serde_json::Value = serde_json::from_str(&model.to_json()).unwrap();
        json["features"][0] = "SPUN999".into();
        let err = Model::from_json(&json.to_string(), "old.json", &specs()).unwrap_err();
        assert!(err.to_string().contains("do not match"), "{err}");

        let mut json: serde_json::Value = serde_json::from_str(&model.to_json()).unwrap();
        json["schema_hash"] = "0000000000000000".into();
        let err = Model::from_json(&json.to_string(), "old.json", &specs()).unwrap_err();
        assert!(err.to_string().contains("schema hash"), "{err}");

        let mut json: serde_json::Value = serde_json::from_str(&model.to_json()).unwrap();
        json["scale"][2] = 0.0.into();
        let err = Model::from_json(&json.to_string(), "zero.json", &specs()).unwrap_err();
        assert!(err.to_string().contains("scale"), "{err}");

        let reread = Model::from_json(&model.to_json(), "same.json", &specs()).unwrap();
        assert_eq!(reread, model, "JSON round trip is exact");
    }

    #[test]
    fn verdicts_follow_the_cuts() {
        let model = model();
        assert_eq!(model.verdict(0.9), "reliable");
        assert_eq!(model.verdict(0.6), "mixed");
        assert_eq!(model.verdict(0.3), "low quality");
        assert_eq!(model.verdict(0.01), "likely spam");
    }
}
