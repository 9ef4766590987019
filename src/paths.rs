//! The files a command line names: paths, directories and glob patterns, expanded to the files
//! to score, in order.
//!
//! Directories are walked as ripgrep walks them (its `ignore` crate): entries in name order,
//! hidden files and folders skipped, ignore files honoured (`.gitignore` inside a git
//! repository, `.ignore` and `.chaffignore` anywhere), and symbolic links not followed below the
//! path the user named unless asked. A link back up the tree (`loop/self -> ../loop`) would
//! otherwise be walked without end: the `glob` crate's own `**` follows links, and on such a
//! folder it grew past 18 GB without yielding a file. Followed links are checked for loops.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// A file to score, or a path that could not be read (its path and the reason).
pub type PathEntry = Result<PathBuf, (PathBuf, String)>;

/// The kinds of document file a walk takes, by file name: what `--type` selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileType {
    /// Plain text and Markdown (`.txt`, `.text`, `.md`, `.markdown`), and names without an
    /// extension (a crawler's files often have none).
    Text,
    /// HTML (`.html`, `.htm`, `.xhtml`, `.shtml`).
    Html,
    /// JSON Lines records (`.jsonl`, `.ndjson`).
    Jsonl,
    /// WARC and WET files (`.warc`, `.warc.gz`, `.wet`, `.wet.gz`).
    Warc,
}

impl FileType {
    /// Every type, in the order `--type` lists them.
    pub const ALL: [FileType; 4] = [
        FileType::Text,
        FileType::Html,
        FileType::Jsonl,
        FileType::Warc,
    ];

    /// The name `--type` takes.
    pub fn name(self) -> &'static str {
        match self {
            FileType::Text => "text",
            FileType::Html => "html",
            FileType::Jsonl => "jsonl",
            FileType::Warc => "warc",
        }
    }

    fn extensions(self) -> &'static [&'static str] {
        match self {
            FileType::Text => &["txt", "text", "md", "markdown"],
            FileType::Html => &["html", "htm", "xhtml", "shtml"],
            FileType::Jsonl => &["jsonl", "ndjson"],
            FileType::Warc => &["warc", "wet"],
        }
    }

    /// The type of a file by its name; `None` for a file that is no document (an image, a PDF,
    /// an archive, an executable, a dotfile such as `.gitignore`).
    pub fn of(path: &Path) -> Option<FileType> {
        // Compressed WARC and WET files are named by two extensions (`.warc.gz`).
        if crate::run::is_warc_name(path) {
            return Some(FileType::Warc);
        }
        let Some(extension) = path.extension().and_then(|e| e.to_str()) else {
            let dotfile = path
                .file_name()
                .is_some_and(|n| n.as_encoded_bytes().starts_with(b"."));
            return (!dotfile).then_some(FileType::Text);
        };
        FileType::ALL.into_iter().find(|t| {
            t.extensions()
                .iter()
                .any(|e| extension.eq_ignore_ascii_case(e))
        })
    }
}

/// How directories are walked.
#[derive(Clone, Debug)]
pub struct WalkOptions {
    /// The types of file a walk takes (a file named on the command line is read whatever its
    /// name).
    pub types: Vec<FileType>,
    /// Follow symbolic links in walks (a link back up the tree is then an error entry, not an
    /// endless walk).
    pub follow: bool,
    /// Files and folders to leave out of walks: a pattern is matched against each entry's name
    /// and its path below the walked directory (`drafts`, `*.min.html`, `2019/**`).
    pub exclude: Vec<glob::Pattern>,
    /// Honour ignore files, as ripgrep does: `.gitignore` (and git's exclude files) inside a
    /// git repository, `.ignore` and `.chaffignore` anywhere, each for the folder it is in and
    /// below.
    pub ignore_files: bool,
    /// Walk hidden files and folders too (a name starting with "."), but never `.git`.
    pub hidden: bool,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            types: FileType::ALL.to_vec(),
            follow: false,
            exclude: Vec::new(),
            ignore_files: true,
            hidden: false,
        }
    }
}

