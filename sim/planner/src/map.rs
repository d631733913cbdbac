//! The map: Uzbekistan's outline, a lat/lon projection onto the screen, zoom and pan, and
//! finding the site under the pointer.
//!
//! The projection is equirectangular around 41° N (the country's middle), which keeps
//! distances within a few per cent across the country — enough to place sites and judge
//! catchments by eye.

use bevy_egui::egui::{Pos2, Rect, Vec2, pos2};

use crate::error::PlannerError;

/// The bundled base map text (Natural Earth 1:50m via world-atlas; see assets/planner).
pub const BASE_MAP_TEXT: &str = include_str!("../../../assets/planner/uzbekistan-50m.txt");

/// Latitude whose parallel keeps its length in the projection.
const STANDARD_LAT: f64 = 41.0;

/// One closed outline of the country with the triangles that fill it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CountryRing {
    /// Vertices, (lon, lat) in degrees.
    pub outline: Vec<[f64; 2]>,
    /// Fill triangles, as indices into `outline`.
    pub triangles: Vec<[u32; 3]>,
}

/// Country outlines to draw.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BaseMap {
    /// Uzbekistan's rings (the mainland and its exclaves).
    pub country: Vec<CountryRing>,
    /// Neighbouring countries' borders in view, as polylines (lon, lat).
    pub borders: Vec<Vec<[f64; 2]>>,
}

impl BaseMap {
    /// Parses the base map text (`ring`, `tri` and `border` lines; `#` comments).
    pub fn parse(text: &str) -> Result<Self, PlannerError> {
        let mut map = Self::default();
        for (n, line) in text.lines().enumerate() {
            let bad = |message: String| PlannerError::BaseMap { line: n + 1, message };
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (kind, rest) = line.split_once(' ').ok_or_else(|| bad("expected data".into()))?;
            match kind {
                "ring" => map.country.push(CountryRing {
                    outline: points(rest).map_err(bad)?,
                    triangles: Vec::new(),
                }),
                "tri" => {
                    let CountryRing { outline: ring, triangles: tris } =
                        map.country.last_mut().ok_or_else(|| bad("`tri` before `ring`".into()))?;
                    for t in rest.split(';') {
                        let idx: Vec<u32> = t
                            .split(',')
                            .map(|v| v.parse::<u32>().map_err(|e| bad(format!("{t:?}: {e}"))))
                            .collect::<Result<_, _>>()?;
                        if idx.len() != 3 || idx.iter().any(|&i| i as usize >= ring.len()) {
                            return Err(bad(format!("bad triangle {t:?}")));
                        }
                        tris.push([idx[0], idx[1], idx[2]]);
                    }
                }
                "border" => map.borders.push(points(rest).map_err(bad)?),
                other => return Err(bad(format!("unknown record {other:?}"))),
            }
        }
        Ok(map)
    }

    /// The bundled map of Uzbekistan and its neighbours.
    pub fn bundled() -> Result<Self, PlannerError> {
        Self::parse(BASE_MAP_TEXT)
    }
}

fn points(text: &str) -> Result<Vec<[f64; 2]>, String> {
    text.split(';')
        .map(|p| {
            let (x, y) = p.split_once(',').ok_or_else(|| format!("expected lon,lat: {p:?}"))?;
            let x: f64 = x.parse().map_err(|e| format!("{x:?}: {e}"))?;
            let y: f64 = y.parse().map_err(|e| format!("{y:?}: {e}"))?;
            Ok([x, y])
        })
        .collect()
}

/// Where the map looks: centre, zoom, and the extent it fits at zoom 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapView {
    /// Centre longitude, degrees east.
    pub center_lon: f64,
    /// Centre latitude, degrees north.
    pub center_lat: f64,
    /// Magnification over the fitted view.
    pub zoom: f64,
}

/// Uzbekistan's extent with a small margin: lon 55.8–73.3 E, lat 37–45.7 N.
const FIT: [f64; 4] = [55.8, 37.0, 73.3, 45.7];

impl Default for MapView {
    fn default() -> Self {
        Self { center_lon: (FIT[0] + FIT[2]) / 2.0, center_lat: (FIT[1] + FIT[3]) / 2.0, zoom: 1.0 }
    }
}

