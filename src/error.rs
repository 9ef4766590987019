//! Errors a user can act on.

use std::path::PathBuf;

use crate::head::HeadKind;

/// Everything that can go wrong in chaff, each with a message that says what and where.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A lexicon line is malformed.
    #[error("lexicon {name}, line {line}: {reason}")]
    Lexicon {
        /// The lexicon's name or path.
        name: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A model file is malformed or does not fit this build's signals.
    #[error("model {origin}: {problem}")]
    Model {
        /// Where the model came from (a path, or "built-in").
        origin: String,
        /// What is wrong.
        problem: ModelProblem,
    },
    /// A JSON Lines record is malformed.
    #[error("{origin}, line {line}: {reason}")]
    Record {
        /// The file (or "stdin").
        origin: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A curator's configuration (`chaff.toml`) cannot be used.
    #[error("{place}: {reason}")]
    Config {
        /// Where: the file, line and column, and the key (`chaff.toml:12:1: rule[0].id`).
        place: String,
        /// What is wrong.
        reason: String,
    },
    /// Training could not run on the given data.
    #[error("training: {0}")]
    #[cfg(feature = "train")]
    Training(TrainingProblem),
    /// A bug in chaff.
    #[error("internal error: {0}")]
    Internal(String),
}

/// What makes a model file unusable with this build (see [`crate::model::Model::from_json`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelProblem {
    /// It is not a model file: bad JSON, a missing or mistyped field.
    #[error("{0}")]
    Json(String),
    /// It was written in a format this build does not read.
    #[error("format version {found} is not supported (this build reads version {supported})")]
    FormatVersion {
        /// The file's format version.
        found: u32,
        /// The version this build reads ([`crate::model::FORMAT_VERSION`]).
        supported: u32,
    },
    /// It was trained with a signal this build does not have.
    #[error(
        "its feature {position} is {id:?}, a signal this build does not have; retrain it with \
         `chaff train`"
    )]
    UnknownFeature {
        /// 1-based place in its feature list.
        position: usize,
        /// The feature's id.
        id: String,
    },
    /// It names a feature twice.
    #[error("it names the feature {id:?} twice")]
    RepeatedFeature {
        /// The feature's id.
        id: String,
    },
    /// Its features are the build's signals at other versions.
    #[error(
        "its feature schema hash {found} differs from this build's {expected} for the same \
         features (a signal changed version); retrain it with `chaff train`"
    )]
    SchemaHash {
        /// The file's hash.
        found: String,
        /// The hash of the build's signals of the same ids.
        expected: String,
    },
    /// A head's numbers do not match its features.
    #[error("the {head} head's mean, scale and weights must each have {features} values")]
    Shape {
        /// The head.
        head: HeadKind,
        /// The model's number of features.
        features: usize,
    },
    /// A head holds a non-finite number or a scale that is not positive.
    #[error("every number of the {head} head must be finite and every scale positive")]
    NotFinite {
        /// The head.
        head: HeadKind,
    },
    /// A head's finite numbers can still give an infinite logit.
    #[error(
        "the {head} head's weights and scales can give a non-finite logit (weights too large \
         for their scales)"
    )]
    Overflow {
        /// The head.
        head: HeadKind,
    },
    /// A head's threshold is outside 0..1.
    #[error("the {head} head's threshold {threshold} is not a probability")]
    Threshold {
        /// The head.
        head: HeadKind,
        /// The threshold.
        threshold: f64,
    },
    /// A head weighs a signal it does not read.
    #[error("the {head} head weighs {feature}, a signal of another head")]
    ForeignFeature {
        /// The head.
        head: HeadKind,
        /// The signal's id.
        feature: String,
    },
    /// It gives no verdict words.
    #[error("it names no verdicts")]
    NoVerdicts,
}

#[cfg(feature = "train")]
/// Why training could not run on the given data and options.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TrainingProblem {
    /// Cross-validation needs two folds at least.
    #[error("at least 2 folds are needed, not {0}")]
    TooFewFolds(usize),
    /// Evaluation's outer cross-validation needs two folds at least.
    #[error("at least 2 outer folds are needed, not {0}")]
    TooFewOuterFolds(usize),
    /// No L2 strength to try, or one that is negative or not finite.
    #[error("alphas must be finite numbers >= 0")]
    BadAlphas,
    /// The examples of a head are all of one label.
    #[error(
        "both labels are needed; found {reliable} reliable and {unreliable} unreliable examples"
    )]
    OneLabel {
        /// Reliable examples.
        reliable: usize,
        /// The others.
        unreliable: usize,
    },
    /// Fewer groups than folds: some fold would be empty.
    #[error("{folds} folds need at least as many groups; found {groups}")]
    TooFewGroups {
        /// Folds asked for.
        folds: usize,
        /// Distinct groups in the data.
        groups: usize,
    },
    /// The spam head's examples are all spam or all not.
    #[error(
        "the spam head needs documents labelled spam and documents that are not: found {spam} \
         spam of {total}; give a manifest (--sources) whose labels map some documents to spam"
    )]
    NoSpam {
        /// Spam examples.
        spam: usize,
        /// All examples.
        total: usize,
    },
    /// A training fold is of one label only.
    #[error(
        "a training fold holds documents of one label only (its groups are all reliable or all \
         unreliable); use fewer folds"
    )]
    OneLabelFold,
    /// The logistic regression could not be fitted.
    #[error("{0}")]
    Fit(String),
    /// A problem of one head's training.
    #[error("the {head} head: {problem}")]
    Head {
        /// The head.
        head: HeadKind,
        /// What went wrong.
        problem: Box<TrainingProblem>,
    },
    /// A source's spinning settings are out of range.
    #[error("spinning needs `every` >= 1 and a `rate` from 0 to 1, not {every} and {rate}")]
    Spinning {
        /// Every how many records one is spun.
        every: usize,
        /// The share of words swapped.
        rate: f64,
    },
    /// The thesaurus for spinning could not be read.
    #[error("{0}")]
    Thesaurus(String),
    /// A source names a group field that none of its records has.
    #[error(
        "{file}: no record has the field `{field}` to group by (its first record's fields: id, \
         {fields})"
    )]
    NoGroupField {
        /// The source file.
        file: String,
        /// The field named.
        field: String,
        /// The fields of its first record, comma-separated.
        fields: String,
    },
}

#[cfg(feature = "train")]
impl From<TrainingProblem> for Error {
    fn from(problem: TrainingProblem) -> Self {
        Error::Training(problem)
    }
}
