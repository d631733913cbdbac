//! Charts as data, drawn with plotters to SVG (for HTML) and PNG (for Markdown), and written
//! as the CSV behind them.
//!
//! This file holds the data ([`Chart`], [`ChartKind`]), the two renderings and the choice of
//! drawing; each kind is drawn by its own function: `bars.rs` (horizontal and vertical),
//! `line.rs`, `heatmap.rs`, `boxes.rs`, `estimates.rs` (estimates with CI whiskers and a
//! reference line), `tornado.rs`. `axes.rs` holds what they share (fonts, the category and
//! row axes, tick text, legend swatches); `csv.rs` the data files.

use std::path::Path;
use std::sync::OnceLock;

use navbat_record::Estimate;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::ReportError;

mod axes;
mod bars;
mod boxes;
mod csv;
mod estimates;
mod heatmap;
mod line;
mod tornado;
mod xy;

pub(crate) use csv::csv_cell;

/// DejaVu Sans, shipped in `assets/fonts/` (licence beside it): every chart's text is drawn
/// with it, so output never depends on the fonts of the machine.
static FONT: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans.ttf");

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
    /// Numeric x against numeric y, one or more series.
    Xy { series: Vec<XySeries> },
}

/// One series of an [`ChartKind::Xy`] chart.
#[derive(Debug, Clone)]
pub(crate) struct XySeries {
    /// Legend text.
    pub(crate) name: String,
    /// (x, y) points in x order.
    pub(crate) points: Vec<(f64, f64)>,
    /// How the points are drawn.
    pub(crate) style: XyStyle,
}

/// How an [`XySeries`] is drawn.
#[derive(Debug, Clone, Copy)]
pub(crate) enum XyStyle {
    /// A line through the points.
    Line,
    /// A step function: each y holds until the next x.
    Step,
    /// Dots.
    Points,
    /// Bars from each x to x + width.
    Bars {
        /// Bar width in x units.
        width: f64,
    },
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
            ChartKind::Xy { series } => {
                any(&mut series.iter().flat_map(|s| s.points.iter().map(|p| p.1)))
            }
        }
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

    /// Draws the chart on `root`: the white ground, then the kind's own drawing.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        if let Some(padded) = self.padded() {
            return padded.draw(root);
        }
        root.fill(&WHITE).map_err(axes::err)?;
        match &self.kind {
            ChartKind::HorizontalBars { labels, values } => {
                bars::horizontal(self, root, labels, values)
            }
            ChartKind::Bars { labels, values } => bars::vertical(self, root, labels, values),
            ChartKind::Line { labels, values } => line::draw(self, root, labels, values),
            ChartKind::Heatmap { rows, cols, values } => {
                heatmap::draw(self, root, rows, cols, values)
            }
            ChartKind::Boxes { labels, samples } => boxes::draw(self, root, labels, samples),
            ChartKind::Tornado { labels, base, low, high } => {
                tornado::draw(self, root, labels, *base, low, high)
            }
            ChartKind::PairedEstimates { labels, series, reference } => {
                estimates::draw(self, root, labels, series, reference.as_ref())
            }
            ChartKind::Xy { series } => xy::draw(self, root, series),
        }
    }
}

fn register_font() {
    static DONE: OnceLock<bool> = OnceLock::new();
    DONE.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_ok()
    });
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
