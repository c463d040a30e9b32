//! Command-line flags in Go's `flag` style (`-name`, `--name`, `-name=v`,
//! `-name v` for non-booleans; parsing stops at the first non-flag),
//! driven by the option and command tables, plus the source and misc
//! flags of pprof and rpprof's own `--color` and `--version`, `-series`
//! and `-capture` (`-every`, `-count`; `-output` then names the directory).

use crate::commands::{Argument, CommandSpec, command};
use crate::config::{Config, GROUPS, Kind, choice, option};
use crate::render::color::ColorChoice;

/// Source and misc flags that are not report options.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Extra {
    Str,
    Int,
    Bool,
}

/// Flags of the source/misc/legacy groups (one declaration).
const EXTRA_FLAGS: &[(&str, Extra)] = &[
    ("base", Extra::Str),
    ("diff_base", Extra::Str),
    ("symbolize", Extra::Str),
    ("buildid", Extra::Str),
    ("timeout", Extra::Int),
    ("seconds", Extra::Int),
    ("add_comment", Extra::Str),
    ("tools", Extra::Str),
    ("http", Extra::Str),
    ("no_browser", Extra::Bool),
    ("tls_cert", Extra::Str),
    ("tls_key", Extra::Str),
    ("tls_ca", Extra::Str),
    ("color", Extra::Str),
    ("series", Extra::Bool),
    ("capture", Extra::Bool),
    ("every", Extra::Str),
    ("count", Extra::Int),
    ("ascii", Extra::Bool),
    ("tour", Extra::Bool),
    ("version", Extra::Bool),
    ("total_delay", Extra::Bool),
    ("mean_delay", Extra::Bool),
    ("contentions", Extra::Bool),
    ("inuse_space", Extra::Bool),
    ("inuse_objects", Extra::Bool),
    ("alloc_space", Extra::Bool),
    ("alloc_objects", Extra::Bool),
];

/// The legacy sample-index shortcuts, in pprof's order of application.
const VALUE_SHORTCUTS: &[(&str, &str)] = &[
    ("total_delay", "delay"),
    ("mean_delay", "delay"),
    ("contentions", "contentions"),
    ("inuse_space", "inuse_space"),
    ("inuse_objects", "inuse_objects"),
    ("alloc_space", "alloc_space"),
    ("alloc_objects", "alloc_objects"),
];

/// What the command line asks for.
pub struct Args {
    pub cfg: Config,
    /// The report command for a one-shot report, with its regexp value.
    pub format: Option<(&'static CommandSpec, Option<String>)>,
    pub sources: Vec<String>,
    pub base: Option<String>,
    pub diff_base: Option<String>,
    pub symbolize: String,
    pub buildid: String,
    pub seconds: i64,
    pub timeout: i64,
    pub add_comment: String,
    /// `-http`'s address when not empty: serve the web UI there.
    pub http: Option<String>,
    /// `-no_browser`: do not open a browser on the web UI.
    pub no_browser: bool,
    pub color: ColorChoice,
    /// `-series`: load the sources as a snapshot series (rpprof).
    pub series: bool,
    /// `--ascii`: ASCII sparklines (rpprof).
    pub ascii: bool,
    /// `-capture`: fetch a series of snapshots from one URL (rpprof).
    pub capture: Option<Capture>,
    /// `-tour`: the guided tour on the bundled snapshots (rpprof).
    pub tour: bool,
    pub version: bool,
    pub help: bool,
    /// Informational lines for stderr.
    pub notes: Vec<String>,
}

/// The `-capture` flags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capture {
    /// `-every` (default 10s).
    pub every: std::time::Duration,
    /// `-count` (default 5).
    pub count: u32,
    /// `-output`: the directory for the files (default: where pprof saves
    /// fetched profiles).
    pub dir: Option<String>,
}

/// The default `-every`.
pub const DEFAULT_EVERY: std::time::Duration = std::time::Duration::from_secs(10);
/// The default `-count`.
pub const DEFAULT_COUNT: u32 = 5;

/// A flag error: the message, and whether pprof prints its usage after it.
pub struct FlagError {
    pub message: String,
    pub usage: bool,
}

fn err(message: String, usage: bool) -> FlagError {
    FlagError { message, usage }
}

