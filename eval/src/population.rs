//! A large generated population of brand sites, and copies of them, for measuring the
//! index at scale (100,000 brand pages) where the corpus has only hundreds.
//!
//! Pages are cheap to make and shaped like firms' pages: a navigation bar, a hero,
//! sections of cards and paragraphs, a footer with a copyright line, assets under theme
//! and brand paths, sometimes an analytics ID. Many brands share each of a handful of
//! themes (the same template, as on real hosting platforms), so structure alone does not
//! tell them apart. Words come from a vocabulary of made-up syllable words with a skewed
//! (Zipf-like) frequency, so text has the common and rare words real text has.
//! Everything is a function of the seed.

use super::operators::{self as ops, Rng};

const SYLLABLES: [&str; 40] = [
    "ka", "lo", "mi", "ter", "san", "vel", "dor", "ri", "an", "mo", "tu", "len", "bra", "sto",
    "qui", "ne", "por", "fa", "gel", "shi", "ran", "do", "vo", "lin", "cer", "pa", "tro", "mu",
    "zen", "ha", "bel", "cor", "di", "ex", "fi", "gan", "is", "ju", "ko", "lum",
];

/// Distinct words in the vocabulary.
const VOCABULARY: usize = 6000;

/// Themes brands are built on.
const THEMES: usize = 12;

fn word(i: usize) -> String {
    let mut n = i;
    let mut w = String::new();
    loop {
        w.push_str(SYLLABLES.get(n % SYLLABLES.len()).copied().unwrap_or("a"));
        n /= SYLLABLES.len();
        if n == 0 {
            break;
        }
    }
    w
}

/// A word drawn with a skewed frequency: low indices (common words) far more often.
fn common_word(rng: &mut Rng) -> String {
    let u = rng.next_u64() as f64 / u64::MAX as f64;
    word((u * u * u * VOCABULARY as f64) as usize)
}

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s: Vec<String> = (0..words).map(|_| common_word(rng)).collect();
    if let Some(first) = s.first_mut() {
        *first = capitalise(first);
    }
    format!("{}.", s.join(" "))
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

/// One generated brand: its name, domain and pages (`(path, html)`).
#[derive(Clone, Debug)]
pub struct GeneratedBrand {
    /// The brand's name (two made-up words).
    pub name: String,
    /// The domain it owns.
    pub domain: String,
    /// Its pages: a site-relative path and the HTML.
    pub pages: Vec<(String, String)>,
}

