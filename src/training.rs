//! Training: the one procedure that turns labelled feature vectors into a shipped model, and the
//! grouped cross-validation that judges it.
//!
//! The procedure, in order:
//! 1. **Folds by group.** Documents are split into folds by group (the outlet), so that no outlet
//!    is in both the training and the test part of a fold: a model must not learn outlets.
//! 2. **Class balance by oversampling.** linfa-logistic has no sample weights, so before each fit
//!    the minority class is resampled with replacement (seeded) up to the size of the majority.
//! 3. **Sign constraints.** A signal that is evidence of low quality must not end up as evidence
//!    of reliability, nor the reverse. After each fit, the feature whose weight is furthest on the
//!    wrong side is dropped and the model refitted, until every weight agrees with its signal's
//!    polarity.
//! 4. **Regularisation by cross-validation.** The L2 strength with the best pooled out-of-fold
//!    ROC-AUC is chosen from a grid.
//! 5. **Calibration.** Balancing shifts probabilities, so a Platt scaling (a logistic regression
//!    on the out-of-fold logits, unbalanced) is fitted and folded into the weights: the
//!    calibrated logit is still `intercept + Σ contributions`, exactly.
//! 6. **Threshold and verdicts.** The decision threshold maximises balanced accuracy on the
//!    out-of-fold probabilities; verdict words are cut around it.

use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};
use rand::seq::IndexedRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::metrics::roc_auc;
use crate::model::{schema_hash, sigmoid, transform, verdicts_around, Model, FORMAT_VERSION};
use crate::signals::{Family, Polarity, SignalSpec};

/// One labelled document, as features.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Feature values in registry order.
    pub features: Vec<f64>,
    /// True for reliable.
    pub reliable: bool,
    /// The group (outlet) it belongs to.
    pub group: String,
}

/// Settings of the training procedure.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    /// L2 strengths to choose from.
    pub alphas: Vec<f64>,
    /// Number of cross-validation folds.
    pub folds: usize,
    /// Seed of the fold assignment and of the oversampling.
    pub seed: u64,
    /// Use only the signals of these families (all when empty): for ablations.
    pub families: Vec<Family>,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            alphas: vec![1.0, 10.0, 100.0, 1000.0, 10000.0, 100000.0],
            folds: 5,
            seed: 20_261_121,
            families: Vec::new(),
        }
    }
}