fn parse_go_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// True when `name` is a boolean flag.
fn is_bool_flag(name: &str) -> bool {
    if let Some(c) = command(name) {
        return c.argument != Argument::Required;
    }
    if let Some(o) = option(name) {
        return o.kind == Kind::Bool;
    }
    if choice(name).is_some() {
        return true;
    }
    EXTRA_FLAGS
        .iter()
        .any(|(n, k)| *n == name && *k == Extra::Bool)
}

fn is_flag(name: &str) -> bool {
    command(name).is_some()
        || option(name).is_some()
        || choice(name).is_some()
        || EXTRA_FLAGS.iter().any(|(n, _)| *n == name)
        || matches!(name, "h" | "help")
}

/// Why `value` is not a number of `kind`, in Go's `flag` words (`parse
/// error`, or `value out of range` for what does not fit an int64 or a
/// finite float64); `None` when it is one, or `kind` is not a number.
fn number_error(kind: Kind, value: &str) -> Option<&'static str> {
    use std::num::IntErrorKind;
    match kind {
        Kind::Int => match value.parse::<i64>() {
            Ok(_) => None,
            Err(e)
                if matches!(
                    e.kind(),
                    IntErrorKind::PosOverflow | IntErrorKind::NegOverflow
                ) =>
            {
                Some("value out of range")
            }
            Err(_) => Some("parse error"),
        },
        Kind::Float => match value.parse::<f64>() {
            Err(_) => Some("parse error"),
            Ok(f) if f.is_infinite() && !spells_infinity(value) => Some("value out of range"),
            Ok(_) => None,
        },
        _ => None,
    }
}

/// True when `value` is Go's spelling of an infinite float (`Inf`,
/// `+inf`, `-Infinity`, …), not a finite number too large for a float64.
fn spells_infinity(value: &str) -> bool {
    value
        .trim_start_matches(['+', '-'])
        .to_ascii_lowercase()
        .starts_with("inf")
}

