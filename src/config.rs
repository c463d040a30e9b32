//! Every pprof option, declared once.
//!
//! The option table ([`OPTIONS`]) and the choice groups ([`GROUPS`]) drive the
//! shell's `name=value` parser, `o`, `help`, completion and the command-line
//! flags. [`Config`] holds the current values as validated text, with typed
//! accessors. This module knows nothing about profiles beyond the sample-type
//! names handed to it for `sample_index`.

use crate::Error;
use crate::filter::regexp;
use crate::render::lang::Lang;
use crate::render::units;

/// How an option's value is parsed and checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `true t yes y 1` / `false f no n 0` (case-insensitive), empty = true.
    Bool,
    /// A decimal integer.
    Int,
    /// A float.
    Float,
    /// Free text.
    Str,
    /// A regular expression, checked when set.
    Regex,
    /// A tag filter (range or regexps), checked when a report runs, as pprof.
    TagFilter,
    /// A unit name, checked when set.
    Unit,
    /// A sample type name or index, resolved against the profile when set.
    SampleIndex,
    /// A language of the teaching texts (`en`, `zh`), or empty for the
    /// environment's.
    Lang,
}

/// One option: name, kind, default and help text.
pub struct OptionSpec {
    /// The option's name (`nodecount`).
    pub name: &'static str,
    /// What values it takes.
    pub kind: Kind,
    /// Its value until set.
    pub default: &'static str,
    /// One line for `help` and `o`.
    pub help: &'static str,
    /// True for rpprof's own options (not in pprof): `o`, `help` and the
    /// usage text list them only where pprof's texts need not be kept.
    pub extension: bool,
}

/// One choice of a group, e.g. `lines` of `granularity`.
pub struct Choice {
    /// The choice's name (`lines`).
    pub name: &'static str,
    /// One line for `help`.
    pub help: &'static str,
}

/// A group of mutually exclusive choices (`granularity`, `sort`).
pub struct GroupSpec {
    /// The group's name (`granularity`).
    pub name: &'static str,
    /// The choice selected until another is.
    pub default: &'static str,
    /// Its choices.
    pub choices: &'static [Choice],
}

