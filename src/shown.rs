//! Text from pages, made safe to show on a terminal.
//!
//! Titles, evidence, brand names, file names and URLs come from attackers. Printed raw,
//! an escape sequence could recolour, retitle or clear the terminal (OSC, CSI), a CR or
//! LF could forge a line such as `other-site  clean`, and bidirectional controls could
//! reorder what is read. Every string meant for people passes through [`shown`], which
//! writes each such character as a visible `\u{…}` escape. Machine formats (JSON, CSV)
//! are escaped by their own writers instead.

use std::borrow::Cow;

/// True for characters that steer a terminal or the reading order: C0 and C1 controls
/// (ESC, CR, LF, TAB, BEL, …), DEL, and the bidirectional marks, embeddings, overrides
/// and isolates.
fn steers(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{61C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every character that could steer a terminal written as `\u{…}`.
///
/// ```
/// use clonehound::scan::output::shown;
/// assert_eq!(shown("site\r\nother  clean"), "site\\u{d}\\u{a}other  clean");
/// ```
pub fn shown(text: &str) -> Cow<'_, str> {
    if !text.chars().any(steers) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if steers(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_steers_and_keeps_the_rest() {
        let cases = [
            ("Acme Bank — Sign in", "Acme Bank — Sign in"),
            ("x\r\nother-site  clean", "x\\u{d}\\u{a}other-site  clean"),
            ("\u{1b}]0;owned\u{7}", "\\u{1b}]0;owned\\u{7}"),
            ("\u{1b}[2J", "\\u{1b}[2J"),
            ("\u{9b}31m", "\\u{9b}31m"),
            ("abc\u{202E}gnp.exe", "abc\\u{202e}gnp.exe"),
        ];
        for (raw, want) in cases {
            assert_eq!(shown(raw), want);
        }
    }
}
