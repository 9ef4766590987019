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
    /// Adds one prediction (`called_reliable`) of a document labelled `reliable`.
    pub fn add(mut self, called_reliable: bool, reliable: bool) -> Self {
        match (called_reliable, reliable) {
            (true, true) => self.true_reliable += 1,
            (true, false) => self.false_reliable += 1,
            (false, false) => self.true_unreliable += 1,
            (false, true) => self.false_unreliable += 1,
        }
        self
    }

    /// The mean of the recall of each label.
    pub fn balanced_accuracy(&self) -> f64 {
        let recall = |hit: usize, miss: usize| {
            if hit + miss == 0 {
                0.0
            } else {
                hit as f64 / (hit + miss) as f64
            }
        };
        (recall(self.true_reliable, self.false_unreliable)
            + recall(self.true_unreliable, self.false_reliable))
            / 2.0
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

/// Average precision for finding the documents labelled `target` when ranked by `score`
/// descending (for `target = false`, pass scores that grow with unreliability).
pub fn average_precision(scored: &[(f64, bool)], target: bool) -> Option<f64> {
    let positives = scored.iter().filter(|s| s.1 == target).count();
    if positives == 0 {
        return None;
    }
    let mut sorted: Vec<(f64, bool)> = scored.to_vec();
    sorted.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (mut hits, mut sum) = (0usize, 0.0);
    let mut i = 0;
    while i < sorted.len() {
        // documents with tied scores are taken together
        let mut j = i;
        while j < sorted.len() && sorted[j].0 == sorted[i].0 {
            j += 1;
        }
        let new_hits = sorted[i..j].iter().filter(|s| s.1 == target).count();
        hits += new_hits;
        sum += new_hits as f64 * hits as f64 / j as f64;
        i = j;
    }
    Some(sum / positives as f64)
}

/// The mean squared difference between the probability of reliable and the label (1 reliable).
pub fn brier(scored: &[(f64, bool)]) -> f64 {
    let total: f64 = scored
        .iter()
        .map(|&(p, reliable)| (p - f64::from(u8::from(reliable))).powi(2))
        .sum();
    total / scored.len().max(1) as f64
}

/// One bin of a calibration table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationBin {
    /// Lower edge of the predicted probability.
    pub from: f64,
    /// Upper edge.
    pub to: f64,
    /// Documents in the bin.
    pub count: usize,
    /// Mean predicted probability of reliable.
    pub predicted: f64,
    /// Share labelled reliable.
    pub observed: f64,
}

/// The calibration table over `bins` equal-width bins of predicted probability.
pub fn calibration(scored: &[(f64, bool)], bins: usize) -> Vec<CalibrationBin> {
    (0..bins)
        .map(|b| {
            let (from, to) = (b as f64 / bins as f64, (b + 1) as f64 / bins as f64);
            let inside: Vec<&(f64, bool)> = scored
                .iter()
                .filter(|(p, _)| *p >= from && (*p < to || (b + 1 == bins && *p <= to)))
                .collect();
            let count = inside.len();
            let mean = |f: &dyn Fn(&(f64, bool)) -> f64| {
                if count == 0 {
                    0.0
                } else {
                    inside.iter().map(|s| f(s)).sum::<f64>() / count as f64
                }
            };
            CalibrationBin {
                from,
                to,
                count,
                predicted: mean(&|s| s.0),
                observed: mean(&|s| f64::from(u8::from(s.1))),
            }
        })
        .collect()
}

/// Expected calibration error: the count-weighted mean gap between predicted and observed.
pub fn expected_calibration_error(scored: &[(f64, bool)], bins: usize) -> f64 {
    let total = scored.len().max(1) as f64;
    calibration(scored, bins)
        .iter()
        .map(|b| b.count as f64 / total * (b.predicted - b.observed).abs())
        .sum()
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
    fn average_precision_brier_and_calibration() {
        let perfect = [(0.9, true), (0.8, true), (0.2, false), (0.1, false)];
        assert_eq!(average_precision(&perfect, true), Some(1.0));
        // ranking unreliable by 1 - p: both unreliable first
        let flipped: Vec<(f64, bool)> = perfect.iter().map(|&(p, l)| (1.0 - p, l)).collect();
        assert_eq!(average_precision(&flipped, false), Some(1.0));
        let mixed = [(0.9, true), (0.7, false), (0.6, true)];
        // precision 1/1 at the first hit, 2/3 at the second
        assert!((average_precision(&mixed, true).unwrap() - (1.0 + 2.0 / 3.0) / 2.0).abs() < 1e-12);
        assert!((brier(&[(1.0, true), (0.5, false)]) - 0.125).abs() < 1e-12);
        let calibrated = [(0.25, true), (0.25, false), (0.75, true), (0.75, false)];
        let table = calibration(&calibrated, 2);
        assert_eq!(table[0].count, 2);
        assert!((table[1].observed - 0.5).abs() < 1e-12);
        assert!((expected_calibration_error(&calibrated, 2) - 0.25).abs() < 1e-12);
        assert_eq!(
            expected_calibration_error(&[(0.5, true), (0.5, false)], 10),
            0.0
        );
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
        let c = scored
            .iter()
            .fold(Confusion::default(), |c, &(p, l)| c.add(p >= 0.5, l));
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
