//! Text as a person sees it, before any bound cuts it.
//!
//! Every text zone a page fingerprint keeps (title, headings, footer, body, `alt`) has a
//! byte bound. Were the bound applied to raw text, an attacker could pad a zone with
//! whitespace or invisible characters (600 spaces before a title, zero-width spaces
//! inside a name) that a browser never shows, and push the visible text past the cut or
//! split a brand's name into pieces. So runs of whitespace are collapsed to one
//! separator and invisible characters are dropped *before* the bound applies, and the
//! visible start of the zone is what is kept.

/// Characters that render as nothing: format controls (zero-width space and joiners,
/// bidirectional marks and overrides, word joiner, BOM), the soft hyphen, variation
/// selectors, the Mongolian vowel separator, tag characters and C0/C1 controls.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{E}'..='\u{1F}' | '\u{7F}'..='\u{84}' | '\u{86}'..='\u{9F}'
        | '\u{AD}' | '\u{34F}' | '\u{61C}' | '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}'
        | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E007F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Characters that render as blank space: Unicode whitespace and the Hangul and
/// Braille blanks.
fn is_blank(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{2800}'
        )
}

/// Appends `text` to `s` as it is seen: each run of blanks becomes one separator (a
/// newline when `lines` is set and the run holds one, else a space; none at the start
/// of `s`), invisible characters are dropped, and `s` stops growing at `cap` bytes.
/// Returns false when the cap cut the text.
pub(crate) fn push_visible(s: &mut String, text: &str, cap: usize, lines: bool) -> bool {
    if text.is_ascii() {
        return push_visible_ascii(s, text, cap, lines);
    }
    push_visible_chars(s, text, cap, lines)
}

/// [`push_visible`] for any text, a character at a time.
fn push_visible_chars(s: &mut String, text: &str, cap: usize, lines: bool) -> bool {
    let mut rest = text;
    while !rest.is_empty() {
        let gap = rest.find(|c: char| !is_blank(c)).unwrap_or(rest.len());
        let (blank, tail) = rest.split_at(gap);
        if !blank.is_empty() && !separate(s, lines && blank.contains('\n'), cap) {
            return false;
        }
        let end = tail.find(is_blank).unwrap_or(tail.len());
        let (word, after) = tail.split_at(end);
        rest = after;
        if !word.chars().any(is_invisible) {
            if !push_capped(s, word, cap) {
                return false;
            }
            continue;
        }
        for c in word.chars().filter(|&c| !is_invisible(c)) {
            if s.len() + c.len_utf8() > cap {
                return false;
            }
            s.push(c);
        }
    }
    true
}

/// The same for ASCII text, a run at a time: printable bytes with single spaces
/// between them are copied whole (the common case: a sentence is one copy).
fn push_visible_ascii(s: &mut String, text: &str, cap: usize, lines: bool) -> bool {
    let bytes = text.as_bytes();
    let visible = |i: usize| bytes.get(i).is_some_and(|&b| b > b' ' && b < 0x7F);
    let mut i = 0;
    while i < bytes.len() {
        let (mut blank, mut newline) = (false, false);
        while let Some(&b) = bytes.get(i).filter(|_| !visible(i)) {
            blank |= b.is_ascii_whitespace() || b == 0x0B;
            newline |= b == b'\n';
            i += 1;
        }
        if blank && !separate(s, lines && newline, cap) {
            return false;
        }
        let start = i;
        loop {
            // A run of visible bytes, then one space when a visible byte follows it.
            let rest = bytes.get(i..).unwrap_or_default();
            i += rest
                .iter()
                .position(|&b| !(b > b' ' && b < 0x7F))
                .unwrap_or(rest.len());
            if bytes.get(i) == Some(&b' ') && visible(i + 1) {
                i += 2;
            } else {
                break;
            }
        }
        if i > start && !push_capped(s, text.get(start..i).unwrap_or_default(), cap) {
            return false;
        }
    }
    true
}