/// The option table (sorted by name).
pub static OPTIONS: &[OptionSpec] = &[
    OptionSpec {
        name: "call_tree",
        kind: Kind::Bool,
        default: "false",
        help: "Create a context-sensitive call tree\nTreat locations reached through different paths as separate.\n",
        extension: false,
    },
    OptionSpec {
        name: "compact_labels",
        kind: Kind::Bool,
        default: "false",
        help: "Show minimal headers",
        extension: false,
    },
    OptionSpec {
        name: "depth",
        kind: Kind::Int,
        default: "0",
        help: "Rows of a flame graph to draw (rpprof)\nflame, flamegraph and view stop this many frames below the roots;\n0 draws every row. flame -depth=N sets it for one report.\n",
        extension: true,
    },
    OptionSpec {
        name: "divide_by",
        kind: Kind::Float,
        default: "1",
        help: "Ratio to divide all samples before visualization\nDivide all samples values by a constant, eg the number of processors or jobs.\n",
        extension: false,
    },
    OptionSpec {
        name: "drop_negative",
        kind: Kind::Bool,
        default: "false",
        help: "Ignore negative differences\nDo not show any locations with values <0.\n",
        extension: false,
    },
    OptionSpec {
        name: "edgefraction",
        kind: Kind::Float,
        default: "0.001",
        help: "Hide edges below <f>*total",
        extension: false,
    },
    OptionSpec {
        name: "explain",
        kind: Kind::Bool,
        default: "false",
        help: "Explain every report after it is shown (rpprof)\nA plain-language reading of the report's own numbers, with the next\ncommands to try; the explain command does it once. The language is\nthe lang option's.\n",
        extension: true,
    },
    OptionSpec {
        name: "focus",
        kind: Kind::Regex,
        default: "",
        help: "Restricts to samples going through a node matching regexp\nDiscard samples that do not include a node matching this regexp.\nMatching includes the function name, filename or object name.\n",
        extension: false,
    },
    OptionSpec {
        name: "hide",
        kind: Kind::Regex,
        default: "",
        help: "Skips nodes matching regexp\nDiscard nodes that match this location.\nOther nodes from samples that include this location will be shown.\nMatching includes the function name, filename or object name.\n",
        extension: false,
    },
    OptionSpec {
        name: "icicle",
        kind: Kind::Bool,
        default: "false",
        help: "Draw flamegraph upside down (rpprof)\nRoots at the top and callees below them, as an icicle graph; the\nterminal flame view is always drawn this way.\n",
        extension: true,
    },
    OptionSpec {
        name: "ignore",
        kind: Kind::Regex,
        default: "",
        help: "Skips paths going through any nodes matching regexp\nIf set, discard samples that include a node matching this regexp.\nMatching includes the function name, filename or object name.\n",
        extension: false,
    },
    OptionSpec {
        name: "intel_syntax",
        kind: Kind::Bool,
        default: "false",
        help: "Show assembly in Intel syntax\nOnly applicable to commands `disasm` and `weblist`\n",
        extension: false,
    },
    OptionSpec {
        name: "lang",
        kind: Kind::Lang,
        default: "",
        help: "Language of explanations, hints and the tour: en or zh (rpprof)\nReports and errors stay pprof's English. Unset, it follows LC_ALL,\nLC_MESSAGES or LANG (zh_* is Chinese).\n",
        extension: true,
    },
    OptionSpec {
        name: "mean",
        kind: Kind::Bool,
        default: "false",
        help: "Average sample value over first value (count)\nFor memory profiles, report average memory per allocation.\nFor time-based profiles, report average time per event.\n",
        extension: false,
    },
    OptionSpec {
        name: "nodecount",
        kind: Kind::Int,
        default: "-1",
        help: "Max number of nodes to show\nUses heuristics to limit the number of locations to be displayed.\nOn graphs, dotted edges represent paths through nodes that have been removed.\n",
        extension: false,
    },
    OptionSpec {
        name: "nodefraction",
        kind: Kind::Float,
        default: "0.005",
        help: "Hide nodes below <f>*total",
        extension: false,
    },
    OptionSpec {
        name: "noinlines",
        kind: Kind::Bool,
        default: "false",
        help: "Ignore inlines.\nAttributes inlined functions to their first out-of-line caller.\n",
        extension: false,
    },
    OptionSpec {
        name: "normalize",
        kind: Kind::Bool,
        default: "false",
        help: "Scales profile based on the base profile.\n",
        extension: false,
    },
    OptionSpec {
        name: "output",
        kind: Kind::Str,
        default: "",
        help: "Output filename for file-based outputs\n",
        extension: false,
    },
    OptionSpec {
        name: "prune_from",
        kind: Kind::Regex,
        default: "",
        help: "Drops any functions below the matched frame.\nIf set, any frames matching the specified regexp and any frames\nbelow it will be dropped from each sample.\n",
        extension: false,
    },
    OptionSpec {
        name: "relative_percentages",
        kind: Kind::Bool,
        default: "false",
        help: "Show percentages relative to focused subgraph\nIf unset, percentages are relative to full graph before focusing\nto facilitate comparison with original graph.\n",
        extension: false,
    },
    OptionSpec {
        name: "sample_index",
        kind: Kind::SampleIndex,
        default: "",
        help: "Sample value to report (0-based index or name)\nProfiles contain multiple values per sample.\nUse sample_index=i to select the ith value (starting at 0).",
        extension: false,
    },
    OptionSpec {
        name: "show",
        kind: Kind::Regex,
        default: "",
        help: "Only show nodes matching regexp\nIf set, only show nodes that match this location.\nMatching includes the function name, filename or object name.\n",
        extension: false,
    },
    OptionSpec {
        name: "show_from",
        kind: Kind::Regex,
        default: "",
        help: "Drops functions above the highest matched frame.\nIf set, all frames above the highest match are dropped from every sample.\nMatching includes the function name, filename or object name.\n",
        extension: false,
    },
    OptionSpec {
        name: "source_path",
        kind: Kind::Str,
        default: "",
        help: "Search path for source files",
        extension: false,
    },
    OptionSpec {
        name: "tagfocus",
        kind: Kind::TagFilter,
        default: "",
        help: "Restricts to samples with tags in range or matched by regexp\nUse name=value syntax to limit the matching to a specific tag.\nNumeric tag filter examples: 1kb, 1kb:10kb, memory=32mb:\nString tag filter examples: foo, foo.*bar, mytag=foo.*bar\n",
        extension: false,
    },
    OptionSpec {
        name: "taghide",
        kind: Kind::Regex,
        default: "",
        help: "Skip tags matching this regexp\nDiscard tags that match this regexp\n",
        extension: false,
    },
    OptionSpec {
        name: "tagignore",
        kind: Kind::TagFilter,
        default: "",
        help: "Discard samples with tags in range or matched by regexp\nUse name=value syntax to limit the matching to a specific tag.\nNumeric tag filter examples: 1kb, 1kb:10kb, memory=32mb:\nString tag filter examples: foo, foo.*bar, mytag=foo.*bar\n",
        extension: false,
    },
    OptionSpec {
        name: "tagleaf",
        kind: Kind::Str,
        default: "",
        help: "Adds pseudo stack frames for labels key/value pairs at the callstack leaf.\nA comma-separated list of label keys.\nThe last key creates frames at the new leaf.\n",
        extension: false,
    },
    OptionSpec {
        name: "tagroot",
        kind: Kind::Str,
        default: "",
        help: "Adds pseudo stack frames for labels key/value pairs at the callstack root.\nA comma-separated list of label keys.\nThe first key creates frames at the new root.\n",
        extension: false,
    },
    OptionSpec {
        name: "tagshow",
        kind: Kind::Regex,
        default: "",
        help: "Only consider tags matching this regexp\nDiscard tags that do not match this regexp\n",
        extension: false,
    },
    OptionSpec {
        name: "trim",
        kind: Kind::Bool,
        default: "true",
        help: "Honor nodefraction/edgefraction/nodecount defaults\nSet to false to get the full profile, without any trimming.\n",
        extension: false,
    },
    OptionSpec {
        name: "trim_path",
        kind: Kind::Str,
        default: "",
        help: "Path to trim from source paths before search",
        extension: false,
    },
    OptionSpec {
        name: "unit",
        kind: Kind::Unit,
        default: "minimum",
        help: "Measurement units to display\nScale the sample values to this unit.\nFor time-based profiles, use seconds, milliseconds, nanoseconds, etc.\nFor memory profiles, use megabytes, kilobytes, bytes, etc.\nUsing auto will scale each value independently to the most natural unit.\n",
        extension: false,
    },
];

