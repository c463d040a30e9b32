//! Symbols from the `#` comment lines that Go's `?debug=1` text profiles
//! (heap, goroutine, threadcreate, mutex, block) print under each sample:
//! `#\t0x66fb34\tbytes.Repeat+0x94\t\t/usr/lib/go/src/bytes/bytes.go:610`.
//!
//! pprof ignores these lines and shows `<unknown>` without the binary;
//! rpprof attaches them to the locations instead (a deliberate
//! improvement). The comment PC is the sample address minus one, which is
//! exactly the location address after the legacy −1 adjustment. Several
//! lines with one PC are an inline chain, innermost first.
//!
//! Go's writer hides `runtime.goexit` (always the root) and, for heap and
//! goroutine/threadcreate profiles, the runtime frames above the first user
//! frame. Those frames have no comment, so they are dropped: they would
//! only show as `<unknown>`, and Go's protobuf heap writer hides the same
//! frames, so a text heap profile reads exactly like its protobuf twin.
//! (A goroutine text profile therefore charges parked goroutines to the
//! first user frame rather than to `runtime.gopark`.) A sample without any
//! comment keeps all its frames. Runs on a [`Builder`] before it is
//! finished; never reads binaries.

use super::{Builder, Frame};
use std::collections::HashMap;

/// One comment line: its PC and, when Go knew the function, the frame.
fn parse_line(line: &str) -> Option<(u64, Option<Frame>)> {
    let body = line.trim_start().strip_prefix('#')?;
    let mut fields: Vec<&str> = body
        .split('\t')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect();
    if fields.len() < 3 {
        fields = body.split_whitespace().collect();
    }
    let pc = u64::from_str_radix(fields.first()?.strip_prefix("0x")?, 16).ok()?;
    if fields.len() < 3 {
        return (fields.len() == 1).then_some((pc, None));
    }
    let func = fields[1];
    let name = match func.rfind("+0x") {
        Some(i) => &func[..i],
        None => func,
    };
    let location = fields[2..].join(" ");
    let (file, line) = match location.rsplit_once(':') {
        Some((f, l)) if l.parse::<i64>().is_ok() => (f.to_string(), l.parse().unwrap_or(0)),
        _ => (location.clone(), 0),
    };
    Some((
        pc,
        Some(Frame {
            name: name.to_string(),
            file,
            line,
        }),
    ))
}

/// Comment frames gathered while a text profile is parsed.
#[derive(Default)]
pub struct Collector {
    /// (sample index, pc, frame) in file order.
    entries: Vec<(usize, u64, Option<Frame>)>,
}

impl Collector {
    /// Records `line` if it is a frame comment belonging to the sample
    /// before it (`samples` = samples parsed so far).
    pub fn comment(&mut self, line: &str, samples: usize) {
        if samples == 0 {
            return;
        }
        if let Some((pc, frame)) = parse_line(line) {
            self.entries.push((samples - 1, pc, frame));
        }
    }

    /// Attaches the frames to `b`'s locations and drops the uncommented
    /// frames at both ends of each commented sample (those Go's writer hid).
    pub fn apply(self, b: &mut Builder) {
        if self.entries.is_empty() {
            return;
        }
        let mut symbols: HashMap<u64, Vec<Frame>> = HashMap::new();
        let mut blocks: HashMap<usize, Vec<u64>> = HashMap::new();
        let mut prev: Option<(usize, u64)> = None;
        let mut fresh = false;
        for (sample, pc, frame) in self.entries {
            blocks.entry(sample).or_default().push(pc);
            let same_chain = prev == Some((sample, pc));
            if !same_chain {
                fresh = !symbols.contains_key(&pc);
                if fresh {
                    symbols.insert(pc, Vec::new());
                }
            }
            if fresh && let Some(f) = frame {
                symbols.get_mut(&pc).expect("inserted above").push(f);
            }
            prev = Some((sample, pc));
        }
        for (i, frames) in b.frames.iter_mut().enumerate() {
            if let Some(f) = symbols.get(&b.addrs[i]) {
                frames.clone_from(f);
            }
        }
        for (i, s) in b.samples.iter_mut().enumerate() {
            let Some(pcs) = blocks.get(&i) else { continue };
            let known = |l: &u32| pcs.contains(&b.addrs[*l as usize]);
            let end = s.locs.iter().rposition(known).map_or(0, |e| e + 1);
            let start = s.locs.iter().position(known).unwrap_or(end);
            if start < end {
                s.locs.truncate(end);
                s.locs.drain(..start);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_lines() {
        let (pc, f) = parse_line(
            "#\t0x66fb1c\tmain.(*RequestTracker).Track+0x7c\t/go/src/example.com/leak/main.go:28",
        )
        .unwrap();
        assert_eq!(pc, 0x66fb1c);
        let f = f.unwrap();
        assert_eq!(f.name, "main.(*RequestTracker).Track");
        assert_eq!(f.file, "/go/src/example.com/leak/main.go");
        assert_eq!(f.line, 28);
        assert_eq!(parse_line("#\t0x1234"), Some((0x1234, None)));
        assert_eq!(parse_line("# runtime.MemStats"), None);
        assert_eq!(parse_line("# Alloc = 1234"), None);
    }
}
