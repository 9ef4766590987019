//! Suppressions: signals a curator tells chaff to ignore, everywhere or for the documents of a
//! domain, a URL pattern or a path pattern (`chaff.toml`'s `[[ignore]]` tables). A suppressed
//! signal is still measured; for the documents it is suppressed on, its evidence is not
//! reported and it contributes nothing (its contribution says `"status": "suppressed"`).

/// Where a document comes from: what suppressions are matched against.
#[derive(Debug, Clone, Copy, Default)]
pub struct Origin<'a> {
    /// The file it was read from (a page file, or the JSON Lines file of a record).
    pub path: Option<&'a str>,
    /// Its URL (a JSON Lines record's `url` field).
    pub url: Option<&'a str>,
}

/// Which documents a suppression applies to.
#[derive(Debug, Clone)]
pub enum Scope {
    /// Every document.
    Everywhere,
    /// Documents whose URL's host is this domain or one of its subdomains (lowercase).
    Domain(String),
    /// Documents whose URL matches this glob (`*` also crosses `/`).
    Url(glob::Pattern),
    /// Documents read from a file whose path matches this glob (a page's file, or the JSON Lines
    /// file of a record).
    Path(glob::Pattern),
}

impl Scope {
    /// Whether a document from `origin` is in scope.
    pub fn covers(&self, origin: &Origin<'_>) -> bool {
        match self {
            Scope::Everywhere => true,
            Scope::Domain(domain) => origin.url.and_then(host).is_some_and(|host| {
                host == *domain
                    || host
                        .strip_suffix(domain.as_str())
                        .is_some_and(|sub| sub.ends_with('.'))
            }),
            Scope::Url(pattern) => origin.url.is_some_and(|url| pattern.matches(url)),
            Scope::Path(pattern) => origin.path.is_some_and(|path| {
                pattern.matches_with(
                    path,
                    glob::MatchOptions {
                        require_literal_separator: false,
                        ..glob::MatchOptions::new()
                    },
                )
            }),
        }
    }
}

/// The host of a URL, lowercase, without user, port or path (`None` when it has none).
fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = host.split(':').next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Signals ignored within a scope.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// The signal ids.
    pub signals: Vec<String>,
    /// Where.
    pub scope: Scope,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_cover_their_subdomains_only() {
        let scope = Scope::Domain("example.org".to_owned());
        let at = |url| Origin {
            path: None,
            url: Some(url),
        };
        assert!(scope.covers(&at("https://example.org/a")));
        assert!(scope.covers(&at("https://www.Example.org:8080/a?b")));
        assert!(scope.covers(&at("http://user@shop.example.org")));
        assert!(!scope.covers(&at("https://notexample.org/")));
        assert!(!scope.covers(&at("https://example.org.evil.net/")));
        assert!(!scope.covers(&Origin::default()));
    }

    #[test]
    fn paths_and_urls_match_globs_across_folders() {
        let path = Scope::Path(glob::Pattern::new("crawl/shops/*").unwrap());
        let of = |path| Origin {
            path: Some(path),
            url: None,
        };
        assert!(path.covers(&of("crawl/shops/a/b.html")));
        assert!(!path.covers(&of("crawl/news/a.html")));
        let url = Scope::Url(glob::Pattern::new("https://*/shop/*").unwrap());
        let at = |url| Origin {
            path: None,
            url: Some(url),
        };
        assert!(url.covers(&at("https://example.org/shop/x/y")));
        assert!(!url.covers(&at("https://example.org/news/x")));
    }
}
