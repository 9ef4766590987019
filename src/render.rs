//! Output for people: explanations, signal documentation and evaluation figures (the record
//! formats, the table among them, are `crate::emit`).
//!
//! Renderers only read reports; they never recompute a feature.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use crate::model::{HeadKind, Status};
use crate::report::Report;
use crate::signals::SignalSpec;

/// Whether to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Styling {
    /// True to emit ANSI colour codes.
    pub color: bool,
}

impl Styling {
    pub(crate) fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    }
}

pub(crate) const BOLD: Style = Style::new().bold();
const HIGHLIGHT: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));
pub(crate) const DIM: Style = Style::new().dimmed();

/// Width of the family bars in `explain`, each side of zero.
const BAR_WIDTH: usize = 12;
/// Logit units per bar cell.
const BAR_UNIT: f64 = 0.25;

/// The explanation of one score, for a person.
pub fn explain(id: &str, report: &Report, specs: &[&SignalSpec], styling: Styling) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", styling.paint(BOLD, id));
    let _ = writeln!(
        out,
        "reliability {:.3}  ({})  {} words{}",
        report.reliability,
        report.verdict,
        report.words,
        if report.insufficient_text {
            "  [insufficient text: too short to judge]"
        } else {
            ""
        }
    );
    let _ = writeln!(
        out,
        "reliability = (1 - spam {:.3}) x (1 - max(news {:.3}, {}) x (1 - quality {:.3})){}",
        report.spam,
        report.news,
        crate::model::CRITERIA_FLOOR,
        report.quality,
        report
            .spam_kind
            .map(|k| format!("  [judged spam: {}]", k.name()))
            .unwrap_or_default()
    );
    for head in [HeadKind::Spam, HeadKind::Quality, HeadKind::News] {
        explain_head(&mut out, report, head, styling);
    }
    explain_evidence(&mut out, report, specs, styling);
    out
}

/// One head's part of an explanation: its logit, its families' sub-scores, and its features'
/// contributions, largest first.
fn explain_head(out: &mut String, report: &Report, head: HeadKind, styling: Styling) {
    let (logit, intercept, reading) = match head {
        HeadKind::Spam => (
            report.spam_logit,
            report.spam_intercept,
            "right raises spam",
        ),
        HeadKind::Quality => (
            report.quality_logit,
            report.quality_intercept,
            "right raises quality",
        ),
        HeadKind::News => (
            report.news_logit,
            report.news_intercept,
            "right: more a news report, judged more by its quality",
        ),
    };
    let _ = writeln!(
        out,
        "\n{}  (log-odds; {reading}; intercept {intercept:+.2}, contributions sum to the \
         logit {logit:+.2})",
        styling.paint(BOLD, &format!("{} head", head.name())),
    );
    for family in report.families.iter().filter(|f| f.head == head) {
        let _ = writeln!(
            out,
            "  {:<11} {} {:+.2}  ({} evidence)",
            family.family.name(),
            bar(family.score),
            family.score,
            family.evidence
        );
    }
    let mut contributions: Vec<_> = report
        .contributions
        .iter()
        .filter(|c| c.head == head && c.contribution != 0.0)
        .collect();
    contributions.sort_by(|a, b| b.contribution.abs().total_cmp(&a.contribution.abs()));
    for c in contributions {
        let _ = writeln!(
            out,
            "    {:+7.3}  {} {:<30} value {:.2}",
            c.contribution, c.feature, c.name, c.value
        );
    }
}

/// The evidence part of an explanation: each piece with its signal's message and its sentence,
/// the match marked.
fn explain_evidence(out: &mut String, report: &Report, specs: &[&SignalSpec], styling: Styling) {
    let _ = writeln!(out, "\n{}", styling.paint(BOLD, "evidence"));
    if report.evidence.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for e in &report.evidence {
        let message = specs
            .iter()
            .find(|s| s.id == e.signal)
            .map_or("", |s| s.message);
        let note = e
            .note
            .as_ref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {}:{}  {} {}{}",
            e.line, e.column, e.signal, message, note
        );
        let c = &e.context;
        let sentence = &c.sentence;
        let (before, matched, after) = (
            &sentence[..c.highlight.start],
            &sentence[c.highlight.clone()],
            &sentence[c.highlight.end..],
        );
        let marked = if styling.color {
            styling.paint(HIGHLIGHT, matched)
        } else {
            format!("[{matched}]")
        };
        let _ = writeln!(out, "      {before}{marked}{after}");
    }
}

fn bar(score: f64) -> String {
    let cells = ((score.abs() / BAR_UNIT).round() as usize).min(BAR_WIDTH);
    let (left, right) = if score < 0.0 {
        (
            format!("{}{}", " ".repeat(BAR_WIDTH - cells), "█".repeat(cells)),
            " ".repeat(BAR_WIDTH),
        )
    } else {
        (
            " ".repeat(BAR_WIDTH),
            format!("{}{}", "█".repeat(cells), " ".repeat(BAR_WIDTH - cells)),
        )
    };
    format!("{left}|{right}")
}

