//! Signals: small self-describing detectors, each with a stable id, and the one registry of them.
//!
//! A signal reads a [`Document`] and returns a [`Measurement`]: one feature value (a rate per
//! 1,000 words or a density) and the evidence spans behind it. Everything else that describes a
//! signal (name, message, documentation, fires-on and quiet-on examples) lives in its
//! [`SignalSpec`], which `chaff features`, reports and tests all read.

mod citation;
mod collocation;
mod commercial;
mod filters;
mod hype;
mod pattern;
mod quality;
mod rules;
mod screen;
mod starts;
mod synonym_swap;
mod user;

use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

use regex_automata::{Input, Span};
use serde::Serialize;

use crate::document::Document;
use crate::error::Error;
use crate::head::HeadKind;
use crate::lexicon::{Entry, LexiconBuilder, PhraseIndex, PhraseMatch, PhraseSet};
pub(crate) use pattern::{Origin, Pattern, Prefilter};
pub(crate) use screen::Screened;
use screen::{ScreenBuilder, Slot};
pub(crate) use starts::{find_at, Landmarks, Starts};

pub use citation::{CitationMarker, ReferenceList, UnsupportedClaim};
pub use collocation::CollocationBreak;
pub use commercial::AffiliateLink;
pub use hype::{EvenSentenceLengths, RepeatedSentence};
pub use synonym_swap::SynonymSwap;
pub use user::{UserMeasure, UserRule};

/// The family a signal belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// Spun text: synonym swaps, tortured phrases, spinner artefacts.
    Spun,
    /// Puffery, sales superlatives and mass-produced SEO vocabulary.
    Hype,
    /// Claims and the references that support them (or do not).
    Citation,
    /// Calls to buy, book, call or follow.
    Commercial,
    /// Claims that a remedy cures, reverses or detoxifies.
    Cure,
    /// The marks of careful health journalism (HealthNewsReview.org's criteria).
    Quality,
}

impl Family {
    /// The head this family's signals feed: spun text, hype, selling and cure claims are what spam pages are
    /// made of; citations and the journalism criteria are what reliable writing shows.
    pub fn head(self) -> HeadKind {
        match self {
            Family::Spun | Family::Hype | Family::Commercial | Family::Cure => HeadKind::Spam,
            Family::Citation | Family::Quality => HeadKind::Quality,
        }
    }

    /// Every head that reads this family's signals: its own, and for the journalism families
    /// the news head too (whether a page reports, quotes and dates like news is told by the
    /// same marks that the criteria count).
    pub fn heads(self) -> &'static [HeadKind] {
        match self.head() {
            HeadKind::Quality => &[HeadKind::Quality, HeadKind::News],
            _ => &[HeadKind::Spam],
        }
    }

    /// Every family, in report order.
    pub const ALL: [Family; 6] = [
        Family::Spun,
        Family::Hype,
        Family::Citation,
        Family::Commercial,
        Family::Cure,
        Family::Quality,
    ];

    /// The lowercase name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Family::Spun => "spun",
            Family::Hype => "hype",
            Family::Citation => "citation",
            Family::Commercial => "commercial",
            Family::Cure => "cure",
            Family::Quality => "quality",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// Which way a signal's value is expected to move reliability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Polarity {
    /// More of it is evidence of low quality.
    Concern,
    /// More of it is evidence of reliability.
    Support,
}

/// Everything that describes a signal, written once.
#[derive(Debug, Serialize)]
pub struct SignalSpec {
    /// Stable opaque id (`SPUN001`); never reused for another meaning.
    pub id: &'static str,
    /// Bumped when the computation changes so that models trained on the old one are refused.
    pub version: u32,
    /// The family.
    pub family: Family,
    /// Expected direction.
    pub polarity: Polarity,
    /// Short kebab-case name.
    pub name: &'static str,
    /// One line, shown next to evidence.
    pub message: &'static str,
    /// What the value measures.
    pub unit: &'static str,
    /// What it detects, why it matters, an example.
    pub doc: &'static str,
    /// Texts it must fire on.
    pub fires_on: &'static [&'static str],
    /// Texts it must stay quiet on.
    pub quiet_on: &'static [&'static str],
}

