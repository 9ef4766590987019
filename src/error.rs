//! Errors a user can act on.

use std::path::PathBuf;

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
        problem: crate::model::ModelProblem,
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
    /// Training could not run on the given data.
    #[error("training: {0}")]
    #[cfg(feature = "train")]
    Training(crate::training::TrainingProblem),
    /// A bug in chaff.
    #[error("internal error: {0}")]
    Internal(String),
}
