//! Labelled data: the sources a training manifest lists, their records with each label mapped
//! onto what chaff learns, spun copies simulated from them, and their feature vectors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use super::{Label, Labelled, TrainingProblem};
use crate::batch::{for_each_line, parse_record, JsonRecord};
use crate::error::Error;

/// A labelled data file: where it is, how its label words map onto what chaff learns, and the
/// field that groups its documents (so that folds never split a group).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The JSON Lines file.
    pub path: PathBuf,
    /// Each label word of the file and what it teaches; a record with another word is an error.
    #[serde(default = "Source::journalism_labels")]
    pub labels: BTreeMap<String, Label>,
    /// The record field that names a document's group; records without it are groups of
    /// their own.
    #[serde(default = "Source::default_group")]
    pub group_by: String,
    /// Whether its documents teach the quality head. The journalism criteria are those of news
    /// stories: a source of another register (NIH pages, Cochrane summaries, doctors' answers)
    /// teaches the spam head only, or the quality head would learn its register.
    #[serde(default = "Source::yes")]
    pub teaches_quality: bool,
    /// Whether its documents are news reports (written or generated as news), which the
    /// journalism criteria judge: what the news head learns, against the other sources.
    #[serde(default = "Source::yes")]
    pub news: bool,
    /// When set, the source is a simulation: every `every`-th record, spun with a thesaurus.
    #[serde(default)]
    pub spin: Option<Spinning>,
    /// A record field that divides the source in evaluations: each value up to its first `_`
    /// is a part reported on its own ("llmfake-health/llama2" for the generator
    /// `llama2_13b`). The source is still held out whole, so that no part shares a seed story
    /// (`pair_id`) with the training data.
    #[serde(default)]
    pub parts_by: Option<String>,
}

/// How a source is spun into simulated spam (see [`crate::spin`]).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spinning {
    /// The share of content words swapped for a synonym.
    pub rate: f64,
    /// Which records are spun: every `every`-th, from the first.
    pub every: usize,
    /// Seed of the word choices (each record's seed is this plus its index among the file's
    /// records, from 0).
    pub seed: u64,
    /// The MyThes thesaurus file.
    #[serde(default = "Spinning::mythes")]
    pub thesaurus: PathBuf,
}

impl Spinning {
    fn mythes() -> PathBuf {
        PathBuf::from(crate::spin::MYTHES)
    }
}

impl Source {
    /// A file labelled `reliable`/`unreliable`, grouped by `group_by`.
    pub fn journalism(path: PathBuf, group_by: &str) -> Self {
        Source {
            path,
            labels: Self::journalism_labels(),
            group_by: group_by.to_owned(),
            teaches_quality: true,
            news: true,
            spin: None,
            parts_by: None,
        }
    }

    fn journalism_labels() -> BTreeMap<String, Label> {
        BTreeMap::from([
            ("reliable".to_owned(), Label::Reliable),
            ("unreliable".to_owned(), Label::Unreliable),
        ])
    }

    fn yes() -> bool {
        true
    }

    fn default_group() -> String {
        "outlet".to_owned()
    }

    /// The name of the source in evaluations: its file name without the extension, and
    /// "-spun" for a spinning simulation.
    pub fn name(&self) -> String {
        let stem = self.path.file_stem().map_or_else(
            || self.path.display().to_string(),
            |s| s.to_string_lossy().into_owned(),
        );
        match self.spin {
            Some(_) => format!("{stem}-spun"),
            None => stem,
        }
    }
}

/// The sources a training manifest lists (`{"sources": [{"path", "labels", "group_by"}]}`),
/// with paths relative to the manifest's folder.
pub fn read_manifest(path: &Path) -> Result<Vec<Source>, Error> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Manifest {
        sources: Vec<Source>,
    }
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| Error::Record {
        origin: path.display().to_string(),
        line: e.line(),
        reason: e.to_string(),
    })?;
    let folder = path.parent().unwrap_or(Path::new(""));
    Ok(manifest
        .sources
        .into_iter()
        .map(|source| Source {
            path: folder.join(&source.path),
            ..source
        })
        .collect())
}

/// Reads a labelled JSON Lines file (`id`, `label`, `text` or `html`), each label mapped by the
/// source. A malformed record or a label the source does not map stops the read with an error
/// naming the file and line: training on silently skipped records would mislead.
pub fn read_labeled(source: &Source) -> Result<Vec<(JsonRecord, Label)>, Error> {
    let path = &source.path;
    let origin = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| Error::Io {
        path: path.to_owned(),
        source: e,
    })?;
    let mut examples = Vec::new();
    let mut failure = None;
    for_each_line(std::io::BufReader::new(file), |line, text, _| {
        if failure.is_some() || text.trim().is_empty() {
            return;
        }
        let fail = |reason: String| Error::Record {
            origin: origin.clone(),
            line,
            reason,
        };
        match parse_record(text) {
            Err(e) => failure = Some(fail(e.reason)),
            Ok(mut record) => match record.extra.shift_remove("label") {
                Some(Value::String(word)) if source.labels.contains_key(&word) => {
                    examples.push((record, source.labels[&word]));
                }
                other => {
                    let words: Vec<&str> = source.labels.keys().map(String::as_str).collect();
                    failure = Some(fail(format!(
                        "`label` must be one of {words:?}, found {}",
                        other.map_or("nothing".to_owned(), |v| v.to_string())
                    )))
                }
            },
        }
    })
    .map_err(|e| Error::Io {
        path: path.to_owned(),
        source: e,
    })?;
    match failure {
        Some(e) => Err(e),
        None => Ok(examples),
    }
}

