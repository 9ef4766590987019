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
//! 4. **Regularisation chosen for unseen sources.** The L2 strength is 10,000, chosen by
//!    leave-one-source-out evaluation (`chaff eval --leave-one-source-out`; the model card has
//!    the sweep). Grouped cross-validation within the sources picked 1 for the spam head, the
//!    strength that fits the training sources best and carries worst to a source it never saw.
//!    Given several strengths ([`TrainConfig::alphas`]), the one with the best pooled
//!    out-of-fold ROC-AUC is chosen.
//! 5. **Calibration.** Balancing shifts probabilities, so a Platt scaling (a logistic regression
//!    on the out-of-fold logits, unbalanced) is fitted and folded into the weights: the
//!    calibrated logit is still `intercept + Σ contributions`, exactly.
//! 6. **Threshold and verdicts.** The decision threshold maximises balanced accuracy on the
//!    out-of-fold probabilities; verdict words are cut around it.

pub mod data;
mod evaluation;

pub use evaluation::{Evaluation, HeadFigures, SourceFigures};

use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};
use rand::seq::IndexedRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::Error;
pub use crate::error::TrainingProblem;
use crate::metrics::roc_auc;
use crate::model::{
    reliability_of, schema_hash, sigmoid, transform, verdicts_around, Dropped, Head, HeadKind,
    Model, Provenance, FORMAT_VERSION,
};
use crate::signals::{Family, Polarity, SignalSpec};

/// What a labelled document teaches the model. Each data file maps its own label words onto
/// these (see `data::Source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    /// Reliable: not spam, and of good quality.
    Reliable,
    /// Not spam, but of poor quality (poor journalism, misinformation written by people).
    Unreliable,
    /// SEO spam or mass-produced junk: sales copy, generated filler, spun text.
    Spam,
}

impl Label {
    /// The word used in manifests and evaluations.
    pub fn name(self) -> &'static str {
        match self {
            Label::Reliable => "reliable",
            Label::Unreliable => "unreliable",
            Label::Spam => "spam",
        }
    }
}

/// One labelled document, as features.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    /// The record's id (a spun copy's is its original's).
    pub id: String,
    /// Feature values in registry order.
    pub features: Vec<f64>,
    /// What it teaches.
    pub label: Label,
    /// The group it belongs to (outlet, seed article, DOI pair): folds never split one.
    pub group: String,
    /// The source it came from (its data file; "-spun" added for a spinning simulation).
    pub source: String,
    /// The data file its text came from: a source and its spun copies share one, and are held
    /// out of training together (the spun copies carry the source's register).
    pub file: String,
    /// Whether it teaches the quality head (see `data::Source::teaches_quality`).
    pub teaches_quality: bool,
    /// Whether it is a news report (see `data::Source::news`): what the news head learns.
    pub news: bool,
}

/// One document as one head sees it: features and the head's binary label.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Feature values in registry order.
    pub features: Vec<f64>,
    /// True for the head's negative side in "reliable" orientation: reliable for the quality
    /// head, not spam for the spam head.
    pub reliable: bool,
    /// The group it belongs to.
    pub group: String,
}

impl HeadKind {
    /// The documents this head learns from, as it sees them: the quality head from documents
    /// labelled reliable or unreliable (spam is the other head's business), the spam head from
    /// every document (spam against the rest).
    pub fn examples(self, labelled: &[Labelled]) -> Vec<Example> {
        labelled
            .iter()
            .filter_map(|l| {
                let reliable = match (self, l.label) {
                    // The news head learns register from every document, spam or not.
                    (HeadKind::News, _) => !l.news,
                    (HeadKind::Quality, Label::Spam) => return None,
                    (HeadKind::Quality, _) if !l.teaches_quality => return None,
                    (HeadKind::Quality, label) => label == Label::Reliable,
                    (HeadKind::Spam, label) => label != Label::Spam,
                };
                Some(Example {
                    features: l.features.clone(),
                    reliable,
                    group: l.group.clone(),
                })
            })
            .collect()
    }
}

