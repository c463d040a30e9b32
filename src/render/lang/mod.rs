//! The teaching texts' languages: one table per language (`en.rs`,
//! `zh.rs`), keyed by message, with `{name}` placeholders filled from a
//! report's own numbers by the caller (`render::explain`, the tour).
//! Adding a language is one file and one line in [`Lang`]; a test checks
//! every table has the same keys and the same placeholders.
//!
//! Only teaching text lives here: reports, errors and everything pprof
//! prints stay pprof's English. Render stage: nothing here reads a profile.

mod en;
mod zh;

use unicode_width::UnicodeWidthChar;

/// A language of the teaching texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

/// A language's texts: (key, text) pairs.
type Table = &'static [(&'static str, &'static str)];

/// Every language: its option value and its table.
const TABLES: &[(Lang, &str, Table)] = &[(Lang::En, "en", en::TEXTS), (Lang::Zh, "zh", zh::TEXTS)];

impl Lang {
    /// The language an option value names (`en`, `zh`).
    pub fn parse(s: &str) -> Option<Lang> {
        TABLES.iter().find(|t| t.1 == s).map(|t| t.0)
    }

    /// The option values, in table order.
    pub fn names() -> Vec<&'static str> {
        TABLES.iter().map(|t| t.1).collect()
    }

    /// The language of option value `option`, or when it is empty, of the
    /// environment: the first non-empty of `LC_ALL`, `LC_MESSAGES`,
    /// `LANG` (`zh_CN.UTF-8`, `zh` → Chinese; anything else English).
    pub fn resolve(option: &str) -> Lang {
        if let Some(l) = Lang::parse(option) {
            return l;
        }
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
            .unwrap_or_default();
        Lang::of_locale(&locale)
    }

    /// The language of a POSIX locale name (`zh_TW.UTF-8`, `en_US`, `C`).
    pub fn of_locale(locale: &str) -> Lang {
        let code = locale.split(['_', '.', '@', '-']).next().unwrap_or("");
        Lang::parse(&code.to_ascii_lowercase()).unwrap_or_default()
    }

    fn table(self) -> Table {
        TABLES
            .iter()
            .find(|t| t.0 == self)
            .map_or(en::TEXTS, |t| t.2)
    }

    /// Message `key` in this language (English when a table lacks it; the
    /// key itself when no table has it, which a test rules out).
    pub fn text(self, key: &str) -> &'static str {
        let find = |t: Table| t.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
        find(self.table())
            .or_else(|| find(en::TEXTS))
            .unwrap_or_else(|| {
                debug_assert!(false, "no text for {key:?}");
                ""
            })
    }

    /// What separates two sentences: a space, or nothing in Chinese.
    pub fn gap(self) -> &'static str {
        match self {
            Lang::Zh => "",
            Lang::En => " ",
        }
    }

    /// Message `key` with its `{name}` placeholders replaced by `args`.
    pub fn say(self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.text(key), args)
    }
}

/// `template` with each `{name}` replaced by its value in `args`; a
/// placeholder without a value is kept as written.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{name}` placeholders of `template`, sorted.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut v = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        v.push(&after[..close]);
        rest = &after[close + 1..];
    }
    v.sort_unstable();
    v.dedup();
    v
}

/// `text` wrapped to `width` display columns: lines break at spaces, and
/// between any two wide (CJK) characters, which need no space; a word
/// longer than the width stands alone on its line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(20);
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut used = 0usize;
        for token in tokens(para) {
            let w: usize = token.chars().map(|c| c.width().unwrap_or(0)).sum();
            if token == " " {
                if used > 0 && used < width {
                    line.push(' ');
                    used += 1;
                }
                continue;
            }
            if used > 0 && used + w > width {
                lines.push(line.trim_end().to_string());
                line.clear();
                used = 0;
            }
            line.push_str(token);
            used += w;
        }
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// `para` cut into words, single spaces and single wide characters (with
/// the punctuation that must not start a line kept on their left).
fn tokens(para: &str) -> Vec<&str> {
    let mut v = Vec::new();
    let mut start = None;
    let wide = |c: char| c.width().unwrap_or(0) > 1;
    let closing = |c: char| "，。、；：？！）》」』”’".contains(c);
    let mut it = para.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c == ' ' || wide(c) {
            if let Some(s) = start.take() {
                v.push(&para[s..i]);
            }
            let mut end = i + c.len_utf8();
            while let Some(&(j, n)) = it.peek() {
                if !closing(n) {
                    break;
                }
                end = j + n.len_utf8();
                it.next();
            }
            v.push(&para[i..end]);
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        v.push(&para[s..]);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_has_the_same_keys_and_placeholders() {
        let keys = |t: Table| {
            let mut k: Vec<&str> = t.iter().map(|e| e.0).collect();
            k.sort_unstable();
            k
        };
        let english = keys(en::TEXTS);
        let mut dedup = english.clone();
        dedup.dedup();
        assert_eq!(dedup, english, "a key is repeated in en.rs");
        for (lang, name, table) in TABLES {
            assert_eq!(keys(table), english, "{name} has other keys than en");
            for (k, v) in *table {
                assert_eq!(
                    placeholders(v),
                    placeholders(Lang::En.text(k)),
                    "{name}: {k} has other placeholders than en"
                );
                assert!(!v.trim().is_empty(), "{name}: {k} is empty");
                assert_eq!(lang.text(k), *v);
            }
        }
    }

    #[test]
    fn languages_come_from_the_option_or_the_locale() {
        assert_eq!(Lang::resolve("zh"), Lang::Zh);
        assert_eq!(Lang::resolve("en"), Lang::En);
        assert_eq!(Lang::of_locale("zh_CN.UTF-8"), Lang::Zh);
        assert_eq!(Lang::of_locale("zh_TW"), Lang::Zh);
        assert_eq!(Lang::of_locale("en_US.UTF-8"), Lang::En);
        assert_eq!(Lang::of_locale("C"), Lang::En);
        assert_eq!(Lang::of_locale(""), Lang::En);
        assert_eq!(Lang::parse("fr"), None);
    }

    #[test]
    fn placeholders_are_filled_and_unknown_ones_kept() {
        assert_eq!(
            fill("{a} and {b}, {c}", &[("a", "1"), ("b", "{c}")]),
            "1 and {c}, {c}"
        );
        assert_eq!(placeholders("{b} {a} {b} {"), vec!["a", "b"]);
    }

    #[test]
    fn wraps_words_and_wide_characters() {
        assert_eq!(
            wrap("flat is what a function holds itself", 20),
            vec!["flat is what a", "function holds", "itself"]
        );
        // Chinese breaks between characters; punctuation stays on the left.
        let zh = wrap("flat 是函数自身占用的内存，cum 还包括它调用的函数。", 20);
        for l in &zh {
            let w: usize = l.chars().map(|c| c.width().unwrap_or(0)).sum();
            assert!(w <= 20, "{l:?} is {w} wide");
            assert!(!l.starts_with('，') && !l.starts_with('。'), "{l:?}");
        }
        assert_eq!(
            zh.concat().replace(' ', ""),
            "flat是函数自身占用的内存，cum还包括它调用的函数。"
        );
        assert_eq!(wrap("a\nb", 40), vec!["a", "b"]);
    }
}
