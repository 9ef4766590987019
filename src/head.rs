//! The two judgements of a score: spam and quality, each a logistic head of the model.

use serde::{Deserialize, Serialize};

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
    /// The lowercase name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            HeadKind::Spam => "spam",
            HeadKind::Quality => "quality",
        }
    }
}

impl std::fmt::Display for HeadKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