/// Settings of the training procedure.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    /// L2 strengths to choose from by grouped cross-validation (one: no choice).
    pub alphas: Vec<f64>,
    /// Number of cross-validation folds.
    pub folds: usize,
    /// Seed of the fold assignment and of the oversampling.
    pub seed: u64,
    /// Use only the signals of these families (all when empty): for ablations.
    pub families: Vec<Family>,
    /// Whether weights are held to their signals' sides (the judging heads), or free (the news
    /// head, which tells register, not merit: quantities are as much the mark of a reference
    /// page as of a good story).
    pub sign_constraints: bool,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            // Leave-one-source-out, every head at one strength (ROC-AUC of reliability over
            // held-out sources; the spam head's ROC-AUC and calibration error): 1 as chosen by
            // grouped cross-validation before, 0.786, 0.803, 0.074; 100, 0.793, 0.812, 0.065;
            // 10,000, 0.825, 0.842, 0.054; 100,000, 0.826, 0.846, 0.062; 1,000,000, 0.825,
            // 0.847, 0.065. 10,000 also judged the fewest held-out reliable documents spam in
            // all (124 of 8,826; 177 at 1, 143 at 100, 142 at 100,000, 144 at 1,000,000),
            // though not of every source (FakeHealth's: 8 at 100, 18 at 10,000).
            alphas: vec![10_000.0],
            folds: 5,
            seed: 20_261_121,
            families: Vec::new(),
            sign_constraints: true,
        }
    }
}

