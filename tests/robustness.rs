//! No input makes chaff panic, and evidence always points inside the input.

use std::sync::LazyLock;

use chaff::Scorer;
use proptest::prelude::*;

/// One scorer for every case, as a crawler would share it.
static SCORER: LazyLock<Scorer> = LazyLock::new(Scorer::default);

fn check(input: &str, report: &chaff::Report) {
    if let Err(broken) = report.verify(input) {
        panic!("{broken}");
    }
}

/// For plain text, an evidence record quotes the input at its span (up to the quoting limit).
fn check_quotes(input: &str, report: &chaff::Report) {
    for e in &report.evidence {
        let at = &input[e.start..e.end];
        let quoted = e.text.strip_suffix('…').filter(|_| at.len() > 300);
        match quoted {
            Some(prefix) => assert!(at.starts_with(prefix), "{e:?}"),
            None => assert_eq!(at, e.text, "{e:?}"),
        }
    }
}

/// Text made of words and marks the signals look for, so that evidence is frequent.
fn signal_words() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("miracle cure ".to_owned()),
        Just("bosom malignancy ".to_owned()),
        Just("Order now! ".to_owned()),
        Just("only $49 ".to_owned()),
        Just("12% of patients ".to_owned()),
        Just("adults.seventeen Further ".to_owned()),
        Just("four.5 kg ".to_owned()),
        Just("online pharmacy ".to_owned()),
        Just("It is important to note ".to_owned()),
        Just("V1agra ".to_owned()),
        Just("said Dr. Lee. ".to_owned()),
        Just("\n".to_owned()),
        Just("é ".to_owned()),
        "[a-zA-Z .,!?%$0-9]{0,20}",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

/// HTML-ish soup: tags, entities, scripts and text fragments in any order.
fn html_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<p>".to_owned()),
        Just("</p>".to_owned()),
        Just("<script>".to_owned()),
        Just("</script>".to_owned()),
        Just("<a href=\"https://doi.org/10.1/x\">".to_owned()),
        Just("</a>".to_owned()),
        Just("<nav>".to_owned()),
        Just("&amp;".to_owned()),
        Just("&eacute;".to_owned()),
        Just("&#x1F600;".to_owned()),
        Just("&bogus".to_owned()),
        Just("<!--".to_owned()),
        Just("miracle cure".to_owned()),
        Just("bosom malignancy".to_owned()),
        Just("\r\n".to_owned()),
        "[a-zA-Z .!?]{0,12}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_text_scores(input in any::<String>()) {
        let scorer = &*SCORER;
        let report = scorer.score(&input);
        check(&input, &report);
        check_quotes(&input, &report);
        check(&input, &scorer.score_html(&input));
    }

    #[test]
    fn any_text_of_signal_words_scores(input in signal_words()) {
        let report = SCORER.score(&input);
        check(&input, &report);
        check_quotes(&input, &report);
    }

    #[test]
    fn any_html_soup_scores(input in html_soup()) {
        let scorer = &*SCORER;
        check(&input, &scorer.score_html(&input));
    }
}

/// Stack for the parses below: far below what a parse whose depth grew with its input would need
/// on these inputs (html5gum 0.9.0 as released took about 1.2 KB a double-quoted attribute, so
/// 7,000 of them overflowed the main thread's 8 MB), and ample for a parse of fixed depth.
const SMALL_STACK: usize = 256 << 10;

/// Runs `parse` on a thread with [`SMALL_STACK`] bytes of stack. A parse that recursed with its
/// input would overflow it and abort this test binary.
fn on_small_stack<T: Send>(parse: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(SMALL_STACK)
            .spawn_scoped(scope, parse)
            .expect("spawn a thread")
            .join()
            .expect("the parse does not panic")
    })
}

/// A page whose one `<a>` tag holds `unit` repeated to about `bytes`, between two paragraphs.
fn page_with_one_long_tag(unit: &str, bytes: usize) -> String {
    let mut html = String::with_capacity(bytes + 100);
    html.push_str("<p>Text before the tag.</p><a href=\"/first\"");
    for _ in 0..bytes / unit.len() {
        html.push_str(unit);
    }
    html.push_str(">the link</a><p>Text after the tag.</p>");
    html
}

#[test]
fn a_megabyte_of_attributes_in_one_tag_parses_in_a_small_stack() {
    // Every way of writing an attribute, the double-quoted ones first (they were the recursion).
    for unit in [
        " a=\"\"", " a=\"x\"", " a=''", " a='x'", " a=x", " a", " a=\"\"/",
    ] {
        let html = page_with_one_long_tag(unit, 1 << 20);
        let extracted = on_small_stack(|| chaff::html::extract(&html));
        assert_eq!(
            extracted.text, "Text before the tag.\n\nthe link\n\nText after the tag.",
            "{unit:?}"
        );
        assert_eq!(extracted.links.len(), 1, "{unit:?}");
        assert_eq!(extracted.links[0].href, "/first", "{unit:?}");
    }
}

#[test]
fn a_ten_megabyte_tag_scores_in_a_small_stack() {
    let html = page_with_one_long_tag(" a=\"\"", 10 << 20);
    assert!(html.len() > 10 << 20);
    let scorer = &*SCORER;
    let report = on_small_stack(|| scorer.score_html(&html));
    check(&html, &report);
    assert_eq!(report.words, 10, "the three pieces of text are scored");
}

/// A short run of HTML syntax: pieces that move the tokenizer between its states.
fn tokenizer_states() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<a"),
        Just("</a"),
        Just(" "),
        Just("a"),
        Just("="),
        Just("\""),
        Just("'"),
        Just("/"),
        Just(">"),
        Just("&amp;"),
        Just("&#"),
        Just("&"),
        Just("<!--"),
        Just("-->"),
        Just("-"),
        Just("<!"),
        Just("<?"),
        Just("<![CDATA["),
        Just("]]>"),
        Just("<script>"),
        Just("</script>"),
        Just("<title>"),
        Just("<!DOCTYPE"),
        Just("\0"),
    ];
    prop::collection::vec(piece, 1..8).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever run of syntax repeats, the tokenizer's depth does not grow with the repeats.
    #[test]
    fn any_repeated_syntax_parses_in_a_small_stack(unit in tokenizer_states()) {
        let html = unit.repeat((256 << 10) / unit.len());
        on_small_stack(|| chaff::html::extract(&html));
    }
}