impl TrainConfig {
    fn validate(&self, examples: &[Example]) -> Result<(), Error> {
        if self.folds < 2 {
            return Err(Error::Training(format!(
                "at least 2 folds are needed, not {}",
                self.folds
            )));
        }
        if self.alphas.is_empty() || self.alphas.iter().any(|a| !a.is_finite() || *a < 0.0) {
            return Err(Error::Training(
                "alphas must be finite numbers >= 0".to_owned(),
            ));
        }
        let reliable = examples.iter().filter(|e| e.reliable).count();
        if reliable == 0 || reliable == examples.len() {
            return Err(Error::Training(format!(
                "both labels are needed; found {reliable} reliable and {} unreliable examples",
                examples.len() - reliable
            )));
        }
        let mut groups: Vec<&str> = examples.iter().map(|e| e.group.as_str()).collect();
        groups.sort_unstable();
        groups.dedup();
        if groups.len() < self.folds {
            return Err(Error::Training(format!(
                "{} folds need at least as many groups; found {}",
                self.folds,
                groups.len()
            )));
        }
        Ok(())
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
    /// Examples labelled reliable.
    pub reliable: usize,
    /// Examples labelled unreliable.
    pub unreliable: usize,
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
    /// The decision threshold: below it a document is called unreliable.
    pub threshold: f64,
}

/// A fitted but uncalibrated model: standardisation and weights over all features (zero where
/// dropped).
#[derive(Debug, Clone)]
struct Weights {
    mean: Vec<f64>,
    scale: Vec<f64>,
    weights: Vec<f64>,
    intercept: f64,
    dropped: Vec<Dropped>,
}

impl Weights {
    fn logit(&self, values: &[f64]) -> f64 {
        self.intercept
            + values
                .iter()
                .enumerate()
                .map(|(i, &v)| self.weights[i] * (transform(v) - self.mean[i]) / self.scale[i])
                .sum::<f64>()
    }
}

/// Trains the shipped kind of model: see the module documentation for the procedure.
pub fn train(
    specs: &[&SignalSpec],
    examples: &[Example],
    config: &TrainConfig,
    data: Vec<String>,
) -> Result<Model, Error> {
    config.validate(examples)?;
    let folds = group_folds(examples, config.folds, config.seed);
    let mut alpha_grid = Vec::new();
    let mut best: Option<(f64, f64, Vec<f64>)> = None;
    for &alpha in &config.alphas {
        let logits = out_of_fold_logits(specs, examples, &folds, alpha, config)?;
        let scored: Vec<(f64, bool)> = logits
            .iter()
            .zip(examples)
            .map(|(&l, e)| (l, e.reliable))
            .collect();
        let auc = roc_auc(&scored).unwrap_or(0.5);
        alpha_grid.push((alpha, auc));
        if best.as_ref().is_none_or(|(_, b, _)| auc > *b) {
            best = Some((alpha, auc, logits));
        }
    }
    let (alpha, _, logits) = best.ok_or_else(|| Error::Training("no alpha to try".to_owned()))?;
    let all: Vec<usize> = (0..examples.len()).collect();
    let fit = fit_constrained(specs, examples, &all, alpha, config, config.seed)?;
    let labels: Vec<bool> = examples.iter().map(|e| e.reliable).collect();
    let (slope, offset) = platt(&logits, &labels)?;
    let probabilities: Vec<f64> = logits
        .iter()
        .map(|&l| sigmoid(slope * l + offset))
        .collect();
    let threshold = balanced_threshold(&probabilities, &labels);
    let reliable = labels.iter().filter(|&&l| l).count();
    let mut groups: Vec<&str> = examples.iter().map(|e| e.group.as_str()).collect();
    groups.sort_unstable();
    groups.dedup();
    Ok(Model {
        format_version: FORMAT_VERSION,
        schema_hash: schema_hash(specs.iter().copied()),
        features: specs.iter().map(|s| s.id.to_owned()).collect(),
        mean: fit.mean,
        scale: fit.scale,
        weights: fit.weights.iter().map(|w| slope * w).collect(),
        intercept: slope * fit.intercept + offset,
        verdicts: verdicts_around(threshold),
        training: Provenance {
            data,
            reliable,
            unreliable: examples.len() - reliable,
            groups: groups.len(),
            balancing: "random oversampling of the minority class to the size of the majority \
                        (with replacement, seeded), before every fit"
                .to_owned(),
            folds: config.folds,
            seed: config.seed,
            alpha,
            alpha_grid,
            dropped: fit.dropped,
            platt: (slope, offset),
            threshold,
        },
    })
}

/// A cross-validated prediction: the reliability, and the threshold of the model that made it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction {
    /// Probability of reliable.
    pub reliability: f64,
    /// The decision threshold of the fold's model.
    pub threshold: f64,
}

/// Grouped cross-validation of the whole procedure: for each fold, [`train`] runs on the other
/// folds (choosing its own L2 strength, sign constraints, calibration and threshold) and
/// predicts the held-out groups. Returns a prediction for each example, in input order.
pub fn cross_validate(
    specs: &[&SignalSpec],
    examples: &[Example],
    config: &TrainConfig,
) -> Result<Vec<Prediction>, Error> {
    config.validate(examples)?;
    let folds = group_folds(examples, config.folds, config.seed);
    let mut predictions = vec![
        Prediction {
            reliability: 0.0,
            threshold: 0.5
        };
        examples.len()
    ];
    for fold in 0..config.folds {
        let train_part: Vec<Example> = examples
            .iter()
            .zip(&folds)
            .filter(|(_, &f)| f != fold)
            .map(|(e, _)| e.clone())
            .collect();
        let model = train(specs, &train_part, config, Vec::new())?;
        for (i, example) in examples.iter().enumerate() {
            if folds[i] == fold {
                predictions[i] = Prediction {
                    reliability: model.reliability(&example.features),
                    threshold: model.threshold(),
                };
            }
        }
    }
    Ok(predictions)
}

