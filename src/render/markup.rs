//! Escaping for markup: text and attribute values of HTML and SVG
//! documents (`weblist`, `flamegraph`), as Go's `template.HTMLEscapeString`
//! does it, so that a profile string cannot open a tag, end an attribute
//! or start an entity.

/// Go's `template.HTMLEscapeString`: `&<>"'` as entities, NUL as U+FFFD;
/// bytes that are not UTF-8 as U+FFFD too, as a browser shows them.
pub fn escape(s: &str) -> String {
    let s = crate::model::utf8::lossy(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '\0' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_as_go_does() {
        assert_eq!(escape("a<b>&\"'\0"), "a&lt;b&gt;&amp;&#34;&#39;\u{fffd}");
    }
}
