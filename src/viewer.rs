//! `view`: the full-screen flame graph viewer on a terminal.
//!
//! Front end (of the shell and of flag mode): it draws a [`Flame`] report (roots at the top, one row per
//! stack depth, frames coloured as the terminal `flame` colours them) and
//! moves in it: arrows select a frame, Enter zooms into it, Backspace or
//! Esc zooms out, `/` searches, `n` goes to the next match, `t` shows the
//! top table of the zoomed subtree, `l` the selected function's source
//! (through the session's `list`), `q` returns to the shell. The terminal
//! is restored on every way out: `q`, Ctrl-C (a key in raw mode), a
//! panic (a hook restores it before the message) and SIGINT (the
//! interrupt handler calls [`restore`]).
//!
//! The state ([`Viewer`]) is kept apart from the terminal so that tests
//! drive it with keys and read what it draws from a buffer.

use crate::commands::CommandSpec;
use crate::render::flame::{colours, label, paint_of, printable};
use crate::render::units::percentage;
use crate::report::flame::{Flame, Frame, subtree_top};
use crate::report::{Body, Report};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::crossterm::{cursor, execute};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use regex::Regex;
use std::io::IsTerminal;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

/// Why `view` cannot open here (`None`: it can): both ends must be a
/// terminal that can address the cursor.
pub fn unavailable(stdin_tty: bool, stdout_tty: bool) -> Option<&'static str> {
    if !stdin_tty {
        return Some("input is not a terminal");
    }
    if !stdout_tty {
        return Some("output is not a terminal");
    }
    match std::env::var("TERM") {
        Ok(t) if t == "dumb" => Some("TERM is dumb"),
        Ok(t) if t.is_empty() => Some("TERM is not set"),
        Err(_) => Some("TERM is not set"),
        Ok(_) => None,
    }
}

/// What `view` shows where it cannot open: the terminal flame graph.
pub fn fallback() -> &'static CommandSpec {
    crate::commands::command("flame").expect("flame is a command")
}

/// True while the viewer owns the terminal.
static ACTIVE: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();

/// Gives the terminal back (cooked mode, main screen, cursor shown) if
/// the viewer holds it; safe to call from anywhere, any number of times.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = disable_raw_mode();
        let _ = execute!(std::io::stdout(), LeaveAlternateScreen, cursor::Show);
    }
}

/// The terminal while the viewer runs; dropping it restores the terminal.
struct Screen;

impl Screen {
    fn open() -> std::io::Result<Screen> {
        HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                restore();
                previous(info);
            }));
        });
        enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        execute!(std::io::stdout(), EnterAlternateScreen, cursor::Hide)?;
        Ok(Screen)
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        restore();
    }
}

/// Runs the viewer on `report` (a flame graph) until `q`. `list` runs
/// `list` on a regexp and returns the plain text of the report or its
/// error (for `l`).
pub fn run(report: &Report, list: &mut dyn FnMut(&str) -> String) -> std::io::Result<()> {
    let Body::Flame(flame) = &report.body else {
        return Ok(());
    };
    debug_assert!(std::io::stdout().is_terminal());
    let _screen = Screen::open()?;
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    let mut v = Viewer::new(report, flame);
    loop {
        terminal.draw(|f| v.draw(f.area(), f.buffer_mut()))?;
        match event::read()? {
            Event::Key(k) if k.kind != KeyEventKind::Release && v.key(k, list) == Step::Quit => {
                return Ok(());
            }
            Event::Resize(..) => terminal.autoresize()?,
            _ => {}
        }
    }
}

/// What a key did.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// Keep going.
    Stay,
    /// Back to the shell.
    Quit,
}

/// What fills the screen below the title.
#[derive(Debug, PartialEq, Eq)]
enum Pane {
    /// The flame graph.
    Flame,
    /// Lines of text (the top table, a listing), scrolled by `scroll`.
    Text(Vec<String>),
}

