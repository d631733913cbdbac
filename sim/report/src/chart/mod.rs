//! Charts as data, drawn with plotters to SVG (for HTML) and PNG (for Markdown), and written
//! as the CSV behind them.

use std::path::Path;
use std::sync::OnceLock;

use navbat_record::Estimate;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::ReportError;

/// DejaVu Sans, shipped in `assets/fonts/` (licence beside it): every chart's text is drawn
/// with it, so output never depends on the fonts of the machine.
static FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// The Okabe-Ito palette (colour-blind safe): blue, vermillion, bluish green, orange, sky
/// blue, reddish purple, yellow.
pub(crate) const OKABE_ITO: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(204, 121, 167),
    RGBColor(240, 228, 66),
];

/// Sequential colour-blind-safe ramp for heatmaps (viridis stops, low to high).
const VIRIDIS: [(u8, u8, u8); 5] =
    [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)];

/// Width and height of every chart, pixels: 900 wide stays readable scaled to A4 width.
const WIDTH_PX: u32 = 900;

/// What a chart shows.
#[derive(Debug, Clone)]
pub(crate) enum ChartKind {
    /// Horizontal bars, one per label.
    HorizontalBars { labels: Vec<String>, values: Vec<f64> },
    /// Vertical bars over ordered categories.
    Bars { labels: Vec<String>, values: Vec<f64> },
    /// A line over ordered categories.
    Line { labels: Vec<String>, values: Vec<f64> },
    /// A grid of values (`None`: closed, no data), rows top to bottom.
    Heatmap { rows: Vec<String>, cols: Vec<String>, values: Vec<Vec<Option<f64>>> },
    /// Box plots of samples (one box per group).
    Boxes { labels: Vec<String>, samples: Vec<Vec<f64>> },
    /// Estimates with 95 % intervals, per category, for one or more series; `reference`
    /// draws a labelled horizontal line (e.g. a kiosk's yearly cost).
    PairedEstimates {
        labels: Vec<String>,
        series: Vec<(String, Vec<Estimate>)>,
        reference: Option<(String, f64)>,
    },
    /// A tornado: per label (top to bottom), the value at the low and at the high setting
    /// of one assumption, as bars from the base value.
    Tornado { labels: Vec<String>, base: f64, low: Vec<f64>, high: Vec<f64> },
}

/// One chart of the report.
#[derive(Debug, Clone)]
pub(crate) struct Chart {
    /// File stem: `charts/NAME.png`, `data/NAME.csv`.
    pub(crate) name: String,
    pub(crate) title: String,
    pub(crate) caption: String,
    pub(crate) x_label: String,
    pub(crate) y_label: String,
    pub(crate) kind: ChartKind,
}

/// Five numbers of a box plot: min, lower quartile, median, upper quartile, max.
pub(crate) fn five_numbers(samples: &[f64]) -> Option<[f64; 5]> {
    let mut v: Vec<f64> = samples.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let q = |p: f64| {
        let pos = p * (v.len() - 1) as f64;
        let lo = pos.floor() as usize;
        let hi = pos.ceil() as usize;
        let frac = pos - lo as f64;
        v[lo] + (v[hi] - v[lo]) * frac
    };
    Some([v[0], q(0.25), q(0.5), q(0.75), v[v.len() - 1]])
}

impl Chart {
    /// Pixel height of the chart.
    fn height_px(&self) -> u32 {
        match &self.kind {
            ChartKind::HorizontalBars { labels, .. } | ChartKind::Tornado { labels, .. } => {
                120 + 34 * labels.len() as u32
            }
            ChartKind::Heatmap { .. } => 380,
            _ => 420,
        }
    }

    /// True when the chart has something to show: at least one finite, non-zero value.
    pub(crate) fn has_data(&self) -> bool {
        let any = |v: &mut dyn Iterator<Item = f64>| {
            for x in v {
                if x.is_finite() && x != 0.0 {
                    return true;
                }
            }
            false
        };
        match &self.kind {
            ChartKind::HorizontalBars { values, .. }
            | ChartKind::Bars { values, .. }
            | ChartKind::Line { values, .. } => any(&mut values.iter().copied()),
            ChartKind::Heatmap { values, .. } => {
                any(&mut values.iter().flatten().filter_map(|v| *v))
            }
            ChartKind::Boxes { samples, .. } => any(&mut samples.iter().flatten().copied()),
            ChartKind::PairedEstimates { series, .. } => {
                any(&mut series.iter().flat_map(|(_, e)| e.iter().map(|e| e.mean)))
            }
            ChartKind::Tornado { base, low, high, .. } => {
                any(&mut low.iter().chain(high).map(|v| v - base))
            }
        }
    }