impl WalkOptions {
    fn wanted(&self, path: &Path) -> bool {
        FileType::of(path).is_some_and(|t| self.types.contains(&t))
    }
}

/// The expansion of a command line's paths.
#[derive(Debug, Default)]
pub struct Expanded {
    /// The files to score and the paths that failed, in order.
    pub entries: Vec<PathEntry>,
    /// The symbolic links met in directory walks and not followed, for the user to be told.
    pub links: Vec<PathBuf>,
    /// Ignore files that could not be read or hold a line that is not a valid pattern: the
    /// walk went on without them (or without the line), and the user is told.
    pub ignore_file_errors: Vec<String>,
}

/// Expands the paths of a command line, in their order:
/// - a file is itself, whatever its name;
/// - a directory is walked for the files `wanted` accepts;
/// - an argument with glob characters (`*`, `?`, `[`) that names no existing path is a pattern,
///   for shells that do not expand it: the files it matches, and the wanted files of the
///   directories it matches.
///
/// A path that cannot be read, a pattern that is not valid or matches nothing, and an unreadable
/// entry inside a directory are error entries in their place: one bad path never stops the
/// others.
///
/// Walks skip hidden files and directories (a name starting with "."), such as `.git`, below
/// the path named, and do not follow symbolic links (they are listed in [`Expanded::links`]).
pub fn expand_paths(paths: &[PathBuf], options: &WalkOptions) -> Expanded {
    let mut out = Expanded::default();
    for path in paths {
        if is_pattern(path) && !path.exists() {
            expand_pattern(path, options, &mut out);
        } else {
            expand_path(path, options, &mut out);
        }
    }
    out
}

fn is_pattern(path: &Path) -> bool {
    path.to_string_lossy().contains(['*', '?', '['])
}

/// A file as it is, a directory's wanted files.
fn expand_path(path: &Path, options: &WalkOptions, out: &mut Expanded) {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => walk_files(path, options, out),
        Ok(_) => out.entries.push(Ok(path.to_path_buf())),
        Err(e) => out.entries.push(Err((path.to_path_buf(), e.to_string()))),
    }
}

/// The walk of a directory: name order, symbolic links below it not followed unless asked for
/// (one given as `dir` itself is: the user named it).
fn walk(dir: &Path, follow: bool) -> walkdir::WalkDir {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .follow_links(follow)
}

/// The wanted files of a directory's walk, and its errors in their place.
fn walk_files(dir: &Path, options: &WalkOptions, out: &mut Expanded) {
    let root = dir.to_path_buf();
    let exclude = Arc::new(options.exclude.clone());
    let mut builder = ignore::WalkBuilder::new(dir);
    builder
        .standard_filters(options.ignore_files)
        .hidden(!options.hidden)
        .require_git(true)
        .follow_links(options.follow)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(move |entry| {
            entry.depth() == 0 || !(entry.file_name() == ".git" || excluded(&exclude, entry, &root))
        });
    if options.ignore_files {
        builder.add_custom_ignore_filename(".chaffignore");
    }
    for entry in builder.build() {
        match entry {
            Ok(entry) => {
                if let Some(error) = entry.error() {
                    out.ignore_file_errors.push(error.to_string());
                }
                let kind = entry.file_type();
                if kind.is_some_and(|k| k.is_file()) && options.wanted(entry.path()) {
                    out.entries.push(Ok(entry.into_path()));
                } else if entry.path_is_symlink() && !options.follow {
                    out.links.push(entry.into_path());
                }
            }
            Err(e) if is_ignore_file_error(&e) => out.ignore_file_errors.push(e.to_string()),
            Err(e) => out.entries.push(Err(walk_error(e))),
        }
    }
}

