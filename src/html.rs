//! HTML to readable text, with an offset map back into the HTML.
//!
//! The page is tokenized by html5gum, a WHATWG-conformant HTML5 tokenizer that reports the byte
//! span of every token. Text inside scripts, styles, navigation, headers, footers, forms and other
//! page furniture is dropped; block elements become paragraph breaks; the title and the links are
//! kept as structured fields.

use std::borrow::Cow;
use std::convert::Infallible;
use std::ops::Range;

use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use html5gum::{Span, Tokenizer};

use crate::source::OffsetMap;

/// A link of the page: where it points, and its anchor text as a span of the extracted text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The `href` attribute, entities decoded.
    pub href: String,
    /// The `rel` attribute, lowercased (empty when absent).
    pub rel: String,
    /// The anchor text's byte range in the extracted text.
    pub text: Range<usize>,
}

/// The readable content of an HTML page.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    /// Paragraphs and headings, separated by blank lines.
    pub text: String,
    /// From `text` to the HTML source.
    pub map: OffsetMap,
    /// The `<title>`, whitespace collapsed.
    pub title: Option<String>,
    /// Links found in kept content.
    pub links: Vec<Link>,
    /// Spans of `<sup>` content that look like reference marks ("12", "3,4", "5-7").
    pub superscripts: Vec<Range<usize>>,
}

/// Elements whose content is never article text.
const DROPPED: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "header", "footer", "form", "aside", "svg",
    "iframe", "button", "select", "textarea", "head", "object", "canvas", "math",
];

/// Elements that end a paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "tr",
    "td",
    "th",
    "table",
    "section",
    "article",
    "main",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "hr",
    "address",
    "details",
    "summary",
    "body",
    "caption",
];

/// Elements that never have an end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Cheap check for HTML content: a doctype or one of the common structural tags near the start.
pub fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(2048)
        .collect::<String>()
        .to_ascii_lowercase();
    [
        "<!doctype html",
        "<html",
        "<head",
        "<body",
        "<p>",
        "<div",
        "<article",
        "<title",
    ]
    .iter()
    .any(|tag| head.contains(tag))
}

/// The character encoding an HTML page declares in a `<meta>` tag of its first 1,024 bytes, where
/// browsers' prescan looks: `<meta charset="windows-1252">` or `<meta http-equiv="Content-Type"
/// content="text/html; charset=iso-8859-1">`. A label encoding_rs does not know is no
/// declaration; a declared UTF-16 means UTF-8, as in the HTML standard (the page's bytes were
/// read as ASCII to find the tag).
pub fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = bytes[..bytes.len().min(1024)].to_ascii_lowercase();
    let mut rest = &head[..];
    while let Some(at) = memchr::memmem::find(rest, b"<meta") {
        let tag = &rest[at..];
        let tag = &tag[..memchr::memchr(b'>', tag).unwrap_or(tag.len())];
        rest = &rest[at + tag.len().max(5)..];
        let Some(at) = memchr::memmem::find(tag, b"charset") else {
            continue;
        };
        let value = tag[at + 7..].trim_ascii_start();
        let Some(value) = value.strip_prefix(b"=") else {
            continue;
        };
        let value = value.trim_ascii_start();
        let value = value
            .strip_prefix(b"\"")
            .or(value.strip_prefix(b"'"))
            .unwrap_or(value);
        let end = value
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || b"-_.:".contains(b)))
            .unwrap_or(value.len());
        let encoding = encoding_rs::Encoding::for_label(&value[..end])?;
        return Some(
            if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
                encoding_rs::UTF_8
            } else {
                encoding
            },
        );
    }
    None
}

