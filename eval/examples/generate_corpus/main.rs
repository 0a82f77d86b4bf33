//! Generates clonehound's labelled corpus: legitimate firm sites on several layouts and
//! industries, copies made the ways copiers make them, and hard negatives.
//!
//! ```text
//! cargo run --release --example generate_corpus -- corpus
//! ```
//! The output is deterministic: the same command writes the same bytes.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

mod favicon;
mod layouts;
mod names;
mod text;

use std::fmt::Write as _;
use std::path::Path;

use clonehound_eval::operators::{self as ops, Rng};
use favicon::Icon;
use layouts::{Firm, LAYOUTS, PLATFORM_DOMAIN, PLATFORM_NAME, PageContent, Section};
use names::{FIRMS, FRONTS, PUBLICATIONS};

fn slug(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn firm(i: usize, name: &str, layout: usize, rng: &mut Rng) -> Firm {
    let industry = &text::INDUSTRIES[(i + i / 6) % text::INDUSTRIES.len()];
    let tld = ["com", "co.uk", "io", "eu"][rng.below(4)];
    let domain = format!("{}.{tld}", slug(name).replace('-', ""));
    let upload_prefix = if layout == 6 {
        format!("/{}", 1000 + rng.below(9000))
    } else {
        format!("/media/{:06x}", rng.next_u64() >> 40)
    };
    Firm {
        id: slug(name),
        name: name.to_owned(),
        email: format!(
            "{}@{domain}",
            ["hello", "info", "contact", "office"][rng.below(4)]
        ),
        phone: format!(
            "+44 {} {:03} {:04}",
            113 + rng.below(800),
            rng.below(1000),
            rng.below(10_000)
        ),
        analytics: format!("G-{:010X}", rng.next_u64() >> 24),
        domain,
        layout,
        industry,
        has_login: rng.chance(0.4),
        upload_prefix,
    }
}

fn pages(f: &Firm, rng: &mut Rng) -> Vec<PageContent> {
    let facts = text::facts(rng, &f.name);
    let ind = f.industry;
    let img = |rng: &mut Rng, what: &str| {
        Some(format!(
            "{}/{what}-{}.jpg",
            f.upload_prefix,
            rng.below(90) + 10
        ))
    };
    let sec = |rng: &mut Rng, heading: String, n: usize, image: bool| Section {
        paragraphs: (0..n)
            .map(|_| {
                let k = 2 + rng.below(3);
                text::paragraph(rng, ind, &facts, k)
            })
            .collect(),
        image: if image { img(rng, "photo") } else { None },
        heading,
    };
    let headings = [
        "What we do",
        "How we work",
        "Why clients choose us",
        "Our approach",
        "Recent work",
        "Who we are",
    ];
    let mut order: Vec<usize> = (0..headings.len()).collect();
    rng.shuffle(&mut order);
    let mut out = vec![
        PageContent {
            file: "index.html",
            label: "Home",
            sections: order[..3]
                .iter()
                .map(|&h| {
                    let image = rng.chance(0.6);
                    sec(rng, headings[h].to_owned(), 2, image)
                })
                .collect(),
        },
        PageContent {
            file: "about.html",
            label: "About us",
            sections: vec![
                sec(rng, format!("About {}", f.name), 3, true),
                sec(rng, "Our history".into(), 2, false),
                sec(rng, "Our people".into(), 2, true),
            ],
        },
    ];
    let mut services: Vec<&str> = ind.services.to_vec();
    rng.shuffle(&mut services);
    let service_sections = services[..3 + rng.below(2)]
        .iter()
        .map(|s| Section {
            heading: (*s).to_owned(),
            paragraphs: vec![text::service_text(rng, ind, &facts, s)],
            image: if rng.chance(0.5) {
                img(rng, "service")
            } else {
                None
            },
        })
        .collect();
    out.push(PageContent {
        file: "services.html",
        label: "Services",
        sections: service_sections,
    });
    out.push(PageContent {
        file: "contact.html",
        label: "Contact",
        sections: vec![
            Section { heading: "Get in touch".into(), paragraphs: vec![format!("Write to {} or call {}. Our office in {} is open from nine to half past five, Monday to Friday.", f.email, f.phone, facts.city)], image: None },
            sec(rng, "Visit us".into(), 1, false),
        ],
    });
    if f.has_login {
        out.push(PageContent {
            file: "login.html",
            label: "Client login",
            sections: vec![Section {
                heading: "Client portal".into(),
                paragraphs: vec![format!(
                    "Clients of {} can follow their projects, invoices and documents online.",
                    f.name
                )],
                image: None,
            }],
        });
    }
    out
}

struct Corpus<'a> {
    root: &'a Path,
    pairs: String,
}