/// Assigns each example a fold so that every group is in one fold only: groups are shuffled
/// (seeded), sorted by size (largest first), and each goes to the fold with fewest examples.
pub fn group_folds(examples: &[Example], folds: usize, seed: u64) -> Vec<usize> {
    use std::collections::BTreeMap;
    let mut sizes: BTreeMap<&str, usize> = BTreeMap::new();
    for e in examples {
        *sizes.entry(e.group.as_str()).or_default() += 1;
    }
    let mut groups: Vec<(&str, usize)> = sizes.into_iter().collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rand::seq::SliceRandom::shuffle(groups.as_mut_slice(), &mut rng);
    groups.sort_by_key(|g| std::cmp::Reverse(g.1));
    let mut load = vec![0usize; folds];
    let mut fold_of: BTreeMap<&str, usize> = BTreeMap::new();
    for (group, size) in groups {
        let fold = (0..folds).min_by_key(|&f| (load[f], f)).unwrap_or(0);
        load[fold] += size;
        fold_of.insert(group, fold);
    }
    examples.iter().map(|e| fold_of[e.group.as_str()]).collect()
}

/// Out-of-fold logits of the constrained fit at one L2 strength.
fn out_of_fold_logits(
    specs: &[&SignalSpec],
    examples: &[Example],
    folds: &[usize],
    alpha: f64,
    config: &TrainConfig,
) -> Result<Vec<f64>, Error> {
    let k = folds.iter().max().map_or(0, |m| m + 1);
    let mut logits = vec![0.0; examples.len()];
    for fold in 0..k {
        let rows: Vec<usize> = (0..examples.len()).filter(|&i| folds[i] != fold).collect();
        let fit = fit_constrained(
            specs,
            examples,
            &rows,
            alpha,
            config,
            config.seed ^ fold as u64,
        )?;
        for i in (0..examples.len()).filter(|&i| folds[i] == fold) {
            logits[i] = fit.logit(&examples[i].features);
        }
    }
    Ok(logits)
}

/// Fits on `rows` with oversampling and sign constraints.
fn fit_constrained(
    specs: &[&SignalSpec],
    examples: &[Example],
    rows: &[usize],
    alpha: f64,
    config: &TrainConfig,
    seed: u64,
) -> Result<Weights, Error> {
    let n = specs.len();
    let transformed = Array2::from_shape_fn((rows.len(), n), |(r, c)| {
        transform(examples[rows[r]].features[c])
    });
    let mean = transformed
        .mean_axis(ndarray::Axis(0))
        .unwrap_or_else(|| Array1::zeros(n));
    let scale = transformed
        .std_axis(ndarray::Axis(0), 0.0)
        .mapv(|s| if s > 1e-12 { s } else { 1.0 });
    let standardised = (&transformed - &mean) / &scale;
    let labels: Vec<bool> = rows.iter().map(|&i| examples[i].reliable).collect();
    if labels.iter().all(|&l| l) || labels.iter().all(|&l| !l) {
        return Err(Error::Training(
            "a training fold holds documents of one label only (its groups are all reliable or \
             all unreliable); use fewer folds"
                .to_owned(),
        ));
    }
    let sample = oversample(&labels, seed);
    // A feature that never varies carries no information: leave it out from the start, and so
    // the features of families not asked for.
    let mut active: Vec<usize> = (0..n)
        .filter(|&c| transformed.column(c).iter().any(|&v| v != mean[c]))
        .filter(|&c| config.families.is_empty() || config.families.contains(&specs[c].family))
        .collect();
    let mut dropped = Vec::new();
    loop {
        let x = Array2::from_shape_fn((sample.len(), active.len()), |(r, c)| {
            standardised[[sample[r], active[c]]]
        });
        let y: Array1<bool> = sample.iter().map(|&r| labels[r]).collect();
        let (weights, intercept) = fit_logistic(x, y, alpha)?;
        let wrong = active
            .iter()
            .zip(weights.iter())
            .filter_map(|(&feature, &w)| {
                let violation = match specs[feature].polarity {
                    Polarity::Concern => w,
                    Polarity::Support => -w,
                };
                (violation > 0.0).then_some((feature, w, violation))
            })
            .max_by(|a, b| a.2.total_cmp(&b.2));
        match wrong {
            Some((feature, weight, _)) => {
                dropped.push(Dropped {
                    feature: specs[feature].id.to_owned(),
                    weight,
                });
                active.retain(|&f| f != feature);
            }
            None => {
                let mut all = vec![0.0; n];
                for (&feature, &w) in active.iter().zip(weights.iter()) {
                    all[feature] = w;
                }
                return Ok(Weights {
                    mean: mean.to_vec(),
                    scale: scale.to_vec(),
                    weights: all,
                    intercept,
                    dropped,
                });
            }
        }
    }
}

