//! A right-aligned column writer compatible with Go's `text/tabwriter` as
//! pprof configures it for `tags` (minimum width 0, padding 1, pad
//! character space, `AlignRight`).
//!
//! Rendering stage: it lays out text it is given and knows nothing about
//! profiles. Rules reproduced from the Go writer:
//! - a cell is text terminated by a TAB; the text after the last TAB of a
//!   line is not part of any column and is written as is;
//! - a column's width is computed over each run of consecutive lines that
//!   have a cell in that column: the widest cell (in characters) plus the
//!   padding; a line without that column ends the run (so an empty line
//!   ends every run);
//! - right alignment writes the padding before the cell's text.
//!
//! Why not the `tabwriter` crate (1.4, a port of Go's): two differences
//! on `tags` output, checked against Go 1.19's `text/tabwriter` with
//! pprof's settings.
//! - It writes the padding after a right-aligned cell, so
//!   `kind:\t Total 3.1s` becomes `kind:  Total 3.1s` where Go writes
//!   ` kind: Total 3.1s`. This one can be worked around (padding 0 and a
//!   space written before every column cell by the caller).
//! - It measures a cell in terminal columns (`unicode-width`), Go in runes,
//!   and it has no setting for that. For a tag key `地域` (lines
//!   `地域:\t Total 3.1s` and ` \t1.5s (47.76%):\t hash`), Go puts 5 spaces
//!   before `1.5s`, the crate 7; zero-width and combining characters (a
//!   decomposed `é`) and control characters differ the other way. Tag keys
//!   come from the profile, and `tags` must match pprof byte for byte, so
//!   the rune count stays.

/// Collects lines of TAB-terminated cells, then lays them out.
#[derive(Default)]
pub struct TabWriter {
    lines: Vec<Vec<String>>,
}

impl TabWriter {
    /// An empty writer.
    pub fn new() -> TabWriter {
        TabWriter::default()
    }

    /// Adds one line (without its newline); TABs separate its cells.
    pub fn line(&mut self, text: &str) {
        self.lines
            .push(text.split('\t').map(str::to_string).collect());
    }

    /// The laid-out text, every line ending in a newline.
    pub fn finish(self) -> String {
        const PADDING: usize = 1;
        let width = |s: &str| s.chars().count();
        // widths[i][j]: the width of column j on line i.
        let mut widths: Vec<Vec<usize>> = self
            .lines
            .iter()
            .map(|l| vec![0; l.len().saturating_sub(1)])
            .collect();
        let columns = widths.iter().map(Vec::len).max().unwrap_or(0);
        for col in 0..columns {
            let mut start = 0;
            while start < self.lines.len() {
                if widths[start].len() <= col {
                    start += 1;
                    continue;
                }
                let mut end = start;
                let mut w = 0;
                while end < self.lines.len() && widths[end].len() > col {
                    w = w.max(width(&self.lines[end][col]) + PADDING);
                    end += 1;
                }
                for row in &mut widths[start..end] {
                    row[col] = w;
                }
                start = end;
            }
        }
        let mut out = String::new();
        for (cells, ws) in self.lines.iter().zip(&widths) {
            for (j, cell) in cells.iter().enumerate() {
                if let Some(&w) = ws.get(j) {
                    out.extend(std::iter::repeat_n(' ', w.saturating_sub(width(cell))));
                }
                out.push_str(cell);
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::TabWriter;

    #[test]
    fn right_aligns_runs_of_cells() {
        let mut t = TabWriter::new();
        t.line("kind:\t Total 3.1s");
        t.line(" \t1.5s (47.76%):\t hash");
        t.line(" \t430.0ms (13.78%):\t fib");
        t.line("");
        t.line("worker:\t Total 3.2s");
        t.line(" \t1.6s (51.27%):\t b");
        assert_eq!(
            t.finish(),
            " kind: Total 3.1s\n\
             \x20         1.5s (47.76%): hash\n\
             \x20      430.0ms (13.78%): fib\n\
             \n\
             \x20worker: Total 3.2s\n\
             \x20        1.6s (51.27%): b\n"
        );
    }

    #[test]
    fn widths_count_characters_and_trailing_text_is_free() {
        let mut t = TabWriter::new();
        t.line("é\tx\t| trailing");
        t.line("abc\ty");
        assert_eq!(t.finish(), "   é x| trailing\n abcy\n");
    }

    #[test]
    fn wide_characters_count_as_one_rune_like_go() {
        // Go 1.19: tabwriter.NewWriter(w, 0, 0, 1, ' ', tabwriter.AlignRight).
        let mut t = TabWriter::new();
        t.line("地域:\t Total 3.1s");
        t.line(" \t1.5s (47.76%):\t hash");
        assert_eq!(
            t.finish(),
            " 地域: Total 3.1s\n\
             \x20    1.5s (47.76%): hash\n"
        );
    }
}
