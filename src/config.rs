//! A curator's configuration, `chaff.toml`: their own rules, suppressions, a threshold and
//! verdict cuts (in the spirit of Vale's styles and ruff's configuration). Found in the working
//! directory or its parents, or named by `--config`; read and checked once, at the edge, into a
//! [`Config`] whose parts cannot be invalid. An error names the file, the line and column, and
//! the key.
//!
//! ```toml
//! threshold = 0.4               # reliability below which a page is flagged (as --threshold)
//! spam_threshold = 0.7          # spam probability at which a page is judged spam
//! verdicts = [                  # the words for pages not judged spam, highest cut first
//!   { min_reliability = 0.7, verdict = "reliable" },
//!   { min_reliability = 0.4, verdict = "mixed" },
//!   { min_reliability = 0.0, verdict = "low quality" },
//! ]
//! ignore = ["HYPE003"]          # signals ignored everywhere
//!
//! [[suppress]]                  # signals ignored for some documents: one of domain, url, path
//! signals = ["SELL004"]
//! domain = "nhs.uk"             # the URL's host or a subdomain of it (a record's `url`)
//!
//! [[rule]]                      # a rule in the built-in rules' format (data/signals/README.md)
//! id = "USER001"                # USER and digits
//! name = "competitor-product"
//! family = "commercial"
//! message = "names a competitor's product"
//! weight = 1.5                  # optional: on the spam head; without, evidence only
//! [rule.measure]
//! kind = "phrase-rate"
//! lexicon = "competitors.txt"   # beside the configuration
//! ```

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::model::VerdictCut;
use crate::signals::{Family, Polarity, SignalSpec, UserMeasure, UserRule, PER_THOUSAND};
use crate::suppression::{Scope, Suppression};
use crate::Error;

// The rule format of `data/signals/*.toml`, read here as `build.rs` reads it.
include!("signals/rule_file.rs");

/// The file name looked for.
pub const FILE_NAME: &str = "chaff.toml";

/// The configuration as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    threshold: Option<Spanned<f64>>,
    spam_threshold: Option<Spanned<f64>>,
    verdicts: Option<Spanned<Vec<RawVerdict>>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    suppress: Vec<Spanned<RawSuppress>>,
    #[serde(default)]
    rule: Vec<Spanned<Rule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVerdict {
    min_reliability: f64,
    verdict: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuppress {
    signals: Vec<Spanned<String>>,
    domain: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    path: Option<Spanned<String>>,
}

/// A configuration, read and checked.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from.
    pub path: PathBuf,
    /// The decision threshold on reliability (as `--threshold`, which overrides it).
    pub threshold: Option<f64>,
    /// The spam head's threshold.
    pub spam_threshold: Option<f64>,
    /// The verdict words' cuts, highest first.
    pub verdicts: Option<Vec<VerdictCut>>,
    /// The curator's rules, in the file's order.
    pub rules: Vec<UserRule>,
    /// Signals ignored, and where.
    pub suppressions: Vec<Suppression>,
}

impl Config {
    /// The configuration that applies in `dir`: `chaff.toml` there or in the nearest parent.
    pub fn find(dir: &Path) -> Option<PathBuf> {
        dir.ancestors()
            .map(|d| d.join(FILE_NAME))
            .find(|path| path.is_file())
    }

