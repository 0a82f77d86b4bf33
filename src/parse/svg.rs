//! Inline SVG logos fingerprinted by their geometry alone: the element kinds and the
//! numbers of their shape attributes (`d`, `points`, `cx`, `r`, `x`, `width`, …), each
//! number parsed and written again in tenths. Ids, classes, colours, whitespace and
//! number formatting (`0.50`, `.5`, `5e-1`) do not change it; moving or redrawing the
//! logo does. Also the test for what says logo.

use std::fmt::Write;

/// Most marks kept per page.
pub(crate) const MAX_MARKS: usize = 8;

/// Fewest numbers an SVG's geometry needs to count as a mark: a lone square or
/// circle is a bullet or a button, not a logo.
const MIN_NUMBERS: usize = 12;

/// Shape attributes, per element, that carry geometry.
pub(crate) fn geometry_attributes(element: &str) -> &'static [&'static str] {
    match element {
        "path" => &["d"],
        "circle" => &["cx", "cy", "r"],
        "ellipse" => &["cx", "cy", "rx", "ry"],
        "rect" => &["x", "y", "width", "height", "rx", "ry"],
        "line" => &["x1", "y1", "x2", "y2"],
        "polygon" | "polyline" => &["points"],
        _ => &[],
    }
}

/// Builds one SVG's geometry fingerprint as its elements stream by.
#[derive(Default)]
pub(crate) struct SvgGeometry {
    canonical: String,
    numbers: usize,
    /// True when the SVG stands for a logo.
    pub(crate) logo: bool,
}

/// Bytes of canonical geometry kept per SVG: enough for any logo, bounded for a page
/// that draws a map.
const MAX_CANONICAL: usize = 64 << 10;

impl SvgGeometry {
    /// An empty geometry, for an SVG that stands for a logo or not.
    pub(crate) fn new(logo: bool) -> SvgGeometry {
        SvgGeometry {
            logo,
            ..SvgGeometry::default()
        }
    }

    /// Adds one shape element with its attributes (name, value).
    pub(crate) fn add<'a>(
        &mut self,
        element: &str,
        attrs: impl Iterator<Item = (&'a str, &'a str)> + Clone,
    ) {
        let wanted = geometry_attributes(element);
        if wanted.is_empty() || self.canonical.len() > MAX_CANONICAL {
            return;
        }
        self.canonical.push_str(element);
        for key in wanted {
            if let Some((_, value)) = attrs.clone().find(|(k, _)| k == key) {
                self.canonical.push(' ');
                self.numbers += canonical_numbers(value, &mut self.canonical);
            }
        }
        self.canonical.push(';');
    }

    /// The fingerprint, or `None` for an SVG too plain to be a mark.
    pub(crate) fn finish(self) -> Option<u64> {
        (self.numbers >= MIN_NUMBERS)
            .then(|| crate::sketch::hash64(0x6d61_726b, self.canonical.as_bytes()))
    }
}

/// Appends `value` (path data, a point list or a length) as commands and numbers at
/// one decimal; returns how many numbers it held.
fn canonical_numbers(value: &str, out: &mut String) -> usize {
    let bytes = value.as_bytes();
    let mut i = 0;
    let mut count = 0;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii_alphabetic() && b != b'e' && b != b'E' {
            // `z` and `Z` both close a path.
            out.push(if b == b'z' { 'Z' } else { b as char });
            i += 1;
            continue;
        }
        if b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+' {
            let start = i;
            i += 1;
            let mut dot = b == b'.';
            while let Some(&c) = bytes.get(i) {
                let exponent_sign =
                    (c == b'-' || c == b'+') && matches!(bytes.get(i - 1), Some(b'e' | b'E'));
                if c.is_ascii_digit()
                    || c == b'e'
                    || c == b'E'
                    || exponent_sign
                    || (c == b'.' && !dot)
                {
                    dot |= c == b'.';
                    i += 1;
                } else {
                    break;
                }
            }
            if let Some(n) = value.get(start..i).and_then(|t| t.parse::<f64>().ok()) {
                // In tenths, as an integer: cheaper to write than a float, and -0.0 and
                // 0.0 are one number. (`as` saturates: a huge number cannot overflow.)
                let tenths = (n * 10.0).round() as i64;
                let _ = write!(out, " {tenths}");
                count += 1;
            }
            continue;
        }
        i += 1;
    }
    count
}

/// True when a class, id, label or file name says logo or brand.
pub(crate) fn says_logo(value: &str) -> bool {
    contains_ignore_case(value, "logo") || contains_ignore_case(value, "brand")
}

/// True when `hay` holds the ASCII `needle`, ignoring case, without allocating.
fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    hay.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(elements: &[(&str, &[(&str, &str)])]) -> Option<u64> {
        let mut g = SvgGeometry::default();
        for (name, attrs) in elements {
            g.add(name, attrs.iter().copied());
        }
        g.finish()
    }

    #[test]
    fn geometry_survives_formatting_and_ignores_ids_and_colours() {
        let a = hash(&[
            (
                "path",
                &[
                    ("d", "M10 20 L30.50 40 C 1 2 3 4 5 6 Z"),
                    ("fill", "#f00"),
                    ("id", "a"),
                ],
            ),
            ("circle", &[("cx", "5"), ("cy", "5"), ("r", "2")]),
        ]);
        let b = hash(&[
            (
                "path",
                &[
                    ("id", "zz"),
                    (
                        "d",
                        "M10,20L30.5,40C1,2,3,4,5,6z".replace('z', "Z").as_str(),
                    ),
                    ("fill", "blue"),
                ],
            ),
            ("circle", &[("r", "2.0"), ("cx", "5.00"), ("cy", "50e-1")]),
        ]);
        assert!(a.is_some());
        assert_eq!(a, b);
        let moved = hash(&[
            ("path", &[("d", "M10 20 L30.50 41 C 1 2 3 4 5 6 Z")]),
            ("circle", &[("cx", "5"), ("cy", "5"), ("r", "2")]),
        ]);
        assert_ne!(a, moved);
    }

    #[test]
    fn plain_shapes_are_not_marks() {
        assert_eq!(
            hash(&[(
                "rect",
                &[("x", "0"), ("y", "0"), ("width", "10"), ("height", "10")]
            )]),
            None
        );
    }

    #[test]
    fn numbers_are_read_as_svg_writes_them() {
        let mut out = String::new();
        assert_eq!(canonical_numbers("M.5.5-1e1,2E+1", &mut out), 4);
        assert_eq!(out, "M 5 5 -100 200");
    }
}
