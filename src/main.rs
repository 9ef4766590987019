//! The `chaff` command: a thin layer of argument parsing and I/O over the library.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use chaff::batch::{self, Outcome};
use chaff::config::Config;
use chaff::emit::{Emitter, OutputFormat, Prepared, Selection, Sink, Spares, Triage};
use chaff::model::Probability;
use chaff::paths::{self, PathEntry};
use chaff::render::{self, Styling};
use chaff::run;
use chaff::training::{self, TrainConfig};
use chaff::{Error, Pipeline, Report, Scorer};

/// The exit codes, said in every command's help.
const EXIT_STATUS: &str = "Exit status: 0 when every document was scored (or the command \
    succeeded), 1 when some records are error records (the others were scored and written), 2 \
    for a usage error, a model that cannot be used, or a failure that stopped the run. A closed \
    output pipe (`chaff score ... | head`) ends the run with 0.";

/// Scores scraped health web content for quality and SEO spam, and explains every score.
#[derive(Parser)]
#[command(
    name = "chaff",
    version,
    about,
    after_help = EXIT_STATUS
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// When to color terminal output: `auto` (stdout is a terminal and NO_COLOR is unset or
    /// empty), `always`, `never`.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Say nothing on stderr but errors: no warnings, no progress bar, no hints.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// A configuration file (rules, suppressions, thresholds) [default: chaff.toml in the
    /// working directory or its nearest parent that has one].
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Use no configuration file, even where a chaff.toml is found.
    #[arg(long, global = true, conflicts_with = "config")]
    no_config: bool,
}

/// Which configuration applies (`--config`, `--no-config`, or the one found).
#[derive(Clone, Copy)]
struct ConfigChoice<'a> {
    given: Option<&'a Path>,
    none: bool,
}