/// The choice groups.
pub static GROUPS: &[GroupSpec] = &[
    GroupSpec {
        name: "granularity",
        default: "functions",
        choices: &[
            Choice {
                name: "functions",
                help: "Aggregate at the function level.\nIgnores the filename where the function was defined.\n",
            },
            Choice {
                name: "filefunctions",
                help: "Aggregate at the function level.\nTakes into account the filename where the function was defined.\n",
            },
            Choice {
                name: "files",
                help: "Aggregate at the file level.",
            },
            Choice {
                name: "lines",
                help: "Aggregate at the source code line level.",
            },
            Choice {
                name: "addresses",
                help: "Aggregate at the address level.\nIncludes functions' addresses in the output.\n",
            },
        ],
    },
    GroupSpec {
        name: "sort",
        default: "flat",
        choices: &[
            Choice {
                name: "cum",
                help: "Sort entries based on cumulative weight\n",
            },
            Choice {
                name: "flat",
                help: "Sort entries based on own weight\n",
            },
        ],
    },
];

/// Looks up an option by name.
pub fn option(name: &str) -> Option<&'static OptionSpec> {
    OPTIONS.iter().find(|o| o.name == name)
}

/// Finds the group a choice belongs to.
pub fn group_of_choice(choice: &str) -> Option<&'static GroupSpec> {
    GROUPS
        .iter()
        .find(|g| g.choices.iter().any(|c| c.name == choice))
}

/// Looks up a choice by name (e.g. `cum`).
pub fn choice(name: &str) -> Option<&'static Choice> {
    GROUPS
        .iter()
        .flat_map(|g| g.choices.iter())
        .find(|c| c.name == name)
}