/// The viewer's state.
pub struct Viewer<'a> {
    report: &'a Report,
    flame: &'a Flame,
    /// Children of each frame, widest first (frames in pre-order).
    children: Vec<Vec<usize>>,
    /// The selected frame.
    selected: usize,
    /// Frames zoomed into, outermost first (empty: the whole picture).
    zoom: Vec<usize>,
    /// The first frame row on screen.
    top_row: usize,
    /// `/` typed: the search being edited.
    typing: Option<String>,
    /// The search applied and which frames it matches.
    search: Option<(String, Vec<bool>)>,
    /// A one-line message for the status line (an error, a match count).
    message: String,
    pane: Pane,
    scroll: usize,
    /// Frame columns of the last drawing (to move only between frames
    /// that are drawn).
    width: u16,
}

impl<'a> Viewer<'a> {
    /// A viewer on `flame` (the body of `report`) with the widest root
    /// selected.
    pub fn new(report: &'a Report, flame: &'a Flame) -> Viewer<'a> {
        let mut children = vec![Vec::new(); flame.frames.len()];
        for (i, f) in flame.frames.iter().enumerate() {
            if let Some(p) = f.parent {
                children[p].push(i);
            }
        }
        Viewer {
            report,
            flame,
            children,
            selected: 0,
            zoom: Vec::new(),
            top_row: 0,
            typing: None,
            search: None,
            message: String::new(),
            pane: Pane::Flame,
            scroll: 0,
            width: 80,
        }
    }

    /// The visible range of values: the zoomed frame's, or everything.
    fn range(&self) -> (i64, i64) {
        match self.zoom.last() {
            Some(&z) => (self.flame.frames[z].start, self.flame.frames[z].end()),
            None => (0, self.flame.width),
        }
    }

    /// The columns of frame `f` at `width` columns (`c1 <= c0`: not drawn).
    fn columns(&self, f: &Frame, width: u16) -> (u16, u16) {
        let (lo, hi) = self.range();
        let span = (hi - lo).max(1) as f64;
        let col = |x: i64| {
            let c = ((x.clamp(lo, hi) - lo) as f64 / span * f64::from(width)).round();
            c as u16
        };
        (col(f.start), col(f.end()))
    }

    fn drawn(&self, i: usize) -> bool {
        let (c0, c1) = self.columns(&self.flame.frames[i], self.width);
        c1 > c0
    }

    /// The drawn frames at depth `d`, left to right.
    fn row(&self, d: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..self.flame.frames.len())
            .filter(|&i| self.flame.frames[i].depth == d && self.drawn(i))
            .collect();
        v.sort_by_key(|&i| self.flame.frames[i].start);
        v
    }

    /// Handles key `k`; `list` lists the functions matching a regexp (for
    /// `l`).
    pub fn key(&mut self, k: KeyEvent, list: &mut dyn FnMut(&str) -> String) -> Step {
        if k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c') {
            return Step::Quit;
        }
        if let Some(text) = &mut self.typing {
            match k.code {
                KeyCode::Enter => {
                    let re = std::mem::take(text);
                    self.typing = None;
                    self.apply_search(&re);
                }
                KeyCode::Esc => self.typing = None,
                KeyCode::Backspace => {
                    text.pop();
                }
                KeyCode::Char(c) => text.push(c),
                _ => {}
            }
            return Step::Stay;
        }
        if let Pane::Text(lines) = &self.pane {
            let last = lines.len().saturating_sub(1);
            match k.code {
                KeyCode::Char('q') => return Step::Quit,
                KeyCode::Esc | KeyCode::Backspace | KeyCode::Char('t' | 'l') => {
                    self.pane = Pane::Flame;
                }
                KeyCode::Down => self.scroll = (self.scroll + 1).min(last),
                KeyCode::Up => self.scroll = self.scroll.saturating_sub(1),
                KeyCode::PageDown | KeyCode::Char(' ') => {
                    self.scroll = (self.scroll + 20).min(last)
                }
                KeyCode::PageUp => self.scroll = self.scroll.saturating_sub(20),
                _ => {}
            }
            return Step::Stay;
        }
        if self.flame.frames.is_empty() {
            return if matches!(k.code, KeyCode::Char('q') | KeyCode::Esc) {
                Step::Quit
            } else {
                Step::Stay
            };
        }
        self.message.clear();
        let frames = &self.flame.frames;
        match k.code {
            KeyCode::Char('q') => return Step::Quit,
            KeyCode::Up => {
                if let Some(p) = frames[self.selected].parent {
                    self.selected = p;
                }
            }
            KeyCode::Down => {
                if let Some(&c) = self.children[self.selected]
                    .iter()
                    .find(|&&c| self.drawn(c))
                {
                    self.selected = c;
                }
            }
            KeyCode::Left | KeyCode::Right => {
                let row = self.row(frames[self.selected].depth);
                if let Some(at) = row.iter().position(|&i| i == self.selected) {
                    let next = if k.code == KeyCode::Left {
                        at.checked_sub(1)
                    } else {
                        Some(at + 1).filter(|&n| n < row.len())
                    };
                    if let Some(n) = next {
                        self.selected = row[n];
                    }
                }
            }
            KeyCode::Enter if self.zoom.last() != Some(&self.selected) => {
                self.zoom.push(self.selected);
            }
            KeyCode::Esc | KeyCode::Backspace => {
                if let Some(z) = self.zoom.pop() {
                    self.selected = z;
                }
            }
            KeyCode::Char('/') => self.typing = Some(String::new()),
            KeyCode::Char('n') => self.next_match(),
            KeyCode::Char('t') => self.show_top(),
            KeyCode::Char('l') => {
                let f = &frames[self.selected];
                let text = list(&format!("^{}$", regex::escape(&f.function)));
                self.show_text(&text);
            }
            _ => {}
        }
        Step::Stay
    }

    fn apply_search(&mut self, re: &str) {
        if re.is_empty() {
            self.search = None;
            return;
        }
        match Regex::new(re) {
            Ok(r) => {
                let hits: Vec<bool> = self
                    .flame
                    .frames
                    .iter()
                    .map(|f| r.is_match(&f.name))
                    .collect();
                // The share of the union: widths of matches under no match.
                let mut union = 0i64;
                for (i, f) in self.flame.frames.iter().enumerate() {
                    let mut a = f.parent;
                    let mut covered = false;
                    while let Some(p) = a {
                        if hits[p] {
                            covered = true;
                            break;
                        }
                        a = self.flame.frames[p].parent;
                    }
                    if hits[i] && !covered {
                        union = union.saturating_add(f.width);
                    }
                }
                let n = hits.iter().filter(|&&h| h).count();
                self.message = format!(
                    "{n} frames match {}: {} of the total",
                    printable(re),
                    percentage(union, self.flame.width).trim()
                );
                self.search = Some((re.to_string(), hits));
                self.next_match();
            }
            Err(e) => {
                let first = e.to_string();
                let first = first.lines().last().unwrap_or("invalid regexp").trim();
                self.message = format!("parsing regexp {}: {}", printable(re), printable(first));
            }
        }
    }

    /// Selects the next matching frame after the selected one (zooming
    /// out when it lies outside the zoomed frame).
    fn next_match(&mut self) {
        let Some((_, hits)) = &self.search else {
            return;
        };
        let n = hits.len();
        let Some(i) = (1..=n).map(|d| (self.selected + d) % n).find(|&i| hits[i]) else {
            return;
        };
        let (lo, hi) = self.range();
        let f = &self.flame.frames[i];
        if f.end() <= lo || f.start >= hi || !self.inside_zoom(i) {
            self.zoom.clear();
        }
        self.selected = i;
    }

    /// True when frame `i` is the zoomed frame, one of its ancestors or
    /// below it.
    fn inside_zoom(&self, i: usize) -> bool {
        let Some(&z) = self.zoom.last() else {
            return true;
        };
        let lineage = |mut a: usize, b: usize| loop {
            if a == b {
                return true;
            }
            match self.flame.frames[a].parent {
                Some(p) => a = p,
                None => return false,
            }
        };
        lineage(i, z) || lineage(z, i)
    }

    fn show_top(&mut self) {
        let root = self.zoom.last().copied().unwrap_or(self.selected);
        let root = if self.zoom.is_empty() {
            // The whole picture: every root's subtree.
            None
        } else {
            Some(root)
        };
        let s = &self.report.scale;
        let total = self.report.total;
        let mut rows = Vec::new();
        match root {
            Some(r) => rows.extend(subtree_top(&self.flame.frames, r)),
            None => {
                let roots: Vec<usize> = (0..self.flame.frames.len())
                    .filter(|&i| self.flame.frames[i].parent.is_none())
                    .collect();
                let mut all: Vec<crate::report::flame::SubtreeRow> = Vec::new();
                for r in roots {
                    for row in subtree_top(&self.flame.frames, r) {
                        match all.iter_mut().find(|x| x.name == row.name) {
                            Some(x) => {
                                x.flat = x.flat.saturating_add(row.flat);
                                x.cum = x.cum.saturating_add(row.cum);
                            }
                            None => all.push(row),
                        }
                    }
                }
                all.sort_by(|a, b| {
                    (b.flat.abs(), b.cum.abs())
                        .cmp(&(a.flat.abs(), a.cum.abs()))
                        .then_with(|| a.name.cmp(&b.name))
                });
                rows = all;
            }
        }
        let under = match root {
            Some(r) => format!("under {}", printable(&self.flame.frames[r].name)),
            None => "of the whole picture".to_string(),
        };
        let mut lines = vec![
            format!("Top of the frames {under} (t or Esc: back to the flame graph)"),
            format!(
                "{:>10} {:>6} {:>6} {:>10} {:>6}  name",
                "flat", "flat%", "sum%", "cum", "cum%"
            ),
        ];
        let mut sum = 0i64;
        for r in rows {
            sum = sum.saturating_add(r.flat);
            lines.push(format!(
                "{:>10} {:>6} {:>6} {:>10} {:>6}  {}",
                s.format(r.flat),
                percentage(r.flat, total),
                percentage(sum, total),
                s.format(r.cum),
                percentage(r.cum, total),
                printable(&r.name)
            ));
        }
        self.pane = Pane::Text(lines);
        self.scroll = 0;
    }

    fn show_text(&mut self, text: &str) {
        let lines = text
            .lines()
            .map(|l| printable(&expand_tabs(l)))
            .collect::<Vec<_>>();
        self.pane = Pane::Text(if lines.is_empty() {
            vec!["(nothing to show)".to_string()]
        } else {
            lines
        });
        self.scroll = 0;
    }

    /// Draws the viewer into `buf` over `area`.
    pub fn draw(&mut self, area: Rect, buf: &mut Buffer) {
        if area.height < 3 || area.width < 10 {
            buf.set_stringn(
                area.x,
                area.y,
                "too small",
                area.width as usize,
                Style::default(),
            );
            return;
        }
        self.width = area.width;
        let bold = Style::default().add_modifier(Modifier::BOLD);
        let dim = Style::default().add_modifier(Modifier::DIM);
        let w = area.width as usize;
        buf.set_stringn(area.x, area.y, self.title(), w, bold);
        let body = Rect::new(area.x, area.y + 1, area.width, area.height - 3);
        match &self.pane {
            Pane::Flame => self.draw_flame(body, buf),
            Pane::Text(lines) => {
                for (k, l) in lines
                    .iter()
                    .skip(self.scroll)
                    .take(body.height as usize)
                    .enumerate()
                {
                    buf.set_stringn(body.x, body.y + k as u16, l, w, Style::default());
                }
            }
        }
        let status_y = area.y + area.height - 2;
        buf.set_stringn(area.x, status_y, self.status(), w, bold);
        let help = match (&self.typing, &self.pane) {
            (Some(t), _) => format!("/{}", printable(t)),
            (None, Pane::Text(_)) => "↑↓ PgUp PgDn scroll  Esc back  q quit".to_string(),
            (None, Pane::Flame) => {
                "←→↑↓ select  Enter zoom  Esc out  / search  n next  t top  l list  q quit"
                    .to_string()
            }
        };
        buf.set_stringn(area.x, status_y + 1, help, w, dim);
    }

    fn title(&self) -> String {
        let s = &self.report.scale;
        let mut t = format!(
            "{} flame graph, {} total",
            printable(&self.report.sample_type),
            s.format(self.report.total)
        );
        if let Some(re) = &self.flame.root {
            t.push_str(&format!(", stacks from {}", printable(re)));
        }
        if self.flame.diff {
            t.push_str(" (red grew, blue shrank)");
        }
        if let Some(&z) = self.zoom.last() {
            t.push_str(&format!(
                " · zoomed into {}",
                printable(&self.flame.frames[z].name)
            ));
        }
        t
    }

    fn status(&self) -> String {
        if !self.message.is_empty() {
            return self.message.clone();
        }
        let Some(f) = self.flame.frames.get(self.selected) else {
            return "no samples to show".to_string();
        };
        let s = &self.report.scale;
        let total = self.report.total;
        let mut t = format!(
            "{}: cum {} ({}), flat {} ({})",
            printable(&f.name),
            s.format(f.cum),
            percentage(f.cum, total).trim(),
            s.format(f.flat),
            percentage(f.flat, total).trim()
        );
        if self.flame.diff {
            t.push_str(&format!(
                ", grew {}, shrank {}",
                s.format(f.grew),
                s.format(f.shrank)
            ));
        }
        t
    }

    fn draw_flame(&mut self, body: Rect, buf: &mut Buffer) {
        let rows = body.height as usize;
        let depth = self.flame.frames[..]
            .get(self.selected)
            .map_or(0, |f| f.depth);
        if depth < self.top_row {
            self.top_row = depth;
        } else if depth >= self.top_row + rows {
            self.top_row = depth + 1 - rows;
        }
        let hits = self.search.as_ref().map(|(_, h)| h);
        for (i, f) in self.flame.frames.iter().enumerate() {
            if f.depth < self.top_row || f.depth >= self.top_row + rows {
                continue;
            }
            let (c0, c1) = self.columns(f, body.width);
            if c1 <= c0 {
                continue;
            }
            let (lo, hi) = self.range();
            if f.end() <= lo || f.start >= hi {
                continue;
            }
            let y = body.y + (f.depth - self.top_row) as u16;
            let mut style = match colours(paint_of(self.flame, f)) {
                Some((fg, bg)) => Style::default()
                    .fg(Color::Indexed(fg))
                    .bg(Color::Indexed(bg)),
                None => Style::default(),
            };
            if hits.is_some_and(|h| h[i]) {
                style = style.bg(Color::Indexed(13)).fg(Color::Indexed(0));
            }
            if i == self.selected {
                style = style.add_modifier(Modifier::REVERSED | Modifier::BOLD);
            }
            let room = usize::from(c1 - c0);
            let text = if room >= 2 {
                let l = label(
                    &printable(&f.name),
                    f.cum,
                    self.report.total,
                    room - 1,
                    false,
                );
                format!("{l:<room$}")
            } else {
                " ".repeat(room)
            };
            // A one-cell gap marks the frame's left edge.
            buf.set_stringn(body.x + c0, y, text, room, style);
            if room >= 2 {
                buf.set_stringn(body.x + c0 + room as u16 - 1, y, " ", 1, Style::default());
            }
        }
    }
}