    /// Reads and checks a configuration; `builtin` are the built-in signals (rule ids and
    /// names must not take theirs, suppressions must name a signal).
    pub fn read(path: &Path, builtin: &[&'static SignalSpec]) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, path, builtin)
    }

    /// Checks the text of a configuration read from `path` (its lexicons are read from beside
    /// it).
    pub fn parse(
        text: &str,
        path: &Path,
        builtin: &[&'static SignalSpec],
    ) -> Result<Config, Error> {
        let at = Place { path, text };
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            at.error(span.clone(), &at.key_at(span.start), e.message().to_owned())
        })?;
        let rules = raw
            .rule
            .iter()
            .enumerate()
            .map(|(i, rule)| at.rule(i, rule, builtin))
            .collect::<Result<Vec<_>, _>>()?;
        at.distinct_rules(&raw.rule, &rules)?;
        if !rules.is_empty() {
            let pipeline = crate::Pipeline::try_with_rules(&rules)
                .map_err(|_| at.lexicons_past_limit(&raw.rule, &rules))?;
            at.examples_hold(&raw.rule, &rules, &pipeline)?;
        }
        let known =
            |id: &str| builtin.iter().any(|s| s.id == id) || rules.iter().any(|r| r.spec.id == id);
        let mut suppressions = Vec::new();
        if !raw.ignore.is_empty() {
            let signals = at.signal_ids(&raw.ignore, "ignore", &known)?;
            suppressions.push(Suppression {
                signals,
                scope: Scope::Everywhere,
            });
        }
        for (i, suppress) in raw.suppress.iter().enumerate() {
            suppressions.push(at.suppression(i, suppress.get_ref(), &known)?);
        }
        Ok(Config {
            path: path.to_owned(),
            threshold: at.probability(raw.threshold.as_ref(), "threshold")?,
            spam_threshold: at.probability(raw.spam_threshold.as_ref(), "spam_threshold")?,
            verdicts: raw.verdicts.as_ref().map(|v| at.verdicts(v)).transpose()?,
            rules,
            suppressions,
        })
    }

    /// The entries of the rules' lexicons that never match by themselves, one line each for a
    /// warning: phrases match by stem, so "cures" after "cure" is already matched by "cure".
    pub fn dead_lexicon_entries(&self) -> Vec<String> {
        let mut dead = Vec::new();
        for rule in &self.rules {
            let UserMeasure::Phrases { entries, .. } = &rule.measure else {
                continue;
            };
            let mut builder = crate::lexicon::LexiconBuilder::default();
            builder.add(entries.clone());
            // Past the matcher's limit of distinct stems the configuration was refused when read
            // (`lexicons_fit`).
            let Ok(index) = builder.build() else { continue };
            dead.extend(index.shadowed().iter().map(|s| {
                format!(
                    "rule {}: lexicon line {}, {:?}, has the stems of line {}, {:?}, and never \
                     matches by itself (phrases match by stem: one entry covers every form)",
                    rule.spec.id, s.entry.line, s.entry.phrase, s.owner.line, s.owner.phrase
                )
            }));
        }
        dead
    }

    /// One line on what the configuration does, for stderr and the reports.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if !self.rules.is_empty() {
            let ids: Vec<&str> = self.rules.iter().map(|r| r.spec.id).collect();
            parts.push(format!("rules {}", ids.join(", ")));
        }
        for s in &self.suppressions {
            let scope = match &s.scope {
                Scope::Everywhere => "everywhere".to_owned(),
                Scope::Domain(d) => format!("on {d}"),
                Scope::Url(p) => format!("on URLs {p}"),
                Scope::Path(p) => format!("on paths {p}"),
            };
            parts.push(format!("ignores {} {scope}", s.signals.join(", ")));
        }
        if let Some(t) = self.threshold {
            parts.push(format!("threshold {t}"));
        }
        if let Some(t) = self.spam_threshold {
            parts.push(format!("spam threshold {t}"));
        }
        if let Some(v) = &self.verdicts {
            let cuts: Vec<String> = v
                .iter()
                .map(|c| format!("{} from {}", c.verdict, c.min_reliability))
                .collect();
            parts.push(format!("verdicts {}", cuts.join(", ")));
        }
        if parts.is_empty() {
            parts.push("nothing set".to_owned());
        }
        format!("{}: {}", self.path.display(), parts.join("; "))
    }
}

