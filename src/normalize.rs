//! Text normalisation shared by the text and identity signals.

use unicode_normalization::UnicodeNormalization;

/// NFKC, lower case, common confusable letters folded to ASCII, and every run of
/// non-alphanumeric characters turned into one space. The result is a list of words.
///
/// Confusables are folded so that `Раураl` (Cyrillic Р, а) reads as `paypal`.
pub(crate) fn normalize(text: &str) -> String {
    use unicode_normalization::{IsNormalized, is_nfkc_quick};
    // NFKC leaves ASCII as it is, and most real text is already NFKC: skip the costly
    // decomposition when a quick check proves it would change nothing.
    if text.is_ascii() || is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        fold(text.chars())
    } else {
        fold(text.nfkc())
    }
}

fn fold(chars: impl Iterator<Item = char>) -> String {
    let mut out = String::new();
    let mut space = true;
    let mut push = |c: char, out: &mut String| {
        if c.is_alphanumeric() {
            out.push(c);
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    };
    for c in chars {
        if c.is_ascii() {
            push(c.to_ascii_lowercase(), &mut out);
        } else {
            for lower in c.to_lowercase() {
                push(fold_confusable(lower), &mut out);
            }
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
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
}
