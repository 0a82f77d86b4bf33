//! Copy operators: the ways copiers turn a firm's page into theirs.
//!
//! Each operator is a deterministic text transform of HTML driven by [`Rng`], used by
//! the corpus generator and applied to real legitimate pages by
//! `clonehound eval --synthetic`, so the operators meet real-world markup too.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::{Captures, Regex};

/// SplitMix64: a tiny generator whose output never changes with a dependency upgrade,
/// so a corpus regenerates byte for byte.
#[derive(Clone, Debug)]
pub struct Rng(u64);

/// The generator's string hash: xxh3 with the library's sketch seed for `domain`, the
/// function the committed corpus was generated with (so it regenerates byte for byte).
fn hash64(domain: u64, bytes: &[u8]) -> u64 {
    const SEED: u64 = 0x636c_6f6e_6568_6e64;
    xxhash_rust::xxh3::xxh3_64_with_seed(bytes, SEED ^ domain.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// A generator seeded from a string (a site id, say).
    pub fn from_str_seed(seed: &str) -> Rng {
        Rng(hash64(99, seed.as_bytes()))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// One item of a slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }

    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

fn re(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}

static BLOCK: LazyLock<Option<Regex>> = LazyLock::new(|| re(r"(?s)<section\b.*?</section>"));
static PARA: LazyLock<Option<Regex>> = LazyLock::new(|| re(r"(?s)<p\b[^>]*>.*?</p>"));
static CLASS_ATTR: LazyLock<Option<Regex>> =
    LazyLock::new(|| re(r#"\b(class|id)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>"']+))"#));
static CSS_SELECTOR: LazyLock<Option<Regex>> =
    LazyLock::new(|| re(r"([.#])(-?[_a-zA-Z][_a-zA-Z0-9-]*)"));
static STYLE_BLOCK: LazyLock<Option<Regex>> =
    LazyLock::new(|| re(r"(?s)(<style\b[^>]*>)(.*?)(</style>)"));
static COMMENT: LazyLock<Option<Regex>> = LazyLock::new(|| re(r"(?s)<!--.*?-->"));
static BETWEEN_TAGS: LazyLock<Option<Regex>> = LazyLock::new(|| re(r">\s+<"));
static SPACES: LazyLock<Option<Regex>> = LazyLock::new(|| re(r"\s{2,}"));
static TEXT_NODE: LazyLock<Option<Regex>> = LazyLock::new(|| re(r">([^<>]+)<"));
static WORD: LazyLock<Option<Regex>> = LazyLock::new(|| re(r"[A-Za-z]+"));

/// Whole-site mirroring as HTTrack or `wget -mk` do it: absolute links to the original
/// domain become relative, and the tool leaves its mark in a comment.
pub fn mirror(html: &str, domain: &str) -> String {
    let mut out = html.to_owned();
    for prefix in [
        "https://www.",
        "http://www.",
        "https://",
        "http://",
        "//www.",
        "//",
    ] {
        out = out.replace(&format!("{prefix}{domain}/"), "");
        out = out.replace(&format!("{prefix}{domain}\""), "index.html\"");
    }
    let mark =
        format!("<!-- Mirrored from {domain}/ by HTTrack Website Copier/3.x [XR&CO'2014] -->");
    match out.find("<head") {
        Some(pos) => format!(
            "{}{mark}\n{}",
            out.get(..pos).unwrap_or(""),
            out.get(pos..).unwrap_or("")
        ),
        None => format!("{mark}\n{out}"),
    }
}

/// Replaces every `(from, to)` pair, trying the original, lower, upper and
/// capitalised spellings of `from`.
pub fn replace_all_cases(html: &str, swaps: &[(String, String)]) -> String {
    let mut out = html.to_owned();
    for (from, to) in swaps {
        if from.is_empty() {
            continue;
        }
        let variants = [
            (from.clone(), to.clone()),
            (from.to_lowercase(), to.to_lowercase()),
            (from.to_uppercase(), to.to_uppercase()),
        ];
        for (f, t) in variants {
            out = out.replace(&f, &t);
        }
    }
    out
}

fn shuffle_matches(html: &str, re: &Regex, rng: &mut Rng) -> Option<String> {
    let spans: Vec<(usize, usize)> = re.find_iter(html).map(|m| (m.start(), m.end())).collect();
    if spans.len() < 2 {
        return None;
    }
    let mut order: Vec<usize> = (0..spans.len()).collect();
    rng.shuffle(&mut order);
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    for (slot, &(start, end)) in spans.iter().enumerate() {
        out.push_str(html.get(at..start)?);
        let (s, e) = *spans.get(*order.get(slot)?)?;
        out.push_str(html.get(s..e)?);
        at = end;
    }
    out.push_str(html.get(at..)?);
    Some(out)
}

/// Reorders the page's sections (or, where it has none, its paragraphs).
pub fn reorder(html: &str, rng: &mut Rng) -> String {
    [&BLOCK, &PARA]
        .iter()
        .filter_map(|r| r.as_ref())
        .find_map(|r| shuffle_matches(html, r, rng))
        .unwrap_or_else(|| html.to_owned())
}

/// A partial copy: keeps each section (or paragraph) with probability `keep`, at least one.
pub fn partial(html: &str, rng: &mut Rng, keep: f64) -> String {
    for r in [&BLOCK, &PARA].iter().filter_map(|r| r.as_ref()) {
        let spans: Vec<(usize, usize)> = r.find_iter(html).map(|m| (m.start(), m.end())).collect();
        if spans.len() < 2 {
            continue;
        }
        let keep_one = rng.below(spans.len());
        let mut out = String::with_capacity(html.len());
        let mut at = 0;
        for (i, &(start, end)) in spans.iter().enumerate() {
            out.push_str(html.get(at..start).unwrap_or(""));
            if i == keep_one || rng.chance(keep) {
                out.push_str(html.get(start..end).unwrap_or(""));
            }
            at = end;
        }
        out.push_str(html.get(at..).unwrap_or(""));
        return out;
    }
    html.to_owned()
}

/// Renames every class and id token consistently, in attributes and in `<style>`.
pub fn rename_classes(html: &str, rng: &mut Rng) -> String {
    let (Some(attr), Some(sel), Some(style)) = (
        CLASS_ATTR.as_ref(),
        CSS_SELECTOR.as_ref(),
        STYLE_BLOCK.as_ref(),
    ) else {
        return html.to_owned();
    };
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let salt = rng.next_u64();
    let mut rename = |token: &str| -> String {
        names
            .entry(token.to_owned())
            .or_insert_with(|| format!("c{:x}", hash64(salt, token.as_bytes()) >> 40))
            .clone()
    };
    let out = attr.replace_all(html, |c: &Captures| {
        let value = c
            .get(3)
            .or_else(|| c.get(4))
            .or_else(|| c.get(5))
            .map_or("", |m| m.as_str());
        let renamed: Vec<String> = value.split_whitespace().map(&mut rename).collect();
        format!(
            "{}=\"{}\"",
            c.get(1).map_or("class", |m| m.as_str()),
            renamed.join(" ")
        )
    });
    style
        .replace_all(&out, |c: &Captures| {
            let css = c.get(2).map_or("", |m| m.as_str());
            let css = sel.replace_all(css, |s: &Captures| {
                let token = s.get(2).map_or("", |m| m.as_str());
                let kind = s.get(1).map_or(".", |m| m.as_str());
                format!("{kind}{}", rename(token))
            });
            format!(
                "{}{css}{}",
                c.get(1).map_or("", |m| m.as_str()),
                c.get(3).map_or("", |m| m.as_str())
            )
        })
        .into_owned()
}

/// Minifies: comments dropped, white space between tags removed, runs collapsed.
pub fn minify(html: &str) -> String {
    let mut out = html.to_owned();
    for (r, with) in [(&COMMENT, ""), (&BETWEEN_TAGS, "><"), (&SPACES, " ")] {
        if let Some(r) = r.as_ref() {
            out = r.replace_all(&out, with).into_owned();
        }
    }
    out
}

const SYNONYMS: &[(&str, &str)] = &[
    ("company", "firm"),
    ("clients", "customers"),
    ("help", "assist"),
    ("team", "staff"),
    ("build", "create"),
    ("services", "solutions"),
    ("experience", "expertise"),
    ("provide", "offer"),
    ("support", "assistance"),
    ("business", "organisation"),
    ("quickly", "rapidly"),
    ("large", "big"),
    ("work", "operate"),
    ("people", "professionals"),
    ("offices", "locations"),
    ("projects", "engagements"),
    ("deliver", "provide"),
    ("years", "decades"),
    ("best", "finest"),
    ("trusted", "reliable"),
    ("modern", "contemporary"),
    ("our", "the"),
    ("we", "our team"),
    ("with", "alongside"),
    ("new", "fresh"),
];

/// Light rewording: in visible text, each listed word is swapped for a synonym with
/// probability `rate`.
pub fn reword(html: &str, rng: &mut Rng, rate: f64) -> String {
    let (Some(text), Some(word)) = (TEXT_NODE.as_ref(), WORD.as_ref()) else {
        return html.to_owned();
    };
    text.replace_all(html, |c: &Captures| {
        let body = c.get(1).map_or("", |m| m.as_str());
        let swapped = word.replace_all(body, |w: &Captures| {
            let w = w.get(0).map_or("", |m| m.as_str());
            let lower = w.to_lowercase();
            match SYNONYMS.iter().find(|(from, _)| *from == lower) {
                Some((_, to)) if rng.chance(rate) => to.to_string(),
                _ => w.to_owned(),
            }
        });
        format!(">{swapped}<")
    })
    .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<html><head><style>.hero{color:red} #top{}</style></head><body>\
        <a href='https://acme.com/about.html'>About</a><!-- note -->\n  <section class='hero big' id=top><p>One company</p></section>\
        <section><p>Two</p></section><section><p>Three</p></section></body></html>";

    #[test]
    fn rng_is_stable_and_bounded() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        let xs: Vec<u64> = (0..4).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..4).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs[0], xs[1]);
        assert!((0..1000).all(|_| a.below(7) < 7));
        assert_eq!(a.below(0), 0);
    }

    #[test]
    fn operators_transform() {
        let mut rng = Rng::new(1);
        let m = mirror(PAGE, "acme.com");
        assert!(m.contains("href='about.html'") && m.contains("HTTrack"));
        let r = rename_classes(PAGE, &mut rng);
        assert!(!r.contains("hero") && !r.contains("#top") && r.contains("class=\"c"));
        let min = minify(PAGE);
        assert!(!min.contains("<!--") && !min.contains(">\n"));
        let ro = reorder(PAGE, &mut rng);
        assert_eq!(ro.len(), PAGE.len());
        let p = partial(PAGE, &mut rng, 0.0);
        assert_eq!(p.matches("<section").count(), 1);
        let w = reword(PAGE, &mut Rng::new(3), 1.0);
        assert!(w.contains("One firm"), "{w}");
        let b = replace_all_cases(PAGE, &[("Acme".into(), "Volantis".into())]);
        assert!(b.contains("volantis.com"));
    }
}
