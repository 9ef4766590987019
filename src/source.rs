//! Input text and the maps that lead from derived text back to it.
//!
//! Every piece of evidence chaff reports points into the caller's input. Two steps can move text
//! away from the input: lossy UTF-8 decoding (an invalid byte becomes a 3-byte U+FFFD) and HTML
//! extraction (tags dropped, entities decoded). Each step records an [`OffsetMap`]; reports map
//! evidence spans back through them.

use std::ops::Range;

/// A map from byte offsets in a derived text to byte offsets in the text it came from.
///
/// The derived text is covered by segments. In a segment whose two sides have the same length
/// the bytes correspond one to one (copied text); in any other segment (a decoded entity, an
/// inserted separator, a replaced invalid byte) the whole segment maps to the whole source range.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    /// Sorted by `derived`; empty means identity.
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, Copy)]
struct Segment {
    derived: usize,
    derived_len: usize,
    source: usize,
    source_len: usize,
}

impl OffsetMap {
    /// The map of a text that is its own source.
    pub fn identity() -> Self {
        Self::default()
    }

    /// True when offsets map to themselves.
    pub fn is_identity(&self) -> bool {
        self.segments.is_empty()
    }

    /// Records that `derived_len` bytes at the current end of the derived text stand for
    /// `source` in the source text. Calls must come in derived-text order.
    pub(crate) fn push(&mut self, derived: usize, derived_len: usize, source: Range<usize>) {
        let source_len = source.end - source.start;
        if let Some(last) = self.segments.last_mut() {
            let linear = last.derived_len == last.source_len && derived_len == source_len;
            if linear
                && last.derived + last.derived_len == derived
                && last.source + last.source_len == source.start
            {
                last.derived_len += derived_len;
                last.source_len += source_len;
                return;
            }
        }
        self.segments.push(Segment {
            derived,
            derived_len,
            source: source.start,
            source_len,
        });
    }

    /// Maps a derived-text range to the source range it came from.
    pub fn map_range(&self, range: Range<usize>) -> Range<usize> {
        if self.is_identity() {
            return range;
        }
        let start = self.map_start(range.start);
        let end = self.map_end(range.end).max(start);
        start..end
    }

    fn segment_at(&self, offset: usize) -> Option<&Segment> {
        let index = self.segments.partition_point(|s| s.derived <= offset);
        index.checked_sub(1).map(|i| &self.segments[i])
    }

    fn map_start(&self, offset: usize) -> usize {
        let Some(seg) = self.segment_at(offset) else {
            return 0;
        };
        let within = offset - seg.derived;
        if within >= seg.derived_len {
            seg.source + seg.source_len
        } else if seg.derived_len == seg.source_len {
            seg.source + within
        } else {
            seg.source
        }
    }

    fn map_end(&self, offset: usize) -> usize {
        if offset == 0 {
            return self.map_start(0);
        }
        let Some(seg) = self.segment_at(offset - 1) else {
            return 0;
        };
        let within = offset - seg.derived;
        if seg.derived_len == seg.source_len && within <= seg.derived_len {
            seg.source + within
        } else {
            seg.source + seg.source_len
        }
    }
}

/// Text decoded from raw bytes.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The decoded text.
    pub text: String,
    /// From `text` back to the raw bytes (identity for valid UTF-8).
    pub map: OffsetMap,
    /// True when some bytes were not valid in `encoding` and were replaced by U+FFFD.
    pub lossy: bool,
    /// The encoding the bytes were read in.
    pub encoding: &'static encoding_rs::Encoding,
}

/// Decodes bytes in `encoding` (a byte-order mark's, or the one an HTML page declares), from
/// `start` (past a byte-order mark), mapping every decoded character back to the bytes it came
/// from; malformed sequences become U+FFFD.
pub fn decode_in(bytes: &[u8], start: usize, encoding: &'static encoding_rs::Encoding) -> Decoded {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 2);
    let mut map = OffsetMap::default();
    let mut lossy = false;
    // The decoder is fed one byte at a time, so that each character it writes is known to come
    // from the bytes fed since the previous one (a multi-byte sequence, or a single byte). Only
    // pages that are not UTF-8 come here; the cost is a few nanoseconds per byte.
    let mut pending = start;
    let mut feed = |input: &[u8], end: usize, last: bool, text: &mut String| {
        // Through a small buffer: `decode_to_string` zero-fills the string's spare capacity on
        // every call, which byte by byte is quadratic (a 3 MB page took 15 s).
        let mut out = [0u8; 32];
        let (_, _, written, replaced) = decoder.decode_to_utf8(input, &mut out, last);
        lossy |= replaced;
        if written > 0 {
            let before = text.len();
            text.push_str(std::str::from_utf8(&out[..written]).unwrap_or("\u{FFFD}"));
            map.push(before, text.len() - before, pending..end);
            pending = end;
        }
    };
    for i in start..bytes.len() {
        feed(&bytes[i..=i], i + 1, false, &mut text);
    }
    feed(&[], bytes.len(), true, &mut text);
    Decoded {
        text,
        map,
        lossy,
        encoding,
    }
}

/// Decodes bytes as UTF-8, replacing invalid sequences with U+FFFD and remembering where they were.
/// Valid UTF-8 becomes the text without a copy.
pub fn decode_lossy(bytes: Vec<u8>) -> Decoded {
    decode(bytes, |_| None)
}

