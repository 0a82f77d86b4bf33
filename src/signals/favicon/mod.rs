//! Favicons: decoded whatever format copiers use, hashed perceptually and exactly.
//!
//! Copies nearly always carry the brand's favicon, byte-identical or re-saved; a rebrand
//! swaps it. The perceptual hash sees through re-encoding, resizing and palette changes;
//! the exact hashes (SHA-256 and MD5 as Censys stores them, and Shodan's MurmurHash3 of the
//! base64 text) are for pivoting in other tools.

pub(crate) mod discover;
mod ico;
mod svg;

use std::io::Cursor;

use base64::Engine;
use image::{DynamicImage, ImageFormat, ImageReader, RgbaImage};
use image_hasher::{HashAlg, HasherConfig, ImageHash};
use md5::Md5;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Error, Limits, Result};

/// Bits in the perceptual hash.
pub const HASH_BITS: u32 = 256;

/// Perceptual distance (of [`HASH_BITS`]) at or under which two icons are the same.
///
/// Chosen with the algorithm by measurement on generated icons
/// (`cargo run --release --example favicon_robustness`): image_hasher's `Mean` on a
/// 16×16 grid at distance ≤ 16 keeps 99.88% of re-saved copies (re-encoded, resized
/// 16–180 px, palette-reduced, recoloured) and admits 0.73% of distinct designs. `Mean`
/// 8×8 at ≤ 6 also passes (99.14% / 0.65%) with less margin; gradient, double-gradient
/// 8×8, blockhash and DCT-median hashes miss one bound or the other.
pub const MATCH_DISTANCE: u32 = 16;

/// The perceptual hash's name, as stored beside it.
pub const HASH_ALG: &str = "mean-16x16";

/// A favicon as `clonehound favicon --format json` shows it ([`Favicon::report`]).
#[derive(Clone, Debug, Serialize)]
pub struct FaviconReport<'a> {
    /// The icon, its fields at the top level.
    #[serde(flatten)]
    pub favicon: &'a Favicon,
    /// Shodan's hash printed unsigned, as some tools print it.
    pub shodan_unsigned: u32,
    /// The perceptual hash's algorithm ([`HASH_ALG`]).
    pub phash_algorithm: &'static str,
}

/// The favicon signal: where the icon came from and its hashes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Favicon {
    /// The icon chosen: an `href`, `data:` URI (shortened) or a file path.
    pub source: String,
    /// Why it was chosen (`<link rel="icon">`, default `/favicon.ico`, …).
    pub reason: String,
    /// The format sniffed from the bytes (`png`, `ico`, `svg`, …), never from a name.
    pub format: String,
    /// Width of the decoded image (the largest entry of an ICO); 0 when it could not be
    /// decoded.
    pub width: u32,
    /// Height of the decoded image; 0 when it could not be decoded.
    pub height: u32,
    /// Perceptual hash ([`HASH_ALG`]), 64 hex digits; absent when the icon could not be
    /// decoded ([`Favicon::phash_note`] says why). The exact hashes below never depend
    /// on decoding: they are of the bytes the server sent.
    pub phash: Option<String>,
    /// Why there is no perceptual hash, when there is none. (Always serialised: the
    /// index stores fingerprints in postcard, which cannot skip fields.)
    #[serde(default)]
    pub phash_note: Option<String>,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// MD5 of the file's bytes, hex.
    pub md5: String,
    /// Shodan's `http.favicon.hash`: MurmurHash3 (x86, 32-bit, seed 0) of the bytes'
    /// MIME base64 (a newline every 76 characters and at the end), as a signed integer.
    pub shodan: i32,
}

impl Favicon {
    /// Reads and hashes an icon file. The read is bounded by
    /// [`Limits::max_favicon_bytes`] before anything is read ([`Error::TooLarge`]), and
    /// a device, FIFO or directory is refused ([`Error::NotRead`]).
    ///
    /// ```
    /// use clonehound::{Error, Limits, fingerprint::Favicon};
    /// let err = Favicon::from_path("/dev/zero", &Limits::default()).unwrap_err();
    /// assert!(matches!(err, Error::NotRead { .. }));
    /// ```
    pub fn from_path(path: impl AsRef<std::path::Path>, limits: &Limits) -> Result<Favicon> {
        let path = path.as_ref();
        let bytes = crate::input::read_bounded(path, limits.max_favicon_bytes, "favicon bytes")?;
        Favicon::from_bytes(
            &bytes,
            &path.display().to_string(),
            "the file given",
            limits,
        )
    }