/// Whether an entry is left out by an `--exclude` pattern, by its name or its path below the
/// walked directory.
fn excluded(exclude: &[glob::Pattern], entry: &ignore::DirEntry, root: &Path) -> bool {
    let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
    let name = Path::new(entry.file_name());
    exclude
        .iter()
        .any(|p| p.matches_path(name) || p.matches_path(relative))
}

/// An error of an ignore file (a line that is not a valid glob, an unreadable file), not of a
/// document: the walk goes on and it is a warning, not an error record.
fn is_ignore_file_error(e: &ignore::Error) -> bool {
    match e {
        ignore::Error::Partial(_)
        | ignore::Error::WithLineNumber { .. }
        | ignore::Error::Glob { .. }
        | ignore::Error::UnrecognizedFileType(_)
        | ignore::Error::InvalidDefinition => true,
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
            is_ignore_file_error(err)
        }
        ignore::Error::Loop { .. } | ignore::Error::Io(_) => false,
    }
}

/// The path an error of a walk is about, and the reason.
fn walk_error(e: ignore::Error) -> (PathBuf, String) {
    fn path_of(e: &ignore::Error) -> Option<&Path> {
        match e {
            ignore::Error::WithPath { path, .. } => Some(path),
            ignore::Error::Loop { child, .. } => Some(child),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                path_of(err)
            }
            _ => None,
        }
    }
    let at = path_of(&e).map_or_else(PathBuf::new, Path::to_path_buf);
    (at, e.to_string())
}

/// Matches a glob pattern by walking the directory its leading literal components name, as deep
/// as the pattern reaches (all the way only under `**`). `*` and `?` do not match `/`, as in
/// `glob::glob`.
fn expand_pattern(pattern_path: &Path, options: &WalkOptions, out: &mut Expanded) {
    let text = pattern_path.to_string_lossy();
    let pattern = match glob::Pattern::new(&text) {
        Ok(pattern) => pattern,
        Err(e) => {
            out.entries.push(Err((
                pattern_path.to_path_buf(),
                format!("not a valid pattern: {e}"),
            )));
            return;
        }
    };
    let matching = glob::MatchOptions {
        require_literal_separator: true,
        ..glob::MatchOptions::new()
    };
    let Root { dir, depth } = Root::of(pattern_path);
    // A pattern with no literal directory is walked from the working directory, and its matches
    // named without a leading "./", as a shell names them.
    let implicit = dir.as_os_str().is_empty();
    let walk_root = if implicit { Path::new(".") } else { &dir };
    let no_match = |out: &mut Expanded| {
        out.entries.push(Err((
            pattern_path.to_path_buf(),
            "no file matches this pattern".to_owned(),
        )));
    };
    if !walk_root.is_dir() {
        return no_match(out);
    }
    let mut walker = walk(walk_root, options.follow).min_depth(1);
    if let Some(depth) = depth {
        walker = walker.max_depth(depth);
    }
    let before = out.entries.len();
    let mut entries = walker.into_iter();
    while let Some(entry) = entries.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let at = e.path().map_or_else(PathBuf::new, Path::to_path_buf);
                out.entries.push(Err((at, e.to_string())));
                continue;
            }
        };
        let path = match entry.path().strip_prefix(".") {
            Ok(relative) if implicit => relative,
            _ => entry.path(),
        };
        if !pattern.matches_path_with(path, matching) {
            continue;
        }
        let kind = entry.file_type();
        if kind.is_dir() {
            // A matched directory is walked whole, once: the pattern's walk does not go into it.
            walk_files(path, options, out);
            entries.skip_current_dir();
        } else if kind.is_file() || (kind.is_symlink() && path.is_file()) {
            // A link that matches is named by the pattern, as a shell would name it; a link to a
            // directory is not followed.
            out.entries.push(Ok(path.to_path_buf()));
        }
    }
    if out.entries.len() == before {
        no_match(out);
    }
}

/// Where a pattern's walk starts, and how deep it goes.
struct Root {
    /// The leading components without glob characters (empty: the working directory).
    dir: PathBuf,
    /// How many components below `dir` the pattern spans; `None` under `**`.
    depth: Option<usize>,
}

