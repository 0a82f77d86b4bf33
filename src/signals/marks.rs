//! Brand marks: logos drawn as inline SVG, and logo image files.
//!
//! The tokenizer pass finds them (`parse/svg.rs` fingerprints an inline SVG's geometry,
//! blind to ids, colours, whitespace and number formatting); the brand compares them
//! with its own marks.

use serde::{Deserialize, Serialize};

/// A page's marks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marks {
    /// Geometry hashes of inline SVGs that stand for a logo (an `svg` or an ancestor
    /// whose class, id or label says logo or brand, or the first in the header), in
    /// page order, at most eight.
    pub svg_logos: Vec<u64>,
    /// Sources of images that stand for a logo (class, id, alt or file name says logo
    /// or brand, inside a logo element, or the first image of the header), at most
    /// eight.
    pub logo_images: Vec<String>,
}
