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
use html5ever::{LocalName, TokenizerResult, local_name};

use crate::Limits;

use crate::sketch::SketchBuilder;
use crate::visible::push_visible;
use raw::{fast_raw, normalized, raw_end};
use svg::{MAX_MARKS, SvgGeometry, says_logo};
use tags::{closes_p, implied_close, is_block, is_heading, is_void};

mod attrs;
mod hashes;
mod raw;
mod svg;
mod tags;
#[cfg(test)]
mod tests;

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
    /// What the page loads and shows as its own: stylesheets, icons, images, media.
    pub resources: Vec<String>,
    /// What the page runs or points at: the sources of scripts, frames and embedded
    /// objects (a widget, an SDK, a player), and of images in its footer or on a link
    /// leading away unless a logo or header element holds them (a store badge, a
    /// social or payment icon). Read apart from [`Extract::resources`]: using a firm's
    /// service, or pointing at it, is not wearing its look.
    pub embeds: Vec<String>,
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
    /// The text of forms that ask for a password ([`FormText`]), a line per form.
    pub credential_forms: String,
}

/// Bytes kept of one form's text, and of all credential forms' text together.
const FORM_TEXT_BYTES: usize = 512;
const CREDENTIAL_FORMS_BYTES: usize = 1024;

/// The form being read: what it says (its visible text, placeholders, labels and
/// button values) and whether it asks for a password (an `<input type=password>`, or
/// an input whose name or id says password, as kits write them to dodge password
/// managers).
#[derive(Default)]
struct FormText {
    text: String,
    credential: bool,
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
    /// Inside a link to an absolute URL: a label there (an icon's `alt`, an
    /// `aria-label`) names where the link goes ("Facebook" on a share button), not
    /// the page.
    away: bool,
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
    /// The form being read, from its start tag to its end tag (forms do not nest: a
    /// `<form>` inside one starts the next).
    form: Option<FormText>,
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
        form: None,
    };
    // html5ever's duplicate-attribute check is quadratic in a tag's attributes: cut
    // lists past the limit before it sees them.
    let capped = crate::precap::cap_attributes(html, limits.max_attrs_per_tag);
    state.out.truncated |= capped.is_some();
    let tokenizer = Tokenizer::new(Sink(RefCell::new(state)), TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(capped.as_deref().unwrap_or(html).into());
    // The sink suspends the tokenizer after the start tag of a raw-text element whose
    // text is read in one piece ([`fast_raw`]); its text is taken from the queue here,
    // and the tokenizer goes on from the end tag.
    while let TokenizerResult::Script(()) = tokenizer.feed(&queue) {
        let mut state = tokenizer.sink.0.borrow_mut();
        let Some(name) = state.raw.clone() else {
            continue;
        };
        while let Some(mut chunk) = queue.pop_front() {
            match raw_end(&chunk, &name) {
                Some(end) => {
                    state.text(&normalized(chunk.get(..end).unwrap_or_default()));
                    chunk.pop_front(end as u32);
                    queue.push_front(chunk);
                    break;
                }
                None => state.text(&normalized(&chunk)),
            }
        }
    }
    tokenizer.end();
    let mut state = tokenizer.sink.0.into_inner();
    state.finish_form();
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

/// An absolute (`https://…`) or scheme-relative (`//…`) URL: one that may lead away
/// from the site.
fn is_absolute(url: &str) -> bool {
    let url = url.trim_start().as_bytes();
    url.starts_with(b"//")
        || ["http://", "https://"].iter().any(|scheme| {
            url.get(..scheme.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(scheme.as_bytes()))
        })
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

    /// Ends the form being read: its text is kept when it asks for a password.
    fn finish_form(&mut self) {
        if let Some(form) = self.form.take().filter(|f| f.credential) {
            let text = form.text.trim();
            if !text.is_empty() {
                push_bounded(&mut self.out.credential_forms, text, CREDENTIAL_FORMS_BYTES);
                push_bounded(&mut self.out.credential_forms, "\n", CREDENTIAL_FORMS_BYTES);
            }
        }
    }

    /// Adds `text` to the form being read, if any.
    fn form_text(&mut self, text: &str) {
        if let Some(form) = self.form.as_mut() {
            push_visible(&mut form.text, text, FORM_TEXT_BYTES, true);
            push_visible(&mut form.text, "\n", FORM_TEXT_BYTES, true);
        }
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
        if name == local_name!("form") {
            self.finish_form();
            self.form = Some(FormText::default());
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
        let away = self.stack.last().is_some_and(|o| o.away)
            || (name == local_name!("a")
                && attrs::attr(attrs, local_name!("href")).is_some_and(is_absolute));
        self.attributes(&name, attrs, flags, away);
        self.marks(&name, attrs, flags, away, self_closing);
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
                let fast = fast_raw(&name);
                self.raw = Some(name);
                return if fast {
                    TokenSinkResult::Script(())
                } else {
                    TokenSinkResult::RawData(kind)
                };
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
            self.stack.push(Open {
                name,
                hash,
                flags,
                away,
            });
        }
        TokenSinkResult::Continue
    }

    /// Feeds the structure sketch; returns the tag's hash for the stack.
    fn structure(&mut self, name: &LocalName) -> u64 {
        let tag = hashes::tag(name);
        let ancestors = self.stack.iter().rev().map(|o| o.hash);
        self.streamed.structure.push(hashes::path(tag, ancestors));
        self.recent = [self.recent[1], self.recent[2], self.recent[3], tag];
        self.streamed.structure.push(hashes::gram(&self.recent));
        tag
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
        if *name == local_name!("form") {
            self.finish_form();
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
        self.form_text(text);
        if !push_visible(&mut self.out.body, text, limits.max_text_bytes, true) {
            self.out.truncated = true;
        }
    }
}