/// One line per signal, or the full documentation of one.
pub fn features(described: &[Described], one: Option<&Described>) -> String {
    let mut out = String::new();
    match one {
        Some(&Described { spec, status }) => {
            let _ = writeln!(out, "{} {} ({})", spec.id, spec.name, spec.family);
            let _ = writeln!(out, "{}", spec.message);
            let _ = writeln!(
                out,
                "value: {}; {}",
                spec.unit,
                match spec.polarity {
                    crate::signals::Polarity::Concern => "more of it lowers reliability",
                    crate::signals::Polarity::Support => "more of it raises reliability",
                }
            );
            let _ = writeln!(
                out,
                "status: {}",
                match status {
                    Status::Model => "model (the model was trained with it)",
                    Status::Preview =>
                        "preview (the model was trained without it: measured and reported, \
                         counting for nothing until a retrain takes it in)",
                    Status::Suppressed => "suppressed (by the configuration)",
                }
            );
            let _ = writeln!(out, "\n{}", spec.doc);
            let _ = writeln!(out, "\nFires on:");
            for text in spec.fires_on {
                let _ = writeln!(out, "  {text}");
            }
            let _ = writeln!(out, "Stays quiet on:");
            for text in spec.quiet_on {
                let _ = writeln!(out, "  {text}");
            }
        }
        None => {
            for &Described { spec, status } in described {
                let _ = writeln!(
                    out,
                    "{}  {:<7}  {:<10}  {:<28}  {}",
                    spec.id,
                    status.name(),
                    spec.family,
                    spec.name,
                    spec.message
                );
            }
        }
    }
    out
}

/// A signal's description and its status in the model in use, as `chaff features` shows them.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Described {
    /// The description.
    #[serde(flatten)]
    pub spec: &'static SignalSpec,
    /// Whether it counts in the model's scores.
    pub status: Status,
}

/// The evaluation report: ranking, probability and threshold figures, the confusion matrix, the
/// calibration table and how often each signal fires per label.
pub fn evaluation(e: &crate::training::Evaluation) -> String {
    let figure =
        |x: Option<f64>| x.map_or("n/a (one label only)".to_owned(), |x| format!("{x:.3}"));
    let mut out = String::new();
    let _ = writeln!(out, "{}", e.heading);
    let _ = writeln!(
        out,
        "documents       {} ({} reliable, {} unreliable or spam)",
        e.documents,
        e.reliable,
        e.documents - e.reliable
    );
    let _ = writeln!(out, "ROC-AUC         {}", figure(e.roc_auc));
    for (head, data, figures) in [
        ("spam head", "spam against the rest", &e.spam_head),
        (
            "quality head",
            "the documents that teach it",
            &e.quality_head,
        ),
        ("news head", "news reports against the rest", &e.news_head),
    ] {
        if let Some(h) = figures {
            let _ = writeln!(
                out,
                "{head:<15} ROC-AUC {}, ECE (10 bins) {:.4} ({data}, {} documents)",
                figure(h.roc_auc),
                h.ece,
                h.documents
            );
        }
    }
    let _ = writeln!(
        out,
        "PR-AUC          {} (finding unreliable; base rate {:.3})",
        figure(e.pr_auc),
        e.base_rate
    );
    let _ = writeln!(out, "Brier score     {:.4}", e.brier);
    let _ = writeln!(out, "ECE (10 bins)   {:.4}", e.ece);
    let described = match e.threshold {
        Some(t) => format!("threshold {t}"),
        None => "each model's own threshold".to_owned(),
    };
    let _ = writeln!(
        out,
        "accuracy        {:.3} ({described}); balanced accuracy {:.3}",
        e.accuracy, e.balanced_accuracy
    );
    let c = &e.confusion;
    let _ = writeln!(
        out,
        "\nconfusion matrix      called reliable  called unreliable\n\
         labelled reliable     {:>15}  {:>17}\n\
         labelled unreliable   {:>15}  {:>17}",
        c.true_reliable, c.false_unreliable, c.false_reliable, c.true_unreliable,
    );
    let _ = writeln!(out, "\n{}", sources(&e.sources));
    let _ = writeln!(out, "\ncalibration   predicted  observed  documents");
    for bin in e.calibration.iter().filter(|b| b.count > 0) {
        let _ = writeln!(
            out,
            "{:.1}-{:.1}       {:>9.3}  {:>8.3}  {:>9}",
            bin.from, bin.to, bin.predicted, bin.observed, bin.count
        );
    }
    let share = |x: Option<f64>| x.map_or("-".to_owned(), |x| format!("{:.1}%", 100.0 * x));
    let _ = writeln!(out, "\nsignal    fires on reliable  fires on the rest");
    for f in &e.firing {
        let _ = writeln!(
            out,
            "{}  {:>17}  {:>19}",
            f.signal,
            share(f.reliable),
            share(f.unreliable)
        );
    }
    out
}

/// Per source and label: documents, ROC-AUC against every reliable document (of every source),
/// the share judged spam, the share flagged, and the verdicts given.
fn sources(figures: &[crate::training::SourceFigures]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "source / label                   documents  ROC-AUC vs reliable  judged spam  flagged  \
         verdicts"
    );
    for f in figures {
        let words: Vec<String> = f.verdicts.iter().map(|(w, c)| format!("{w} {c}")).collect();
        let _ = writeln!(
            out,
            "{:<32} {:>9}  {:>19}  {:>10.1}%  {:>6.1}%  {}",
            format!("{} / {}", f.source, f.label),
            f.documents,
            f.roc_auc_vs_reliable
                .map_or("-".to_owned(), |a| format!("{a:.3}")),
            100.0 * f.judged_spam,
            100.0 * f.flagged,
            words.join(", ")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_grow_away_from_zero() {
        assert_eq!(bar(0.0), format!("{}|{}", " ".repeat(12), " ".repeat(12)));
        let left = bar(-1.0);
        assert!(left.starts_with(&" ".repeat(8)) && left.contains("████|"));
        let right = bar(100.0);
        assert!(right.ends_with(&"█".repeat(12)));
    }
}
