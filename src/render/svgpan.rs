//! Pan and zoom for the call graphs Graphviz draws as SVG (`svg`, `web`):
//! the graph is wrapped in a viewport group that a small embedded script
//! moves and scales (mouse wheel, drag, double click to reset), as pprof's
//! SVG output does. Nothing is loaded from the network.

const SCRIPT: &str = include_str!("svgpan.js");

/// Makes Graphviz's SVG `svg` fill the window and pan and zoom. Text that
/// does not have the shape Graphviz writes (one `<svg …>` element) is
/// returned unchanged.
pub fn add_pan_zoom(svg: &str) -> String {
    let Some(open) = svg.find("<svg") else {
        return svg.to_string();
    };
    let Some(tag_len) = svg[open..].find('>') else {
        return svg.to_string();
    };
    let body = open + tag_len + 1;
    let Some(close) = svg.rfind("</svg>").filter(|&c| c >= body) else {
        return svg.to_string();
    };
    let tag = fill_window(&svg[open..body]);
    let mut out = String::with_capacity(svg.len() + SCRIPT.len() + 256);
    out.push_str(&svg[..open]);
    out.push_str(&tag);
    out.push_str("\n<g id=\"viewport\">");
    out.push_str(&svg[body..close]);
    out.push_str("</g>\n<script type=\"text/ecmascript\"><![CDATA[\n");
    out.push_str(SCRIPT);
    out.push_str("]]></script>\n");
    out.push_str(&svg[close..]);
    out
}

/// The `<svg …>` start tag with its width and height set to 100%: the
/// viewBox keeps the drawing's proportions.
fn fill_window(tag: &str) -> String {
    let mut t = tag.to_string();
    for attr in ["width=\"", "height=\""] {
        if let Some(at) = t.find(&format!(" {attr}")) {
            let value = at + 1 + attr.len();
            if let Some(end) = t[value..].find('"') {
                t.replace_range(value..value + end, "100%");
            }
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOT_SVG: &str = "<?xml version=\"1.0\"?>\n<svg width=\"905pt\" height=\"879pt\"\n \
        viewBox=\"0.00 0.00 905.00 879.00\" xmlns=\"http://www.w3.org/2000/svg\">\n\
        <g id=\"graph0\" class=\"graph\"><title>leak</title></g>\n</svg>\n";

    #[test]
    fn wraps_the_graph_in_a_viewport_with_the_script() {
        let out = add_pan_zoom(DOT_SVG);
        assert!(out.starts_with("<?xml version=\"1.0\"?>\n<svg width=\"100%\" height=\"100%\"\n"));
        assert!(out.contains("viewBox=\"0.00 0.00 905.00 879.00\""));
        let view = out.find("<g id=\"viewport\">\n<g id=\"graph0\"").unwrap();
        let script = out.find("<script").unwrap();
        assert!(view < script && script < out.rfind("</svg>").unwrap());
        assert_eq!(out.matches("</g>").count(), 2);
        assert!(out.ends_with("]]></script>\n</svg>\n"));
    }

    #[test]
    fn other_text_is_left_alone() {
        for s in ["", "digraph {}", "<svg width=\"1\"", "</svg><svg>"] {
            assert_eq!(add_pan_zoom(s), s);
        }
    }

    #[test]
    fn the_script_cannot_end_its_section() {
        assert!(!SCRIPT.contains("]]>"));
    }
}
