//! Bounds on what one input may cost, with safe defaults.

use serde::{Deserialize, Serialize};

/// Limits on the work and memory one input may take.
///
/// Pages come from attackers. Every limit here is either a hard refusal with
/// [`crate::Error::TooLarge`] (`max_page_bytes`, `max_site_pages`) or a documented,
/// flagged truncation (the rest: the fingerprint records `truncated = true`).
///
/// ```
/// use clonehound::Limits;
/// let limits = Limits::default().with_max_depth(256).with_max_page_bytes(1 << 20);
/// assert_eq!(limits.max_depth, 256);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Largest page accepted, in bytes; larger pages are refused.
    pub max_page_bytes: u64,
    /// Deepest element nesting tracked; deeper elements count at this depth.
    pub max_depth: usize,
    /// Most tags read per page; the rest of the page is skipped (flagged).
    pub max_tags: usize,
    /// Most attributes read per tag; the rest are ignored (flagged).
    pub max_attrs_per_tag: usize,
    /// Most bytes of visible text kept per page (flagged when cut).
    pub max_text_bytes: usize,
    /// Most bytes of inline script scanned for analytics IDs per page.
    pub max_script_bytes: usize,
    /// Most distinct items kept per explicit list (asset paths, hosts, e-mails…).
    pub max_items: usize,
    /// Most HTML pages read from one site directory; more is refused.
    pub max_site_pages: usize,
    /// Most bytes of HTML read from one site directory (the sum of its pages' sizes);
    /// more is refused before any page is read.
    pub max_site_bytes: u64,
    /// Deepest directory recursion when reading a site; a deeper directory is refused.
    pub max_dir_depth: usize,
    /// Longest page URL accepted, in bytes (a JSON Lines `url`, a WARC target URI);
    /// a longer one is refused with its record.
    pub max_url_bytes: usize,
    /// Most distinct favicon candidates tried per site (declared icons and the
    /// defaults); each distinct icon file is decoded at most once per site.
    pub max_icon_candidates: usize,
    /// Largest favicon file accepted, in bytes.
    pub max_favicon_bytes: u64,
    /// Largest favicon side in pixels, checked from the header before decoding.
    pub max_favicon_side: u32,
    /// Most memory one favicon decode may allocate, in bytes.
    pub max_favicon_alloc: u64,
    /// Most elements an SVG favicon may have with its `<use>` references expanded
    /// (reference bombs are refused before rendering).
    pub max_svg_elements: u64,
    /// Largest header block of a WARC record or an HTTP response, in bytes; also the
    /// longest header line.
    pub max_header_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_page_bytes: 16 << 20,
            max_depth: 256,
            max_tags: 200_000,
            max_attrs_per_tag: 64,
            max_text_bytes: 1 << 20,
            max_script_bytes: 1 << 20,
            max_items: 256,
            max_site_pages: 500,
            max_site_bytes: 128 << 20,
            max_dir_depth: 16,
            max_url_bytes: 64 << 10,
            max_icon_candidates: 16,
            max_favicon_bytes: 1 << 20,
            max_favicon_side: 4096,
            max_favicon_alloc: 64 << 20,
            max_svg_elements: 20_000,
            max_header_bytes: 64 << 10,
        }
    }
}

macro_rules! setter {
    ($name:ident, $field:ident, $ty:ty, $default:literal) => {
        #[doc = concat!("Sets `", stringify!($field), "`.\n\n# Default\n", $default)]
        #[must_use]
        pub fn $name(mut self, value: $ty) -> Self {
            self.$field = value;
            self
        }
    };
}

impl Limits {
    setter!(with_max_page_bytes, max_page_bytes, u64, "16 MiB.");
    setter!(with_max_depth, max_depth, usize, "256 levels.");
    setter!(with_max_tags, max_tags, usize, "200,000 tags.");
    setter!(
        with_max_attrs_per_tag,
        max_attrs_per_tag,
        usize,
        "64 attributes."
    );
    setter!(with_max_text_bytes, max_text_bytes, usize, "1 MiB.");
    setter!(with_max_script_bytes, max_script_bytes, usize, "1 MiB.");
    setter!(with_max_items, max_items, usize, "256 items per list.");
    setter!(with_max_site_pages, max_site_pages, usize, "500 pages.");
    setter!(with_max_site_bytes, max_site_bytes, u64, "128 MiB.");
    setter!(with_max_dir_depth, max_dir_depth, usize, "16 levels.");
    setter!(with_max_url_bytes, max_url_bytes, usize, "64 KiB.");
    setter!(
        with_max_icon_candidates,
        max_icon_candidates,
        usize,
        "16 candidates."
    );
    setter!(with_max_favicon_bytes, max_favicon_bytes, u64, "1 MiB.");
    setter!(with_max_favicon_side, max_favicon_side, u32, "4096 pixels.");
    setter!(with_max_favicon_alloc, max_favicon_alloc, u64, "64 MiB.");
    setter!(
        with_max_svg_elements,
        max_svg_elements,
        u64,
        "20,000 elements."
    );
    setter!(with_max_header_bytes, max_header_bytes, usize, "64 KiB.");
}