/// Extracts the readable text of an HTML page.
pub fn extract(html: &str) -> Extracted {
    let mut out = Builder::default();
    // The start tag being read: its name, where it starts, and its first `href` and `rel`
    // (a repeated attribute is ignored, as the HTML standard says).
    let mut name = String::new();
    let mut start = 0;
    let (mut href, mut rel): (Option<String>, Option<String>) = (None, None);
    let mut attribute = Attribute::Other;
    // Events with strings borrowed from the tokenizer's buffers: no allocation per tag or
    // per piece of text.
    let mut emitter = CallbackEmitter::new(|event: CallbackEvent<'_>, span: Span<usize>| {
        match event {
            CallbackEvent::OpenStartTag { name: raw } => {
                name.clear();
                name.push_str(&tag_name(raw));
                start = span.start;
                (href, rel) = (None, None);
            }
            // An attribute without a value is there, empty.
            CallbackEvent::AttributeName { name: raw } => {
                attribute = match raw {
                    b"href" if href.is_none() => {
                        href = Some(String::new());
                        Attribute::Href
                    }
                    b"rel" if rel.is_none() => {
                        rel = Some(String::new());
                        Attribute::Rel
                    }
                    _ => Attribute::Other,
                };
            }
            CallbackEvent::AttributeValue { value } => {
                let slot = match attribute {
                    Attribute::Href => href.as_mut(),
                    Attribute::Rel => rel.as_mut(),
                    Attribute::Other => None,
                };
                if let Some(slot) = slot {
                    slot.push_str(&String::from_utf8_lossy(value));
                }
            }
            CallbackEvent::CloseStartTag { self_closing } => {
                let void = self_closing || VOID.contains(&name.as_str());
                out.start_tag(&name, void, start, href.take(), rel.take());
            }
            CallbackEvent::EndTag { name: raw } => out.end_tag(&tag_name(raw), span.start),
            CallbackEvent::String { value } => {
                let decoded = String::from_utf8_lossy(value);
                let span = span.start.min(html.len())..span.end.min(html.len());
                out.text(&decoded, html, span);
            }
            _ => {}
        }
        None::<Infallible>
    });
    // Without a tree builder the tokenizer must be told that script and style hold raw text.
    emitter.naively_switch_states(true);
    Tokenizer::new_with_emitter(html, emitter).for_each(drop);
    out.finish()
}

/// Which attribute of the start tag being read a value belongs to.
#[derive(Clone, Copy)]
enum Attribute {
    Href,
    Rel,
    Other,
}

/// A tag's name, lowercase. The tokenizer lowercases ASCII names as it reads them, so this
/// borrows them as they are, without a copy per tag.
fn tag_name(raw: &[u8]) -> Cow<'_, str> {
    let name = String::from_utf8_lossy(raw);
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        name
    }
}

#[derive(Default)]
struct Builder {
    out: Extracted,
    /// Open dropped elements, innermost last.
    dropped: Vec<&'static str>,
    in_title: bool,
    title: String,
    /// The link being read: href, rel and where its text starts.
    open_link: Option<(String, String, usize)>,
    /// A paragraph break is owed before the next kept text, at this source offset.
    pending_break: Option<usize>,
    /// Where the open `<sup>` started in the text.
    open_sup: Option<usize>,
}

impl Builder {
    fn start_tag(
        &mut self,
        name: &str,
        void: bool,
        at: usize,
        href: Option<String>,
        rel: Option<String>,
    ) {
        if name == "title" && !void {
            self.in_title = true;
        }
        if let Some(&dropped) = DROPPED.iter().find(|&&d| d == name) {
            if !void {
                self.dropped.push(dropped);
                return;
            }
        }
        if BLOCKS.contains(&name) {
            self.pending_break.get_or_insert(at);
        }
        if name == "sup" && self.dropped.is_empty() {
            self.open_sup = Some(self.out.text.len());
        }
        if name == "a" && self.dropped.is_empty() {
            self.close_link();
            if let Some(href) = href {
                let rel = rel.unwrap_or_default().to_ascii_lowercase();
                self.open_link = Some((href, rel, self.out.text.len()));
            }
        }
    }

    fn end_tag(&mut self, name: &str, at: usize) {
        if name == "title" {
            self.in_title = false;
        }
        if let Some(pos) = self.dropped.iter().rposition(|&open| open == name) {
            self.dropped.truncate(pos);
            return;
        }
        if name == "a" {
            self.close_link();
        }
        if name == "sup" {
            if let Some(start) = self.open_sup.take() {
                let mark = self.out.text[start..].trim();
                let numeric = !mark.is_empty()
                    && mark.len() <= 12
                    && mark
                        .chars()
                        .all(|c| c.is_ascii_digit() || ",-–[] ".contains(c))
                    && mark.chars().any(|c| c.is_ascii_digit());
                if numeric {
                    self.out.superscripts.push(start..self.out.text.len());
                }
            }
        }
        if BLOCKS.contains(&name) {
            self.pending_break.get_or_insert(at);
        }
    }

    fn close_link(&mut self) {
        if let Some((href, rel, start)) = self.open_link.take() {
            let end = self.out.text.trim_end().len().max(start);
            self.out.links.push(Link {
                href,
                rel,
                text: start..end,
            });
        }
    }