impl MapView {
    /// Pixels per degree of latitude in `rect`.
    fn scale(&self, rect: Rect) -> f64 {
        let cos = STANDARD_LAT.to_radians().cos();
        let fit = (f64::from(rect.width()) / ((FIT[2] - FIT[0]) * cos))
            .min(f64::from(rect.height()) / (FIT[3] - FIT[1]));
        fit * self.zoom
    }

    /// Screen position of a point.
    pub fn project(&self, rect: Rect, lat: f64, lon: f64) -> Pos2 {
        let k = self.scale(rect);
        let cos = STANDARD_LAT.to_radians().cos();
        let c = rect.center();
        pos2(
            c.x + ((lon - self.center_lon) * cos * k) as f32,
            c.y - ((lat - self.center_lat) * k) as f32,
        )
    }

    /// The (lat, lon) under a screen position.
    pub fn unproject(&self, rect: Rect, pos: Pos2) -> (f64, f64) {
        let k = self.scale(rect);
        let cos = STANDARD_LAT.to_radians().cos();
        let c = rect.center();
        let lon = self.center_lon + f64::from(pos.x - c.x) / (cos * k);
        let lat = self.center_lat - f64::from(pos.y - c.y) / k;
        (lat, lon)
    }

    /// Zooms by `factor` keeping the point under `pos` in place (zoom 0.5 to 40).
    pub fn zoom_at(&mut self, rect: Rect, pos: Pos2, factor: f64) {
        let (lat, lon) = self.unproject(rect, pos);
        self.zoom = (self.zoom * factor).clamp(0.5, 40.0);
        let moved = self.project(rect, lat, lon);
        self.pan(rect, moved - pos);
    }

    /// Moves the view so the map follows a drag of `delta` pixels... in reverse: `delta` is
    /// how far the content must move back.
    pub fn pan(&mut self, rect: Rect, delta: Vec2) {
        let k = self.scale(rect);
        let cos = STANDARD_LAT.to_radians().cos();
        self.center_lon += f64::from(delta.x) / (cos * k);
        self.center_lat -= f64::from(delta.y) / k;
    }

    /// Kilometres per pixel (at the standard latitude), for the scale bar.
    pub fn km_per_px(&self, rect: Rect) -> f64 {
        111.2 / self.scale(rect)
    }
}