/// Row indices with the minority class resampled (with replacement) up to the majority's size.
fn oversample(labels: &[bool], seed: u64) -> Vec<usize> {
    let positives: Vec<usize> = (0..labels.len()).filter(|&i| labels[i]).collect();
    let negatives: Vec<usize> = (0..labels.len()).filter(|&i| !labels[i]).collect();
    let (minority, majority) = if positives.len() < negatives.len() {
        (&positives, &negatives)
    } else {
        (&negatives, &positives)
    };
    let mut rows: Vec<usize> = (0..labels.len()).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for _ in minority.len()..majority.len() {
        if let Some(&row) = minority.choose(&mut rng) {
            rows.push(row);
        }
    }
    rows
}

/// Logistic regression with linfa-logistic; returns weights and intercept of the logit of
/// "reliable" (`true`).
fn fit_logistic(x: Array2<f64>, y: Array1<bool>, alpha: f64) -> Result<(Vec<f64>, f64), Error> {
    if x.ncols() == 0 {
        // Nothing to learn from: the intercept alone, the log-odds of the (balanced) labels.
        let reliable = y.iter().filter(|&&l| l).count() as f64;
        let odds = (reliable + 0.5) / (y.len() as f64 - reliable + 0.5);
        return Ok((Vec::new(), odds.ln()));
    }
    let y: Array1<&'static str> = y.mapv(|l| if l { "reliable" } else { "unreliable" });
    let dataset = Dataset::new(x, y);
    let fitted = LogisticRegression::default()
        .alpha(alpha)
        .max_iterations(1000)
        .fit(&dataset)
        .map_err(|e| Error::Training(e.to_string()))?;
    // linfa-logistic 0.8.1 picks the positive class itself (the more frequent label): read it.
    let sign = if fitted.labels().pos.class == "reliable" {
        1.0
    } else {
        -1.0
    };
    Ok((
        fitted.params().iter().map(|w| sign * w).collect(),
        sign * fitted.intercept(),
    ))
}

/// Platt scaling: the slope and offset of a logistic regression of the labels on the logits.
fn platt(logits: &[f64], labels: &[bool]) -> Result<(f64, f64), Error> {
    let x = Array2::from_shape_fn((logits.len(), 1), |(r, _)| logits[r]);
    let y: Array1<bool> = labels.iter().copied().collect();
    let (weights, offset) = fit_logistic(x, y, 0.0)?;
    let slope = weights.first().copied().unwrap_or(1.0);
    if slope > 0.0 {
        Ok((slope, offset))
    } else {
        // The logits do not rank at all; keep them as they are rather than flip them.
        Ok((1.0, 0.0))
    }
}

