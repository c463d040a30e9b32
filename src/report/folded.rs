//! `folded`: the view's stacks as Brendan Gregg's folded ("collapsed")
//! stacks, the input of `flamegraph.pl` and `inferno-flamegraph` (and of
//! rpprof's own folded reader): one line per distinct stack, frames root
//! first separated by `;`, a space, and the stack's value in the current
//! `sample_index` (`main;run;parse 42`).
//!
//! Report stage: the stacks and their order come from [`super::stacks`].
//! Frames are named as `traces` and the flame graphs name them (with the
//! file and line at `granularity=lines`). A frame name cannot hold the
//! format's separators, so each `;` in a name is written as `:`, and each
//! line break or other control character as a space. Values are raw sample
//! values (no unit, no `divide_by`); a profile with a base subtracted may
//! give negative values, which tools other than rpprof may reject.

use super::Context;
use super::stacks::Stacks;
use std::fmt::Write;

/// A frame name with the format's separators replaced.
fn frame_name(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            ';' => ':',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// Renders `folded`.
pub fn render(r: &Context) -> String {
    let stacks = Stacks::of(r);
    let names: Vec<String> = (0..stacks.table.infos.len() as u32)
        .map(|e| frame_name(&stacks.name(e)))
        .collect();
    let mut out = String::new();
    for (leaf, value) in stacks.ends() {
        let path: Vec<&str> = stacks
            .path(leaf)
            .into_iter()
            .map(|i| names[stacks.nodes[i].entry as usize].as_str())
            .collect();
        let _ = writeln!(out, "{} {value}", path.join(";"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::frame_name;

    #[test]
    fn separators_in_names_are_replaced() {
        assert_eq!(frame_name("a;b\nc\rd\te"), "a:b c d e");
        assert_eq!(
            frame_name("main.(*RequestTracker).Track"),
            "main.(*RequestTracker).Track"
        );
    }
}