/// Parses `argv` (without the program name).
pub fn parse(argv: &[String]) -> Result<Args, FlagError> {
    let mut a = Args {
        cfg: Config::default(),
        format: None,
        sources: Vec::new(),
        base: None,
        diff_base: None,
        symbolize: String::new(),
        buildid: String::new(),
        seconds: -1,
        timeout: -1,
        add_comment: String::new(),
        http: None,
        no_browser: false,
        color: ColorChoice::Auto,
        series: false,
        ascii: false,
        capture: None,
        tour: false,
        version: false,
        help: false,
        notes: Vec::new(),
    };
    let mut formats: Vec<(&'static CommandSpec, Option<String>)> = Vec::new();
    let mut shortcuts: Vec<&str> = Vec::new();
    let mut groups_set: Vec<&str> = Vec::new();
    let mut capture = false;
    let mut every: Option<String> = None;
    let mut count: Option<String> = None;
    let mut i = 0;
    while i < argv.len() {
        let arg = &argv[i];
        if arg == "--" {
            i += 1;
            break;
        }
        if arg.len() < 2 || !arg.starts_with('-') {
            break;
        }
        let body = arg.strip_prefix("--").unwrap_or(&arg[1..]);
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (body, None),
        };
        if !is_flag(name) {
            return Err(err(format!("flag provided but not defined: -{name}"), true));
        }
        if matches!(name, "h" | "help") {
            a.help = true;
            i += 1;
            continue;
        }
        let value = if is_bool_flag(name) {
            let v = inline.unwrap_or_else(|| "true".into());
            match parse_go_bool(&v) {
                Some(b) => b.to_string(),
                None => {
                    return Err(err(
                        format!("invalid boolean value {v:?} for -{name}: parse error"),
                        true,
                    ));
                }
            }
        } else {
            match inline {
                Some(v) => v,
                None => {
                    i += 1;
                    match argv.get(i) {
                        Some(v) => v.clone(),
                        None => return Err(err(format!("flag needs an argument: -{name}"), true)),
                    }
                }
            }
        };
        i += 1;
        if let Some(c) = command(name) {
            match (c.argument, value.as_str()) {
                (Argument::None | Argument::Optional, "true") => formats.push((c, None)),
                (Argument::None, _) | (Argument::Optional, "false") => {}
                (Argument::Required | Argument::Optional, _) => formats.push((c, Some(value))),
            }
            continue;
        }
        if let Some(o) = option(name) {
            if let Some(why) = number_error(o.kind, &value) {
                return Err(err(
                    format!("invalid value {value:?} for flag -{name}: {why}"),
                    true,
                ));
            }
            // Values are checked by the report, as in pprof.
            a.cfg.put(name, value);
            continue;
        }
        if choice(name).is_some() {
            if value == "true" {
                a.cfg.put_choice(name);
                groups_set.push(name);
            }
            continue;
        }
        match name {
            "base" => a.base = Some(value),
            "diff_base" => a.diff_base = Some(value),
            "symbolize" => a.symbolize = value,
            "buildid" => a.buildid = value,
            "add_comment" => a.add_comment = value,
            // pprof: an empty `-http` is no `-http`.
            "http" => a.http = Some(value).filter(|v| !v.is_empty()),
            "seconds" | "timeout" => {
                if let Some(why) = number_error(Kind::Int, &value) {
                    return Err(err(
                        format!("invalid value {value:?} for flag -{name}: {why}"),
                        true,
                    ));
                }
                let n = value.parse::<i64>().unwrap_or_default();
                if name == "seconds" {
                    a.seconds = n;
                } else {
                    a.timeout = n;
                }
            }
            "color" => {
                a.color = ColorChoice::parse(&value).ok_or_else(|| {
                    err(
                        format!(
                            "invalid value {value:?} for flag -color: use auto, always or never"
                        ),
                        false,
                    )
                })?
            }
            "version" => a.version = value == "true",
            "series" => a.series = value == "true",
            "ascii" => a.ascii = value == "true",
            "tour" => a.tour = value == "true",
            "no_browser" => a.no_browser = value == "true",
            "capture" => capture = value == "true",
            "every" => every = Some(value),
            "count" => count = Some(value),
            n if VALUE_SHORTCUTS.iter().any(|(s, _)| *s == n) && value == "true" => {
                shortcuts.push(n)
            }
            _ => {}
        }
    }
    a.sources = argv[i..].to_vec();
    if a.help || a.version {
        return Ok(a);
    }
    if a.tour {
        if let Some(s) = a.sources.first() {
            return Err(err(
                format!("-tour runs on its bundled snapshots: remove {s:?}"),
                false,
            ));
        }
        if !formats.is_empty() || capture || a.series || a.http.is_some() {
            return Err(err(
                "-tour is an interactive lesson: it takes no output format, -series, -capture or -http".into(),
                false,
            ));
        }
        return Ok(a);
    }
    for (flag, index) in VALUE_SHORTCUTS {
        if !shortcuts.contains(flag) {
            continue;
        }
        if !a.cfg.get("sample_index").is_empty() {
            a.notes
                .push(format!("Multiple value selections, ignoring -{flag}"));
            continue;
        }
        a.cfg.put("sample_index", *index);
        if *flag == "mean_delay" {
            a.cfg.put("mean", "true");
        }
    }
    for g in GROUPS {
        let set: Vec<&str> = groups_set
            .iter()
            .copied()
            .filter(|c| g.choices.iter().any(|x| x.name == *c))
            .collect();
        if set.len() > 1 {
            return Err(err(
                format!("conflicting options set: [{}]", set.join(" ")),
                false,
            ));
        }
    }
    if formats.len() > 1 {
        return Err(err("must set at most one output format".into(), false));
    }
    a.format = formats.pop();
    if a.http.is_some() && a.format.is_some() {
        return Err(err(
            "-http is not compatible with an output format on the command line".into(),
            false,
        ));
    }
    if capture {
        a.capture = Some(capture_flags(&mut a, every, count)?);
    } else if let Some(name) = [("every", &every), ("count", &count)]
        .iter()
        .find_map(|(n, v)| v.as_ref().map(|_| n))
    {
        return Err(err(format!("-{name} is only used with -capture"), false));
    }
    if a.sources.is_empty() {
        return Err(err("no profile source specified".into(), true));
    }
    a.base = a.base.filter(|b| !b.is_empty());
    a.diff_base = a.diff_base.filter(|b| !b.is_empty());
    if a.base.is_some() && a.diff_base.is_some() {
        return Err(err(
            "-base and -diff_base flags cannot both be specified".into(),
            false,
        ));
    }
    if a.series && (a.base.is_some() || a.diff_base.is_some()) {
        return Err(err(
            "-series cannot be combined with -base or -diff_base: compare snapshots with diff A B"
                .into(),
            false,
        ));
    }
    a.series |= a
        .format
        .as_ref()
        .is_some_and(|(spec, _)| spec.format == crate::commands::Format::Growth);
    if a.cfg.bool("normalize") && a.base.is_none() && a.diff_base.is_none() {
        return Err(err("must have base profile to normalize by".into(), false));
    }
    Ok(a)
}

