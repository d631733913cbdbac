//! The optimiser's two charts, drawn with plotters as the report's are: the map of a plan
//! (Uzbekistan's outline, every site, the equipped ones sized by their kiosks and coloured by
//! kind) and the convergence of the search. Each comes as SVG text and PNG bytes; DejaVu Sans
//! from `assets/fonts/`, Okabe-Ito colours.

use std::sync::OnceLock;

use navbat_scenario::SiteKind;
use plotters::prelude::*;

use crate::OptimiseError;
use crate::plan::{Plan, Universe};
use crate::search::TracePoint;

const FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const OUTLINE: &str = include_str!("../../../assets/planner/uzbekistan-50m.txt");
const SIZE: (u32, u32) = (1200, 800);

fn register_font() {
    static DONE: OnceLock<bool> = OnceLock::new();
    DONE.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_ok()
    });
}

/// Okabe-Ito colour of a kind of site.
fn colour(kind: SiteKind) -> RGBColor {
    match kind {
        SiteKind::DistrictOffice => RGBColor(0, 114, 178),
        SiteKind::ShoppingMall => RGBColor(230, 159, 0),
        SiteKind::LeisureCentre => RGBColor(0, 158, 115),
        SiteKind::TouristZone => RGBColor(213, 94, 0),
    }
}

fn kind_name(kind: SiteKind) -> &'static str {
    match kind {
        SiteKind::DistrictOffice => "District unit",
        SiteKind::ShoppingMall => "Mall",
        SiteKind::LeisureCentre => "Leisure centre",
        SiteKind::TouristZone => "Tourist zone",
    }
}

/// A chart as SVG text and PNG bytes.
#[derive(Debug, Clone)]
pub struct Drawn {
    /// The SVG document.
    pub svg: String,
    /// The PNG file's bytes.
    pub png: Vec<u8>,
}

fn chart_error(chart: &str, message: impl ToString) -> OptimiseError {
    OptimiseError::Chart { chart: chart.to_owned(), message: message.to_string() }
}

/// Renders `draw_on` into SVG and PNG (the PNG through a temporary file, which plotters'
/// encoder needs; removed before returning).
macro_rules! render {
    ($name:expr, $draw:ident, $($arg:expr),*) => {{
        register_font();
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
            $draw(&root, $($arg),*).map_err(|m| chart_error($name, m))?;
            root.present().map_err(|e| chart_error($name, e))?;
        }
        let tmp = std::env::temp_dir().join(format!(
            "navbat-optimise-{}-{}-{}.png",
            $name,
            std::process::id(),
            std::time::SystemTime::UNIX_EPOCH.elapsed().map_or(0, |d| d.as_nanos())
        ));
        let drawn = (|| -> Result<Vec<u8>, OptimiseError> {
            {
                let root = BitMapBackend::new(&tmp, SIZE).into_drawing_area();
                $draw(&root, $($arg),*).map_err(|m| chart_error($name, m))?;
                root.present().map_err(|e| chart_error($name, e))?;
            }
            std::fs::read(&tmp).map_err(|e| chart_error($name, e))
        })();
        let _ = std::fs::remove_file(&tmp);
        Ok(Drawn { svg, png: drawn? })
    }};
}

/// The map of `plan`: Uzbekistan's outline, every candidate site (grey when it gets nothing,
/// closed stations hollow), equipped sites sized by kiosks, coloured by kind, with the count.
pub fn plan_map(u: &Universe, plan: &Plan, title: &str) -> Result<Drawn, OptimiseError> {
    render!("map", draw_map, u, plan, title)
}

