//! Numeric x against numeric y, one or more series, each drawn as a line, a step line,
//! points or bars: the calibration report's histograms with densities, Q–Q plots, survival
//! curves and arrival profiles.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::{LIGHT, err, label_font, legend_swatch, title_font};
use super::{Chart, OKABE_ITO, XySeries, XyStyle};

/// Finite range of the values, widened a little; `(0, 1)` when there are none.
fn range(values: impl Iterator<Item = f64>, from_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if from_zero {
        lo = lo.min(0.0);
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    (lo, hi + (hi - lo) * 0.05)
}

/// Draws every series over shared numeric axes, with a legend at the top right.
pub(super) fn draw<DB: DrawingBackend>(
    chart: &Chart,
    root: &DrawingArea<DB, Shift>,
    series: &[XySeries],
) -> Result<(), String> {
    let xs = series.iter().flat_map(|s| {
        s.points.iter().map(|p| p.0).chain(match s.style {
            XyStyle::Bars { width } => s.points.iter().map(|p| p.0 + width).collect::<Vec<_>>(),
            _ => Vec::new(),
        })
    });
    let (x0, x1) = range(xs, false);
    let (y0, y1) = range(series.iter().flat_map(|s| s.points.iter().map(|p| p.1)), true);
    let mut plot = ChartBuilder::on(root)
        .caption(&chart.title, title_font())
        .margin(12)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    plot.configure_mesh()
        .x_desc(&chart.x_label)
        .y_desc(&chart.y_label)
        .light_line_style(LIGHT)
        .label_style(label_font())
        .axis_desc_style(label_font())
        .draw()
        .map_err(err)?;
    for (i, s) in series.iter().enumerate() {
        let colour = OKABE_ITO[i % OKABE_ITO.len()];
        let pts: Vec<(f64, f64)> =
            s.points.iter().copied().filter(|p| p.0.is_finite() && p.1.is_finite()).collect();
        match s.style {
            XyStyle::Line => {
                plot.draw_series(LineSeries::new(pts, colour.stroke_width(3))).map_err(err)?;
            }
            XyStyle::Step => {
                let mut steps = Vec::with_capacity(pts.len() * 2);
                for w in pts.windows(2) {
                    steps.push(w[0]);
                    steps.push((w[1].0, w[0].1));
                }
                if let Some(&last) = pts.last() {
                    steps.push(last);
                }
                plot.draw_series(LineSeries::new(steps, colour.stroke_width(2))).map_err(err)?;
            }
            XyStyle::Points => {
                plot.draw_series(pts.iter().map(|&p| Circle::new(p, 4, colour.filled())))
                    .map_err(err)?;
            }
            XyStyle::Bars { width } => {
                let fill = colour.mix(0.45).filled();
                plot.draw_series(
                    pts.iter().map(|&(x, y)| Rectangle::new([(x, 0.0), (x + width, y)], fill)),
                )
                .map_err(err)?;
            }
        }
    }
    let (w, _) = root.dim_in_pixel();
    for (i, s) in series.iter().enumerate() {
        legend_swatch(
            root,
            (w as i32 - 330, 50 + 26 * i as i32),
            OKABE_ITO[i % OKABE_ITO.len()],
            &s.name,
        )?;
    }
    Ok(())
}