    fn text(&mut self, decoded: &str, html: &str, span: Range<usize>) {
        if self.in_title {
            self.title.push_str(decoded);
        }
        if !self.dropped.is_empty() || decoded.trim().is_empty() && self.pending_break.is_some() {
            return;
        }
        if let Some(at) = self.pending_break.take() {
            if !self.out.text.trim_end().is_empty() {
                let start = self.out.text.len();
                self.out.text.push_str("\n\n");
                self.out.map.push(start, 2, at..at);
            }
        }
        append_aligned(&mut self.out.text, &mut self.out.map, decoded, html, span);
    }

    fn finish(mut self) -> Extracted {
        self.close_link();
        let title = self.title.split_whitespace().collect::<Vec<_>>().join(" ");
        self.out.title = (!title.is_empty()).then_some(title);
        self.out
    }
}

/// Appends `decoded` (the tokenizer's text for source bytes `span`) to `text`, recording where
/// each piece came from. Where decoding changed the text (character references, CR LF) the two
/// are re-aligned so that copied stretches keep exact offsets.
fn append_aligned(
    text: &mut String,
    map: &mut OffsetMap,
    decoded: &str,
    html: &str,
    span: Range<usize>,
) {
    let source = &html[floor(html, span.start)..floor(html, span.end)];
    let base = span.start;
    if decoded == source {
        map.push(text.len(), decoded.len(), base..base + source.len());
        text.push_str(decoded);
        return;
    }
    let mut src = 0;
    let mut chars = decoded.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        let rest = &source[src..];
        let at = text.len();
        if let Some(after_ampersand) = rest.strip_prefix('&') {
            // A decoded '&' is literal when what follows it in the source follows it in the text.
            let literal = c == '&'
                && match chars.peek() {
                    Some(&(_, next)) => after_ampersand.starts_with(next),
                    None => after_ampersand.is_empty(),
                };
            if let Some(len) = char_reference_len(rest).filter(|_| !literal) {
                text.push(c);
                // A reference can decode to two characters: both map to it.
                while let Some(&(_, next)) = chars.peek() {
                    if source[src + len..].starts_with(next) {
                        break;
                    }
                    text.push(next);
                    chars.next();
                }
                map.push(at, text.len() - at, base + src..base + src + len);
                src += len;
                continue;
            }
        }
        text.push(c);
        let used = match rest.chars().next() {
            Some(s) if s == c => s.len_utf8(),
            Some('\r') if c == '\n' => 1 + usize::from(rest[1..].starts_with('\n')),
            Some(s) => s.len_utf8(),
            None => 0,
        };
        map.push(at, c.len_utf8(), base + src..base + src + used);
        src += used;
    }
}

/// The length of the character reference at the start of `s` (which starts with `&`), if any.
fn char_reference_len(s: &str) -> Option<usize> {
    let body = &s.as_bytes()[1..];
    let len = if let Some(digits) = body.strip_prefix(b"#") {
        let (hex, digits) = match digits.first() {
            Some(b'x' | b'X') => (true, &digits[1..]),
            _ => (false, digits),
        };
        let n = digits
            .iter()
            .take_while(|b| {
                if hex {
                    b.is_ascii_hexdigit()
                } else {
                    b.is_ascii_digit()
                }
            })
            .count();
        if n == 0 {
            return None;
        }
        1 + usize::from(hex) + n
    } else {
        let n = body
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .take(32)
            .count();
        if n == 0 {
            return None;
        }
        n
    };
    let semicolon = usize::from(body.get(len) == Some(&b';'));
    Some(1 + len + semicolon)
}

