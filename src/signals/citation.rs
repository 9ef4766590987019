//! Citations: the references a text gives, and the claims it makes without any.

use std::fmt;

use crate::lexicon::LexiconBuilder;

use super::{
    Family, Hit, Measurement, Pattern, Polarity, Prefilter, Reading, Signal, SignalSpec,
    PER_THOUSAND,
};
use crate::lexicon::PhraseSet;

/// Hosts whose links count as primary or authoritative sources.
const AUTHORITATIVE_HOSTS: &str = r"(?:[a-z0-9-]+\.)*(?:[a-z0-9-]+\.gov|[a-z0-9-]+\.edu|gov\.uk|nhs\.uk|who\.int|europa\.eu|doi\.org|ncbi\.nlm\.nih\.gov|pubmed\.ncbi\.nlm\.nih\.gov|nejm\.org|thelancet\.com|jamanetwork\.com|bmj\.com|nature\.com|science\.org|sciencedirect\.com|springer\.com|wiley\.com|cochranelibrary\.com|plos\.org|frontiersin\.org|cell\.com|oup\.com|ahajournals\.org|clinicaltrials\.gov|medrxiv\.org|biorxiv\.org|cdc\.gov|nih\.gov|fda\.gov)";

const CITATION_MARKER: SignalSpec = SignalSpec {
    id: "CITE002",
    version: 2,
    family: Family::Citation,
    polarity: Polarity::Support,
    name: "citation-marker",
    message: "a reference to a source",
    unit: PER_THOUSAND,
    doc: "What it detects: references a reader can check: numbered reference marks ([12]), \
          author-year citations ((Smith et al., 2019)), DOIs, PMIDs and PMC ids, \"published in \
          the journal ...\", numeric HTML superscripts, and links to primary or authoritative sources (journals, PubMed, \
          .gov, .edu, WHO, NHS), in the text or as HTML links, and named, dated sources (\"a \
          2019 study\", \"according to Dr. Jane Smith\", \"Dr. Jane Smith of Harvard\").\n\
          Why it raises reliability: sourced claims can be checked; careful health writing names \
          its studies.\n\
          Example: \"Statins cut heart attacks by a quarter (Collins et al., 2016).\"",
    fires_on: &[
        "Statins cut heart attacks by a quarter (Collins et al., 2016).",
        "The trial was published in the New England Journal of Medicine.",
        "A 2019 study found fewer fractures, said Dr. Jane Smith of Harvard Medical School.",
        "See doi:10.1056/NEJMoa1800000 and PMID: 29754567 for details [3].",
        "<html><body><p>The <a href=\"https://pubmed.ncbi.nlm.nih.gov/123456/\">trial report</a> \
         is public.</p></body></html>",
        "<html><body><p>Risk fell by half in adults<sup>12</sup>.</p></body></html>",
    ],
    quiet_on: &[
        "Statins cut heart attacks, everyone knows that.",
        "<html><body><p>Visit <a href=\"https://shop.example.com/statins\">our shop</a>.</p>\
         </body></html>",
    ],
};

/// CITE002: references to sources. Also used by CITE001 to decide whether a claim is supported;
/// clones share the compiled patterns.
#[derive(Clone)]
pub struct CitationMarker {
    pub(super) patterns: std::sync::Arc<SupportPatterns>,
}

#[derive(Clone)]
pub(super) struct SupportPatterns {
    /// Without a literal prefilter: its many literal prefixes ("(", "[", "a 2019", "Dr") occur
    /// every few words, and restarting the search at each costs more than the automaton scan
    /// (measured: 17 against 12 µs a document).
    pub(super) in_text: super::ScreenedPattern,
    authoritative_link: Pattern,
}

impl fmt::Debug for CitationMarker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CitationMarker")
    }
}

impl Default for CitationMarker {
    fn default() -> Self {
        Self::new()
    }
}

