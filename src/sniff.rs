//! Which encoding a page's bytes are in, exactly as the HTML standard's "determine the
//! character encoding" algorithm decides it: a byte order mark, then the transport
//! charset (HTTP `Content-Type`), then the prescan of the first 1024 bytes for a real
//! `<meta>` element, then the default.
//!
//! Nothing else is guessed. In particular UTF-16 and UTF-32 are never inferred from NUL
//! bytes: no browser does, so an attacker who pads a page with NULs would otherwise make
//! us read a different page from the one a victim sees. UTF-32 is not a web encoding at
//! all. Text that merely looks like a charset declaration (inside a comment, another
//! attribute, a script) is skipped as the standard skips it.
//!
//! The one choice the standard leaves to the user agent is the default: we take UTF-8
//! when the whole page is valid UTF-8 and windows-1252 otherwise (browsers use the
//! locale's legacy encoding there, and some detect UTF-8 as we do).
//!
//! [`decode`] and [`decode_owned`] then turn the bytes into text in that encoding.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// How many bytes the prescan looks at.
const PRESCAN_BYTES: usize = 1024;

/// Where the encoding came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// A byte order mark; its bytes are not part of the text.
    Bom(usize),
    /// The caller's transport charset.
    Transport,
    /// A `<meta>` element found by the prescan.
    Meta,
    /// Nothing declared: UTF-8 if valid, else windows-1252.
    Default,
}

/// The encoding of `bytes`, given the transport-layer charset label if there is one.
pub(crate) fn sniff(bytes: &[u8], transport: Option<&str>) -> (&'static Encoding, Source) {
    declared(bytes, transport).unwrap_or_else(|| {
        let default = if std::str::from_utf8(bytes).is_ok() {
            UTF_8
        } else {
            WINDOWS_1252
        };
        (default, Source::Default)
    })
}

/// Every step of the standard's algorithm but the default: `None` when nothing
/// declares an encoding.
fn declared(bytes: &[u8], transport: Option<&str>) -> Option<(&'static Encoding, Source)> {
    if let Some((encoding, len)) = Encoding::for_bom(bytes) {
        return Some((encoding, Source::Bom(len)));
    }
    if let Some(encoding) = transport.and_then(|l| Encoding::for_label(l.as_bytes())) {
        return Some((encoding, Source::Transport));
    }
    let head = bytes.get(..bytes.len().min(PRESCAN_BYTES)).unwrap_or(bytes);
    let meta = prescan(head).or_else(|| late_meta(bytes))?;
    Some((meta, Source::Meta))
}

fn is_space(b: u8) -> bool {
    matches!(b, 0x09 | 0x0A | 0x0C | 0x0D | 0x20)
}

/// The standard's "prescan a byte stream to determine its encoding" over `head`; `None`
/// when it finds nothing or runs out of bytes.
pub(crate) fn prescan(head: &[u8]) -> Option<&'static Encoding> {
    Scan::new(head, false).run()
}

/// After a prescan that found nothing the encoding is only tentative, and the standard
/// changes it when the parser meets a `<meta>` that declares one anywhere later in the
/// document. This finds that element as the tokenizer would: as the prescan does, but
/// skipping the contents of raw-text elements (`<script>`, `<style>`, …).
pub(crate) fn late_meta(html: &[u8]) -> Option<&'static Encoding> {
    Scan::new(html, true).run()
}

fn starts_with_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .get(..needle.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(needle))
}

/// Elements whose contents the tokenizer reads as text, not tags.
const RAW_TEXT: [&[u8]; 9] = [
    b"script",
    b"style",
    b"textarea",
    b"title",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"plaintext",
];

/// One attribute's name and value, as raw slices of the input (compared ignoring case).
type Attribute<'a> = (&'a [u8], &'a [u8]);

/// A cursor over the scanned bytes. Every method returns `None` when it runs out of
/// bytes, which aborts the scan.
struct Scan<'a> {
    b: &'a [u8],
    pos: usize,
    /// Skip raw-text elements' contents, as the tokenizer does (the late scan).
    tokenizer: bool,
}