/// Brand `id` of the population seeded by `seed`, with `pages` pages.
///
/// ```
/// use clonehound_eval::population::brand;
/// let a = brand(7, 1, 3);
/// assert_eq!(a.pages.len(), 3);
/// assert_eq!(a.pages, brand(7, 1, 3).pages);
/// assert_ne!(a.name, brand(7, 2, 3).name);
/// ```
pub fn brand(seed: u64, id: u64, pages: usize) -> GeneratedBrand {
    let mut rng = Rng::new(seed ^ id.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    // The id is spelt into the name so names never collide.
    let first = capitalise(&word(rng.below(VOCABULARY)));
    let second = capitalise(&word(id as usize + VOCABULARY));
    let name = format!("{first} {second}");
    let slug = format!("{}{}", first.to_lowercase(), second.to_lowercase());
    let domain = format!("{slug}.com");
    let theme = rng.below(THEMES);
    let analytics = rng
        .chance(0.6)
        .then(|| format!("G-{:08X}", rng.next_u64() as u32));
    let titles = ["Home", "About us", "Services", "Contact", "Careers", "News"];
    let pages = (0..pages)
        .map(|p| {
            let title = titles.get(p % titles.len()).copied().unwrap_or("Page");
            let path = if p == 0 {
                "index.html".to_owned()
            } else {
                format!("{}.html", title.to_lowercase().replace(' ', "-"))
            };
            let html = page(
                &mut rng,
                &name,
                &slug,
                &domain,
                theme,
                title,
                analytics.as_deref(),
            );
            (path, html)
        })
        .collect();
    GeneratedBrand {
        name,
        domain,
        pages,
    }
}

fn page(
    rng: &mut Rng,
    name: &str,
    slug: &str,
    domain: &str,
    theme: usize,
    title: &str,
    analytics: Option<&str>,
) -> String {
    let mut h = String::with_capacity(16 * 1024);
    let tracking = analytics.map_or(String::new(), |id| {
        format!("<script async src=\"https://www.googletagmanager.com/gtag/js?id={id}\"></script><script>gtag('config','{id}');</script>")
    });
    h.push_str(&format!(
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>{title} | {name}</title>\
         <meta property=og:site_name content=\"{name}\"><link rel=canonical href=\"https://{domain}/\">\
         <link rel=stylesheet href=\"/themes/t{theme}/css/main.css\"><link rel=stylesheet href=\"/assets/{slug}/site.css\">{tracking}</head>\
         <body class=\"theme-{theme} page\"><header class=\"t{theme}-header\"><a class=logo href=\"/\"><img src=\"/assets/{slug}/logo.png\" alt=\"{name}\"></a><nav class=\"t{theme}-nav\"><ul>"
    ));
    for item in ["Home", "About", "Services", "Contact"] {
        h.push_str(&format!(
            "<li><a href=\"/{}.html\">{item}</a></li>",
            item.to_lowercase()
        ));
    }
    h.push_str(&format!(
        "</ul></nav></header><main><section class=\"t{theme}-hero\"><h1>{} {name}</h1><p>{}</p><a class=\"t{theme}-button\" href=\"/contact.html\">{}</a></section>",
        sentence(rng, 3),
        sentence(rng, 20),
        capitalise(&common_word(rng)),
    ));
    let sections = 2 + rng.below(3 + theme % 3);
    for s in 0..sections {
        h.push_str(&format!(
            "<section class=\"t{theme}-section s{s}\"><h2>{}</h2>",
            sentence(rng, 4)
        ));
        if (s + theme).is_multiple_of(2) {
            h.push_str(&format!("<div class=\"t{theme}-cards\">"));
            for c in 0..(2 + rng.below(4)) {
                h.push_str(&format!(
                    "<div class=\"t{theme}-card\"><img src=\"/assets/{slug}/img/{:x}.jpg\" alt=\"\"><h3>{}</h3><p>{}</p></div>",
                    rng.next_u64() as u32 ^ c as u32,
                    sentence(rng, 3),
                    {
                        let n = 25 + rng.below(20);
                        sentence(rng, n)
                    },
                ));
            }
            h.push_str("</div>");
        } else {
            for _ in 0..(2 + rng.below(3)) {
                h.push_str(&format!(
                    "<p>{} {}</p>",
                    sentence(rng, 30),
                    sentence(rng, 20)
                ));
            }
        }
        h.push_str("</section>");
    }
    h.push_str(&format!(
        "</main><footer class=\"t{theme}-footer\"><p>{} <a href=\"mailto:info@{domain}\">info@{domain}</a> +1 555 {:03} {:04}</p><p>© 2024 {name}. All rights reserved.</p></footer><script src=\"/themes/t{theme}/js/site.js\"></script></body></html>",
        sentence(rng, 8),
        rng.below(1000),
        rng.below(10000),
    ));
    h
}

/// The copy kinds [`copy`] makes.
pub const COPY_KINDS: [&str; 5] = ["mirror", "phish", "rebrand", "partial", "reword"];

/// A copy of `brand`'s first page of the given kind (an index into [`COPY_KINDS`]),
/// with the URL it is found at.
///
/// ```
/// use clonehound_eval::population::{brand, copy};
/// let b = brand(1, 5, 1);
/// let (url, html) = copy(&b, 2, 9);
/// assert!(url.starts_with("http"));
/// assert!(!html.contains(&b.name));
/// ```
pub fn copy(brand: &GeneratedBrand, kind: usize, seed: u64) -> (String, String) {
    let mut rng = Rng::new(seed);
    let html = brand.pages.first().map_or("", |p| p.1.as_str());
    let front = format!("Front{} Holdings", rng.below(1_000_000));
    let rebranded = || {
        let slug = brand.domain.trim_end_matches(".com");
        let front_slug: String = front.to_lowercase().split(' ').collect();
        ops::replace_all_cases(
            html,
            &[
                (brand.name.clone(), front.clone()),
                (slug.to_owned(), front_slug),
            ],
        )
    };
    let html = match COPY_KINDS.get(kind % COPY_KINDS.len()).copied() {
        Some("mirror") => ops::mirror(html, &brand.domain),
        Some("phish") => html.replacen(
            "</main>",
            "<form action=\"/post.php\" method=post><input name=email><input type=password name=pass><button>Sign in</button></form></main>",
            1,
        ),
        Some("rebrand") => rebranded(),
        Some("partial") => ops::partial(html, &mut rng, 0.6),
        _ => ops::reword(html, &mut rng, 0.3),
    };
    let host = format!(
        "{}-{}.example",
        brand.domain.replace('.', "-"),
        rng.below(1000)
    );
    (format!("http://{host}/"), html)
}

/// Brands `0..brands` of the population, `pages` pages each, fingerprinted (in
/// parallel) as found on their own domains and added to an index builder in id order.
///
/// ```
/// use clonehound::{Limits, index::IndexConfig};
/// let index = clonehound_eval::population::index(3, 20, 1, &Limits::default(), IndexConfig::default());
/// assert_eq!(index.len(), 20);
/// ```
pub fn index(
    seed: u64,
    brands: usize,
    pages: usize,
    limits: &clonehound::Limits,
    config: clonehound::index::IndexConfig,
) -> clonehound::Index {
    use rayon::prelude::*;
    let sites: Vec<(clonehound::Brand, clonehound::SiteFingerprint)> = (0..brands as u64)
        .into_par_iter()
        .map(|id| {
            let b = brand(seed, id, pages);
            let site =
                super::fingerprint_generated(&b.pages, &format!("https://{}/", b.domain), limits);
            (clonehound::Brand::new(b.name, [b.domain]), site)
        })
        .collect();
    let mut builder = clonehound::index::IndexBuilder::new(config);
    for (b, site) in sites {
        builder.add(b, site);
    }
    builder.build()
}

/// A suspect page as a site: copy `i` (kind `i` modulo [`COPY_KINDS`]) of brand
/// `brand_id`, fingerprinted.
pub fn copy_site(
    seed: u64,
    brand_id: u64,
    pages: usize,
    i: usize,
    limits: &clonehound::Limits,
) -> clonehound::SiteFingerprint {
    let b = brand(seed, brand_id, pages);
    let (url, html) = copy(&b, i, seed ^ i as u64);
    clonehound::SiteFingerprint::from_pages(vec![clonehound::PageFingerprint::new(
        &clonehound::Page::from_html(&html, Some(&url)),
        limits,
    )])
}
