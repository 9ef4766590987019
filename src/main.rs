//! The `chaff` command: a thin layer of argument parsing and I/O over the library.

use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use chaff::batch::{self, Outcome};
use chaff::render::{self, Styling};
use chaff::training::{self, TrainConfig};
use chaff::{Error, Pipeline, Scorer};

/// Scores scraped health web content for quality and SEO spam, and explains every score.
#[derive(Parser)]
#[command(name = "chaff", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Score documents: files, directories (recursively), or stdin.
    Score {
        /// Files or directories; `-` or nothing reads stdin.
        paths: Vec<PathBuf>,
        /// Read JSON Lines records (`id` and `text` or `html`; other fields pass through).
        #[arg(long)]
        jsonl: bool,
        /// Output format [default: table on a terminal, jsonl otherwise].
        #[arg(long, value_enum)]
        format: Option<OutputFormat>,
        /// A model file to use instead of the built-in one.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Order the output least reliable first (errors last), whatever the format.
        #[arg(long)]
        sort: bool,
        /// Decision threshold: documents below it are `flagged`, and the verdict words are cut
        /// around it [default: the model's, chosen in training].
        #[arg(long)]
        threshold: Option<f64>,
    },
    /// Explain one document's score: families, contributions and evidence in context.
    Explain {
        /// A file, or `-` for stdin.
        path: PathBuf,
        /// A model file to use instead of the built-in one.
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// List the signals, or document one (`chaff features SPUN001`).
    Features {
        /// A signal id.
        id: Option<String>,
    },
    /// Train a model on labelled JSON Lines (`id`, `label` reliable/unreliable, `text`/`html`,
    /// optional `outlet`): L2 strength by grouped cross-validation, classes balanced by
    /// oversampling, sign constraints, Platt calibration.
    Train {
        /// Labelled JSON Lines files.
        #[arg(long, required = true)]
        data: Vec<PathBuf>,
        /// Where to write the model.
        #[arg(long, default_value = "models/default.json")]
        out: PathBuf,
        #[command(flatten)]
        procedure: Procedure,
    },
    /// Evaluate on labelled JSON Lines: with --folds, cross-validate the training procedure with
    /// folds grouped by --group-by; without, judge a model (--model or the built-in one).
    Eval {
        /// Labelled JSON Lines files.
        #[arg(long, required = true)]
        data: Vec<PathBuf>,
        /// A model file to use instead of the built-in one (without --folds).
        #[arg(long, conflicts_with = "folds")]
        model: Option<PathBuf>,
        /// Cross-validate the training procedure with this many grouped folds.
        #[arg(long)]
        folds: Option<usize>,
        /// Reliability below which a document counts as called unreliable [default: the
        /// model's threshold].
        #[arg(long)]
        threshold: Option<f64>,
        #[command(flatten)]
        procedure: Procedure,
    },
}

/// Options of the training procedure, shared by `train` and `eval --folds`.
#[derive(clap::Args)]
struct Procedure {
    /// The record field that names a document's group (outlet); records without it are groups
    /// of their own.
    #[arg(long, default_value = "outlet")]
    group_by: String,
    /// Cross-validation folds used to choose the L2 strength and fit the calibration.
    #[arg(long = "inner-folds", default_value_t = 5)]
    inner_folds: usize,
    /// Seed of the folds and of the oversampling.
    #[arg(long, default_value_t = TrainConfig::default().seed)]
    seed: u64,
    /// Use only these families' signals (for ablations), e.g. `--families quality,citation`.
    #[arg(long, value_delimiter = ',', value_parser = parse_family)]
    families: Vec<chaff::Family>,
}

impl Procedure {
    fn config(&self) -> TrainConfig {
        TrainConfig {
            folds: self.inner_folds,
            seed: self.seed,
            families: self.families.clone(),
            ..TrainConfig::default()
        }
    }
}

