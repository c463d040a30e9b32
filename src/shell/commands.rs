//! The command table: every pprof report command, declared once, with its
//! help text, the report format it produces, whether it takes a regexp
//! argument, and where its output goes. The shell parser, `help`, the
//! usage text, completion and the command-line format flags all read it.

use crate::report::Format;

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
}

/// One report command.
pub struct CommandSpec {
    pub name: &'static str,
    /// Description line, then usage lines, as `help <cmd>` prints them.
    pub help: &'static str,
    pub format: Format,
    pub takes_regexp: bool,
    pub output: Output,
}

impl CommandSpec {
    /// The first line of the help text.
    pub fn description(&self) -> &'static str {
        self.help.lines().next().unwrap_or("")
    }
}

/// Every report command, sorted by name.
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "callgrind",
        help: "Outputs a graph in callgrind format\n  Usage:\n    callgrind [n] [focus_regex]* [-ignore_regex]* >f\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n    Optionally save the report on the file f\n",
        format: Format::Callgrind,
        takes_regexp: false,
        output: Output::File("callgraph.out"),
    },
    CommandSpec {
        name: "comments",
        help: "Output all profile comments\n",
        format: Format::Comments,
        takes_regexp: false,
        output: Output::Text,
    },
    CommandSpec {
        name: "disasm",
        help: "Output assembly listings annotated with samples\n  Usage:\n    disasm<func_regex|address> [-focus_regex]* [-ignore_regex]* >f\n    Include functions matching func_regex, or including the address specified.\n    Include samples matching focus_regex, and exclude ignore_regex.\n    Optionally save the report on the file f\n",
        format: Format::Disasm,
        takes_regexp: true,
        output: Output::Text,
    },
    CommandSpec {
        name: "dot",
        help: "Outputs a graph in DOT format\n  Usage:\n    dot [n] [focus_regex]* [-ignore_regex]* >f\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n    Optionally save the report on the file f\n",
        format: Format::Dot,
        takes_regexp: false,
        output: Output::Text,
    },
    CommandSpec {
        name: "eog",
        help: "Visualize graph through eog\n  Usage:\n    eog [n] [focus_regex]* [-ignore_regex]*\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n",
        format: Format::Dot,
        takes_regexp: false,
        output: Output::Viewer("eog", "svg"),
    },
    CommandSpec {
        name: "evince",
        help: "Visualize graph through evince\n  Usage:\n    evince [n] [focus_regex]* [-ignore_regex]*\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n",
        format: Format::Dot,
        takes_regexp: false,
        output: Output::Viewer("evince", "pdf"),
    },
    CommandSpec {
        name: "gif",
        help: "Outputs a graph image in GIF format\n  Usage:\n    gif [n] [focus_regex]* [-ignore_regex]* >f\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n    Optionally save the report on the file f\n",
        format: Format::Dot,
        takes_regexp: false,
        output: Output::Image("gif"),
    },
    CommandSpec {
        name: "gv",
        help: "Visualize graph through gv\n  Usage:\n    gv [n] [focus_regex]* [-ignore_regex]*\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n",
        format: Format::Dot,
        takes_regexp: false,
        output: Output::Viewer("gv", "ps"),
    },
    CommandSpec {
        name: "kcachegrind",
        help: "Visualize report in KCachegrind\n  Usage:\n    kcachegrind [n] [focus_regex]* [-ignore_regex]*\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n",
        format: Format::Callgrind,
        takes_regexp: false,
        output: Output::Viewer("kcachegrind", "grind"),
    },
    CommandSpec {
        name: "list",
        help: "Output annotated source for functions matching regexp\n  Usage:\n    list<func_regex|address> [-focus_regex]* [-ignore_regex]*\n    Include functions matching func_regex, or including the address specified.\n    Include samples matching focus_regex, and exclude ignore_regex.\n",
        format: Format::List,
        takes_regexp: true,
        output: Output::Text,
    },
    CommandSpec {
        name: "pdf",
        help: "Outputs a graph in PDF format\n  Usage:\n    pdf [n] [focus_regex]* [-ignore_regex]* >f\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n    Optionally save the report on the file f\n",
        format: Format::Dot,
        takes_regexp: false,
        output: Output::Image("pdf"),
    },
    CommandSpec {
        name: "peek",
        help: "Output callers/callees of functions matching regexp\n  Usage:\n    peek func_regex\n    Display callers and callees of functions matching func_regex.\n",
        format: Format::Peek,
        takes_regexp: true,
        output: Output::Text,
    },
    CommandSpec {
        name: "png",
        help: "Outputs a graph image in PNG format\n  Usage:\n    png [n] [focus_regex]* [-ignore_regex]* >f\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n    Optionally save the report on the file f\n",
        format: Format::Dot,
        takes_regexp: false,
        output: Output::Image("png"),
    },
    CommandSpec {
        name: "proto",
        help: "Outputs the profile in compressed protobuf format\n",
        format: Format::Proto,
        takes_regexp: false,
        output: Output::File("pb.gz"),
    },
    CommandSpec {
        name: "ps",
        help: "Outputs a graph in PS format\n  Usage:\n    ps [n] [focus_regex]* [-ignore_regex]* >f\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n    Optionally save the report on the file f\n",
        format: Format::Dot,
        takes_regexp: false,
        output: Output::Image("ps"),
    },
    CommandSpec {
        name: "raw",
        help: "Outputs a text representation of the raw profile\n",
        format: Format::Raw,
        takes_regexp: false,
        output: Output::Text,
    },
    CommandSpec {
        name: "svg",
        help: "Outputs a graph in SVG format\n  Usage:\n    svg [n] [focus_regex]* [-ignore_regex]* >f\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n    Optionally save the report on the file f\n",
        format: Format::Dot,
        takes_regexp: false,
        output: Output::Image("svg"),
    },
    CommandSpec {
        name: "tags",
        help: "Outputs all tags in the profile\n  Usage:\n    tags [tag_regex]* [-ignore_regex]* [>file]\n    List tags with key:value matching tag_regex and exclude ignore_regex.\n",
        format: Format::Tags,
        takes_regexp: false,
        output: Output::Text,
    },
    CommandSpec {
        name: "text",
        help: "Outputs top entries in text form\n  Usage:\n    text [n] [focus_regex]* [-ignore_regex]* [-cum] >f\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n    -cum sorts the output by cumulative weight\n    Optionally save the report on the file f\n",
        format: Format::Text,
        takes_regexp: false,
        output: Output::Text,
    },
    CommandSpec {
        name: "top",
        help: "Outputs top entries in text form\n  Usage:\n    top [n] [focus_regex]* [-ignore_regex]* [-cum] >f\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n    -cum sorts the output by cumulative weight\n    Optionally save the report on the file f\n",
        format: Format::Text,
        takes_regexp: false,
        output: Output::Text,
    },
    CommandSpec {
        name: "topproto",
        help: "Outputs top entries in compressed protobuf format\n",
        format: Format::TopProto,
        takes_regexp: false,
        output: Output::File("pb.gz"),
    },
    CommandSpec {
        name: "traces",
        help: "Outputs all profile samples in text form\n",
        format: Format::Traces,
        takes_regexp: false,
        output: Output::Text,
    },
    CommandSpec {
        name: "tree",
        help: "Outputs a text rendering of call graph\n  Usage:\n    tree [n] [focus_regex]* [-ignore_regex]* [-cum] >f\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n    -cum sorts the output by cumulative weight\n    Optionally save the report on the file f\n",
        format: Format::Tree,
        takes_regexp: false,
        output: Output::Text,
    },
    CommandSpec {
        name: "web",
        help: "Visualize graph through web browser\n  Usage:\n    web [n] [focus_regex]* [-ignore_regex]*\n    Include up to n samples\n    Include samples matching focus_regex, and exclude ignore_regex.\n",
        format: Format::Dot,
        takes_regexp: false,
        output: Output::Viewer("browser", "svg"),
    },
    CommandSpec {
        name: "weblist",
        help: "Display annotated source in a web browser\n  Usage:\n    weblist<func_regex|address> [-focus_regex]* [-ignore_regex]*\n    Include functions matching func_regex, or including the address specified.\n    Include samples matching focus_regex, and exclude ignore_regex.\n",
        format: Format::WebList,
        takes_regexp: true,
        output: Output::Viewer("browser", "html"),
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
            assert_eq!(c.takes_regexp, c.help.contains("func_regex"), "{}", c.name);
        }
    }
}
