//! ICO files as browsers and Pillow read them, where image's reader is strict.
//!
//! Real icons are often slightly broken: the last entry one byte short of the size
//! its directory gives (a file cut by a careless save), a directory whose width and
//! height disagree with the image inside, a PNG stored as an entry. Browsers show them
//! all. This reads the directory ourselves, takes the best entry (largest, then
//! deepest colour) by what the entry itself says it is, and hands it on alone: a PNG as
//! a PNG, a bitmap inside a well-formed one-entry ICO, padded with zeros to the length
//! its own header needs when it was cut short.

use image::ImageFormat;

use crate::Limits;

/// One entry, ready for a strict decoder.
pub(crate) struct Entry {
    pub(crate) bytes: Vec<u8>,
    pub(crate) format: ImageFormat,
}

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Width, height and bits per pixel.
type Dimensions = (u32, u32, u16);

/// An entry's image as it describes itself.
fn dimensions(data: &[u8]) -> Option<Dimensions> {
    if data.starts_with(PNG_MAGIC) {
        let be = |at: usize| Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?));
        return Some((be(16)?, be(20)?, 32));
    }
    let width = u32_at(data, 4)?;
    // A bitmap in an icon stores twice its height: the colours, then the mask.
    let height = u32_at(data, 8)? / 2;
    Some((width, height, u16_at(data, 14)?))
}

/// The bytes a bitmap entry needs: its header, palette, colour rows and mask rows.
fn bitmap_len(data: &[u8], width: u32, height: u32, bpp: u16) -> Option<u64> {
    let header = u64::from(u32_at(data, 0)?);
    let palette = if bpp <= 8 {
        let used = u64::from(u32_at(data, 32).unwrap_or(0));
        4 * if used == 0 { 1u64 << bpp } else { used }
    } else {
        0
    };
    let row = |bits: u64| (u64::from(width) * bits).div_ceil(32) * 4;
    Some(header + palette + (row(u64::from(bpp)) + row(1)) * u64::from(height))
}

/// The best entry of an ICO (or CUR) file, alone; `None` when there is none to read.
pub(crate) fn best_entry(bytes: &[u8], limits: &Limits) -> Option<Entry> {
    if u16_at(bytes, 0)? != 0 || !matches!(u16_at(bytes, 2)?, 1 | 2) {
        return None;
    }
    let count = usize::from(u16_at(bytes, 4)?);
    // The best so far: its area and depth (what ranks it), its bytes and dimensions.
    let mut best: Option<((u64, u16), &[u8], Dimensions)> = None;
    for i in 0..count {
        let at = 6 + 16 * i;
        let (size, offset) = (u32_at(bytes, at + 8)?, u32_at(bytes, at + 12)?);
        let start = usize::try_from(offset).ok()?;
        let end = start
            .saturating_add(usize::try_from(size).ok()?)
            .min(bytes.len());
        let Some(data) = bytes.get(start..end) else {
            continue;
        };
        let Some(dims @ (w, h, bpp)) = dimensions(data) else {
            continue;
        };
        if w == 0 || h == 0 || w > limits.max_favicon_side || h > limits.max_favicon_side {
            continue;
        }
        let rank = (u64::from(w) * u64::from(h), bpp);
        if best.is_none_or(|(r, _, _)| rank > r) {
            best = Some((rank, data, dims));
        }
    }
    let (_, data, (width, height, bpp)) = best?;
    if data.starts_with(PNG_MAGIC) {
        return Some(Entry {
            bytes: data.to_vec(),
            format: ImageFormat::Png,
        });
    }
    let needed = bitmap_len(data, width, height, bpp)?;
    if needed > limits.max_favicon_alloc {
        return None;
    }
    let mut entry = data.to_vec();
    entry.resize(usize::try_from(needed).ok()?.max(data.len()), 0);
    let mut ico = vec![0, 0, 1, 0, 1, 0];
    // Width and height 256 are written as 0.
    ico.extend([(width % 256) as u8, (height % 256) as u8, 0, 0]);
    ico.extend(1u16.to_le_bytes());
    ico.extend(bpp.to_le_bytes());
    ico.extend(u32::try_from(entry.len()).ok()?.to_le_bytes());
    ico.extend(22u32.to_le_bytes());
    ico.extend(entry);
    Some(Entry {
        bytes: ico,
        format: ImageFormat::Ico,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2x2 32-bit icon, its directory and its bitmap as a saver writes them.
    fn icon(declared: (u8, u8), cut: usize) -> Vec<u8> {
        let mut dib = Vec::new();
        for v in [40u32, 2, 4] {
            dib.extend(v.to_le_bytes());
        }
        dib.extend(1u16.to_le_bytes());
        dib.extend(32u16.to_le_bytes());
        dib.extend([0u8; 24]);
        dib.extend([0x20, 0x40, 0xC0, 0xFF].repeat(4));
        dib.extend([0u8; 8]);
        let mut ico = vec![0, 0, 1, 0, 1, 0, declared.0, declared.1, 0, 0, 1, 0, 32, 0];
        ico.extend((dib.len() as u32).to_le_bytes());
        ico.extend(22u32.to_le_bytes());
        ico.extend(&dib);
        ico.truncate(ico.len() - cut);
        ico
    }

    #[test]
    fn short_entries_and_wrong_directories_are_read() {
        let limits = Limits::default();
        for (declared, cut) in [((2, 2), 0), ((2, 2), 1), ((2, 2), 7), ((16, 16), 1)] {
            let entry = best_entry(&icon(declared, cut), &limits).unwrap();
            assert_eq!(entry.format, ImageFormat::Ico);
            let image = image::load_from_memory_with_format(&entry.bytes, ImageFormat::Ico);
            let image = image
                .map_err(|e| format!("{declared:?} cut {cut}: {e}"))
                .unwrap();
            assert_eq!((image.width(), image.height()), (2, 2));
        }
        assert!(best_entry(b"\0\0\x01\0\x01\0", &limits).is_none());
        assert!(best_entry(b"not an icon", &limits).is_none());
    }
}
