//! The `chaff` command: a thin layer of argument parsing and I/O over the library.

use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use chaff::batch::{self, Outcome};
use chaff::metrics::{roc_auc, Confusion};
use chaff::model::{self, TrainOptions};
use chaff::render::{self, Styling};
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
    /// Train a model on labelled JSON Lines (`id`, `label` reliable/unreliable, `text`/`html`).
    Train {
        /// Labelled JSON Lines files.
        #[arg(long, required = true)]
        data: Vec<PathBuf>,
        /// Where to write the model.
        #[arg(long, default_value = "models/default.json")]
        out: PathBuf,
        /// L2 regularisation strength.
        #[arg(long, default_value_t = 1.0)]
        alpha: f64,
    },
    /// Evaluate a model on labelled JSON Lines: accuracy, ROC-AUC, confusion matrix, and how often
    /// each signal fires per label.
    Eval {
        /// Labelled JSON Lines files.
        #[arg(long, required = true)]
        data: Vec<PathBuf>,
        /// A model file to use instead of the built-in one.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Reliability at or above which a document counts as scored reliable.
        #[arg(long, default_value_t = 0.5)]
        threshold: f64,
    },
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
        } => score(&paths, jsonl, format, model.as_deref()),
        Command::Explain { path, model } => explain(&path, model.as_deref()),
        Command::Features { id } => features(id.as_deref()),
        Command::Train { data, out, alpha } => train(&data, &out, alpha),
        Command::Eval {
            data,
            model,
            threshold,
        } => eval(&data, model.as_deref(), threshold),
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
) -> Result<ExitCode, Error> {
    let scorer = scorer(model)?;
    let format = format.unwrap_or(if io::stdout().is_terminal() {
        OutputFormat::Table
    } else {
        OutputFormat::Jsonl
    });
    let mut out = BufWriter::new(io::stdout().lock());
    let mut failed = false;
    let mut collected = Vec::new();
    // JSON Lines output is written as records come, so a pipeline sees results before input ends.
    let mut emit = |outcome: Outcome| -> Result<(), Error> {
        failed |= matches!(outcome, Outcome::Failed { .. });
        if format == OutputFormat::Jsonl {
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
    let text = match format {
        OutputFormat::Jsonl => String::new(),
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

/// Feature vectors and labels of labelled files.
fn labeled_features(pipeline: &Pipeline, data: &[PathBuf]) -> Result<Vec<(Vec<f64>, bool)>, Error> {
    let mut examples = Vec::new();
    for path in data {
        for example in batch::read_labeled(path)? {
            let record = &example.record;
            examples.push((
                pipeline.features(&record.input, record.format),
                example.reliable,
            ));
        }
    }
    Ok(examples)
}

fn train(data: &[PathBuf], out: &Path, alpha: f64) -> Result<ExitCode, Error> {
    let pipeline = Pipeline::default();
    let examples = labeled_features(&pipeline, data)?;
    let options = TrainOptions {
        alpha,
        data: data.iter().map(|p| p.display().to_string()).collect(),
    };
    let model = model::train(&pipeline.specs(), &examples, &options)?;
    std::fs::write(out, model.to_json()).map_err(|source| Error::Io {
        path: out.to_owned(),
        source,
    })?;
    eprintln!(
        "chaff: trained on {} reliable and {} unreliable examples; model written to {}",
        model.training.reliable,
        model.training.unreliable,
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn eval(data: &[PathBuf], model: Option<&Path>, threshold: f64) -> Result<ExitCode, Error> {
    let scorer = scorer(model)?;
    let examples = labeled_features(scorer.pipeline(), data)?;
    let scored: Vec<(f64, bool)> = examples
        .iter()
        .map(|(values, reliable)| (scorer.model().reliability(values), *reliable))
        .collect();
    let confusion = Confusion::at(&scored, threshold);
    let auc = roc_auc(&scored).map_or("n/a (one label only)".to_owned(), |a| format!("{a:.3}"));
    let mut out = io::stdout().lock();
    let text = format!(
        "documents   {}\nROC-AUC     {auc}\naccuracy    {:.3}  (threshold {threshold})\n\n\
         confusion matrix      scored reliable  scored unreliable\n\
         labelled reliable     {:>15}  {:>17}\n\
         labelled unreliable   {:>15}  {:>17}\n",
        scored.len(),
        confusion.accuracy(),
        confusion.true_reliable,
        confusion.false_unreliable,
        confusion.false_reliable,
        confusion.true_unreliable,
    );
    out.write_all(text.as_bytes()).map_err(stdout_error)?;
    let ids: Vec<&'static str> = scorer.specs().iter().map(|s| s.id).collect();
    let share = |x: Option<f64>| x.map_or("-".to_owned(), |x| format!("{:.1}%", 100.0 * x));
    let mut table = "\nsignal    fires on reliable  fires on unreliable\n".to_owned();
    for f in chaff::metrics::firing(&ids, &examples) {
        table.push_str(&format!(
            "{}  {:>17}  {:>19}\n",
            f.signal,
            share(f.reliable),
            share(f.unreliable)
        ));
    }
    out.write_all(table.as_bytes()).map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}