impl<'a> Scan<'a> {
    fn new(b: &'a [u8], tokenizer: bool) -> Scan<'a> {
        Scan {
            b,
            pos: 0,
            tokenizer,
        }
    }

    fn byte(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn run(&mut self) -> Option<&'static Encoding> {
        let b = self.b;
        loop {
            self.pos += memchr::memchr(b'<', b.get(self.pos..)?)?;
            let rest = b.get(self.pos..)?;
            if rest.starts_with(b"<!--") {
                // To the '>' of the first "-->", whose dashes may overlap "<!--" itself.
                let end = memchr::memmem::find(rest.get(2..)?, b"-->")?;
                self.pos += 2 + end + 2;
            } else if starts_with_ignore_case(rest, b"<meta")
                && rest.get(5).is_some_and(|&c| is_space(c) || c == b'/')
            {
                self.pos += 5;
                if let Some(encoding) = self.meta()? {
                    return Some(encoding);
                }
            } else if rest.get(1).is_some_and(u8::is_ascii_alphabetic)
                || (rest.get(1) == Some(&b'/') && rest.get(2).is_some_and(u8::is_ascii_alphabetic))
            {
                let name_end = rest.iter().position(|&c| is_space(c) || c == b'>')?;
                let name = rest.get(1..name_end).unwrap_or_default();
                self.pos += name_end;
                while self.attribute()?.is_some() {}
                if self.tokenizer {
                    self.skip_raw_text(name)?;
                }
            } else if rest.starts_with(b"<!") || rest.starts_with(b"</") || rest.starts_with(b"<?")
            {
                self.pos += memchr::memchr(b'>', rest)?;
            }
            self.pos += 1;
        }
    }

    /// After the start tag of a raw-text element, moves to the `>` that ends the start
    /// tag's scan, just before its end tag.
    fn skip_raw_text(&mut self, name: &[u8]) -> Option<()> {
        if name.first() == Some(&b'/') || !RAW_TEXT.iter().any(|r| r.eq_ignore_ascii_case(name)) {
            return Some(());
        }
        if name.eq_ignore_ascii_case(b"plaintext") {
            return None;
        }
        let mut from = self.pos;
        loop {
            let at = from + memchr::memmem::find(self.b.get(from..)?, b"</")?;
            let tag = self.b.get(at + 2..)?;
            if starts_with_ignore_case(tag, name)
                && tag
                    .get(name.len())
                    .is_some_and(|&c| is_space(c) || c == b'/' || c == b'>')
            {
                // The main loop steps past this byte and meets "</name".
                self.pos = at - 1;
                return Some(());
            }
            from = at + 2;
        }
    }

    /// The attributes of a `<meta>` element: `Some(Some(encoding))` when it declares one
    /// the standard accepts, `Some(None)` when it does not.
    fn meta(&mut self) -> Option<Option<&'static Encoding>> {
        let mut seen: Vec<&[u8]> = Vec::new();
        let (mut got_pragma, mut need_pragma) = (false, None);
        // None: no charset yet; Some(None): a label that names no encoding.
        let mut charset: Option<Option<&'static Encoding>> = None;
        while let Some((name, value)) = self.attribute()? {
            if seen.iter().any(|s| s.eq_ignore_ascii_case(name)) {
                continue;
            }
            if name.eq_ignore_ascii_case(b"http-equiv") {
                got_pragma |= value.eq_ignore_ascii_case(b"content-type");
            } else if name.eq_ignore_ascii_case(b"content") {
                if let (Some(encoding), None) = (charset_in_content(value), charset) {
                    charset = Some(Some(encoding));
                    need_pragma = Some(true);
                }
            } else if name.eq_ignore_ascii_case(b"charset") {
                charset = Some(Encoding::for_label(value));
                need_pragma = Some(false);
            }
            seen.push(name);
        }
        let accepted = match need_pragma {
            None => None,
            Some(true) if !got_pragma => None,
            _ => charset.flatten(),
        };
        Some(accepted.map(|encoding| {
            if encoding == UTF_16LE || encoding == UTF_16BE {
                UTF_8
            } else if encoding.name() == "x-user-defined" {
                WINDOWS_1252
            } else {
                encoding
            }
        }))
    }