impl TrainConfig {
    fn validate(&self, examples: &[Example]) -> Result<(), Error> {
        if self.folds < 2 {
            return Err(TrainingProblem::TooFewFolds(self.folds).into());
        }
        if self.alphas.is_empty() || self.alphas.iter().any(|a| !a.is_finite() || *a < 0.0) {
            return Err(TrainingProblem::BadAlphas.into());
        }
        let reliable = examples.iter().filter(|e| e.reliable).count();
        if reliable == 0 || reliable == examples.len() {
            return Err(TrainingProblem::OneLabel {
                reliable,
                unreliable: examples.len() - reliable,
            }
            .into());
        }
        let mut groups: Vec<&str> = examples.iter().map(|e| e.group.as_str()).collect();
        groups.sort_unstable();
        groups.dedup();
        if groups.len() < self.folds {
            return Err(TrainingProblem::TooFewGroups {
                folds: self.folds,
                groups: groups.len(),
            }
            .into());
        }
        Ok(())
    }
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

/// Trains the shipped kind of model, both heads on the same labelled documents: see the module
/// documentation for the procedure.
pub fn train(
    specs: &[&SignalSpec],
    labelled: &[Labelled],
    config: &TrainConfig,
    data: Vec<String>,
) -> Result<Model, Error> {
    let spam = train_head(specs, labelled, config, data.clone(), HeadKind::Spam)?;
    let quality = train_head(specs, labelled, config, data.clone(), HeadKind::Quality)?;
    let news = match labelled.iter().filter(|l| l.news).count() {
        0 => one_register(specs.len(), false, labelled.len(), data),
        n if n == labelled.len() => one_register(specs.len(), true, n, data),
        _ => train_head(specs, labelled, config, data, HeadKind::News)?,
    };
    Ok(Model {
        format_version: FORMAT_VERSION,
        schema_hash: schema_hash(specs.iter().copied()),
        features: specs.iter().map(|s| s.id.to_owned()).collect(),
        verdicts: verdicts_around(quality.threshold()),
        spam,
        quality,
        news,
        preview: Vec::new(),
    })
}

/// The logit of a news head trained on one register only: every page is news (its
/// probability rounds to 1, so reliability is `(1 - spam) × quality`), or none is.
const ONE_REGISTER_LOGIT: f64 = 40.0;

/// The news head of data of one register (`news` or not): it cannot learn to tell registers
/// apart, so it says the same of every page.
fn one_register(n: usize, news: bool, documents: usize, data: Vec<String>) -> Head {
    Head {
        mean: vec![0.0; n],
        scale: vec![1.0; n],
        weights: vec![0.0; n],
        intercept: if news {
            ONE_REGISTER_LOGIT
        } else {
            -ONE_REGISTER_LOGIT
        },
        threshold: 0.5,
        training: Provenance {
            data,
            positive: if news { documents } else { 0 },
            negative: if news { 0 } else { documents },
            balancing: "none: the data has one register".to_owned(),
            ..Provenance::default()
        },
    }
}

impl TrainConfig {
    /// The configuration of one head: the families asked for, of those the head reads.
    fn for_head(&self, kind: HeadKind) -> TrainConfig {
        let families: Vec<Family> = Family::ALL
            .into_iter()
            .filter(|&f| f.heads().contains(&kind))
            .filter(|f| self.families.is_empty() || self.families.contains(f))
            .collect();
        TrainConfig {
            families,
            sign_constraints: self.sign_constraints && kind != HeadKind::News,
            ..self.clone()
        }
    }
}

/// The L2 strength of `config.alphas` with the best pooled out-of-fold ROC-AUC over `folds`,
/// every strength's AUC, and the chosen one's out-of-fold logits (for calibration).
fn choose_alpha(
    specs: &[&SignalSpec],
    examples: &[Example],
    folds: &[usize],
    config: &TrainConfig,
) -> Result<AlphaChoice, Error> {
    let mut alpha_grid = Vec::new();
    let mut best: Option<(f64, f64, Vec<f64>)> = None;
    for &alpha in &config.alphas {
        let logits = out_of_fold_logits(specs, examples, folds, alpha, config)?;
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
    let (alpha, _, logits) = best.ok_or(Error::Training(TrainingProblem::BadAlphas))?;
    Ok(AlphaChoice {
        alpha,
        alpha_grid,
        logits,
    })
}

/// What [`choose_alpha`] found.
struct AlphaChoice {
    /// The chosen L2 strength.
    alpha: f64,
    /// Each strength tried, with its pooled out-of-fold ROC-AUC.
    alpha_grid: Vec<(f64, f64)>,
    /// The chosen strength's out-of-fold logits.
    logits: Vec<f64>,
}

/// The share of documents not spam that the spam threshold may call spam, out of fold.
pub const SPAM_FALSE_POSITIVES: f64 = 0.01;

/// Trains one head on the signals of its families.
pub fn train_head(
    specs: &[&SignalSpec],
    labelled: &[Labelled],
    config: &TrainConfig,
    data: Vec<String>,
    kind: HeadKind,
) -> Result<Head, Error> {
    let examples = &kind.examples(labelled);
    let config = &config.for_head(kind);
    let spam = examples.iter().filter(|e| !e.reliable).count();
    if kind == HeadKind::Spam && (spam == 0 || spam == examples.len()) {
        return Err(TrainingProblem::NoSpam {
            spam,
            total: examples.len(),
        }
        .into());
    }
    config.validate(examples).map_err(|e| match e {
        Error::Training(problem) => Error::Training(TrainingProblem::Head {
            head: kind,
            problem: Box::new(problem),
        }),
        other => other,
    })?;
    let folds = group_folds(examples, config.folds, config.seed);
    let choice = choose_alpha(specs, examples, &folds, config)?;
    let all: Vec<usize> = (0..examples.len()).collect();
    let fit = fit_constrained(specs, examples, &all, choice.alpha, config, config.seed)?;
    let labels: Vec<bool> = examples.iter().map(|e| e.reliable).collect();
    let (slope, offset) = platt(&choice.logits, &labels)?;
    let probabilities: Vec<f64> = choice
        .logits
        .iter()
        .map(|&l| sigmoid(slope * l + offset))
        .collect();
    // The quality threshold balances the two kinds of error; the spam threshold is set so
    // that few pages that are not spam are called spam (a curator drops what is called spam).
    let threshold = match kind {
        HeadKind::Quality => balanced_threshold(&probabilities, &labels),
        HeadKind::Spam => spam_threshold(&probabilities, &labels),
        // Nothing is decided on the news head alone.
        HeadKind::News => 0.5,
    };
    let reliable = labels.iter().filter(|&&l| l).count();
    let mut groups: Vec<&str> = examples.iter().map(|e| e.group.as_str()).collect();
    groups.sort_unstable();
    groups.dedup();
    // The spam head is fitted in "not spam" orientation (so that the sign constraints read the
    // same for both heads) and turned around here: its logit is that of spam; so is the news
    // head's (fitted as "not news").
    let sign = match kind {
        HeadKind::Quality => 1.0,
        HeadKind::Spam | HeadKind::News => -1.0,
    };
    let (positive, negative) = match kind {
        HeadKind::Quality => (reliable, examples.len() - reliable),
        HeadKind::Spam | HeadKind::News => (examples.len() - reliable, reliable),
    };
    Ok(Head {
        mean: fit.mean,
        scale: fit.scale,
        weights: fit.weights.iter().map(|w| sign * slope * w).collect(),
        intercept: sign * (slope * fit.intercept + offset),
        threshold,
        training: Provenance {
            data,
            positive,
            negative,
            groups: groups.len(),
            balancing: "random oversampling of the minority class to the size of the majority \
                        (with replacement, seeded), before every fit"
                .to_owned(),
            folds: config.folds,
            seed: config.seed,
            alpha: choice.alpha,
            alpha_grid: choice.alpha_grid,
            dropped: fit.dropped,
            platt: (slope, offset),
        },
    })
}

/// A cross-validated prediction: the heads' probabilities, and the thresholds of the model
/// that made them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction {
    /// Probability of reliable (see [`crate::model::reliability_of`]).
    pub reliability: f64,
    /// Probability of spam.
    pub spam: f64,
    /// Probability of reliable journalism (the quality head).
    pub quality: f64,
    /// Probability of a news report (the news head).
    pub news: f64,
    /// The reliability below which the fold's model flags a page.
    pub threshold: f64,
    /// The spam probability from which the fold's model calls a page spam.
    pub spam_threshold: f64,
}

impl Prediction {
    /// True when the fold's model judges the page spam.
    pub fn judged_spam(&self) -> bool {
        self.spam >= self.spam_threshold
    }

