//! What the fuzz targets share: turning a small fuzz input into a large document.
//!
//! A campaign whose inputs stayed under 3 KB missed a stack overflow that one HTML tag with a
//! few thousand attributes caused. libFuzzer grows inputs slowly, so the targets read theirs as
//! a recipe: a piece repeated many times, then the next. A 40-byte input can be a 200 KB page.

/// The document a fuzz input stands for. The input is a sequence of `piece 0xFF hi lo`: each
/// piece is written `hi * 256 + lo` times (once when the count bytes are missing), and what
/// follows the last 0xFF is written once. 0xFF never occurs in UTF-8, so a piece of text never
/// holds it. The document stops growing at [`limit`].
pub fn grow(data: &[u8]) -> Vec<u8> {
    grow_to(data, limit())
}

/// Where documents stop growing: 256 KB, or the bytes `CHAFF_FUZZ_MAX_BYTES` names. A campaign
/// of many millions of executions needs small documents (a 256 KB page takes tens of
/// milliseconds under coverage instrumentation); one that must reach large pages needs the
/// default.
pub fn limit() -> usize {
    static LIMIT: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *LIMIT.get_or_init(|| {
        std::env::var("CHAFF_FUZZ_MAX_BYTES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(256 << 10)
    })
}

fn grow_to(data: &[u8], limit: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = data;
    while let Some(at) = rest.iter().position(|&b| b == 0xFF) {
        let piece = &rest[..at];
        let count = match rest.get(at + 1..at + 3) {
            Some(&[hi, lo]) => usize::from(hi) << 8 | usize::from(lo),
            _ => 1,
        };
        for _ in 0..count {
            if out.len() + piece.len() > limit || piece.is_empty() {
                break;
            }
            out.extend_from_slice(piece);
        }
        rest = &rest[(at + 3).min(rest.len())..];
    }
    out.extend_from_slice(&rest[..rest.len().min(limit.saturating_sub(out.len()))]);
    out
}

/// A scorer shared by every run of a target, as a crawler shares one.
pub fn scorer() -> &'static chaff::Scorer {
    static SCORER: std::sync::OnceLock<chaff::Scorer> = std::sync::OnceLock::new();
    SCORER.get_or_init(chaff::Scorer::default)
}

/// The score_text and score_html targets: the document an input grows into, scored as `format`
/// (every other input through `explain`, which also finds each piece of evidence's sentence),
/// must give a report that keeps its promises (`Report::verify`).
pub fn score_and_verify(data: &[u8], format: chaff::Format) {
    let bytes = grow(data);
    let text = String::from_utf8_lossy(&bytes);
    let report = if data.len() % 2 == 0 {
        scorer().score_as(&text, format)
    } else {
        scorer().explain(&text, format)
    };
    if let Err(broken) = report.verify(&text) {
        panic!("{broken}");
    }
}

#[cfg(test)]
mod tests {
    use super::{grow, grow_to};

    #[test]
    fn a_small_input_grows_into_a_large_document() {
        assert_eq!(grow(b"plain"), b"plain");
        assert_eq!(grow(b"ab\xff\x00\x03cd"), b"abababcd");
        let page = grow(b"<p>\xff\x00\x01<b a=\"1\" \xff\x30\x00>");
        assert!(page.len() > 100_000 && page.starts_with(b"<p><b a=\"1\" "));
        assert!(grow(b"x\xff\xff\xffy\xff\xff\xff").len() <= 256 << 10);
        assert_eq!(grow(b"tail\xff"), b"tail");
        assert_eq!(grow_to(b"ab\xff\x00\x03cd", 4), b"abab", "a smaller limit");
    }
}
