//! A curator's configuration (`chaff.toml`) changes the output exactly as the README says, a
//! configuration without weights leaves the shipped model's numbers alone, and every error
//! names the file, line and key.

mod binary;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use binary::jsonl as records;
use serde_json::Value;

/// `chaff` run in `dir` (where it looks for a configuration).
fn chaff(dir: &Path) -> Command {
    let mut cmd = binary::chaff();
    cmd.current_dir(dir);
    cmd
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/examples")
}

/// A folder with a configuration (`config`), the lexicon it names, and a page.
fn folder(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("chaff.toml"), config).unwrap();
    std::fs::write(
        dir.path().join("competitors.txt"),
        "# a curator's lexicon\nacmeslim\nacme detox\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("page.txt"),
        "This tea works! Try AcmeSlim or acme detox today! Call 555-123-4567 to order.",
    )
    .unwrap();
    dir
}

const RULE: &str = r#"
[[rule]]
id = "USER001"
name = "competitor-product"
family = "commercial"
message = "names a competitor's product"
fires_on = ["Try AcmeSlim today."]
quiet_on = ["Exercise helps."]
[rule.measure]
kind = "phrase-rate"
lexicon = "competitors.txt"
"#;

fn contribution<'a>(record: &'a Value, feature: &str) -> &'a Value {
    record["contributions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["feature"] == feature)
        .unwrap_or_else(|| panic!("no contribution of {feature}"))
}

