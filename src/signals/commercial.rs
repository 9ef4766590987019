//! Commercial calls to action: the page is selling, not informing.

use super::{
    Family, Hit, Measurement, Pattern, Polarity, Prefilter, Reading, Signal, SignalSpec,
    PER_THOUSAND,
};

const AFFILIATE_LINK: SignalSpec = SignalSpec {
    id: "SELL005",
    version: 1,
    family: Family::Commercial,
    polarity: Polarity::Concern,
    name: "affiliate-link",
    message: "an affiliate or sponsored link",
    unit: PER_THOUSAND,
    doc: "What it detects: links that earn the page money: HTML links marked rel=\"sponsored\", \
          links with affiliate or tracking parameters (ref=, aff=, affid=, tag=, clickid=, \
          utm_*), and links to affiliate networks (Amazon short links, ClickBank, ShareASale, \
          CJ, Awin, Impact, Skimlinks, Rakuten); in HTML or as URLs in plain text.\n\
          Why it lowers reliability: the page is paid per sale of what it recommends.\n\
          Example: <a href=\"https://amzn.to/3xYz\" rel=\"sponsored\">best collagen</a>",
    fires_on: &[
        "<html><body><p>Try <a href=\"https://amzn.to/3xYz\" rel=\"sponsored\">this collagen</a>.\
         </p></body></html>",
        "Buy it here: https://shop.example.com/tea?aff=1234 today.",
    ],
    quiet_on: &[
        "<html><body><p>Read the <a href=\"https://www.nih.gov/news\">NIH release</a>.</p>\
         </body></html>",
        "See https://www.cdc.gov/flu for the schedule.",
    ],
};

/// Affiliate networks and tracking parameters.
const AFFILIATE_URL: &str = r"(?i)(?:[?&](?:ref|aff|affid|aff_id|affiliate|affiliate_id|tag|irclickid|clickid|subid|utm_source|utm_medium|utm_campaign|partner|partnerid)=|//(?:[a-z0-9-]+\.)*(?:amzn\.to|clickbank\.net|hop\.clickbank\.net|shareasale\.com|awin1\.com|anrdoezrs\.net|jdoqocy\.com|tkqlhce\.com|dpbolvw\.net|kqzyfj\.com|sjv\.io|go\.skimresources\.com|redirect\.viglink\.com|linksynergy\.com|rstyle\.me|shop-links\.co|pntra\.com|avantlink\.com)(?:[/:?#]|$))";

/// SELL005: affiliate links.
#[derive(Debug)]
pub struct AffiliateLink {
    affiliate_url: Pattern,
    url_in_text: Pattern,
}

impl AffiliateLink {
    /// Compiles the patterns.
    pub fn new() -> Self {
        Self {
            affiliate_url: Pattern::new(AFFILIATE_LINK.id, AFFILIATE_URL, Prefilter::Auto),
            url_in_text: Pattern::new(AFFILIATE_LINK.id, r"https?://[^\s<>\x22]+", Prefilter::Auto),
        }
    }
}

impl Default for AffiliateLink {
    fn default() -> Self {
        Self::new()
    }
}

impl Signal for AffiliateLink {
    fn spec(&self) -> &'static SignalSpec {
        &AFFILIATE_LINK
    }

    fn measure(&self, doc: &Reading<'_, '_>) -> Measurement {
        let mut hits: Vec<Hit> = doc
            .links
            .iter()
            .filter(|link| {
                link.rel.split_whitespace().any(|r| r == "sponsored")
                    || self.affiliate_url.is_match(&link.href)
            })
            .filter(|link| link.text.start < link.text.end)
            .map(|link| Hit {
                start: link.text.start,
                end: link.text.end,
                note: Some(format!("links to {}", link.href)),
            })
            .collect();
        hits.extend(
            self.url_in_text
                .matches(&doc.text)
                .into_iter()
                .filter(|m| self.affiliate_url.is_match(&doc.text[m.range()]))
                .map(|m| Hit {
                    start: m.start(),
                    end: m.end(),
                    note: None,
                }),
        );
        hits.sort_by_key(|h| h.start);
        Measurement::rate(hits, doc)
    }
}