/// Aggregation level of graph nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Granularity {
    /// One node per function (`functions`).
    Functions,
    /// One node per function and file (`filefunctions`).
    FileFunctions,
    /// One node per source file (`files`).
    Files,
    /// One node per source line (`lines`).
    Lines,
    /// One node per address (`addresses`).
    Addresses,
}

impl Granularity {
    /// Parses a `granularity` choice name.
    pub fn from_name(s: &str) -> Option<Granularity> {
        Some(match s {
            "functions" => Granularity::Functions,
            "filefunctions" => Granularity::FileFunctions,
            "files" => Granularity::Files,
            "lines" => Granularity::Lines,
            "addresses" => Granularity::Addresses,
            _ => return None,
        })
    }
}

/// Parses Go's `strconv.ParseBool` extended with pprof's `yes`/`no` and empty.
fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "" | "true" | "t" | "yes" | "y" | "1" => Some(true),
        "false" | "f" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}

/// Go's `strconv.ParseBool` (used for `cum=true` style choices).
fn parse_go_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Parses a float as Go's `strconv.ParseFloat` would accept it.
pub fn parse_float(v: &str) -> crate::Result<f64> {
    v.parse::<f64>().map_err(|_| {
        Error::OptionValue(format!("strconv.ParseFloat: parsing {v:?}: invalid syntax"))
    })
}

/// Parses an int as Go's `strconv.Atoi`.
pub fn parse_int(v: &str) -> crate::Result<i64> {
    v.parse::<i64>().map_err(|e| {
        // Go's strconv words for the two failures.
        let why = match e.kind() {
            std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => {
                "value out of range"
            }
            _ => "invalid syntax",
        };
        Error::OptionValue(format!("strconv.Atoi: parsing {v:?}: {why}"))
    })
}

/// Resolves a `sample_index` value against the profile's sample types:
/// an index or a name (a leading `inuse_` may be dropped). Returns the column.
pub fn resolve_sample_index(value: &str, types: &[String]) -> crate::Result<usize> {
    if types.is_empty() {
        return Err(Error::Incompatible("profile has no samples".to_string()));
    }
    if let Ok(i) = value.parse::<i64>() {
        if i < 0 || i as usize >= types.len() {
            return Err(Error::OptionValue(format!(
                "sample_index {value} is outside the range [0..{}]",
                types.len().saturating_sub(1)
            )));
        }
        return Ok(i as usize);
    }
    let stripped = value.strip_prefix("inuse_").unwrap_or(value);
    types
        .iter()
        .position(|t| t == value || t == stripped)
        .ok_or_else(|| {
            Error::OptionValue(format!(
                "sample_index {value:?} must be one of: [{}]",
                types.join(" ")
            ))
        })
}

/// The session's option values.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    values: Vec<String>,
    groups: Vec<&'static str>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            values: OPTIONS.iter().map(|o| o.default.to_string()).collect(),
            groups: GROUPS.iter().map(|g| g.default).collect(),
        }
    }
}

impl Config {
    fn index(name: &str) -> usize {
        OPTIONS
            .iter()
            .position(|o| o.name == name)
            .unwrap_or_else(|| panic!("option {name:?} is not in the option table"))
    }

    /// The raw text value of an option.
    pub fn get(&self, name: &str) -> &str {
        &self.values[Self::index(name)]
    }

    /// A boolean option.
    pub fn bool(&self, name: &str) -> bool {
        parse_bool(self.get(name)).unwrap_or(false)
    }

    /// An integer option.
    pub fn int(&self, name: &str) -> i64 {
        self.get(name).parse().unwrap_or(0)
    }

    /// A float option.
    pub fn float(&self, name: &str) -> f64 {
        self.get(name).parse().unwrap_or(0.0)
    }

