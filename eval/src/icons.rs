//! Favicon robustness, measured on icons generated here: shapes and letters in several
//! colours, copied the ways copiers re-save icons (re-encoded, resized, palette-reduced,
//! recoloured) and compared with distinct designs.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat, Rgba, RgbaImage};

use clonehound::Limits;
use clonehound::fingerprint::favicon::{decode, on_white, perceptual};

/// Perceptual hash algorithms that can be measured, by name.
pub const ALGORITHMS: [&str; 5] = [
    "mean",
    "gradient",
    "double-gradient",
    "blockhash",
    "median-dct",
];

fn alg(name: &str) -> image_hasher::HashAlg {
    use image_hasher::HashAlg::*;
    match name {
        "mean" => Mean,
        "gradient" => Gradient,
        "blockhash" => Blockhash,
        "median-dct" => Median,
        _ => DoubleGradient,
    }
}

const FONT: [(char, [u8; 7]); 10] = [
    ('A', [0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11]),
    ('C', [0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E]),
    ('E', [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F]),
    ('H', [0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11]),
    ('K', [0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11]),
    ('M', [0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11]),
    ('P', [0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10]),
    ('S', [0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E]),
    ('T', [0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04]),
    ('X', [0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11]),
];

const SCHEMES: [([u8; 3], [u8; 4]); 6] = [
    ([255, 255, 255], [24, 119, 242, 255]),
    ([20, 20, 20], [250, 200, 40, 255]),
    ([200, 30, 40], [255, 255, 255, 255]),
    ([40, 160, 80], [0, 0, 0, 0]),
    ([90, 40, 160], [240, 240, 240, 255]),
    ([255, 120, 0], [10, 40, 80, 255]),
];

/// Number of designs: 8 shapes and 10 letters.
pub const DESIGNS: usize = 18;

fn inside(design: usize, x: f32, y: f32) -> bool {
    let (dx, dy) = (x - 32.0, y - 32.0);
    let r = (dx * dx + dy * dy).sqrt();
    match design {
        0 => r < 22.0,
        1 => dx.abs() < 18.0 && dy.abs() < 18.0,
        2 => y > 12.0 && y < 52.0 && dx.abs() < (y - 12.0) * 0.6,
        3 => (14.0..24.0).contains(&r),
        4 => ((y as i32) / 8) % 2 == 0 && (8.0..56.0).contains(&y),
        5 => dx.abs() < 6.0 || dy.abs() < 6.0,
        6 => (dx - dy).abs() < 8.0,
        7 => dx.abs() + dy.abs() < 24.0,
        d => {
            let Some((_, rows)) = FONT.get(d - 8) else {
                return false;
            };
            let (col, row) = (((x - 12.0) / 8.0).floor(), ((y - 4.0) / 8.0).floor());
            if !(0.0..5.0).contains(&col) || !(0.0..7.0).contains(&row) {
                return false;
            }
            rows.get(row as usize)
                .is_some_and(|bits| bits >> (4 - col as u32) & 1 == 1)
        }
    }
}

/// A 64×64 icon of `design` in colour `scheme`.
pub fn icon(design: usize, scheme: usize) -> RgbaImage {
    let (fg, bg) = SCHEMES
        .get(scheme % SCHEMES.len())
        .copied()
        .unwrap_or(([0; 3], [255; 4]));
    RgbaImage::from_fn(64, 64, |x, y| {
        if inside(design, x as f32 + 0.5, y as f32 + 0.5) {
            Rgba([fg[0], fg[1], fg[2], 255])
        } else {
            Rgba(bg)
        }
    })
}

fn encode(image: &RgbaImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    let dynamic = DynamicImage::ImageRgba8(image.clone());
    // A failed encode leaves no bytes, which decodes to an error and counts as a miss.
    let _ = dynamic.write_to(&mut out, format);
    out.into_inner()
}

/// JPEG has no alpha: editors flatten transparency onto white before saving.
fn jpeg(image: &RgbaImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let rgb = DynamicImage::ImageRgba8(on_white(image.clone())).to_rgb8();
    let _ = JpegEncoder::new_with_quality(&mut out, quality).encode_image(&rgb);
    out
}