    /// True when the page is judged spam or its reliability is below `threshold` (the fold's
    /// model's own when `None`), as a report's `flagged`.
    pub fn flagged(&self, threshold: Option<f64>) -> bool {
        self.judged_spam() || self.reliability < threshold.unwrap_or(self.threshold)
    }

    /// "spam" for a page judged spam (a prediction carries no kind), else the word of its
    /// reliability cut around `threshold` (the fold's model's own when `None`).
    pub fn verdict(&self, threshold: Option<f64>) -> &'static str {
        if self.judged_spam() {
            return "spam";
        }
        let cuts = verdicts_around(threshold.unwrap_or(self.threshold));
        // The cut words, as the `'static` words of `verdicts_around`.
        match crate::model::verdict_of(&cuts, self.reliability) {
            "reliable" => "reliable",
            "mixed" => "mixed",
            _ => "low quality",
        }
    }

    /// What `model` predicts for feature values.
    pub fn of(model: &Model, features: &[f64]) -> Self {
        let (spam, quality, news) = (
            model.spam.probability(features),
            model.quality.probability(features),
            model.news.probability(features),
        );
        Prediction {
            reliability: reliability_of(spam, quality, news),
            spam,
            quality,
            news,
            threshold: model.threshold(),
            spam_threshold: model.spam_threshold(),
        }
    }
}

/// Grouped cross-validation of the whole procedure: the groups are dealt into `outer_folds`
/// folds, and for each, [`train`] runs on the others with `config` (choosing its own L2
/// strengths, sign constraints, calibrations and thresholds over its own `config.folds` inner
/// folds) and predicts the held-out groups. Returns a prediction for each example, in input
/// order.
pub fn cross_validate(
    specs: &[&SignalSpec],
    labelled: &[Labelled],
    outer_folds: usize,
    config: &TrainConfig,
) -> Result<Vec<Prediction>, Error> {
    if outer_folds < 2 {
        return Err(TrainingProblem::TooFewOuterFolds(outer_folds).into());
    }
    let folds = group_folds(labelled, outer_folds, config.seed);
    predict_held_out(specs, labelled, config, &folds, false)
}

/// Leave-one-source-out: for each data file, the procedure trains on every other file and
/// predicts this one's documents (with their spun copies, which share its text), so that no
/// figure comes from a register the model learned. Returns a prediction for each example, in
/// input order.
pub fn leave_one_source_out(
    specs: &[&SignalSpec],
    labelled: &[Labelled],
    config: &TrainConfig,
) -> Result<Vec<Prediction>, Error> {
    let mut files: Vec<&str> = labelled.iter().map(|l| l.file.as_str()).collect();
    files.sort_unstable();
    files.dedup();
    let parts: Vec<usize> = labelled
        .iter()
        .map(|l| files.binary_search(&l.file.as_str()).unwrap_or(0))
        .collect();
    predict_held_out(specs, labelled, config, &parts, true)
}

