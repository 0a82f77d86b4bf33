//! Raw text (`<script>`, `<style>` and the elements whose text is ignored) read straight
//! from the input up to its end tag, as the tokenizer's RAWTEXT and script data states
//! would read it, without a token per line.

use html5ever::{LocalName, local_name};

/// Raw-text elements whose text is read straight from the input up to the end tag,
/// as the tokenizer's RAWTEXT and script data states read it but without a token per
/// line: `<script>`, `<style>` and the elements whose text is ignored. (`<title>` and
/// `<textarea>` keep the tokenizer: they decode character references.)
pub(super) fn fast_raw(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("script")
            | local_name!("style")
            | local_name!("xmp")
            | local_name!("iframe")
            | local_name!("noembed")
            | local_name!("noframes")
            | local_name!("noscript")
    )
}

/// Where the raw text of element `name` ends in `text`: at `</name` (ASCII case
/// insensitive) followed by white space, `/` or `>`, as the HTML standard's RAWTEXT
/// end tag states decide. `None`: the text runs to the end of the input.
pub(super) fn raw_end(text: &str, name: &str) -> Option<usize> {
    if name == "script" {
        return script_end(text);
    }
    let bytes = text.as_bytes();
    memchr::memmem::find_iter(bytes, b"</").find(|&at| {
        let tag = at + 2;
        bytes
            .get(tag..tag + name.len())
            .is_some_and(|t| t.eq_ignore_ascii_case(name.as_bytes()))
            && ends_name(bytes.get(tag + name.len()))
    })
}

/// True for what may follow an end tag's name: white space (CR is read as LF), `/`, `>`.
fn ends_name(byte: Option<&u8>) -> bool {
    matches!(
        byte,
        Some(b'\t' | b'\n' | b'\x0C' | b'\r' | b' ' | b'/' | b'>')
    )
}

/// Where a `<script>`'s text ends in `text`, by the HTML standard's script data states:
/// at `</script` followed by white space, `/` or `>`, except inside a comment-like
/// `<!-- … <script> … -->` run (double escaped), where that end tag is text.
fn script_end(text: &str) -> Option<usize> {
    #[derive(Clone, Copy)]
    enum State {
        Data,
        Escaped,
        EscapedDash,
        EscapedDashDash,
        Double,
        DoubleDash,
        DoubleDashDash,
    }
    let bytes = text.as_bytes();
    let script_at = |at: usize| {
        bytes
            .get(at..at + 6)
            .is_some_and(|t| t.eq_ignore_ascii_case(b"script"))
            && ends_name(bytes.get(at + 6))
    };
    let mut state = State::Data;
    let mut i = 0;
    loop {
        // Bytes no state acts on are skipped in one search: in data only `<` matters;
        // escaped, any other byte leaves (double) escaped text.
        let rest = bytes.get(i..).unwrap_or_default();
        let skip = match state {
            State::Data => memchr::memchr(b'<', rest)?,
            _ => memchr::memchr3(b'<', b'-', b'>', rest).unwrap_or(rest.len()),
        };
        if skip > 0 {
            i += skip;
            state = match state {
                State::Data => State::Data,
                State::Escaped | State::EscapedDash | State::EscapedDashDash => State::Escaped,
                State::Double | State::DoubleDash | State::DoubleDashDash => State::Double,
            };
        }
        let &c = bytes.get(i)?;
        let next = bytes.get(i + 1);
        state = match (state, c) {
            (State::Data, b'<') => {
                if next == Some(&b'/') && script_at(i + 2) {
                    return Some(i);
                }
                if bytes.get(i + 1..i + 4) == Some(b"!--") {
                    i += 4;
                    state = State::EscapedDashDash;
                    continue;
                }
                State::Data
            }
            (State::Data, _) => State::Data,
            (State::Escaped | State::EscapedDash | State::EscapedDashDash, b'<') => {
                if next == Some(&b'/') && script_at(i + 2) {
                    return Some(i);
                }
                if script_at(i + 1) {
                    // `<script` and the character after it are text; now double escaped.
                    i += 8;
                    state = State::Double;
                    continue;
                }
                State::Escaped
            }
            (State::Escaped, b'-') => State::EscapedDash,
            (State::EscapedDash | State::EscapedDashDash, b'-') => State::EscapedDashDash,
            (State::EscapedDashDash, b'>') => State::Data,
            (State::Escaped | State::EscapedDash | State::EscapedDashDash, _) => State::Escaped,
            (State::Double | State::DoubleDash | State::DoubleDashDash, b'<') => {
                if next == Some(&b'/') && script_at(i + 2) {
                    // `</script` and the character after it are text; escaped again.
                    i += 9;
                    state = State::Escaped;
                    continue;
                }
                State::Double
            }
            (State::Double, b'-') => State::DoubleDash,
            (State::DoubleDash | State::DoubleDashDash, b'-') => State::DoubleDashDash,
            (State::DoubleDashDash, b'>') => State::Data,
            (State::Double | State::DoubleDash | State::DoubleDashDash, _) => State::Double,
        };
        i += 1;
    }
}

/// Raw text as the tokenizer hands it on: CR LF and lone CR as LF, NUL as U+FFFD.
pub(super) fn normalized(text: &str) -> std::borrow::Cow<'_, str> {
    if memchr::memchr2(b'\r', 0, text.as_bytes()).is_none() {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.replace("\r\n", "\n")
            .replace('\r', "\n")
            .replace('\0', "\u{FFFD}"),
    )
}