fn floor(s: &str, i: usize) -> usize {
    crate::source::floor_char_boundary(s, i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_charset_is_found_as_browsers_prescan_finds_it() {
        let enc = |head: &str| declared_charset(head.as_bytes()).map(|e| e.name());
        assert_eq!(enc("<META CHARSET=\"Windows-1252\">"), Some("windows-1252"));
        assert_eq!(enc("<meta charset='latin1'/>"), Some("windows-1252"));
        assert_eq!(
            enc(r#"<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">"#),
            Some("KOI8-R")
        );
        assert_eq!(
            enc("<meta name=viewport><meta charset=utf-16le>"),
            Some("UTF-8")
        );
        assert_eq!(enc("<meta charset=\"no-such-encoding\">"), None);
        assert_eq!(enc("<p>charset=koi8-r</p>"), None);
        // Only the first 1,024 bytes are looked at.
        assert_eq!(
            enc(&format!("{}<meta charset=koi8-r>", " ".repeat(1024))),
            None
        );
    }

    fn source_of<'a>(html: &'a str, x: &Extracted, needle: &str) -> &'a str {
        let start = x.text.find(needle).expect("needle in text");
        let range = x.map.map_range(start..start + needle.len());
        &html[range]
    }

    #[test]
    fn keeps_paragraphs_drops_furniture() {
        let html = "<html><head><title>Flu  shots</title><style>p{color:red}</style></head>\
            <body><nav><a href=\"/\">Home</a></nav><header>Site name</header>\
            <h1>Who needs a flu shot</h1><p>Adults over 65 benefit most.</p>\
            <script>var x = '<p>not text</p>';</script><form>Email <input></form>\
            <footer>Copyright</footer></body></html>";
        let x = extract(html);
        assert_eq!(
            x.text,
            "Who needs a flu shot\n\nAdults over 65 benefit most."
        );
        assert_eq!(x.title.as_deref(), Some("Flu shots"));
        assert!(x.links.is_empty(), "navigation links are dropped");
    }

    #[test]
    fn offsets_map_into_the_html_across_entities() {
        let html = "<p>Caf&eacute; &amp; bar &mdash; a &#169; note</p>\r\n<p>Next line</p>";
        let x = extract(html);
        assert_eq!(x.text, "Café & bar — a © note\n\nNext line");
        assert_eq!(source_of(html, &x, "bar"), "bar");
        assert_eq!(source_of(html, &x, "note"), "note");
        assert_eq!(source_of(html, &x, "Café &"), "Caf&eacute; &amp;");
        assert_eq!(source_of(html, &x, "Next line"), "Next line");
    }

    #[test]
    fn links_keep_href_rel_and_anchor_text() {
        let html = "<p>See <a href=\"https://pubmed.ncbi.nlm.nih.gov/123/\" rel=\"Sponsored\">the trial</a> now.</p>";
        let x = extract(html);
        assert_eq!(x.links.len(), 1);
        let link = &x.links[0];
        assert_eq!(link.href, "https://pubmed.ncbi.nlm.nih.gov/123/");
        assert_eq!(link.rel, "sponsored");
        assert_eq!(&x.text[link.text.clone()], "the trial");
    }

    #[test]
    fn link_attributes_as_the_standard_reads_them() {
        let links = |html: &str| -> Vec<(String, String)> {
            extract(html)
                .links
                .into_iter()
                .map(|l| (l.href, l.rel))
                .collect()
        };
        let pair = |href: &str, rel: &str| (href.to_owned(), rel.to_owned());
        // A repeated attribute is ignored: the first one counts, even when empty.
        assert_eq!(
            links("<p><A HREF='' Rel=NoFollow href=\"/later\" rel=ugc>x</A></p>"),
            [pair("", "nofollow")]
        );
        // An attribute without a value is there, empty; without `href` there is no link.
        assert_eq!(
            links("<p><a href rel>x</a><a rel=ugc>y</a></p>"),
            [pair("", "")]
        );
        // Entities are decoded; other attributes do not leak into `href` or `rel`.
        assert_eq!(
            links("<p><a title=\"t\" href=\"/a?b=1&amp;c=2\" data-rel=x>x</a></p>"),
            [pair("/a?b=1&c=2", "")]
        );
        // The next tag starts afresh.
        assert_eq!(
            links("<p><a href=/one rel=sponsored>x</a> <a href=/two>y</a></p>"),
            [pair("/one", "sponsored"), pair("/two", "")]
        );
    }

    #[test]
    fn numeric_superscripts_are_reference_marks() {
        let x = extract("<p>Risk fell by half<sup>12,13</sup> in adults<sup>TM</sup>.</p>");
        assert_eq!(x.superscripts.len(), 1);
        assert_eq!(&x.text[x.superscripts[0].clone()], "12,13");
    }

    #[test]
    fn detects_html() {
        assert!(looks_like_html("<!DOCTYPE html><html>"));
        assert!(looks_like_html("  <p>hello</p>"));
        assert!(!looks_like_html("Plain text about 3 < 4 and a > b."));
    }

    #[test]
    fn broken_markup_does_not_panic() {
        for html in [
            "<p>unclosed <b>bold",
            "</p></div>",
            "<a href=x>",
            "&",
            "&#",
            "&#x;",
            "<",
        ] {
            let _ = extract(html);
        }
    }
}
