//! The command table: every pprof report command, declared once, with its
//! help text, the report format it produces, whether it takes a regexp
//! argument, where its output goes and the option overrides it applies
//! (pprof's per-command defaults); and the shell's built-ins (`o`, `help`,
//! `quit`). The shell parser, `help`, the usage text, completion, the
//! command-line format flags and the typed report options all read it.
//! This is vocabulary: it imports nothing above `config`.

use crate::config::Granularity;

/// What a report command needs from the pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `top` / `text`.
    Text,
    /// `topproto`.
    TopProto,
    /// `list`.
    List,
    /// `disasm`.
    Disasm,
    /// `weblist`.
    WebList,
    /// `peek`.
    Peek,
    /// `tree`.
    Tree,
    /// `traces`.
    Traces,
    /// `tags`.
    Tags,
    /// `raw`.
    Raw,
    /// `comments`.
    Comments,
    /// `dot` and every Graphviz image or viewer.
    Dot,
    /// `callgrind` / `kcachegrind`.
    Callgrind,
    /// `proto`.
    Proto,
    /// `growth` (rpprof): entries ranked by growth across a series.
    Growth,
    /// `snapshots` (rpprof): the snapshots of a series.
    Snapshots,
    /// `flamegraph` (rpprof): the flame graph as an SVG document.
    FlameGraph,
    /// `flame` and `view` (rpprof): the flame graph for the terminal.
    Flame,
    /// `folded` (rpprof): folded stacks, as flamegraph.pl and inferno read
    /// them.
    Folded,
    /// `speedscope` (rpprof): speedscope's JSON file format.
    Speedscope,
    /// `firefox` (rpprof): the Firefox Profiler's processed format.
    Firefox,
}

/// What a command's first argument is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Argument {
    /// No regexp: every argument is a count, filter or `>file`.
    None,
    /// A regexp is required (`list RE`).
    Required,
    /// A first word that is not a count, filter or `>file` is a regexp
    /// (`flame [RE]`).
    Optional,
}

/// Where a command's output goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// Text on stdout (or the `>f`/`-output` file).
    Text,
    /// Binary data: a `profileNNN.<ext>` file in the shell or on a terminal.
    File(&'static str),
    /// DOT text run through Graphviz `dot -T<ext>`, then as `File`.
    Image(&'static str),
    /// Rendered to a temporary `<ext>` file and opened with a viewer.
    Viewer(&'static str, &'static str),
    /// A full-screen viewer in the terminal (the shell runs it), or text
    /// where there is no terminal.
    Screen,
}

/// The options a command sets for itself (pprof's per-command overrides
/// in `generateReport`), applied on top of the session's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overrides {
    /// False when the command turns trimming off (`nodecount`,
    /// `nodefraction` and `edgefraction` become 0).
    pub trim: bool,
    /// The granularity the command forces.
    pub granularity: Option<Granularity>,
    /// The `noinlines` value the command forces.
    pub noinlines: Option<bool>,
    /// What an unset `nodecount` (−1) means for this command.
    pub nodecount: i64,
    /// What an unset `nodecount` means when the shell runs the command
    /// (`top` shows 10 rows there).
    pub shell_nodecount: Option<i64>,
}

impl Overrides {
    /// A graph command's defaults: trimmed, 80 nodes.
    pub const GRAPH: Overrides = Overrides {
        trim: true,
        granularity: None,
        noinlines: None,
        nodecount: 80,
        shell_nodecount: None,
    };
    /// `top`/`text`: every node on the command line, 10 in the shell.
    pub const TOP: Overrides = Overrides {
        nodecount: 0,
        shell_nodecount: Some(10),
        ..Overrides::GRAPH
    };
    /// `growth`: rows limited by `nodecount` (10 in the shell, 20 on the
    /// command line), nothing else trimmed.
    pub const GROWTH: Overrides = Overrides {
        nodecount: 20,
        shell_nodecount: Some(10),
        ..Overrides::GRAPH
    };
    /// Untrimmed (`peek`).
    pub const UNTRIMMED: Overrides = Overrides {
        trim: false,
        ..Overrides::GRAPH
    };
    /// Every address, inlined frames kept apart (`raw`, `proto`,
    /// `callgrind`, `weblist`).
    pub const ADDRESSES: Overrides = Overrides {
        trim: false,
        granularity: Some(Granularity::Addresses),
        noinlines: Some(false),
        ..Overrides::GRAPH
    };
}