    /// The numbers behind the chart, as CSV text.
    pub(crate) fn csv(&self) -> String {
        let mut out = String::new();
        let mut row = |cells: &[String]| {
            let escaped: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
            out.push_str(&escaped.join(","));
            out.push('\n');
        };
        match &self.kind {
            ChartKind::HorizontalBars { labels, values } => {
                row(&[self.y_label.clone(), self.x_label.clone()]);
                for (l, v) in labels.iter().zip(values) {
                    row(&[l.clone(), v.to_string()]);
                }
            }
            ChartKind::Bars { labels, values } | ChartKind::Line { labels, values } => {
                row(&[self.x_label.clone(), self.y_label.clone()]);
                for (l, v) in labels.iter().zip(values) {
                    row(&[l.clone(), v.to_string()]);
                }
            }
            ChartKind::Heatmap { rows, cols, values } => {
                row(&[self.y_label.clone(), self.x_label.clone(), "value".to_owned()]);
                for (r, line) in rows.iter().zip(values) {
                    for (c, v) in cols.iter().zip(line) {
                        row(&[r.clone(), c.clone(), v.map_or(String::new(), |v| v.to_string())]);
                    }
                }
            }
            ChartKind::Boxes { labels, samples } => {
                row(&[
                    "group".to_owned(),
                    "n".to_owned(),
                    "min".to_owned(),
                    "q1".to_owned(),
                    "median".to_owned(),
                    "q3".to_owned(),
                    "max".to_owned(),
                ]);
                for (l, s) in labels.iter().zip(samples) {
                    let mut cells = vec![l.clone(), s.len().to_string()];
                    if let Some(f) = five_numbers(s) {
                        cells.extend(f.iter().map(f64::to_string));
                    }
                    row(&cells);
                }
            }
            ChartKind::Tornado { labels, base, low, high } => {
                row(&[
                    self.y_label.clone(),
                    "low setting".to_owned(),
                    "high setting".to_owned(),
                    "swing".to_owned(),
                ]);
                row(&["base".to_owned(), base.to_string(), base.to_string(), "0".to_owned()]);
                for ((l, lo), hi) in labels.iter().zip(low).zip(high) {
                    row(&[l.clone(), lo.to_string(), hi.to_string(), (hi - lo).abs().to_string()]);
                }
            }
            ChartKind::PairedEstimates { labels, series, reference } => {
                row(&[
                    self.x_label.clone(),
                    "series".to_owned(),
                    "mean".to_owned(),
                    "ci95_low".to_owned(),
                    "ci95_high".to_owned(),
                ]);
                for (name, est) in series {
                    for (l, e) in labels.iter().zip(est) {
                        row(&[
                            l.clone(),
                            name.clone(),
                            e.mean.to_string(),
                            e.ci95_low.to_string(),
                            e.ci95_high.to_string(),
                        ]);
                    }
                }
                if let Some((name, value)) = reference {
                    row(&[
                        "all".to_owned(),
                        name.clone(),
                        value.to_string(),
                        String::new(),
                        String::new(),
                    ]);
                }
            }
        }
        out
    }

    /// The chart as an SVG element sized to its container (for inline HTML).
    pub(crate) fn svg(&self) -> Result<String, ReportError> {
        register_font();
        let (w, h) = (WIDTH_PX, self.height_px());
        let mut buf = String::new();
        {
            let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
            self.draw(&root).map_err(|message| self.error(message))?;
            root.present().map_err(|e| self.error(e.to_string()))?;
        }
        // Scale with the page: keep the viewBox, drop the fixed pixel size.
        let fixed = format!("width=\"{w}\" height=\"{h}\"");
        // Inline SVG in HTML needs no namespace declaration; dropping it keeps the page free
        // of any URL.
        let svg = buf.replacen(&fixed, "width=\"100%\" role=\"img\"", 1).replacen(
            " xmlns=\"http://www.w3.org/2000/svg\"",
            "",
            1,
        );
        Ok(svg.replacen(
            "<svg ",
            &format!("<svg aria-label=\"{}\" ", crate::doc::escape(&self.title)),
            1,
        ))
    }