    /// The selected choice of a group.
    pub fn group(&self, group: &str) -> &'static str {
        let i = GROUPS
            .iter()
            .position(|g| g.name == group)
            .expect("known group");
        self.groups[i]
    }

    /// The granularity choice.
    pub fn granularity(&self) -> Granularity {
        Granularity::from_name(self.group("granularity")).expect("valid granularity")
    }

    /// True when sorting by cum.
    pub fn sort_cum(&self) -> bool {
        self.group("sort") == "cum"
    }

    /// Sets an option without checks (per-command overrides).
    pub fn put(&mut self, name: &str, value: impl Into<String>) {
        let i = Self::index(name);
        self.values[i] = value.into();
    }

    /// Selects a choice without checks.
    pub fn put_choice(&mut self, choice: &str) {
        let g = group_of_choice(choice).expect("known choice");
        let i = GROUPS
            .iter()
            .position(|x| std::ptr::eq(x, g))
            .expect("group index");
        self.groups[i] = g
            .choices
            .iter()
            .find(|c| c.name == choice)
            .expect("choice")
            .name;
    }

    /// Sets `name` to `value` as the shell's `name=value` does, checking the
    /// value; on error the old value stays. `sample_types` resolves
    /// `sample_index`. `bare` is true when no `=` was given.
    pub fn set(
        &mut self,
        name: &str,
        value: &str,
        bare: bool,
        sample_types: &[String],
    ) -> crate::Result<()> {
        let bad = |m: String| Err(Error::OptionValue(m));
        if let Some(spec) = option(name) {
            let boolish = spec.kind == Kind::Bool;
            if bare && !boolish {
                return bad(format!("please specify a value, e.g. {name}=<val>"));
            }
            let stored = match spec.kind {
                Kind::Bool => match parse_bool(value) {
                    Some(b) => b.to_string(),
                    None => return bad(format!("illegal value {value:?} for bool variable")),
                },
                Kind::Int => {
                    let n = parse_int(value)?;
                    check_int_range(name, n).map_err(Error::OptionValue)?;
                    n.to_string()
                }
                Kind::Float => {
                    let f = parse_float(value)?;
                    check_float_range(name, f).map_err(Error::OptionValue)?;
                    f.to_string()
                }
                Kind::Str | Kind::TagFilter => value.to_string(),
                Kind::Regex => {
                    regexp::compile_for(&format!("parsing {name} regexp"), value)?;
                    value.to_string()
                }
                Kind::Unit => {
                    if !units::is_known_output_unit(value) {
                        return bad(format!(
                            "unrecognized unit {value:?}: use minimum, auto, or a unit such as B, kB, MB, GB, ns, us, ms, s, hrs"
                        ));
                    }
                    value.to_string()
                }
                Kind::SampleIndex => {
                    let i = resolve_sample_index(value, sample_types)?;
                    sample_types[i].clone()
                }
                Kind::Lang => match Lang::parse(value) {
                    Some(_) => value.to_string(),
                    None if value.is_empty() => String::new(),
                    None => {
                        return bad(format!(
                            "unknown language {value:?}: use one of {}",
                            Lang::names().join(", ")
                        ));
                    }
                },
            };
            self.put(name, stored);
            return Ok(());
        }
        if let Some(g) = GROUPS.iter().find(|g| g.name == name) {
            if bare {
                return bad(format!("please specify a value, e.g. {name}=<val>"));
            }
            if g.choices.iter().any(|c| c.name == value) {
                self.put_choice(value);
                return Ok(());
            }
            return bad(format!("invalid {name:?} value {value:?}"));
        }
        if choice(name).is_some() {
            // A bare choice (`cum`, `lines`) selects it: a deliberate improvement
            // over pprof 1.19, which rejects the empty value.
            if bare || parse_go_bool(value) == Some(true) {
                self.put_choice(name);
                return Ok(());
            }
            return Err(Error::Usage(format!("unknown config field {name:?}")));
        }
        Err(Error::Usage(format!("unknown config field {name:?}")))
    }

    /// Lines of the `o` listing, sorted, as pprof prints them (rpprof's own
    /// options only with `extras`).
    pub fn listing(&self, sample_types: &[String], extras: bool) -> Vec<String> {
        let mut lines = Vec::new();
        for (o, v) in OPTIONS.iter().zip(&self.values) {
            if o.name == "source_path" || (o.extension && !extras) {
                continue;
            }
            let (shown, comment) = match o.kind {
                Kind::SampleIndex => {
                    let shown = if v.is_empty() {
                        sample_types.last().cloned().unwrap_or_default()
                    } else {
                        v.clone()
                    };
                    (shown, format!("//: [{}]", sample_types.join(" | ")))
                }
                _ if o.name == "nodecount" && v == "-1" => (v.clone(), "//: default".to_string()),
                _ if v.is_empty() => ("\"\"".to_string(), String::new()),
                _ => (v.clone(), String::new()),
            };
            lines.push(format!("  {:<25} = {:<20} {}", o.name, shown, comment));
        }
        for (g, v) in GROUPS.iter().zip(&self.groups) {
            let mut names: Vec<&str> = g.choices.iter().map(|c| c.name).collect();
            names.sort_unstable();
            lines.push(format!(
                "  {:<25} = {:<20} //: [{}]",
                g.name,
                v,
                names.join(" | ")
            ));
        }
        lines.sort();
        lines
    }
}

