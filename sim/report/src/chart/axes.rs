//! What the chart kinds share: the fonts, the two axis layouts (categories left to right
//! with values up; rows top to bottom with values across), tick text and legend swatches.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::ranged1d::SegmentedCoord;
use plotters::coord::types::{RangedCoordf64, RangedCoordusize};
use plotters::prelude::*;

use super::Chart;

/// Minor grid lines: faint, so the data stands out.
pub(super) const LIGHT: RGBColor = RGBColor(238, 238, 238);

/// A chart over categories left to right, values up.
pub(super) type CategoryChart<'a, DB> =
    ChartContext<'a, DB, Cartesian2d<SegmentedCoord<RangedCoordusize>, RangedCoordf64>>;

/// The plotting area of a [`CategoryChart`].
pub(super) type CategoryArea<DB> =
    DrawingArea<DB, Cartesian2d<SegmentedCoord<RangedCoordusize>, RangedCoordf64>>;

/// A chart over rows (labels) with values across.
pub(super) type RowChart<'a, DB> =
    ChartContext<'a, DB, Cartesian2d<RangedCoordf64, SegmentedCoord<RangedCoordusize>>>;

/// The title font (DejaVu Sans, registered as `sans-serif`).
pub(super) fn title_font() -> FontDesc<'static> {
    ("sans-serif", 24).into_font()
}

/// The font of tick labels, axis names and legends.
pub(super) fn label_font() -> FontDesc<'static> {
    ("sans-serif", 18).into_font()
}

/// The font of values written beside the marks.
pub(super) fn small_font() -> FontDesc<'static> {
    ("sans-serif", 15).into_font()
}

/// The chart's title and axes over `labels` left to right and `values` up, with the mesh
/// drawn: horizontal grid lines, value ticks written for the scale `scale`, the y axis named
/// and the x axis named when `x_desc` is given.
pub(super) fn category_axes<'a, DB: DrawingBackend>(
    chart: &Chart,
    root: &'a DrawingArea<DB, Shift>,
    labels: &[String],
    values: Range<f64>,
    scale: f64,
    x_desc: Option<&str>,
) -> Result<CategoryChart<'a, DB>, String> {
    let mut plot = ChartBuilder::on(root)
        .caption(&chart.title, title_font())
        .margin(12)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d((0..last_index(labels)).into_segmented(), values)
        .map_err(err)?;
    let value_tick = |v: &f64| axis_number(*v, scale);
    let category_tick = |v: &SegmentValue<usize>| segment_label(v, labels);
    let mut mesh = plot.configure_mesh();
    mesh.disable_x_mesh()
        .y_desc(&chart.y_label)
        .light_line_style(LIGHT)
        .y_label_formatter(&value_tick)
        .label_style(label_font())
        .axis_desc_style(label_font())
        .x_labels(labels.len())
        .x_label_formatter(&category_tick);
    if let Some(desc) = x_desc {
        mesh.x_desc(desc);
    }
    mesh.draw().map_err(err)?;
    Ok(plot)
}

/// The chart's title and axes over `labels` as rows and `values` across, with the mesh
/// drawn: vertical grid lines, six value ticks written for the scale `scale`, the x axis
/// named, each row named by `row_tick`. The label area is as wide as the longest label.
pub(super) fn row_axes<'a, DB: DrawingBackend>(
    chart: &Chart,
    root: &'a DrawingArea<DB, Shift>,
    labels: &[String],
    values: Range<f64>,
    scale: f64,
    row_tick: &dyn Fn(&SegmentValue<usize>) -> String,
) -> Result<RowChart<'a, DB>, String> {
    let label_width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(4);
    let mut plot = ChartBuilder::on(root)
        .caption(&chart.title, title_font())
        .margin(12)
        .x_label_area_size(50)
        .y_label_area_size((label_width as u32 * 10).clamp(60, 440))
        .build_cartesian_2d(values, (0..last_index(labels)).into_segmented())
        .map_err(err)?;
    plot.configure_mesh()
        .disable_y_mesh()
        .x_desc(&chart.x_label)
        .light_line_style(LIGHT)
        .label_style(label_font())
        .axis_desc_style(label_font())
        .x_labels(6)
        .x_label_formatter(&|v| axis_number(*v, scale))
        .y_label_formatter(row_tick)
        .draw()
        .map_err(err)?;
    Ok(plot)
}

/// A legend entry: a filled square of `colour` at `(x, y)` (pixels, its top left corner)
/// and `name` beside it.
pub(super) fn legend_swatch<DB: DrawingBackend>(
    px: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    colour: RGBColor,
    name: &str,
) -> Result<(), String> {
    px.draw(&Rectangle::new([(x, y), (x + 18, y + 18)], colour.filled())).map_err(err)?;
    px.draw(&Text::new(name, (x + 26, y), label_font())).map_err(err)
}

/// Index of the last label: integer ranges in plotters include their end.
pub(super) fn last_index(labels: &[String]) -> usize {
    labels.len().saturating_sub(1)
}

/// Axis tick text: whole numbers with thousands separated when the scale is large.
pub(super) fn axis_number(v: f64, max: f64) -> String {
    if max >= 20.0 {
        let whole = v.round() as i64;
        let digits = whole.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(ch);
        }
        if whole < 0 { format!("-{out}") } else { out }
    } else if max >= 2.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// A plotters error as the message of [`crate::ReportError::Chart`].
pub(super) fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// The largest finite value when it is positive, else 1 (an axis needs an extent).
pub(super) fn positive_max(values: &[f64]) -> f64 {
    let m = values.iter().copied().filter(|v| v.is_finite()).fold(0.0, f64::max);
    if m > 0.0 { m } else { 1.0 }
}

/// The label of a segment's centre (categories counted from the axis origin).
pub(super) fn segment_label(v: &SegmentValue<usize>, labels: &[String]) -> String {
    match v {
        SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
        _ => String::new(),
    }
}
