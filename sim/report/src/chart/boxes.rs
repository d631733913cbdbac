//! Box plots: per group the quartile box, the median, whiskers to the extremes with caps,
//! and every sample as a dot.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::{CategoryArea, category_axes, err, positive_max};
use super::{Chart, OKABE_ITO, five_numbers};

/// One box per label, the colours alternating.
pub(super) fn draw<DB: DrawingBackend>(
    chart: &Chart,
    root: &DrawingArea<DB, Shift>,
    labels: &[String],
    samples: &[Vec<f64>],
) -> Result<(), String> {
    let all: Vec<f64> = samples.iter().flatten().copied().collect();
    let max = positive_max(&all);
    let plot = category_axes(chart, root, labels, 0.0..max * 1.1, max, None)?;
    let area = plot.plotting_area();
    for (i, s) in samples.iter().enumerate() {
        draw_box(root, area, i, s)?;
    }
    Ok(())
}

/// The box of category `i` (nothing when it has no finite sample).
fn draw_box<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &CategoryArea<DB>,
    i: usize,
    s: &[f64],
) -> Result<(), String> {
    let Some([lo, q1, med, q3, hi]) = five_numbers(s) else { return Ok(()) };
    let colour = OKABE_ITO[i % 2];
    let left = area.map_coordinate(&(SegmentValue::Exact(i), 0.0)).0;
    let right = area.map_coordinate(&(SegmentValue::Exact(i + 1), 0.0)).0;
    let width = right - left;
    let (x0, x1) = (left + width / 4, right - width / 4);
    let xm = (left + right) / 2;
    let y = |v: f64| area.map_coordinate(&(SegmentValue::Exact(i), v)).1;
    let px = root.strip_coord_spec();
    let line = |a: (i32, i32), b: (i32, i32)| PathElement::new(vec![a, b], colour.stroke_width(2));
    px.draw(&Rectangle::new([(x0, y(q3)), (x1, y(q1))], colour.mix(0.35).filled())).map_err(err)?;
    px.draw(&Rectangle::new([(x0, y(q3)), (x1, y(q1))], colour.stroke_width(2))).map_err(err)?;
    px.draw(&line((x0, y(med)), (x1, y(med)))).map_err(err)?;
    px.draw(&line((xm, y(q3)), (xm, y(hi)))).map_err(err)?;
    px.draw(&line((xm, y(q1)), (xm, y(lo)))).map_err(err)?;
    let cap = width / 8;
    px.draw(&line((xm - cap, y(hi)), (xm + cap, y(hi)))).map_err(err)?;
    px.draw(&line((xm - cap, y(lo)), (xm + cap, y(lo)))).map_err(err)?;
    for v in s {
        px.draw(&Circle::new((xm, y(*v)), 3, BLACK.mix(0.6).filled())).map_err(err)?;
    }
    Ok(())
}