    /// Hashes a favicon's bytes and decodes it, within `limits`. The exact hashes
    /// (SHA-256, MD5, Shodan's) are of the bytes, whatever they hold; an icon that does
    /// not decode has no perceptual hash, and [`Favicon::phash_note`] says why. Only
    /// bytes over [`Limits::max_favicon_bytes`] are refused ([`Error::TooLarge`]).
    ///
    /// ```
    /// use clonehound::{Limits, fingerprint::Favicon};
    /// let icon = Favicon::from_bytes(b"not an image", "x.ico", "test", &Limits::default())?;
    /// assert!(icon.phash.is_none() && icon.phash_note.is_some());
    /// assert_eq!(icon.md5, "f4d3390ee84008b4b4192b3a93bfa089");
    /// Ok::<(), clonehound::Error>(())
    /// ```
    pub fn from_bytes(
        bytes: &[u8],
        source: &str,
        reason: &str,
        limits: &Limits,
    ) -> Result<Favicon> {
        let actual = bytes.len() as u64;
        if actual > limits.max_favicon_bytes {
            return Err(Error::TooLarge {
                what: "favicon bytes",
                limit: limits.max_favicon_bytes,
                actual,
            });
        }
        let exact = Favicon {
            source: shorten(source),
            reason: reason.to_owned(),
            sha256: hex(&Sha256::digest(bytes)),
            md5: hex(&Md5::digest(bytes)),
            shodan: shodan_hash(bytes),
            ..Favicon::default()
        };
        Ok(match decode(bytes, limits) {
            Ok((format, image)) => Favicon {
                format,
                width: image.width(),
                height: image.height(),
                phash: Some(hex(perceptual(&image, HashAlg::Mean, 16).as_bytes())),
                ..exact
            },
            Err(e) => Favicon {
                format: sniffed_format(bytes),
                phash_note: Some(e.to_string()),
                ..exact
            },
        })
    }

    /// True when the icon was decoded and has a perceptual hash.
    pub fn decoded(&self) -> bool {
        self.phash.is_some()
    }

    /// What `clonehound favicon --format json` writes: the icon's fields, Shodan's
    /// hash unsigned too, and the perceptual hash's algorithm.
    ///
    /// ```
    /// use clonehound::{Limits, fingerprint::Favicon};
    /// let icon = Favicon::from_bytes(b"not an image", "x.ico", "test", &Limits::default())?;
    /// let json = serde_json::to_value(icon.report()).map_err(|e| e.to_string())?;
    /// assert_eq!(json["shodan_unsigned"], icon.shodan_unsigned());
    /// assert_eq!(json["md5"], icon.md5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn report(&self) -> FaviconReport<'_> {
        FaviconReport {
            favicon: self,
            shodan_unsigned: self.shodan_unsigned(),
            phash_algorithm: HASH_ALG,
        }
    }

    /// Shodan's hash printed unsigned, as some tools print it.
    pub fn shodan_unsigned(&self) -> u32 {
        self.shodan as u32
    }

    /// Bits in which the two perceptual hashes differ ([`HASH_BITS`] when either is
    /// unreadable).
    pub fn distance(&self, other: &Favicon) -> u32 {
        let bits = |f: &Favicon| f.phash.as_deref().and_then(unhex).filter(|b| !b.is_empty());
        match (bits(self), bits(other)) {
            (Some(a), Some(b)) if a.len() == b.len() => {
                a.iter().zip(&b).map(|(x, y)| (x ^ y).count_ones()).sum()
            }
            _ => HASH_BITS,
        }
    }

    /// Similarity in [0, 1]: 1 for identical bytes, `1 - distance/HASH_BITS` otherwise.
    pub fn similarity(&self, other: &Favicon) -> f64 {
        if self.sha256 == other.sha256 {
            return 1.0;
        }
        1.0 - f64::from(self.distance(other)) / f64::from(HASH_BITS)
    }

    /// True when the icons are the same picture ([`MATCH_DISTANCE`]).
    pub fn matches(&self, other: &Favicon) -> bool {
        self.distance(other) <= MATCH_DISTANCE
    }
}