/// A span of the clean text that a signal points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Byte range in the document's clean text.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
    /// An optional remark ("said 'bosom malignancy', likely 'breast cancer'").
    pub note: Option<String>,
}

/// What a signal found in one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Measurement {
    /// The feature value.
    pub value: f64,
    /// The evidence behind it.
    pub hits: Vec<Hit>,
}

impl Measurement {
    /// The measurement of a rate signal: its hits, counted per 1,000 words of the document.
    pub fn rate(hits: Vec<Hit>, doc: &Document<'_>) -> Self {
        Self {
            value: per_thousand_words(hits.len(), doc),
            hits,
        }
    }

    /// Only the rate beyond `allowance`, the rate that fluent human writing reaches: a text
    /// within it measures 0 and shows no evidence.
    pub(crate) fn beyond(self, allowance: f64) -> Self {
        if self.value > allowance {
            Measurement {
                value: self.value - allowance,
                ..self
            }
        } else {
            Measurement::default()
        }
    }
}

/// A detector.
pub trait Signal: Send + Sync + fmt::Debug {
    /// The description of this signal.
    fn spec(&self) -> &'static SignalSpec;
    /// Measures the signal on a document.
    fn measure(&self, doc: &Reading<'_, '_>) -> Measurement;
}

/// A document as the signals read it: the document, and what is found in it once for several
/// signals (which screened patterns match anywhere, the references to sources that CITE001 and
/// CITE002 both read), on the first signal's asking. It reads as the document it holds. These
/// belong to the signals' pass over a document, not to the document: a document is text,
/// words and phrases, the same for any pipeline.
pub struct Reading<'d, 'a> {
    doc: &'d Document<'a>,
    /// Which screened patterns match somewhere in the text (see `screen`).
    pub(crate) screened: OnceLock<Screened>,
    /// The references to sources (CITE002's evidence; see [`CitationMarker::find`]).
    pub(crate) citations: OnceLock<Vec<Hit>>,
    /// Where numbers, currency signs and characters outside ASCII stand (see `starts`).
    landmarks: OnceLock<Option<Landmarks>>,
}

impl<'d, 'a> Reading<'d, 'a> {
    /// The start of the signals' pass over `doc`: nothing found yet.
    pub fn new(doc: &'d Document<'a>) -> Self {
        Reading {
            doc,
            screened: OnceLock::new(),
            citations: OnceLock::new(),
            landmarks: OnceLock::new(),
        }
    }

    /// Where numbers, currency signs and characters outside ASCII stand in the text, or `None`
    /// when they are too many for a search at each to pay (see [`Landmarks::of`]).
    pub(crate) fn landmarks(&self) -> Option<&Landmarks> {
        self.landmarks
            .get_or_init(|| Landmarks::of(&self.doc.text))
            .as_ref()
    }
}

impl<'a> std::ops::Deref for Reading<'_, 'a> {
    type Target = Document<'a>;

    fn deref(&self) -> &Document<'a> {
        self.doc
    }
}

impl fmt::Debug for Reading<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reading")
            .field("doc", self.doc)
            .finish_non_exhaustive()
    }
}

/// Rates are per 1,000 words, but never over fewer than this many words, so that a single phrase
/// in a three-line snippet does not read as an extreme rate.
pub const MIN_WORDS_FOR_RATE: usize = 100;

/// `count` occurrences as a rate per 1,000 words of the document.
pub fn per_thousand_words(count: usize, doc: &Document<'_>) -> f64 {
    count as f64 * 1000.0 / doc.word_count().max(MIN_WORDS_FOR_RATE) as f64
}

/// The unit of rate signals.
pub const PER_THOUSAND: &str = "occurrences per 1,000 words";

/// The registry: every built-in signal, in feature order. Feature names, the model schema, the
/// `features` command and the documentation all come from this one list.
pub fn registry() -> Registry {
    registry_with(&[])
}