/// Checks the `-capture` flags (one-line errors quoting the bad value)
/// and takes `-output` as the directory, so the report goes to stdout.
fn capture_flags(
    a: &mut Args,
    every: Option<String>,
    count: Option<String>,
) -> Result<Capture, FlagError> {
    let every = match every {
        None => DEFAULT_EVERY,
        Some(v) => match crate::render::time::parse_go_duration(&v) {
            None => {
                return Err(err(
                    format!(
                        "invalid value {v:?} for flag -every: use a duration such as 10s, 1m30s or 500ms"
                    ),
                    false,
                ));
            }
            Some(n) if n <= 0 => {
                return Err(err(
                    format!("invalid value {v:?} for flag -every: the interval must be positive"),
                    false,
                ));
            }
            Some(n) => std::time::Duration::from_nanos(n as u64),
        },
    };
    let count = match count {
        None => DEFAULT_COUNT,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n >= 1 => u32::try_from(n).map_err(|_| {
                err(
                    format!("invalid value {v:?} for flag -count: too many snapshots"),
                    false,
                )
            })?,
            Ok(_) => {
                return Err(err(
                    format!("invalid value {v:?} for flag -count: capture at least 1 snapshot"),
                    false,
                ));
            }
            Err(_) => {
                return Err(err(
                    format!("invalid value {v:?} for flag -count: not a number"),
                    false,
                ));
            }
        },
    };
    if a.sources.is_empty() {
        return Err(err("-capture needs a URL to fetch from".into(), false));
    }
    if a.base.is_some() || a.diff_base.is_some() {
        return Err(err(
            "-capture cannot be combined with -base or -diff_base: compare snapshots with diff A B"
                .into(),
            false,
        ));
    }
    if a.http.is_some() {
        return Err(err("-capture is not compatible with -http".into(), false));
    }
    let dir = Some(a.cfg.get("output").to_string()).filter(|d| !d.is_empty());
    a.cfg.put("output", "");
    Ok(Capture { every, count, dir })
}

impl Args {
    /// The profiles to load, as a fetch request (without progress display).
    pub fn fetch_request(&self) -> crate::source::fetch::Request {
        let (bases, diff_base) = match (&self.base, &self.diff_base) {
            (Some(b), _) => (vec![b.clone()], false),
            (None, Some(d)) => (vec![d.clone()], true),
            (None, None) => (Vec::new(), false),
        };
        crate::source::fetch::Request {
            sources: self.sources.clone(),
            bases,
            diff_base,
            seconds: self.seconds,
            timeout: self.timeout,
            progress: false,
        }
    }
}

