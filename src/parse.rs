//! One pass of html5ever's tokenizer per page, with a light, bounded element stack.
//!
//! Why not the tree builder: html5ever's tree construction checks scopes by walking the
//! stack of open elements, so `<div>` nested n deep costs O(n²) (measured: 40,000 levels
//! take 4.5 s). An attacker's page must not do that to us. The tokenizer is linear, and
//! a fingerprint needs the tag shape, not a spec-exact tree: we keep our own stack, capped
//! at [`Limits::max_depth`], with the common implied end tags (`p`, `li`, `td`, …).

use std::cell::RefCell;

use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
    states::RawKind,
};
use html5ever::{LocalName, local_name};

use crate::Limits;
use crate::signals::marks::{MAX_MARKS, SvgGeometry, says_logo};

use crate::signals::{structure, style};
use crate::sketch::SketchBuilder;
use crate::visible::push_visible;

/// The flags a class or id's words give, found in one pass (a hot path: every
/// element's attributes): `logo` or `brand` give [`F_LOGO`], `header` [`F_HEADER`],
/// `footer` or `copyright` [`F_FOOTER`], in any case and anywhere in the value.
fn flag_words(value: &str) -> u8 {
    let b = value.as_bytes();
    let at = |i: usize, word: &[u8]| {
        b.get(i..i + word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
    };
    let mut flags = 0;
    for (i, c) in b.iter().enumerate() {
        flags |= match c.to_ascii_lowercase() {
            b'l' if at(i, b"logo") => F_LOGO,
            b'b' if at(i, b"brand") => F_LOGO,
            b'h' if at(i, b"header") => F_HEADER,
            b'f' if at(i, b"footer") => F_FOOTER,
            b'c' if at(i, b"copyright") => F_FOOTER,
            _ => 0,
        };
    }
    flags
}

/// Where a piece of visible text stood on the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Zone {
    Heading,
    Footer,
    Prominent,
    Body,
}

const F_HEAD: u8 = 1;
const F_HEADING: u8 = 2;
const F_FOOTER: u8 = 4;
const F_PROMINENT: u8 = 8;
const F_FORM: u8 = 16;
const F_HIDDEN: u8 = 32;
/// Inside an element whose class or id says logo or brand.
const F_LOGO: u8 = 64;
/// Inside the page's `<header>` (or an element whose class or id says header).
const F_HEADER: u8 = 128;

/// What one pass over a page collects, before the signals shape it.
#[derive(Debug, Default)]
pub(crate) struct Extract {
    pub truncated: bool,
    pub tags: usize,
    pub title: String,
    pub body: String,
    pub headings: String,
    pub footer: String,
    pub prominent: String,
    pub script: String,
    pub style_text: String,
    /// `(name or property, content)` of `<meta>` tags, lower-cased keys.
    pub metas: Vec<(String, String)>,
    /// `(rel, href)` of `<link>` tags.
    pub links: Vec<(String, String)>,
    pub resources: Vec<String>,
    pub anchors: Vec<String>,
    pub form_actions: Vec<String>,
    pub base_href: Option<String>,
    pub password_inputs: usize,
    pub inputs: usize,
    pub forms: usize,
    /// Geometry hashes of inline SVG logos ([`crate::signals::marks`]).
    pub svg_logos: Vec<u64>,
    /// Sources of logo images.
    pub logo_images: Vec<String>,
}

/// The sketches that need a hash per tag, built while tokens stream by.
pub(crate) struct Streamed {
    pub structure: SketchBuilder,
    pub style: SketchBuilder,
}

struct Open {
    name: LocalName,
    hash: u64,
    flags: u8,
}

