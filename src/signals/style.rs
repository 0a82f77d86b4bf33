//! Class and id tokens: a theme's vocabulary, shared by copies that kept the markup.
//!
//! Each `class` token and each `id` is hashed (in separate domains, so `class=x` and
//! `id=x` differ) into a bottom-k sketch during the tokenizer pass (`parse/hashes.rs`). Firms on
//! one theme share these too, which is why the score never leans on style alone.

use crate::sketch::Sketch;

/// Style similarity of two pages in [0, 1] (Jaccard of their class and id tokens).
pub fn similarity(a: &Sketch, b: &Sketch) -> f64 {
    a.jaccard(b)
}

#[cfg(test)]
mod tests {
    use crate::{Limits, Page, PageFingerprint};

    fn style(html: &str) -> crate::fingerprint::Sketch {
        PageFingerprint::new(&Page::from_html(html, None), &Limits::default()).style
    }

    #[test]
    fn tokens_not_order_or_text() {
        let a = style("<div class='hero big'><p id=intro class=lead>Hello</p></div>");
        let cases = [
            (
                "<p class='lead'>Other</p><section class='big  hero'><b id=intro>x</b></section>",
                1.0,
            ),
            // Only `hero` is shared: `intro` and `lead` swap between class and id.
            (
                "<div class='hero'><p class=intro id=lead>Hello</p></div>",
                1.0 / 6.0,
            ),
            ("<div class='c1 c2'><p id=c3>Hello</p></div>", 0.0),
        ];
        for (html, want) in cases {
            let got = super::similarity(&a, &style(html));
            assert!((got - want).abs() < 1e-9, "{html}: {got}");
        }
    }
}
