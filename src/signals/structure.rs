//! The DOM's shape: tag paths and tag 4-grams, blind to text and attribute values.
//!
//! Each start tag gives two shingles: its path under its three nearest ancestors
//! (`div>ul>li>a`), and the 4-gram of the last four start tags in document order. The
//! tokenizer pass (`parse/hashes.rs`) feeds them to a bottom-k sketch as it goes; renamed
//! classes, rewritten text and minified white space leave them unchanged.

use crate::sketch::Sketch;

/// Structural similarity of two pages in [0, 1] (Jaccard of their shingles).
pub fn similarity(a: &Sketch, b: &Sketch) -> f64 {
    a.jaccard(b)
}

#[cfg(test)]
mod tests {
    use crate::{Limits, Page, PageFingerprint};

    fn structure(html: &str) -> crate::fingerprint::Sketch {
        PageFingerprint::new(&Page::from_html(html, None), &Limits::default()).structure
    }

    #[test]
    fn blind_to_text_and_attributes_not_to_shape() {
        let base = "<div class=a><ul><li><a href=/x>One</a></li><li><a href=/y>Two</a></li></ul><p>Text</p></div>";
        let cases = [
            (
                "<div class=zz9 id=q><ul><li><a href=/other>Uno</a></li><li><a href=#>Dos</a></li></ul><p>Texto</p></div>",
                true,
            ),
            (
                "<div class=a>\n  <ul>\n    <li><a href=/x>One</a></li>\n    <li><a href=/y>Two</a></li>\n  </ul>\n  <p>Text</p>\n</div>",
                true,
            ),
            (
                "<section><ol><li><span>One</span></li></ol><table><tr><td>Text</td></tr></table></section>",
                false,
            ),
        ];
        let a = structure(base);
        for (html, same) in cases {
            let sim = super::similarity(&a, &structure(html));
            assert_eq!(sim == 1.0, same, "{html}: {sim}");
        }
    }
}