/// The registry with a curator's rules after the built-in signals (their lexicons compiled into
/// the same phrase index, so they are matched in the same one scan per document). The rules are
/// checked where a configuration is read ([`try_registry_with`]), so a failure here is a bug.
pub fn registry_with(rules: &[UserRule]) -> Registry {
    try_registry_with(rules).unwrap_or_else(|e| panic!("lexicons: {e}"))
}

/// [`registry_with`], or why the rules' lexicons do not fit in the phrase index beside the
/// built-in ones (it codes at most 65,535 distinct stems).
pub(crate) fn try_registry_with(rules: &[UserRule]) -> Result<Registry, Error> {
    let mut lexicons = LexiconBuilder::default();
    let l = &mut lexicons;
    let mut screen = ScreenBuilder::default();
    let s = &mut screen;
    let support = CitationMarker::new().screened(s);
    let mut signals: Vec<Box<dyn Signal>> = vec![
        Box::new(rules::tortured_phrase(l)),
        Box::new(rules::site_furniture(l)),
        // Not in the screen (nor QUAL010 and QUAL011 below): with its decimal and list-number
        // alternatives it made the union automaton rebuild states on most documents. Measured
        // on FakeHealth, one thread, 8 rounds: the three out of the union cut the median time
        // of scoring by a fifth (0.549 s to 0.441 s; callgrind: 16% fewer instructions).
        Box::new(rules::number_word_reference_mark()),
        Box::new(rules::stray_anchor_text(l)),
        Box::new(SynonymSwap::new()),
        Box::new(rules::broken_article_agreement()),
        // Not in the screen: its Cyrillic and Greek classes multiply the states of the union
        // automaton every document runs through (single-thread throughput fell by a quarter).
        Box::new(rules::look_alike_letter()),
        Box::new(CollocationBreak::new()),
        Box::new(rules::health_marketing_superlative(l)),
        Box::new(rules::seo_filler_vocabulary(l)),
        Box::new(rules::exclamation()),
        Box::new(rules::generation_artefact().screened(s)),
        Box::new(rules::first_name_anecdote().screened(s)),
        Box::new(rules::question_heading()),
        Box::new(RepeatedSentence),
        Box::new(rules::novelty_promise(l)),
        Box::new(rules::speculative_promise(l)),
        Box::new(rules::disease_drama(l)),
        Box::new(rules::reader_address().screened(s)),
        Box::new(rules::assistant_hedging().screened(s)),
        Box::new(EvenSentenceLengths),
        Box::new(UnsupportedClaim::new(l, support.clone())),
        Box::new(support),
        Box::new(ReferenceList::new()),
        Box::new(rules::byline_or_date().screened(s)),
        Box::new(rules::press_release_reliance(l)),
        Box::new(rules::announced_not_published(l)),
        Box::new(rules::call_to_action(l)),
        // Not in the screen: alone, the price pattern starts at a currency sign and its search
        // skips to one; in the screen's union it cost a tenth of single-thread throughput.
        Box::new(rules::sales_pricing(l)),
        Box::new(rules::follow_prompt(l)),
        Box::new(rules::phone_number().screened(s)),
        Box::new(AffiliateLink::new()),
        Box::new(rules::own_product(l)),
        // Not in the screen either (measured: the screen's union automaton grew with their
        // classes and case-insensitive alternations, and every document paid for it).
        Box::new(rules::obfuscated_product_name()),
        Box::new(rules::shop_terms(l)),
        Box::new(rules::cure_claim(l)),
        Box::new(rules::detox_claim(l)),
        Box::new(quality::costs_discussed(l)),
        Box::new(quality::benefits_quantified(l)),
        Box::new(rules::harms_discussed(l)),
        Box::new(rules::evidence_quality_stated(l)),
        Box::new(rules::independent_source(l)),
        Box::new(rules::funding_disclosed(l)),
        Box::new(rules::alternatives_discussed(l)),
        Box::new(rules::caveats(l)),
        Box::new(rules::named_expert_quoted(l)),
        Box::new(rules::reported_quantities(l)),
        Box::new(rules::attributed_statements()),
    ];
    signals.extend(rules.iter().map(|rule| rule.signal(l)));
    screen.build();
    let phrases = lexicons.build()?;
    Ok(Registry { signals, phrases })
}