/// The nearest of `points` within `radius` pixels of `pos`.
pub fn hit(points: &[Pos2], pos: Pos2, radius: f32) -> Option<usize> {
    points
        .iter()
        .enumerate()
        .map(|(i, p)| (i, p.distance(pos)))
        .filter(|(_, d)| *d <= radius)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// Projects a polyline and drops every point closer than `min_px` to the last point kept
/// (the last point is always kept), so a detailed outline is drawn with about one vertex per
/// `min_px` of screen length: at 1.5 px the line looks the same, with a fraction of the
/// triangles a software renderer has to set up.
pub fn thinned_polyline(
    points: &[[f64; 2]],
    min_px: f32,
    mut project: impl FnMut(&[f64; 2]) -> Pos2,
) -> Vec<Pos2> {
    let mut out: Vec<Pos2> = Vec::with_capacity(points.len().min(1024));
    let last = points.len().saturating_sub(1);
    for (i, q) in points.iter().enumerate() {
        let p = project(q);
        match out.last() {
            Some(prev) if i != last && prev.distance(p) < min_px => {}
            _ => out.push(p),
        }
    }
    out
}

/// Drops the points of a screen polyline that lie within `tolerance_px` of the straight line
/// from the last point kept to the next point (the ends are always kept): straight runs and
/// flat stretches of a chart become one segment, so they cost a software renderer two
/// triangles (plus feathering) instead of a few per point, for no visible change.
pub fn simplified_polyline(points: &[Pos2], tolerance_px: f32) -> Vec<Pos2> {
    let mut out: Vec<Pos2> = Vec::with_capacity(points.len());
    for (i, &p) in points.iter().enumerate() {
        let (Some(&kept), Some(&next)) = (out.last(), points.get(i + 1)) else {
            out.push(p);
            continue;
        };
        let chord = next - kept;
        let length = chord.length();
        let off_line = if length > f32::EPSILON {
            ((p - kept).x * chord.y - (p - kept).y * chord.x).abs() / length
        } else {
            p.distance(kept)
        };
        // A point past either end of the chord (a turn back) is a corner too.
        let along = (p - kept).dot(chord);
        if off_line > tolerance_px || along < 0.0 || along > length * length {
            out.push(p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_map_has_the_country_and_its_neighbours() {
        let map = BaseMap::bundled().unwrap();
        assert!(!map.country.is_empty());
        let CountryRing { outline: ring, triangles: tris } = &map.country[0];
        assert!(ring.len() > 300, "{}", ring.len());
        assert_eq!(tris.len(), ring.len() - 2);
        assert!(ring.iter().all(|p| (55.0..74.0).contains(&p[0]) && (37.0..46.0).contains(&p[1])));
        assert!(map.borders.len() > 5);
    }

    #[test]
    fn bad_map_text_names_the_line() {
        let err = BaseMap::parse("# c\nring 1,2;3,x\n").unwrap_err();
        assert!(err.to_string().starts_with("base map line 2:"), "{err}");
        assert!(BaseMap::parse("tri 0,1,2").is_err());
        assert!(BaseMap::parse("ring 1,1;2,2;3,1\ntri 0,1,5").is_err());
    }

    #[test]
    fn project_and_unproject_are_inverse_and_zoom_keeps_the_pointer() {
        let rect = Rect::from_min_size(pos2(300.0, 50.0), Vec2::new(900.0, 700.0));
        let mut view = MapView::default();
        let p = view.project(rect, 39.4, 67.25);
        assert!(rect.contains(p));
        let (lat, lon) = view.unproject(rect, p);
        assert!((lat - 39.4).abs() < 1e-4 && (lon - 67.25).abs() < 1e-4);
        // Nukus lies west (left) and north (up) of Urgut.
        let nukus = view.project(rect, 42.46, 59.60);
        assert!(nukus.x < p.x && nukus.y < p.y);
        view.zoom_at(rect, p, 4.0);
        assert!(view.project(rect, 39.4, 67.25).distance(p) < 0.01);
        assert_eq!(hit(&[nukus, p], p + Vec2::new(3.0, 0.0), 10.0), Some(1));
        assert_eq!(hit(&[nukus], p, 10.0), None);
    }

    #[test]
    fn thinning_keeps_the_ends_and_drops_sub_pixel_steps() {
        // 1,001 points a tenth of a pixel apart, then a corner.
        let mut line: Vec<[f64; 2]> = (0..=1000).map(|i| [f64::from(i) * 0.1, 0.0]).collect();
        line.push([100.0, 50.0]);
        let thin = thinned_polyline(&line, 1.5, |q| pos2(q[0] as f32, q[1] as f32));
        assert_eq!(thin.first(), Some(&pos2(0.0, 0.0)));
        assert_eq!(thin.last(), Some(&pos2(100.0, 50.0)));
        assert!(thin.len() < 80, "{} points kept", thin.len());
        for w in thin.windows(2) {
            assert!(w[0].distance(w[1]) >= 1.5 - 1e-4, "{w:?}");
        }
        // Nothing is lost when the points are already far apart.
        let coarse = [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0]];
        assert_eq!(thinned_polyline(&coarse, 1.5, |q| pos2(q[0] as f32, q[1] as f32)).len(), 3);
        assert!(thinned_polyline(&[], 1.5, |q| pos2(q[0] as f32, q[1] as f32)).is_empty());
    }

    #[test]
    fn simplifying_merges_straight_runs_and_keeps_corners() {
        // A flat run, a step up, another flat run: the corners survive, the rest goes.
        let mut line: Vec<Pos2> = (0..50).map(|i| pos2(i as f32, 10.0)).collect();
        line.extend((50..100).map(|i| pos2(i as f32, 0.0)));
        let simple = simplified_polyline(&line, 0.25);
        assert_eq!(
            simple,
            vec![pos2(0.0, 10.0), pos2(49.0, 10.0), pos2(50.0, 0.0), pos2(99.0, 0.0)]
        );
        // A spike of one sample is kept.
        let spike =
            [pos2(0.0, 0.0), pos2(1.0, 0.0), pos2(2.0, 5.0), pos2(3.0, 0.0), pos2(4.0, 0.0)];
        assert!(simplified_polyline(&spike, 0.25).contains(&pos2(2.0, 5.0)));
        // A line that turns back on itself keeps the turn.
        let back = [pos2(0.0, 0.0), pos2(10.0, 0.0), pos2(5.0, 0.0)];
        assert_eq!(simplified_polyline(&back, 0.25).len(), 3);
        assert_eq!(simplified_polyline(&[pos2(1.0, 1.0)], 0.25), vec![pos2(1.0, 1.0)]);
    }
}
