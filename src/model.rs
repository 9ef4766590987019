//! The reliability model: logistic regression over the registry's features.
//!
//! Each feature value `v` is transformed to `ln(1 + v)` (rates are heavy-tailed), standardised
//! with the mean and scale stored in the model, and weighted. Because the model is linear, the
//! logit is exactly `intercept + Σ weight × standardised value`, and each term is that feature's
//! contribution to the score.

use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::signals::SignalSpec;

/// The model file format this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// A verdict word and the lowest reliability that earns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictCut {
    /// Lowest reliability (inclusive) for this verdict.
    pub min_reliability: f64,
    /// The word shown.
    pub verdict: String,
}

/// How and on what a model was trained.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainingInfo {
    /// The data files.
    pub data: Vec<String>,
    /// Examples labelled reliable.
    pub reliable: usize,
    /// Examples labelled unreliable.
    pub unreliable: usize,
    /// L2 regularisation strength.
    pub alpha: f64,
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
    /// Provenance.
    pub training: TrainingInfo,
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

/// The verdict words used unless a model says otherwise.
pub fn default_verdicts() -> Vec<VerdictCut> {
    [
        (0.75, "reliable"),
        (0.5, "mixed"),
        (0.25, "low quality"),
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

    /// The verdict word for a reliability.
    pub fn verdict(&self, reliability: f64) -> &str {
        self.verdicts
            .iter()
            .find(|cut| reliability >= cut.min_reliability)
            .or(self.verdicts.last())
            .map_or("unknown", |cut| cut.verdict.as_str())
    }
}

/// Options for [`train`].
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// L2 regularisation strength.
    pub alpha: f64,
    /// The data files, recorded in the model.
    pub data: Vec<String>,
}