/// The built-in signals and the one phrase index their lexicons compile into.
#[derive(Debug)]
pub struct Registry {
    /// The signals, in feature order.
    pub signals: Vec<Box<dyn Signal>>,
    /// Every lexicon of the signals, matched in one scan per document.
    pub phrases: PhraseIndex,
}

impl Registry {
    /// The signal descriptions, in feature order.
    pub fn specs(&self) -> Vec<&'static SignalSpec> {
        self.signals.iter().map(|s| s.spec()).collect()
    }
}

/// A signal that counts the phrases of a lexicon, as a rate per 1,000 words.
pub struct PhraseRate {
    spec: &'static SignalSpec,
    phrases: PhraseSet,
    /// Builds the evidence remark for a matched entry.
    note: fn(&str, &Entry) -> Option<String>,
    /// Keeps only the matches that count.
    filter: fn(&Document<'_>, &PhraseMatch) -> bool,
    /// A pattern whose matches count too, where they do not overlap a phrase.
    pattern: Option<Pattern>,
    /// Where the pattern's matches can start, when a cheap scan can tell (see
    /// [`PhraseRate::with_pattern_starting`]).
    starts: Option<Starts>,
    /// The rate fluent writing reaches: only the excess counts (see
    /// [`PhraseRate::with_allowance`]).
    allowance: f64,
}

impl fmt::Debug for PhraseRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PhraseRate")
            .field("id", &self.spec.id)
            .finish()
    }
}

impl PhraseRate {
    /// Compiles a built-in lexicon for a signal. Built-in lexicons are tested, so a broken one
    /// is a bug in chaff, not bad input.
    pub(crate) fn builtin(
        spec: &'static SignalSpec,
        lexicon: &str,
        fields: usize,
        lexicons: &mut LexiconBuilder,
    ) -> Self {
        let entries = crate::lexicon::parse(spec.id, lexicon, 1, fields)
            .unwrap_or_else(|e| panic!("built-in lexicon: {e}"));
        Self::of_entries(spec, entries, lexicons)
    }

    /// A signal for lexicon entries already read (a curator's lexicon, checked when read).
    pub(crate) fn of_entries(
        spec: &'static SignalSpec,
        entries: Vec<Entry>,
        lexicons: &mut LexiconBuilder,
    ) -> Self {
        let phrases = lexicons.add(entries);
        Self {
            spec,
            phrases,
            note: |_, _| None,
            filter: |_, _| true,
            pattern: None,
            starts: None,
            allowance: 0.0,
        }
    }

    /// Counts only the rate above `per_thousand` occurrences per 1,000 words, the rate that
    /// fluent human writing reaches with these phrases: a text within it measures 0 and shows
    /// no evidence. Checked where a rule is read (`allowance_unit`).
    pub(crate) fn with_allowance(mut self, per_thousand: f64) -> Self {
        self.allowance = per_thousand;
        self
    }

    /// Adds a built-in regular expression whose matches in the clean text count as well.
    pub(crate) fn with_pattern(self, pattern: &str) -> Self {
        self.with_pattern_from(pattern, Origin::BuiltIn)
    }

    /// Adds a regular expression from `origin` whose matches in the clean text count as well.
    pub(crate) fn with_pattern_from(mut self, pattern: &str, origin: Origin) -> Self {
        self.pattern = Some(Pattern::compile(
            self.spec.id,
            pattern,
            Prefilter::Auto,
            origin,
        ));
        self
    }

