//! The hashes the tokenizer pass feeds to the structure and style sketches as tags
//! stream by: tag paths and 4-grams (the structure signal), class tokens and ids (the
//! style signal). The signals compare the sketches; what goes in them is decided here.

use crate::sketch::hash64;

/// The hash of a tag name, kept on the element stack for the paths below it.
pub(super) fn tag(name: &str) -> u64 {
    hash64(0, name.as_bytes())
}

/// Shingle of a tag under its nearest ancestors (nearest first, at most three).
pub(super) fn path(tag: u64, ancestors: impl Iterator<Item = u64>) -> u64 {
    let mut path = [tag, 0, 0, 0];
    for (slot, ancestor) in path.iter_mut().skip(1).zip(ancestors) {
        *slot = ancestor;
    }
    hash_u64s(1, &path)
}

/// Shingle of the last four start tags in document order.
pub(super) fn gram(recent: &[u64; 4]) -> u64 {
    hash_u64s(2, recent)
}

fn hash_u64s(domain: u64, values: &[u64; 4]) -> u64 {
    let mut bytes = [0u8; 32];
    for (chunk, v) in bytes.chunks_exact_mut(8).zip(values) {
        chunk.copy_from_slice(&v.to_le_bytes());
    }
    hash64(domain, &bytes)
}

/// Hash of one class token.
pub(super) fn class_token(token: &str) -> u64 {
    hash64(1, token.as_bytes())
}

/// Hash of one id.
pub(super) fn id_token(id: &str) -> u64 {
    hash64(2, id.as_bytes())
}