/// Predicts each document with a model trained on the documents of the other parts (`parts[i]`
/// is document `i`'s part, numbered from 0), in input order. With `borrow_quality`, when the
/// other parts hold no source that teaches quality with both labels (the held-out source was
/// FakeHealth), every source's labels teach the quality head for that part.
fn predict_held_out(
    specs: &[&SignalSpec],
    labelled: &[Labelled],
    config: &TrainConfig,
    parts: &[usize],
    borrow_quality: bool,
) -> Result<Vec<Prediction>, Error> {
    let count = parts.iter().max().map_or(0, |m| m + 1);
    let mut predictions = vec![None; labelled.len()];
    for part in 0..count {
        let mut train_part: Vec<Labelled> = labelled
            .iter()
            .zip(parts)
            .filter(|(_, &p)| p != part)
            .map(|(l, _)| l.clone())
            .collect();
        let quality = HeadKind::Quality.examples(&train_part);
        let one_label = quality.iter().all(|e| e.reliable) || quality.iter().all(|e| !e.reliable);
        if borrow_quality && one_label {
            for l in &mut train_part {
                l.teaches_quality = true;
            }
        }
        let model = train(specs, &train_part, config, Vec::new())?;
        for (i, example) in labelled.iter().enumerate() {
            if parts[i] == part {
                predictions[i] = Some(Prediction::of(&model, &example.features));
            }
        }
    }
    Ok(predictions.into_iter().flatten().collect())
}