/// The file being read, to point at a place in it.
struct Place<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Place<'_> {
    /// An error at byte `span` of the file, about `key`.
    fn error(&self, span: Range<usize>, key: &str, reason: String) -> Error {
        let start = span.start.min(self.text.len());
        let before = &self.text[..start];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Error::Config {
            place: format!("{}:{line}:{column}: {key}", self.path.display()),
            reason,
        }
    }

    /// The key written on the line holding byte `at` (the table header on a header's line).
    fn key_at(&self, at: usize) -> String {
        let at = at.min(self.text.len());
        let start = self.text[..at].rfind('\n').map_or(0, |i| i + 1);
        let line = self.text[start..].lines().next().unwrap_or("").trim();
        match line.split_once('=') {
            _ if line.starts_with('[') => line.to_owned(),
            Some((key, _)) => key.trim().to_owned(),
            None => "(the file)".to_owned(),
        }
    }

    /// The byte span of `key = ...` within `within` (a table's span; its sub-tables follow it
    /// up to the next array-of-tables header), or the table's start.
    fn key_span(&self, within: Range<usize>, key: &str) -> Range<usize> {
        let from = within.start.min(self.text.len());
        let end = self.text[from..]
            .match_indices("\n[[")
            .next()
            .map_or(self.text.len(), |(i, _)| from + i);
        let mut offset = from;
        for line in self.text[from..end.max(within.end.min(self.text.len()))].split_inclusive('\n')
        {
            let trimmed = line.trim_start();
            if trimmed
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
            {
                return offset + (line.len() - trimmed.len())..offset + line.len();
            }
            offset += line.len();
        }
        within
    }

    fn probability(&self, value: Option<&Spanned<f64>>, key: &str) -> Result<Option<f64>, Error> {
        let Some(value) = value else { return Ok(None) };
        let p = *value.get_ref();
        if !(0.0..=1.0).contains(&p) {
            return Err(self.error(
                value.span(),
                key,
                format!("{p} is not a probability (0 to 1)"),
            ));
        }
        Ok(Some(p))
    }

    fn verdicts(&self, raw: &Spanned<Vec<RawVerdict>>) -> Result<Vec<VerdictCut>, Error> {
        let cuts = raw.get_ref();
        let wrong = |reason: &str| self.error(raw.span(), "verdicts", reason.to_owned());
        if cuts.is_empty() {
            return Err(wrong("no verdicts"));
        }
        if cuts
            .iter()
            .any(|c| !(0.0..=1.0).contains(&c.min_reliability))
        {
            return Err(wrong("a min_reliability is not between 0 and 1"));
        }
        if cuts
            .windows(2)
            .any(|w| w[0].min_reliability <= w[1].min_reliability)
        {
            return Err(wrong(
                "the cuts are not in decreasing order of min_reliability",
            ));
        }
        if cuts.last().is_some_and(|c| c.min_reliability != 0.0) {
            return Err(wrong(
                "the last cut must start at 0, so every page gets a verdict",
            ));
        }
        if cuts.iter().any(|c| c.verdict.trim().is_empty()) {
            return Err(wrong("a verdict is empty"));
        }
        Ok(cuts
            .iter()
            .map(|c| VerdictCut {
                min_reliability: c.min_reliability,
                verdict: c.verdict.clone(),
            })
            .collect())
    }

    fn signal_ids(
        &self,
        ids: &[Spanned<String>],
        key: &str,
        known: &dyn Fn(&str) -> bool,
    ) -> Result<Vec<String>, Error> {
        ids.iter()
            .map(|id| match known(id.get_ref()) {
                true => Ok(id.get_ref().clone()),
                false => Err(self.error(
                    id.span(),
                    key,
                    format!("no signal {:?} (`chaff features` lists them)", id.get_ref()),
                )),
            })
            .collect()
    }

    fn suppression(
        &self,
        i: usize,
        raw: &RawSuppress,
        known: &dyn Fn(&str) -> bool,
    ) -> Result<Suppression, Error> {
        let key = |k: &str| format!("suppress[{i}].{k}");
        let signals = self.signal_ids(&raw.signals, &key("signals"), known)?;
        let glob = |value: &Spanned<String>, k: &str| {
            glob::Pattern::new(value.get_ref())
                .map_err(|e| self.error(value.span(), &key(k), format!("not a glob: {e}")))
        };
        let scope = match (&raw.domain, &raw.url, &raw.path) {
            (Some(domain), None, None) => Scope::Domain(domain.get_ref().to_ascii_lowercase()),
            (None, Some(url), None) => Scope::Url(glob(url, "url")?),
            (None, None, Some(path)) => Scope::Path(glob(path, "path")?),
            _ => {
                let span = raw.signals.first().map_or(0..0, Spanned::span);
                return Err(self.error(
                    span,
                    &key("signals"),
                    "a suppression needs one of domain, url or path (`ignore` is for \
                     everywhere)"
                        .to_owned(),
                ));
            }
        };
        Ok(Suppression { signals, scope })
    }

    /// Rule ids and names are each used once.
    fn distinct_rules(&self, raw: &[Spanned<Rule>], rules: &[UserRule]) -> Result<(), Error> {
        for (i, rule) in rules.iter().enumerate() {
            for (key, same) in [
                ("id", rules[..i].iter().any(|r| r.spec.id == rule.spec.id)),
                (
                    "name",
                    rules[..i].iter().any(|r| r.spec.name == rule.spec.name),
                ),
            ] {
                if same {
                    return Err(self.error(
                        self.key_span(raw[i].span(), key),
                        &format!("rule[{i}].{key}"),
                        "used by an earlier rule".to_owned(),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The error for rules whose lexicons do not fit in the one phrase index beside the built-in
    /// lexicons (a lexicon of 70,000 distinct words does not): it names the first rule past the
    /// limit.
    fn lexicons_past_limit(&self, raw: &[Spanned<Rule>], rules: &[UserRule]) -> Error {
        let over = (1..=rules.len())
            .find(|&n| crate::signals::try_registry_with(&rules[..n]).is_err())
            .unwrap_or(rules.len());
        let i = over - 1;
        self.error(
            self.key_span(raw[i].span(), "measure"),
            &format!("rule[{i}].measure"),
            format!(
                "{}: its lexicon takes the phrase matcher past 65,535 distinct stems with the \
                 built-in lexicons and the rules before it",
                rules[i].spec.id
            ),
        )
    }

    /// Each rule fires on its `fires_on` texts and stays quiet on its `quiet_on` texts, as the
    /// registry test holds the built-in rules to theirs.
    fn examples_hold(
        &self,
        raw: &[Spanned<Rule>],
        rules: &[UserRule],
        pipeline: &crate::Pipeline,
    ) -> Result<(), Error> {
        let first = pipeline.signals().len() - rules.len();
        for (i, rule) in rules.iter().enumerate() {
            let value = |text: &str| pipeline.features(text, crate::Format::Text)[first + i];
            let cases = [
                ("fires_on", rule.spec.fires_on, true),
                ("quiet_on", rule.spec.quiet_on, false),
            ];
            for (key, texts, fires) in cases {
                if let Some(text) = texts.iter().find(|t| (value(t) > 0.0) != fires) {
                    let does = if fires { "does not fire" } else { "fires" };
                    return Err(self.error(
                        self.key_span(raw[i].span(), key),
                        &format!("rule[{i}].{key}"),
                        format!("{} {does} on {text:?}", rule.spec.id),
                    ));
                }
            }
        }
        Ok(())
    }

    /// A rule, checked: what the built-in rules' compiler checks, and what a curator's rule
    /// may not use.
    fn rule(
        &self,
        i: usize,
        spanned: &Spanned<Rule>,
        builtin: &[&'static SignalSpec],
    ) -> Result<UserRule, Error> {
        let rule = spanned.get_ref();
        let wrong = |key: &str, reason: String| {
            self.error(
                self.key_span(spanned.span(), key),
                &format!("rule[{i}].{key}"),
                reason,
            )
        };
        let digits = rule.id.strip_prefix("USER").unwrap_or("");
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(wrong(
                "id",
                format!(
                    "{:?}: a curator's rule id is USER and digits (USER001)",
                    rule.id
                ),
            ));
        }
        let kebab = |name: &str| {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        };
        if !kebab(&rule.name) || builtin.iter().any(|s| s.name == rule.name) {
            return Err(wrong(
                "name",
                format!(
                    "{:?}: a new kebab-case name (a built-in signal has none of the same)",
                    rule.name
                ),
            ));
        }
        let family = Family::ALL
            .into_iter()
            .find(|f| f.name() == rule.family)
            .ok_or_else(|| {
                let names: Vec<&str> = Family::ALL.iter().map(|f| f.name()).collect();
                wrong(
                    "family",
                    format!("{:?} is no family ({})", rule.family, names.join(", ")),
                )
            })?;
        let polarity = match rule.polarity.as_str() {
            "concern" => Polarity::Concern,
            "support" => Polarity::Support,
            other => return Err(wrong("polarity", format!("{other:?}: concern or support"))),
        };
        if let Some(weight) = rule.weight {
            if !weight.is_finite() || family.head() != crate::head::HeadKind::Spam {
                return Err(wrong("weight", format!("{weight}: a finite weight, on a rule of a spam-side family (spun, hype, commercial, cure)")));
            }
        }
        let (measure, unit) = self.measure(&rule.measure, &|key, reason| wrong(key, reason))?;
        let spec = leak_spec(rule, family, polarity, unit);
        Ok(UserRule {
            spec,
            measure,
            weight: rule.weight,
        })
    }

    /// A rule's measure, checked: its lexicon read from beside the configuration, its pattern
    /// compiled.
    fn measure(
        &self,
        measure: &Measure,
        wrong: &dyn Fn(&str, String) -> Error,
    ) -> Result<(UserMeasure, String), Error> {
        let builtin_only = |key: &str| {
            Err(wrong(
                key,
                "the named filters, gates, notes and starting words are for the built-in rules"
                    .to_owned(),
            ))
        };
        let compiled = |pattern: &Pattern| {
            let source = pattern.source();
            regex_automata::meta::Regex::new(&source)
                .map(|_| source)
                .map_err(|e| {
                    let why = e.syntax_error().map_or(e.to_string(), |s| s.to_string());
                    wrong("pattern", format!("not a regular expression: {why}"))
                })
        };
        // A rate's unit says its allowance, checked (above 0 per 1,000 words).
        let rate_unit = |allowance: Option<f64>| match allowance {
            Some(allowance) => allowance_unit(allowance).map_err(|e| wrong("allowance", e)),
            None => Ok(PER_THOUSAND.to_owned()),
        };
        match measure {
            Measure::PhraseRate {
                filter: Some(_), ..
            } => builtin_only("filter"),
            Measure::PhraseRate { note: Some(_), .. } => builtin_only("note"),
            Measure::PhraseRate {
                lexicon,
                fields,
                pattern,
                allowance,
                ..
            } => {
                let unit = rate_unit(*allowance)?;
                let file = self.path.parent().unwrap_or(Path::new(".")).join(lexicon);
                let text = std::fs::read_to_string(&file)
                    .map_err(|e| wrong("lexicon", format!("{}: {e}", file.display())))?;
                let entries = crate::lexicon::parse(&file.display().to_string(), &text, 1, *fields)
                    .map_err(|e| wrong("lexicon", e.to_string()))?;
                let pattern = pattern.as_ref().map(compiled).transpose()?;
                Ok((
                    UserMeasure::Phrases {
                        entries,
                        pattern,
                        allowance: *allowance,
                    },
                    unit,
                ))
            }
            Measure::PatternRate {
                filter: Some(_), ..
            } => builtin_only("filter"),
            Measure::PatternRate { gate: Some(_), .. } => builtin_only("gate"),
            Measure::PatternRate {
                starting_words: Some(_),
                ..
            }
            | Measure::PatternCount {
                starting_words: Some(_),
                ..
            } => builtin_only("starting_words"),
            Measure::PatternRate {
                starting_at: Some(_),
                ..
            }
            | Measure::PatternCount {
                starting_at: Some(_),
                ..
            } => builtin_only("starting_at"),
            Measure::PatternRate {
                pattern,
                prefilter,
                allowance,
                ..
            } => Ok((
                UserMeasure::Rate {
                    pattern: compiled(pattern)?,
                    prefilter: *prefilter,
                    allowance: *allowance,
                },
                rate_unit(*allowance)?,
            )),
            Measure::PatternCount { pattern, unit, .. } => Ok((
                UserMeasure::Count {
                    pattern: compiled(pattern)?,
                },
                unit.clone(),
            )),
        }
    }
}

/// A rule's description for the rest of the process: a configuration is read once per run, and
/// a signal's description is `'static` as the built-in ones are.
fn leak_spec(rule: &Rule, family: Family, polarity: Polarity, unit: String) -> &'static SignalSpec {
    let leak = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
    let leak_all = |texts: &[String]| -> &'static [&'static str] {
        Box::leak(
            texts
                .iter()
                .map(|t| leak(t))
                .collect::<Vec<_>>()
                .into_boxed_slice(),
        )
    };
    let doc = if rule.doc.is_empty() {
        &rule.message
    } else {
        &rule.doc
    };
    Box::leak(Box::new(SignalSpec {
        id: leak(&rule.id),
        version: rule.version,
        family,
        polarity,
        name: leak(&rule.name),
        message: leak(&rule.message),
        unit: leak(&unit),
        doc: leak(doc),
        fires_on: leak_all(&rule.fires_on),
        quiet_on: leak_all(&rule.quiet_on),
    }))
}