fn evidence_of(record: &Value, signal: &str) -> Vec<String> {
    record["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["signal"] == signal)
        .map(|e| e["text"].as_str().unwrap().to_owned())
        .collect()
}

fn score(dir: &Path, args: &[&str]) -> (Vec<Value>, String) {
    let out = chaff(dir)
        .args(["score", "--format", "jsonl"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.code() == Some(0), "{out:?}");
    (
        records(&out.stdout),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_lexicon_a_suppression_and_a_threshold_change_the_output_as_documented() {
    let config = format!(
        "threshold = 0.4\nignore = [\"HYPE003\"]\n{}",
        RULE.replace("[rule.measure]", "weight = 1.5\n[rule.measure]")
    );
    let dir = folder(&config);
    let (with, stderr) = score(dir.path(), &["page.txt"]);
    let (without, _) = score(dir.path(), &["--no-config", "page.txt"]);
    let (with, without) = (&with[0], &without[0]);
    // The configuration is named on stderr, with what it does.
    assert!(
        stderr.contains("chaff.toml: rules USER001; ignores HYPE003 everywhere; threshold 0.4"),
        "{stderr}"
    );
    // The rule: its evidence, and weight × ln(1 + value) on the spam logit.
    assert_eq!(evidence_of(with, "USER001"), ["AcmeSlim", "acme detox"]);
    let user = contribution(with, "USER001");
    let value = user["value"].as_f64().unwrap();
    let expected = 1.5 * value.ln_1p();
    assert!((user["contribution"].as_f64().unwrap() - expected).abs() < 1e-12);
    // The suppression: measured, no evidence, no contribution, said so.
    let exclamation = contribution(with, "HYPE003");
    assert_eq!(exclamation["status"], "suppressed");
    assert_eq!(exclamation["contribution"], 0.0);
    assert!(
        contribution(without, "HYPE003")["contribution"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    assert!(evidence_of(with, "HYPE003").is_empty() && !evidence_of(without, "HYPE003").is_empty());
    // Every other contribution is the model's, so the spam logit moves by exactly these two.
    let moved = expected
        - contribution(without, "HYPE003")["contribution"]
            .as_f64()
            .unwrap();
    let logit = |r: &Value| r["spam_logit"].as_f64().unwrap();
    assert!((logit(with) - logit(without) - moved).abs() < 1e-9);
    assert_eq!(with["quality_logit"], without["quality_logit"]);
    // The threshold: flagged below 0.4, as --threshold 0.4 flags.
    assert_eq!(
        with["flagged"],
        with["spam_kind"].is_string() || with["reliability"].as_f64().unwrap() < 0.4
    );
}

#[test]
fn a_rules_allowance_is_taken_off_its_rate() {
    let value = |config: &str| {
        let dir = folder(config);
        let (records, _) = score(dir.path(), &["page.txt"]);
        contribution(&records[0], "USER001")["value"]
            .as_f64()
            .unwrap()
    };
    let plain = value(RULE);
    let allowed = value(&RULE.replace(
        "lexicon = \"competitors.txt\"",
        "lexicon = \"competitors.txt\"\nallowance = 5.0",
    ));
    // Two names in a page under the 100-word floor: 20 per 1,000, of which 15 count.
    assert_eq!((plain, allowed), (20.0, 15.0));
    // The same for a pattern's matches.
    let pattern = |allowance: &str| {
        RULE.replace(
            "kind = \"phrase-rate\"\nlexicon = \"competitors.txt\"",
            &format!("kind = \"pattern-rate\"\npattern = '(?i:acme ?(?:slim|detox))'{allowance}"),
        )
    };
    assert_eq!(
        (value(&pattern("")), value(&pattern("\nallowance = 5.0"))),
        (20.0, 15.0)
    );
}

#[test]
fn a_lexicon_entry_that_repeats_an_earlier_ones_stems_is_a_warning() {
    let dir = folder(RULE);
    let (_, quiet) = score(dir.path(), &["page.txt"]);
    assert!(!quiet.contains("warning"), "{quiet}");
    std::fs::write(
        dir.path().join("competitors.txt"),
        "acmeslim\nacme detox\nacme detoxes\n",
    )
    .unwrap();
    let (records, stderr) = score(dir.path(), &["page.txt"]);
    assert!(
        stderr.contains(
            "chaff.toml: rule USER001: lexicon line 3, \"acme detoxes\", has the stems of line 2, \
             \"acme detox\", and never matches by itself"
        ),
        "{stderr}"
    );
    // Still scored, with the earlier entry matching.
    assert_eq!(
        evidence_of(&records[0], "USER001"),
        ["AcmeSlim", "acme detox"]
    );
}

#[test]
fn a_lexicon_past_the_phrase_matchers_limit_is_an_error_not_a_panic() {
    let dir = folder(RULE);
    // 70,000 distinct made-up words: more stems than the phrase matcher codes.
    let words: Vec<String> = (0..70_000u32)
        .map(|n| {
            (0..4)
                .map(|k| char::from(b'a' + ((n / 26u32.pow(k)) % 26) as u8))
                .collect::<String>()
                + "zq"
        })
        .collect();
    std::fs::write(dir.path().join("competitors.txt"), words.join("\n")).unwrap();
    let out = chaff(dir.path())
        .args(["score", "page.txt"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("chaff.toml:") && stderr.contains("rule[0].measure: USER001"),
        "{stderr}"
    );
}

#[test]
fn a_threshold_in_the_configuration_is_the_same_as_the_option() {
    // A reliable page (about 0.94) that only a threshold above its score flags.
    let dir = folder("threshold = 0.99\n");
    let page = examples().join("pages/sober-referenced.txt");
    let page = page.to_str().unwrap();
    let (configured, _) = score(dir.path(), &[page]);
    let (option, _) = score(dir.path(), &["--no-config", "--threshold", "0.99", page]);
    let (default, _) = score(dir.path(), &["--no-config", page]);
    assert_eq!(configured, option);
    assert_eq!(configured[0]["flagged"], true);
    assert_eq!(default[0]["flagged"], false);
}

#[test]
fn suppressions_apply_to_their_domain_and_path_only() {
    let config = "[[suppress]]\nsignals = [\"SELL004\"]\ndomain = \"example.org\"\n\n\
                  [[suppress]]\nsignals = [\"SELL001\"]\npath = \"*shops*\"\n";
    let dir = folder(config);
    let line = |id: &str, url: &str| {
        format!(
            "{{\"id\": \"{id}\", \"url\": \"{url}\", \"text\": \"Call 555-123-4567 to order today.\"}}\n"
        )
    };
    let input = line("a", "https://www.example.org/x") + &line("b", "https://other.net/");
    std::fs::write(dir.path().join("records.jsonl"), input).unwrap();
    let (records, _) = score(dir.path(), &["--jsonl", "records.jsonl"]);
    assert_eq!(contribution(&records[0], "SELL004")["status"], "suppressed");
    assert!(evidence_of(&records[0], "SELL004").is_empty());
    assert!(contribution(&records[1], "SELL004").get("status").is_none());
    assert_eq!(evidence_of(&records[1], "SELL004"), ["555-123-4567"]);
    std::fs::create_dir(dir.path().join("shops")).unwrap();
    std::fs::copy(
        dir.path().join("page.txt"),
        dir.path().join("shops/page.txt"),
    )
    .unwrap();
    let (pages, _) = score(dir.path(), &["page.txt", "shops/page.txt"]);
    assert!(contribution(&pages[0], "SELL001").get("status").is_none());
    assert_eq!(contribution(&pages[1], "SELL001")["status"], "suppressed");
    // A record's path is its JSON Lines file's.
    std::fs::copy(
        dir.path().join("records.jsonl"),
        dir.path().join("shops/records.jsonl"),
    )
    .unwrap();
    let (records, _) = score(
        dir.path(),
        &["--jsonl", "records.jsonl", "shops/records.jsonl"],
    );
    let statuses: Vec<&Value> = records
        .iter()
        .map(|r| &contribution(r, "SELL001")["status"])
        .collect();
    assert_eq!(
        statuses,
        [
            &Value::Null,
            &Value::Null,
            &"suppressed".into(),
            &"suppressed".into()
        ]
    );
}

/// A rule without a weight is evidence only: the shipped model's numbers are unchanged.
#[test]
fn a_configuration_without_weights_leaves_the_model_unchanged() {
    let dir = folder(RULE);
    let examples = examples();
    let path = examples.to_str().unwrap();
    let (with, stderr) = score(dir.path(), &[path]);
    assert!(stderr.contains("rules USER001"), "{stderr}");
    let (without, _) = score(dir.path(), &["--no-config", path]);
    assert_eq!(with.len(), without.len());
    let mut fired = 0;
    for (a, b) in with.iter().zip(&without) {
        let mut a = a.clone();
        // The rule is the last of the registry's contributions; the news head's follow.
        let at = a["contributions"]
            .as_array()
            .unwrap()
            .iter()
            .position(|c| c["feature"] == "USER001")
            .unwrap();
        let user = a["contributions"][at].clone();
        assert_eq!(user["feature"], "USER001");
        assert_eq!(user["status"], "preview");
        assert_eq!(user["contribution"], 0.0);
        fired += usize::from(user["value"].as_f64().unwrap() > 0.0);
        a["contributions"].as_array_mut().unwrap().remove(at);
        a["evidence"]
            .as_array_mut()
            .unwrap()
            .retain(|e| e["signal"] != "USER001");
        for key in [
            "reliability",
            "spam",
            "quality",
            "verdict",
            "flagged",
            "spam_logit",
        ] {
            assert_eq!(a[key], b[key], "{} {key}", b["id"]);
        }
        assert_eq!(a["contributions"], b["contributions"]);
        assert_eq!(a["families"], b["families"], "{}", b["id"]);
    }
    assert_eq!(fired, 0, "no example names the competitor");
    // Evaluation judges the model as shipped, whatever configuration is found.
    let eval = |args: &[&str]| {
        chaff(dir.path())
            .args(["eval", "--data"])
            .arg(examples.join("labeled.jsonl"))
            .args(args)
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(eval(&[]), eval(&["--no-config"]));
}

#[test]
fn the_configuration_is_found_in_a_parent_and_named_by_config() {
    let dir = folder(RULE);
    let sub = dir.path().join("a/b");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::copy(dir.path().join("page.txt"), sub.join("page.txt")).unwrap();
    let (records, stderr) = score(&sub, &["page.txt"]);
    assert!(stderr.contains("chaff.toml: rules USER001"), "{stderr}");
    assert_eq!(evidence_of(&records[0], "USER001").len(), 2);
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::copy(
        dir.path().join("page.txt"),
        elsewhere.path().join("page.txt"),
    )
    .unwrap();
    let (plain, stderr) = score(elsewhere.path(), &["page.txt"]);
    assert!(!stderr.contains("config"), "{stderr}");
    assert!(contribution(&plain[0], "HYPE003").get("status").is_none());
    let named = dir.path().join("chaff.toml");
    let (records, _) = score(
        elsewhere.path(),
        &["--config", named.to_str().unwrap(), "page.txt"],
    );
    assert_eq!(evidence_of(&records[0], "USER001").len(), 2);
    // `config check` says what it does; `features` documents the rule.
    let check = chaff(&sub).args(["config", "check"]).assert().success();
    let said = String::from_utf8_lossy(&check.get_output().stdout).into_owned();
    assert!(
        said.starts_with("ok: ") && said.contains("rules USER001"),
        "{said}"
    );
    let features = chaff(&sub).args(["features", "USER001"]).assert().success();
    let doc = String::from_utf8_lossy(&features.get_output().stdout).into_owned();
    assert!(
        doc.contains("competitor-product") && doc.contains("preview"),
        "{doc}"
    );
}

#[test]
fn every_configuration_error_names_the_file_line_and_key() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // (what is changed, into what, the place, the reason)
        (
            "family = \"commercial\"",
            "family = \"comercial\"",
            ":5:1: rule[0].family",
            "is no family",
        ),
        (
            "[[rule]]",
            "threshold = 1.5\n[[rule]]",
            ":2:13: threshold",
            "not a probability",
        ),
        (
            "[[rule]]",
            "ignore = [\"HYPE999\"]\n[[rule]]",
            ":2:11: ignore",
            "no signal \"HYPE999\"",
        ),
        (
            "competitors.txt",
            "missing.txt",
            ":11:1: rule[0].lexicon",
            "missing.txt",
        ),
        (
            "message =",
            "mesage =",
            ":6:1: mesage",
            "unknown field `mesage`",
        ),
        (
            "id = \"USER001\"",
            "id = \"SELL001\"",
            ":3:1: rule[0].id",
            "USER and digits",
        ),
        (
            "Exercise helps.",
            "AcmeSlim helps.",
            ":8:1: rule[0].quiet_on",
            "fires on",
        ),
        (
            "kind = \"phrase-rate\"\nlexicon = \"competitors.txt\"",
            "kind = \"pattern-rate\"\npattern = '(unclosed'",
            ":11:1: rule[0].pattern",
            "not a regular expression",
        ),
        (
            "lexicon = \"competitors.txt\"",
            "lexicon = \"competitors.txt\"\nallowance = -1.0",
            ":12:1: rule[0].allowance",
            "an allowance is a rate above 0 per 1,000 words",
        ),
        (
            "kind = \"phrase-rate\"\nlexicon = \"competitors.txt\"",
            "kind = \"pattern-rate\"\npattern = 'acme'\nallowance = 0.0",
            ":12:1: rule[0].allowance",
            "an allowance is a rate above 0 per 1,000 words",
        ),
        ("message = ", "weight = 2.0\nmessage = ", "", ""),
        (
            "[[rule]]",
            "[[suppress]]\nsignals = [\"SELL001\"]\n\n[[rule]]",
            ":3:12: suppress[0].signals",
            "one of domain, url or path",
        ),
        ("[[rule]]", "threshold = [\n[[rule]]", "", "chaff.toml:"),
    ];
    for &(from, to, place, reason) in cases {
        let dir = folder(&RULE.replacen(from, to, 1));
        let out = chaff(dir.path())
            .args(["config", "check"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        if place.is_empty() && reason.is_empty() {
            // A weight on a commercial rule is allowed.
            assert!(out.status.success(), "{to}: {stderr}");
            continue;
        }
        assert_eq!(out.status.code(), Some(2), "{to}: {stderr}");
        assert!(
            stderr.contains(&format!("chaff.toml{place}")) && stderr.contains(reason),
            "{to}: {stderr}"
        );
        // A bad configuration stops a run the same way, before anything is scored.
        let run = chaff(dir.path())
            .args(["score", "page.txt"])
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(2));
        assert!(run.stdout.is_empty());
    }
}

/// The example configuration the README points to is one chaff reads, and each of its rules
/// holds to its examples (checked as it is read).
#[test]
fn the_example_configuration_is_valid() {
    let dir = folder(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/chaff.example.toml"),
        )
        .unwrap(),
    );
    let check = chaff(dir.path())
        .args(["config", "check"])
        .assert()
        .success();
    let said = String::from_utf8_lossy(&check.get_output().stdout).into_owned();
    assert!(said.contains("rules USER001, USER002, USER003"), "{said}");
}

/// The triage page names the configuration and marks a curator's rule like any signal.
#[test]
fn the_triage_page_names_the_configuration_and_marks_its_rules() {
    let dir = folder(RULE);
    chaff(dir.path())
        .args(["report", "page.txt", "-o", "triage.html"])
        .assert()
        .success();
    let html = std::fs::read_to_string(dir.path().join("triage.html")).unwrap();
    assert!(
        html.contains("chaff.toml: rules USER001"),
        "the page names it"
    );
    assert!(html.contains(r#""USER001":{"name":"competitor-product","family":"commercial""#));
    assert!(html.contains(r#","USER001",null]"#), "a mark of the rule");
}