struct State<'l> {
    limits: &'l Limits,
    out: Extract,
    streamed: Streamed,
    stack: Vec<Open>,
    /// Open elements beyond `max_depth`, counted but not tracked.
    overflow: usize,
    /// The element whose raw text we are inside (script, style, title, …).
    raw: Option<LocalName>,
    /// The last few start tags in document order, for tag n-grams.
    recent: [u64; 4],
    stopped: bool,
    /// The inline SVG being read, and how many `<svg>` are open inside it.
    svg: Option<(SvgGeometry, usize)>,
    /// True once the header's first image or SVG has been seen.
    header_mark_seen: bool,
}

struct Sink<'l>(RefCell<State<'l>>);

/// Tokenizes `html` once and returns what every signal needs.
pub(crate) fn extract(html: &str, limits: &Limits, k: usize) -> (Extract, Streamed) {
    let mut state = State {
        limits,
        out: Extract::default(),
        streamed: Streamed {
            structure: SketchBuilder::new(k),
            style: SketchBuilder::new(k),
        },
        stack: Vec::new(),
        overflow: 0,
        raw: None,
        recent: [0; 4],
        stopped: false,
        svg: None,
        header_mark_seen: false,
    };
    // html5ever's duplicate-attribute check is quadratic in a tag's attributes: cut
    // lists past the limit before it sees them.
    let capped = crate::precap::cap_attributes(html, limits.max_attrs_per_tag);
    state.out.truncated |= capped.is_some();
    let tokenizer = Tokenizer::new(Sink(RefCell::new(state)), TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(capped.as_deref().unwrap_or(html).into());
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    let state = tokenizer.sink.0.into_inner();
    (state.out, state.streamed)
}

impl TokenSink for Sink<'_> {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut state = self.0.borrow_mut();
        if state.stopped {
            return TokenSinkResult::Continue;
        }
        match token {
            Token::TagToken(tag) => match tag.kind {
                TagKind::StartTag => state.start(tag.name, &tag.attrs, tag.self_closing),
                TagKind::EndTag => {
                    state.end(&tag.name);
                    TokenSinkResult::Continue
                }
            },
            Token::CharacterTokens(text) => {
                state.text(&text);
                TokenSinkResult::Continue
            }
            _ => TokenSinkResult::Continue,
        }
    }
}

fn is_void(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("area")
            | local_name!("base")
            | local_name!("br")
            | local_name!("col")
            | local_name!("embed")
            | local_name!("hr")
            | local_name!("img")
            | local_name!("input")
            | local_name!("link")
            | local_name!("meta")
            | local_name!("source")
            | local_name!("track")
            | local_name!("wbr")
            | local_name!("param")
            | local_name!("keygen")
    )
}

/// Start tags that close an open `<p>` (the HTML standard's list, abridged).
fn closes_p(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("address")
            | local_name!("article")
            | local_name!("aside")
            | local_name!("blockquote")
            | local_name!("div")
            | local_name!("dl")
            | local_name!("fieldset")
            | local_name!("footer")
            | local_name!("form")
            | local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
            | local_name!("header")
            | local_name!("hr")
            | local_name!("main")
            | local_name!("nav")
            | local_name!("ol")
            | local_name!("p")
            | local_name!("pre")
            | local_name!("section")
            | local_name!("table")
            | local_name!("ul")
            | local_name!("figure")
    )
}

fn is_heading(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
    )
}

fn is_block(name: &LocalName) -> bool {
    closes_p(name)
        || matches!(
            *name,
            local_name!("li") | local_name!("br") | local_name!("td") | local_name!("tr")
        )
}

/// Which open elements a start tag implicitly closes, besides `<p>`.
fn implied_close(new: &LocalName, top: &LocalName) -> bool {
    match *new {
        local_name!("li") => *top == local_name!("li"),
        local_name!("dt") | local_name!("dd") => {
            matches!(*top, local_name!("dt") | local_name!("dd"))
        }
        local_name!("option") => *top == local_name!("option"),
        local_name!("optgroup") => {
            matches!(*top, local_name!("option") | local_name!("optgroup"))
        }
        local_name!("tr") => matches!(
            *top,
            local_name!("td") | local_name!("th") | local_name!("tr")
        ),
        local_name!("td") | local_name!("th") => {
            matches!(*top, local_name!("td") | local_name!("th"))
        }
        _ => is_heading(new) && is_heading(top),
    }
}