/// Decodes bytes as UTF-8 when they are valid UTF-8 (without a copy: nearly every page), else
/// in the encoding `declared` finds in them (an HTML page's `<meta charset>`), else as UTF-8
/// with invalid sequences replaced. Each page is checked for UTF-8 once, and only a page that
/// fails is searched for a declaration: scrapers often re-encode a page to UTF-8 and leave its
/// old declaration, which valid UTF-8 therefore overrides.
pub fn decode(
    bytes: Vec<u8>,
    declared: impl FnOnce(&[u8]) -> Option<&'static encoding_rs::Encoding>,
) -> Decoded {
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => {
            return Decoded {
                text,
                map: OffsetMap::identity(),
                lossy: false,
                encoding: encoding_rs::UTF_8,
            }
        }
        Err(e) => e.into_bytes(),
    };
    if let Some(encoding) = declared(&bytes).filter(|&e| e != encoding_rs::UTF_8) {
        return decode_in(&bytes, 0, encoding);
    }
    let mut text = String::with_capacity(bytes.len() + 16);
    let mut map = OffsetMap::default();
    let mut raw = 0;
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        map.push(text.len(), valid.len(), raw..raw + valid.len());
        text.push_str(valid);
        raw += valid.len();
        let invalid = chunk.invalid();
        if !invalid.is_empty() {
            map.push(text.len(), '\u{FFFD}'.len_utf8(), raw..raw + invalid.len());
            text.push('\u{FFFD}');
            raw += invalid.len();
        }
    }
    Decoded {
        text,
        map,
        lossy: true,
        encoding: encoding_rs::UTF_8,
    }
}

/// True when the bytes look like a binary file rather than text (they hold a NUL byte).
pub fn looks_binary(bytes: &[u8]) -> bool {
    bytes.contains(&0)
}

/// Line and column of increasing byte offsets, in one pass over the text.
#[derive(Debug, Clone)]
pub struct LineCursor<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
    column: usize,
}

impl<'a> LineCursor<'a> {
    /// A cursor at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            offset: 0,
            line: 1,
            column: 1,
        }
    }

    /// The 1-based line and column (in characters) of `offset`, which must not be below the
    /// offset of the previous call (a smaller one restarts from the top).
    pub fn advance_to(&mut self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset);
        if offset < self.offset {
            *self = Self::new(self.text);
        }
        // Newlines found with `memchr`, characters counted as the bytes that do not continue
        // one (both vectorised: evidence of a long document is spread over all of it).
        let passed = &self.text.as_bytes()[self.offset..offset];
        let chars = |bytes: &[u8]| bytes.iter().filter(|&&b| (b as i8) >= -0x40).count();
        match memchr::memrchr(b'\n', passed) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', passed).count();
                self.column = 1 + chars(&passed[last + 1..]);
            }
            None => self.column += chars(passed),
        }
        self.offset = offset;
        (self.line, self.column)
    }
}

/// The largest char boundary of `text` at or below `offset`.
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The smallest char boundary of `text` at or above `offset`.
pub fn ceil_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_utf8_is_identity() {
        let decoded = decode_lossy("héllo".as_bytes().to_vec());
        assert!(!decoded.lossy);
        assert!(decoded.map.is_identity());
        assert_eq!(decoded.text, "héllo");
    }

    #[test]
    fn lossy_decoding_maps_back_to_raw_bytes() {
        let raw = b"ab\xffcd";
        let decoded = decode_lossy(raw.to_vec());
        assert!(decoded.lossy);
        assert_eq!(decoded.text, "ab\u{FFFD}cd");
        // "cd" sits at 5..7 in the text and at 3..5 in the raw bytes.
        assert_eq!(decoded.map.map_range(5..7), 3..5);
        // The replacement character covers the one invalid byte.
        assert_eq!(decoded.map.map_range(2..5), 2..3);
    }

    #[test]
    fn nul_bytes_mean_binary() {
        assert!(looks_binary(b"PK\x03\x04\x00\x00"));
        assert!(!looks_binary(b"plain text"));
    }

    /// Line and column the slow way: count from the start of the text.
    fn naive(text: &str, offset: usize) -> (usize, usize) {
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, text[line_start..offset].chars().count() + 1)
    }

    #[test]
    fn line_and_column_count_characters() {
        let text = "first\nsécond line\nthird";
        let mut cursor = LineCursor::new(text);
        assert_eq!(cursor.advance_to(0), (1, 1));
        let offset = text.find("line").unwrap();
        assert_eq!(cursor.advance_to(offset), (2, 8));
        assert_eq!(cursor.advance_to(text.len()), (3, 6));
    }

    #[test]
    fn the_cursor_agrees_with_counting_from_the_start() {
        let text = "first\nsécond line\n\nthird é";
        let mut cursor = LineCursor::new(text);
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            assert_eq!(cursor.advance_to(offset), naive(text, offset), "{offset}");
        }
        assert_eq!(cursor.advance_to(0), (1, 1), "going back restarts");
    }

    proptest::proptest! {
        #[test]
        fn the_cursor_agrees_with_counting_from_the_start_in_any_steps(
            text in "[a-z\n é€😀]{0,200}",
            mut offsets in proptest::collection::vec(0usize..220, 0..12),
        ) {
            offsets.sort_unstable();
            let mut cursor = LineCursor::new(&text);
            for offset in offsets {
                let at = floor_char_boundary(&text, offset);
                proptest::prop_assert_eq!(cursor.advance_to(offset), naive(&text, at));
            }
        }
    }

    #[test]
    fn non_linear_segments_map_whole() {
        let mut map = OffsetMap::default();
        map.push(0, 3, 0..3); // "abc" copied
        map.push(3, 1, 3..8); // "&amp;" decoded to "&"
        map.push(4, 2, 8..10); // "de" copied
        assert_eq!(map.map_range(0..2), 0..2);
        assert_eq!(map.map_range(3..4), 3..8);
        assert_eq!(map.map_range(2..5), 2..9);
    }
}