    /// Adds a regular expression whose matches all start at the places `starts` finds, and
    /// never match empty: it then runs anchored there instead of scanning the whole text (which
    /// it still does where the places are too many to be worth it). For patterns that begin at
    /// something rare in prose, such as a number.
    pub(crate) fn with_pattern_starting(mut self, pattern: &str, starts: Starts) -> Self {
        self.pattern = Some(Pattern::new(self.spec.id, pattern, Prefilter::Off));
        self.starts = Some(starts);
        self
    }

    /// Sets the test a match must pass to count.
    pub(crate) fn with_filter(mut self, filter: fn(&Document<'_>, &PhraseMatch) -> bool) -> Self {
        self.filter = filter;
        self
    }

    /// Sets the function that writes a remark for each match.
    pub(crate) fn with_note(mut self, note: fn(&str, &Entry) -> Option<String>) -> Self {
        self.note = note;
        self
    }
}

impl Signal for PhraseRate {
    fn spec(&self) -> &'static SignalSpec {
        self.spec
    }

    fn measure(&self, doc: &Reading<'_, '_>) -> Measurement {
        let mut hits: Vec<Hit> = doc
            .phrases(&self.phrases)
            .filter(|m| (self.filter)(doc, m))
            .map(|m| {
                let span = doc.token_span(m.first_token..m.end_token);
                let entry = &self.phrases.entries()[m.entry];
                Hit {
                    note: (self.note)(&doc.text[span.clone()], entry),
                    start: span.start,
                    end: span.end,
                }
            })
            .collect();
        if let Some(pattern) = &self.pattern {
            let phrases = hits.len();
            let found = match self.starts.as_ref().and_then(|starts| starts.offsets(doc)) {
                Some(starts) => find_at(pattern, &doc.text, starts),
                None => pattern
                    .matches(&doc.text)
                    .iter()
                    .map(|m| m.span())
                    .collect(),
            };
            for m in found {
                let overlaps = hits[..phrases]
                    .iter()
                    .any(|h| h.start < m.end && m.start < h.end);
                if !overlaps {
                    hits.push(Hit {
                        start: m.start,
                        end: m.end,
                        note: None,
                    });
                }
            }
            hits.sort_by_key(|h| h.start);
        }
        Measurement::rate(hits, doc).beyond(self.allowance)
    }
}

/// A built-in regular expression, compiled on first use (a screened pattern that matches no
/// document of a run costs no compilation: start-up matters when one process scores one file)
/// and, when it is screened, run only on documents where the pipeline's screen saw it match.
#[derive(Clone)]
pub(crate) struct ScreenedPattern {
    /// The signal it belongs to, for the message of a pattern that does not compile.
    id: &'static str,
    source: String,
    prefilter: Prefilter,
    origin: Origin,
    regex: OnceLock<Pattern>,
    /// The pattern's place in the pipeline's screen, if it is screened (see `screen`).
    screen: Option<Slot>,
}

impl ScreenedPattern {
    /// An unscreened pattern of the signal `id`.
    pub(crate) fn new(
        id: &'static str,
        source: String,
        prefilter: Prefilter,
        origin: Origin,
    ) -> Self {
        Self {
            id,
            source,
            prefilter,
            origin,
            regex: OnceLock::new(),
            screen: None,
        }
    }

    /// Puts the pattern in the pipeline's screen: in the union of rare patterns, or `alone`
    /// with an automaton of its own (see [`ScreenBuilder::add_alone`]).
    pub(crate) fn screen_in(&mut self, screen: &mut ScreenBuilder, alone: bool) {
        self.screen = Some(if alone {
            screen.add_alone(&self.source)
        } else {
            screen.add(&self.source)
        });
    }

    /// The compiled pattern.
    fn regex(&self) -> &Pattern {
        self.regex
            .get_or_init(|| Pattern::compile(self.id, &self.source, self.prefilter, self.origin))
    }

    /// The compiled pattern, or `None` when the screen saw no match in the document.
    pub(crate) fn for_document(&self, doc: &Reading<'_, '_>) -> Option<&Pattern> {
        let screened_out = self
            .screen
            .as_ref()
            .is_some_and(|slot| !slot.may_match(doc));
        (!screened_out).then(|| self.regex())
    }
}

