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
    use unicode_normalization::{IsNormalized, is_nfkc_quick};
    if text.is_ascii() {
        // ASCII is its own NFKC and has no confusables: split and lower-case in place.
        let mut lower = String::new();
        for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
            if word.is_empty() {
                continue;
            }
            if word.bytes().any(|b| b.is_ascii_uppercase()) {
                lower.clear();
                lower.push_str(word);
                lower.make_ascii_lowercase();
                f(&lower);
            } else {
                f(word);
            }
        }
    } else if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        // Most real text is already NFKC: skip the costly decomposition when a quick
        // check proves it would change nothing.
        fold_words(text.chars(), &mut f);
    } else {
        fold_words(text.nfkc(), &mut f);
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate("héllo", 2), "h");
        assert_eq!(truncate("abc", 10), "abc");
    }
}
