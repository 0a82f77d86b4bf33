//! A linear pre-pass that cuts the attribute lists of tags with more attributes than
//! [`crate::Limits::max_attrs_per_tag`] before html5ever's tokenizer sees them.
//!
//! html5ever checks every new attribute against all earlier ones of the same tag for a
//! duplicate name, which is quadratic: one tag with 40,000 attributes takes 0.9 s, one
//! with a million would take minutes. The pass follows the tokenizer's states closely
//! enough (tags, quoted and unquoted values, comments and bogus comments, the raw-text
//! elements our tokenizer sink switches into) that whatever the tokenizer will read as
//! one tag's attributes, it counts too. Where the two could disagree (script data's
//! escape states), this pass ends the raw text earlier than the tokenizer, so it may
//! count attributes in what is really script text — it never misses a real tag.

/// Raw-text elements whose content the tokenizer reads as text (see `parse/mod.rs`).
const RAW: [&[u8]; 10] = [
    b"script",
    b"style",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"noscript",
    b"title",
    b"textarea",
    b"plaintext",
];

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

fn at(b: &[u8], i: usize) -> Option<u8> {
    b.get(i).copied()
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay.get(from..)?, needle).map(|p| p + from)
}

fn find_byte(hay: &[u8], from: usize, b: u8) -> Option<usize> {
    memchr::memchr(b, hay.get(from..)?).map(|p| p + from)
}

/// Where a raw-text element named `name` ends: the next `</name` in any case.
fn raw_end(b: &[u8], from: usize, name: &[u8]) -> usize {
    let mut i = from;
    while let Some(p) = find(b, i, b"</") {
        let end = p + 2 + name.len();
        if b.get(p + 2..end)
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
        {
            return p;
        }
        i = p + 2;
    }
    b.len()
}

/// Where a comment whose text starts at `body` ends: after whichever of `-->` and
/// `--!>` comes first (the one that starts first also ends first), or at the end of
/// the input. One pass over the `--` runs: searching the rest of the page for each
/// ending at every comment would be quadratic in the number of comments.
fn comment_end(b: &[u8], body: usize) -> usize {
    let mut from = body;
    while let Some(p) = find(b, from, b"--") {
        match b.get(p + 2) {
            Some(b'>') => return p + 3,
            Some(b'!') if b.get(p + 3) == Some(&b'>') => return p + 4,
            _ => from = p + 1,
        }
    }
    b.len()
}

/// Returns `html` with the attributes past the first `max` of every tag removed, or
/// `None` when no tag has more than `max`.
pub(crate) fn cap_attributes(html: &str, max: usize) -> Option<String> {
    let b = html.as_bytes();
    let n = b.len();
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(lt) = find_byte(b, i, b'<') {
        i = lt + 1;
        match b.get(i).copied() {
            Some(b'!') if b.get(i + 1..i + 3) == Some(b"--") => {
                let body = i + 3;
                i = if b.get(body) == Some(&b'>') {
                    body + 1
                } else if b.get(body..body + 2) == Some(b"->") {
                    body + 2
                } else {
                    comment_end(b, body)
                };
            }
            Some(b'!' | b'?') => i = find_byte(b, i, b'>').map_or(n, |p| p + 1),
            Some(b'/') if b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) => {
                i = tag(b, i + 1, max, &mut cuts).0;
            }
            Some(b'/') => i = find_byte(b, i, b'>').map_or(n, |p| p + 1),
            Some(c) if c.is_ascii_alphabetic() => {
                let (end, name, self_closing) = tag(b, i, max, &mut cuts);
                i = end;
                let raw = RAW.iter().find(|r| name.eq_ignore_ascii_case(r));
                if let Some(raw) = raw.filter(|_| !self_closing) {
                    i = if *raw == b"plaintext" {
                        n
                    } else {
                        raw_end(b, i, raw)
                    };
                }
            }
            _ => {}
        }
    }
    if cuts.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(n);
    let mut at = 0;
    for (start, end) in cuts {
        out.push_str(html.get(at..start)?);
        at = end;
    }
    out.push_str(html.get(at..)?);
    Some(out)
}