impl CitationMarker {
    /// Compiles the patterns.
    pub fn new() -> Self {
        let authoritative_link = format!(r"(?i-u)^(?:https?:)?//{AUTHORITATIVE_HOSTS}(?:[/:?#]|$)");
        let patterns = SupportPatterns {
            in_text: super::ScreenedPattern::new(
                CITATION_MARKER.id,
                Self::in_text(),
                super::Prefilter::Off,
                super::Origin::BuiltIn,
            ),
            authoritative_link: Pattern::new(
                CITATION_MARKER.id,
                &authoritative_link,
                Prefilter::Auto,
            ),
        };
        Self {
            patterns: std::sync::Arc::new(patterns),
        }
    }

    /// Puts the in-text pattern in the pipeline's screen, with an automaton of its own (it
    /// matches in about a fifth of documents, and its union with the rare patterns is large):
    /// the pattern then runs only on documents where the screen saw it match.
    pub(crate) fn screened(mut self, screen: &mut super::screen::ScreenBuilder) -> Self {
        std::sync::Arc::make_mut(&mut self.patterns)
            .in_text
            .screen_in(screen, true);
        self
    }

    /// The pattern of references in the text.
    fn in_text() -> String {
        [
            // numbered reference marks: [3], [12, 14], [4-7]
            r"\[\d{1,3}(?:\s?[,–-]\s?\d{1,3})*\]",
            // author-year: (Smith, 2019), (Smith et al., 2019), (Smith and Jones 2018a)
            r"\([A-Z][A-Za-z'-]+(?: et al\.?| (?:and|&) [A-Z][A-Za-z'-]+)?,? (?:19|20)\d{2}[a-z]?(?:[;,][^)]{0,80})?\)",
            r"(?i-u:(?-u:\b)doi:?[ \t]*10\.[0-9]{4,9}/)[^\s]+",
            r"(?-u:\b)10\.\d{4,9}/[-._;()/:A-Za-z0-9]+",
            r"(?i-u:(?-u:\b)pmid:?[ \t]*[0-9]{5,9})",
            r"(?-u:\b)PMC\d{5,9}(?-u:\b)",
            r"(?i-u:published (?:online |today |this week |last week )?(?:in|by) (?:the )?(?:journal )?)[A-Z][A-Za-z]+",
            // a dated study: "a 2019 study", "the 2021 Cochrane review"
            r"(?-u:\b)(?:[Aa]|[Tt]he) (?:19|20)\d{2} (?:[A-Z][A-Za-z]+ )?(?:study|trial|review|analysis|report|survey|meta-analysis)(?-u:\b)",
            // a named source: "according to Dr. Jane Smith", "Dr. Jane Smith of Harvard"
            r"(?-u:\b)(?:[Aa]ccording to (?:Dr\.? )?[A-Z][a-z]+ [A-Z][a-z'-]+|Dr\.? [A-Z][a-z]+ [A-Z][a-z'-]+,? (?:of|at|from) (?:the )?[A-Z][A-Za-z]+)",
            &format!(r"(?i-u:https?://{AUTHORITATIVE_HOSTS})(?:[/:?#][^\s]*)?"),
        ]
        .join("|")
    }

    /// Every reference marker of the document, in text order: found on the first call and kept
    /// in the reading for the next (CITE001 and CITE002 both read them).
    pub fn find<'d>(&self, doc: &'d Reading<'_, '_>) -> &'d [Hit] {
        doc.citations.get_or_init(|| self.search(doc))
    }

    fn search(&self, doc: &Reading<'_, '_>) -> Vec<Hit> {
        let mut hits: Vec<Hit> = Vec::new();
        if let Some(in_text) = self.patterns.in_text.for_document(doc) {
            hits.extend(in_text.matches(&doc.text).into_iter().map(|m| Hit {
                start: m.start(),
                end: m.end(),
                note: None,
            }));
        }
        hits.extend(doc.superscripts.iter().map(|r| Hit {
            start: r.start,
            end: r.end,
            note: Some("superscript reference mark".to_owned()),
        }));
        for link in &doc.links {
            if self.patterns.authoritative_link.is_match(&link.href)
                && link.text.start < link.text.end
            {
                hits.push(Hit {
                    start: link.text.start,
                    end: link.text.end,
                    note: Some(format!("links to {}", link.href)),
                });
            }
        }
        hits.sort_by_key(|h| (h.start, h.end));
        hits
    }
}