/// Names of all flags (for tests walking the tables).
#[cfg(test)]
fn flag_names() -> Vec<String> {
    let mut v: Vec<String> = crate::commands::COMMANDS
        .iter()
        .map(|c| c.name.to_string())
        .collect();
    v.extend(crate::config::OPTIONS.iter().map(|o| o.name.to_string()));
    v.extend(
        GROUPS
            .iter()
            .flat_map(|g| g.choices.iter().map(|c| c.name.to_string())),
    );
    v.extend(EXTRA_FLAGS.iter().map(|(n, _)| n.to_string()));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn go_style_flags() {
        let a = parse(&args(
            "-top -nodecount 5 --cum -sample_index=alloc_space heap.pb.gz",
        ))
        .ok()
        .unwrap();
        assert_eq!(a.format.unwrap().0.name, "top");
        assert_eq!(a.cfg.get("nodecount"), "5");
        assert!(a.cfg.sort_cum());
        assert_eq!(a.sources, vec!["heap.pb.gz"]);
        let a = parse(&args("heap.pb.gz -top")).ok().unwrap();
        assert!(a.format.is_none());
        assert_eq!(a.sources.len(), 2);
    }

    #[test]
    fn flag_errors() {
        let e = |s: &str| parse(&args(s)).err().unwrap().message;
        assert_eq!(e("-top -tree x"), "must set at most one output format");
        assert_eq!(e("-bogus x"), "flag provided but not defined: -bogus");
        assert_eq!(
            e("-nodecount=abc x"),
            "invalid value \"abc\" for flag -nodecount: parse error"
        );
        // Go's flag package names the range (recorded from go tool pprof).
        assert_eq!(
            e("-nodecount=99999999999999999999 x"),
            "invalid value \"99999999999999999999\" for flag -nodecount: value out of range"
        );
        assert_eq!(
            e("-divide_by=1e999 x"),
            "invalid value \"1e999\" for flag -divide_by: value out of range"
        );
        assert_eq!(
            e("-seconds=-99999999999999999999 x"),
            "invalid value \"-99999999999999999999\" for flag -seconds: value out of range"
        );
        assert!(parse(&args("-divide_by=-Inf x")).is_ok());
        assert_eq!(e("-top"), "no profile source specified");
        assert_eq!(
            e("-trim=maybe x"),
            "invalid boolean value \"maybe\" for -trim: parse error"
        );
        assert_eq!(
            e("-base a -diff_base b x"),
            "-base and -diff_base flags cannot both be specified"
        );
        assert_eq!(e("-normalize x"), "must have base profile to normalize by");
    }

    #[test]
    fn capture_flags() {
        let a = parse(&args(
            "-capture -every=1m30s -count=3 -output=/tmp/c -top h:1/heap",
        ))
        .ok()
        .unwrap();
        let c = a.capture.unwrap();
        assert_eq!(c.every, std::time::Duration::from_secs(90));
        assert_eq!(c.count, 3);
        assert_eq!(c.dir.as_deref(), Some("/tmp/c"));
        // -output names the directory, so the report goes to stdout.
        assert_eq!(a.cfg.get("output"), "");
        assert_eq!(a.format.unwrap().0.name, "top");
        let c = parse(&args("-capture -count 2 h:1"))
            .ok()
            .unwrap()
            .capture
            .unwrap();
        assert_eq!((c.every, c.count, c.dir), (DEFAULT_EVERY, 2, None));
        let a = parse(&args("-output=x.svg -svg h:1")).ok().unwrap();
        assert!(a.capture.is_none());
        assert_eq!(a.cfg.get("output"), "x.svg");
    }

    #[test]
    fn capture_flag_errors() {
        let e = |s: &str| {
            let e = parse(&args(s)).err().unwrap();
            assert!(!e.usage, "{s}");
            e.message
        };
        assert_eq!(
            e("-capture -every=abc h:1"),
            "invalid value \"abc\" for flag -every: use a duration such as 10s, 1m30s or 500ms"
        );
        assert_eq!(
            e("-capture -every=10 h:1"),
            "invalid value \"10\" for flag -every: use a duration such as 10s, 1m30s or 500ms"
        );
        assert_eq!(
            e("-capture -every=0s h:1"),
            "invalid value \"0s\" for flag -every: the interval must be positive"
        );
        assert_eq!(
            e("-capture -count=0 h:1"),
            "invalid value \"0\" for flag -count: capture at least 1 snapshot"
        );
        assert_eq!(
            e("-capture -count=many h:1"),
            "invalid value \"many\" for flag -count: not a number"
        );
        assert_eq!(
            e("-capture -every=1s"),
            "-capture needs a URL to fetch from"
        );
        assert_eq!(e("-every=1s h:1"), "-every is only used with -capture");
        assert_eq!(e("-count=2 h:1"), "-count is only used with -capture");
        assert_eq!(
            e("-capture -base=b h:1"),
            "-capture cannot be combined with -base or -diff_base: compare snapshots with diff A B"
        );
    }

    #[test]
    fn every_table_entry_is_a_flag() {
        for n in flag_names() {
            assert!(is_flag(&n), "{n}");
        }
    }

    #[test]
    fn value_shortcuts() {
        let a = parse(&args("-top -inuse_space -alloc_space x"))
            .ok()
            .unwrap();
        assert_eq!(a.cfg.get("sample_index"), "inuse_space");
        assert_eq!(
            a.notes,
            vec!["Multiple value selections, ignoring -alloc_space"]
        );
    }
}