    /// The standard's "get an attribute": `Some(None)` when the tag ends. Names and
    /// values are contiguous in the input, so they are returned as slices of it.
    fn attribute(&mut self) -> Option<Option<Attribute<'a>>> {
        let b = self.b;
        while self.byte().is_some_and(|c| is_space(c) || c == b'/') {
            self.pos += 1;
        }
        if self.byte()? == b'>' {
            return Some(None);
        }
        let start = self.pos;
        loop {
            match self.byte()? {
                b'=' if self.pos > start => break,
                c if is_space(c) || c == b'/' || c == b'>' => break,
                _ => self.pos += 1,
            }
        }
        let name = b.get(start..self.pos)?;
        while self.byte().is_some_and(is_space) {
            self.pos += 1;
        }
        if self.byte()? != b'=' {
            return Some(Some((name, &[])));
        }
        self.pos += 1;
        while self.byte().is_some_and(is_space) {
            self.pos += 1;
        }
        let value_start = self.pos;
        match self.byte()? {
            quote @ (b'"' | b'\'') => {
                let len = memchr::memchr(quote, b.get(value_start + 1..)?)?;
                self.pos = value_start + 1 + len + 1;
                Some(Some((name, b.get(value_start + 1..value_start + 1 + len)?)))
            }
            b'>' => Some(Some((name, &[]))),
            _ => {
                while self.byte().is_some_and(|c| !is_space(c) && c != b'>') {
                    self.pos += 1;
                }
                self.byte()?;
                Some(Some((name, b.get(value_start..self.pos)?)))
            }
        }
    }
}

/// The standard's "extract a character encoding from a meta element" over a `content`
/// attribute's value.
fn charset_in_content(s: &[u8]) -> Option<&'static Encoding> {
    let mut pos = 0;
    loop {
        let found = s
            .get(pos..)?
            .windows(7)
            .position(|w| w.eq_ignore_ascii_case(b"charset"))?;
        pos += found + 7;
        while s.get(pos).is_some_and(|&b| is_space(b)) {
            pos += 1;
        }
        if s.get(pos) == Some(&b'=') {
            pos += 1;
            break;
        }
    }
    while s.get(pos).is_some_and(|&b| is_space(b)) {
        pos += 1;
    }
    let rest = s.get(pos..)?;
    let label = match rest.first()? {
        quote @ (b'"' | b'\'') => {
            let body = rest.get(1..)?;
            body.get(..body.iter().position(|b| b == quote)?)?
        }
        _ => rest.get(
            ..rest
                .iter()
                .position(|&b| is_space(b) || b == b';')
                .unwrap_or(rest.len()),
        )?,
    };
    Encoding::for_label(label)
}

/// Decodes page bytes as the HTML standard decides their encoding (see the module's docs);
/// returns the text and the encoding's name.
pub(crate) fn decode(bytes: &[u8], charset: Option<&str>) -> (String, &'static str) {
    let (encoding, source) = sniff(bytes, charset);
    decode_as(bytes, encoding, source)
}

/// `bytes` decoded as `encoding`, found from `source` (a byte order mark is skipped).
fn decode_as(bytes: &[u8], encoding: &'static Encoding, source: Source) -> (String, &'static str) {
    let body = match source {
        Source::Bom(len) => bytes.get(len..).unwrap_or_default(),
        _ => bytes,
    };
    let (text, _) = encoding.decode_without_bom_handling(body);
    (text.into_owned(), encoding.name())
}

