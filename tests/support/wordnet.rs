//! WordNet synsets from Debian's `wordnet-base` data files, for the tools that build the
//! synonym table and measure spinning (never read at run time of a score).

use std::path::Path;

/// Where Debian installs WordNet.
pub const WORDNET: &str = "/usr/share/wordnet";

/// The synset lines of WordNet's four data files (the licence header left out), as text.
fn synset_lines(dir: &Path) -> Result<Vec<String>, String> {
    let mut lines = Vec::new();
    for pos in ["noun", "verb", "adj", "adv"] {
        let path = dir.join(format!("data.{pos}"));
        let bytes = std::fs::read(&path)
            .map_err(|e| format!("{}: {e} (install Debian's wordnet-base)", path.display()))?;
        lines.extend(
            String::from_utf8_lossy(&bytes)
                .lines()
                .filter(|line| !line.starts_with("  ")) // licence header
                .map(str::to_owned),
        );
    }
    Ok(lines)
}

/// The members of every WordNet synset, lowercased, multi-word members with spaces.
pub fn synsets(dir: &Path) -> Result<Vec<Vec<String>>, String> {
    let mut synsets = Vec::new();
    for line in synset_lines(dir)? {
        let fields: Vec<&str> = line.split(' ').collect();
        let Some(count) = fields
            .get(3)
            .and_then(|c| usize::from_str_radix(c, 16).ok())
        else {
            continue;
        };
        // a member is written `word lex_id`; adjectives may carry a marker: `word(a)`
        let words: Vec<String> = (0..count)
            .filter_map(|k| fields.get(4 + 2 * k))
            .map(|w| {
                w.split('(')
                    .next()
                    .unwrap_or(w)
                    .replace('_', " ")
                    .to_lowercase()
            })
            .collect();
        if words.len() > 1 {
            synsets.push(words);
        }
    }
    Ok(synsets)
}

/// The glosses of every WordNet synset: its definitions and its quoted examples of use, each
/// one piece of plain English ("a drug or other agent that stimulates sexual desire", "he
/// trusted his younger brother").
pub fn glosses(dir: &Path) -> Result<Vec<String>, String> {
    let mut pieces = Vec::new();
    for line in synset_lines(dir)? {
        let Some((_, gloss)) = line.split_once(" | ") else {
            continue;
        };
        pieces.extend(
            gloss
                .split("; ")
                .map(|p| p.trim().trim_matches('"').trim())
                .filter(|p| !p.is_empty())
                .map(str::to_owned),
        );
    }
    Ok(pieces)
}

/// Every (word, synonym) pair of WordNet's synsets, lowercased, both ways.
pub fn synonym_pairs(dir: &Path) -> Result<std::collections::HashSet<(String, String)>, String> {
    let mut pairs = std::collections::HashSet::new();
    for synset in synsets(dir)? {
        for a in &synset {
            for b in synset.iter().filter(|b| *b != a) {
                pairs.insert((a.clone(), b.clone()));
            }
        }
    }
    Ok(pairs)
}
