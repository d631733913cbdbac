//! Bar charts: horizontal (one row per label, the value written at the end of each bar) and
//! vertical over ordered categories.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::{
    axis_number, category_axes, err, positive_max, row_axes, segment_label, small_font,
};
use super::{Chart, OKABE_ITO};

/// Horizontal bars, the first label at the bottom, each bar's value beside its end.
pub(super) fn horizontal<DB: DrawingBackend>(
    chart: &Chart,
    root: &DrawingArea<DB, Shift>,
    labels: &[String],
    values: &[f64],
) -> Result<(), String> {
    let max = positive_max(values);
    let row_tick = |v: &SegmentValue<usize>| segment_label(v, labels);
    let mut plot = row_axes(chart, root, labels, 0.0..max * 1.15, max, &row_tick)?;
    plot.draw_series(values.iter().enumerate().filter(|(_, v)| v.is_finite()).map(|(i, &v)| {
        let mut bar = Rectangle::new(
            [(0.0, SegmentValue::Exact(i)), (v, SegmentValue::Exact(i + 1))],
            OKABE_ITO[0].filled(),
        );
        bar.set_margin(5, 5, 0, 0);
        bar
    }))
    .map_err(err)?;
    // Value at the end of each bar, so small services stay readable.
    plot.draw_series(values.iter().enumerate().filter(|(_, v)| v.is_finite()).map(|(i, &v)| {
        EmptyElement::at((v, SegmentValue::CenterOf(i)))
            + Text::new(axis_number(v, 100.0), (6, -8), small_font())
    }))
    .map_err(err)?;
    Ok(())
}

/// Vertical bars over ordered categories, both axes named.
pub(super) fn vertical<DB: DrawingBackend>(
    chart: &Chart,
    root: &DrawingArea<DB, Shift>,
    labels: &[String],
    values: &[f64],
) -> Result<(), String> {
    let max = positive_max(values);
    let mut plot = category_axes(chart, root, labels, 0.0..max * 1.08, max, Some(&chart.x_label))?;
    plot.draw_series(values.iter().enumerate().filter(|(_, v)| v.is_finite()).map(|(i, &v)| {
        let mut bar = Rectangle::new(
            [(SegmentValue::Exact(i), 0.0), (SegmentValue::Exact(i + 1), v)],
            OKABE_ITO[0].filled(),
        );
        bar.set_margin(0, 0, 6, 6);
        bar
    }))
    .map_err(err)?;
    Ok(())
}