/// [`decode`] of bytes we own, with no transport charset: UTF-8 that needs no
/// replacement becomes the text without a copy.
pub(crate) fn decode_owned(mut bytes: Vec<u8>) -> (String, &'static str) {
    let (encoding, source) = sniff(&bytes, None);
    if encoding == encoding_rs::UTF_8 {
        if let Source::Bom(len) = source {
            bytes.drain(..len.min(bytes.len()));
        }
        return match String::from_utf8(bytes) {
            Ok(text) => (text, encoding.name()),
            Err(e) => {
                let (text, _) = encoding.decode_without_bom_handling(e.as_bytes());
                (text.into_owned(), encoding.name())
            }
        };
    }
    decode_as(&bytes, encoding, source)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(html: &str) -> Option<&'static str> {
        prescan(html.as_bytes()).map(Encoding::name)
    }

    #[test]
    fn only_real_meta_elements_count() {
        let cases: [(&str, Option<&str>); 14] = [
            ("<meta charset=windows-1251>", Some("windows-1251")),
            ("<META CHARSET='KOI8-R'>", Some("KOI8-R")),
            ("<meta/charset=shift_jis>", Some("Shift_JIS")),
            (
                "<meta http-equiv=Content-Type content='text/html; charset=euc-kr'>",
                Some("EUC-KR"),
            ),
            // content= without the pragma does not count.
            ("<meta content='text/html; charset=euc-kr'>", None),
            ("<!-- <meta charset=iso-2022-kr> --><p>", None),
            ("<!--><meta charset=koi8-r>", Some("KOI8-R")),
            (
                "<meta name=description content='charset=iso-2022-kr'>",
                None,
            ),
            ("<div title='<meta charset=koi8-r>'>", None),
            ("<meta charset=utf-16le>", Some("UTF-8")),
            ("<meta charset=x-user-defined>", Some("windows-1252")),
            (
                "<meta charset=no-such-label><meta charset=koi8-r>",
                Some("KOI8-R"),
            ),
            // The first charset attribute wins; duplicates are ignored.
            ("<meta charset=koi8-r charset=euc-kr>", Some("KOI8-R")),
            // Running out of bytes aborts the prescan.
            ("<meta charset=koi8-r", None),
        ];
        for (html, want) in cases {
            assert_eq!(found(html), want, "{html}");
        }
    }

    #[test]
    fn a_late_meta_counts_as_the_tokenizer_sees_it() {
        let pad = format!("<p>{}</p>", "x".repeat(2000));
        let late = |tail: &str| {
            let html = format!("{pad}{tail}");
            sniff(html.as_bytes(), None).0.name()
        };
        assert_eq!(late("<meta charset=koi8-r>"), "KOI8-R");
        assert_eq!(late("<script>'<meta charset=koi8-r>'</script>"), "UTF-8");
        assert_eq!(
            late("<SCRIPT>'</scripts><meta charset=euc-kr>'</Script ><meta charset=koi8-r>"),
            "KOI8-R"
        );
        assert_eq!(late("<!-- <meta charset=koi8-r> -->"), "UTF-8");
        assert_eq!(late("<textarea><meta charset=koi8-r>"), "UTF-8");
    }

    #[test]
    fn nul_bytes_never_mean_utf16_or_utf32() {
        let padded: Vec<u8> = b"a\0".repeat(254).into_iter().chain(*b"<p>x</p>").collect();
        assert_ne!(sniff(&padded, None).0, UTF_16LE);
        let utf32ish = b" \0\0\0 \0\0\0<p>x</p>";
        assert_eq!(sniff(utf32ish, None), (UTF_8, Source::Default));
        assert_eq!(sniff(utf32ish, Some("utf-8")), (UTF_8, Source::Transport));
    }

    #[test]
    fn bom_then_transport_then_meta() {
        assert_eq!(
            sniff(b"\xEF\xBB\xBF<meta charset=koi8-r>", Some("euc-kr")),
            (UTF_8, Source::Bom(3))
        );
        let meta = b"<meta charset=koi8-r>";
        assert_eq!(sniff(meta, Some("euc-kr")).0.name(), "EUC-KR");
        assert_eq!(sniff(meta, Some("bogus")).0.name(), "KOI8-R");
        assert_eq!(sniff(b"caf\xe9", None), (WINDOWS_1252, Source::Default));
    }

    /// The html5lib encoding tests (`../shared/html5lib-encoding`), run against the
    /// standard's algorithm with windows-1252 as the default; skipped when absent.
    #[test]
    fn html5lib_encoding_tests() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/html5lib-encoding");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            eprintln!("skipped: {} is absent", dir.display());
            return;
        };
        let mut files: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "dat"))
            .collect();
        files.sort();
        let (mut run, mut failed) = (0, Vec::new());
        for file in files {
            let bytes = std::fs::read(&file).unwrap();
            for (data, want) in html5lib_cases(&bytes) {
                let got = declared(&data, None).map_or(WINDOWS_1252, |(e, _)| e);
                let want = Encoding::for_label(want.trim().as_bytes()).unwrap();
                run += 1;
                if got != want {
                    failed.push(format!(
                        "{}: {:?}: got {}, want {}",
                        file.display(),
                        String::from_utf8_lossy(&data[..data.len().min(80)]),
                        got.name(),
                        want.name()
                    ));
                }
            }
        }
        assert!(run >= 80, "only {run} cases read");
        assert!(
            failed.is_empty(),
            "{} of {run} failed:\n{}",
            failed.len(),
            failed.join("\n")
        );
    }

    /// `(data, encoding label)` pairs of an html5lib `.dat` file.
    fn html5lib_cases(file: &[u8]) -> Vec<(Vec<u8>, String)> {
        let mut cases = Vec::new();
        let mut lines = file.split(|&b| b == b'\n').peekable();
        while let Some(line) = lines.next() {
            if line != b"#data" {
                continue;
            }
            let mut data: Vec<&[u8]> = Vec::new();
            for l in lines.by_ref() {
                if l == b"#encoding" {
                    break;
                }
                data.push(l);
            }
            let label = lines
                .next()
                .map(|l| String::from_utf8_lossy(l).into_owned());
            cases.push((data.join(&b'\n'), label.unwrap_or_default()));
        }
        cases
    }
}