/// The range check of an int option when it is set (`depth`: a row count,
/// so that a negative one cannot be kept and fail every later report).
fn check_int_range(name: &str, n: i64) -> Result<(), String> {
    match name {
        "depth" if n < 0 => Err(format!("depth must be 0 (every row) or more, not {n}")),
        _ => Ok(()),
    }
}

fn check_float_range(name: &str, f: f64) -> Result<(), String> {
    match name {
        "nodefraction" | "edgefraction" if !(0.0..=1.0).contains(&f) => {
            Err(format!("{name} must be between 0 and 1, not {f}"))
        }
        "divide_by" if f == 0.0 || !f.is_finite() => {
            Err(format!("divide_by must be a non-zero number, not {f}"))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_option_has_a_valid_default_and_help() {
        let mut c = Config::default();
        for o in OPTIONS {
            assert!(!o.help.is_empty(), "{}", o.name);
            if o.kind != Kind::SampleIndex {
                c.set(o.name, o.default, false, &[])
                    .unwrap_or_else(|e| panic!("{}: {e}", o.name));
            }
        }
        for g in GROUPS {
            assert!(g.choices.iter().any(|c| c.name == g.default));
        }
        assert_eq!(c, Config::default());
    }

    #[test]
    fn integers_fail_in_go_strconv_words() {
        let mut c = Config::default();
        let e = c
            .set("nodecount", "99999999999999999999", false, &[])
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "strconv.Atoi: parsing \"99999999999999999999\": value out of range"
        );
        let e = c.set("nodecount", "ten", false, &[]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "strconv.Atoi: parsing \"ten\": invalid syntax"
        );
    }

    #[test]
    fn improvements_and_errors() {
        let mut c = Config::default();
        c.set("cum", "", true, &[]).unwrap();
        assert!(c.sort_cum());
        c.set("lines", "", true, &[]).unwrap();
        assert_eq!(c.granularity(), Granularity::Lines);
        assert_eq!(
            c.set("flat", "false", false, &[]).unwrap_err().to_string(),
            "unknown config field \"flat\""
        );
        assert_eq!(
            c.set("granularity", "bogus", false, &[])
                .unwrap_err()
                .to_string(),
            "invalid \"granularity\" value \"bogus\""
        );
        assert_eq!(
            c.set("nodecount", "abc", false, &[])
                .unwrap_err()
                .to_string(),
            "strconv.Atoi: parsing \"abc\": invalid syntax"
        );
        assert!(c.set("unit", "furlongs", false, &[]).is_err());
        assert_eq!(c.get("unit"), "minimum");
        assert!(
            c.set("focus", "(", false, &[])
                .unwrap_err()
                .to_string()
                .contains("missing closing ): `(`")
        );
        assert_eq!(c.get("focus"), "");
        assert!(c.set("nodefraction", "2", false, &[]).is_err());
        assert_eq!(
            c.set("depth", "-1", false, &[]).unwrap_err().to_string(),
            "depth must be 0 (every row) or more, not -1"
        );
        assert_eq!(c.get("depth"), "0");
        assert_eq!(
            c.set("focus", "", true, &[]).unwrap_err().to_string(),
            "please specify a value, e.g. focus=<val>"
        );
        let types = vec!["samples".to_string(), "cpu".to_string()];
        c.set("sample_index", "0", false, &types).unwrap();
        assert_eq!(c.get("sample_index"), "samples");
        assert_eq!(
            c.set("sample_index", "5", false, &types)
                .unwrap_err()
                .to_string(),
            "sample_index 5 is outside the range [0..1]"
        );
    }
}
