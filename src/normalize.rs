//! Text normalisation shared by the text and identity signals.

use unicode_normalization::UnicodeNormalization;

/// NFKC, lower case, common confusable letters folded to ASCII, and every run of
/// non-alphanumeric characters turned into one space. The result is a list of words.
///
/// Confusables are folded so that `Раураl` (Cyrillic Р, а) reads as `paypal`.
pub(crate) fn normalize(text: &str) -> String {
    let mut out = String::new();
    for_each_word(text, |word| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    });
    out
}

/// Calls `f` with each word of [`normalize`]d `text`, in order, without building the
/// normalised string: the text signal hashes words as they stream past.
pub(crate) fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    if text.is_ascii() {
        ascii_words(text, &mut f);
        return;
    }
    // NFKC never joins or reorders across ASCII white space (a starter that composes
    // with nothing), so each white-space-separated piece normalises alone, exactly as
    // in the whole text. One `&nbsp;` or ligature then costs its piece the full
    // normalisation, not the whole page. (A test holds this to the whole-text NFKC.)
    for piece in text.split(|c: char| c.is_ascii_whitespace()) {
        piece_words(piece, &mut f);
    }
}

/// Words of an ASCII text: ASCII is its own NFKC and has no confusables, so split and
/// lower-case in place.
fn ascii_words(text: &str, f: &mut impl FnMut(&str)) {
    let mut lower = String::new();
    let mut rest = text;
    // Byte by byte: in ASCII text every byte is a character.
    while let Some(start) = rest.bytes().position(|b| b.is_ascii_alphanumeric()) {
        let from = rest.get(start..).unwrap_or_default();
        let end = from
            .bytes()
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(from.len());
        let Some((word, tail)) = from.split_at_checked(end) else {
            return;
        };
        rest = tail;
        if word.bytes().any(|b| b.is_ascii_uppercase()) {
            lower.clear();
            lower.push_str(word);
            lower.make_ascii_lowercase();
            f(&lower);
        } else {
            f(word);
        }
    }
}

/// Words of one piece of text with no ASCII white space in it.
fn piece_words(piece: &str, f: &mut impl FnMut(&str)) {
    use unicode_normalization::{IsNormalized, is_nfkc_quick};
    if piece.is_ascii() {
        ascii_words(piece, f);
    } else if is_nfkc_quick(piece.chars()) == IsNormalized::Yes {
        // Most real text is already NFKC: skip the costly decomposition when a quick
        // check proves it would change nothing.
        fold_words(piece.chars(), f);
    } else {
        fold_words(piece.nfkc(), f);
    }
}

fn fold_words(chars: impl Iterator<Item = char>, f: &mut impl FnMut(&str)) {
    let mut word = String::new();
    let mut push = |c: char, word: &mut String| {
        if c.is_alphanumeric() {
            word.push(c);
        } else if !word.is_empty() {
            f(word);
            word.clear();
        }
    };
    for c in chars {
        if c.is_ascii() {
            push(c.to_ascii_lowercase(), &mut word);
        } else {
            for lower in c.to_lowercase() {
                push(fold_confusable(lower), &mut word);
            }
        }
    }
    if !word.is_empty() {
        f(&word);
    }
}

/// Folds look-alike letters from Cyrillic, Greek and Latin extensions onto ASCII.
pub(crate) fn fold_confusable(c: char) -> char {
    match c {
        'а' | 'α' | 'ɑ' => 'a',
        'в' | 'β' => 'b',
        'с' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'ε' | 'ҽ' => 'e',
        'һ' => 'h',
        'і' | 'ι' | 'ı' => 'i',
        'ј' | 'ϳ' => 'j',
        'к' | 'κ' => 'k',
        'м' => 'm',
        'п' | 'η' => 'n',
        'о' | 'ο' | 'σ' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'г' => 'r',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'υ' | 'ս' => 'u',
        'ν' | 'ѵ' => 'v',
        'ԝ' | 'ω' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'γ' => 'y',
        'ᴢ' => 'z',
        _ => c,
    }
}

/// The words of normalised text.
pub(crate) fn words(normalized: &str) -> impl Iterator<Item = &str> {
    normalized.split(' ').filter(|w| !w.is_empty())
}

/// Cuts `s` to at most `max` bytes on a character boundary.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default().to_owned()
}

/// The first `n` characters of `s` (all of it when it has fewer): what
/// `s.chars().take(n).collect()` keeps, without copying character by character.
pub(crate) fn first_chars(s: &str, n: usize) -> &str {
    if s.len() <= n {
        return s;
    }
    match s.char_indices().nth(n) {
        Some((end, _)) => s.get(..end).unwrap_or(s),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_chars_keeps_what_take_keeps() {
        for s in ["", "abc", "héllo wörld", "日本語のテキスト", "a\u{1F600}b"] {
            for n in 0..12 {
                let taken: String = s.chars().take(n).collect();
                assert_eq!(first_chars(s, n), taken, "{s:?} {n}");
            }
        }
    }

    #[test]
    fn normalises() {
        let cases = [
            ("  Hello,   WORLD!  ", "hello world"),
            ("Раураl", "paypal"),
            ("ﬁnance  Ⅻ", "finance xii"),
            ("naïve café", "naïve café"),
            ("", ""),
            ("!!!", ""),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(input), want, "{input:?}");
        }
    }

    /// Piece by piece gives the same words as the NFKC of the whole text: marks after
    /// spaces, compatibility characters that become spaces, ligatures, Hangul, mixed
    /// scripts and confusables, in every order.
    #[test]
    fn pieces_normalise_as_the_whole_text() {
        let parts = [
            " ",
            "\u{a0}",
            "\u{301}",
            "e",
            "E\u{301}",
            "\u{fb01}",
            "\u{1100}",
            "\u{1161}",
            "\u{ac00}",
            "\u{11a8}",
            "\u{2126}",
            "\u{2167}",
            "Р",
            "а",
            "\t",
            "\n",
            "\u{3000}",
            "x\u{327}\u{301}",
            "\u{1e9b}\u{323}",
            "-",
            "\u{ff21}",
            "\u{2024}",
            "7",
            "\u{b4}",
        ];
        let mut rng = crate::test_rng::Rng::new(0x9e37_79b9_7f4a_7c15);
        for _ in 0..4000 {
            let text = rng.text(&parts, 8);
            let mut whole = Vec::new();
            fold_words(text.nfkc(), &mut |w: &str| whole.push(w.to_owned()));
            let mut pieces = Vec::new();
            for_each_word(&text, |w| pieces.push(w.to_owned()));
            assert_eq!(pieces, whole, "{text:?}");
        }
    }

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate("héllo", 2), "h");
        assert_eq!(truncate("abc", 10), "abc");
    }
}
