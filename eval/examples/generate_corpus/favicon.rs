//! 16×16 ICO favicons written by hand (a 32-bit BMP inside an ICO container), so the
//! generator needs no image crate. A firm's icon is a white shape on its colour.

pub struct Icon {
    pub rgb: [u8; 3],
    pub shape: usize,
}

impl Icon {
    fn inside(&self, x: i32, y: i32) -> bool {
        let (dx, dy) = (x - 8, y - 8);
        match self.shape % 5 {
            0 => dx * dx + dy * dy <= 25,
            1 => dx.abs() <= 4 && dy.abs() <= 4,
            2 => dx.abs() + dy.abs() <= 5,
            3 => {
                (3..=12).contains(&y)
                    && (x == 4 || x == 5 || x == 10 || x == 11 || (7..=8).contains(&y))
            }
            _ => {
                (4..=12).contains(&y) && (x - 4 == (y - 4) / 2 || 12 - x == (y - 4) / 2 || y == 12)
            }
        }
    }

    /// The icon as ICO bytes.
    pub fn ico(&self) -> Vec<u8> {
        let mut pixels = Vec::with_capacity(16 * 16 * 4);
        for row in (0..16).rev() {
            for col in 0..16 {
                let [r, g, b] = if self.inside(col, row) {
                    [255, 255, 255]
                } else {
                    self.rgb
                };
                pixels.extend_from_slice(&[b, g, r, 255]);
            }
        }
        let image_len = 40 + pixels.len() + 64;
        let mut out = Vec::new();
        out.extend_from_slice(&[0, 0, 1, 0, 1, 0]);
        out.extend_from_slice(&[16, 16, 0, 0, 1, 0, 32, 0]);
        out.extend_from_slice(&(image_len as u32).to_le_bytes());
        out.extend_from_slice(&22u32.to_le_bytes());
        out.extend_from_slice(&40u32.to_le_bytes());
        out.extend_from_slice(&16i32.to_le_bytes());
        out.extend_from_slice(&32i32.to_le_bytes());
        out.extend_from_slice(&1u16.to_le_bytes());
        out.extend_from_slice(&32u16.to_le_bytes());
        out.extend_from_slice(&[0; 24]);
        out.extend_from_slice(&pixels);
        out.extend_from_slice(&[0; 64]);
        out
    }

    /// The same icon slightly recoloured, as copiers' re-saved icons are.
    pub fn recoloured(&self) -> Icon {
        let [r, g, b] = self.rgb;
        Icon {
            rgb: [
                r.saturating_add(18),
                g.saturating_sub(12),
                b.saturating_add(9),
            ],
            shape: self.shape,
        }
    }
}