/// A signal that counts the matches of a regular expression in the clean text, as a rate per
/// 1,000 words. When the expression has a group named `hit`, the evidence is that group.
pub struct PatternRate {
    spec: &'static SignalSpec,
    pattern: ScreenedPattern,
    /// Keeps only the matched texts that count.
    filter: fn(&str, Range<usize>) -> bool,
    /// A cheap test of the document without which no match of the pattern counts (see
    /// [`PatternRate::only_where`]).
    gate: fn(&Reading<'_, '_>) -> bool,
    /// Where every match starts, when that is known (see [`PatternRate::starting_at`]).
    starts: Option<Starts>,
    /// The rate that counts for nothing (see [`PatternRate::with_allowance`]).
    allowance: f64,
}

impl fmt::Debug for PatternRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PatternRate")
            .field("id", &self.spec.id)
            .finish()
    }
}

impl PatternRate {
    /// A signal for a built-in pattern.
    pub(crate) fn builtin(spec: &'static SignalSpec, pattern: &str) -> Self {
        Self::builtin_with(spec, pattern, Prefilter::Auto)
    }

    /// A signal for a built-in pattern, saying whether its engine may use a literal prefilter.
    pub(crate) fn builtin_with(
        spec: &'static SignalSpec,
        pattern: &str,
        prefilter: Prefilter,
    ) -> Self {
        Self::of(spec, pattern, prefilter, Origin::BuiltIn)
    }

    /// A signal for a curator's pattern (see [`Origin::Curator`]).
    pub(crate) fn curator(spec: &'static SignalSpec, pattern: &str, prefilter: Prefilter) -> Self {
        Self::of(spec, pattern, prefilter, Origin::Curator)
    }

    fn of(spec: &'static SignalSpec, pattern: &str, prefilter: Prefilter, origin: Origin) -> Self {
        Self {
            spec,
            pattern: ScreenedPattern::new(spec.id, pattern.to_owned(), prefilter, origin),
            filter: |_, _| true,
            gate: |_| true,
            starts: None,
            allowance: 0.0,
        }
    }

    /// Counts only the rate above `per_thousand` matches per 1,000 words, as
    /// [`PhraseRate::with_allowance`] does.
    pub(crate) fn with_allowance(mut self, per_thousand: f64) -> Self {
        self.allowance = per_thousand;
        self
    }

    /// Runs the pattern only at the places `starts` finds, anchored, instead of scanning every
    /// byte: every match of the pattern must start at one of them (see `starts`). A claim
    /// pattern whose alternatives begin with a few dozen verbs and adjectives then costs a
    /// search at each of them.
    pub(crate) fn starting_at(mut self, starts: Starts) -> Self {
        self.starts = Some(starts);
        self
    }

    /// Runs the pattern only on documents that pass `gate`, a test much cheaper than the search
    /// that must hold wherever a match of the pattern would pass the signal's filter (such as
    /// "holds a byte that only the pattern's letters start with").
    pub(crate) fn only_where(mut self, gate: fn(&Reading<'_, '_>) -> bool) -> Self {
        self.gate = gate;
        self
    }

    /// Puts the pattern in the pipeline's screen: it then runs only on documents where the
    /// screen saw it match.
    pub(crate) fn screened(mut self, screen: &mut ScreenBuilder) -> Self {
        self.pattern.screen_in(screen, false);
        self
    }

    /// Sets the test a match must pass to count: it is given the document's text and the span
    /// of the whole match (when the pattern reports only its `hit` group, too), so that it may
    /// read the words before or after the match without the pattern having to match them.
    pub(crate) fn with_filter(mut self, filter: fn(&str, Range<usize>) -> bool) -> Self {
        self.filter = filter;
        self
    }
}

