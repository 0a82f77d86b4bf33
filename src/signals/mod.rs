//! The signals a fingerprint is made of, one module each.
//!
//! `structure` and `style` are bottom-k [`crate::fingerprint::Sketch`]es fed while the tokenizer runs
//! (`parse/`); `text`, `assets` and `identity` are built from what that pass collects;
//! `favicon` is per site.

pub mod assets;
mod css;
pub mod favicon;
pub mod identity;
pub mod marks;
pub mod structure;
pub mod style;
pub mod text;