/// Reads one tag from its name at `i`; returns where it ends, its name and whether it
/// closed with `/>`. Attributes past the `max`-th are recorded in `cuts`.
fn tag<'a>(
    b: &'a [u8],
    mut i: usize,
    max: usize,
    cuts: &mut Vec<(usize, usize)>,
) -> (usize, &'a [u8], bool) {
    let n = b.len();
    let name_start = i;
    while at(b, i).is_some_and(|c| !is_space(c) && c != b'/' && c != b'>') {
        i += 1;
    }
    let name = b.get(name_start..i).unwrap_or_default();
    let mut count = 0usize;
    let mut cut_from = None;
    let mut slash = false;
    loop {
        while let Some(c) = at(b, i).filter(|&c| is_space(c) || c == b'/') {
            slash = c == b'/';
            i += 1;
        }
        match b.get(i) {
            None => break,
            Some(b'>') => {
                if let Some(from) = cut_from {
                    cuts.push((from, i));
                }
                return (i + 1, name, slash);
            }
            Some(_) => {}
        }
        slash = false;
        count += 1;
        if count == max + 1 {
            cut_from = Some(i);
        }
        // The name: its first character whatever it is, then up to a separator.
        i += 1;
        while at(b, i).is_some_and(|c| !is_space(c) && !matches!(c, b'/' | b'>' | b'=')) {
            i += 1;
        }
        while at(b, i).is_some_and(is_space) {
            i += 1;
        }
        if b.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while at(b, i).is_some_and(is_space) {
            i += 1;
        }
        match b.get(i).copied() {
            Some(q @ (b'"' | b'\'')) => i = find_byte(b, i + 1, q).map_or(n, |p| p + 1),
            _ => {
                while at(b, i).is_some_and(|c| !is_space(c) && c != b'>') {
                    i += 1;
                }
            }
        }
    }
    if let Some(from) = cut_from {
        cuts.push((from, n));
    }
    (n, name, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_only_what_is_past_the_limit() {
        assert_eq!(cap_attributes("<a x=1 y=2>t</a>", 2), None);
        assert_eq!(
            cap_attributes("<a x=1 y='2 >' z w=\"4\">t</a><b>", 2).as_deref(),
            Some("<a x=1 y='2 >' >t</a><b>")
        );
        // Inside comments, scripts and quoted values nothing is a tag.
        assert_eq!(cap_attributes("<!-- <a x y z> --><p>", 2), None);
        assert_eq!(
            cap_attributes("<script>if (a<b x y z) {}</script><p>", 2),
            None
        );
        assert_eq!(cap_attributes("<title><a x y z></title>", 2), None);
        // Abruptly closed comments end where the tokenizer ends them.
        assert_eq!(
            cap_attributes("<!--><a x y z>", 2).as_deref(),
            Some("<!--><a x y >")
        );
        // Unterminated tags are cut to the end.
        assert_eq!(cap_attributes("<a x y z w", 2).as_deref(), Some("<a x y "));
        // Non-ASCII text around tags survives intact.
        assert_eq!(
            cap_attributes("é<a x y z>ü", 1).as_deref(),
            Some("é<a x >ü")
        );
    }

    /// Each comment once searched the rest of the page for the ending it did not have:
    /// 400,000 comments (4 MB) ending in `-->` took 37 s, ending in `--!>` minutes. The
    /// tag after them is still read and capped.
    #[test]
    fn a_page_of_comments_is_linear() {
        for comment in ["<!-- c -->", "<!-- c --!>", "<!-- c ---->"] {
            let html = format!("<p>{}<a x y z>", comment.repeat(400_000));
            let start = std::time::Instant::now();
            let capped = cap_attributes(&html, 2).unwrap();
            assert!(
                start.elapsed() < std::time::Duration::from_secs(5),
                "{comment}"
            );
            assert!(capped.ends_with(&format!("{comment}<a x y >")), "{comment}");
        }
        // A `--!>` before the next `-->` still ends a comment there.
        assert_eq!(
            cap_attributes("<!-- a --!><b x y z>--><p>", 2).as_deref(),
            Some("<!-- a --!><b x y >--><p>")
        );
    }

    #[test]
    fn a_million_attributes_is_linear() {
        let html = format!("<div {}>x</div>", "a=1 ".repeat(1_000_000));
        let start = std::time::Instant::now();
        let capped = cap_attributes(&html, 64).unwrap();
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
        assert!(capped.len() < 1000);
    }
}
