//! Symbols from the `#` comment lines that Go's `?debug=1` text profiles
//! (heap, goroutine, threadcreate, mutex, block) print under each sample:
//! `#\t0x66fb34\tbytes.Repeat+0x94\t\t/usr/lib/go/src/bytes/bytes.go:610`.
//!
//! pprof ignores these lines and shows `<unknown>` without the binary;
//! rpprof attaches them to the locations instead (a deliberate
//! improvement). The comment PC is the sample address minus one, which is
//! exactly the location address after the legacy −1 adjustment.
//!
//! Inlining: Go gives every inlined frame its own PC in the stack, and
//! prints its offset from the entry of the *physical* function, so
//! consecutive frames with the same entry (`pc − offset`) and different
//! names are one physical frame. They become one location with an inline
//! chain at the first PC, as Go's protobuf writer makes them (so
//! `bytes.Repeat` shows as `(inline)` just as in the protobuf profile).
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
use crate::model::LocationId;
use std::collections::{BTreeMap, HashMap, HashSet};

/// One comment line: its PC, the frame when Go knew the function, and the
/// entry of the physical function (`pc − offset`) when printed.
struct Comment {
    pc: u64,
    frame: Option<Frame>,
    entry: Option<u64>,
}

fn parse_line(line: &str) -> Option<Comment> {
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
        return (fields.len() == 1).then_some(Comment {
            pc,
            frame: None,
            entry: None,
        });
    }
    let func = fields[1];
    let (name, entry) = match func.rfind("+0x") {
        Some(i) => (
            &func[..i],
            u64::from_str_radix(&func[i + 3..], 16)
                .ok()
                .and_then(|off| pc.checked_sub(off)),
        ),
        None => (func, None),
    };
    let location = fields[2..].join(" ");
    let (file, line) = match location.rsplit_once(':') {
        Some((f, l)) if l.parse::<i64>().is_ok() => (f.to_string(), l.parse().unwrap_or(0)),
        _ => (location.clone(), 0),
    };
    Some(Comment {
        pc,
        frame: Some(Frame {
            name: name.to_string(),
            file,
            line,
        }),
        entry,
    })
}

/// Comment frames gathered while a text profile is parsed.
#[derive(Default)]
pub struct Collector {
    /// (sample index, comment) in file order.
    entries: Vec<(usize, Comment)>,
}

/// One physical frame of a sample's comment block.
struct Group {
    pc: u64,
    entry: Option<u64>,
    frames: Vec<Frame>,
}

impl Group {
    /// True when `c` is a frame inlined into (or the owner of) this one.
    fn takes(&self, c: &Comment) -> bool {
        match (&c.frame, self.entry, c.entry) {
            (Some(f), Some(a), Some(b)) => a == b && self.frames.iter().all(|g| g.name != f.name),
            _ => false,
        }
    }
}

impl Collector {
    /// Records `line` if it is a frame comment belonging to the sample
    /// before it (`samples` = samples parsed so far).
    pub fn comment(&mut self, line: &str, samples: usize) {
        if samples == 0 {
            return;
        }
        if let Some(c) = parse_line(line) {
            self.entries.push((samples - 1, c));
        }
    }

    /// Attaches the frames to `b`'s locations, folds inlined frames into
    /// their physical frame, and drops the uncommented frames at both ends
    /// of each commented sample (those Go's writer hid).
    pub fn apply(self, b: &mut Builder) {
        if self.entries.is_empty() {
            return;
        }
        // Physical frames per sample, in block order, and the PCs of
        // inlined frames folded into them.
        // Ordered by sample, so the first sample naming a PC decides its frames.
        let mut blocks: BTreeMap<usize, (Vec<Group>, HashSet<u64>)> = BTreeMap::new();
        let mut prev_pc: Option<(usize, u64)> = None;
        for (sample, c) in self.entries {
            let (groups, folded) = blocks.entry(sample).or_default();
            let same_pc = prev_pc == Some((sample, c.pc));
            prev_pc = Some((sample, c.pc));
            match groups.last_mut() {
                Some(g) if same_pc || g.takes(&c) => {
                    if c.pc != g.pc {
                        folded.insert(c.pc);
                    }
                    g.frames.extend(c.frame);
                }
                _ => groups.push(Group {
                    pc: c.pc,
                    entry: c.entry,
                    frames: c.frame.into_iter().collect(),
                }),
            }
        }
        let mut symbols: HashMap<u64, &[Frame]> = HashMap::new();
        for g in blocks.values().flat_map(|(groups, _)| groups) {
            symbols.entry(g.pc).or_insert(&g.frames);
        }
        for (i, frames) in b.frames.iter_mut().enumerate() {
            if let Some(f) = symbols.get(&b.addrs[i]) {
                *frames = f.to_vec();
            }
        }
        for (i, s) in b.samples.iter_mut().enumerate() {
            let Some((groups, folded)) = blocks.get(&i) else {
                continue;
            };
            let heads: HashSet<u64> = groups.iter().map(|g| g.pc).collect();
            let known = |l: &LocationId| heads.contains(&b.addrs[l.index()]);
            let end = s.locs.iter().rposition(known).map_or(0, |e| e + 1);
            let start = s.locs.iter().position(known).unwrap_or(end);
            if start < end {
                s.locs.truncate(end);
                s.locs.drain(..start);
                s.locs.retain(|l| !folded.contains(&b.addrs[(*l).index()]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_lines() {
        let c = parse_line(
            "#\t0x66fb1c\tmain.(*RequestTracker).Track+0x7c\t/go/src/example.com/leak/main.go:28",
        )
        .unwrap();
        assert_eq!((c.pc, c.entry), (0x66fb1c, Some(0x66faa0)));
        let f = c.frame.unwrap();
        assert_eq!(f.name, "main.(*RequestTracker).Track");
        assert_eq!(f.file, "/go/src/example.com/leak/main.go");
        assert_eq!(f.line, 28);
        let c = parse_line("#\t0x1234").unwrap();
        assert!(c.frame.is_none() && c.pc == 0x1234);
        assert!(parse_line("# runtime.MemStats").is_none());
        assert!(parse_line("# Alloc = 1234").is_none());
    }

    #[test]
    fn inlined_frames_share_the_physical_entry() {
        let group = |lines: &[&str]| {
            let mut g = Group {
                pc: 0,
                entry: None,
                frames: Vec::new(),
            };
            let mut n = 0;
            for l in lines {
                let c = parse_line(l).unwrap();
                if g.frames.is_empty() || !g.takes(&c) {
                    n += 1;
                    g = Group {
                        pc: c.pc,
                        entry: c.entry,
                        frames: c.frame.into_iter().collect(),
                    };
                } else {
                    g.frames.extend(c.frame);
                }
            }
            n
        };
        // bytes.Repeat inlined into Track: one physical frame.
        assert_eq!(
            group(&[
                "#\t0x66fb34\tbytes.Repeat+0x94\t/b.go:610",
                "#\t0x66fb1c\tmain.Track+0x7c\t/m.go:28",
            ]),
            1
        );
        // Plain recursion: two frames of one function stay apart.
        assert_eq!(
            group(&[
                "#\t0x1020\tmain.fib+0x20\t/m.go:5",
                "#\t0x1035\tmain.fib+0x35\t/m.go:6"
            ]),
            2
        );
    }
}
