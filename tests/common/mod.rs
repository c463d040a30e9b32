//! Test helper shared by the integration tests: builds `profile.proto`
//! messages with the prost types (`rpprof::pb`), interning strings as the
//! format wants (index 0 is the empty string).

// Each test crate uses a different part of this helper.
#![allow(dead_code)]

use prost::Message;
use rpprof::pb;
use std::collections::HashMap;

/// A profile under construction.
pub struct Builder {
    pub p: pb::Profile,
    strings: HashMap<String, i64>,
}

impl Builder {
    /// An empty profile with sample types `(type, unit)`.
    pub fn new(types: &[(&str, &str)]) -> Builder {
        let mut b = Builder {
            p: pb::Profile::default(),
            strings: HashMap::new(),
        };
        b.str("");
        for (t, u) in types {
            let vt = pb::ValueType {
                r#type: b.str(t),
                unit: b.str(u),
            };
            b.p.sample_type.push(vt);
        }
        b
    }

    /// The string table index of `s`, adding it if new.
    pub fn str(&mut self, s: &str) -> i64 {
        if let Some(&i) = self.strings.get(s) {
            return i;
        }
        let i = self.p.string_table.len() as i64;
        self.p.string_table.push(s.as_bytes().to_vec().into());
        self.strings.insert(s.to_string(), i);
        i
    }

    /// Adds a mapping for `file`; returns its id.
    pub fn mapping(&mut self, file: &str) -> u64 {
        let id = self.p.mapping.len() as u64 + 1;
        let filename = self.str(file);
        self.p.mapping.push(pb::Mapping {
            id,
            memory_start: 0x1000 * id,
            memory_limit: 0x1000 * (id + 1),
            filename,
            has_functions: true,
            ..Default::default()
        });
        id
    }

    /// Adds a function; returns its id.
    pub fn function(&mut self, name: &str, file: &str) -> u64 {
        let id = self.p.function.len() as u64 + 1;
        let (name, filename) = (self.str(name), self.str(file));
        self.p.function.push(pb::Function {
            id,
            name,
            system_name: name,
            filename,
            start_line: 1,
        });
        id
    }

    /// Adds a location in `mapping` (0: none) whose lines are
    /// `(function id, line)`, innermost first; returns its id.
    pub fn location(&mut self, mapping: u64, lines: &[(u64, i64)]) -> u64 {
        let id = self.p.location.len() as u64 + 1;
        self.p.location.push(pb::Location {
            id,
            mapping_id: mapping,
            address: 0x1000 * mapping + id,
            line: lines
                .iter()
                .map(|&(function_id, line)| pb::Line {
                    function_id,
                    line,
                    column: 0,
                })
                .collect(),
            is_folded: false,
        });
        id
    }

    /// A string label `key=value`.
    pub fn label(&mut self, key: &str, value: &str) -> pb::Label {
        pb::Label {
            key: self.str(key),
            str: self.str(value),
            num: 0,
            num_unit: 0,
        }
    }

    /// A numeric label `key=num unit`.
    pub fn num_label(&mut self, key: &str, num: i64, unit: &str) -> pb::Label {
        pb::Label {
            key: self.str(key),
            str: 0,
            num,
            num_unit: self.str(unit),
        }
    }

    /// Adds a sample: stack (leaf first), one value per sample type, labels.
    pub fn sample(&mut self, locs: &[u64], values: &[i64], labels: Vec<pb::Label>) {
        self.p.sample.push(pb::Sample {
            location_id: locs.to_vec(),
            value: values.to_vec(),
            label: labels,
        });
    }

    /// The wire bytes (not gzipped).
    pub fn encode(&self) -> Vec<u8> {
        self.p.encode_to_vec()
    }
}

/// What one run of the binary printed.
pub struct Output {
    pub stdout: Vec<u8>,
    pub stderr: String,
    /// The exit status (-1 when killed by a signal).
    pub code: i32,
}

impl Output {
    /// stdout as text.
    pub fn out(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}

/// Runs `rpprof ARGS` in `dir` with `stdin` piped in, in a clean
/// environment (`TZ=UTC`, `TERM=dumb`, a temporary `HOME`).
pub fn run_rpprof(dir: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    run_rpprof_env(dir, args, stdin, &[])
}

/// The clean environment of [`run_rpprof`] with `env` added.
pub fn rpprof_command(
    dir: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_rpprof"));
    c.args(args)
        .current_dir(dir)
        .env_clear()
        .env("TZ", "UTC")
        .env("TERM", "dumb")
        .env("HOME", std::env::temp_dir())
        .envs(env.iter().copied());
    c
}

/// [`run_rpprof`] with the variables `env` added to the environment.
pub fn run_rpprof_env(
    dir: &std::path::Path,
    args: &[&str],
    stdin: &str,
    env: &[(&str, &str)],
) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = rpprof_command(dir, args, env)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rpprof starts");
    let mut input = child.stdin.take().expect("stdin");
    // A run that fails at load time may exit before reading its input.
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    let o = child.wait_with_output().expect("rpprof runs");
    Output {
        stdout: o.stdout,
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        code: o.status.code().unwrap_or(-1),
    }
}
