//! Brendan Gregg's folded ("collapsed") stacks, as written by
//! `stackcollapse-*.pl`, inferno, `perf script | stackcollapse`, and
//! async-profiler: one line per stack, frames root first separated by `;`,
//! then a space and a sample count (`main;run;parse 42`). pprof cannot
//! read these; rpprof loads them as a `samples/count` profile whose
//! frames are function names (no addresses, no files).
//!
//! The last legacy parser tried; fills a `legacy::Builder`. A file is taken
//! as folded only if every non-blank line has that shape.

use super::{Builder, Failure, Frame};
use crate::model::LocationId;
use std::collections::HashMap;

/// `a;b;c 42` → (frames root first, count).
fn line(l: &str) -> Option<(Vec<&str>, i64)> {
    let (stack, count) = l.trim_end().rsplit_once(' ')?;
    if count.is_empty() || !count.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let stack = stack.trim_end();
    if stack.is_empty() {
        return None;
    }
    Some((stack.split(';').collect(), count.parse().ok()?))
}

/// Parses folded stacks.
pub fn parse(lines: &[&str]) -> Result<crate::model::Profile, Failure> {
    let mut parsed = Vec::with_capacity(lines.len());
    for l in lines.iter().filter(|l| !l.trim().is_empty()) {
        parsed.push(line(l).ok_or(Failure::Unrecognized)?);
    }
    if parsed.is_empty() {
        return Err(Failure::Unrecognized);
    }
    let mut b = Builder::new(vec![("samples", "count")], ("samples".into(), "count"), 1);
    let mut by_name: HashMap<&str, LocationId> = HashMap::new();
    for (frames, count) in parsed {
        let locs = frames
            .iter()
            .rev()
            .map(|&name| {
                *by_name.entry(name).or_insert_with(|| {
                    b.symbolic_location(vec![Frame {
                        name: name.to_string(),
                        file: String::new(),
                        line: 0,
                    }])
                })
            })
            .collect();
        b.samples.push(super::RawSample {
            locs,
            values: vec![count],
            num_labels: Vec::new(),
        });
    }
    Ok(b.finish())
}

#[cfg(test)]
mod tests {
    use super::super::text_lines;
    use super::*;

    /// The folded parser on raw bytes, as `legacy::parse` calls it.
    fn parse(data: &[u8]) -> Result<crate::model::Profile, Failure> {
        super::parse(&text_lines(data)?)
    }

    #[test]
    fn stacks_are_leaf_first() {
        let p = parse(b"main;work;parse 3\nmain;work 2\n\nmain;idle 1\n").unwrap();
        assert_eq!(p.samples.len(), 3);
        let names: Vec<&str> = p
            .samples
            .locs(0)
            .iter()
            .map(|&l| p.str(p.functions[p.loc_lines(l)[0].function.index()].name))
            .collect();
        assert_eq!(names, ["parse", "work", "main"]);
        assert_eq!(p.values(1), [2]);
        assert!(p.mappings[0].has_functions);
    }

    #[test]
    fn other_text_is_not_folded() {
        assert!(parse(b"hello world\n").is_err());
        assert!(parse(b"").is_err());
        assert!(line("a;b 1.5").is_none());
        assert_eq!(
            line("std::vector<int, a> >::f;g 7"),
            Some((vec!["std::vector<int, a> >::f", "g"], 7))
        );
    }
}