impl Signal for CitationMarker {
    fn spec(&self) -> &'static SignalSpec {
        &CITATION_MARKER
    }

    fn measure(&self, doc: &Reading<'_, '_>) -> Measurement {
        let hits = self.find(doc).to_vec();
        Measurement::rate(hits, doc)
    }
}

const UNSUPPORTED_CLAIM: SignalSpec = SignalSpec {
    id: "CITE001",
    version: 2,
    family: Family::Citation,
    polarity: Polarity::Concern,
    name: "unsupported-claim",
    message: "a claim that needs a source, with none in the same or the next sentence",
    unit: PER_THOUSAND,
    doc: "What it detects: appeals to authority that need a source (\"studies show\", \"research \
          proves\", \"experts agree\", \"clinically proven\") with no reference mark, DOI, PMID, \
          journal name, authoritative link or named, dated source (see CITE002) in the same \
          sentence or the next one.\n\
          Why it lowers reliability: the claim borrows the weight of science without letting the \
          reader check it.\n\
          Example: \"Studies show that turmeric is more effective than ibuprofen.\"",
    fires_on: &[
        "Studies show that turmeric is more effective than ibuprofen.",
        "Our formula is clinically proven. Experts agree it works.",
    ],
    quiet_on: &[
        "Studies show that statins reduce heart attacks [4].",
        "Research shows a small benefit. The trial was published in the journal Circulation.",
        "Turmeric has been used in cooking for centuries.",
    ],
};

/// CITE001: claims that need a source and have none nearby.
pub struct UnsupportedClaim {
    claims: PhraseSet,
    support: CitationMarker,
}

impl fmt::Debug for UnsupportedClaim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UnsupportedClaim")
    }
}

impl UnsupportedClaim {
    /// Registers the claim lexicon; `support` decides which claims are supported.
    pub fn new(lexicons: &mut LexiconBuilder, support: CitationMarker) -> Self {
        let lexicon = include_str!("../../data/lexicons/claims.tsv");
        let entries = crate::lexicon::parse("claims.tsv", lexicon, 1, 1)
            .unwrap_or_else(|e| panic!("built-in lexicon: {e}"));
        let claims = lexicons.add(entries);
        Self { claims, support }
    }
}

impl Signal for UnsupportedClaim {
    fn spec(&self) -> &'static SignalSpec {
        &UNSUPPORTED_CLAIM
    }

    fn measure(&self, doc: &Reading<'_, '_>) -> Measurement {
        if doc.phrases(&self.claims).next().is_none() {
            return Measurement::default();
        }
        let supported_sentences: Vec<usize> = self
            .support
            .find(doc)
            .iter()
            .map(|h| doc.sentence_at(h.start))
            .collect();
        let hits: Vec<Hit> = doc
            .phrases(&self.claims)
            .filter_map(|m| {
                let sentence = doc.sentence_of_token(m.first_token);
                let supported = supported_sentences
                    .iter()
                    .any(|&s| s == sentence || s == sentence + 1);
                let span = doc.token_span(m.first_token..m.end_token);
                (!supported).then_some(Hit {
                    start: span.start,
                    end: span.end,
                    note: None,
                })
            })
            .collect();
        Measurement::rate(hits, doc)
    }
}

const REFERENCE_LIST: SignalSpec = SignalSpec {
    id: "CITE003",
    version: 1,
    family: Family::Citation,
    polarity: Polarity::Support,
    name: "reference-list",
    message: "an entry of a reference list",
    unit: PER_THOUSAND,
    doc: "What it detects: a heading such as \"References\", \"Sources\" or \"Bibliography\" \
          followed by entries (lines with a year, a DOI, a link or a number mark); each entry \
          counts.\n\
          Why it raises reliability: a reference list lets the reader check every claim.\n\
          Example: \"References\\n1. Smith J et al. Statins and stroke. BMJ 2019;365:l1.\"",
    fires_on: &[
        "Statins help.\n\nReferences\n1. Smith J et al. Statins and stroke. BMJ. 2019;365:l1.\n\
         2. Lee K. Heart trials. doi:10.1000/xyz",
    ],
    quiet_on: &[
        "Statins help. Our sources say so.\n\nReferences available on request.",
        "Sources\nAsk your pharmacist.",
    ],
};

