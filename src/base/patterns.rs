//! Glob patterns in command-line paths, expanded by certreport itself: Windows shells pass
//! `records/*-2026.yaml` on as it is written, and a quoted pattern reaches us on any system.
//!
//! A path that names an existing file or folder is taken as it is, even when it holds `*`, `?`
//! or `[` (a record may be named `r[1].yaml`). Any other path with one of those characters is
//! a pattern (the `glob` crate: `*`, `?`, `[…]`, `**`), its matches taken in sorted order; a
//! pattern that matches nothing is an error, not an empty list. Hidden files match only a
//! pattern that names the dot (`.*`), as in a shell.

use std::fmt;
use std::path::{Path, PathBuf};

/// Why a pattern gave no files.
#[derive(Debug)]
pub enum PatternError {
    /// The pattern is not one (an unclosed `[`).
    Invalid { pattern: String, why: String },
    /// No file matches it.
    NoMatch { pattern: String },
    /// A pattern for one file matched several.
    Several { pattern: String, count: usize },
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PatternError::Invalid { pattern, why } => write!(f, "路径模式 {pattern} 写法有误：{why}"),
            PatternError::NoMatch { pattern } => write!(f, "找不到输入：没有文件与 {pattern} 匹配"),
            PatternError::Several { pattern, count } => write!(
                f,
                "{pattern} 匹配到 {count} 个文件，这里只能给一个记录文件（多个记录请用 certreport batch）"
            ),
        }
    }
}

impl std::error::Error for PatternError {}

/// The pattern a path is, if it is one: not an existing file, and holding `*`, `?` or `[`.
fn pattern(path: &Path) -> Option<&str> {
    let text = path.to_str()?;
    let is_pattern = text.contains(['*', '?', '[']) && std::fs::symlink_metadata(path).is_err();
    is_pattern.then_some(text)
}

/// The files a pattern matches, sorted.
fn matches(pattern: &str) -> Result<Vec<PathBuf>, PatternError> {
    let options = glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: true,
    };
    let found: Vec<PathBuf> = glob::glob_with(pattern, options)
        .map_err(|e| PatternError::Invalid { pattern: pattern.to_owned(), why: e.msg.to_owned() })?
        .filter_map(Result::ok)
        .collect();
    if found.is_empty() {
        return Err(PatternError::NoMatch { pattern: pattern.to_owned() });
    }
    Ok(found)
}

/// Every path, its pattern expanded.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, PatternError> {
    let mut expanded = Vec::with_capacity(paths.len());
    for path in paths {
        match pattern(path) {
            Some(pattern) => expanded.extend(matches(pattern)?),
            None => expanded.push(path.clone()),
        }
    }
    Ok(expanded)
}

/// One path, its pattern expanded to the one file it must match.
pub fn expand_one(path: &Path) -> Result<PathBuf, PatternError> {
    let Some(pattern) = pattern(path) else { return Ok(path.to_owned()) };
    let mut found = matches(pattern)?;
    match found.len() {
        1 => Ok(found.remove(0)),
        count => Err(PatternError::Several { pattern: pattern.to_owned(), count }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_expand_sorted_and_existing_names_stay_themselves() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.yaml", "a.yaml", "r[1].yaml", ".hidden.yaml", "c.yml"] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        let at = |name: &str| dir.path().join(name);
        let found = expand(&[at("*.yaml")]).unwrap();
        assert_eq!(found, [at("a.yaml"), at("b.yaml"), at("r[1].yaml")]);
        assert_eq!(expand(&[at("r[1].yaml")]).unwrap(), [at("r[1].yaml")]);
        assert_eq!(expand_one(&at("*.yml")).unwrap(), at("c.yml"));
        assert!(matches!(expand_one(&at("?.yaml")), Err(PatternError::Several { count: 2, .. })));
        assert!(matches!(expand(&[at("*.json")]), Err(PatternError::NoMatch { .. })));
        assert!(matches!(expand(&[at("[.yaml")]), Err(PatternError::Invalid { .. })));
        // A missing path without a pattern is left for the command to report.
        assert_eq!(expand(&[at("missing.yaml")]).unwrap(), [at("missing.yaml")]);
    }
}