impl Signal for PatternRate {
    fn spec(&self) -> &'static SignalSpec {
        self.spec
    }

    fn measure(&self, doc: &Reading<'_, '_>) -> Measurement {
        let pattern = match self.pattern.for_document(doc) {
            Some(pattern) if (self.gate)(doc) => pattern,
            _ => return Measurement::rate(Vec::new(), doc),
        };
        // Find matches with the fast engine; run the slower capture search only on the matched
        // span, and only when the pattern names the part to report.
        let hit_group = pattern.group_info().to_index(0.into(), "hit");
        let mut captures = None; // made on the first match that needs them
                                 // The matches, as spans, without copying them into a second vector.
        let (mut at_starts, mut scanned);
        let offsets = self.starts.as_ref().and_then(|starts| starts.offsets(doc));
        let spans: &mut dyn Iterator<Item = Span> = match offsets {
            Some(offsets) => {
                at_starts = find_at(pattern, &doc.text, offsets).into_iter();
                &mut at_starts
            }
            None => {
                scanned = pattern.matches(&doc.text).into_iter().map(|m| m.span());
                &mut scanned
            }
        };
        let hits: Vec<Hit> = spans
            .filter(|m| (self.filter)(&doc.text, m.range()))
            .filter_map(|m| {
                let Some(group) = hit_group else {
                    return Some((m.start, m.end));
                };
                let within = Input::new(&doc.text[..m.end]).range(m.start..);
                let captures = captures.get_or_insert_with(|| pattern.create_captures());
                pattern.search_captures(&within, captures);
                if !captures.is_match() {
                    return None;
                }
                let part = captures.get_group(group).unwrap_or(m);
                Some((part.start, part.end))
            })
            .map(|(start, end)| Hit {
                start,
                end,
                note: None,
            })
            .collect();
        Measurement::rate(hits, doc).beyond(self.allowance)
    }
}

/// Counts above this add nothing: a story has reported enough.
const MAX_COUNT: usize = 100;

/// A pattern's matches counted, not divided by the length of the text: the quality signals whose
/// worth is in how many specifics a story reports (a rate would mark a long, thorough story down).
#[derive(Debug)]
pub struct PatternCount(PatternRate);

impl Signal for PatternCount {
    fn spec(&self) -> &'static SignalSpec {
        self.0.spec()
    }

    fn measure(&self, doc: &Reading<'_, '_>) -> Measurement {
        let mut measurement = self.0.measure(doc);
        measurement.value = measurement.hits.len().min(MAX_COUNT) as f64;
        measurement
    }
}

/// The words of `text` from its end backwards, lowercased, with the punctuation around each
/// stripped: what a filter reads before a match to tell a claim or a price that is made from one
/// that is reported ("costs $5", "no evidence that it cures").
pub(crate) fn words_before(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split_whitespace().rev().map(|w| {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .to_ascii_lowercase()
    })
}

/// The built-in signals' descriptions, in feature order, for tests.
#[cfg(test)]
pub(crate) fn specs() -> Vec<&'static SignalSpec> {
    registry().specs()
}

/// The feature index of the built-in signal `id`, for tests.
#[cfg(test)]
pub(crate) fn index(id: &str) -> usize {
    specs().iter().position(|s| s.id == id).unwrap()
}