fn draw_map<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    u: &Universe,
    plan: &Plan,
    title: &str,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let (area, footer) = root.split_vertically(SIZE.1 - 30);
    let root = &area;
    let rings: Vec<Vec<(f64, f64)>> = OUTLINE
        .lines()
        .filter_map(|l| l.strip_prefix("ring "))
        .map(|pts| {
            pts.split(';')
                .filter_map(|p| {
                    let (x, y) = p.split_once(',')?;
                    Some((x.parse().ok()?, y.parse().ok()?))
                })
                .collect()
        })
        .collect();
    let (mut x0, mut x1, mut y0, mut y1) = (55.9f64, 73.2f64, 37.1f64, 45.6f64);
    for c in &u.candidates.sites {
        x0 = x0.min(c.lon - 0.3);
        x1 = x1.max(c.lon + 0.3);
        y0 = y0.min(c.lat - 0.3);
        y1 = y1.max(c.lat + 0.3);
    }
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 24))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("Longitude (°E)")
        .y_desc("Latitude (°N)")
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .light_line_style(RGBColor(238, 238, 238))
        .label_style(("sans-serif", 16))
        .draw()
        .map_err(err)?;
    for ring in &rings {
        let mut closed = ring.clone();
        if let Some(&first) = ring.first() {
            closed.push(first);
        }
        chart
            .draw_series(std::iter::once(PathElement::new(closed, RGBColor(120, 120, 120))))
            .map_err(err)?;
    }
    let grey = RGBColor(190, 190, 190);
    for (c, cand) in u.candidates.sites.iter().enumerate() {
        if plan.kiosks[c] > 0 {
            continue;
        }
        let p = (cand.lon, cand.lat);
        if u.is_new(c) {
            chart
                .draw_series(std::iter::once(TriangleMarker::new(p, 5, grey.stroke_width(1))))
                .map_err(err)?;
        } else {
            chart.draw_series(std::iter::once(Circle::new(p, 2, grey.filled()))).map_err(err)?;
        }
    }
    let mut kinds_seen: Vec<SiteKind> = Vec::new();
    for (c, cand) in u.candidates.sites.iter().enumerate() {
        let k = plan.kiosks[c];
        if k == 0 {
            continue;
        }
        let p = (cand.lon, cand.lat);
        let radius = 3 + 2 * k as i32;
        let col = colour(cand.kind);
        let series = chart
            .draw_series(std::iter::once(Circle::new(p, radius, col.mix(0.75).filled())))
            .map_err(err)?;
        if !kinds_seen.contains(&cand.kind) {
            kinds_seen.push(cand.kind);
            series
                .label(kind_name(cand.kind))
                .legend(move |(x, y)| Circle::new((x + 8, y), 6, col.filled()));
        }
        let text = if plan.assistants[c] > 0 {
            format!("{k}+{}", plan.assistants[c])
        } else {
            k.to_string()
        };
        chart
            .draw_series(std::iter::once(Text::new(
                text,
                (cand.lon + 0.08, cand.lat + 0.08),
                ("sans-serif", 12),
            )))
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font(("sans-serif", 16))
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(err)?;
    footer
        .draw(&Text::new(
            "Label: kiosks (+ floor assistants). Grey dots: sites without kiosks; grey triangles: stations not opened.",
            (20, 4),
            ("sans-serif", 15),
        ))
        .map_err(err)?;
    Ok(())
}

/// The convergence chart: every plan evaluated (its mean score) and the best so far, by the
/// number of plans evaluated, in millions of the currency.
pub fn convergence(trace: &[TracePoint], currency: &str) -> Result<Drawn, OptimiseError> {
    render!("convergence", draw_convergence, trace, currency)
}

fn draw_convergence<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    trace: &[TracePoint],
    currency: &str,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let scale = 1e6;
    let ys: Vec<f64> = trace
        .iter()
        .flat_map(|t| [t.score / scale, t.best / scale])
        .filter(|v| v.is_finite())
        .collect();
    let (lo, hi) =
        ys.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
    let (lo, hi) =
        if lo.is_finite() && hi > lo { (lo, hi) } else { (lo.min(0.0) - 1.0, hi.max(0.0) + 1.0) };
    let pad = (hi - lo) * 0.05;
    let n = trace.len().max(2) as f64;
    let mut chart = ChartBuilder::on(root)
        .caption("Convergence of the search", ("sans-serif", 24))
        .margin(12)
        .x_label_area_size(50)
        .y_label_area_size(100)
        .build_cartesian_2d(0.0..n, (lo - pad)..(hi + pad))
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("Plans evaluated on the twin")
        .y_desc(format!("Net benefit (million {currency}/year)"))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .light_line_style(RGBColor(238, 238, 238))
        .label_style(("sans-serif", 16))
        .axis_desc_style(("sans-serif", 18))
        .draw()
        .map_err(err)?;
    let phases = [("greedy", RGBColor(0, 114, 178)), ("local", RGBColor(230, 159, 0))];
    for (phase, col) in phases {
        let pts: Vec<(f64, f64)> = trace
            .iter()
            .filter(|t| t.phase == phase && t.score.is_finite())
            .map(|t| (t.evaluations as f64, t.score / scale))
            .collect();
        chart
            .draw_series(pts.into_iter().map(|p| Circle::new(p, 3, col.mix(0.6).filled())))
            .map_err(err)?
            .label(format!("plan evaluated ({phase})"))
            .legend(move |(x, y)| Circle::new((x + 8, y), 4, col.filled()));
    }
    let mut best: Vec<(f64, f64)> = Vec::with_capacity(2 * trace.len());
    for t in trace {
        if let Some(&(_, y)) = best.last() {
            best.push((t.evaluations as f64, y));
        }
        best.push((t.evaluations as f64, t.best / scale));
    }
    chart
        .draw_series(LineSeries::new(best, BLACK.stroke_width(2)))
        .map_err(err)?
        .label("best so far")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BLACK.stroke_width(2)));
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font(("sans-serif", 16))
        .position(SeriesLabelPosition::LowerRight)
        .draw()
        .map_err(err)?;
    Ok(())
}
