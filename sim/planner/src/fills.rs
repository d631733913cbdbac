//! Filled shapes triangulated for a software rasterizer: few wide triangles instead of fans
//! of slivers.
//!
//! A rasterizer like lavapipe shades every 4×4 pixel block a triangle touches, so its cost
//! follows the blocks each triangle's outline crosses, not the pixels filled. egui fills a
//! convex path as a fan from its first point: a card with rounded corners becomes about
//! twenty slivers that each cross the whole card (2,300 blocks shaded for a card of 820).
//! [`convex_fill`] triangulates the same outline as a strip that sweeps from the leftmost
//! point to the rightmost one (each triangle spans the shape's height), and adds egui's
//! anti-aliasing fringe: a ring half a pixel inside the outline in the fill colour and one
//! half a pixel outside, transparent. The picture is egui's; the blocks shaded are about the
//! area's.

use bevy_egui::egui::{Color32, Mesh, Pos2, Rect, Vec2, pos2, vec2};

/// Corner radii of a rounded rectangle in points: north-west, north-east, south-east,
/// south-west.
pub(crate) type Corners = [f32; 4];

/// The outline of `rect` with rounded corners, clockwise on screen from the top-left
/// corner's arc. Arcs get a point per 1.5 points of radius (at least two segments).
pub(crate) fn rounded_rect_outline(rect: Rect, radii: Corners) -> Vec<Pos2> {
    let max = rect.width().min(rect.height()) / 2.0;
    let r = radii.map(|r| r.clamp(0.0, max.max(0.0)));
    // Corner centres and the angle each arc starts at (screen y points down).
    let corners = [
        (pos2(rect.left() + r[0], rect.top() + r[0]), r[0], 180.0_f32),
        (pos2(rect.right() - r[1], rect.top() + r[1]), r[1], 270.0),
        (pos2(rect.right() - r[2], rect.bottom() - r[2]), r[2], 0.0),
        (pos2(rect.left() + r[3], rect.bottom() - r[3]), r[3], 90.0),
    ];
    let mut points = Vec::new();
    for (centre, radius, start) in corners {
        if radius <= 0.0 {
            points.push(centre);
            continue;
        }
        let segments = ((radius / 1.5).ceil() as usize).max(2);
        for k in 0..=segments {
            let angle = (start + 90.0 * k as f32 / segments as f32).to_radians();
            points.push(centre + radius * vec2(angle.cos(), angle.sin()));
        }
    }
    points
}

/// A mesh filling the convex polygon `outline` (either winding) in `colour`, anti-aliased
/// with a one-pixel fringe as egui's tessellator does (`ppp`: pixels per point).
pub(crate) fn convex_fill(outline: &[Pos2], colour: Color32, ppp: f32) -> Mesh {
    let mut mesh = Mesh::default();
    let points = without_repeats(outline);
    let n = points.len();
    if n < 3 || colour == Color32::TRANSPARENT {
        return mesh;
    }
    // Half a pixel in points, outward. The edge normals point into a clockwise-on-screen
    // outline (positive signed area with y down), out of a counter-clockwise one.
    let area: f32 = (0..n).map(|i| cross(points[i], points[(i + 1) % n])).sum();
    let half = 0.5 / ppp.max(1e-3) * if area > 0.0 { -1.0 } else { 1.0 };
    for i in 0..n {
        let prev = points[(i + n - 1) % n];
        let (here, next) = (points[i], points[(i + 1) % n]);
        let offset = miter(prev, here, next) * half;
        mesh.colored_vertex(here - offset, colour);
        mesh.colored_vertex(here + offset, Color32::TRANSPARENT);
    }
    let inner = |i: usize| (2 * i) as u32;
    let outer = |i: usize| (2 * i + 1) as u32;
    for [a, b, c] in strip_triangles(&points) {
        mesh.add_triangle(inner(a), inner(b), inner(c));
    }
    for i in 0..n {
        let j = (i + 1) % n;
        mesh.add_triangle(inner(i), inner(j), outer(j));
        mesh.add_triangle(inner(i), outer(j), outer(i));
    }
    mesh
}

