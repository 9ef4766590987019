//! Citations: the references a text gives, and the claims it makes without any.

use std::fmt;

use regex::Regex;
use rust_stemmers::Stemmer;

use super::{
    per_thousand_words, Family, Hit, Measurement, Polarity, Signal, SignalSpec, PER_THOUSAND,
};
use crate::document::Document;
use crate::lexicon::PhraseSet;

/// Hosts whose links count as primary or authoritative sources.
const AUTHORITATIVE_HOSTS: &str = r"(?:[a-z0-9-]+\.)*(?:[a-z0-9-]+\.gov|[a-z0-9-]+\.edu|gov\.uk|nhs\.uk|who\.int|europa\.eu|doi\.org|ncbi\.nlm\.nih\.gov|pubmed\.ncbi\.nlm\.nih\.gov|nejm\.org|thelancet\.com|jamanetwork\.com|bmj\.com|nature\.com|science\.org|sciencedirect\.com|springer\.com|wiley\.com|cochranelibrary\.com|plos\.org|frontiersin\.org|cell\.com|oup\.com|ahajournals\.org|clinicaltrials\.gov|medrxiv\.org|biorxiv\.org|cdc\.gov|nih\.gov|fda\.gov)";

const SUPPORT: SignalSpec = SignalSpec {
    id: "CITE002",
    version: 1,
    family: Family::Citation,
    polarity: Polarity::Support,
    name: "citation-marker",
    message: "a reference to a source",
    unit: PER_THOUSAND,
    doc: "What it detects: references a reader can check: numbered reference marks ([12]), \
          author-year citations ((Smith et al., 2019)), DOIs, PMIDs and PMC ids, \"published in \
          the journal ...\", and links to primary or authoritative sources (journals, PubMed, \
          .gov, .edu, WHO, NHS), in the text or as HTML links.\n\
          Why it raises reliability: sourced claims can be checked; careful health writing names \
          its studies.\n\
          Example: \"Statins cut heart attacks by a quarter (Collins et al., 2016).\"",
    fires_on: &[
        "Statins cut heart attacks by a quarter (Collins et al., 2016).",
        "The trial was published in the New England Journal of Medicine.",
        "See doi:10.1056/NEJMoa1800000 and PMID: 29754567 for details [3].",
        "<html><body><p>The <a href=\"https://pubmed.ncbi.nlm.nih.gov/123456/\">trial report</a> \
         is public.</p></body></html>",
    ],
    quiet_on: &[
        "Statins cut heart attacks, everyone knows that.",
        "<html><body><p>Visit <a href=\"https://shop.example.com/statins\">our shop</a>.</p>\
         </body></html>",
    ],
};

/// CITE002: references to sources. Also used by CITE001 to decide whether a claim is supported.
pub struct SupportMarkers {
    in_text: Regex,
    authoritative_link: Regex,
}

impl fmt::Debug for SupportMarkers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SupportMarkers")
    }
}

impl Default for SupportMarkers {
    fn default() -> Self {
        Self::new()
    }
}

impl SupportMarkers {
    /// Compiles the patterns.
    pub fn new() -> Self {
        let in_text = [
            // numbered reference marks: [3], [12, 14], [4-7]
            r"\[\d{1,3}(?:\s?[,–-]\s?\d{1,3})*\]",
            // author-year: (Smith, 2019), (Smith et al., 2019), (Smith and Jones 2018a)
            r"\([A-Z][\w'-]+(?: et al\.?| (?:and|&) [A-Z][\w'-]+)?,? (?:19|20)\d{2}[a-z]?(?:[;,][^)]{0,80})?\)",
            r"(?i:(?-u:\b)doi:?\s*10\.\d{4,9}/\S+)",
            r"(?-u:\b)10\.\d{4,9}/[-._;()/:A-Za-z0-9]+",
            r"(?i:(?-u:\b)pmid:?\s*\d{5,9})",
            r"(?-u:\b)PMC\d{5,9}(?-u:\b)",
            r"(?i:published (?:online |today |this week |last week )?(?:in|by) (?:the )?(?:journal )?)[A-Z]\w+",
            &format!(r"(?i:https?://{AUTHORITATIVE_HOSTS}(?:[/:?#]\S*)?)"),
        ]
        .join("|");
        let authoritative_link = format!(r"(?i)^(?:https?:)?//{AUTHORITATIVE_HOSTS}(?:[/:?#]|$)");
        Self {
            in_text: Regex::new(&in_text).unwrap_or_else(|e| panic!("CITE002 pattern: {e}")),
            authoritative_link: Regex::new(&authoritative_link)
                .unwrap_or_else(|e| panic!("CITE002 link pattern: {e}")),
        }
    }

    /// Every reference marker of the document, in text order.
    pub fn find(&self, doc: &Document<'_>) -> Vec<Hit> {
        let mut hits: Vec<Hit> = self
            .in_text
            .find_iter(&doc.text)
            .map(|m| Hit {
                start: m.start(),
                end: m.end(),
                note: None,
            })
            .collect();
        for link in &doc.links {
            if self.authoritative_link.is_match(&link.href) && link.text.start < link.text.end {
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

impl Signal for SupportMarkers {
    fn spec(&self) -> &'static SignalSpec {
        &SUPPORT
    }

    fn measure(&self, doc: &Document<'_>) -> Measurement {
        let hits = self.find(doc);
        Measurement {
            value: per_thousand_words(hits.len(), doc),
            hits,
        }
    }
}

const UNSUPPORTED: SignalSpec = SignalSpec {
    id: "CITE001",
    version: 1,
    family: Family::Citation,
    polarity: Polarity::Concern,
    name: "unsupported-claim",
    message: "a claim that needs a source, with none in the same or the next sentence",
    unit: PER_THOUSAND,
    doc: "What it detects: appeals to authority that need a source (\"studies show\", \"research \
          proves\", \"experts agree\", \"clinically proven\") with no reference mark, DOI, PMID, \
          journal name or authoritative link in the same sentence or the next one.\n\
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
pub struct UnsupportedClaims {
    claims: PhraseSet,
    support: SupportMarkers,
}

impl fmt::Debug for UnsupportedClaims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UnsupportedClaims")
    }
}

impl UnsupportedClaims {
    /// Compiles the claim lexicon.
    pub fn new(stemmer: &Stemmer) -> Self {
        let lexicon = include_str!("../../data/lexicons/claims.tsv");
        let entries = crate::lexicon::parse("claims.tsv", lexicon, 1, 1)
            .unwrap_or_else(|e| panic!("built-in lexicon: {e}"));
        let claims =
            PhraseSet::new(entries, stemmer).unwrap_or_else(|e| panic!("built-in lexicon: {e}"));
        Self {
            claims,
            support: SupportMarkers::new(),
        }
    }
}

impl Signal for UnsupportedClaims {
    fn spec(&self) -> &'static SignalSpec {
        &UNSUPPORTED
    }

    fn measure(&self, doc: &Document<'_>) -> Measurement {
        let supported_sentences: Vec<usize> = self
            .support
            .find(doc)
            .iter()
            .map(|h| doc.sentence_at(h.start))
            .collect();
        let hits: Vec<Hit> = self
            .claims
            .find(doc)
            .filter_map(|m| {
                let sentence = doc.tokens[m.first_token].sentence;
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
        Measurement {
            value: per_thousand_words(hits.len(), doc),
            hits,
        }
    }
}