/// One report command.
#[derive(Debug)]
pub struct CommandSpec {
    /// The command's name (and `-name` flag).
    pub name: &'static str,
    /// Description line, then usage lines, as `help <cmd>` prints them.
    pub help: &'static str,
    /// The report it produces.
    pub format: Format,
    /// Whether the first argument is a regexp (`list RE`).
    pub argument: Argument,
    /// Where its output goes.
    pub output: Output,
    /// The options it sets for itself.
    pub overrides: Overrides,
    /// True for rpprof's own commands (not in pprof): `help` and the
    /// usage text list them only where they apply, so that pprof's texts
    /// stay identical.
    pub extension: bool,
}

impl CommandSpec {
    /// The first line of the help text.
    pub fn description(&self) -> &'static str {
        self.help.lines().next().unwrap_or("")
    }
}

/// A shell built-in (not a report).
pub struct Builtin {
    /// What the shell does.
    pub action: BuiltinAction,
    /// Its names, the first being the main one.
    pub names: &'static [&'static str],
    /// How `help` lists it (`o/options`; empty: not listed).
    pub listed_as: &'static str,
    /// True for rpprof's own built-ins (listed only for a series).
    pub extension: bool,
    /// Its description.
    pub help: &'static str,
}

/// What a built-in does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuiltinAction {
    /// List the options.
    Options,
    /// Show help.
    Help,
    /// End the session.
    Quit,
    /// Switch the current snapshot of a series (`use K`, `use last`).
    Use,
    /// Report on one snapshot with another as its base (`diff A B`).
    Diff,
    /// Explain the last report in plain language.
    Explain,
    /// The guided tour of the leak hunt.
    Tour,
}

/// The shell's built-ins, in `help`'s order.
pub static BUILTINS: &[Builtin] = &[
    Builtin {
        action: BuiltinAction::Options,
        names: &["o", "options"],
        listed_as: "o/options",
        help: "List options and their current values",
        extension: false,
    },
    Builtin {
        action: BuiltinAction::Quit,
        names: &["quit", "exit", "q"],
        listed_as: "q/quit/exit/^D",
        help: "Exit pprof",
        extension: false,
    },
    Builtin {
        action: BuiltinAction::Help,
        names: &["help"],
        listed_as: "",
        help: "Show help for a command or option",
        extension: false,
    },
    Builtin {
        action: BuiltinAction::Use,
        names: &["use"],
        listed_as: "use",
        help: "Switch to snapshot K of the series (use K, use last)",
        extension: true,
    },
    Builtin {
        action: BuiltinAction::Diff,
        names: &["diff"],
        listed_as: "diff",
        help: "Report snapshot B with snapshot A as base (diff A B [-diff] [command])",
        extension: true,
    },
    Builtin {
        action: BuiltinAction::Explain,
        names: &["explain"],
        listed_as: "explain",
        help: "Explain the last report in plain language (explain=true: after every report)",
        extension: true,
    },
    Builtin {
        action: BuiltinAction::Tour,
        names: &["tour"],
        listed_as: "tour",
        help: "A guided tour of a memory-leak hunt on bundled snapshots (lang=zh: in Chinese)",
        extension: true,
    },
];

/// Looks up a built-in by any of its names.
pub fn builtin(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.names.contains(&name))
}