/// Texts of up to 23 pieces drawn from `pieces`, for property tests of patterns: made of the
/// pieces of what they match, matches are frequent and found at every place in the text.
#[cfg(test)]
pub(crate) fn text_of_pieces(
    pieces: &'static [&'static str],
) -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop::collection::vec(prop::sample::select(pieces), 1..24).prop_map(|v| v.concat())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Format;

    /// Phrases match by stem, and the first entry of a lexicon with given stems owns every
    /// match: a later entry with the same stems ("potentially" after "potential") is dead weight
    /// that misleads whoever reads the lexicon.
    #[test]
    fn no_built_in_lexicon_entry_repeats_an_earlier_entrys_stems() {
        let dead: Vec<String> = registry()
            .phrases
            .shadowed()
            .iter()
            .map(|s| {
                format!(
                    "{:?} (line {}) after {:?} (line {})",
                    s.entry.phrase, s.entry.line, s.owner.phrase, s.owner.line
                )
            })
            .collect();
        assert!(
            dead.is_empty(),
            "{} dead entries:\n{}",
            dead.len(),
            dead.join("\n")
        );
    }

    /// The contract of every signal, checked by walking the registry: a signal without
    /// examples, or one that does not fire on its fires-on examples and stay quiet on its
    /// quiet-on examples, fails here.
    #[test]
    fn every_signal_fires_and_stays_quiet_on_its_examples() {
        let registry = registry();
        for signal in &registry.signals {
            let spec = signal.spec();
            assert!(
                !spec.fires_on.is_empty(),
                "{} has no fires-on example",
                spec.id
            );
            assert!(
                !spec.quiet_on.is_empty(),
                "{} has no quiet-on example",
                spec.id
            );
            let format_of = |text: &str| {
                if crate::html::looks_like_html(text) {
                    Format::Html
                } else {
                    Format::Text
                }
            };
            for text in spec.fires_on {
                let doc = Document::new(text, format_of(text), &registry.phrases);
                let doc = Reading::new(&doc);
                let m = signal.measure(&doc);
                assert!(
                    m.value > 0.0 && !m.hits.is_empty(),
                    "{} should fire on {text:?}",
                    spec.id
                );
                for hit in &m.hits {
                    assert!(hit.start < hit.end && hit.end <= doc.text.len());
                }
            }
            for text in spec.quiet_on {
                let doc = Document::new(text, format_of(text), &registry.phrases);
                let doc = Reading::new(&doc);
                let m = signal.measure(&doc);
                assert_eq!(
                    m.value, 0.0,
                    "{} should stay quiet on {text:?}, found {:?}",
                    spec.id, m.hits
                );
            }
        }
    }

    #[test]
    fn ids_are_unique_and_well_formed() {
        let ids: Vec<_> = registry().specs().iter().map(|s| s.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len(), "duplicate signal id in {ids:?}");
        for id in ids {
            assert!(
                id.len() == 7
                    && id[..4].chars().all(|c| c.is_ascii_uppercase())
                    && id[4..].chars().all(|c| c.is_ascii_digit()),
                "{id}"
            );
        }
    }

    #[test]
    fn every_family_has_at_least_two_signals() {
        let specs = registry().specs();
        for family in Family::ALL {
            let n = specs.iter().filter(|s| s.family == family).count();
            assert!(n >= 2, "{family} has {n} signals");
        }
    }

    /// A phrase rate with an allowance counts only what exceeds it: one promise word in a
    /// story of about 400 words is within the allowance (2.5 per 1,000 against 3), and shows
    /// no evidence; four are about 10 per 1,000, of which all but 3 count, and all four are
    /// the evidence.
    #[test]
    fn an_allowance_counts_only_the_excess() {
        let registry = registry();
        let novelty = &registry.signals[index("HYPE008")];
        let measure = |text: &str| {
            let doc = Document::new(text, Format::Text, &registry.phrases);
            novelty.measure(&Reading::new(&doc))
        };
        let filler = "The trial enrolled adults with migraine. ".repeat(66);
        let one = format!("{filler}The results are promising.");
        assert_eq!(measure(&one), Measurement::default());
        let four =
            format!("{filler}The promising, exciting results have potential to transform care.");
        let m = measure(&four);
        assert_eq!(m.hits.len(), 4);
        let words = Document::new(&four, Format::Text, &registry.phrases).word_count() as f64;
        assert!(
            (m.value - (4000.0 / words - 3.0)).abs() < 1e-9,
            "{}",
            m.value
        );
    }

    #[test]
    fn rates_use_a_word_floor() {
        let none = PhraseIndex::empty();
        let short = Document::new("one two three", Format::Text, &none);
        assert_eq!(per_thousand_words(1, &short), 10.0);
        let long_text = "word ".repeat(400);
        let long = Document::new(&long_text, Format::Text, &none);
        assert_eq!(per_thousand_words(2, &long), 5.0);
    }
}