    /// Writes the chart as a PNG file.
    pub(crate) fn png(&self, path: &Path) -> Result<(), ReportError> {
        register_font();
        let root = BitMapBackend::new(path, (WIDTH_PX, self.height_px())).into_drawing_area();
        self.draw(&root).map_err(|message| self.error(message))?;
        root.present().map_err(|e| self.error(e.to_string()))
    }

    fn error(&self, message: String) -> ReportError {
        ReportError::Chart { chart: self.name.clone(), message }
    }

    /// The chart with a lone category framed by two empty ones, so it is drawn centred at a
    /// sensible width (a one-category axis has no extent); `None` when there is no need.
    fn padded(&self) -> Option<Self> {
        let pad = |labels: &[String]| -> Option<Vec<String>> {
            (labels.len() == 1).then(|| vec![String::new(), labels[0].clone(), String::new()])
        };
        let nan = Estimate { mean: f64::NAN, ci95_low: f64::NAN, ci95_high: f64::NAN };
        let kind = match &self.kind {
            ChartKind::HorizontalBars { labels, values } => ChartKind::HorizontalBars {
                labels: pad(labels)?,
                values: vec![f64::NAN, values[0], f64::NAN],
            },
            ChartKind::Bars { labels, values } => ChartKind::Bars {
                labels: pad(labels)?,
                values: vec![f64::NAN, values[0], f64::NAN],
            },
            ChartKind::Boxes { labels, samples } => ChartKind::Boxes {
                labels: pad(labels)?,
                samples: vec![Vec::new(), samples[0].clone(), Vec::new()],
            },
            ChartKind::PairedEstimates { labels, series, reference } => {
                ChartKind::PairedEstimates {
                    labels: pad(labels)?,
                    series: series.iter().map(|(n, e)| (n.clone(), vec![nan, e[0], nan])).collect(),
                    reference: reference.clone(),
                }
            }
            _ => return None,
        };
        Some(Self { kind, ..self.clone() })
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        if let Some(padded) = self.padded() {
            return padded.draw(root);
        }
        root.fill(&WHITE).map_err(err)?;
        let title_font = ("sans-serif", 24).into_font();
        let label_font = ("sans-serif", 18).into_font();
        let label_font_small = ("sans-serif", 15).into_font();
        match &self.kind {
            ChartKind::HorizontalBars { labels, values } => {
                let max = positive_max(values);
                let label_width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(4);
                let mut chart = ChartBuilder::on(root)
                    .caption(&self.title, title_font)
                    .margin(12)
                    .x_label_area_size(50)
                    .y_label_area_size((label_width as u32 * 10).clamp(60, 440))
                    .build_cartesian_2d(0.0..max * 1.15, (0..last_index(labels)).into_segmented())
                    .map_err(err)?;
                chart
                    .configure_mesh()
                    .disable_y_mesh()
                    .x_desc(&self.x_label)
                    .light_line_style(LIGHT)
                    .label_style(label_font.clone())
                    .axis_desc_style(label_font)
                    .x_labels(6)
                    .x_label_formatter(&|v| axis_number(*v, max))
                    .y_label_formatter(&|v| segment_label(v, labels))
                    .draw()
                    .map_err(err)?;
                chart
                    .draw_series(values.iter().enumerate().filter(|(_, v)| v.is_finite()).map(
                        |(i, &v)| {
                            let mut bar = Rectangle::new(
                                [(0.0, SegmentValue::Exact(i)), (v, SegmentValue::Exact(i + 1))],
                                OKABE_ITO[0].filled(),
                            );
                            bar.set_margin(5, 5, 0, 0);
                            bar
                        },
                    ))
                    .map_err(err)?;
                // Value at the end of each bar, so small services stay readable.
                chart
                    .draw_series(values.iter().enumerate().filter(|(_, v)| v.is_finite()).map(
                        |(i, &v)| {
                            EmptyElement::at((v, SegmentValue::CenterOf(i)))
                                + Text::new(
                                    axis_number(v, 100.0),
                                    (6, -8),
                                    label_font_small.clone(),
                                )
                        },
                    ))
                    .map_err(err)?;
            }
            ChartKind::Bars { labels, values } => {
                let max = positive_max(values);
                let mut chart = ChartBuilder::on(root)
                    .caption(&self.title, title_font)
                    .margin(12)
                    .x_label_area_size(50)
                    .y_label_area_size(80)
                    .build_cartesian_2d((0..last_index(labels)).into_segmented(), 0.0..max * 1.08)
                    .map_err(err)?;
                chart
                    .configure_mesh()
                    .disable_x_mesh()
                    .x_desc(&self.x_label)
                    .y_desc(&self.y_label)
                    .light_line_style(LIGHT)
                    .y_label_formatter(&|v| axis_number(*v, max))
                    .label_style(label_font.clone())
                    .axis_desc_style(label_font)
                    .x_labels(labels.len())
                    .x_label_formatter(&|v| segment_label(v, labels))
                    .draw()
                    .map_err(err)?;
                chart
                    .draw_series(values.iter().enumerate().filter(|(_, v)| v.is_finite()).map(
                        |(i, &v)| {
                            let mut bar = Rectangle::new(
                                [(SegmentValue::Exact(i), 0.0), (SegmentValue::Exact(i + 1), v)],
                                OKABE_ITO[0].filled(),
                            );
                            bar.set_margin(0, 0, 6, 6);
                            bar
                        },
                    ))
                    .map_err(err)?;
            }
            ChartKind::Line { labels, values } => {
                let max = positive_max(values);
                let n = labels.len().max(1);
                let mut chart = ChartBuilder::on(root)
                    .caption(&self.title, title_font)
                    .margin(12)
                    .x_label_area_size(50)
                    .y_label_area_size(80)
                    .build_cartesian_2d(-0.5..n as f64 - 0.5, 0.0..max * 1.15)
                    .map_err(err)?;
                chart
                    .configure_mesh()
                    .x_desc(&self.x_label)
                    .y_desc(&self.y_label)
                    .light_line_style(LIGHT)
                    .y_label_formatter(&|v| axis_number(*v, max))
                    .label_style(label_font.clone())
                    .axis_desc_style(label_font)
                    .x_labels(n)
                    .x_label_formatter(&|v| index_label(*v, labels))
                    .draw()
                    .map_err(err)?;
                let points: Vec<(f64, f64)> =
                    values.iter().enumerate().map(|(i, &v)| (i as f64, v)).collect();
                chart
                    .draw_series(LineSeries::new(points.clone(), OKABE_ITO[1].stroke_width(3)))
                    .map_err(err)?;
                chart
                    .draw_series(points.iter().map(|&p| Circle::new(p, 5, OKABE_ITO[1].filled())))
                    .map_err(err)?;
            }
            ChartKind::Heatmap { rows, cols, values } => {
                let finite: Vec<f64> = values.iter().flatten().filter_map(|v| *v).collect();
                let max = positive_max(&finite);
                let (plot, legend) = root.split_horizontally(WIDTH_PX - 130);
                let mut chart = ChartBuilder::on(&plot)
                    .caption(&self.title, title_font)
                    .margin(12)
                    .x_label_area_size(50)
                    .y_label_area_size(60)
                    .build_cartesian_2d(0..cols.len(), (0..last_index(rows)).into_segmented())
                    .map_err(err)?;
                chart
                    .configure_mesh()
                    .disable_mesh()
                    .x_desc(&self.x_label)
                    .label_style(label_font.clone())
                    .axis_desc_style(label_font.clone())
                    .x_labels(cols.len())
                    .y_labels(rows.len())
                    .x_label_formatter(&|c| hour_label(*c, cols))
                    .y_label_formatter(&|r| match r {
                        SegmentValue::CenterOf(r) => rows
                            .len()
                            .checked_sub(r + 1)
                            .and_then(|i| rows.get(i))
                            .cloned()
                            .unwrap_or_default(),
                        _ => String::new(),
                    })
                    .draw()
                    .map_err(err)?;
                let n_rows = rows.len();
                chart
                    .draw_series(values.iter().enumerate().flat_map(|(r, line)| {
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
                // Colour legend: a vertical ramp with its scale.
                let steps = 40;
                let top = 60;
                let bottom = 300;
                for s in 0..steps {
                    let frac = s as f64 / (steps - 1) as f64;
                    let y0 = bottom - (bottom - top) * (s + 1) / steps;
                    let y1 = bottom - (bottom - top) * s / steps;
                    legend
                        .draw(&Rectangle::new([(10, y0), (34, y1)], ramp(frac).filled()))
                        .map_err(err)?;
                }
                for (frac, anchor) in [(0.0, bottom), (0.5, (top + bottom) / 2), (1.0, top)] {
                    legend
                        .draw(&Text::new(
                            axis_number(max * frac, max),
                            (40, anchor - 8),
                            label_font.clone(),
                        ))
                        .map_err(err)?;
                }
                legend
                    .draw(&Text::new(self.y_label.clone(), (4, top - 30), label_font))
                    .map_err(err)?;
            }
            ChartKind::Boxes { labels, samples } => {
                let all: Vec<f64> = samples.iter().flatten().copied().collect();
                let max = positive_max(&all);
                let mut chart = ChartBuilder::on(root)
                    .caption(&self.title, title_font)
                    .margin(12)
                    .x_label_area_size(50)
                    .y_label_area_size(80)
                    .build_cartesian_2d((0..last_index(labels)).into_segmented(), 0.0..max * 1.1)
                    .map_err(err)?;
                chart
                    .configure_mesh()
                    .disable_x_mesh()
                    .y_desc(&self.y_label)
                    .light_line_style(LIGHT)
                    .y_label_formatter(&|v| axis_number(*v, max))
                    .label_style(label_font.clone())
                    .axis_desc_style(label_font)
                    .x_labels(labels.len())
                    .x_label_formatter(&|v| segment_label(v, labels))
                    .draw()
                    .map_err(err)?;
                let area = chart.plotting_area();
                for (i, s) in samples.iter().enumerate() {
                    let Some([lo, q1, med, q3, hi]) = five_numbers(s) else { continue };
                    let colour = OKABE_ITO[i % 2];
                    let left = area.map_coordinate(&(SegmentValue::Exact(i), 0.0)).0;
                    let right = area.map_coordinate(&(SegmentValue::Exact(i + 1), 0.0)).0;
                    let width = right - left;
                    let (x0, x1) = (left + width / 4, right - width / 4);
                    let xm = (left + right) / 2;
                    let y = |v: f64| area.map_coordinate(&(SegmentValue::Exact(i), v)).1;
                    let px = root.strip_coord_spec();
                    let line = |a: (i32, i32), b: (i32, i32)| {
                        PathElement::new(vec![a, b], colour.stroke_width(2))
                    };
                    px.draw(&Rectangle::new([(x0, y(q3)), (x1, y(q1))], colour.mix(0.35).filled()))
                        .map_err(err)?;
                    px.draw(&Rectangle::new([(x0, y(q3)), (x1, y(q1))], colour.stroke_width(2)))
                        .map_err(err)?;
                    px.draw(&line((x0, y(med)), (x1, y(med)))).map_err(err)?;
                    px.draw(&line((xm, y(q3)), (xm, y(hi)))).map_err(err)?;
                    px.draw(&line((xm, y(q1)), (xm, y(lo)))).map_err(err)?;
                    let cap = width / 8;
                    px.draw(&line((xm - cap, y(hi)), (xm + cap, y(hi)))).map_err(err)?;
                    px.draw(&line((xm - cap, y(lo)), (xm + cap, y(lo)))).map_err(err)?;
                    for v in s {
                        px.draw(&Circle::new((xm, y(*v)), 3, BLACK.mix(0.6).filled()))
                            .map_err(err)?;
                    }
                }
            }
            ChartKind::Tornado { labels, base, low, high } => {
                self.draw_tornado(root, labels, *base, low, high)?;
            }
            ChartKind::PairedEstimates { labels, series, reference } => {
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
                let mut chart = ChartBuilder::on(root)
                    .caption(&self.title, title_font)
                    .margin(12)
                    .x_label_area_size(50)
                    .y_label_area_size(80)
                    .build_cartesian_2d((0..last_index(labels)).into_segmented(), low..top)
                    .map_err(err)?;
                chart
                    .configure_mesh()
                    .disable_x_mesh()
                    .y_desc(&self.y_label)
                    .light_line_style(LIGHT)
                    .y_label_formatter(&|v| axis_number(*v, max))
                    .label_style(label_font.clone())
                    .axis_desc_style(label_font.clone())
                    .x_labels(labels.len())
                    .x_label_formatter(&|v| segment_label(v, labels))
                    .draw()
                    .map_err(err)?;
                let area = chart.plotting_area();
                let px = root.strip_coord_spec();
                let k = series.len().max(1) as i32;
                let k_legend = series.len() as i32;
                for (j, (name, est)) in series.iter().enumerate() {
                    let colour = OKABE_ITO[j % OKABE_ITO.len()];
                    for (i, e) in est.iter().enumerate() {
                        if !e.mean.is_finite() {
                            continue;
                        }
                        let left = area.map_coordinate(&(SegmentValue::Exact(i), 0.0)).0;
                        let right = area.map_coordinate(&(SegmentValue::Exact(i + 1), 0.0)).0;
                        let slot = (right - left) * 3 / 4 / k;
                        let x0 = left + (right - left) / 8 + slot * j as i32;
                        let x1 = x0 + slot - 4;
                        let y = |v: f64| area.map_coordinate(&(SegmentValue::Exact(i), v)).1;
                        px.draw(&Rectangle::new([(x0, y(e.mean)), (x1, y(0.0))], colour.filled()))
                            .map_err(err)?;
                        let xm = (x0 + x1) / 2;
                        let whisker = |a: (i32, i32), b: (i32, i32)| {
                            PathElement::new(vec![a, b], BLACK.stroke_width(2))
                        };
                        if e.ci95_low.is_finite() && e.ci95_high.is_finite() {
                            px.draw(&whisker((xm, y(e.ci95_low)), (xm, y(e.ci95_high))))
                                .map_err(err)?;
                            px.draw(&whisker((xm - 6, y(e.ci95_high)), (xm + 6, y(e.ci95_high))))
                                .map_err(err)?;
                            px.draw(&whisker((xm - 6, y(e.ci95_low)), (xm + 6, y(e.ci95_low))))
                                .map_err(err)?;
                        }
                    }
                    // Legend entry, top right.
                    let lx = WIDTH_PX as i32 - 230;
                    let ly = 50 + 26 * j as i32;
                    px.draw(&Rectangle::new([(lx, ly), (lx + 18, ly + 18)], colour.filled()))
                        .map_err(err)?;
                    px.draw(&Text::new(name.clone(), (lx + 26, ly), label_font.clone()))
                        .map_err(err)?;
                }
                if let Some((name, value)) = reference {
                    // A dashed line across the plot, with its legend entry under the series'.
                    let left = area.map_coordinate(&(SegmentValue::Exact(0), *value));
                    let right = area.map_coordinate(&(SegmentValue::Exact(labels.len()), *value)).0;
                    let ink = RGBColor(60, 60, 60);
                    let mut x = left.0;
                    while x < right {
                        let end = (x + 12).min(right);
                        px.draw(&PathElement::new(
                            vec![(x, left.1), (end, left.1)],
                            ink.stroke_width(3),
                        ))
                        .map_err(err)?;
                        x += 20;
                    }
                    let lx = WIDTH_PX as i32 - 230;
                    let ly = 50 + 26 * k_legend + 9;
                    px.draw(&PathElement::new(vec![(lx, ly), (lx + 18, ly)], ink.stroke_width(3)))
                        .map_err(err)?;
                    px.draw(&Text::new(name.clone(), (lx + 26, ly - 9), label_font.clone()))
                        .map_err(err)?;
                }
            }
        }
        Ok(())
    }

    /// Draws a tornado: one row per label, bars from `base` to the low and high values.
    fn draw_tornado<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        labels: &[String],
        base: f64,
        low: &[f64],
        high: &[f64],
    ) -> Result<(), String> {
        let title_font = ("sans-serif", 24).into_font();
        let label_font = ("sans-serif", 18).into_font();
        let values: Vec<f64> =
            low.iter().chain(high).copied().chain([base]).filter(|v| v.is_finite()).collect();
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let pad = ((hi - lo).abs() * 0.08).max(1e-9);
        let (x0, x1) =
            if lo.is_finite() && hi.is_finite() { (lo - pad, hi + pad) } else { (0.0, 1.0) };
        let scale = x0.abs().max(x1.abs());
        let label_width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(4);
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, title_font)
            .margin(12)
            .x_label_area_size(50)
            .y_label_area_size((label_width as u32 * 10).clamp(60, 440))
            .build_cartesian_2d(x0..x1, (0..last_index(labels)).into_segmented())
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc(&self.x_label)
            .light_line_style(LIGHT)
            .label_style(label_font.clone())
            .axis_desc_style(label_font.clone())
            .x_labels(6)
            .x_label_formatter(&|v| axis_number(*v, scale))
            // Top row first: plotters counts segments from the bottom.
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => labels
                    .len()
                    .checked_sub(i + 1)
                    .and_then(|j| labels.get(j))
                    .cloned()
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .draw()
            .map_err(err)?;
        let n = labels.len();
        // Per row, the end farther from the base first, so when both settings move the same
        // way the nearer bar stays visible on top of the farther one.
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
        chart.draw_series(bars).map_err(err)?;
        let area = chart.plotting_area();
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
            let lx = 12 + 170 * j as i32;
            let ly = self.height_px() as i32 - 30;
            px.draw(&Rectangle::new([(lx, ly), (lx + 18, ly + 18)], colour.filled()))
                .map_err(err)?;
            px.draw(&Text::new(*name, (lx + 26, ly), label_font.clone())).map_err(err)?;
        }
        Ok(())
    }
}