fn resized(image: &RgbaImage, side: u32) -> RgbaImage {
    image::imageops::resize(image, side, side, FilterType::Triangle)
}

/// The ways a copier re-saves an icon, each as file bytes.
pub fn copies(image: &RgbaImage) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![
        ("png".to_owned(), encode(image, ImageFormat::Png)),
        (
            "ico-32".to_owned(),
            encode(&resized(image, 32), ImageFormat::Ico),
        ),
        (
            "ico-48".to_owned(),
            encode(&resized(image, 48), ImageFormat::Ico),
        ),
        ("gif".to_owned(), encode(image, ImageFormat::Gif)),
        ("webp".to_owned(), encode(image, ImageFormat::WebP)),
        ("jpeg-70".to_owned(), jpeg(image, 70)),
        ("jpeg-90".to_owned(), jpeg(image, 90)),
        ("bmp".to_owned(), encode(image, ImageFormat::Bmp)),
    ];
    for side in [16, 32, 48, 180] {
        out.push((
            format!("png-{side}px"),
            encode(&resized(image, side), ImageFormat::Png),
        ));
    }
    out.push((
        "ico-16px".to_owned(),
        encode(&resized(image, 16), ImageFormat::Ico),
    ));
    let mut palette = image.clone();
    for p in palette.pixels_mut() {
        for c in p.0.iter_mut().take(3) {
            *c &= 0xE0;
        }
    }
    out.push((
        "palette-8-levels".to_owned(),
        encode(&palette, ImageFormat::Png),
    ));
    let mut recoloured = image.clone();
    for p in recoloured.pixels_mut() {
        let [r, g, b, a] = p.0;
        p.0 = [
            r.saturating_add(18),
            g.saturating_sub(12),
            b.saturating_add(9),
            a,
        ];
    }
    out.push((
        "recoloured".to_owned(),
        encode(&recoloured, ImageFormat::Png),
    ));
    out
}

/// Perceptual distances of copies to their original, and of distinct designs.
#[derive(Debug, Default)]
pub struct Distances {
    /// (copy kind, distance) for each copy of each icon.
    pub copies: Vec<(String, u32)>,
    /// Distance for each pair of icons of different designs.
    pub distinct: Vec<u32>,
}

impl Distances {
    /// Share of copies within `threshold`, and share of distinct pairs within it.
    pub fn rates(&self, threshold: u32) -> (f64, f64) {
        let share = |d: &mut dyn Iterator<Item = u32>, n: usize| {
            d.filter(|&x| x <= threshold).count() as f64 / n.max(1) as f64
        };
        (
            share(&mut self.copies.iter().map(|c| c.1), self.copies.len()),
            share(&mut self.distinct.iter().copied(), self.distinct.len()),
        )
    }
}

/// Measures `algorithm` (one of [`ALGORITHMS`]) with a `side`×`side` hash over every
/// generated icon.
pub fn measure(algorithm: &str, side: u32) -> Distances {
    let limits = Limits::default();
    let hash = |bytes: &[u8]| {
        decode(bytes, &limits)
            .ok()
            .map(|(_, img)| perceptual(&img, alg(algorithm), side))
    };
    let mut originals = Vec::new();
    let mut out = Distances::default();
    for design in 0..DESIGNS {
        for scheme in 0..SCHEMES.len() {
            let image = icon(design, scheme);
            let Some(original) = hash(&encode(&image, ImageFormat::Png)) else {
                continue;
            };
            for (kind, bytes) in copies(&image) {
                let d = hash(&bytes).map_or(64, |h| h.dist(&original));
                out.copies.push((kind, d));
            }
            originals.push((design, original));
        }
    }
    for (i, (da, a)) in originals.iter().enumerate() {
        for (db, b) in originals.iter().skip(i + 1) {
            if da != db {
                out.distinct.push(a.dist(b));
            }
        }
    }
    out
}
