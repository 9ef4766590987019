//! A compiled regular expression with a search cache per thread.
//!
//! `regex_automata::meta::Regex` (and `regex::Regex`, built on it) keeps its search caches in a
//! pool. The first thread to search owns a cache that it takes by writing the pool's owner
//! word, and every other thread reads that word before it goes to a locked stack of caches. On
//! two threads scoring at once the word goes back and forth between the cores at every search:
//! a few dozen times a document (callgrind counts 16 anchored searches a benchmark document,
//! besides the scans of the text and one search per short line for reference-list headings).
//! [`Pattern`] gives each thread a cache of its own instead, on cache lines of its own, and
//! searches with it: nothing a search writes is shared.

use regex_automata::meta::{Cache, Regex};
use regex_automata::util::captures::{Captures, GroupInfo};
use regex_automata::util::iter::Searcher;
use regex_automata::{Input, Match};

use crate::memo::Memo;
use crate::per_thread::PerThread;

/// Whether a pattern's engine may look for the pattern's literals first and start the regular
/// expression only where they occur.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Prefilter {
    /// As the engine sees fit: right for patterns whose literals are rare in text.
    Auto,
    /// Never: for patterns whose literals are common words, where a literal search stops so often
    /// that one pass of the automaton over the text costs less.
    Off,
}

/// The built-in patterns compiled so far in this process (a few hundred).
static COMPILED: Memo<(String, Prefilter), Regex> = Memo::with_capacity(1_000);

/// Where a pattern's source comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// chaff's own: a fixed set, compiled once a process and shared (see [`crate::memo`]).
    BuiltIn,
    /// A curator's configuration (checked to compile when it was read): compiled for its
    /// scorer alone, so that a process building scorers from ever new rules keeps none of them
    /// (a configuration fuzz campaign grew past 500 MB while curator patterns were memoized).
    Curator,
}

/// A regular expression and a search cache for each thread that uses it.
pub(crate) struct Pattern {
    regex: Regex,
    caches: PerThread<Cache>,
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pattern")
            .field("patterns", &self.regex.pattern_len())
            .finish_non_exhaustive()
    }
}

impl Clone for Pattern {
    /// The same expression, with no caches yet.
    fn clone(&self) -> Self {
        Self::from_regex(self.regex.clone())
    }
}

impl Pattern {
    /// Compiles a built-in pattern of the signal `id` (a broken one is a bug in chaff, not bad
    /// input), once a process: later scorers share the compiled expression.
    pub(crate) fn new(id: &str, pattern: &str, prefilter: Prefilter) -> Self {
        Self::compile(id, pattern, prefilter, Origin::BuiltIn)
    }

    /// Compiles a pattern of the signal `id` from `origin` (one that does not compile is a bug
    /// in chaff: a curator's patterns are checked when the configuration is read).
    pub(crate) fn compile(id: &str, pattern: &str, prefilter: Prefilter, origin: Origin) -> Self {
        let compile = || {
            Regex::builder()
                .configure(Regex::config().auto_prefilter(prefilter == Prefilter::Auto))
                .build(pattern)
                .unwrap_or_else(|e| panic!("pattern of {id}: {e}"))
        };
        let regex = match origin {
            Origin::BuiltIn => COMPILED.get_or_make((pattern.to_owned(), prefilter), compile),
            Origin::Curator => compile(),
        };
        Self::from_regex(regex)
    }

    fn from_regex(regex: Regex) -> Self {
        Self {
            regex,
            caches: PerThread::default(),
        }
    }

    /// Runs `search` with this thread's cache (a fresh one if the thread's cache is in use
    /// further up the stack).
    fn with_cache<R>(&self, search: impl FnOnce(&Regex, &mut Cache) -> R) -> R {
        match self.caches.try_get(|| self.regex.create_cache()) {
            Some(mut cache) => search(&self.regex, &mut cache),
            None => search(&self.regex, &mut self.regex.create_cache()),
        }
    }

    /// The leftmost-first match in `input`, as [`Regex::search`] finds it.
    pub(crate) fn search(&self, input: &Input<'_>) -> Option<Match> {
        self.with_cache(|regex, cache| regex.search_with(cache, input))
    }

    /// The first match in `haystack`.
    pub(crate) fn find(&self, haystack: &str) -> Option<Match> {
        self.search(&Input::new(haystack))
    }

