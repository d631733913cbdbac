//! Estimates with 95 % intervals: per category one bar a series with its CI whiskers, a
//! legend top right, and an optional dashed reference line (e.g. a kiosk's yearly cost).

use navbat_record::Estimate;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::{CategoryArea, category_axes, err, label_font, legend_swatch, positive_max};
use super::{Chart, OKABE_ITO, WIDTH_PX};

/// Left edge of the legend, pixels from the chart's left.
const LEGEND_X: i32 = WIDTH_PX as i32 - 230;

/// The chart: the value axis starts below zero when a mean or a CI bound is negative, and
/// leaves head room for the legend (one line per entry).
pub(super) fn draw<DB: DrawingBackend>(
    chart: &Chart,
    root: &DrawingArea<DB, Shift>,
    labels: &[String],
    series: &[(String, Vec<Estimate>)],
    reference: Option<&(String, f64)>,
) -> Result<(), String> {
    let all: Vec<f64> = series
        .iter()
        .flat_map(|(_, e)| e.iter().flat_map(|e| [e.mean, e.ci95_high]))
        .chain(reference.iter().map(|r| r.1))
        .collect();
    let max = positive_max(&all);
    // Differences can be negative: start the axis below zero when they are.
    let min = series
        .iter()
        .flat_map(|(_, e)| e.iter().flat_map(|e| [e.mean, e.ci95_low]))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::min);
    let low = if min < 0.0 { min * 1.15 } else { 0.0 };
    // Head room for the legend (top right), one line per entry.
    let entries = series.len() + usize::from(reference.is_some());
    let top = max + (max - low) * (0.12 + 0.1 * entries as f64);
    let plot = category_axes(chart, root, labels, low..top, max, None)?;
    let area = plot.plotting_area();
    let px = root.strip_coord_spec();
    let slots = Slots { series: series.len().max(1) as i32 };
    for (j, (name, est)) in series.iter().enumerate() {
        let colour = OKABE_ITO[j % OKABE_ITO.len()];
        for (i, e) in est.iter().enumerate() {
            if e.mean.is_finite() {
                slots.bar(&px, area, (i, j), e, colour)?;
            }
        }
        // Legend entry, top right.
        legend_swatch(&px, (LEGEND_X, 50 + 26 * j as i32), colour, name)?;
    }
    if let Some((name, value)) = reference {
        reference_line(&px, area, labels.len(), series.len(), name, *value)?;
    }
    Ok(())
}

/// How the series share a category's width: three quarters of it, split evenly.
struct Slots {
    /// Series drawn side by side (at least one).
    series: i32,
}

impl Slots {
    /// The bar of series `j` in category `i`, from zero to the mean, with its CI whiskers
    /// when both bounds are finite.
    fn bar<DB: DrawingBackend>(
        &self,
        px: &DrawingArea<DB, Shift>,
        area: &CategoryArea<DB>,
        (i, j): (usize, usize),
        e: &Estimate,
        colour: RGBColor,
    ) -> Result<(), String> {
        let left = area.map_coordinate(&(SegmentValue::Exact(i), 0.0)).0;
        let right = area.map_coordinate(&(SegmentValue::Exact(i + 1), 0.0)).0;
        let slot = (right - left) * 3 / 4 / self.series;
        let x0 = left + (right - left) / 8 + slot * j as i32;
        let x1 = x0 + slot - 4;
        let y = |v: f64| area.map_coordinate(&(SegmentValue::Exact(i), v)).1;
        px.draw(&Rectangle::new([(x0, y(e.mean)), (x1, y(0.0))], colour.filled())).map_err(err)?;
        let xm = (x0 + x1) / 2;
        let whisker =
            |a: (i32, i32), b: (i32, i32)| PathElement::new(vec![a, b], BLACK.stroke_width(2));
        if e.ci95_low.is_finite() && e.ci95_high.is_finite() {
            px.draw(&whisker((xm, y(e.ci95_low)), (xm, y(e.ci95_high)))).map_err(err)?;
            px.draw(&whisker((xm - 6, y(e.ci95_high)), (xm + 6, y(e.ci95_high)))).map_err(err)?;
            px.draw(&whisker((xm - 6, y(e.ci95_low)), (xm + 6, y(e.ci95_low)))).map_err(err)?;
        }
        Ok(())
    }
}

/// A dashed line across the plot at `value`, with its legend entry under the `series`
/// entries of the series.
fn reference_line<DB: DrawingBackend>(
    px: &DrawingArea<DB, Shift>,
    area: &CategoryArea<DB>,
    categories: usize,
    series: usize,
    name: &str,
    value: f64,
) -> Result<(), String> {
    let left = area.map_coordinate(&(SegmentValue::Exact(0), value));
    let right = area.map_coordinate(&(SegmentValue::Exact(categories), value)).0;
    let ink = RGBColor(60, 60, 60);
    let mut x = left.0;
    while x < right {
        let end = (x + 12).min(right);
        px.draw(&PathElement::new(vec![(x, left.1), (end, left.1)], ink.stroke_width(3)))
            .map_err(err)?;
        x += 20;
    }
    let ly = 50 + 26 * series as i32 + 9;
    px.draw(&PathElement::new(vec![(LEGEND_X, ly), (LEGEND_X + 18, ly)], ink.stroke_width(3)))
        .map_err(err)?;
    px.draw(&Text::new(name, (LEGEND_X + 26, ly - 9), label_font())).map_err(err)
}