fn shorten(source: &str) -> String {
    if source.len() > 96 {
        format!("{}…", crate::normalize::truncate(source, 64))
    } else {
        source.to_owned()
    }
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A favicon's hashes as text for people, as `clonehound favicon` prints them: where it
/// came from, its format, the Shodan, MD5 and SHA-256 hashes and the perceptual hash
/// (or why there is none). Text from pages cannot steer a terminal.
///
/// ```
/// use clonehound::{Limits, fingerprint::Favicon};
/// let icon = Favicon::from_bytes(b"not an image", "inline", "test", &Limits::default())?;
/// assert!(icon.to_string().contains("phash        none"));
/// # Ok::<(), clonehound::Error>(())
/// ```
impl std::fmt::Display for Favicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::shown::shown;
        writeln!(
            f,
            "source       {} ({})",
            shown(&self.source),
            shown(&self.reason)
        )?;
        writeln!(
            f,
            "format       {} {}x{}",
            self.format, self.width, self.height
        )?;
        writeln!(
            f,
            "shodan       http.favicon.hash:{}   (unsigned {})",
            self.shodan,
            self.shodan_unsigned()
        )?;
        writeln!(f, "md5          {}", self.md5)?;
        writeln!(f, "sha256       {}", self.sha256)?;
        match (&self.phash, &self.phash_note) {
            (Some(phash), _) => writeln!(f, "phash        {phash} ({HASH_ALG})"),
            (None, note) => writeln!(
                f,
                "phash        none: {}",
                shown(note.as_deref().unwrap_or("not decoded"))
            ),
        }
    }
}

/// MurmurHash3 x86_32, seed 0, over base64 with a newline every 76 characters and a
/// trailing one (Python's `base64.encodebytes`, which Shodan uses).
pub(crate) fn shodan_hash(bytes: &[u8]) -> i32 {
    let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut text = String::with_capacity(b64.len() + b64.len() / 76 + 1);
    for chunk in b64.as_bytes().chunks(76) {
        text.push_str(std::str::from_utf8(chunk).unwrap_or(""));
        text.push('\n');
    }
    murmur3::murmur3_32(&mut Cursor::new(text.as_bytes()), 0).unwrap_or(0) as i32
}

/// The perceptual hash of an image (already composited on white, as [`decode`] returns
/// it), with `alg` at `side` x `side` bits: the step of [`Favicon::from_bytes`] that the
/// favicon study (`clonehound-eval`) varies.
///
/// ```
/// use clonehound::fingerprint::favicon::{HASH_BITS, perceptual};
/// let image = image::RgbaImage::from_pixel(32, 32, image::Rgba([200, 30, 40, 255]));
/// let hash = perceptual(&image, image_hasher::HashAlg::Mean, 16);
/// assert_eq!(hash.as_bytes().len() * 8, HASH_BITS as usize);
/// ```
pub fn perceptual(image: &RgbaImage, alg: HashAlg, side: u32) -> ImageHash {
    let hasher = HasherConfig::new()
        .hash_size(side, side)
        .hash_alg(alg)
        .to_hasher();
    hasher.hash_image(&DynamicImage::ImageRgba8(image.clone()))
}

/// The format the bytes say they are, for an icon that could not be decoded.
fn sniffed_format(bytes: &[u8]) -> String {
    if is_svg(bytes) {
        return "svg".to_owned();
    }
    image::guess_format(bytes)
        .ok()
        .and_then(|f| f.extensions_str().first().copied())
        .unwrap_or("unknown")
        .to_owned()
}

fn is_svg(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(bytes.get(..bytes.len().min(1024)).unwrap_or_default())
        .to_ascii_lowercase();
    head.contains("<svg")
}

/// Decodes any supported format (PNG, ICO, GIF, JPEG, BMP, WebP, SVG) into RGBA
/// composited on a white background, within `limits`; returns the format's name too.
///
/// ```
/// use clonehound::Limits;
/// use clonehound::fingerprint::favicon::decode;
/// assert!(decode(b"not an image", &Limits::default()).is_err());
/// ```
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<(String, RgbaImage)> {
    if is_svg(bytes) {
        return Ok(("svg".to_owned(), svg::render_svg(bytes, limits)?));
    }
    let format = image::guess_format(bytes)
        .map_err(|e| Error::Favicon(format!("unknown image format: {e}")))?;
    if !matches!(
        format,
        ImageFormat::Png
            | ImageFormat::Ico
            | ImageFormat::Gif
            | ImageFormat::Jpeg
            | ImageFormat::Bmp
            | ImageFormat::WebP
    ) {
        return Err(Error::Favicon(format!(
            "unsupported image format {format:?}"
        )));
    }
    let image = match decode_as(bytes, format, limits) {
        // What browsers and Pillow read, image's strict ICO reader refuses: a last entry
        // cut short, a directory whose sizes are wrong. Read the best entry on its own.
        Err(e) if format == ImageFormat::Ico => ico::best_entry(bytes, limits)
            .ok_or(e)
            .and_then(|entry| decode_as(&entry.bytes, entry.format, limits))?,
        other => other?,
    };
    let name = format
        .extensions_str()
        .first()
        .copied()
        .unwrap_or("image")
        .to_owned();
    Ok((name, on_white(image.to_rgba8())))
}