impl Corpus<'_> {
    fn write_site(&self, id: &str, pages: &[(String, String)], icon: &Icon) {
        let dir = self.root.join("sites").join(id);
        std::fs::create_dir_all(&dir).unwrap();
        for (file, html) in pages {
            std::fs::write(dir.join(file), html).unwrap();
        }
        std::fs::write(dir.join("favicon.ico"), icon.ico()).unwrap();
    }

    fn pair(&mut self, legit: &Firm, suspect: &str, label: &str, kind: &str) {
        let line = serde_json::json!({"legit": format!("sites/{}", legit.id), "suspect": format!("sites/{suspect}"), "label": label, "kind": kind, "brand": legit.name, "domains": [legit.domain]});
        writeln!(self.pairs, "{line}").unwrap();
    }
}

fn rebrand(f: &Firm, html: &str, front: &str) -> String {
    let domain = format!("{}.com", slug(front).replace('-', ""));
    let swaps = vec![
        (f.name.clone(), front.to_owned()),
        (f.domain.clone(), domain.clone()),
        (f.email.clone(), format!("info@{domain}")),
        (f.phone.clone(), "+44 20 7946 0321".to_owned()),
        (f.phone.replace(' ', ""), "+442079460321".to_owned()),
        (f.analytics.clone(), "G-0000000000".to_owned()),
    ];
    ops::replace_all_cases(html, &swaps)
}

const OPTIONAL: &[&str] = &[
    "partial", "reorder", "rename", "minify", "reword", "favicon",
];

fn copies(
    c: &mut Corpus,
    f: &Firm,
    site: &[(String, String)],
    icon: &Icon,
    rng: &mut Rng,
) -> Vec<String> {
    let mut kinds = vec!["rebrand", "mirror", "phishing", "combo"];
    let mut optional = OPTIONAL.to_vec();
    rng.shuffle(&mut optional);
    kinds.extend(&optional[..4]);
    let mut made = Vec::new();
    for kind in kinds {
        let id = format!("copy-{}-{kind}", f.id);
        let front = FRONTS[rng.below(FRONTS.len())];
        let new_icon = Icon {
            rgb: [
                rng.below(256) as u8,
                rng.below(256) as u8,
                rng.below(256) as u8,
            ],
            shape: rng.below(5),
        };
        let map =
            |g: &mut dyn FnMut(&str, &mut Rng) -> String, rng: &mut Rng| -> Vec<(String, String)> {
                site.iter()
                    .map(|(file, html)| (file.clone(), g(html, rng)))
                    .collect()
            };
        let (pages, icon_out) = match kind {
            "rebrand" => (map(&mut |h, _| rebrand(f, h, front), rng), new_icon),
            "mirror" => (
                map(&mut |h, _| ops::mirror(h, &f.domain), rng),
                Icon { ..*icon },
            ),
            "partial" => {
                let keep_identity = rng.chance(0.5);
                let mut chosen: Vec<(String, String)> = site.to_vec();
                rng.shuffle(&mut chosen);
                chosen.truncate(2);
                let pages = chosen
                    .iter()
                    .map(|(file, h)| {
                        let h = ops::partial(h, rng, 0.6);
                        (
                            file.clone(),
                            if keep_identity {
                                ops::mirror(&h, &f.domain)
                            } else {
                                rebrand(f, &h, front)
                            },
                        )
                    })
                    .collect();
                (
                    pages,
                    if keep_identity {
                        Icon { ..*icon }
                    } else {
                        new_icon
                    },
                )
            }
            "reorder" => (
                map(&mut |h, r| ops::reorder(&rebrand(f, h, front), r), rng),
                new_icon,
            ),
            "rename" => (
                map(
                    &mut |h, r| ops::rename_classes(&rebrand(f, h, front), r),
                    rng,
                ),
                new_icon,
            ),
            "minify" => (
                map(&mut |h, _| ops::minify(&ops::mirror(h, &f.domain)), rng),
                Icon { ..*icon },
            ),
            "reword" => (
                map(&mut |h, r| ops::reword(&rebrand(f, h, front), r, 0.5), rng),
                new_icon,
            ),
            "favicon" => (
                map(&mut |h, _| ops::mirror(h, &f.domain), rng),
                icon.recoloured(),
            ),
            "phishing" => {
                let style = rng.below(3);
                let keep_css = rng.chance(0.5);
                (
                    vec![(
                        "index.html".to_owned(),
                        layouts::phishing(f, style, keep_css),
                    )],
                    Icon { ..*icon },
                )
            }
            _ => (
                map(
                    &mut |h, r| {
                        let h = ops::partial(&rebrand(f, h, front), r, 0.8);
                        ops::minify(&ops::reword(
                            &ops::rename_classes(&ops::reorder(&h, r), r),
                            r,
                            0.3,
                        ))
                    },
                    rng,
                ),
                new_icon,
            ),
        };
        c.write_site(&id, &pages, &icon_out);
        c.pair(f, &id, "clone", kind);
        made.push(id);
    }
    made
}