/// Minor grid lines: faint, so the data stands out.
const LIGHT: RGBColor = RGBColor(238, 238, 238);

/// Index of the last label: integer ranges in plotters include their end.
fn last_index(labels: &[String]) -> usize {
    labels.len().saturating_sub(1)
}

/// Axis tick text: whole numbers with thousands separated when the scale is large.
fn axis_number(v: f64, max: f64) -> String {
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

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

fn register_font() {
    static DONE: OnceLock<bool> = OnceLock::new();
    DONE.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_ok()
    });
}

fn positive_max(values: &[f64]) -> f64 {
    let m = values.iter().copied().filter(|v| v.is_finite()).fold(0.0, f64::max);
    if m > 0.0 { m } else { 1.0 }
}

fn segment_label(v: &SegmentValue<usize>, labels: &[String]) -> String {
    match v {
        SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
        _ => String::new(),
    }
}

fn index_label(v: f64, labels: &[String]) -> String {
    let i = v.round();
    if (v - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    labels.get(i as usize).cloned().unwrap_or_default()
}

fn ramp(frac: f64) -> RGBColor {
    let f = if frac.is_finite() { frac.clamp(0.0, 1.0) } else { 0.0 };
    let pos = f * (VIRIDIS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(VIRIDIS.len() - 2);
    let t = pos - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Quotes a CSV cell when it needs it.
pub(crate) fn csv_cell(c: &str) -> String {
    if c.contains([',', '"', '\n']) {
        format!("\"{}\"", c.replace('"', "\"\""))
    } else {
        c.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_category(kind: ChartKind) -> Chart {
        Chart {
            name: "one".to_owned(),
            title: "One".to_owned(),
            caption: String::new(),
            x_label: "x".to_owned(),
            y_label: "y".to_owned(),
            kind,
        }
    }

    /// Visible (wider than a pixel) rectangles of the palette's first colour in the SVG.
    fn blue_rects(svg: &str) -> usize {
        let width = |r: &str| -> f64 {
            r.split("width=\"")
                .nth(1)
                .and_then(|w| w.split('"').next())
                .and_then(|w| w.parse().ok())
                .unwrap_or(0.0)
        };
        svg.split("<rect")
            .skip(1)
            .filter(|r| r.to_ascii_uppercase().contains("FILL=\"#0072B2\"") && width(r) > 1.0)
            .count()
    }

    #[test]
    fn a_lone_category_is_drawn() {
        let e = Estimate { mean: 5.0, ci95_low: 4.0, ci95_high: 6.0 };
        let paired = one_category(ChartKind::PairedEstimates {
            labels: vec!["A".to_owned()],
            series: vec![("s".to_owned(), vec![e])],
            reference: None,
        });
        // The bar and its legend swatch.
        assert_eq!(blue_rects(&paired.svg().expect("svg")), 2);
        let bars = one_category(ChartKind::HorizontalBars {
            labels: vec!["A".to_owned()],
            values: vec![3.0],
        });
        assert_eq!(blue_rects(&bars.svg().expect("svg")), 1);
        // The data file holds the category itself, not the padding.
        assert_eq!(bars.csv(), "y,x\nA,3\n");
    }
}