fn decode_as(bytes: &[u8], format: ImageFormat, limits: &Limits) -> Result<DynamicImage> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut bounds = image::Limits::default();
    bounds.max_image_width = Some(limits.max_favicon_side);
    bounds.max_image_height = Some(limits.max_favicon_side);
    bounds.max_alloc = Some(limits.max_favicon_alloc);
    reader.limits(bounds);
    reader.decode().map_err(|e| match e {
        image::ImageError::Limits(l) => Error::Favicon(format!("over the favicon limits: {l}")),
        other => Error::Favicon(format!("cannot decode {format:?}: {other}")),
    })
}

/// Composites an image on white, so a transparent icon hashes as a browser shows it on
/// a light tab.
///
/// ```
/// use clonehound::fingerprint::favicon::on_white;
/// let clear = image::RgbaImage::from_pixel(1, 1, image::Rgba([0, 0, 0, 0]));
/// assert_eq!(on_white(clear).get_pixel(0, 0).0, [255, 255, 255, 255]);
/// ```
pub fn on_white(mut image: RgbaImage) -> RgbaImage {
    for p in image.pixels_mut() {
        let [r, g, b, a] = p.0;
        let blend =
            |c: u8| ((u32::from(c) * u32::from(a) + 255 * (255 - u32::from(a))) / 255) as u8;
        p.0 = [blend(r), blend(g), blend(b), 255];
    }
    image
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Vectors produced independently with Python 3.11, mmh3 5.x and the standard
    /// library, as Shodan documents its favicon hash:
    /// `mmh3.hash(base64.encodebytes(data))`, `hashlib.md5(data).hexdigest()`.
    #[test]
    fn shodan_hash_matches_python_mmh3() {
        let ico: Vec<u8> = b"\x00\x00\x01\x00\x01\x00\x10\x10"
            .iter()
            .copied()
            .chain((0..992u32).map(|i| (i * 7 % 256) as u8))
            .collect();
        let cases: [(&[u8], i32, u32, &str); 4] = [
            (b"", 0, 0, "d41d8cd98f00b204e9800998ecf8427e"),
            (
                b"favicon",
                1_051_234_394,
                1_051_234_394,
                "d02a42d9cb3dec9320e5f550278911c7",
            ),
            (
                &(0..=255u8).collect::<Vec<u8>>(),
                -757_223_386,
                3_537_743_910,
                "e2c865db4162bed963bfaa9ef6ac18f0",
            ),
            (
                &ico,
                -469_530_237,
                3_825_437_059,
                "51f77631d45f57d66478f33bf3f01c93",
            ),
        ];
        for (data, signed, unsigned, md5) in cases {
            assert_eq!(shodan_hash(data), signed);
            assert_eq!(shodan_hash(data) as u32, unsigned);
            assert_eq!(hex(&Md5::digest(data)), md5);
        }
    }

    #[test]
    fn bad_bytes_keep_their_exact_hashes() {
        let limits = Limits::default();
        for (bytes, format) in [
            (&b""[..], "unknown"),
            (b"GIF89a\x10\x00", "gif"),
            (b"\x89PNG\r\n\x1a\nxx", "png"),
            (b"<svg><unclosed", "svg"),
            (b"plain text", "unknown"),
        ] {
            let icon = Favicon::from_bytes(bytes, "x", "t", &limits).unwrap();
            assert!(!icon.decoded() && icon.phash_note.is_some(), "{bytes:?}");
            assert_eq!(icon.format, format);
            assert_eq!(icon.shodan, shodan_hash(bytes));
            assert_eq!(icon.sha256, hex(&Sha256::digest(bytes)));
            // Two undecodable icons are not alike for lacking a picture.
            let other = Favicon::from_bytes(b"other junk", "y", "t", &limits).unwrap();
            assert_eq!(icon.distance(&other), HASH_BITS);
            assert!(!icon.matches(&other));
        }
        let big = vec![0u8; 2 << 20];
        assert!(matches!(
            Favicon::from_bytes(&big, "x", "t", &limits),
            Err(Error::TooLarge { .. })
        ));
    }
}
