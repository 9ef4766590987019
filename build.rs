//! Compiles the signals written as data (`data/signals/*.toml`, see `data/signals/README.md`)
//! into Rust: for each, its `SignalSpec` and its constructor, in `$OUT_DIR/rules.rs`, which
//! `src/signals/rules.rs` includes. A rule file that does not parse, or names an unknown
//! family, polarity or measure, fails the build with the file's name.

use std::fmt::Write as _;
use std::path::Path;

// The rule format, shared with the curators' rules of `chaff.toml` (`src/config.rs`).
include!("src/signals/rule_file.rs");

/// The Rust path of a named filter (`mid-sentence` is `filters::mid_sentence`).
fn filter_path(name: &str) -> String {
    format!("super::filters::{}", name.replace('-', "_"))
}

/// The parameter of a rule's constructor: the lexicons, where its starting words go.
fn lexicons_parameter(starting_words: &Option<Vec<String>>) -> &'static str {
    match starting_words {
        Some(_) => "lexicons: &mut LexiconBuilder",
        None => "",
    }
}

/// The call that says where a rule's matches start, if the rule says.
fn starts(id: &str, words: Option<Vec<String>>, at: Option<Vec<String>>, path: &Path) -> String {
    if words.is_none() && at.is_none() {
        return String::new();
    }
    let mut call = "\n    .starting_at(Starts::default()".to_owned();
    if let Some(words) = words {
        let _ = write!(call, ".words({id:?}, &{words:?}, lexicons)");
    }
    for place in at.unwrap_or_default() {
        match place.as_str() {
            "numbers" => call.push_str(".numbers()"),
            "currency-signs" => call.push_str(".currency()"),
            other => panic!(
                "{}: starting_at {other:?}: the places are numbers and currency-signs",
                path.display()
            ),
        }
    }
    call.push(')');
    call
}

/// A note template as the closure that writes it: `{said}` is the matched text, `{N}` the
/// entry's field N after the phrase.
fn note_closure(template: &str) -> String {
    let mut lets = String::new();
    let mut format = template.to_owned();
    for n in 1..=9 {
        if format.contains(&format!("{{{n}}}")) {
            let field = match n {
                1 => "first()".to_owned(),
                _ => format!("get({})", n - 1),
            };
            let _ = write!(lets, "let f{n} = entry.fields.{field}?; ");
            format = format.replace(&format!("{{{n}}}"), &format!("{{f{n}}}"));
        }
    }
    let said = if template.contains("{said}") {
        "said"
    } else {
        "_"
    };
    let entry = if lets.is_empty() { "_" } else { "entry" };
    format!("|{said}, {entry}| {{ {lets}Some(format!({format:?})) }}")
}

/// `word` with its first letter upper-case (a family or polarity as its Rust variant).
fn variant(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
}

