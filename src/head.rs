//! The judgements of a score: spam, quality and whether the page is news, each a logistic head
//! of the model.

use serde::{Deserialize, Serialize};

/// Which judgement a signal feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HeadKind {
    /// The probability that a page is SEO spam or mass-produced junk.
    Spam,
    /// The probability that a page is reliable as health journalism (HealthNewsReview.org).
    Quality,
    /// The probability that a page is a news report, the kind of text the journalism criteria
    /// judge: a reference page, a registry entry or an answer is not judged by whether it
    /// names costs and independent sources, as a story on a new treatment is.
    News,
}

impl HeadKind {
    /// The lowercase name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            HeadKind::Spam => "spam",
            HeadKind::Quality => "quality",
            HeadKind::News => "news",
        }
    }
}

impl std::fmt::Display for HeadKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
