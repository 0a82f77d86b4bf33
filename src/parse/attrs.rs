//! What a start tag's attributes give: zone flags from class and id words, links,
//! resources, form actions, metas, the style tokens, and brand marks (logo images and
//! inline SVGs read for their geometry).

use crate::normalize::first_chars;
use html5ever::{LocalName, local_name};

use super::*;

/// The flags a class or id's words give, found in one pass (a hot path: every
/// element's attributes): `logo` or `brand` give [`F_LOGO`], `header` [`F_HEADER`],
/// `footer` or `copyright` [`F_FOOTER`], in any case and anywhere in the value.
pub(super) fn flag_words(value: &str) -> u8 {
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

/// True where what an element shows is the page's own: not in its footer (partners,
/// "from" a parent firm, payment icons) nor on a link leading away unless a logo or
/// header element holds it (a social icon or a store badge names where its link goes;
/// a logo linking back to its brand is still the page's mark).
fn shown_as_own(flags: u8, away: bool) -> bool {
    flags & F_FOOTER == 0 && (!away || flags & (F_LOGO | F_HEADER) != 0)
}

impl State<'_> {
    /// Logo images, and inline SVGs read for their geometry: the page's own marks
    /// ([`shown_as_own`]), as for labels.
    pub(super) fn marks(
        &mut self,
        name: &LocalName,
        attrs: &[html5ever::Attribute],
        flags: u8,
        away: bool,
        self_closing: bool,
    ) {
        let get = |key: LocalName| attr(attrs, key);
        let says = |keys: &[LocalName]| keys.iter().any(|k| get(k.clone()).is_some_and(says_logo));
        let first_in_header = flags & F_HEADER != 0 && !self.header_mark_seen;
        let own = shown_as_own(flags, away);
        if *name == local_name!("svg") {
            if let Some((_, open)) = self.svg.as_mut() {
                *open += usize::from(!self_closing);
                return;
            }
            if self_closing || self.out.svg_logos.len() >= MAX_MARKS {
                return;
            }
            let logo = own
                && (flags & F_LOGO != 0
                    || says(&[
                        local_name!("class"),
                        local_name!("id"),
                        local_name!("aria-label"),
                    ])
                    || first_in_header);
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
            let logo = own
                && (flags & F_LOGO != 0
                    || says(&[local_name!("class"), local_name!("id"), local_name!("alt")])
                    || says_logo(file)
                    || first_in_header);
            self.header_mark_seen |= flags & F_HEADER != 0;
            if logo && self.out.logo_images.len() < MAX_MARKS {
                self.out.logo_images.push(first_chars(src, 2048).to_owned());
            }
        }
    }

    /// What an element inside a form adds to the form's text (placeholders, labels,
    /// image text, the words on its buttons), and whether it is a password field.
    fn form_attributes(&mut self, name: &LocalName, attrs: &[html5ever::Attribute]) {
        let get = |key: LocalName| attr(attrs, key);
        let input = *name == local_name!("input");
        let kind = get(local_name!("type")).unwrap_or("");
        if input && kind.eq_ignore_ascii_case("hidden") {
            return;
        }
        if input
            && (kind.eq_ignore_ascii_case("password")
                || [local_name!("name"), local_name!("id")]
                    .into_iter()
                    .any(|k| get(k).is_some_and(names_password)))
        {
            if let Some(form) = self.form.as_mut() {
                form.credential = true;
            }
        }
        // What the form shows: not its tooltips (`title`), which a site's own login
        // uses for small print ("… for your WordPress account …").
        for key in [
            local_name!("placeholder"),
            local_name!("aria-label"),
            local_name!("alt"),
        ] {
            if let Some(v) = get(key) {
                self.form_text(v);
            }
        }
        let button = ["submit", "button", "reset"]
            .iter()
            .any(|b| kind.eq_ignore_ascii_case(b));
        if input && button {
            if let Some(v) = get(local_name!("value")) {
                self.form_text(v);
            }
        }
    }

    pub(super) fn element_flags(&self, name: &LocalName, attrs: &[html5ever::Attribute]) -> u8 {
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

    pub(super) fn attributes(
        &mut self,
        name: &LocalName,
        attrs: &[html5ever::Attribute],
        flags: u8,
        away: bool,
    ) {
        let items = self.limits.max_items.saturating_mul(4);
        let get = |key: LocalName| attr(attrs, key);
        for a in attrs {
            match a.name.local {
                local_name!("class") => {
                    for token in a.value.split_ascii_whitespace() {
                        self.streamed.style.push(hashes::class_token(token));
                    }
                }
                local_name!("id") => self.streamed.style.push(hashes::id_token(&a.value)),
                local_name!("style") => {
                    push_bounded(
                        &mut self.out.style_text,
                        &a.value,
                        self.limits.max_script_bytes,
                    );
                    self.out.style_text.push('\n');
                }
                local_name!("alt") | local_name!("aria-label") if flags & F_HIDDEN == 0 => {
                    // A label names the page where the page names itself: not in its
                    // footer (social icons, partner badges), nor on a link leading away
                    // unless it says logo or stands in the header.
                    let zone = if away && flags & (F_LOGO | F_HEADER) == 0 {
                        continue;
                    } else if flags & F_FOOTER != 0 {
                        &mut self.out.footer
                    } else {
                        &mut self.out.prominent
                    };
                    push_visible(zone, &a.value, self.limits.max_text_bytes / 8, false);
                    zone.push('\n');
                }
                _ => {}
            }
        }
        if self.form.is_some() && flags & F_HIDDEN == 0 {
            self.form_attributes(name, attrs);
        }
        let push_list = |list: &mut Vec<String>, v: &str| {
            if list.len() < items && !v.trim().is_empty() {
                list.push(first_chars(v.trim(), 2048).to_owned());
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
                            .push((rel.clone(), first_chars(href.trim(), 2048).to_owned()));
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
                            first_chars(content, 512).to_owned(),
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
                // What the page runs, or shows where it points elsewhere, is read
                // apart from what it wears.
                let runs = matches!(
                    *name,
                    local_name!("script")
                        | local_name!("iframe")
                        | local_name!("frame")
                        | local_name!("embed")
                        | local_name!("object")
                );
                let list = if runs || !shown_as_own(flags, away) {
                    &mut self.out.embeds
                } else {
                    &mut self.out.resources
                };
                for key in [
                    local_name!("src"),
                    local_name!("data"),
                    local_name!("poster"),
                ] {
                    if let Some(v) = get(key) {
                        push_list(list, v);
                    }
                }
                if let Some(srcset) = get(local_name!("srcset")) {
                    if let Some(first) = srcset.split_whitespace().next() {
                        push_list(list, first);
                    }
                }
            }
        }
    }
}

/// True when a field's `name` or `id` calls it a password (`password`, `pass`,
/// `passwd`, `pwd`, `passcode`, as a word: `login[password]`, `text_password`).
pub(super) fn names_password(value: &str) -> bool {
    value.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
        ["password", "pass", "passwd", "pwd", "passcode"]
            .iter()
            .any(|p| w.eq_ignore_ascii_case(p))
    })
}

/// The value of the attribute `key` among `attrs`, if any.
pub(super) fn attr(attrs: &[html5ever::Attribute], key: LocalName) -> Option<&str> {
    attrs
        .iter()
        .find(|a| a.name.local == key)
        .map(|a| &*a.value)
}