/// Every `every`-th record, its text spun: simulated spun copies of the source's documents.
fn spin_records(
    records: Vec<(JsonRecord, Label)>,
    spinning: &Spinning,
) -> Result<Vec<(JsonRecord, Label)>, Error> {
    use rand::SeedableRng;
    if spinning.every == 0 || !(0.0..=1.0).contains(&spinning.rate) {
        return Err(TrainingProblem::Spinning {
            every: spinning.every,
            rate: spinning.rate,
        }
        .into());
    }
    let thesaurus = crate::spin::Thesaurus::load(&spinning.thesaurus)
        .map_err(|e| Error::Training(TrainingProblem::Thesaurus(e)))?;
    Ok(records
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % spinning.every == 0)
        .map(|(i, (mut record, label))| {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(spinning.seed + i as u64);
            record.input = thesaurus.spin(&record.input, spinning.rate, &mut rng);
            record.id = format!("{}#spun", record.id);
            (record, label)
        })
        .collect())
}

/// Reads labelled sources as training examples, features computed in parallel, in file order.
pub fn read_examples(
    pipeline: &crate::Pipeline,
    sources: &[Source],
) -> Result<Vec<Labelled>, Error> {
    use rayon::prelude::*;
    let mut examples = Vec::new();
    for source in sources {
        let name = source.name();
        let file = source.path.display().to_string();
        let mut records = read_labeled(source)?;
        // A group field named and in no record is a typo: every document would be a group of
        // its own, and folds would split what the field should have kept together. (The
        // default, `outlet`, may be absent: then each record is its own group.)
        let grouped = source.group_by == "id"
            || source.group_by == Source::default_group()
            || records
                .iter()
                .any(|(record, _)| record.extra.contains_key(&source.group_by));
        if !grouped && !records.is_empty() {
            let fields: Vec<&str> = records[0].0.extra.keys().map(String::as_str).collect();
            return Err(TrainingProblem::NoGroupField {
                file: file.clone(),
                field: source.group_by.clone(),
                fields: fields.join(", "),
            }
            .into());
        }
        if let Some(spinning) = &source.spin {
            records = spin_records(records, spinning)?;
        }
        examples.par_extend(records.par_iter().map(|(record, label)| {
            let group = match record.extra.get(&source.group_by) {
                Some(Value::String(group)) => group.clone(),
                Some(Value::Number(group)) => group.to_string(),
                _ => format!("id:{}", record.id),
            };
            let part = source
                .parts_by
                .as_ref()
                .map(|field| match record.extra.get(field) {
                    Some(Value::String(value)) => {
                        value.split('_').next().unwrap_or(value).to_owned()
                    }
                    _ => "other".to_owned(),
                });
            Labelled {
                id: record.id.to_string(),
                features: pipeline.features(&record.input, record.format),
                label: *label,
                // Groups of different sources never merge.
                group: format!("{name}/{group}"),
                source: match part {
                    Some(part) => format!("{name}/{part}"),
                    None => name.clone(),
                },
                file: file.clone(),
                teaches_quality: source.teaches_quality,
                news: source.news,
            }
        }));
    }
    Ok(examples)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_maps_each_files_labels_and_names_its_parts() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("news.jsonl"),
            "{\"id\": 1, \"label\": \"ai\", \"generator\": \"llama2_13b\", \"g\": \"s1\", \"text\": \"a\"}\n\
             {\"id\": 2, \"label\": \"human\", \"g\": \"s1\", \"text\": \"b\"}\n",
        )
        .unwrap();
        let manifest = dir.path().join("sources.json");
        std::fs::write(
            &manifest,
            r#"{"sources": [{"path": "news.jsonl", "labels": {"ai": "spam", "human": "unreliable"},
                "group_by": "g", "teaches_quality": false, "parts_by": "generator"}]}"#,
        )
        .unwrap();
        let sources = read_manifest(&manifest).unwrap();
        assert_eq!(sources[0].path, dir.path().join("news.jsonl"));
        let examples = read_examples(&crate::Pipeline::default(), &sources).unwrap();
        let seen: Vec<(Label, &str, &str, bool)> = examples
            .iter()
            .map(|e| {
                (
                    e.label,
                    e.source.as_str(),
                    e.group.as_str(),
                    e.teaches_quality,
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (Label::Spam, "news/llama2", "news/s1", false),
                (Label::Unreliable, "news/other", "news/s1", false)
            ]
        );
        assert!(examples.iter().all(|e| e.file == examples[0].file));
        // A label word the file's mapping does not name stops the read at its line.
        let mut source = sources[0].clone();
        source.labels.remove("human");
        let err = read_labeled(&source).unwrap_err().to_string();
        assert!(err.contains("news.jsonl, line 2:"), "{err}");
        // An unknown key in the manifest is refused, not ignored.
        std::fs::write(
            &manifest,
            r#"{"sources": [{"path": "news.jsonl", "lables": {}}]}"#,
        )
        .unwrap();
        assert!(read_manifest(&manifest).is_err());
    }
}