/// Assigns each example a fold so that every group is in one fold only: groups are shuffled
/// (seeded), sorted by size (largest first), and each goes to the fold with fewest examples.
pub fn group_folds<E: Grouped>(examples: &[E], folds: usize, seed: u64) -> Vec<usize> {
    use std::collections::BTreeMap;
    let mut sizes: BTreeMap<&str, usize> = BTreeMap::new();
    for e in examples {
        *sizes.entry(e.group()).or_default() += 1;
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
    examples.iter().map(|e| fold_of[e.group()]).collect()
}

/// A document that belongs to a group.
pub trait Grouped {
    /// Its group.
    fn group(&self) -> &str;
}

impl Grouped for Example {
    fn group(&self) -> &str {
        &self.group
    }
}

impl Grouped for Labelled {
    fn group(&self) -> &str {
        &self.group
    }
}

/// The lowest threshold at or above one half that calls at most [`SPAM_FALSE_POSITIVES`] of
/// the pages that are not spam (`labels` true) spam.
fn spam_threshold(not_spam: &[f64], labels: &[bool]) -> f64 {
    // `not_spam` holds probabilities of "not spam"; a page is spam when 1 - p >= threshold.
    let mut spam: Vec<f64> = not_spam
        .iter()
        .zip(labels)
        .filter(|(_, &l)| l)
        .map(|(&p, _)| 1.0 - p)
        .collect();
    spam.sort_by(|a, b| b.total_cmp(a));
    let allowed = (spam.len() as f64 * SPAM_FALSE_POSITIVES).floor() as usize;
    // Just above the highest spam probability of a page not spam that must not be called.
    let cut = spam.get(allowed).map_or(0.5, |&p| p + 1e-3);
    ((cut.max(0.5) * 1000.0).round() / 1000.0).min(0.999)
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
        return Err(TrainingProblem::OneLabelFold.into());
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
                (config.sign_constraints && violation > 0.0).then_some((feature, w, violation))
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
        .map_err(|e| Error::Training(TrainingProblem::Fit(e.to_string())))?;
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
    use crate::signals::{index, specs};

    /// Five outlets; HYPE001 marks spam, QUAL005 reliable documents, and SELL001 (a spam-side
    /// signal) and CITE001 (a concern of the quality head) are planted on the wrong side to
    /// exercise the sign constraints. Every third document is unreliable, every fifth spam.
    fn toy(n: usize) -> Vec<Labelled> {
        let width = specs().len();
        (0..n)
            .map(|i| {
                let label = if i % 5 == 0 {
                    Label::Spam
                } else if i % 3 == 0 {
                    Label::Unreliable
                } else {
                    Label::Reliable
                };
                let mut features = vec![0.0; width];
                features[index("HYPE001")] = if label == Label::Spam {
                    6.0 + (i % 5) as f64
                } else {
                    (i % 2) as f64
                };
                features[index("QUAL005")] = if label == Label::Reliable {
                    4.0 + (i % 3) as f64
                } else {
                    (i % 2) as f64
                };
                features[index("SELL001")] = if label == Label::Spam { 0.0 } else { 3.0 };
                features[index("CITE001")] = if label == Label::Reliable { 3.0 } else { 0.0 };
                features[index("SPUN001")] = (i % 7) as f64; // noise
                Labelled {
                    id: i.to_string(),
                    features,
                    label,
                    group: format!("outlet-{}", i % 7),
                    source: "toy".to_owned(),
                    file: "toy".to_owned(),
                    teaches_quality: true,
                    news: true,
                }
            })
            .collect()
    }

    #[test]
    fn folds_never_split_a_group() {
        let examples = toy(60);
        let folds = group_folds(&examples, 3, 1);
        for group in 0..7 {
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
    fn the_news_head_learns_register_and_pages_that_are_not_news_keep_their_reliability() {
        // Every second document is news, marked by quoted statements (QUAL011) alone.
        let mut examples = toy(150);
        for (i, e) in examples.iter_mut().enumerate() {
            e.news = i % 2 == 0;
            e.features[index("QUAL011")] = if e.news { 4.0 + (i % 3) as f64 } else { 0.0 };
        }
        let config = TrainConfig {
            folds: 3,
            ..TrainConfig::default()
        };
        let model = train(&specs(), &examples, &config, vec![]).unwrap();
        assert!(model.news.weights[index("QUAL011")] > 0.0);
        for (i, spec) in specs().iter().enumerate() {
            if spec.family.head() == HeadKind::Spam {
                assert_eq!(model.news.weights[i], 0.0, "{} is not read", spec.id);
            }
        }
        assert_eq!(model.news.training.positive, 75);
        // The same poorly rated text, as news and not: only the news report is marked down.
        let unreliable = examples
            .iter()
            .find(|e| e.label == Label::Unreliable && !e.news)
            .unwrap();
        let mut as_news = unreliable.features.clone();
        as_news[index("QUAL011")] = 5.0;
        assert!(model.news.probability(&as_news) > 0.9);
        assert!(model.news.probability(&unreliable.features) < 0.1);
        assert!(model.reliability(&unreliable.features) > model.reliability(&as_news) + 0.2);
    }

    #[test]
    fn data_of_one_register_is_all_news_and_reliability_is_clean_quality() {
        let examples = toy(150);
        let config = TrainConfig {
            folds: 3,
            ..TrainConfig::default()
        };
        let model = train(&specs(), &examples, &config, vec![]).unwrap();
        for e in &examples {
            assert_eq!(model.news.probability(&e.features), 1.0);
            let clean = (1.0 - model.spam(&e.features)) * model.quality.probability(&e.features);
            assert!((model.reliability(&e.features) - clean).abs() < 1e-12);
        }
        assert_eq!(model.news.training.negative, 0);
    }

    #[test]
    fn training_respects_signs_and_ranks_the_right_way() {
        let examples = toy(150);
        let config = TrainConfig {
            folds: 3,
            ..TrainConfig::default()
        };
        let model = train(&specs(), &examples, &config, vec![]).unwrap();
        assert!(model.spam.weights[index("HYPE001")] > 0.0);
        assert!(model.quality.weights[index("QUAL005")] > 0.0);
        assert_eq!(
            model.spam.weights[index("SELL001")],
            0.0,
            "a spam-side signal can't lower spam"
        );
        assert_eq!(
            model.quality.weights[index("CITE001")],
            0.0,
            "a concern signal can't raise quality"
        );
        for (i, spec) in specs().iter().enumerate() {
            let (spam, quality) = (model.spam.weights[i], model.quality.weights[i]);
            match spec.family.head() {
                HeadKind::Spam => assert!(spam >= 0.0 && quality == 0.0, "{}", spec.id),
                HeadKind::Quality | HeadKind::News => {
                    assert_eq!(spam, 0.0, "{}", spec.id);
                    match spec.polarity {
                        Polarity::Concern => assert!(quality <= 0.0, "{}", spec.id),
                        Polarity::Support => assert!(quality >= 0.0, "{}", spec.id),
                    }
                }
            }
        }
        let of = |label: Label| examples.iter().find(|e| e.label == label).unwrap();
        let (reliable, unreliable, spam) =
            (of(Label::Reliable), of(Label::Unreliable), of(Label::Spam));
        assert!(model.spam(&spam.features) > model.spam(&reliable.features));
        assert!(model.reliability(&reliable.features) > model.reliability(&unreliable.features));
        assert!(model.reliability(&reliable.features) > model.reliability(&spam.features));
        let again = train(&specs(), &examples, &config, vec![]).unwrap();
        assert_eq!(model.to_json(), again.to_json(), "deterministic");
    }

    #[test]
    fn cross_validation_predicts_every_example_out_of_group() {
        let examples = toy(150);
        let config = TrainConfig {
            folds: 3,
            ..TrainConfig::default()
        };
        let predictions = cross_validate(&specs(), &examples, 3, &config).unwrap();
        assert_eq!(predictions.len(), examples.len());
        let scored: Vec<(f64, bool)> = predictions
            .iter()
            .zip(&examples)
            .map(|(p, e)| (p.reliability, e.label == Label::Reliable))
            .collect();
        assert!(roc_auc(&scored).unwrap() > 0.9);
        assert!(cross_validate(&specs(), &examples, 1, &config).is_err());
    }

    /// The outer folds split the data; the inner folds are the procedure's own (`eval --folds
    /// 3 --inner-folds 2` once ran 3 inner folds). Same outer folds, different inner folds:
    /// each held-out model is fitted and calibrated on different inner splits.
    #[test]
    fn cross_validation_keeps_outer_and_inner_folds_apart() {
        let examples = toy(150);
        let with_inner = |folds| {
            let config = TrainConfig {
                folds,
                ..TrainConfig::default()
            };
            let predictions = cross_validate(&specs(), &examples, 3, &config).unwrap();
            // The heads' probabilities: the toy's reliabilities round to 0 and 1.
            predictions
                .iter()
                .map(|p| (p.spam, p.quality))
                .collect::<Vec<_>>()
        };
        assert_eq!(with_inner(2), with_inner(2), "deterministic");
        assert_ne!(with_inner(2), with_inner(4), "the inner folds are used");
    }

    #[test]
    fn leave_one_source_out_predicts_each_file_with_a_model_that_never_saw_it() {
        let mut examples = toy(150);
        for (i, e) in examples.iter_mut().enumerate() {
            e.file = if i % 2 == 0 { "a" } else { "b" }.to_owned();
            e.source = e.file.clone();
        }
        let config = TrainConfig {
            folds: 3,
            ..TrainConfig::default()
        };
        let predictions = leave_one_source_out(&specs(), &examples, &config).unwrap();
        assert_eq!(predictions.len(), examples.len());
        // The prediction of a file's document is that of a model trained on the other file.
        let only_b: Vec<Labelled> = examples.iter().filter(|e| e.file == "b").cloned().collect();
        let model = train(&specs(), &only_b, &config, vec![]).unwrap();
        let first_a = examples.iter().position(|e| e.file == "a").unwrap();
        assert_eq!(
            predictions[first_a],
            Prediction::of(&model, &examples[first_a].features)
        );
        let scored: Vec<(f64, bool)> = predictions
            .iter()
            .zip(&examples)
            .map(|(p, e)| (p.reliability, e.label == Label::Reliable))
            .collect();
        assert!(roc_auc(&scored).unwrap() > 0.8);
    }

    #[test]
    fn bad_configurations_are_refused() {
        let examples = toy(30);
        let specs = specs();
        let too_many_folds = TrainConfig {
            folds: 11,
            ..TrainConfig::default()
        };
        assert!(matches!(
            train(&specs, &examples, &too_many_folds, vec![]),
            Err(Error::Training(TrainingProblem::Head { problem, .. }))
                if matches!(*problem, TrainingProblem::TooFewGroups { folds: 11, .. })
        ));
        let no_spam: Vec<Labelled> = examples
            .iter()
            .filter(|e| e.label != Label::Spam)
            .cloned()
            .collect();
        let err = train(&specs, &no_spam, &TrainConfig::default(), vec![]).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Training(TrainingProblem::NoSpam { spam: 0, .. })
            ),
            "{err}"
        );
    }

    #[test]
    fn the_spam_threshold_calls_few_clean_pages_spam() {
        // Probabilities of "not spam"; the clean pages' spam probabilities are 0.0 to 0.99.
        let not_spam: Vec<f64> = (0..100).map(|i| 1.0 - i as f64 / 100.0).collect();
        let labels = vec![true; 100];
        let t = spam_threshold(&not_spam, &labels);
        let called = not_spam.iter().filter(|&&p| 1.0 - p >= t).count();
        assert!(called <= 1, "threshold {t} calls {called}");
        assert!(t >= 0.5);
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
            [(0.8, "reliable"), (0.6, "mixed"), (0.0, "low quality"),]
        );
    }
}