fn parse_family(name: &str) -> Result<chaff::Family, String> {
    chaff::Family::ALL
        .into_iter()
        .find(|f| f.name() == name)
        .ok_or_else(|| {
            let names: Vec<&str> = chaff::Family::ALL.iter().map(|f| f.name()).collect();
            format!("no family {name:?}; families are {}", names.join(", "))
        })
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// One line per document, least reliable first.
    Table,
    /// A JSON array of records.
    Json,
    /// One JSON record per line, in input order.
    Jsonl,
    /// CSV with a header row.
    Csv,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Score {
            paths,
            jsonl,
            format,
            model,
            sort,
            threshold,
        } => score(&paths, jsonl, format, model.as_deref(), sort, threshold),
        Command::Explain { path, model } => explain(&path, model.as_deref()),
        Command::Features { id } => features(id.as_deref()),
        Command::Train {
            data,
            out,
            procedure,
        } => train(&data, &out, &procedure),
        Command::Eval {
            data,
            model,
            folds,
            threshold,
            procedure,
        } => eval(&data, model.as_deref(), folds, threshold, &procedure),
    };
    match result {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("chaff: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &Error) -> bool {
    matches!(e, Error::Io { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
}

fn scorer(model: Option<&Path>) -> Result<Scorer, Error> {
    match model {
        Some(path) => Scorer::with_model_file(path),
        None => Ok(Scorer::default()),
    }
}

fn stdout_error(source: io::Error) -> Error {
    Error::Io {
        path: PathBuf::from("stdout"),
        source,
    }
}

fn stdin_error(source: io::Error) -> Error {
    Error::Io {
        path: PathBuf::from("stdin"),
        source,
    }
}

fn reads_stdin(paths: &[PathBuf]) -> bool {
    paths.is_empty() || paths.iter().all(|p| p.as_os_str() == "-")
}

fn score(
    paths: &[PathBuf],
    jsonl: bool,
    format: Option<OutputFormat>,
    model: Option<&Path>,
    sort: bool,
    threshold: Option<f64>,
) -> Result<ExitCode, Error> {
    let scorer = match threshold {
        Some(t) => scorer(model)?.with_threshold(t)?,
        None => scorer(model)?,
    };
    let format = format.unwrap_or(if io::stdout().is_terminal() {
        OutputFormat::Table
    } else {
        OutputFormat::Jsonl
    });
    let mut out = BufWriter::new(io::stdout().lock());
    let mut failed = false;
    let mut collected = Vec::new();
    // JSON Lines output is written as records come, so a pipeline sees results before input
    // ends; sorting needs them all first.
    let streaming = format == OutputFormat::Jsonl && !sort;
    let mut emit = |outcome: Outcome| -> Result<(), Error> {
        failed |= matches!(outcome, Outcome::Failed { .. });
        if streaming {
            writeln!(out, "{}", outcome.to_json()).map_err(stdout_error)?;
        } else {
            collected.push(outcome);
        }
        Ok(())
    };
    if jsonl {
        score_jsonl(&scorer, paths, &mut emit)?;
    } else if reads_stdin(paths) {
        let mut bytes = Vec::new();
        io::stdin().read_to_end(&mut bytes).map_err(stdin_error)?;
        emit(score_bytes(&scorer, "-", &bytes, None))?;
    } else {
        for entry in batch::expand_paths(paths)? {
            let outcome = match entry {
                Ok(path) => match std::fs::read(&path) {
                    Ok(bytes) => {
                        score_bytes(&scorer, &path.display().to_string(), &bytes, Some(&path))
                    }
                    Err(e) => failed_file(&path, e.to_string()),
                },
                Err((path, reason)) => failed_file(&path, reason),
            };
            emit(outcome)?;
        }
    }
    if sort {
        collected.sort_by(|a, b| {
            let key = |o: &Outcome| o.reliability().unwrap_or(f64::INFINITY);
            key(a).total_cmp(&key(b))
        });
    }
    let text = match format {
        OutputFormat::Jsonl => collected
            .iter()
            .map(|o| format!("{}\n", o.to_json()))
            .collect(),
        OutputFormat::Table => {
            let color = io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            render::table(&collected, Styling { color })
        }
        OutputFormat::Json => {
            let records: Vec<_> = collected.iter().map(Outcome::to_json).collect();
            let mut json = serde_json::to_string_pretty(&records).unwrap_or_default();
            json.push('\n');
            json
        }
        OutputFormat::Csv => {
            render::csv(&collected).map_err(|e| Error::Internal(format!("CSV output: {e}")))?
        }
    };
    out.write_all(text.as_bytes()).map_err(stdout_error)?;
    out.flush().map_err(stdout_error)?;
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn failed_file(path: &Path, error: String) -> Outcome {
    Outcome::Failed {
        id: Some(path.display().to_string()),
        file: None,
        line: None,
        error,
    }
}

fn score_bytes(scorer: &Scorer, id: &str, bytes: &[u8], path: Option<&Path>) -> Outcome {
    match batch::load_bytes(bytes, path) {
        Ok(loaded) => {
            if loaded.lossy {
                eprintln!("chaff: warning: {id}: invalid UTF-8 replaced with U+FFFD");
            }
            Outcome::from_file(scorer, id.to_owned(), &loaded)
        }
        Err(error) => Outcome::Failed {
            id: Some(id.to_owned()),
            file: None,
            line: None,
            error,
        },
    }
}

fn score_jsonl(
    scorer: &Scorer,
    paths: &[PathBuf],
    emit: &mut impl FnMut(Outcome) -> Result<(), Error>,
) -> Result<(), Error> {
    if reads_stdin(paths) {
        return score_lines(scorer, io::stdin().lock(), Path::new("stdin"), None, emit);
    }
    for path in paths {
        let file = std::fs::File::open(path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        let name = Some(path.display().to_string());
        score_lines(scorer, io::BufReader::new(file), path, name, emit)?;
    }
    Ok(())
}

/// Scores each line of one JSON Lines input, emitting one outcome per line.
fn score_lines(
    scorer: &Scorer,
    reader: impl io::BufRead,
    origin: &Path,
    file: Option<String>,
    emit: &mut impl FnMut(Outcome) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut emitted = Ok(());
    batch::for_each_line(reader, |line, text, lossy| {
        if emitted.is_err() {
            return;
        }
        if lossy {
            eprintln!(
                "chaff: warning: {}, line {line}: invalid UTF-8 replaced with U+FFFD",
                origin.display()
            );
        }
        let mut outcome = Outcome::from_line(scorer, line, text);
        if let Outcome::Failed { file: f, .. } = &mut outcome {
            f.clone_from(&file);
        }
        emitted = emit(outcome);
    })
    .map_err(|source| Error::Io {
        path: origin.to_owned(),
        source,
    })?;
    emitted
}

fn explain(path: &Path, model: Option<&Path>) -> Result<ExitCode, Error> {
    let scorer = scorer(model)?;
    let (id, bytes) = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        io::stdin().read_to_end(&mut bytes).map_err(stdin_error)?;
        ("-".to_owned(), bytes)
    } else {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        (path.display().to_string(), bytes)
    };
    let file = (path.as_os_str() != "-").then_some(path);
    match score_bytes(&scorer, &id, &bytes, file) {
        Outcome::Scored { report, .. } => {
            let color = io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let text = render::explain(&id, &report, &scorer.specs(), Styling { color });
            io::stdout()
                .lock()
                .write_all(text.as_bytes())
                .map_err(stdout_error)?;
            Ok(ExitCode::SUCCESS)
        }
        Outcome::Failed { error, .. } => {
            eprintln!("chaff: {id}: {error}");
            Ok(ExitCode::from(1))
        }
    }
}

fn features(id: Option<&str>) -> Result<ExitCode, Error> {
    let specs = Pipeline::default().specs();
    let one = match id {
        Some(id) => match specs.iter().find(|s| s.id.eq_ignore_ascii_case(id)) {
            Some(spec) => Some(*spec),
            None => {
                eprintln!("chaff: error: no signal {id}; `chaff features` lists them");
                return Ok(ExitCode::from(2));
            }
        },
        None => None,
    };
    io::stdout()
        .lock()
        .write_all(render::features(&specs, one).as_bytes())
        .map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}

fn train(data: &[PathBuf], out: &Path, procedure: &Procedure) -> Result<ExitCode, Error> {
    let pipeline = Pipeline::default();
    let examples = batch::read_examples(&pipeline, data, &procedure.group_by)?;
    let names = data.iter().map(|p| p.display().to_string()).collect();
    let model = training::train(&pipeline.specs(), &examples, &procedure.config(), names)?;
    std::fs::write(out, model.to_json()).map_err(|source| Error::Io {
        path: out.to_owned(),
        source,
    })?;
    let t = &model.training;
    let dropped: Vec<&str> = t.dropped.iter().map(|d| d.feature.as_str()).collect();
    eprintln!(
        "chaff: trained on {} reliable and {} unreliable examples in {} groups; alpha {} \
         (grouped {}-fold CV), threshold {}, dropped by sign constraints: {}; model written to {}",
        t.reliable,
        t.unreliable,
        t.groups,
        t.alpha,
        t.folds,
        t.threshold,
        if dropped.is_empty() {
            "none".to_owned()
        } else {
            dropped.join(", ")
        },
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn eval(
    data: &[PathBuf],
    model: Option<&Path>,
    folds: Option<usize>,
    threshold: Option<f64>,
    procedure: &Procedure,
) -> Result<ExitCode, Error> {
    let pipeline = Pipeline::default();
    let examples = batch::read_examples(&pipeline, data, &procedure.group_by)?;
    let specs = pipeline.specs();
    let (predictions, heading) = match folds {
        Some(folds) => {
            let config = TrainConfig {
                folds,
                ..procedure.config()
            };
            let predictions = training::cross_validate(&specs, &examples, &config)?;
            let groups = examples
                .iter()
                .map(|e| e.group.as_str())
                .collect::<std::collections::BTreeSet<_>>()
                .len();
            let heading = format!(
                "grouped {folds}-fold cross-validation of the training procedure ({groups} \
                 groups by `{}`; no group in both the training and the test part of a fold)",
                procedure.group_by
            );
            (predictions, heading)
        }
        None => {
            let scorer = scorer(model)?;
            let predictions = examples
                .iter()
                .map(|e| training::Prediction {
                    reliability: scorer.model().reliability(&e.features),
                    threshold: scorer.model().threshold(),
                })
                .collect();
            let origin = model.map_or("the built-in model".to_owned(), |p| p.display().to_string());
            (predictions, format!("{origin}, as trained"))
        }
    };
    let text = render::evaluation(&heading, &specs, &examples, &predictions, threshold);
    io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}