impl ConfigChoice<'_> {
    /// The configuration, read and checked, if one applies; said on stderr unless quiet.
    fn load(self, ui: Ui) -> Result<Option<Config>, Error> {
        let path = match (self.given, self.none) {
            (_, true) => return Ok(None),
            (Some(path), false) => path.to_owned(),
            (None, false) => {
                let here = std::env::current_dir().unwrap_or_default();
                match Config::find(&here) {
                    Some(path) => path,
                    None => return Ok(None),
                }
            }
        };
        let config = Config::read(&path, &Pipeline::default().specs())?;
        if !ui.quiet {
            eprintln!("chaff: config {}", config.summary());
        }
        for dead in config.dead_lexicon_entries() {
            ui.warn(format!("{}: {dead}", config.path.display()));
        }
        Ok(Some(config))
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// How the command talks to its user, decided once from the options and the environment.
#[derive(Clone, Copy)]
struct Ui {
    color: bool,
    quiet: bool,
}

impl Ui {
    fn new(color: ColorChoice, quiet: bool) -> Self {
        // NO_COLOR (no-color.org): set and not empty turns color off.
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => io::stdout().is_terminal() && !no_color,
        };
        Ui { color, quiet }
    }

    /// Says a warning on stderr, unless quiet.
    fn warn(&self, message: String) {
        if !self.quiet {
            eprintln!("chaff: warning: {message}");
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Score documents: files, directories (recursively), or stdin.
    #[command(after_help = EXIT_STATUS)]
    Score(ScoreArgs),
    /// Write a triage report: one self-contained HTML page of the documents, least reliable
    /// first, to sort, filter and open with the evidence marked in the text (`chaff report
    /// crawl/ -o triage.html`). Reads what `score` reads.
    #[command(after_help = EXIT_STATUS)]
    Report(ReportArgs),
    /// Explain one document's score: families, contributions and evidence in context.
    #[command(after_help = EXIT_STATUS)]
    Explain {
        /// A file, or `-` for stdin.
        path: PathBuf,
        /// Explain the record with this `id` of a JSON Lines file (or of stdin).
        #[arg(long)]
        id: Option<String>,
        /// Print the explanation as JSON: the record `score` writes, each piece of evidence with
        /// its sentence (`context`).
        #[arg(long)]
        json: bool,
        /// A model file to use instead of the built-in one.
        #[arg(long)]
        model: Option<PathBuf>,
        /// The largest document or JSON Lines record read, in bytes (`500K`, `64M`, `1G`).
        #[arg(long, value_parser = run::MaxBytes::parse, default_value = "64M")]
        max_bytes: run::MaxBytes,
    },
    /// List the signals, or document one (`chaff features SPUN001`).
    #[command(after_help = EXIT_STATUS)]
    Features {
        /// A signal id.
        id: Option<String>,
        /// Print JSON: an array of every signal's description, or the one signal's, with its
        /// documentation and examples.
        #[arg(long)]
        json: bool,
        /// Give each signal's status in this model file instead of the built-in one (`model`:
        /// trained with it; `preview`: measured and reported, counting for nothing).
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Check a configuration file (`chaff.toml`): rules, suppressions, thresholds.
    #[command(after_help = EXIT_STATUS)]
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Print a shell's completion script (`chaff completions bash > /etc/bash_completion.d/chaff`).
    #[command(after_help = EXIT_STATUS)]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or with --out write one per command into a folder
    /// (`chaff man --out /usr/local/share/man/man1`).
    #[command(after_help = EXIT_STATUS)]
    Man {
        /// A folder to write chaff.1, chaff-score.1, ... into.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Train a model on labelled JSON Lines (`id`, `label` reliable/unreliable, `text`/`html`,
    /// optional `outlet`): L2 strength chosen for unseen sources (the model card), classes
    /// balanced by oversampling, sign constraints, Platt calibration by grouped
    /// cross-validation.
    #[command(after_help = EXIT_STATUS)]
    Train {
        #[command(flatten)]
        data: DataArgs,
        /// Where to write the model (required: the shipped model, `models/default.json`, is
        /// overwritten only when named).
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        procedure: Procedure,
    },
    /// Evaluate on labelled JSON Lines: with --folds, cross-validate the training procedure with
    /// folds grouped by --group-by; without, judge a model (--model or the built-in one).
    #[command(after_help = EXIT_STATUS)]
    Eval {
        #[command(flatten)]
        data: DataArgs,
        /// A model file to use instead of the built-in one (without --folds).
        #[arg(long, conflicts_with_all = ["folds", "leave_one_source_out"])]
        model: Option<PathBuf>,
        /// Cross-validate the training procedure with this many grouped folds.
        #[arg(long, conflicts_with = "leave_one_source_out")]
        folds: Option<usize>,
        /// Hold each source out of training in turn and predict it with a model trained on
        /// the others.
        #[arg(long)]
        leave_one_source_out: bool,
        /// Reliability below which a document counts as called unreliable, 0 to 1 [default:
        /// the model's threshold].
        #[arg(long, allow_negative_numbers = true)]
        threshold: Option<Probability>,
        /// Print the figures as one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// Also write each document's prediction to this file as JSON Lines (source, id,
        /// label, the heads' probabilities, whether it was judged spam and flagged, and its
        /// nonzero feature values), out of fold with --folds or --leave-one-source-out: to
        /// read which documents a held-out source got wrong, and on which signals.
        #[arg(long, value_name = "FILE")]
        predictions: Option<PathBuf>,
        #[command(flatten)]
        procedure: Procedure,
    },
}

/// What `chaff score` and `chaff report` read, and with which model, as given.
#[derive(clap::Args)]
struct InputArgs {
    /// Files or directories; `-` or nothing reads stdin.
    paths: Vec<PathBuf>,
    /// Read JSON Lines records (`id` and `text` or `html`; other fields pass through).
    #[arg(long)]
    jsonl: bool,
    /// Read the files (or stdin) as WARC or WET, plain or gzip, whatever their names (files
    /// named .warc, .warc.gz, .wet, .wet.gz are read so anyway).
    #[arg(long, conflicts_with = "jsonl")]
    warc: bool,
    /// A model file to use instead of the built-in one.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Decision threshold: documents below it are `flagged`, and the verdict words are cut
    /// around it, 0 to 1 [default: the model's, chosen in training].
    #[arg(long, allow_negative_numbers = true)]
    threshold: Option<Probability>,
    /// Threads to score on, 1 to 1024 [default: all cores].
    // More threads than any machine has cores only costs memory: each holds a chunk's
    // records and a stack.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// The largest document or JSON Lines record scored, in bytes (`500K`, `64M`, `1G`): a
    /// longer one is an error record, read past without being held in memory.
    #[arg(long, value_parser = run::MaxBytes::parse, default_value = "64M")]
    max_bytes: run::MaxBytes,
    /// Follow symbolic links in directory walks (a link back up the tree is an error record,
    /// not an endless walk).
    #[arg(long)]
    follow: bool,
    /// Leave files and folders out of directory walks: a glob matched against each name and
    /// its path below the walked folder (`--exclude drafts --exclude '*.min.html'`).
    #[arg(long, value_parser = exclude_pattern)]
    exclude: Vec<glob::Pattern>,
    /// Take only these types of file in directory walks: `text` (.txt, .md, no
    /// extension), `html` (.html, .htm), `jsonl` (.jsonl, .ndjson), `warc` (.warc, .warc.gz,
    /// .wet, .wet.gz); repeat or separate with commas [default: all four; with --jsonl, jsonl].
    #[arg(long = "type", short = 't', value_delimiter = ',', value_parser = file_type)]
    types: Vec<paths::FileType>,
    /// Do not honour ignore files in directory walks (.gitignore inside a git repository,
    /// .ignore and .chaffignore anywhere, as ripgrep reads them).
    #[arg(long)]
    no_ignore: bool,
    /// Walk hidden files and folders too (names starting with "."); `.git` never.
    #[arg(long)]
    hidden: bool,
}

/// What `chaff config` does.
#[derive(Subcommand)]
enum ConfigAction {
    /// Read and check a configuration (the one that applies here, or FILE): says what it
    /// does, or points at the line and key of the first error (exit 2).
    Check {
        /// The file [default: the configuration that applies: --config, or chaff.toml here or
        /// in the nearest parent].
        file: Option<PathBuf>,
    },
}

/// `chaff config check`: the configuration's summary on stdout, or its first error.
fn config_check(choice: ConfigChoice<'_>) -> Result<ExitCode, Error> {
    let quiet = Ui {
        color: false,
        quiet: true,
    };
    match choice.load(quiet)? {
        Some(config) => {
            let mut out = io::stdout().lock();
            writeln!(out, "ok: {}", config.summary()).map_err(stdout_error)?;
            Ok(ExitCode::SUCCESS)
        }
        None => Err(Error::Config {
            place: "chaff config check".to_owned(),
            reason: format!(
                "no configuration: no {} here or in a parent folder, and no --config FILE",
                chaff::config::FILE_NAME
            ),
        }),
    }
}

/// The options of `chaff score`, as given.
#[derive(clap::Args)]
struct ScoreArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output format [default: table on a terminal, jsonl otherwise].
    #[arg(long, value_enum)]
    format: Option<OutputFormat>,
    /// Order the output least reliable first (errors last), whatever the format.
    #[arg(long)]
    sort: bool,
    /// Keep only scored records with at least this reliability, 0 to 1 (errors are always
    /// kept).
    #[arg(long, allow_negative_numbers = true)]
    min_reliability: Option<Probability>,
    /// Keep only scored records with at most this reliability, 0 to 1 (errors are always
    /// kept).
    #[arg(long, allow_negative_numbers = true)]
    max_reliability: Option<Probability>,
    /// Keep only these fields of JSON records, e.g. `--fields id,reliability`.
    #[arg(long, value_delimiter = ',', value_parser = field_name)]
    fields: Option<Vec<String>>,
    /// Write the records to this file (replaced if it exists) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

/// The options of `chaff report`, as given.
#[derive(clap::Args)]
struct ReportArgs {
    #[command(flatten)]
    input: InputArgs,
    /// The HTML file to write (replaced if it exists).
    #[arg(long, short = 'o')]
    out: PathBuf,
}

impl InputArgs {
    /// The paths, the model file and the options, checked, writing to `destination` with
    /// `selection`.
    fn checked(
        self,
        ui: Ui,
        config: Option<Config>,
        destination: Destination,
        selection: Selection,
    ) -> (Vec<PathBuf>, Option<PathBuf>, ScoreOptions) {
        let InputArgs {
            paths,
            jsonl,
            warc,
            model,
            threshold,
            threads,
            max_bytes,
            follow,
            exclude,
            types,
            no_ignore,
            hidden,
        } = self;
        let options = ScoreOptions {
            jsonl,
            warc,
            destination,
            config,
            threshold,
            selection,
            threads: threads.map(usize::from),
            max_bytes,
            ui,
            walking: paths::WalkOptions {
                types: match (types.is_empty(), jsonl, warc) {
                    (false, _, _) => types,
                    (true, true, _) => vec![paths::FileType::Jsonl],
                    (true, _, true) => vec![paths::FileType::Warc],
                    (true, false, false) => paths::FileType::ALL.to_vec(),
                },
                follow,
                exclude,
                ignore_files: !no_ignore,
                hidden,
            },
        };
        (paths, model, options)
    }
}

impl ScoreArgs {
    /// The paths, the model file and the options, checked (an empty reliability range is a
    /// usage error).
    fn checked(
        self,
        ui: Ui,
        config: Option<Config>,
    ) -> (Vec<PathBuf>, Option<PathBuf>, ScoreOptions) {
        let ScoreArgs {
            input,
            format,
            sort,
            min_reliability,
            max_reliability,
            fields,
            output,
        } = self;
        // Parquet is binary: it goes to a file or a pipe, never onto a terminal.
        if format == Some(OutputFormat::Parquet) && output.is_none() && io::stdout().is_terminal() {
            Cli::command()
                .error(
                    clap::error::ErrorKind::ArgumentConflict,
                    "--format parquet writes binary: give -o FILE or redirect stdout",
                )
                .exit();
        }
        if let (Some(min), Some(max)) = (min_reliability, max_reliability) {
            if min > max {
                Cli::command()
                    .error(
                        clap::error::ErrorKind::ArgumentConflict,
                        format!(
                            "--min-reliability {} is above --max-reliability {}: no record \
                             could be kept",
                            min.get(),
                            max.get()
                        ),
                    )
                    .exit();
            }
        }
        let selection = Selection {
            min_reliability: min_reliability.map(Probability::get),
            max_reliability: max_reliability.map(Probability::get),
            fields,
            ..Selection::default()
        };
        input.checked(
            ui,
            config,
            Destination::Records {
                format,
                sort,
                output,
            },
            selection,
        )
    }
}

/// The labelled data: JSON Lines files labelled reliable/unreliable, or a manifest of sources
/// with a label mapping each.
#[derive(clap::Args)]
#[group(required = true, multiple = true)]
struct DataArgs {
    /// Labelled JSON Lines files (`label` reliable or unreliable).
    #[arg(long)]
    data: Vec<PathBuf>,
    /// A manifest of sources (`{"sources": [{"path", "labels", "group_by"}]}`; paths relative
    /// to it), each with its own label mapping onto reliable, unreliable and spam. The shipped
    /// model's is `models/sources.json`.
    #[arg(long)]
    sources: Option<PathBuf>,
}

impl DataArgs {
    fn sources(&self, group_by: &str) -> Result<Vec<training::data::Source>, Error> {
        let mut sources = match &self.sources {
            Some(manifest) => training::data::read_manifest(manifest)?,
            None => Vec::new(),
        };
        sources.extend(
            self.data
                .iter()
                .map(|path| training::data::Source::journalism(path.clone(), group_by)),
        );
        Ok(sources)
    }
}

/// Options of the training procedure, shared by `train` and `eval --folds`.
#[derive(clap::Args)]
struct Procedure {
    /// The record field that names a document's group (outlet); records without it are groups
    /// of their own.
    #[arg(long, default_value = "outlet")]
    group_by: String,
    /// Cross-validation folds used to choose the L2 strength and fit the calibration [default:
    /// 5].
    #[arg(long = "inner-folds")]
    inner_folds: Option<usize>,
    /// Seed of the folds and of the oversampling [default: 20261121].
    #[arg(long)]
    seed: Option<u64>,
    /// Use only these families' signals (for ablations), e.g. `--families quality,citation`.
    #[arg(long, value_delimiter = ',', value_parser = parse_family)]
    families: Vec<chaff::Family>,
}

impl Procedure {
    fn config(&self) -> TrainConfig {
        let default = TrainConfig::default();
        TrainConfig {
            folds: self.inner_folds.unwrap_or(default.folds),
            seed: self.seed.unwrap_or(default.seed),
            families: self.families.clone(),
            ..default
        }
    }

    /// The first option given that only a training procedure uses, if any: `eval` without
    /// `--folds` or `--leave-one-source-out` trains nothing, and would ignore it.
    fn training_option_given(&self) -> Option<&'static str> {
        [
            ("--inner-folds", self.inner_folds.is_some()),
            ("--seed", self.seed.is_some()),
            ("--families", !self.families.is_empty()),
        ]
        .into_iter()
        .find_map(|(flag, given)| given.then_some(flag))
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ui = Ui::new(cli.color, cli.quiet);
    let choice = ConfigChoice {
        given: cli.config.as_deref(),
        none: cli.no_config,
    };
    match run(cli.command, ui, choice) {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("chaff: error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Runs a command; an error is said by `main`.
fn run(command: Command, ui: Ui, choice: ConfigChoice<'_>) -> Result<ExitCode, Error> {
    match command {
        Command::Score(args) => choice.load(ui).and_then(|config| {
            let (paths, model, options) = args.checked(ui, config);
            score(&paths, model.as_deref(), &options)
        }),
        Command::Report(ReportArgs { input, out }) => choice.load(ui).and_then(|config| {
            let destination = Destination::Triage(out);
            let selection = Selection::default();
            let (paths, model, options) = input.checked(ui, config, destination, selection);
            score(&paths, model.as_deref(), &options)
        }),
        Command::Config {
            action: ConfigAction::Check { file },
        } => config_check(file.as_deref().map_or(choice, |given| ConfigChoice {
            given: Some(given),
            none: false,
        })),
        Command::Explain {
            path,
            id,
            json,
            model,
            max_bytes,
        } => choice.load(ui).and_then(|config| {
            let what = ExplainOptions {
                id,
                json,
                max_bytes,
                ui,
                config,
            };
            explain(&path, model.as_deref(), &what)
        }),
        Command::Features { id, json, model } => choice.load(ui).and_then(|config| {
            let scorer = configured_scorer(model.as_deref(), config.as_ref(), None)?;
            features(id.as_deref(), json, &scorer)
        }),
        Command::Completions { shell } => completions(shell),
        Command::Man { out } => manual(out.as_deref()),
        Command::Train {
            data,
            out,
            procedure,
        } => train(&data, &out, &procedure),
        Command::Eval {
            folds: None,
            leave_one_source_out: false,
            ref procedure,
            ..
        } if let Some(flag) = procedure.training_option_given() => refuse_training_option(flag),
        Command::Eval {
            data,
            model,
            folds,
            leave_one_source_out,
            threshold,
            json,
            predictions,
            procedure,
        } => eval(
            &data,
            model.as_deref(),
            EvalKind {
                folds,
                leave_one_source_out,
                threshold,
                json,
                predictions,
            },
            &procedure,
        ),
    }
}

/// `chaff completions SHELL`: the shell's completion script on stdout.
fn completions(shell: clap_complete::Shell) -> Result<ExitCode, Error> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "chaff", &mut out);
    io::stdout()
        .lock()
        .write_all(&out)
        .map_err(stdout_error)
        .map(|()| ExitCode::SUCCESS)
}

/// Exits with a usage error: `flag` sets the training procedure, which eval without --folds or
/// --leave-one-source-out does not run.
fn refuse_training_option(flag: &str) -> ! {
    let mut cli = Cli::command();
    cli.build();
    cli.find_subcommand_mut("eval")
        .expect("eval is a command")
        .error(
            clap::error::ErrorKind::ArgumentConflict,
            format!(
                "{flag} sets the training procedure, which eval runs only with --folds or \
                 --leave-one-source-out"
            ),
        )
        .exit()
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

/// The scorer of a run: the model, a curator's configuration (rules, suppressions, cuts), and
/// `--threshold`, which overrides the configuration's threshold (its verdict cuts, when it has
/// them, still apply).
fn configured_scorer(
    model: Option<&Path>,
    config: Option<&Config>,
    threshold: Option<Probability>,
) -> Result<Scorer, Error> {
    let Some(config) = config else {
        return Ok(match threshold {
            Some(t) => scorer(model)?.with_threshold(t),
            None => scorer(model)?,
        });
    };
    let (json, origin) = match model {
        Some(path) => (
            std::fs::read_to_string(path).map_err(|source| Error::Io {
                path: path.to_owned(),
                source,
            })?,
            path.display().to_string(),
        ),
        None => (chaff::BUILTIN_MODEL.to_owned(), "built-in".to_owned()),
    };
    let mut scorer = Scorer::with_model_and_rules(&json, &origin, &config.rules)?
        .with_suppressions(config.suppressions.clone())?;
    let threshold = threshold.or_else(|| config.threshold.and_then(Probability::new));
    if let Some(t) = threshold {
        scorer = scorer.with_threshold(t);
    }
    Ok(scorer.with_cuts(config.spam_threshold, config.verdicts.clone()))
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

/// Where a run's records go.
enum Destination {
    /// Records in `format` [default: a table on a terminal, JSON Lines otherwise], `sort`ed
    /// least reliable first or in input order, on stdout or in the `output` file (`chaff score`).
    Records {
        format: Option<OutputFormat>,
        sort: bool,
        output: Option<PathBuf>,
    },
    /// The triage page, written to this file (`chaff report`).
    Triage(PathBuf),
}

/// How `chaff score` and `chaff report` read and write.
struct ScoreOptions {
    jsonl: bool,
    /// Every file is WARC or WET (`--warc`).
    warc: bool,
    destination: Destination,
    /// A curator's configuration, read and checked.
    config: Option<Config>,
    threshold: Option<Probability>,
    selection: Selection,
    threads: Option<usize>,
    max_bytes: run::MaxBytes,
    ui: Ui,
    /// How directories are walked (the types taken: with --jsonl, JSON Lines files unless
    /// --type says otherwise).
    walking: paths::WalkOptions,
}

fn score(
    paths: &[PathBuf],
    model: Option<&Path>,
    options: &ScoreOptions,
) -> Result<ExitCode, Error> {
    let mut scorer = configured_scorer(model, options.config.as_ref(), options.threshold)?;
    // The triage page shows each document's text with its evidence marked.
    if matches!(options.destination, Destination::Triage(_)) {
        scorer = scorer.keeping_text();
    }
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = options.threads {
        builder = builder.num_threads(threads);
    }
    let pool = builder
        .build()
        .map_err(|e| Error::Internal(format!("thread pool: {e}")))?;
    pool.install(|| score_on_pool(paths, &scorer, options))
}

fn score_on_pool(
    paths: &[PathBuf],
    scorer: &Scorer,
    options: &ScoreOptions,
) -> Result<ExitCode, Error> {
    let ui = options.ui;
    let (emitter, sort, out, out_name): (Box<dyn Emitter>, _, Box<dyn Write>, _) =
        match &options.destination {
            Destination::Records {
                format,
                sort,
                output: None,
            } => {
                let format = format.unwrap_or(if io::stdout().is_terminal() {
                    OutputFormat::Table
                } else {
                    OutputFormat::Jsonl
                });
                let out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
                let emitter = format.emitter(Styling { color: ui.color });
                (emitter, *sort, Box::new(out), PathBuf::from("stdout"))
            }
            Destination::Records {
                format,
                sort,
                output: Some(path),
            } => {
                // A file is not a terminal: JSON Lines unless asked, and no colour.
                let emitter = format
                    .unwrap_or(OutputFormat::Jsonl)
                    .emitter(Styling { color: false });
                (emitter, *sort, Box::new(output_file(path)?), path.clone())
            }
            Destination::Triage(path) => {
                let config = options.config.as_ref().map(Config::summary);
                let emitter = Box::new(Triage::new(&scorer.specs(), config));
                (emitter, false, Box::new(output_file(path)?), path.clone())
            }
        };
    let out_error = |source| Error::Io {
        path: out_name.clone(),
        source,
    };
    let spares = Spares::default();
    let mut sink = Sink::new(emitter, sort, &options.selection, out).reusing(&spares);
    let warn = |message: String| ui.warn(message);
    let input = Input::of(paths, options, &warn);
    let bar = progress_bar(match &input {
        Input::Files(entries) if !ui.quiet => Some(run::total_bytes(entries)),
        _ => None,
    });
    let progress = |bytes: u64| bar.inc(bytes);
    let prepare = sink.preparer();
    let mut push = |prepared: Prepared| sink.push_prepared(prepared).map_err(out_error);
    let driver = Driver {
        scorer,
        options,
        prepare: &prepare,
        warn: &warn,
        progress: &progress,
    };
    driver.score(input, &mut push)?;
    bar.finish_and_clear();
    // Fields trim JSON records only.
    if sink.trims_fields() {
        for name in options.selection.unmatched_fields() {
            warn(format!(
                "--fields: no record had a field `{name}` (chaff writes `id`, `{}`, and error \
                 records' `file`, `line`, `error`; other names come from input records)",
                Report::FIELDS.join("`, `")
            ));
        }
    }
    let failed = sink.finish().map_err(out_error)?;
    if let Destination::Triage(path) = &options.destination {
        if !ui.quiet {
            eprintln!("chaff: wrote the triage report to {}", path.display());
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// One JSON Lines record a document for `chaff eval --predictions`, in the order read.
fn write_predictions(
    out: &mut impl Write,
    specs: &[&'static chaff::SignalSpec],
    examples: &[training::Labelled],
    predictions: &[training::Prediction],
    threshold: Option<f64>,
) -> io::Result<()> {
    for (example, prediction) in examples.iter().zip(predictions) {
        let features: serde_json::Map<String, serde_json::Value> = specs
            .iter()
            .zip(&example.features)
            .filter(|(_, &value)| value != 0.0)
            .map(|(spec, &value)| (spec.id.to_owned(), value.into()))
            .collect();
        let record = serde_json::json!({
            "source": example.source,
            "id": example.id,
            "label": example.label.name(),
            "reliability": prediction.reliability,
            "spam": prediction.spam,
            "quality": prediction.quality,
            "news": prediction.news,
            "judged_spam": prediction.judged_spam(),
            "flagged": prediction.flagged(threshold),
            "features": features,
        });
        serde_json::to_writer(&mut *out, &record)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// The file a run writes its output to, made (or emptied) before scoring: a file that cannot be
/// written stops the run at once.
fn output_file(path: &Path) -> Result<BufWriter<std::fs::File>, Error> {
    let file = std::fs::File::create(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    Ok(BufWriter::with_capacity(1 << 16, file))
}

/// What `chaff score` reads.
enum Input {
    /// Standard input: one document, JSON Lines records with --jsonl, or WARC with --warc.
    Stdin,
    /// Files, and the files of the directories named, walked (a path that cannot be read is an
    /// entry that says why).
    Files(Vec<PathEntry>),
}

impl Input {
    /// The input the paths name, with what a walk skipped said on stderr.
    fn of(paths: &[PathBuf], options: &ScoreOptions, warn: &dyn Fn(String)) -> Self {
        if reads_stdin(paths) {
            if io::stdin().is_terminal() && !options.ui.quiet {
                eprintln!(
                    "chaff: reading a document from the terminal (end it with Ctrl-D); \
                     `chaff score FILE...` scores files"
                );
            }
            return Input::Stdin;
        }
        // Directories are walked for the documents they hold: text, HTML and JSON Lines files
        // (images, PDFs and archives are not pages); with --jsonl only for JSON Lines files,
        // whose records a crawl dump shards across files. A file named as it is is read
        // whatever its name.
        let expanded = paths::expand_paths(paths, &options.walking);
        for error in &expanded.ignore_file_errors {
            warn(format!("ignore file: {error}"));
        }
        if let Some(first) = expanded.links.first() {
            let more = expanded.links.len() > 1;
            warn(format!(
                "skipped {} symbolic link{} in directory walks, not followed ({}{}); name a \
                 link's target, or pass --follow, to score it",
                expanded.links.len(),
                if more { "s" } else { "" },
                first.display(),
                if more { ", ..." } else { "" }
            ));
        }
        // A path named on the command line that cannot be read is reported as an error record
        // in its place, like any other file that fails, and said on stderr (it may be a typo,
        // and the records may be going to a file).
        for (path, reason) in expanded.entries.iter().filter_map(|e| e.as_ref().err()) {
            if paths.contains(path) {
                warn(format!("{}: {reason}", path.display()));
            }
        }
        Input::Files(expanded.entries)
    }
}

/// Scores an [`Input`] into prepared output records, in input order.
struct Driver<'a> {
    scorer: &'a Scorer,
    options: &'a ScoreOptions,
    prepare: &'a (dyn Fn(Outcome) -> Prepared + Sync),
    warn: &'a (dyn Fn(String) + Sync),
    progress: &'a (dyn Fn(u64) + Sync),
}

impl Driver<'_> {
    fn score(
        &self,
        input: Input,
        push: &mut dyn FnMut(Prepared) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let Driver {
            scorer,
            options,
            prepare,
            warn,
            progress,
        } = *self;
        match (input, options.jsonl) {
            // A WARC or WET stream, as `aws s3 cp s3://.../x.warc.gz - | chaff score --warc`.
            (Input::Stdin, _) if options.warc => {
                let name = "stdin";
                run::score_warc(
                    scorer,
                    io::BufReader::with_capacity(1 << 20, io::stdin().lock()),
                    name,
                    prepare,
                    push,
                    warn,
                    progress,
                    options.max_bytes,
                )
                .or_else(|e| unread_lines(e, Some(name.to_owned()), push, warn))
            }
            (Input::Stdin, true) => run::score_jsonl_prepared(
                scorer,
                io::stdin().lock(),
                None,
                prepare,
                push,
                warn,
                progress,
                options.max_bytes,
            )
            .or_else(|e| unread_lines(e, None, push, warn)),
            (Input::Stdin, false) => {
                let read = run::read_within(io::stdin().lock(), options.max_bytes);
                let outcome = match read.map_err(stdin_error)? {
                    Ok(bytes) => run::score_bytes(scorer, "-".to_owned(), bytes, None, warn, false),
                    Err(size) => Outcome::Failed {
                        id: Some("-".to_owned()),
                        file: None,
                        line: None,
                        error: run::too_long(size, options.max_bytes),
                    },
                };
                push(Prepared::Outcome(outcome))
            }
            (Input::Files(entries), true) => entries
                .iter()
                .try_for_each(|entry| self.jsonl_file(entry, push)),
            (Input::Files(entries), false) => {
                // Pages, but a file named as JSON Lines (`.jsonl`, `.ndjson`) holds records,
                // not one page: it is read as with --jsonl, in its place in the order; so are
                // WARC and WET files (by name, or every file with --warc).
                let mut pages: Vec<PathEntry> = Vec::new();
                for entry in entries {
                    let warc = |p: &&PathBuf| options.warc || run::is_warc_name(p);
                    if let Some(path) = entry.as_ref().ok().filter(warc) {
                        self.pages(std::mem::take(&mut pages), push)?;
                        self.warc_file(path, push)?;
                    } else if entry.as_ref().is_ok_and(|path| is_jsonl_name(path)) {
                        self.pages(std::mem::take(&mut pages), push)?;
                        self.jsonl_file(&entry, push)?;
                    } else {
                        pages.push(entry);
                    }
                }
                self.pages(pages, push)
            }
        }
    }

    /// Scores pages, each file one document.
    fn pages(
        &self,
        pages: Vec<PathEntry>,
        push: &mut dyn FnMut(Prepared) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let mut emit = |outcome: Outcome| push(Prepared::Outcome(outcome));
        run::score_files(
            self.scorer,
            pages,
            &mut emit,
            self.warn,
            self.progress,
            self.options.max_bytes,
        )
    }

    /// Scores the documents of one WARC or WET file (see [`run::score_warc`]). A file that
    /// cannot be opened is an error record; the run goes on with the next.
    fn warc_file(
        &self,
        path: &Path,
        push: &mut dyn FnMut(Prepared) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let name = path.display().to_string();
        let file = match std::fs::File::open(path) {
            Ok(file) => io::BufReader::with_capacity(1 << 20, file),
            Err(e) => {
                (self.warn)(format!("{name}: {e}"));
                return push(Prepared::Outcome(Outcome::Failed {
                    id: None,
                    file: Some(name),
                    line: None,
                    error: e.to_string(),
                }));
            }
        };
        let result = run::score_warc(
            self.scorer,
            file,
            &name,
            self.prepare,
            push,
            self.warn,
            self.progress,
            self.options.max_bytes,
        );
        result.or_else(|e| unread_lines(e, Some(name), push, self.warn))
    }

    /// Scores the records of one JSON Lines file. A file that cannot be opened or read to its
    /// end is an error record; the run goes on with the next.
    fn jsonl_file(
        &self,
        entry: &PathEntry,
        push: &mut dyn FnMut(Prepared) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let (path, file) = match entry {
            Ok(path) => (path, std::fs::File::open(path).map_err(|e| e.to_string())),
            Err((path, reason)) => (path, Err(reason.clone())),
        };
        let name = path.display().to_string();
        let file = match file {
            Ok(file) => file,
            Err(error) => {
                if entry.is_ok() {
                    (self.warn)(format!("{name}: {error}"));
                }
                return push(Prepared::Outcome(Outcome::Failed {
                    id: None,
                    file: Some(name),
                    line: None,
                    error,
                }));
            }
        };
        let reader = io::BufReader::with_capacity(1 << 20, file);
        run::score_jsonl_prepared(
            self.scorer,
            reader,
            Some(&name),
            self.prepare,
            push,
            self.warn,
            self.progress,
            self.options.max_bytes,
        )
        .or_else(|e| unread_lines(e, Some(name), push, self.warn))
    }
}

/// A JSON Lines input that failed part-way: the line that could not be read becomes an error
/// record (the lines before it were scored), and the run goes on; an output error stops it.
fn unread_lines(
    error: run::RunError<Error>,
    file: Option<String>,
    push: &mut dyn FnMut(Prepared) -> Result<(), Error>,
    warn: &dyn Fn(String),
) -> Result<(), Error> {
    match error {
        run::RunError::Read { line, source } => {
            warn(format!(
                "{}, line {line}: cannot read: {source}",
                file.as_deref().unwrap_or("stdin")
            ));
            push(Prepared::Outcome(Outcome::Failed {
                id: None,
                file,
                line: Some(line),
                error: format!("cannot read: {source}"),
            }))
        }
        run::RunError::Emit(e) => Err(e),
    }
}

/// Whether a file holds JSON Lines records, by its name.
fn is_jsonl_name(path: &Path) -> bool {
    paths::FileType::of(path) == Some(paths::FileType::Jsonl)
}

/// A `--type` name.
fn file_type(text: &str) -> Result<paths::FileType, String> {
    paths::FileType::ALL
        .into_iter()
        .find(|t| t.name() == text)
        .ok_or_else(|| {
            let names: Vec<&str> = paths::FileType::ALL.iter().map(|t| t.name()).collect();
            format!("no type {text:?}; types are {}", names.join(", "))
        })
}

/// An `--exclude` glob.
fn exclude_pattern(text: &str) -> Result<glob::Pattern, String> {
    glob::Pattern::new(text).map_err(|e| format!("not a valid pattern: {e}"))
}

/// A name in `--fields`: not empty (`--fields id,,reliability` is a slip).
fn field_name(text: &str) -> Result<String, String> {
    let name = text.trim();
    if name.is_empty() {
        return Err("an empty field name".to_owned());
    }
    Ok(name.to_owned())
}

/// A progress bar with rate and ETA on stderr, when stderr is a terminal and the size is known.
fn progress_bar(total: Option<u64>) -> indicatif::ProgressBar {
    match total {
        Some(total) if io::stderr().is_terminal() => {
            let bar = indicatif::ProgressBar::new(total);
            let style = indicatif::ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta}",
            );
            if let Ok(style) = style {
                bar.set_style(style);
            }
            bar
        }
        _ => indicatif::ProgressBar::hidden(),
    }
}

/// What `chaff explain` explains and how it says it.
struct ExplainOptions {
    /// The record of a JSON Lines input to explain.
    id: Option<String>,
    json: bool,
    max_bytes: run::MaxBytes,
    ui: Ui,
    config: Option<Config>,
}

fn explain(path: &Path, model: Option<&Path>, options: &ExplainOptions) -> Result<ExitCode, Error> {
    let scorer = configured_scorer(model, options.config.as_ref(), None)?;
    let stdin = path.as_os_str() == "-";
    let origin = if stdin {
        "stdin".to_owned()
    } else {
        path.display().to_string()
    };
    let io_error = |source: io::Error| Error::Io {
        path: PathBuf::from(&origin),
        source,
    };
    let open = || -> Result<Box<dyn io::BufRead>, Error> {
        Ok(if stdin {
            Box::new(io::stdin().lock())
        } else {
            Box::new(io::BufReader::new(
                std::fs::File::open(path).map_err(io_error)?,
            ))
        })
    };
    let outcome = match &options.id {
        Some(id) => {
            let found =
                batch::find_record(open()?, id, options.max_bytes.get()).map_err(io_error)?;
            let Some((_, record)) = found else {
                eprintln!("chaff: error: {origin}: no JSON Lines record has the id {id:?}");
                return Ok(ExitCode::from(2));
            };
            Outcome::from_record(&scorer, record, (!stdin).then_some(&origin), true)
        }
        None if !stdin && is_jsonl_name(path) => {
            eprintln!(
                "chaff: error: {origin} holds JSON Lines records: name the one to explain with \
                 --id (`chaff explain {origin} --id ID`)"
            );
            return Ok(ExitCode::from(2));
        }
        None => match run::read_within(open()?, options.max_bytes).map_err(io_error)? {
            Ok(bytes) => {
                let warn = |message: String| options.ui.warn(message);
                let file = (!stdin).then_some(path);
                let id = if stdin {
                    "-".to_owned()
                } else {
                    origin.clone()
                };
                run::score_bytes(&scorer, id, bytes, file, &warn, true)
            }
            Err(size) => Outcome::Failed {
                id: Some(origin.clone()),
                file: None,
                line: None,
                error: run::too_long(size, options.max_bytes),
            },
        },
    };
    let text = match &outcome {
        Outcome::Scored { .. } if options.json => {
            serde_json::to_string_pretty(&outcome.to_json()).unwrap_or_default() + "\n"
        }
        Outcome::Scored { id, report, .. } => render::explain(
            id,
            report,
            &scorer.specs(),
            Styling {
                color: options.ui.color,
            },
        ),
        Outcome::Failed { id, error, .. } => {
            eprintln!("chaff: {}: {error}", id.as_deref().unwrap_or(&origin));
            return Ok(ExitCode::from(1));
        }
    };
    io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}

/// The manual pages, made from the same definitions as `--help`.
fn manual(out: Option<&Path>) -> Result<ExitCode, Error> {
    match out {
        Some(dir) => clap_mangen::generate_to(Cli::command(), dir).map_err(|source| Error::Io {
            path: dir.to_owned(),
            source,
        })?,
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut page)
                .map_err(stdout_error)?;
            io::stdout().lock().write_all(&page).map_err(stdout_error)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn features(id: Option<&str>, json: bool, scorer: &Scorer) -> Result<ExitCode, Error> {
    let specs = scorer.specs();
    let described: Vec<render::Described> = specs
        .iter()
        .enumerate()
        .map(|(i, &spec)| render::Described {
            spec,
            status: scorer.model().status(i),
        })
        .collect();
    let one = match id {
        Some(id) => match described
            .iter()
            .find(|d| d.spec.id.eq_ignore_ascii_case(id))
        {
            Some(described) => Some(described),
            None => {
                eprintln!("chaff: error: no signal {id}; `chaff features` lists them");
                return Ok(ExitCode::from(2));
            }
        },
        None => None,
    };
    let text = match (json, one) {
        (false, _) => render::features(&described, one),
        (true, Some(one)) => serde_json::to_string_pretty(one).unwrap_or_default() + "\n",
        (true, None) => serde_json::to_string_pretty(&described).unwrap_or_default() + "\n",
    };
    io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}

fn train(data: &DataArgs, out: &Path, procedure: &Procedure) -> Result<ExitCode, Error> {
    let pipeline = Pipeline::default();
    let sources = data.sources(&procedure.group_by)?;
    let examples = training::data::read_examples(&pipeline, &sources)?;
    let names = sources
        .iter()
        .map(|s| s.path.display().to_string())
        .collect();
    let model = training::train(&pipeline.specs(), &examples, &procedure.config(), names)?;
    std::fs::write(out, model.to_json()).map_err(|source| Error::Io {
        path: out.to_owned(),
        source,
    })?;
    let heads = [
        ("spam", &model.spam),
        ("quality", &model.quality),
        ("news", &model.news),
    ];
    for (name, head) in heads {
        let t = &head.training;
        let dropped: Vec<&str> = t.dropped.iter().map(|d| d.feature.as_str()).collect();
        eprintln!(
            "chaff: {name} head: {} {name} and {} other examples in {} groups; alpha {}, \
             calibrated by grouped {}-fold CV, threshold {}, dropped by sign constraints: {}",
            t.positive,
            t.negative,
            t.groups,
            t.alpha,
            t.folds,
            head.threshold,
            if dropped.is_empty() {
                "none".to_owned()
            } else {
                dropped.join(", ")
            },
        );
    }
    eprintln!("chaff: model written to {}", out.display());
    Ok(ExitCode::SUCCESS)
}

/// How `chaff eval` evaluates, and how it reports.
struct EvalKind {
    folds: Option<usize>,
    leave_one_source_out: bool,
    threshold: Option<Probability>,
    json: bool,
    predictions: Option<PathBuf>,
}

fn eval(
    data: &DataArgs,
    model: Option<&Path>,
    kind: EvalKind,
    procedure: &Procedure,
) -> Result<ExitCode, Error> {
    let EvalKind {
        folds,
        leave_one_source_out,
        threshold,
        json,
        predictions: predictions_path,
    } = kind;
    // Made before the evaluation runs, so that a path that cannot be written stops it at once.
    let mut predictions_out = predictions_path
        .map(|path| output_file(&path).map(|out| (path, out)))
        .transpose()?;
    let pipeline = Pipeline::default();
    let sources = data.sources(&procedure.group_by)?;
    let examples = training::data::read_examples(&pipeline, &sources)?;
    let specs = pipeline.specs();
    let (predictions, heading) = match (folds, leave_one_source_out) {
        (_, true) => {
            let predictions =
                training::leave_one_source_out(&specs, &examples, &procedure.config())?;
            let heading = format!(
                "leave-one-source-out evaluation of the training procedure ({} data files; each \
                 file's documents, and their spun copies, predicted by a model trained on the \
                 other files only)",
                examples
                    .iter()
                    .map(|e| e.file.as_str())
                    .collect::<std::collections::BTreeSet<_>>()
                    .len()
            );
            (predictions, heading)
        }
        (Some(folds), false) => {
            let predictions =
                training::cross_validate(&specs, &examples, folds, &procedure.config())?;
            let groups = examples
                .iter()
                .map(|e| e.group.as_str())
                .collect::<std::collections::BTreeSet<_>>()
                .len();
            let heading = format!(
                "grouped {folds}-fold cross-validation of the training procedure ({groups} \
                 groups; no group in both the training and the test part of a fold)"
            );
            (predictions, heading)
        }
        (None, false) => {
            let scorer = scorer(model)?;
            let predictions = examples
                .iter()
                .map(|e| training::Prediction::of(scorer.model(), &e.features))
                .collect();
            let origin = model.map_or("the built-in model".to_owned(), |p| p.display().to_string());
            (predictions, format!("{origin}, as trained"))
        }
    };
    if let Some((path, out)) = predictions_out.as_mut() {
        write_predictions(
            out,
            &specs,
            &examples,
            &predictions,
            threshold.map(Probability::get),
        )
        .map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
    }
    let evaluation = chaff::training::Evaluation::of(
        heading,
        &specs,
        &examples,
        &predictions,
        threshold.map(Probability::get),
    );
    let text = if json {
        serde_json::to_string_pretty(&evaluation).unwrap_or_default() + "\n"
    } else {
        render::evaluation(&evaluation)
    };
    io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}
