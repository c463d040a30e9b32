//! The URL query of a web UI request: pprof's parameter names (`f` focus,
//! `i` ignore, `si` sample index, …) mapped onto the option table, and
//! rpprof's own (`explain`, `lang`, and `snapshot` for a series). Every view is a URL:
//! reloading or sharing it shows the same report.

use crate::config::Config;
use crate::source::http::{query_escape, query_unescape};
use crate::{Error, Result};

/// pprof's URL parameter for each option it keeps in URLs, and ours.
pub const PARAMS: &[(&str, &str)] = &[
    ("f", "focus"),
    ("i", "ignore"),
    ("h", "hide"),
    ("s", "show"),
    ("sf", "show_from"),
    ("prunefrom", "prune_from"),
    ("tf", "tagfocus"),
    ("ti", "tagignore"),
    ("ts", "tagshow"),
    ("th", "taghide"),
    ("si", "sample_index"),
    ("g", "granularity"),
    ("unit", "unit"),
    ("n", "nodecount"),
    ("nf", "nodefraction"),
    ("ef", "edgefraction"),
    ("trim", "trim"),
    ("mean", "mean"),
    ("sort", "sort"),
    ("noinlines", "noinlines"),
    ("dropneg", "drop_negative"),
    ("calltree", "call_tree"),
    ("rel", "relative_percentages"),
    ("compact", "compact_labels"),
    ("intel", "intel_syntax"),
    ("explain", "explain"),
    ("lang", "lang"),
];

/// A parsed query: its pairs, decoded, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Parses `a=b&c=d` (percent-encoding and `+` for space decoded).
    pub fn parse(raw: &str) -> Result<Query> {
        let mut pairs = Vec::new();
        for part in raw.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            pairs.push((decode(k)?, decode(v)?));
        }
        Ok(Query { pairs })
    }

    /// The last value of `key` that is not empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// The query without `key`.
    pub fn without(&self, key: &str) -> Query {
        Query {
            pairs: self
                .pairs
                .iter()
                .filter(|(k, _)| k != key)
                .cloned()
                .collect(),
        }
    }

    /// `cfg` with the options the query sets, each checked as the shell's
    /// `name=value` checks it; a bad value is an error naming the
    /// parameter.
    pub fn apply(&self, cfg: &Config, sample_types: &[String]) -> Result<Config> {
        let mut cfg = cfg.clone();
        for (param, option) in PARAMS {
            if let Some(v) = self.get(param) {
                cfg.set(option, v, false, sample_types)
                    .map_err(|e| Error::Usage(format!("bad query parameter {param}={v:?}: {e}")))?;
            }
        }
        Ok(cfg)
    }

    /// The query with `key` set to `value` (removed when empty), encoded.
    pub fn with(&self, key: &str, value: &str) -> String {
        let mut pairs: Vec<(&str, &str)> = self
            .pairs
            .iter()
            .filter(|(k, v)| k != key && !v.is_empty())
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        if !value.is_empty() {
            pairs.push((key, value));
        }
        encode_pairs(&pairs)
    }

    /// The query encoded again (empty values left out).
    pub fn encoded(&self) -> String {
        self.with("", "")
    }
}

/// `k=v&…`, percent-encoded.
fn encode_pairs(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", query_escape(k), query_escape(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Decodes `%XX` and `+` as Go's `url.QueryUnescape`; the result must be
/// UTF-8.
fn decode(s: &str) -> Result<String> {
    query_unescape(s)
        .ok_or_else(|| Error::Usage(format!("bad query: malformed percent-encoding in {s:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_encodes_round_trip() {
        let q = Query::parse("f=main%5C.%28%2A&i=a+b&si=&x").unwrap();
        assert_eq!(q.get("f"), Some("main\\.(*"));
        assert_eq!(q.get("i"), Some("a b"));
        assert_eq!(q.get("si"), None);
        assert_eq!(
            Query::parse(&q.encoded()).unwrap().get("f"),
            Some("main\\.(*")
        );
        assert_eq!(q.with("f", ""), "i=a+b");
    }

    #[test]
    fn malformed_queries_are_one_line_errors() {
        for bad in ["f=%", "f=%4", "f=%zz", "f=%ff"] {
            let e = Query::parse(bad).unwrap_err().to_string();
            assert!(e.contains("malformed percent-encoding"), "{e}");
        }
    }

    #[test]
    fn parameters_are_options_of_the_table() {
        for (_, option) in PARAMS {
            assert!(
                crate::config::option(option).is_some()
                    || crate::config::GROUPS.iter().any(|g| g.name == *option),
                "{option}"
            );
        }
    }

    #[test]
    fn bad_values_name_the_parameter() {
        let q = Query::parse("f=(").unwrap();
        let e = q.apply(&Config::default(), &[]).unwrap_err().to_string();
        assert!(e.starts_with("bad query parameter f=\"(\": "), "{e}");
    }
}