impl Root {
    fn of(pattern: &Path) -> Self {
        let components: Vec<Component<'_>> = pattern.components().collect();
        let literal = components
            .iter()
            .take_while(|c| !is_pattern(Path::new(c.as_os_str())))
            .count();
        let rest = &components[literal..];
        Root {
            dir: components[..literal].iter().collect(),
            depth: (!rest.iter().any(|c| c.as_os_str() == "**")).then_some(rest.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(pattern: &str) -> (PathBuf, Option<usize>) {
        let Root { dir, depth } = Root::of(Path::new(pattern));
        (dir, depth)
    }

    #[test]
    fn file_types_come_from_the_name() {
        let of = |name: &str| FileType::of(Path::new(name));
        assert_eq!(of("page.TXT"), Some(FileType::Text));
        assert_eq!(of("crawl/0001"), Some(FileType::Text));
        assert_eq!(of("index.htm"), Some(FileType::Html));
        assert_eq!(of("dump.ndjson"), Some(FileType::Jsonl));
        assert_eq!(of("photo.png"), None);
        assert_eq!(of("report.pdf"), None);
        assert_eq!(of(".gitignore"), None);
        assert_eq!(of("dir/.chaffignore"), None);
    }

    #[test]
    fn a_pattern_is_walked_from_its_literal_directory_as_deep_as_it_reaches() {
        assert_eq!(root("pages/*.txt"), ("pages".into(), Some(1)));
        assert_eq!(root("/srv/crawl/*/p?.html"), ("/srv/crawl".into(), Some(2)));
        assert_eq!(root("*.txt"), ("".into(), Some(1)));
        assert_eq!(root("loop/**/*.txt"), ("loop".into(), None));
        assert_eq!(root("a/[bc]/**"), ("a".into(), None));
    }

    fn files(dir: &Path, pattern: &str) -> Vec<String> {
        let options = WalkOptions::default();
        expand_paths(&[dir.join(pattern)], &options)
            .entries
            .into_iter()
            .map(|entry| match entry {
                Ok(path) => path.strip_prefix(dir).unwrap().display().to_string(),
                Err((path, reason)) => format!("error {}: {reason}", path.display()),
            })
            .collect()
    }

    #[test]
    fn patterns_match_files_and_walk_matched_directories_once() {
        let dir = tempfile::tempdir().unwrap();
        for file in [
            "a.txt",
            "b.html",
            "sub/c.txt",
            "sub/deep/d.txt",
            "subtle/e.txt",
        ] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "text").unwrap();
        }
        assert_eq!(files(dir.path(), "*.txt"), ["a.txt"]);
        assert_eq!(files(dir.path(), "*/*.txt"), ["sub/c.txt", "subtle/e.txt"]);
        assert_eq!(
            files(dir.path(), "**/*.txt"),
            ["a.txt", "sub/c.txt", "sub/deep/d.txt", "subtle/e.txt"]
        );
        // `sub` matches and is walked whole; `sub/deep` is not visited a second time.
        assert_eq!(
            files(dir.path(), "su[b]*"),
            ["sub/c.txt", "sub/deep/d.txt", "subtle/e.txt"]
        );
        assert_eq!(
            files(dir.path(), "**"),
            [
                "a.txt",
                "b.html",
                "sub/c.txt",
                "sub/deep/d.txt",
                "subtle/e.txt"
            ]
        );
        let nothing = dir.path().join("*.pdf");
        assert_eq!(
            files(dir.path(), "*.pdf"),
            [format!(
                "error {}: no file matches this pattern",
                nothing.display()
            )]
        );
        let missing = dir.path().join("missing/*.txt");
        assert_eq!(
            files(dir.path(), "missing/*.txt"),
            [format!(
                "error {}: no file matches this pattern",
                missing.display()
            )]
        );
        assert!(files(dir.path(), "[*.txt")[0].contains("not a valid pattern"));
    }
}