/// Every report command, sorted by name.
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "callgrind",
        help: "Outputs a graph in callgrind format\n  Usage:\n    callgrind [n] [focus_regex]* [-ignore_regex]* >f\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n    Optionally save the report on the file f\n",
        format: Format::Callgrind,
        argument: Argument::None,
        output: Output::File("callgraph.out"),
        overrides: Overrides::ADDRESSES,
        extension: false,
    },
    CommandSpec {
        name: "comments",
        help: "Output all profile comments\n",
        format: Format::Comments,
        argument: Argument::None,
        output: Output::Text,
        overrides: Overrides::GRAPH,
        extension: false,
    },
    CommandSpec {
        name: "disasm",
        help: "Output assembly listings annotated with samples\n  Usage:\n    disasm<func_regex|address> [-focus_regex]* [-ignore_regex]* >f\n    Include functions matching func_regex, or including the address specified.\n    Include samples matching focus_regex, and exclude ignore_regex.\n    Optionally save the report on the file f\n",
        format: Format::Disasm,
        argument: Argument::Required,
        output: Output::Text,
        overrides: Overrides {
            noinlines: Some(true),
            ..Overrides::ADDRESSES
        },
        extension: false,
    },
    CommandSpec {
        name: "dot",
        help: "Outputs a graph in DOT format\n  Usage:\n    dot [n] [focus_regex]* [-ignore_regex]* >f\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n    Optionally save the report on the file f\n",
        format: Format::Dot,
        argument: Argument::None,
        output: Output::Text,
        overrides: Overrides::GRAPH,
        extension: false,
    },
    CommandSpec {
        name: "eog",
        help: "Visualize graph through eog\n  Usage:\n    eog [n] [focus_regex]* [-ignore_regex]*\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n",
        format: Format::Dot,
        argument: Argument::None,
        output: Output::Viewer("eog", "svg"),
        overrides: Overrides::GRAPH,
        extension: false,
    },
    CommandSpec {
        name: "evince",
        help: "Visualize graph through evince\n  Usage:\n    evince [n] [focus_regex]* [-ignore_regex]*\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n",
        format: Format::Dot,
        argument: Argument::None,
        output: Output::Viewer("evince", "pdf"),
        overrides: Overrides::GRAPH,
        extension: false,
    },
    CommandSpec {
        name: "firefox",
        help: "Outputs the stacks in the Firefox Profiler's processed format (rpprof)\n  Usage:\n    firefox [focus_regex]* [-ignore_regex]* >f\n    One thread, one sample per distinct stack; open it at profiler.firefox.com.\n    Include samples matching focus_regex, and exclude ignore_regex.\n    Values are those of sample_index; frames follow granularity.\n    Optionally save the report on the file f\n",
        format: Format::Firefox,
        argument: Argument::None,
        output: Output::File("firefox.json"),
        overrides: Overrides::UNTRIMMED,
        extension: true,
    },
    CommandSpec {
        name: "flame",
        help: "Outputs a flame graph in the terminal (rpprof)\n  Usage:\n    flame [root_regex] [focus_regex]* [-ignore_regex]* [-depth=N] >f\n    One row per stack depth from the roots, frames as wide as their value.\n    Start the stacks at the frames matching root_regex.\n    Include samples matching focus_regex, and exclude ignore_regex.\n    -depth=N draws N rows (the depth option).\n    Optionally save the report on the file f\n",
        format: Format::Flame,
        argument: Argument::Optional,
        output: Output::Text,
        overrides: Overrides::UNTRIMMED,
        extension: true,
    },
    CommandSpec {
        name: "flamegraph",
        help: "Outputs a flame graph in SVG format (rpprof)\n  Usage:\n    flamegraph [root_regex] [focus_regex]* [-ignore_regex]* [-depth=N] >f\n    Frames as wide as their value; hover, click to zoom, search.\n    With a base (-base, -diff_base, diff) frames are coloured by change.\n    Start the stacks at the frames matching root_regex.\n    Include samples matching focus_regex, and exclude ignore_regex.\n    The icicle option draws the roots at the top.\n    Optionally save the report on the file f\n",
        format: Format::FlameGraph,
        argument: Argument::Optional,
        output: Output::File("svg"),
        overrides: Overrides::UNTRIMMED,
        extension: true,
    },
    CommandSpec {
        name: "folded",
        help: "Outputs the stacks as folded stacks, for flamegraph.pl or inferno (rpprof)\n  Usage:\n    folded [focus_regex]* [-ignore_regex]* >f\n    One line per distinct stack: frames root first, joined by ;, and its value.\n    Include samples matching focus_regex, and exclude ignore_regex.\n    Values are those of sample_index; frames follow granularity.\n    Optionally save the report on the file f\n",
        format: Format::Folded,
        argument: Argument::None,
        output: Output::Text,
        overrides: Overrides::UNTRIMMED,
        extension: true,
    },
    CommandSpec {
        name: "gif",
        help: "Outputs a graph image in GIF format\n  Usage:\n    gif [n] [focus_regex]* [-ignore_regex]* >f\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n    Optionally save the report on the file f\n",
        format: Format::Dot,
        argument: Argument::None,
        output: Output::Image("gif"),
        overrides: Overrides::GRAPH,
        extension: false,
    },
    CommandSpec {
        name: "growth",
        help: "Rank entries by how they grow across the snapshot series\n  Usage:\n    growth [n] [focus_regex]* [-ignore_regex]* [-cum]\n    Show the n entries that grew most between the first and the last snapshot\n    (flat values; -cum ranks cumulative values), each with its values per\n    snapshot, a sparkline, its growth, a slope and a verdict.\n    Include samples matching focus_regex, and exclude ignore_regex.\n",
        format: Format::Growth,
        argument: Argument::None,
        output: Output::Text,
        overrides: Overrides::GROWTH,
        extension: true,
    },
    CommandSpec {
        name: "gv",
        help: "Visualize graph through gv\n  Usage:\n    gv [n] [focus_regex]* [-ignore_regex]*\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n",
        format: Format::Dot,
        argument: Argument::None,
        output: Output::Viewer("gv", "ps"),
        overrides: Overrides::GRAPH,
        extension: false,
    },
    CommandSpec {
        name: "kcachegrind",
        help: "Visualize report in KCachegrind\n  Usage:\n    kcachegrind [n] [focus_regex]* [-ignore_regex]*\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n",
        format: Format::Callgrind,
        argument: Argument::None,
        output: Output::Viewer("kcachegrind", "grind"),
        overrides: Overrides::ADDRESSES,
        extension: false,
    },
    CommandSpec {
        name: "list",
        help: "Output annotated source for functions matching regexp\n  Usage:\n    list<func_regex|address> [-focus_regex]* [-ignore_regex]*\n    Include functions matching func_regex, or including the address specified.\n    Include samples matching focus_regex, and exclude ignore_regex.\n",
        format: Format::List,
        argument: Argument::Required,
        output: Output::Text,
        overrides: Overrides {
            granularity: Some(Granularity::Lines),
            ..Overrides::UNTRIMMED
        },
        extension: false,
    },
    CommandSpec {
        name: "pdf",
        help: "Outputs a graph in PDF format\n  Usage:\n    pdf [n] [focus_regex]* [-ignore_regex]* >f\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n    Optionally save the report on the file f\n",
        format: Format::Dot,
        argument: Argument::None,
        output: Output::Image("pdf"),
        overrides: Overrides::GRAPH,
        extension: false,
    },
    CommandSpec {
        name: "peek",
        help: "Output callers/callees of functions matching regexp\n  Usage:\n    peek func_regex\n    Display callers and callees of functions matching func_regex.\n",
        format: Format::Peek,
        argument: Argument::Required,
        output: Output::Text,
        overrides: Overrides::UNTRIMMED,
        extension: false,
    },
    CommandSpec {
        name: "png",
        help: "Outputs a graph image in PNG format\n  Usage:\n    png [n] [focus_regex]* [-ignore_regex]* >f\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n    Optionally save the report on the file f\n",
        format: Format::Dot,
        argument: Argument::None,
        output: Output::Image("png"),
        overrides: Overrides::GRAPH,
        extension: false,
    },
    CommandSpec {
        name: "proto",
        help: "Outputs the profile in compressed protobuf format\n",
        format: Format::Proto,
        argument: Argument::None,
        output: Output::File("pb.gz"),
        overrides: Overrides::ADDRESSES,
        extension: false,
    },
    CommandSpec {
        name: "ps",
        help: "Outputs a graph in PS format\n  Usage:\n    ps [n] [focus_regex]* [-ignore_regex]* >f\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n    Optionally save the report on the file f\n",
        format: Format::Dot,
        argument: Argument::None,
        output: Output::Image("ps"),
        overrides: Overrides::GRAPH,
        extension: false,
    },
    CommandSpec {
        name: "raw",
        help: "Outputs a text representation of the raw profile\n",
        format: Format::Raw,
        argument: Argument::None,
        output: Output::Text,
        overrides: Overrides::ADDRESSES,
        extension: false,
    },
    CommandSpec {
        name: "snapshots",
        help: "List the snapshots of the series\n  Usage:\n    snapshots\n    Each snapshot with its index, source, time, time since the first and the\n    total of the current sample type; a sparkline of the totals. The current\n    snapshot (see use) is marked with *.\n",
        format: Format::Snapshots,
        argument: Argument::None,
        output: Output::Text,
        overrides: Overrides::UNTRIMMED,
        extension: true,
    },
    CommandSpec {
        name: "speedscope",
        help: "Outputs the stacks in speedscope's JSON file format (rpprof)\n  Usage:\n    speedscope [focus_regex]* [-ignore_regex]* >f\n    One sampled profile, one sample per distinct stack; open it in speedscope.\n    Include samples matching focus_regex, and exclude ignore_regex.\n    Values are those of sample_index; frames follow granularity.\n    Optionally save the report on the file f\n",
        format: Format::Speedscope,
        argument: Argument::None,
        output: Output::File("speedscope.json"),
        overrides: Overrides::UNTRIMMED,
        extension: true,
    },
    CommandSpec {
        name: "svg",
        help: "Outputs a graph in SVG format\n  Usage:\n    svg [n] [focus_regex]* [-ignore_regex]* >f\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n    Optionally save the report on the file f\n",
        format: Format::Dot,
        argument: Argument::None,
        output: Output::Image("svg"),
        overrides: Overrides::GRAPH,
        extension: false,
    },
    CommandSpec {
        name: "tags",
        help: "Outputs all tags in the profile\n  Usage:\n    tags [tag_regex]* [-ignore_regex]* [>file]\n    List tags with key:value matching tag_regex and exclude ignore_regex.\n",
        format: Format::Tags,
        argument: Argument::None,
        output: Output::Text,
        overrides: Overrides::GRAPH,
        extension: false,
    },
    CommandSpec {
        name: "text",
        help: "Outputs top entries in text form\n  Usage:\n    text [n] [focus_regex]* [-ignore_regex]* [-cum] >f\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n    -cum sorts the output by cumulative weight\n    Optionally save the report on the file f\n",
        format: Format::Text,
        argument: Argument::None,
        output: Output::Text,
        overrides: Overrides::TOP,
        extension: false,
    },
    CommandSpec {
        name: "top",
        help: "Outputs top entries in text form\n  Usage:\n    top [n] [focus_regex]* [-ignore_regex]* [-cum] >f\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n    -cum sorts the output by cumulative weight\n    Optionally save the report on the file f\n",
        format: Format::Text,
        argument: Argument::None,
        output: Output::Text,
        overrides: Overrides::TOP,
        extension: false,
    },
    CommandSpec {
        name: "topproto",
        help: "Outputs top entries in compressed protobuf format\n",
        format: Format::TopProto,
        argument: Argument::None,
        output: Output::File("pb.gz"),
        overrides: Overrides {
            shell_nodecount: None,
            ..Overrides::TOP
        },
        extension: false,
    },
    CommandSpec {
        name: "traces",
        help: "Outputs all profile samples in text form\n",
        format: Format::Traces,
        argument: Argument::None,
        output: Output::Text,
        overrides: Overrides::GRAPH,
        extension: false,
    },
    CommandSpec {
        name: "tree",
        help: "Outputs a text rendering of call graph\n  Usage:\n    tree [n] [focus_regex]* [-ignore_regex]* [-cum] >f\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n    -cum sorts the output by cumulative weight\n    Optionally save the report on the file f\n",
        format: Format::Tree,
        argument: Argument::None,
        output: Output::Text,
        overrides: Overrides::GRAPH,
        extension: false,
    },
    CommandSpec {
        name: "view",
        help: "Explore the flame graph full screen (rpprof)\n  Usage:\n    view [root_regex] [focus_regex]* [-ignore_regex]*\n    Arrows move between frames, Enter zooms in, Backspace or Esc zooms out,\n    / searches, t shows the top functions of the zoomed frame, l its source,\n    q returns to the shell. Without a terminal it prints flame instead.\n",
        format: Format::Flame,
        argument: Argument::Optional,
        output: Output::Screen,
        overrides: Overrides::UNTRIMMED,
        extension: true,
    },
    CommandSpec {
        name: "web",
        help: "Visualize graph through web browser\n  Usage:\n    web [n] [focus_regex]* [-ignore_regex]*\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n",
        format: Format::Dot,
        argument: Argument::None,
        output: Output::Viewer("browser", "svg"),
        overrides: Overrides::GRAPH,
        extension: false,
    },
    CommandSpec {
        name: "weblist",
        help: "Display annotated source in a web browser\n  Usage:\n    weblist<func_regex|address> [-focus_regex]* [-ignore_regex]*\n    Include functions matching func_regex, or including the address specified.\n    Include samples matching focus_regex, and exclude ignore_regex.\n",
        format: Format::WebList,
        argument: Argument::Required,
        output: Output::Viewer("browser", "html"),
        overrides: Overrides::ADDRESSES,
        extension: false,
    },
];

/// Looks up a command by name.
pub fn command(name: &str) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|c| c.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_complete() {
        let names: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
        for c in COMMANDS {
            assert!(!c.description().is_empty(), "{}", c.name);
            let required = c.argument == Argument::Required;
            assert_eq!(required, c.help.contains("func_regex"), "{}", c.name);
            let optional = c.argument == Argument::Optional;
            assert_eq!(optional, c.help.contains("[root_regex]"), "{}", c.name);
        }
    }
}
