//! A heatmap: a grid of values (weekday × hour), rows top to bottom, coloured on the viridis
//! ramp, with the ramp and its scale as the legend on the right.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::{axis_number, err, label_font, last_index, positive_max, title_font};
use super::{Chart, WIDTH_PX};

/// Sequential colour-blind-safe ramp for heatmaps (viridis stops, low to high).
const VIRIDIS: [(u8, u8, u8); 5] =
    [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)];

/// The grid (cells without a value in light grey) and the colour legend.
pub(super) fn draw<DB: DrawingBackend>(
    chart: &Chart,
    root: &DrawingArea<DB, Shift>,
    rows: &[String],
    cols: &[String],
    values: &[Vec<Option<f64>>],
) -> Result<(), String> {
    let finite: Vec<f64> = values.iter().flatten().filter_map(|v| *v).collect();
    let max = positive_max(&finite);
    let (plot, legend) = root.split_horizontally(WIDTH_PX - 130);
    let mut grid = ChartBuilder::on(&plot)
        .caption(&chart.title, title_font())
        .margin(12)
        .x_label_area_size(50)
        .y_label_area_size(60)
        .build_cartesian_2d(0..cols.len(), (0..last_index(rows)).into_segmented())
        .map_err(err)?;
    grid.configure_mesh()
        .disable_mesh()
        .x_desc(&chart.x_label)
        .label_style(label_font())
        .axis_desc_style(label_font())
        .x_labels(cols.len())
        .y_labels(rows.len())
        .x_label_formatter(&|c| hour_label(*c, cols))
        .y_label_formatter(&|r| match r {
            SegmentValue::CenterOf(r) => {
                rows.len().checked_sub(r + 1).and_then(|i| rows.get(i)).cloned().unwrap_or_default()
            }
            _ => String::new(),
        })
        .draw()
        .map_err(err)?;
    let n_rows = rows.len();
    grid.draw_series(values.iter().enumerate().flat_map(|(r, line)| {
        line.iter().enumerate().map(move |(c, v)| {
            let y = n_rows - 1 - r;
            let style = match v {
                Some(v) => ramp(*v / max).filled(),
                None => RGBColor(235, 235, 235).filled(),
            };
            Rectangle::new(
                [(c, SegmentValue::Exact(y)), (c + 1, SegmentValue::Exact(y + 1))],
                style,
            )
        })
    }))
    .map_err(err)?;
    ramp_legend(&legend, max, &chart.y_label)
}

/// Colour legend: a vertical ramp with its scale (0, half and `max`) and its name on top.
fn ramp_legend<DB: DrawingBackend>(
    legend: &DrawingArea<DB, Shift>,
    max: f64,
    name: &str,
) -> Result<(), String> {
    let steps = 40;
    let top = 60;
    let bottom = 300;
    for s in 0..steps {
        let frac = s as f64 / (steps - 1) as f64;
        let y0 = bottom - (bottom - top) * (s + 1) / steps;
        let y1 = bottom - (bottom - top) * s / steps;
        legend.draw(&Rectangle::new([(10, y0), (34, y1)], ramp(frac).filled())).map_err(err)?;
    }
    for (frac, anchor) in [(0.0, bottom), (0.5, (top + bottom) / 2), (1.0, top)] {
        legend
            .draw(&Text::new(axis_number(max * frac, max), (40, anchor - 8), label_font()))
            .map_err(err)?;
    }
    legend.draw(&Text::new(name, (4, top - 30), label_font())).map_err(err)
}

/// Hour tick: the label of the cell starting there, or the end of the last cell.
fn hour_label(c: usize, cols: &[String]) -> String {
    match cols.get(c) {
        Some(l) => l.clone(),
        None => c
            .checked_sub(1)
            .and_then(|i| cols.get(i))
            .and_then(|l| l.parse::<u32>().ok())
            .map_or_else(String::new, |h| format!("{:02}", h + 1)),
    }
}

/// The viridis colour at `frac` of the way from low to high (clamped; not finite: low).
fn ramp(frac: f64) -> RGBColor {
    let f = if frac.is_finite() { frac.clamp(0.0, 1.0) } else { 0.0 };
    let pos = f * (VIRIDIS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(VIRIDIS.len() - 2);
    let t = pos - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}