/// CITE003: reference-list entries.
#[derive(Debug)]
pub struct ReferenceList {
    heading: Pattern,
    entry: Pattern,
}

/// Entries counted after one heading at most.
const MAX_ENTRIES: usize = 200;

impl ReferenceList {
    /// Compiles the patterns.
    pub fn new() -> Self {
        let heading = Pattern::new(
            REFERENCE_LIST.id,
            r"(?mi)^[ \t#]*(?:references|sources|bibliography|works cited|citations|literature cited|selected references)[ \t]*:?[ \t]*$",
            Prefilter::Auto,
        );
        let entry = Pattern::new(
            REFERENCE_LIST.id,
            r"(?i)(?-u:\b)(?:19|20)\d{2}(?-u:\b)|doi|https?://|www\.|pmid|^\s*(?:\[\d+\]|\d+\.)",
            Prefilter::Auto,
        );
        Self { heading, entry }
    }
}

/// A heading line holds one of the heading words (19 characters at most, 3 bytes each at most
/// once case-folded) between spaces, tabs, `#` and a colon: longer lines need no regex.
const MAX_HEADING_BYTES: usize = 64;

impl ReferenceList {
    /// Where each reference-list heading ends. The heading pattern matches whole lines only, so
    /// it runs on the short lines alone, not over the whole text; the matches are the same.
    fn headings<'t>(&'t self, text: &'t str) -> impl Iterator<Item = usize> + 't {
        let mut start = 0;
        text.split('\n').filter_map(move |line| {
            let at = start;
            start += line.len() + 1;
            let core = line.trim_matches([' ', '\t', '#', ':']);
            if core.is_empty() || core.len() > MAX_HEADING_BYTES {
                return None;
            }
            self.heading.find(line).map(|m| at + m.end())
        })
    }
}

impl Default for ReferenceList {
    fn default() -> Self {
        Self::new()
    }
}

impl Signal for ReferenceList {
    fn spec(&self) -> &'static SignalSpec {
        &REFERENCE_LIST
    }

    fn measure(&self, doc: &Reading<'_, '_>) -> Measurement {
        let mut hits = Vec::new();
        for heading_end in self.headings(&doc.text) {
            let mut offset = heading_end;
            for line in doc.text[heading_end..].split_inclusive('\n') {
                let start = offset;
                offset += line.len();
                let trimmed = line.trim();
                if trimmed.is_empty() {
                    continue;
                }
                if !self.entry.is_match(trimmed) || hits.len() >= MAX_ENTRIES {
                    break;
                }
                let lead = line.len() - line.trim_start().len();
                hits.push(Hit {
                    start: start + lead,
                    end: start + lead + trimmed.len(),
                    note: None,
                });
            }
        }
        Measurement::rate(hits, doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line-by-line heading search finds exactly what the pattern finds in the whole text.
    #[test]
    fn headings_are_found_line_by_line_as_in_the_whole_text() {
        let list = ReferenceList::new();
        let text = "Intro line that is long enough to be skipped by the length test.\n\
                    ## References:\n1. A 2019 study.\n\n  Sources \t\nWORKS CITED\n\
                    References and more words on the line\n#references#\nBibliography\r\n\
                    \u{212A}\n: citations :\nReferences";
        let whole: Vec<usize> = list.heading.matches(text).iter().map(|m| m.end()).collect();
        let by_line: Vec<usize> = list.headings(text).collect();
        assert_eq!(by_line, whole);
        assert_eq!(by_line.len(), 4, "{by_line:?}");
    }
}
