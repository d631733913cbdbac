//! A tornado: per assumption (top to bottom) the result at its low and at its high setting,
//! as bars from the base value, a line at the base and a two-entry legend at the bottom.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::{err, legend_swatch, row_axes};
use super::{Chart, OKABE_ITO};

/// Draws a tornado: one row per label, bars from `base` to the low and high values.
pub(super) fn draw<DB: DrawingBackend>(
    chart: &Chart,
    root: &DrawingArea<DB, Shift>,
    labels: &[String],
    base: f64,
    low: &[f64],
    high: &[f64],
) -> Result<(), String> {
    let values: Vec<f64> =
        low.iter().chain(high).copied().chain([base]).filter(|v| v.is_finite()).collect();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo).abs() * 0.08).max(1e-9);
    let (x0, x1) = if lo.is_finite() && hi.is_finite() { (lo - pad, hi + pad) } else { (0.0, 1.0) };
    let scale = x0.abs().max(x1.abs());
    // Top row first: plotters counts segments from the bottom.
    let row_tick = |v: &SegmentValue<usize>| match v {
        SegmentValue::CenterOf(i) => {
            labels.len().checked_sub(i + 1).and_then(|j| labels.get(j)).cloned().unwrap_or_default()
        }
        _ => String::new(),
    };
    let mut plot = row_axes(chart, root, labels, x0..x1, scale, &row_tick)?;
    let n = labels.len();
    plot.draw_series(bars(base, low, high, n)).map_err(err)?;
    let area = plot.plotting_area();
    let px = root.strip_coord_spec();
    let top = area.map_coordinate(&(base, SegmentValue::Exact(n))).1;
    let bottom = area.map_coordinate(&(base, SegmentValue::Exact(0))).1;
    let xb = area.map_coordinate(&(base, SegmentValue::Exact(0))).0;
    px.draw(&PathElement::new(vec![(xb, top), (xb, bottom)], BLACK.stroke_width(2)))
        .map_err(err)?;
    for (j, (colour, name)) in
        [(OKABE_ITO[0], "low setting"), (OKABE_ITO[1], "high setting")].iter().enumerate()
    {
        // Bottom left, under the assumption labels: clear of the title and the bars.
        let at = (12 + 170 * j as i32, chart.height_px() as i32 - 30);
        legend_swatch(&px, at, *colour, name)?;
    }
    Ok(())
}

/// The bars of the `n` rows, in drawing order: per row, the end farther from the base
/// first, so when both settings move the same way the nearer bar stays visible on top of the
/// farther one.
fn bars(
    base: f64,
    low: &[f64],
    high: &[f64],
    n: usize,
) -> Vec<Rectangle<(f64, SegmentValue<usize>)>> {
    let mut bars = Vec::new();
    for (i, (&lo, &hi)) in low.iter().zip(high).enumerate() {
        let mut ends = [(OKABE_ITO[0], lo), (OKABE_ITO[1], hi)];
        ends.sort_by(|a, b| (b.1 - base).abs().total_cmp(&(a.1 - base).abs()));
        let row = n - 1 - i;
        let same_side = (lo - base) * (hi - base) > 0.0;
        for (j, (colour, v)) in ends.into_iter().enumerate() {
            if !v.is_finite() {
                continue;
            }
            // On the same side, the nearer bar is drawn a little narrower, so the farther
            // one shows around it.
            let inset = if j == 1 && same_side { 11 } else { 6 };
            let mut bar = Rectangle::new(
                [(base, SegmentValue::Exact(row)), (v, SegmentValue::Exact(row + 1))],
                colour.filled(),
            );
            bar.set_margin(inset, inset, 0, 0);
            bars.push(bar);
        }
    }
    bars
}
