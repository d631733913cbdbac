//! Anti-aliased discs and rings rasterized on the CPU, for shapes the window would otherwise
//! tessellate into many thin triangles.
//!
//! egui fills a circle as a fan of up to 128 slivers from one point, plus a fringe of as many
//! thin quads, and strokes it with a ring of as many quads again. A software rasterizer pays
//! for every 4×4 pixel block each of those triangles touches, so one large demand-zone disc
//! cost more than a whole panel of text. A coverage sprite (white texels, coverage in alpha,
//! the font atlas's convention) drawn as one textured quad fills the same pixels with two
//! triangles.

/// A square coverage image: `side` × `side` bytes, row by row, 0 = empty, 255 = covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Coverage {
    /// Width and height in pixels.
    pub(crate) side: usize,
    /// Coverage of each pixel, row by row.
    pub(crate) alpha: Vec<u8>,
}

/// Side of the square that holds a disc of `radius_px` with a pixel of margin, even (so a
/// sprite centred on a pixel corner has whole-pixel edges).
pub(crate) fn sprite_side(radius_px: f32) -> usize {
    let side = (2.0 * radius_px.max(0.0)).ceil() as usize + 4;
    side + side % 2
}

/// One concentric layer of a sprite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Shape {
    /// A filled disc of this radius, pixels.
    Disc(f32),
    /// A ring (a stroke) of this radius and width, pixels. Strokes thinner than a pixel come
    /// out as a one-pixel ring with proportionally less coverage, as egui draws thin lines.
    Ring(f32, f32),
}

impl Shape {
    /// Coverage (0–1) of a pixel whose centre is `d` pixels from the centre.
    fn coverage(self, d: f32) -> f32 {
        let c = match self {
            Self::Disc(r) => r + 0.5 - d,
            Self::Ring(r, w) => w / 2.0 + 0.5 - (d - r).abs(),
        };
        c.clamp(0.0, 1.0)
    }

    /// Radius of the outermost pixels it touches.
    fn extent(self) -> f32 {
        match self {
            Self::Disc(r) => r.max(0.0),
            Self::Ring(r, w) => (r + w / 2.0).max(0.0),
        }
    }
}

/// Concentric shapes of one colour painted over each other, each with its own opacity
/// (0–1): the coverage of the result, `1 − Π (1 − coverageᵢ × opacityᵢ)`, which is exactly
/// what painting them one after the other in that colour gives.
pub(crate) fn concentric(layers: &[(Shape, f32)]) -> Coverage {
    let extent = layers.iter().map(|(s, _)| s.extent()).fold(0.0, f32::max);
    let side = sprite_side(extent);
    let centre = side as f32 / 2.0;
    let mut alpha = Vec::with_capacity(side * side);
    for y in 0..side {
        for x in 0..side {
            let (dx, dy) = (x as f32 + 0.5 - centre, y as f32 + 0.5 - centre);
            let d = (dx * dx + dy * dy).sqrt();
            let clear: f32 = layers
                .iter()
                .map(|(s, opacity)| 1.0 - s.coverage(d) * opacity.clamp(0.0, 1.0))
                .product();
            alpha.push(((1.0 - clear) * 255.0).round() as u8);
        }
    }
    Coverage { side, alpha }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn disc(r: f32) -> Coverage {
        concentric(&[(Shape::Disc(r), 1.0)])
    }

    fn ring(r: f32, w: f32) -> Coverage {
        concentric(&[(Shape::Ring(r, w), 1.0)])
    }

    fn covered_px(c: &Coverage) -> f32 {
        c.alpha.iter().map(|&a| f32::from(a) / 255.0).sum()
    }

    #[test]
    fn a_disc_covers_its_area_and_stays_inside_its_square() {
        for r in [3.0_f32, 17.5, 60.25] {
            let d = disc(r);
            assert_eq!(d.alpha.len(), d.side * d.side);
            assert_eq!(d.side % 2, 0);
            let area = std::f32::consts::PI * r * r;
            assert!((covered_px(&d) - area).abs() < 0.01 * area + 2.0, "r {r}: {}", covered_px(&d));
            // The border row and column are empty; the centre is full.
            assert!(d.alpha[..d.side].iter().all(|&a| a == 0));
            assert_eq!(d.alpha[d.side / 2 * d.side + d.side / 2], 255);
        }
    }

    #[test]
    fn a_thin_ring_carries_its_stroke_width() {
        let r = 40.0_f32;
        for w in [0.8_f32, 2.0] {
            let c = ring(r, w);
            let expected = 2.0 * std::f32::consts::PI * r * w;
            let got = covered_px(&c);
            assert!((got - expected).abs() < 0.08 * expected, "width {w}: {got} vs {expected}");
            // Nothing at the centre.
            assert_eq!(c.alpha[c.side / 2 * c.side + c.side / 2], 0);
        }
    }
}

#[cfg(test)]
mod layer_tests {
    use super::*;

    #[test]
    fn layers_compose_like_paint() {
        let c = concentric(&[(Shape::Disc(20.0), 0.2), (Shape::Disc(10.0), 0.5)]);
        let at = |x: usize, y: usize| c.alpha[y * c.side + x];
        let mid = c.side / 2;
        // Inside both: 1 − 0.8 × 0.5 = 0.6; inside the outer one only: 0.2; outside: 0.
        assert_eq!(at(mid, mid), 153);
        assert_eq!(at(mid + 15, mid), 51);
        assert_eq!(at(0, 0), 0);
    }
}
