//! An HTML builder that cannot be handed untrusted markup: tags, attribute
//! names and fixed fragments are `&'static str` (written by us), every
//! run-time string goes through [`Html::text`] or an attribute value and
//! is escaped. The pages of the web UI are built with it.

use crate::render::markup::escape;

/// A page or fragment being written.
#[derive(Default)]
pub struct Html {
    out: String,
}

impl Html {
    /// An empty fragment.
    pub fn new() -> Html {
        Html::default()
    }

    /// Markup written by us.
    pub fn raw(&mut self, fixed: &'static str) -> &mut Html {
        self.out.push_str(fixed);
        self
    }

    /// Text, escaped.
    pub fn text(&mut self, s: &str) -> &mut Html {
        self.out.push_str(&escape(s));
        self
    }

    /// `<tag a="v" …>` with escaped values.
    pub fn open(&mut self, tag: &'static str, attrs: &[(&'static str, &str)]) -> &mut Html {
        self.out.push('<');
        self.out.push_str(tag);
        for (name, value) in attrs {
            self.out.push(' ');
            self.out.push_str(name);
            self.out.push_str("=\"");
            self.out.push_str(&escape(value));
            self.out.push('"');
        }
        self.out.push('>');
        self
    }

    /// `</tag>`.
    pub fn close(&mut self, tag: &'static str) -> &mut Html {
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
        self
    }

    /// `<tag attrs>text</tag>`.
    pub fn element(
        &mut self,
        tag: &'static str,
        attrs: &[(&'static str, &str)],
        text: &str,
    ) -> &mut Html {
        self.open(tag, attrs).text(text).close(tag)
    }

    /// Appends a fragment built apart.
    pub fn append(&mut self, other: Html) -> &mut Html {
        self.out.push_str(&other.out);
        self
    }

    /// The markup.
    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::Html;

    #[test]
    fn run_time_strings_are_escaped_in_text_and_attributes() {
        let mut h = Html::new();
        h.element(
            "a",
            &[("href", "/ui/top?f=\"><script>")],
            "</svg><script>&'",
        );
        assert_eq!(
            h.finish(),
            "<a href=\"/ui/top?f=&#34;&gt;&lt;script&gt;\">&lt;/svg&gt;&lt;script&gt;&amp;&#39;</a>"
        );
    }
}
