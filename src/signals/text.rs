//! Visible text: normalised words, word 3-shingles, the title apart.

use serde::{Deserialize, Serialize};

use crate::normalize::{for_each_word, normalize, truncate, words};
use crate::sketch::{Sketch, SketchBuilder, hash64};
use crate::{Limits, Page};

/// Bytes of normalised text kept from the top of the page, where names and logos sit.
pub(crate) const LEAD_BYTES: usize = 1024;

/// The text signal of one page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// Word 3-shingles of the visible text.
    pub shingles: Sketch,
    /// Distinct words of the visible text.
    pub words: Sketch,
    /// The normalised `<title>`.
    pub title: String,
    /// The first KiB of normalised visible text.
    pub lead: String,
}

impl Text {
    pub(crate) fn build(body: &str, title: &str, k: usize) -> Text {
        let mut shingles = SketchBuilder::new(k);
        let mut vocabulary = SketchBuilder::new(k);
        let mut lead = String::new();
        // Words are hashed as normalisation streams them; only the lead is kept as text.
        for_each_hash(body, |word, h, shingle| {
            if lead.len() < LEAD_BYTES {
                if !lead.is_empty() {
                    lead.push(' ');
                }
                lead.push_str(word);
            }
            vocabulary.push(h);
            if let Some(shingle) = shingle {
                shingles.push(shingle);
            }
        });
        Text {
            shingles: shingles.finish(),
            words: vocabulary.finish(),
            title: truncate(&normalize(title), 256),
            lead: truncate(&lead, LEAD_BYTES),
        }
    }

    /// Jaccard similarity of the two titles' word sets.
    pub fn title_similarity(&self, other: &Text) -> f64 {
        let mut a: Vec<&str> = words(&self.title).collect();
        let mut b: Vec<&str> = words(&other.title).collect();
        a.sort_unstable();
        a.dedup();
        b.sort_unstable();
        b.dedup();
        crate::sketch::sorted_jaccard(&a, &b)
    }
}

/// Streams each normalised word of `body` with its hash and, from the third word on, the
/// hash of the 3-shingle it ends.
fn for_each_hash(body: &str, mut each: impl FnMut(&str, u64, Option<u64>)) {
    let mut window = [0u64; 3];
    let mut count = 0usize;
    for_each_word(body, |word| {
        let h = hash64(4, word.as_bytes());
        window = [window[1], window[2], h];
        count += 1;
        each(word, h, (count >= 3).then(|| hash_words(&window)));
    });
}

/// The word 3-shingle hashes of a page's visible text, sorted and deduplicated: the
/// whole set that [`Text::shingles`] keeps a bottom-k sketch of. For studies of the
/// sketch itself (how much a sketch of k hashes loses against the exact set).
///
/// ```
/// use clonehound::{Limits, Page};
/// use clonehound::fingerprint::text_shingles;
/// let page = Page::from_html("<p>one two three four</p>", None);
/// assert_eq!(text_shingles(&page, &Limits::default()).len(), 2);
/// ```
pub fn text_shingles(page: &Page, limits: &Limits) -> Vec<u64> {
    let (extract, _) = crate::parse::extract(&page.html, limits, 1);
    let mut shingles = Vec::new();
    for_each_hash(&extract.body, |_, _, shingle| shingles.extend(shingle));
    shingles.sort_unstable();
    shingles.dedup();
    shingles
}

/// The hash of a word 3-shingle, from its words' hashes.
fn hash_words(words: &[u64; 3]) -> u64 {
    let mut bytes = [0u8; 24];
    for (chunk, w) in bytes.chunks_exact_mut(8).zip(words) {
        chunk.copy_from_slice(&w.to_le_bytes());
    }
    hash64(3, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_similarity_behaves() {
        let a = Text::build(
            "The quick brown fox jumps over the lazy dog near the river bank",
            "Fox | Acme",
            64,
        );
        let same = Text::build(
            "THE QUICK brown fox — jumps over the lazy dog, near the river bank!",
            "fox  acme",
            64,
        );
        let other = Text::build(
            "Completely different words about accounting and tax services",
            "Tax",
            64,
        );
        assert_eq!(a.shingles.jaccard(&same.shingles), 1.0);
        assert_eq!(a.title_similarity(&same), 1.0);
        assert_eq!(a.shingles.jaccard(&other.shingles), 0.0);
        assert!(a.words.jaccard(&other.words) < 0.1);
    }
}
