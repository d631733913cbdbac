//! The numbers behind each chart as CSV: exactly the values drawn (a lone category's
//! padding left out), one row per mark.

use super::{Chart, ChartKind, five_numbers};

impl Chart {
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
            ChartKind::Xy { series } => {
                row(&["series".to_owned(), self.x_label.clone(), self.y_label.clone()]);
                for sr in series {
                    for (x, y) in &sr.points {
                        row(&[sr.name.clone(), x.to_string(), y.to_string()]);
                    }
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
}

/// Quotes a CSV cell when it needs it.
pub(crate) fn csv_cell(c: &str) -> String {
    if c.contains([',', '"', '\n']) {
        format!("\"{}\"", c.replace('"', "\"\""))
    } else {
        c.to_owned()
    }
}