fn main() {
    let root = std::env::args().nth(1).unwrap_or_else(|| "corpus".into());
    let root = Path::new(&root);
    let _ = std::fs::remove_dir_all(root.join("sites"));
    let mut c = Corpus {
        root,
        pairs: String::new(),
    };
    let mut rng = Rng::new(2026);
    let mut firms = Vec::new();
    for (i, name) in FIRMS.iter().enumerate() {
        let layout = if i < 42 { i % 6 } else { 6 };
        firms.push(firm(i, name, layout, &mut rng));
    }
    let mut vendor = firm(1, PLATFORM_NAME, 0, &mut rng);
    vendor.domain = PLATFORM_DOMAIN.to_owned();
    vendor.email = format!("support@{PLATFORM_DOMAIN}");
    firms.push(vendor);
    let mut all_copies: Vec<(usize, String, bool)> = Vec::new();
    for (i, f) in firms.iter().enumerate() {
        let mut frng = Rng::from_str_seed(&f.id);
        let icon = Icon {
            rgb: [
                frng.below(200) as u8 + 30,
                frng.below(200) as u8 + 30,
                frng.below(200) as u8 + 30,
            ],
            shape: i % 5,
        };
        let site: Vec<(String, String)> = pages(f, &mut frng)
            .iter()
            .map(|p| (p.file.to_owned(), layouts::render(f, p)))
            .collect();
        c.write_site(&f.id, &site, &icon);
        for id in copies(&mut c, f, &site, &icon, &mut frng) {
            let phishing = id.ends_with("-phishing");
            all_copies.push((i, id, phishing));
        }
        // A trade-news article naming the firm: a mention, not a copy.
        let facts = text::facts(&mut frng, &f.name);
        let body: Vec<String> = (0..4)
            .map(|k| {
                if k % 2 == 0 {
                    format!(
                        "{} {}",
                        text::success(&mut frng, f.industry, &facts),
                        text::paragraph(&mut frng, f.industry, &facts, 2)
                    )
                } else {
                    text::paragraph(&mut frng, &text::INDUSTRIES[(i + k) % 6], &facts, 3)
                }
            })
            .collect();
        let publication = PUBLICATIONS[i % PUBLICATIONS.len()];
        let news_id = format!("news-{}", f.id);
        c.write_site(
            &news_id,
            &[(
                "index.html".into(),
                layouts::news(f, publication, &body, i % 2 == 0),
            )],
            &Icon {
                rgb: [20, 20, 20],
                shape: 3,
            },
        );
        c.pair(f, &news_id, "distinct", "mention");
    }
    let n = firms.len();
    let mut nrng = Rng::new(7);
    for a in 0..n {
        for b in (a + 1)..n {
            let (fa, fb) = (&firms[a], &firms[b]);
            if fa.layout == fb.layout {
                c.pair(
                    fa,
                    &fb.id,
                    "distinct",
                    &format!("same-template-different-firm:{}", LAYOUTS[fa.layout]),
                );
            } else if fa.industry.key == fb.industry.key && nrng.chance(0.7) {
                c.pair(fa, &fb.id, "distinct", "same-industry");
            } else if nrng.chance(0.2) {
                c.pair(fa, &fb.id, "distinct", "unrelated");
            }
        }
    }
    for (i, id, phishing) in &all_copies {
        let orig = &firms[*i];
        let others: Vec<&Firm> = firms
            .iter()
            .filter(|g| g.id != orig.id && (*phishing || g.layout == orig.layout))
            .collect();
        let picks = if *phishing { 4 } else { 1 };
        for _ in 0..picks {
            if let Some(other) = nrng.pick(&others) {
                let kind = if *phishing {
                    "cross-brand".to_owned()
                } else {
                    format!("same-template-different-firm:copy:{}", LAYOUTS[orig.layout])
                };
                c.pair(other, id, "distinct", &kind);
            }
        }
    }
    let vendor = firms.last().unwrap();
    for f in firms.iter().filter(|f| f.layout == 6) {
        c.pair(vendor, &f.id, "distinct", "platform-customer");
    }
    std::fs::write(root.join("pairs.jsonl"), &c.pairs).unwrap();
    // The brands file `clonehound index build` reads: every firm, as its owner names it.
    let mut brands = String::from(
        "# Every legitimate firm of the corpus, for `clonehound index build corpus/brands.toml`.\n",
    );
    for f in &firms {
        brands.push_str(&format!(
            "\n[[brand]]\nname = {:?}\ndomains = [{:?}]\npages = [\"sites/{}\"]\n",
            f.name, f.domain, f.id
        ));
    }
    std::fs::write(root.join("brands.toml"), brands).unwrap();
    let clones = c.pairs.lines().filter(|l| l.contains("\"clone\"")).count();
    println!(
        "wrote {} sites, {} pairs ({clones} copies) to {}",
        std::fs::read_dir(root.join("sites")).unwrap().count(),
        c.pairs.lines().count(),
        root.display()
    );
}