/// Triangles of a convex polygon as a strip from its leftmost point to its rightmost one:
/// each step adds the next point (by x) of the upper or the lower chain.
pub(crate) fn strip_triangles(points: &[Pos2]) -> Vec<[usize; 3]> {
    let n = points.len();
    if n < 3 {
        return Vec::new();
    }
    let start = (0..n)
        .min_by(|&a, &b| {
            let (p, q) = (points[a], points[b]);
            p.x.total_cmp(&q.x).then(p.y.total_cmp(&q.y))
        })
        .unwrap_or(0);
    let (mut ahead, mut behind) = ((start + 1) % n, (start + n - 1) % n);
    let mut triangles = vec![[start, ahead, behind]];
    while (ahead + 1) % n != behind {
        let (next_ahead, next_behind) = ((ahead + 1) % n, (behind + n - 1) % n);
        if points[next_ahead].x <= points[next_behind].x {
            triangles.push([ahead, next_ahead, behind]);
            ahead = next_ahead;
        } else {
            triangles.push([ahead, next_behind, behind]);
            behind = next_behind;
        }
    }
    triangles
}

fn without_repeats(outline: &[Pos2]) -> Vec<Pos2> {
    let mut points: Vec<Pos2> = Vec::with_capacity(outline.len());
    for &p in outline {
        if points.last().is_none_or(|q| q.distance(p) > 1e-3) {
            points.push(p);
        }
    }
    while points.len() > 1
        && points.first().zip(points.last()).is_some_and(|(a, b)| a.distance(*b) <= 1e-3)
    {
        points.pop();
    }
    points
}

fn cross(a: Pos2, b: Pos2) -> f32 {
    a.x * b.y - a.y * b.x
}

/// The normal at `here` (the edges' `(−dy, dx)` side, bisected), scaled so that offsetting
/// the point by it moves both edges by one unit.
fn miter(prev: Pos2, here: Pos2, next: Pos2) -> Vec2 {
    let normal = |d: Vec2| vec2(-d.y, d.x).normalized();
    let (n0, n1) = (normal(here - prev), normal(next - here));
    let sum = n0 + n1;
    if sum.length_sq() < 1e-6 {
        return n1;
    }
    let bisector = sum.normalized();
    let cos = bisector.dot(n1).max(0.25);
    bisector / cos
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(points: &[Pos2], t: [usize; 3]) -> f32 {
        let [a, b, c] = t.map(|i| points[i]);
        ((b - a).x * (c - a).y - (b - a).y * (c - a).x).abs() / 2.0
    }

    #[test]
    fn a_strip_covers_a_convex_polygon_once() {
        let rect = Rect::from_min_size(pos2(10.0, 20.0), vec2(178.0, 74.0));
        for radii in [[5.0; 4], [0.0; 4], [5.0, 0.0, 0.0, 5.0], [30.0; 4]] {
            let outline = rounded_rect_outline(rect, radii);
            let tris = strip_triangles(&outline);
            assert_eq!(tris.len(), outline.len() - 2);
            let covered: f32 = tris.iter().map(|&t| area(&outline, t)).sum();
            let polygon: f32 = (0..outline.len())
                .map(|i| cross(outline[i], outline[(i + 1) % outline.len()]))
                .sum::<f32>()
                .abs()
                / 2.0;
            assert!(
                (covered - polygon).abs() < 1e-2 * polygon,
                "{radii:?}: {covered} vs {polygon}"
            );
            // Square corners give the rectangle itself; round ones cut a little off.
            let full = rect.area();
            assert!(polygon <= full + 1e-2 && polygon > 0.7 * full);
        }
    }

    #[test]
    fn the_fringe_straddles_the_outline_by_half_a_pixel() {
        let rect = Rect::from_min_size(pos2(0.0, 0.0), vec2(40.0, 20.0));
        for outline in [rounded_rect_outline(rect, [0.0; 4]), {
            let mut ccw = rounded_rect_outline(rect, [0.0; 4]);
            ccw.reverse();
            ccw
        }] {
            let mesh = convex_fill(&outline, Color32::WHITE, 1.0);
            assert_eq!(mesh.vertices.len(), 8);
            let inner: Vec<Pos2> = mesh.vertices.iter().step_by(2).map(|v| v.pos).collect();
            let outer: Vec<Pos2> = mesh.vertices.iter().skip(1).step_by(2).map(|v| v.pos).collect();
            assert!(inner.iter().all(|p| rect.shrink(0.49).contains(*p)), "{inner:?}");
            assert!(outer.iter().all(|p| !rect.expand(0.49).contains(*p)), "{outer:?}");
            assert!(
                mesh.vertices.iter().skip(1).step_by(2).all(|v| v.color == Color32::TRANSPARENT)
            );
            // Interior (n − 2) and fringe (2n) triangles.
            assert_eq!(mesh.indices.len(), 3 * (2 + 8));
        }
        assert!(convex_fill(&[pos2(0.0, 0.0), pos2(1.0, 1.0)], Color32::WHITE, 1.0).is_empty());
    }
}
