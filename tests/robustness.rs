//! No input makes chaff panic, and evidence always points inside the input.

use std::sync::LazyLock;

use chaff::Scorer;
use proptest::prelude::*;

/// One scorer for every case, as a crawler would share it.
static SCORER: LazyLock<Scorer> = LazyLock::new(Scorer::default);

fn check(input: &str, report: &chaff::Report) {
    assert!((0.0..=1.0).contains(&report.reliability));
    for e in &report.evidence {
        assert!(e.start <= e.end && e.end <= input.len(), "{e:?}");
        assert!(input.is_char_boundary(e.start) && input.is_char_boundary(e.end));
        assert!(e.line >= 1 && e.column >= 1);
    }
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
        check(&input, &scorer.score(&input));
        check(&input, &scorer.score_html(&input));
    }

    #[test]
    fn any_html_soup_scores(input in html_soup()) {
        let scorer = &*SCORER;
        check(&input, &scorer.score_html(&input));
    }
}