    /// Whether the pattern matches anywhere in `haystack`.
    pub(crate) fn is_match(&self, haystack: &str) -> bool {
        let input = Input::new(haystack).earliest(true);
        self.with_cache(|regex, cache| regex.search_half_with(cache, &input).is_some())
    }

    /// The successive non-overlapping matches in `haystack`, as [`Regex::find_iter`] gives them.
    pub(crate) fn matches(&self, haystack: &str) -> Vec<Match> {
        self.with_cache(|regex, cache| {
            let mut searcher = Searcher::new(Input::new(haystack));
            std::iter::from_fn(|| searcher.advance(|input| Ok(regex.search_with(cache, input))))
                .collect()
        })
    }

    /// Fills `captures` with the leftmost-first match in `input` and its groups.
    pub(crate) fn search_captures(&self, input: &Input<'_>, captures: &mut Captures) {
        self.with_cache(|regex, cache| regex.search_captures_with(cache, input, captures));
    }

    /// Room for the groups of a match, for [`Pattern::search_captures`].
    pub(crate) fn create_captures(&self) -> Captures {
        self.regex.create_captures()
    }

    /// The pattern's groups.
    pub(crate) fn group_info(&self) -> &GroupInfo {
        self.regex.group_info()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A pattern with a literal prefilter, a look-around and an empty-match case, so that
    /// each engine path of the wrapper is compared with the pool-backed `meta::Regex`.
    const PIECES: &[&str] = &["10.", "1234", "/x", " ", "doi", ":", "ab", "\n", "é", "[1]"];

    proptest! {
        /// The wrapper finds what `meta::Regex` finds, with and without a prefilter.
        #[test]
        fn matches_equal_the_pool_backed_regex(
            text in super::super::text_of_pieces(PIECES),
            prefilter in prop::bool::ANY,
        ) {
            let prefilter = if prefilter { Prefilter::Auto } else { Prefilter::Off };
            for source in [r"(?i-u:(?-u:\b)doi:?[ \t]*10\.[0-9]{4,9}/)[^\s]+", r"\[\d\]|ab", r"x*"] {
                let pattern = Pattern::new("test", source, prefilter);
                let regex = Regex::new(source).unwrap();
                let ours: Vec<Match> = pattern.matches(&text);
                let theirs: Vec<Match> = regex.find_iter(&text).collect();
                prop_assert_eq!(&ours, &theirs);
                prop_assert_eq!(pattern.find(&text), regex.find(&*text));
                prop_assert_eq!(pattern.is_match(&text), regex.is_match(&*text));
            }
        }
    }

    /// Built-in patterns are kept for later scorers; a curator's are not.
    #[test]
    fn only_built_in_patterns_are_kept() {
        let built_in = r"built-in test pattern \d+";
        let curator = r"curator test pattern \d+";
        Pattern::new("test", built_in, Prefilter::Auto);
        let found = Pattern::compile("test", curator, Prefilter::Auto, Origin::Curator);
        assert_eq!(
            found.find("a curator test pattern 12").map(|m| m.range()),
            Some(2..25)
        );
        assert!(COMPILED.contains(&(built_in.to_owned(), Prefilter::Auto)));
        assert!(!COMPILED.contains(&(curator.to_owned(), Prefilter::Auto)));
    }

    /// A search nested in another search of the same pattern on the same thread gets a cache
    /// of its own, and both find what they should.
    #[test]
    fn a_nested_search_of_the_same_pattern_works() {
        let pattern = Pattern::new("test", r"\d+", Prefilter::Auto);
        let inner = pattern.with_cache(|_, _| pattern.matches("a 12 b 345"));
        assert_eq!(inner.len(), 2);
        assert_eq!(pattern.find("x 7").map(|m| m.range()), Some(2..3));
    }

    /// Threads searching at once each find every match.
    #[test]
    fn threads_search_with_caches_of_their_own() {
        let mut pattern = Pattern::new("test", r"[a-z]+\d", Prefilter::Off);
        let text = "ab1 cd2 ef3 ".repeat(100);
        let together = std::sync::Barrier::new(4);
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    together.wait();
                    for _ in 0..50 {
                        assert_eq!(pattern.matches(&text).len(), 300);
                    }
                    together.wait();
                });
            }
        });
        assert_eq!(pattern.caches.threads(), 4);
    }
}
