//! `help` and the usage text, generated from the command and option tables
//! (vocabulary: nothing here knows a profile beyond its sample type names).

use crate::commands::{BUILTINS, COMMANDS};
use crate::config::{GROUPS, Kind, OPTIONS, choice, option};

fn line(out: &mut String, name: &str, desc: &str) {
    out.push_str(&format!("    {name:<16} {desc}\n"));
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// The `help` text with no argument; rpprof's own commands and options
/// are listed only with `extras` (a series session, or help read on a
/// terminal): elsewhere the text is pprof's.
pub fn overview(extras: bool) -> String {
    let mut s = String::from("  Commands:\n");
    for c in COMMANDS.iter().filter(|c| extras || !c.extension) {
        line(&mut s, c.name, c.description());
    }
    for b in BUILTINS
        .iter()
        .filter(|b| !b.listed_as.is_empty() && (extras || !b.extension))
    {
        line(&mut s, b.listed_as, b.help);
    }
    s.push_str("\n  Options:\n");
    for o in OPTIONS.iter().filter(|o| extras || !o.extension) {
        line(&mut s, o.name, first_line(o.help));
    }
    s.push_str("\n  Option groups (only set one per group):\n");
    groups(&mut s, "");
    s.push_str("  :   Clear focus/ignore/hide/tagfocus/tagignore\n\n  type \"help <cmd|option>\" for more information");
    s
}

fn groups(s: &mut String, dash: &str) {
    for g in GROUPS {
        s.push_str(&format!("    {:<16} \n", g.name));
        for c in g.choices {
            s.push_str(&format!(
                "      {:<16} {}\n",
                format!("{dash}{}", c.name),
                first_line(c.help)
            ));
        }
    }
}

/// `help NAME`: a command's, option's or choice's help, or the error.
pub fn topic(name: &str, sample_types: &[String]) -> crate::Result<String> {
    if let Some(c) = COMMANDS.iter().find(|c| c.name == name) {
        if c.name == "growth" {
            return Ok(format!("{}\n{}", c.help, crate::aggregate::trend::rules()));
        }
        return Ok(c.help.to_string());
    }
    if let Some(b) = BUILTINS
        .iter()
        .find(|b| b.extension && b.names.contains(&name))
    {
        return Ok(format!("{}\n", b.help));
    }
    if let Some(o) = option(name) {
        let mut h = o.help.to_string();
        if o.kind == Kind::SampleIndex {
            h.push_str(&format!(
                "\nOr use sample_index=name, with name in [{}].\n",
                sample_types.join(" ")
            ));
        }
        return Ok(h);
    }
    if let Some(c) = choice(name) {
        return Ok(c.help.trim_end_matches('\n').to_string());
    }
    Err(crate::Error::Usage(format!("Unknown command: {name}")))
}

/// The command-line usage text (stderr for `-h` and flag errors).
pub fn usage() -> String {
    let mut s = String::from(USAGE_HEAD);
    s.push_str("  Output formats (select at most one):\n");
    for c in COMMANDS.iter().filter(|c| !c.extension) {
        line(&mut s, &format!("-{}", c.name), c.description());
    }
    s.push_str("\n  Options:\n");
    for o in OPTIONS.iter().filter(|o| !o.extension) {
        line(&mut s, &format!("-{}", o.name), first_line(o.help));
    }
    s.push_str("\n  Option groups (only set one per group):\n");
    groups(&mut s, "-");
    s.push_str(USAGE_TAIL);
    s
}

const USAGE_HEAD: &str = "usage:

Produce output in the specified format.

   pprof <format> [options] [binary] <source> ...

Omit the format to get an interactive shell whose commands can be used
to generate various views of a profile

   pprof [options] [binary] <source> ...

Omit the format and provide the \"-http\" flag to get an interactive web
interface at the specified host:port that can be used to navigate through
various views of a profile.

   pprof -http [host]:[port] [options] [binary] <source> ...

Details:
";

const USAGE_TAIL: &str = "
  Source options:
    -seconds              Duration for time-based profile collection
    -timeout              Timeout in seconds for profile collection
    -capture              Fetch a series of snapshots from one URL into files (rpprof)
    -every                Interval between captured snapshots (default 10s)
    -count                Number of snapshots to capture (default 5)
                          -output=dir sets their directory (default $PPROF_TMPDIR)
    -buildid              Override build id for main binary
    -add_comment          Free-form annotation to add to the profile
                          Displayed on some reports or with pprof -comments
    -diff_base source     Source of base profile for comparison
    -base source          Source of base profile for profile subtraction
    profile.pb.gz         Profile in compressed protobuf format
    legacy_profile        Profile in legacy pprof format
    http://host/profile   URL for profile handler to retrieve
    -symbolize=           Controls source of symbol information
      none                  Do not attempt symbolization
      local                 Examine only local binaries
      fastlocal             Only get function names from local binaries
      remote                Do not examine local binaries
      force                 Force re-symbolization
    Binary                  Local path or build id of binary for symbolization
    -tls_cert             TLS client certificate file for fetching profile and symbols
    -tls_key              TLS private key file for fetching profile and symbols
    -tls_ca               TLS CA certs file for fetching profile and symbols

  Misc options:
   -http              Provide web interface at host:port.
                      Host is optional and 'localhost' by default.
                      Port is optional and a randomly available port by default.
   -no_browser        Skip opening a browser for the interactive web UI.
   -tools             Search path for object tools
   -tour              A guided tour of a memory-leak hunt on bundled snapshots (rpprof)
   -explain           Explain the report in plain language after it (rpprof)
   -lang              Language of explanations and the tour: en or zh (rpprof)

  Legacy convenience options:
   -inuse_space           Same as -sample_index=inuse_space
   -inuse_objects         Same as -sample_index=inuse_objects
   -alloc_space           Same as -sample_index=alloc_space
   -alloc_objects         Same as -sample_index=alloc_objects
   -total_delay           Same as -sample_index=delay
   -contentions           Same as -sample_index=contentions
   -mean_delay            Same as -mean -sample_index=delay

  Environment Variables:
   PPROF_TMPDIR       Location for saved profiles (default $HOME/pprof)
   PPROF_TOOLS        Search path for object-level tools
   PPROF_BINARY_PATH  Search path for local binary files
                      default: $HOME/pprof/binaries
                      searches $name, $path, $buildid/$name, $path/$buildid
   * On Windows, %USERPROFILE% is used instead of $HOME
";