fn main() {
    let dir = Path::new("data/signals");
    println!("cargo::rerun-if-changed={}", dir.display());
    println!("cargo::rerun-if-changed=src/signals/rule_file.rs");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("data/signals")
        .map(|entry| entry.expect("data/signals").path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    let mut out = String::new();
    for path in &paths {
        println!("cargo::rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(path).expect("a rule file");
        let rule: Rule =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        assert_eq!(
            stem,
            rule.name,
            "{}: a rule file is named as its signal",
            path.display()
        );
        assert!(
            ["spun", "hype", "citation", "commercial", "cure", "quality"]
                .contains(&rule.family.as_str()),
            "{}: unknown family {:?}",
            path.display(),
            rule.family
        );
        assert!(
            ["concern", "support"].contains(&rule.polarity.as_str()),
            "{}: unknown polarity {:?}",
            path.display(),
            rule.polarity
        );
        // What a curator's rule may leave out, a built-in one must say; a weight is learned.
        assert!(
            !rule.doc.is_empty() && !rule.fires_on.is_empty() && !rule.quiet_on.is_empty(),
            "{}: a built-in rule has a doc and examples it fires and stays quiet on",
            path.display()
        );
        assert!(
            rule.weight.is_none(),
            "{}: a built-in rule's weight is the model's, not its own",
            path.display()
        );
        let constant = rule.name.replace('-', "_").to_uppercase();
        let function = rule.name.replace('-', "_");
        let _ = writeln!(
            out,
            "/// {id}, from `data/signals/{name}.toml`.\n\
             pub(super) const {constant}: SignalSpec = SignalSpec {{\n    id: {id:?},\n    \
             version: {version},\n    family: Family::{family},\n    polarity: \
             Polarity::{polarity},\n    name: {name:?},\n    message: {message:?},\n    unit: \
             {unit},\n    doc: {doc:?},\n    fires_on: &{fires_on:?},\n    quiet_on: \
             &{quiet_on:?},\n}};\n",
            id = rule.id,
            name = rule.name,
            version = rule.version,
            family = variant(&rule.family),
            polarity = variant(&rule.polarity),
            message = rule.message,
            doc = rule.doc,
            fires_on = rule.fires_on,
            quiet_on = rule.quiet_on,
            unit = match &rule.measure {
                Measure::PatternCount { unit, .. } => format!("{unit:?}"),
                Measure::PhraseRate {
                    allowance: Some(allowance),
                    ..
                }
                | Measure::PatternRate {
                    allowance: Some(allowance),
                    ..
                } => format!(
                    "{:?}",
                    allowance_unit(*allowance)
                        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                ),
                _ => "PER_THOUSAND".to_owned(),
            },
        );
        match rule.measure {
            Measure::PhraseRate {
                lexicon,
                fields,
                pattern,
                filter,
                note,
                allowance,
            } => {
                let _ = write!(
                    out,
                    "/// {id}: the phrases of `data/lexicons/{lexicon}`.\n\
                     pub(super) fn {function}(lexicons: &mut LexiconBuilder) -> PhraseRate {{\n    \
                     PhraseRate::builtin(\n        &{constant},\n        \
                     include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/data/lexicons/{lexicon}\")),\n        \
                     {fields},\n        lexicons,\n    )",
                    id = rule.id,
                );
                if let Some(pattern) = pattern {
                    let _ = write!(out, "\n    .with_pattern({:?})", pattern.source());
                }
                if let Some(filter) = filter {
                    let _ = write!(out, "\n    .with_filter({})", filter_path(&filter));
                }
                if let Some(note) = note {
                    let _ = write!(out, "\n    .with_note({})", note_closure(&note));
                }
                if let Some(allowance) = allowance {
                    let _ = write!(out, "\n    .with_allowance({allowance:?})");
                }
                let _ = writeln!(out, "\n}}\n");
                println!("cargo::rerun-if-changed=data/lexicons/{lexicon}");
            }
            Measure::PatternRate {
                pattern,
                prefilter,
                filter,
                gate,
                starting_words,
                starting_at,
                allowance,
            } => {
                let prefilter = if prefilter { "Auto" } else { "Off" };
                let _ = write!(
                    out,
                    "/// {id}: the matches of its pattern.\n\
                     pub(super) fn {function}({lexicons}) -> PatternRate {{\n    \
                     PatternRate::builtin_with(&{constant}, {pattern:?}, Prefilter::{prefilter})",
                    id = rule.id,
                    pattern = pattern.source(),
                    lexicons = lexicons_parameter(&starting_words),
                );
                if let Some(filter) = filter {
                    let _ = write!(out, "\n    .with_filter({})", filter_path(&filter));
                }
                if let Some(gate) = gate {
                    let _ = write!(out, "\n    .only_where({})", filter_path(&gate));
                }
                if let Some(allowance) = allowance {
                    let _ = write!(out, "\n    .with_allowance({allowance:?})");
                }
                let _ = write!(
                    out,
                    "{}",
                    starts(&rule.id, starting_words, starting_at, path)
                );
                let _ = writeln!(out, "\n}}\n");
            }
            Measure::PatternCount {
                pattern,
                starting_words,
                starting_at,
                ..
            } => {
                let _ = writeln!(
                    out,
                    "/// {id}: the matches of its pattern, counted.\n\
                     pub(super) fn {function}({lexicons}) -> PatternCount {{\n    \
                     PatternCount(PatternRate::builtin(&{constant}, {pattern:?}){starts})\n}}\n",
                    id = rule.id,
                    pattern = pattern.source(),
                    lexicons = lexicons_parameter(&starting_words),
                    starts = starts(&rule.id, starting_words, starting_at, path),
                );
            }
        }
    }
    let target = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("rules.rs");
    std::fs::write(target, out).expect("rules.rs");
}