/// Fits a model on feature vectors labelled reliable (`true`) or unreliable (`false`).
pub fn train(
    specs: &[&SignalSpec],
    examples: &[(Vec<f64>, bool)],
    options: &TrainOptions,
) -> Result<Model, Error> {
    let n = specs.len();
    let reliable = examples.iter().filter(|(_, label)| *label).count();
    let unreliable = examples.len() - reliable;
    if reliable == 0 || unreliable == 0 {
        return Err(Error::Training(format!(
            "both labels are needed; found {reliable} reliable and {unreliable} unreliable examples"
        )));
    }
    if !(options.alpha.is_finite() && options.alpha >= 0.0) {
        return Err(Error::Training(format!(
            "alpha must be a finite number >= 0, not {}",
            options.alpha
        )));
    }
    let transformed = Array2::from_shape_fn((examples.len(), n), |(row, col)| {
        transform(examples[row].0[col])
    });
    let mean = transformed
        .mean_axis(ndarray::Axis(0))
        .unwrap_or_else(|| Array1::zeros(n));
    let scale = transformed
        .std_axis(ndarray::Axis(0), 0.0)
        .mapv(|s| if s > 1e-12 { s } else { 1.0 });
    let standardised = (&transformed - &mean) / &scale;
    let targets: Array1<&str> = examples
        .iter()
        .map(|(_, label)| if *label { "reliable" } else { "unreliable" })
        .collect();
    let dataset = Dataset::new(standardised, targets);
    let fitted = LogisticRegression::default()
        .alpha(options.alpha)
        .max_iterations(1000)
        .fit(&dataset)
        .map_err(|e| Error::Training(e.to_string()))?;
    // linfa-logistic 0.8.1 picks the positive class itself (the more frequent label): read it
    // rather than assume it, and turn the model so that it always predicts "reliable".
    let sign = if fitted.labels().pos.class == "reliable" {
        1.0
    } else {
        -1.0
    };
    Ok(Model {
        format_version: FORMAT_VERSION,
        schema_hash: schema_hash(specs.iter().copied()),
        features: specs.iter().map(|s| s.id.to_owned()).collect(),
        mean: mean.to_vec(),
        scale: scale.to_vec(),
        weights: fitted.params().iter().map(|w| sign * w).collect(),
        intercept: sign * fitted.intercept(),
        verdicts: default_verdicts(),
        training: TrainingInfo {
            data: options.data.clone(),
            reliable,
            unreliable,
            alpha: options.alpha,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signals::registry;

    fn specs() -> Vec<&'static SignalSpec> {
        registry().iter().map(|s| s.spec()).collect()
    }

    /// Feature vectors where feature 0 marks unreliable documents.
    fn toy_examples(n: usize, reliable_majority: bool) -> Vec<(Vec<f64>, bool)> {
        let width = specs().len();
        (0..n)
            .map(|i| {
                let reliable = if reliable_majority {
                    i % 3 != 0
                } else {
                    i % 3 == 0
                };
                let mut values = vec![0.0; width];
                values[0] = if reliable { 0.0 } else { 5.0 + (i % 4) as f64 };
                values[1] = (i % 5) as f64; // noise
                (values, reliable)
            })
            .collect()
    }

    #[test]
    fn training_predicts_reliable_whichever_class_is_more_frequent() {
        let options = TrainOptions {
            alpha: 0.1,
            data: vec![],
        };
        for majority in [true, false] {
            let examples = toy_examples(60, majority);
            let model = train(&specs(), &examples, &options).unwrap();
            assert!(model.weights[0] < 0.0, "feature 0 marks unreliable text");
            let clean = model.reliability(&examples.iter().find(|e| e.1).unwrap().0);
            let spammy = model.reliability(&examples.iter().find(|e| !e.1).unwrap().0);
            assert!(clean > 0.5 && spammy < 0.5, "{clean} vs {spammy}");
        }
    }

    #[test]
    fn contributions_sum_to_the_logit() {
        let options = TrainOptions {
            alpha: 0.1,
            data: vec![],
        };
        let model = train(&specs(), &toy_examples(30, true), &options).unwrap();
        let values: Vec<f64> = (0..model.features.len()).map(|i| i as f64 * 0.7).collect();
        let (logit, contributions) = model.contributions(&values);
        let sum: f64 = model.intercept + contributions.iter().sum::<f64>();
        assert!((logit - sum).abs() < 1e-12);
        assert!((model.reliability(&values) - sigmoid(sum)).abs() < 1e-12);
    }

    #[test]
    fn refuses_a_model_for_other_signals() {
        let options = TrainOptions {
            alpha: 0.1,
            data: vec![],
        };
        let model = train(&specs(), &toy_examples(30, true), &options).unwrap();
        let mut json: serde_json::Value = serde_json::from_str(&model.to_json()).unwrap();
        json["features"][0] = "SPUN999".into();
        let err = Model::from_json(&json.to_string(), "old.json", &specs()).unwrap_err();
        assert!(err.to_string().contains("do not match"), "{err}");

        let mut json: serde_json::Value = serde_json::from_str(&model.to_json()).unwrap();
        json["schema_hash"] = "0000000000000000".into();
        let err = Model::from_json(&json.to_string(), "old.json", &specs()).unwrap_err();
        assert!(err.to_string().contains("schema hash"), "{err}");

        let reread = Model::from_json(&model.to_json(), "same.json", &specs()).unwrap();
        assert_eq!(reread, model);
    }

    #[test]
    fn training_needs_both_labels() {
        let mut examples = toy_examples(10, true);
        examples.retain(|e| e.1);
        let options = TrainOptions {
            alpha: 0.1,
            data: vec![],
        };
        assert!(train(&specs(), &examples, &options).is_err());
    }

    #[test]
    fn verdicts_follow_the_cuts() {
        let mut model = train(
            &specs(),
            &toy_examples(30, true),
            &TrainOptions {
                alpha: 0.1,
                data: vec![],
            },
        )
        .unwrap();
        model.verdicts = default_verdicts();
        assert_eq!(model.verdict(0.9), "reliable");
        assert_eq!(model.verdict(0.6), "mixed");
        assert_eq!(model.verdict(0.3), "low quality");
        assert_eq!(model.verdict(0.01), "likely spam");
    }
}