/// `line` with tabs expanded to 8-column stops.
fn expand_tabs(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut col = 0;
    for c in line.chars() {
        if c == '\t' {
            let n = 8 - col % 8;
            out.extend(std::iter::repeat_n(' ', n));
            col += n;
        } else {
            out.push(c);
            col += 1;
        }
    }
    out
}

/// Draws the viewer's first screen into a buffer of `width`×`height`
/// after `keys`, for tests of what a person would see.
#[cfg(test)]
fn screen(report: &Report, keys: &[KeyCode], width: u16, height: u16) -> Vec<String> {
    let Body::Flame(flame) = &report.body else {
        panic!("not a flame graph")
    };
    let mut v = Viewer::new(report, flame);
    let area = Rect::new(0, 0, width, height);
    let mut buf = Buffer::empty(area);
    v.draw(area, &mut buf);
    for &k in keys {
        v.key(KeyEvent::from(k), &mut |re| format!("list {re}\n\tline"));
        buf = Buffer::empty(area);
        v.draw(area, &mut buf);
    }
    (0..height)
        .map(|y| {
            (0..width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::engine::Engine;
    use crate::engine::Request;
    use crate::model::testkit::profile;
    use crate::request::{Caller, ReportOptions};

    /// main → work → {hash 60, parse 30}, main → idle 10 (leaf first).
    fn report() -> Report {
        view_of(
            profile(&[("cpu", "nanoseconds")])
                .sample(&["main.hash", "main.work", "main.main"], &[60])
                .sample(&["main.parse", "main.work", "main.main"], &[30])
                .sample(&["runtime.idle", "main.main"], &[10])
                .build(),
        )
    }

    /// The `view` report of `p`.
    fn view_of(p: crate::model::Profile) -> Report {
        let mut e = Engine::new();
        let id = e.add("", p);
        let spec = crate::commands::command("view").unwrap();
        let req = Request {
            command: spec,
            argument: None,
            options: ReportOptions::new(&Config::default(), spec, Caller::Shell).unwrap(),
        };
        e.report(id, &req).result.unwrap()
    }

    fn find<'s>(rows: &'s [String], text: &str) -> &'s str {
        rows.iter()
            .find(|r| r.contains(text))
            .unwrap_or_else(|| panic!("{text} not on screen:\n{}", rows.join("\n")))
    }

    #[test]
    fn draws_the_roots_on_top_and_frames_by_width() {
        let r = report();
        let rows = screen(&r, &[], 80, 12);
        assert!(
            rows[0].starts_with("cpu flame graph, 100ns total"),
            "{rows:?}"
        );
        assert!(rows[1].starts_with("main.main 100%"), "{rows:?}");
        assert!(rows[2].starts_with("main.work 90.00%"), "{rows:?}");
        // hash (60%) starts the third frame row and takes 48 of 80 columns.
        let hash = find(&rows, "main.hash");
        assert!(hash.starts_with("main.hash 60.00%"));
        let parse = hash.find("main.parse").expect("parse beside hash");
        assert_eq!(parse, 48, "{hash}");
        assert!(
            rows[10].starts_with("main.main: cum 100ns (100%), flat 0 (0%)"),
            "{rows:?}"
        );
        assert!(rows[11].contains("Enter zoom"));
    }

    #[test]
    fn keys_select_zoom_and_zoom_out() {
        let r = report();
        let rows = screen(&r, &[KeyCode::Down, KeyCode::Down, KeyCode::Right], 80, 12);
        assert!(
            rows[10].starts_with("main.parse: cum 30ns (30.00%), flat 30ns (30.00%)"),
            "{rows:?}"
        );
        let rows = screen(
            &r,
            &[KeyCode::Down, KeyCode::Down, KeyCode::Right, KeyCode::Enter],
            80,
            12,
        );
        assert!(rows[0].ends_with("· zoomed into main.parse"), "{rows:?}");
        // Zoomed, parse and its ancestors fill the width; hash is gone.
        assert!(rows[3].starts_with("main.parse 30.00%"), "{rows:?}");
        assert!(!rows.iter().any(|l| l.contains("main.hash")), "{rows:?}");
        let rows = screen(
            &r,
            &[
                KeyCode::Down,
                KeyCode::Down,
                KeyCode::Right,
                KeyCode::Enter,
                KeyCode::Esc,
            ],
            80,
            12,
        );
        assert!(!rows[0].contains("zoomed"), "{rows:?}");
        assert!(find(&rows, "main.hash").contains("main.parse"));
        // Up from a root and Left from the leftmost frame stay put.
        let rows = screen(&r, &[KeyCode::Up, KeyCode::Left], 80, 12);
        assert!(rows[10].starts_with("main.main:"), "{rows:?}");
    }

    #[test]
    fn search_shows_the_share_of_the_matches() {
        let r = report();
        let mut keys: Vec<KeyCode> = "/main\\.(hash|parse)".chars().map(KeyCode::Char).collect();
        keys.insert(0, KeyCode::Char('/'));
        keys.remove(1);
        keys.push(KeyCode::Enter);
        let rows = screen(&r, &keys, 80, 12);
        assert_eq!(
            rows[10],
            "2 frames match main\\.(hash|parse): 90.00% of the total"
        );
        let mut bad: Vec<KeyCode> = "/main(".chars().map(KeyCode::Char).collect();
        bad.push(KeyCode::Enter);
        let rows = screen(&r, &bad, 80, 12);
        assert!(rows[10].starts_with("parsing regexp main(: "), "{rows:?}");
    }

    #[test]
    fn top_of_the_zoomed_subtree_and_the_listing() {
        let r = report();
        let rows = screen(
            &r,
            &[KeyCode::Down, KeyCode::Enter, KeyCode::Char('t')],
            100,
            12,
        );
        assert_eq!(
            rows[1],
            "Top of the frames under main.work (t or Esc: back to the flame graph)"
        );
        assert_eq!(
            rows[3],
            "      60ns 60.00% 60.00%       60ns 60.00%  main.hash"
        );
        assert_eq!(
            rows[4],
            "      30ns 30.00% 90.00%       30ns 30.00%  main.parse"
        );
        assert_eq!(
            rows[5],
            "         0     0% 90.00%       90ns 90.00%  main.work"
        );
        assert!(!rows.iter().any(|l| l.contains("runtime.idle")));
        let rows = screen(&r, &[KeyCode::Down, KeyCode::Char('l')], 100, 12);
        assert_eq!(rows[1], "list ^main\\.work$");
        assert_eq!(rows[2], "        line", "tabs are expanded");
        let rows = screen(&r, &[KeyCode::Char('l'), KeyCode::Esc], 100, 12);
        assert!(rows[1].starts_with("main.main 100%"), "{rows:?}");
    }

    #[test]
    fn q_and_ctrl_c_quit() {
        let r = report();
        let Body::Flame(f) = &r.body else {
            unreachable!()
        };
        let mut v = Viewer::new(&r, f);
        let mut list = |_: &str| String::new();
        assert_eq!(
            v.key(KeyEvent::from(KeyCode::Char('x')), &mut list),
            Step::Stay
        );
        assert_eq!(
            v.key(KeyEvent::from(KeyCode::Char('q')), &mut list),
            Step::Quit
        );
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(v.key(ctrl_c, &mut list), Step::Quit);
    }

    #[test]
    fn hostile_names_are_printable() {
        let r = view_of(
            profile(&[("cpu", "nanoseconds")])
                .sample(&["evil\x1b]0:pwn\x07\tx"], &[5])
                .build(),
        );
        let rows = screen(&r, &[], 80, 6);
        assert!(
            rows[1].starts_with("evil\\u{1b}]0:pwn\\u{7}\\u{9}x 100%"),
            "{rows:?}"
        );
        assert!(!rows.concat().chars().any(char::is_control));
    }

    #[test]
    fn why_it_cannot_open() {
        assert_eq!(unavailable(false, true), Some("input is not a terminal"));
        assert_eq!(unavailable(true, false), Some("output is not a terminal"));
    }
}
