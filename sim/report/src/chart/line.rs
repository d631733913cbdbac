//! A line over ordered categories, a dot at each value.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::{LIGHT, axis_number, err, label_font, positive_max, title_font};
use super::{Chart, OKABE_ITO};

/// The line chart: categories at whole numbers of the x axis, both axes named.
pub(super) fn draw<DB: DrawingBackend>(
    chart: &Chart,
    root: &DrawingArea<DB, Shift>,
    labels: &[String],
    values: &[f64],
) -> Result<(), String> {
    let max = positive_max(values);
    let n = labels.len().max(1);
    let mut plot = ChartBuilder::on(root)
        .caption(&chart.title, title_font())
        .margin(12)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d(-0.5..n as f64 - 0.5, 0.0..max * 1.15)
        .map_err(err)?;
    plot.configure_mesh()
        .x_desc(&chart.x_label)
        .y_desc(&chart.y_label)
        .light_line_style(LIGHT)
        .y_label_formatter(&|v| axis_number(*v, max))
        .label_style(label_font())
        .axis_desc_style(label_font())
        .x_labels(n)
        .x_label_formatter(&|v| index_label(*v, labels))
        .draw()
        .map_err(err)?;
    let points: Vec<(f64, f64)> = values.iter().enumerate().map(|(i, &v)| (i as f64, v)).collect();
    plot.draw_series(LineSeries::new(points.clone(), OKABE_ITO[1].stroke_width(3))).map_err(err)?;
    plot.draw_series(points.iter().map(|&p| Circle::new(p, 5, OKABE_ITO[1].filled())))
        .map_err(err)?;
    Ok(())
}

/// The label at a whole number of the axis; nothing between categories or past the ends.
fn index_label(v: f64, labels: &[String]) -> String {
    let i = v.round();
    if (v - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    labels.get(i as usize).cloned().unwrap_or_default()
}
