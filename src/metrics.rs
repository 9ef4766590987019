//! Evaluation figures for a scored, labelled set.

use serde::Serialize;

/// Counts of a binary classification at one threshold ("positive" = reliable).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Confusion {
    /// Reliable, scored reliable.
    pub true_reliable: usize,
    /// Unreliable, scored reliable.
    pub false_reliable: usize,
    /// Unreliable, scored unreliable.
    pub true_unreliable: usize,
    /// Reliable, scored unreliable.
    pub false_unreliable: usize,
}

impl Confusion {
    /// Counts predictions `score >= threshold` against the labels.
    pub fn at(scored: &[(f64, bool)], threshold: f64) -> Self {
        let mut c = Confusion::default();
        for &(score, reliable) in scored {
            match (score >= threshold, reliable) {
                (true, true) => c.true_reliable += 1,
                (true, false) => c.false_reliable += 1,
                (false, false) => c.true_unreliable += 1,
                (false, true) => c.false_unreliable += 1,
            }
        }
        c
    }

    /// The share of correct predictions.
    pub fn accuracy(&self) -> f64 {
        let total =
            self.true_reliable + self.false_reliable + self.true_unreliable + self.false_unreliable;
        if total == 0 {
            return 0.0;
        }
        (self.true_reliable + self.true_unreliable) as f64 / total as f64
    }
}

/// How often one signal fires (has a value above zero) among documents of each label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Firing {
    /// The signal id.
    pub signal: &'static str,
    /// Share of reliable documents it fires on (`None` without reliable documents).
    pub reliable: Option<f64>,
    /// Share of unreliable documents it fires on.
    pub unreliable: Option<f64>,
}

/// The firing shares of every feature, for feature vectors labelled reliable (`true`) or not.
pub fn firing(ids: &[&'static str], examples: &[(Vec<f64>, bool)]) -> Vec<Firing> {
    let share = |i: usize, label: bool| {
        let docs: Vec<&Vec<f64>> = examples
            .iter()
            .filter(|(_, l)| *l == label)
            .map(|(v, _)| v)
            .collect();
        (!docs.is_empty())
            .then(|| docs.iter().filter(|v| v[i] > 0.0).count() as f64 / docs.len() as f64)
    };
    ids.iter()
        .enumerate()
        .map(|(i, &signal)| Firing {
            signal,
            reliable: share(i, true),
            unreliable: share(i, false),
        })
        .collect()
}

/// The area under the ROC curve: the probability that a random reliable document scores above a
/// random unreliable one (ties count half). `None` when one label is missing.
pub fn roc_auc(scored: &[(f64, bool)]) -> Option<f64> {
    let mut sorted: Vec<(f64, bool)> = scored.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let positives = sorted.iter().filter(|s| s.1).count();
    let negatives = sorted.len() - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    // Sum of the (tie-averaged) ranks of the positives: the Mann-Whitney U statistic.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j < sorted.len() && sorted[j].0 == sorted[i].0 {
            j += 1;
        }
        let average_rank = (i + 1 + j) as f64 / 2.0;
        rank_sum += average_rank * sorted[i..j].iter().filter(|s| s.1).count() as f64;
        i = j;
    }
    let u = rank_sum - (positives * (positives + 1)) as f64 / 2.0;
    Some(u / (positives * negatives) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_of_perfect_random_and_inverted_rankings() {
        let perfect = [(0.9, true), (0.8, true), (0.2, false), (0.1, false)];
        assert_eq!(roc_auc(&perfect), Some(1.0));
        let inverted = [(0.1, true), (0.2, true), (0.8, false), (0.9, false)];
        assert_eq!(roc_auc(&inverted), Some(0.0));
        let ties = [(0.5, true), (0.5, false)];
        assert_eq!(roc_auc(&ties), Some(0.5));
        let mixed = [(0.9, true), (0.7, false), (0.6, true), (0.1, false)];
        assert_eq!(roc_auc(&mixed), Some(0.75));
        assert_eq!(roc_auc(&[(0.3, true)]), None);
    }

    #[test]
    fn firing_shares_per_label() {
        let examples = vec![
            (vec![0.0, 2.0], true),
            (vec![1.0, 0.0], true),
            (vec![3.0, 0.0], false),
        ];
        let firing = firing(&["A", "B"], &examples);
        assert_eq!(firing[0].reliable, Some(0.5));
        assert_eq!(firing[0].unreliable, Some(1.0));
        assert_eq!(firing[1].unreliable, Some(0.0));
        let only_reliable = super::firing(&["A", "B"], &examples[..2]);
        assert_eq!(only_reliable[0].unreliable, None);
    }

    #[test]
    fn confusion_counts_and_accuracy() {
        let scored = [
            (0.9, true),
            (0.7, false),
            (0.6, true),
            (0.1, false),
            (0.2, true),
        ];
        let c = Confusion::at(&scored, 0.5);
        assert_eq!(
            c,
            Confusion {
                true_reliable: 2,
                false_reliable: 1,
                true_unreliable: 1,
                false_unreliable: 1
            }
        );
        assert!((c.accuracy() - 0.6).abs() < 1e-12);
    }
}