fn push_bounded(s: &mut String, text: &str, cap: usize) -> bool {
    if s.len() >= cap {
        return false;
    }
    let room = cap - s.len();
    if text.len() <= room {
        s.push_str(text);
        true
    } else {
        let mut end = room;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        s.push_str(text.get(..end).unwrap_or_default());
        false
    }
}

impl State<'_> {
    fn flags(&self) -> u8 {
        self.stack.last().map_or(0, |o| o.flags)
    }

    fn start(
        &mut self,
        name: LocalName,
        attrs: &[html5ever::Attribute],
        self_closing: bool,
    ) -> TokenSinkResult<()> {
        self.out.tags += 1;
        if self.out.tags > self.limits.max_tags {
            self.out.truncated = true;
            self.stopped = true;
            return TokenSinkResult::Continue;
        }
        while let Some(top) = self.stack.last() {
            let p_closed = top.name == local_name!("p") && closes_p(&name);
            if p_closed || implied_close(&name, &top.name) {
                self.stack.pop();
            } else {
                break;
            }
        }
        let hash = self.structure(&name);
        let mut flags = self.flags() | self.element_flags(&name, attrs);
        if attrs.len() > self.limits.max_attrs_per_tag {
            self.out.truncated = true;
        }
        let attrs = attrs
            .get(..attrs.len().min(self.limits.max_attrs_per_tag))
            .unwrap_or_default();
        if attrs.iter().any(|a| a.name.local == local_name!("hidden")) {
            flags |= F_HIDDEN;
        }
        self.attributes(&name, attrs, flags);
        self.marks(&name, attrs, flags, self_closing);
        if is_block(&name) {
            self.out.body.push('\n');
        }
        let raw = match name {
            local_name!("script") => Some(RawKind::ScriptData),
            local_name!("style")
            | local_name!("xmp")
            | local_name!("iframe")
            | local_name!("noembed")
            | local_name!("noframes")
            | local_name!("noscript") => Some(RawKind::Rawtext),
            local_name!("title") | local_name!("textarea") => Some(RawKind::Rcdata),
            local_name!("plaintext") => return TokenSinkResult::Plaintext,
            _ => None,
        };
        if let Some(kind) = raw {
            if !self_closing {
                self.raw = Some(name);
                return TokenSinkResult::RawData(kind);
            }
            return TokenSinkResult::Continue;
        }
        if is_void(&name) || self_closing {
            return TokenSinkResult::Continue;
        }
        if self.stack.len() >= self.limits.max_depth {
            self.overflow += 1;
            self.out.truncated = true;
        } else {
            self.stack.push(Open { name, hash, flags });
        }
        TokenSinkResult::Continue
    }

    /// Logo images, and inline SVGs read for their geometry.
    fn marks(
        &mut self,
        name: &LocalName,
        attrs: &[html5ever::Attribute],
        flags: u8,
        self_closing: bool,
    ) {
        let get = |key: LocalName| {
            attrs
                .iter()
                .find(|a| a.name.local == key)
                .map(|a| &*a.value)
        };
        let says = |keys: &[LocalName]| keys.iter().any(|k| get(k.clone()).is_some_and(says_logo));
        let first_in_header = flags & F_HEADER != 0 && !self.header_mark_seen;
        if *name == local_name!("svg") {
            if let Some((_, open)) = self.svg.as_mut() {
                *open += usize::from(!self_closing);
                return;
            }
            if self_closing || self.out.svg_logos.len() >= MAX_MARKS {
                return;
            }
            let logo = flags & F_LOGO != 0
                || says(&[
                    local_name!("class"),
                    local_name!("id"),
                    local_name!("aria-label"),
                ])
                || first_in_header;
            self.header_mark_seen |= flags & F_HEADER != 0;
            self.svg = Some((SvgGeometry::new(logo), 1));
            return;
        }
        if let Some((geometry, _)) = self.svg.as_mut() {
            // Only a logo's geometry is worth its cost: icon sprites and charts are long.
            if geometry.logo {
                geometry.add(name, attrs.iter().map(|a| (&*a.name.local, &*a.value)));
            }
            return;
        }
        if *name == local_name!("img") {
            let Some(src) = get(local_name!("src"))
                .map(str::trim)
                .filter(|s| !s.is_empty())
            else {
                return;
            };
            let file = src.split(['?', '#']).next().unwrap_or("");
            let file = file.rsplit('/').next().unwrap_or(file);
            let logo = flags & F_LOGO != 0
                || says(&[local_name!("class"), local_name!("id"), local_name!("alt")])
                || says_logo(file)
                || first_in_header;
            self.header_mark_seen |= flags & F_HEADER != 0;
            if logo && self.out.logo_images.len() < MAX_MARKS {
                self.out.logo_images.push(src.chars().take(2048).collect());
            }
        }
    }

    fn element_flags(&self, name: &LocalName, attrs: &[html5ever::Attribute]) -> u8 {
        let mut flags = match *name {
            local_name!("head") => F_HEAD,
            local_name!("footer") => F_FOOTER,
            local_name!("label") | local_name!("button") | local_name!("legend") => F_PROMINENT,
            local_name!("form") => F_FORM,
            local_name!("template") => F_HIDDEN,
            local_name!("header") => F_HEADER,
            _ if is_heading(name) => F_HEADING,
            _ => 0,
        };
        // One pass over each class and id for the words that flag an element.
        let footer_words = matches!(
            *name,
            local_name!("div") | local_name!("section") | local_name!("p")
        );
        for a in attrs.iter().take(self.limits.max_attrs_per_tag) {
            if matches!(a.name.local, local_name!("class") | local_name!("id")) {
                let words = flag_words(&a.value);
                flags |= words & (F_LOGO | F_HEADER);
                if footer_words {
                    flags |= words & F_FOOTER;
                }
            }
        }
        flags
    }

    /// Feeds the structure sketch; returns the tag's hash for the stack.
    fn structure(&mut self, name: &LocalName) -> u64 {
        let tag = structure::tag(name);
        let ancestors = self.stack.iter().rev().map(|o| o.hash);
        self.streamed
            .structure
            .push(structure::path(tag, ancestors));
        self.recent = [self.recent[1], self.recent[2], self.recent[3], tag];
        self.streamed.structure.push(structure::gram(&self.recent));
        tag
    }

    fn attributes(&mut self, name: &LocalName, attrs: &[html5ever::Attribute], flags: u8) {
        let items = self.limits.max_items.saturating_mul(4);
        let get = |key: LocalName| {
            attrs
                .iter()
                .find(|a| a.name.local == key)
                .map(|a| &*a.value)
        };
        for a in attrs {
            match a.name.local {
                local_name!("class") => {
                    for token in a.value.split_ascii_whitespace() {
                        self.streamed.style.push(style::class_token(token));
                    }
                }
                local_name!("id") => self.streamed.style.push(style::id_token(&a.value)),
                local_name!("style") => {
                    push_bounded(
                        &mut self.out.style_text,
                        &a.value,
                        self.limits.max_script_bytes,
                    );
                    self.out.style_text.push('\n');
                }
                local_name!("alt") | local_name!("aria-label") if flags & F_HIDDEN == 0 => {
                    push_visible(
                        &mut self.out.prominent,
                        &a.value,
                        self.limits.max_text_bytes / 8,
                        false,
                    );
                    self.out.prominent.push('\n');
                }
                _ => {}
            }
        }
        let push_list = |list: &mut Vec<String>, v: &str| {
            if list.len() < items && !v.trim().is_empty() {
                list.push(v.trim().chars().take(2048).collect());
            }
        };
        match *name {
            local_name!("a") | local_name!("area") => {
                if let Some(href) = get(local_name!("href")) {
                    push_list(&mut self.out.anchors, href);
                }
            }
            local_name!("link") => {
                let rel = get(local_name!("rel")).unwrap_or("").to_ascii_lowercase();
                if let Some(href) = get(local_name!("href")) {
                    if self.out.links.len() < items {
                        self.out
                            .links
                            .push((rel.clone(), href.trim().chars().take(2048).collect()));
                    }
                    if rel.contains("stylesheet") || rel.contains("icon") || rel.contains("preload")
                    {
                        push_list(&mut self.out.resources, href);
                    }
                }
            }
            local_name!("meta") => {
                let key = get(local_name!("property"))
                    .or_else(|| get(local_name!("name")))
                    .or_else(|| get(local_name!("itemprop")));
                if let (Some(key), Some(content)) = (key, get(local_name!("content"))) {
                    if self.out.metas.len() < items {
                        self.out.metas.push((
                            key.to_ascii_lowercase(),
                            content.chars().take(512).collect(),
                        ));
                    }
                }
            }
            local_name!("form") => {
                self.out.forms += 1;
                if let Some(action) = get(local_name!("action")) {
                    push_list(&mut self.out.form_actions, action);
                }
            }
            local_name!("input") => {
                self.out.inputs += 1;
                let kind = get(local_name!("type")).unwrap_or("").to_ascii_lowercase();
                if kind == "password" {
                    self.out.password_inputs += 1;
                }
                if kind == "image" {
                    if let Some(src) = get(local_name!("src")) {
                        push_list(&mut self.out.resources, src);
                    }
                }
            }
            local_name!("base") => {
                if self.out.base_href.is_none() {
                    self.out.base_href = get(local_name!("href")).map(str::to_owned);
                }
            }
            _ => {
                for key in [
                    local_name!("src"),
                    local_name!("data"),
                    local_name!("poster"),
                ] {
                    if let Some(v) = get(key) {
                        push_list(&mut self.out.resources, v);
                    }
                }
                if let Some(srcset) = get(local_name!("srcset")) {
                    if let Some(first) = srcset.split_whitespace().next() {
                        push_list(&mut self.out.resources, first);
                    }
                }
            }
        }
    }

    fn end(&mut self, name: &LocalName) {
        if *name == local_name!("svg") {
            if let Some((_, open)) = self.svg.as_mut() {
                *open -= 1;
                if *open == 0 {
                    if let Some((geometry, _)) = self.svg.take() {
                        let logo = geometry.logo;
                        if let Some(hash) = geometry.finish().filter(|_| logo) {
                            self.out.svg_logos.push(hash);
                        }
                    }
                }
            }
        }
        if self.raw.as_ref() == Some(name) {
            self.raw = None;
            if *name == local_name!("script") {
                self.out.script.push('\n');
            }
            return;
        }
        if is_block(name) {
            self.out.body.push('\n');
        }
        if self.overflow > 0 {
            self.overflow -= 1;
            return;
        }
        // Close the nearest open element of that name, if it is near the top.
        let found = self
            .stack
            .iter()
            .rev()
            .take(32)
            .position(|o| o.name == *name);
        if let Some(pos) = found {
            let keep = self.stack.len() - pos - 1;
            self.stack.truncate(keep);
        }
    }

    fn text(&mut self, text: &str) {
        let limits = self.limits;
        match &self.raw {
            Some(raw) if *raw == local_name!("title") => {
                push_visible(&mut self.out.title, text, 512, false);
                return;
            }
            Some(raw) if *raw == local_name!("script") => {
                if !push_bounded(&mut self.out.script, text, limits.max_script_bytes) {
                    self.out.truncated = true;
                }
                return;
            }
            Some(raw) if *raw == local_name!("style") => {
                push_bounded(&mut self.out.style_text, text, limits.max_script_bytes);
                return;
            }
            Some(raw) if *raw != local_name!("textarea") => return,
            _ => {}
        }
        let flags = self.flags();
        if flags & (F_HEAD | F_HIDDEN) != 0 {
            return;
        }
        let zone = if flags & F_HEADING != 0 {
            Zone::Heading
        } else if flags & F_FOOTER != 0 {
            Zone::Footer
        } else if flags & F_PROMINENT != 0 {
            Zone::Prominent
        } else {
            Zone::Body
        };
        let small = limits.max_text_bytes / 8;
        match zone {
            Zone::Heading => {
                push_visible(&mut self.out.headings, text, small, true);
            }
            Zone::Footer => {
                push_visible(&mut self.out.footer, text, small, true);
            }
            Zone::Prominent => {
                push_visible(&mut self.out.prominent, text, small, true);
            }
            Zone::Body => {}
        }
        if !push_visible(&mut self.out.body, text, limits.max_text_bytes, true) {
            self.out.truncated = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(html: &str) -> Extract {
        extract(html, &Limits::default(), 64).0
    }

    #[test]
    fn visible_text_and_zones() {
        let e = run(
            "<html><head><title>Acme | Home</title><script>var x='hidden';</script>\
            <style>p{}</style></head><body><h1>Welcome</h1><p>Hello <b>world</b></p>\
            <template><p>not shown</p></template><footer>© 2024 Acme Inc.</footer>\
            <button>Sign in</button><img alt='Acme logo' src='/img/logo.png'></body></html>",
        );
        assert_eq!(e.title, "Acme | Home");
        assert!(e.body.contains("Hello world"), "{:?}", e.body);
        assert!(!e.body.contains("hidden") && !e.body.contains("not shown"));
        assert!(e.headings.contains("Welcome"));
        assert!(e.footer.contains("© 2024 Acme Inc."));
        assert!(e.prominent.contains("Sign in") && e.prominent.contains("Acme logo"));
        assert!(e.script.contains("var x"));
        assert_eq!(e.resources, vec!["/img/logo.png"]);
    }

    #[test]
    fn attributes_are_collected() {
        let e = run(
            "<meta property='og:site_name' content='Acme'><link rel=canonical href='https://acme.com/'>\
            <link rel='shortcut icon' href='/favicon.ico'><a href='https://acme.com/about'>x</a>\
            <form action='/login.php'><input type=password></form>",
        );
        assert_eq!(
            e.metas,
            vec![("og:site_name".to_owned(), "Acme".to_owned())]
        );
        assert_eq!(e.links.len(), 2);
        assert_eq!(e.anchors, vec!["https://acme.com/about"]);
        assert_eq!(e.form_actions, vec!["/login.php"]);
        assert_eq!(e.password_inputs, 1);
    }

    #[test]
    fn class_words_flag_elements() {
        let cases = [
            ("site-Logo", F_LOGO),
            ("navbar-brand x", F_LOGO),
            ("page-header", F_HEADER),
            ("Footer copyright", F_FOOTER),
            ("logo header", F_LOGO | F_HEADER),
            ("log head foot", 0),
            ("", 0),
        ];
        for (value, want) in cases {
            assert_eq!(flag_words(value), want, "{value}");
        }
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let html = "<div>".repeat(200_000);
        let limits = Limits::default().with_max_depth(100);
        let (e, _) = extract(&html, &limits, 64);
        assert!(e.truncated);
        assert_eq!(e.tags, 200_000);
    }

    #[test]
    fn tag_limit_stops_reading() {
        let limits = Limits::default().with_max_tags(10);
        let (e, _) = extract(&"<span>x</span>".repeat(100), &limits, 64);
        assert!(e.truncated);
        assert_eq!(e.tags, 11);
    }
}