/// The probability threshold with the best balanced accuracy.
fn balanced_threshold(probabilities: &[f64], labels: &[bool]) -> f64 {
    let mut candidates: Vec<f64> = probabilities.to_vec();
    candidates.sort_by(f64::total_cmp);
    candidates.dedup();
    let positives = labels.iter().filter(|&&l| l).count().max(1) as f64;
    let negatives = labels.iter().filter(|&&l| !l).count().max(1) as f64;
    let balanced = |t: f64| {
        let (mut tp, mut tn) = (0.0, 0.0);
        for (&p, &l) in probabilities.iter().zip(labels) {
            match (p >= t, l) {
                (true, true) => tp += 1.0,
                (false, false) => tn += 1.0,
                _ => {}
            }
        }
        (tp / positives + tn / negatives) / 2.0
    };
    candidates
        .into_iter()
        .map(|t| (t, balanced(t)))
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.total_cmp(&a.0)))
        .map_or(0.5, |(t, _)| (t * 1000.0).round() / 1000.0)
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

    /// Five outlets; HYPE001 marks unreliable documents, QUAL005 reliable ones, and SELL001 is
    /// planted on the wrong side (it rises with reliability) to exercise the sign constraints.
    fn toy(n: usize) -> Vec<Example> {
        let width = specs().len();
        (0..n)
            .map(|i| {
                let reliable = i % 3 != 0;
                let mut features = vec![0.0; width];
                features[index("HYPE001")] = if reliable {
                    (i % 2) as f64
                } else {
                    6.0 + (i % 5) as f64
                };
                features[index("QUAL005")] = if reliable {
                    4.0 + (i % 3) as f64
                } else {
                    (i % 2) as f64
                };
                features[index("SELL001")] = if reliable { 3.0 } else { 0.0 };
                features[index("SPUN001")] = (i % 7) as f64; // noise
                Example {
                    features,
                    reliable,
                    group: format!("outlet-{}", i % 5),
                }
            })
            .collect()
    }

    #[test]
    fn folds_never_split_a_group() {
        let examples = toy(60);
        let folds = group_folds(&examples, 3, 1);
        for group in 0..5 {
            let name = format!("outlet-{group}");
            let mut seen: Vec<usize> = examples
                .iter()
                .zip(&folds)
                .filter(|(e, _)| e.group == name)
                .map(|(_, &f)| f)
                .collect();
            seen.dedup();
            assert_eq!(seen.len(), 1, "{name} is in folds {seen:?}");
        }
        assert_eq!(
            folds,
            group_folds(&examples, 3, 1),
            "deterministic for a seed"
        );
    }

    #[test]
    fn oversampling_balances_the_classes() {
        let labels = [true, true, true, true, false];
        let rows = oversample(&labels, 3);
        let reliable = rows.iter().filter(|&&r| labels[r]).count();
        assert_eq!(reliable, rows.len() - reliable);
        assert_eq!(rows.len(), 8);
    }

    #[test]
    fn training_respects_signs_and_ranks_the_right_way() {
        let examples = toy(90);
        let config = TrainConfig {
            folds: 3,
            ..TrainConfig::default()
        };
        let model = train(&specs(), &examples, &config, vec![]).unwrap();
        assert!(model.weights[index("HYPE001")] < 0.0);
        assert!(model.weights[index("QUAL005")] > 0.0);
        assert_eq!(
            model.weights[index("SELL001")],
            0.0,
            "a concern signal can't raise reliability"
        );
        assert!(model
            .training
            .dropped
            .iter()
            .any(|d| d.feature == "SELL001"));
        for (spec, w) in specs().iter().zip(&model.weights) {
            match spec.polarity {
                Polarity::Concern => assert!(*w <= 0.0, "{}", spec.id),
                Polarity::Support => assert!(*w >= 0.0, "{}", spec.id),
            }
        }
        let reliable = examples.iter().find(|e| e.reliable).unwrap();
        let unreliable = examples.iter().find(|e| !e.reliable).unwrap();
        assert!(model.reliability(&reliable.features) > model.reliability(&unreliable.features));
        let (logit, contributions) = model.contributions(&unreliable.features);
        assert!((model.intercept + contributions.iter().sum::<f64>() - logit).abs() < 1e-9);
        let again = train(&specs(), &examples, &config, vec![]).unwrap();
        assert_eq!(model.to_json(), again.to_json(), "deterministic");
    }

    #[test]
    fn cross_validation_predicts_every_example_out_of_group() {
        let examples = toy(90);
        let config = TrainConfig {
            folds: 3,
            ..TrainConfig::default()
        };
        let predictions = cross_validate(&specs(), &examples, &config).unwrap();
        assert_eq!(predictions.len(), examples.len());
        let scored: Vec<(f64, bool)> = predictions
            .iter()
            .zip(&examples)
            .map(|(p, e)| (p.reliability, e.reliable))
            .collect();
        assert!(roc_auc(&scored).unwrap() > 0.9);
    }

    #[test]
    fn bad_configurations_are_refused() {
        let examples = toy(30);
        let specs = specs();
        let too_many_folds = TrainConfig {
            folds: 7,
            ..TrainConfig::default()
        };
        assert!(train(&specs, &examples, &too_many_folds, vec![]).is_err());
        let one_label: Vec<Example> = examples.iter().filter(|e| e.reliable).cloned().collect();
        assert!(train(&specs, &one_label, &TrainConfig::default(), vec![]).is_err());
    }

    #[test]
    fn verdict_cuts_follow_the_threshold() {
        let cuts = verdicts_around(0.6);
        let words: Vec<(f64, &str)> = cuts
            .iter()
            .map(|c| (c.min_reliability, c.verdict.as_str()))
            .collect();
        assert_eq!(
            words,
            [
                (0.8, "reliable"),
                (0.6, "mixed"),
                (0.3, "low quality"),
                (0.0, "likely spam")
            ]
        );
    }
}