/// Ends what `s` holds with one separator: a newline replaces a space, and nothing is
/// added at the start of `s` or after a separator. False when `s` is full.
fn separate(s: &mut String, newline: bool, cap: usize) -> bool {
    match s.chars().next_back() {
        None | Some('\n') => true,
        Some(' ') if newline => {
            s.pop();
            s.push('\n');
            true
        }
        Some(' ') => true,
        _ if s.len() >= cap => false,
        _ => {
            s.push(if newline { '\n' } else { ' ' });
            true
        }
    }
}

/// Appends as much of `text` as fits in `cap` bytes, on a character boundary.
fn push_capped(s: &mut String, text: &str, cap: usize) -> bool {
    let room = cap.saturating_sub(s.len());
    if text.len() <= room {
        s.push_str(text);
        return true;
    }
    let mut end = room;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    s.push_str(text.get(..end).unwrap_or_default());
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visible(chunks: &[&str], cap: usize, lines: bool) -> (String, bool) {
        let mut s = String::new();
        let fits = chunks.iter().all(|c| push_visible(&mut s, c, cap, lines));
        (s, fits)
    }

    #[test]
    fn padding_never_pushes_the_visible_text_out() {
        let cases: [(&str, &str); 6] = [
            (&" ".repeat(600), "Kestrel Software | Sign in"),
            (&"\u{A0}\n\t".repeat(300), "Kestrel Software | Sign in"),
            (&"\u{200B}".repeat(600), "Kestrel Software | Sign in"),
            (
                &"\u{3164}\u{2800}".repeat(300),
                "Kestrel Software | Sign in",
            ),
            ("", "Kes\u{200B}trel\u{AD} Software   |\u{202E} Sign in"),
            ("", "Kestrel\u{FEFF} Software |\n\n Sign  in"),
        ];
        for (pad, title) in cases {
            let (s, _) = visible(&[pad, title], 512, false);
            assert_eq!(s, "Kestrel Software | Sign in", "{pad:?}{title:?}");
        }
    }

    #[test]
    fn chunks_join_and_lines_survive_when_asked() {
        assert_eq!(visible(&["Acme ", " Bank"], 64, false).0, "Acme Bank");
        assert_eq!(visible(&["Acme", "Bank"], 64, false).0, "AcmeBank");
        assert_eq!(
            visible(&["© Acme  \n  Privacy"], 64, true).0,
            "© Acme\nPrivacy"
        );
        assert_eq!(
            visible(&["Acme ", "\nPrivacy"], 64, true).0,
            "Acme\nPrivacy"
        );
        assert_eq!(visible(&["a\nb"], 64, false).0, "a b");
        assert_eq!(
            visible(&["Ac\u{1}me\u{7f} \t Bank  "], 64, false).0,
            "Acme Bank "
        );
    }

    #[test]
    fn ascii_text_reads_as_any_text_does() {
        let parts = [
            " ", "  ", "\n", "\t", "\r", "\x0b", "\x0c", "\x01", "\x7f", "a", "Bc", "x y", ".",
        ];
        let mut rng = crate::test_rng::Rng::new(0x2545_F491_4F6C_DD1D);
        for _ in 0..5000 {
            let start = ["", "a", "a ", "a\n"][rng.below(4)];
            let (cap, lines) = (rng.below(24), rng.below(2) == 0);
            let text = rng.text(&parts, 11);
            let (mut fast, mut slow) = (start.to_owned(), start.to_owned());
            let fits = push_visible_ascii(&mut fast, &text, cap, lines);
            assert_eq!(
                fits,
                push_visible_chars(&mut slow, &text, cap, lines),
                "{text:?}"
            );
            assert_eq!(fast, slow, "{start:?} {text:?} {cap} {lines}");
        }
    }

    #[test]
    fn the_cap_holds_on_a_character_boundary() {
        let (s, fits) = visible(&["héllo wörld"], 7, false);
        assert!(!fits);
        assert_eq!(s, "héllo ");
        let (s, fits) = visible(&["日本語"], 4, false);
        assert!(!fits && s == "日");
    }
}
