//! The signals a fingerprint is made of, one module each.
//!
//! `structure` (tag paths and tag 4-grams, blind to text and attribute values) and
//! `style` (class and id tokens) are bottom-k [`crate::Sketch`]es built while the
//! tokenizer runs (see `parse.rs`); the richer signals have modules of their own.

pub mod assets;
pub mod favicon;
pub mod identity;
pub mod text;
