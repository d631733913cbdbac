//! The report as a list of blocks, rendered once to HTML and once to Markdown so both say
//! the same thing.

use crate::chart::{Chart, csv_cell};

/// A table of the report; its cells are written verbatim to `data/NAME.csv`.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub(crate) name: String,
    pub(crate) caption: String,
    pub(crate) header: Vec<String>,
    pub(crate) rows: Vec<Vec<String>>,
}

impl Table {
    /// True when every cell of column `i` starts with a number (right-aligned in renderings).
    fn numeric(&self, i: usize) -> bool {
        self.rows.iter().all(|r| {
            r.get(i).is_some_and(|c| {
                let c = c.strip_prefix('-').unwrap_or(c);
                c.starts_with(|ch: char| ch.is_ascii_digit()) || c == "n/a" || c == NO_KIOSKS
            })
        })
    }

    pub(crate) fn csv(&self) -> String {
        let mut out = String::new();
        for line in std::iter::once(&self.header).chain(&self.rows) {
            let cells: Vec<String> = line.iter().map(|c| csv_cell(c)).collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }
}

/// The cell text for a kiosk measure of the baseline, which has no kiosks.
pub(crate) const NO_KIOSKS: &str = "no kiosks";

/// One block of the report.
#[derive(Debug, Clone)]
pub(crate) enum Block {
    Heading {
        level: u8,
        text: String,
    },
    Para(String),
    /// A boxed remark: used for sections the simulator cannot feed yet.
    Note(String),
    List(Vec<String>),
    Table(Table),
    Chart(Chart),
    /// Preformatted lines (commands, scenario comments).
    Code(Vec<String>),
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

const CSS: &str = "\
body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;color:#1a1a1a;max-width:60rem;margin:0 auto;padding:1.5rem;line-height:1.45;font-size:11pt}
h1{font-size:1.8em;border-bottom:3px solid #0072b2;padding-bottom:.3em}
h2{font-size:1.4em;margin-top:2em;border-bottom:1px solid #bbb;page-break-before:auto}
h3{font-size:1.15em;margin-top:1.5em}
table{border-collapse:collapse;margin:.8em 0;font-size:.9em;width:100%}
th,td{border:1px solid #bbb;padding:.25em .5em;text-align:right;vertical-align:top}
.l{text-align:left}
th{background:#eef3f8}
caption{caption-side:top;text-align:left;font-weight:bold;padding:.3em 0}
figure{margin:1em 0;page-break-inside:avoid;break-inside:avoid}
figure svg{display:block;max-width:100%;height:auto}
figcaption{font-size:.9em;color:#444}
.note{border-left:4px solid #e69f00;background:#fff8e6;padding:.5em .8em;margin:.8em 0}
pre{background:#f4f4f4;padding:.6em;white-space:pre-wrap;word-break:break-word;font-size:.85em}
nav ul{columns:2}
footer{margin-top:3em;border-top:1px solid #bbb;font-size:.85em;color:#333}
@page{size:A4;margin:15mm}
@media print{body{max-width:none;padding:0;font-size:10pt}nav{display:none}h2{page-break-before:always}h2:first-of-type{page-break-before:avoid}}
";

/// Renders the blocks as one self-contained HTML page; `svgs` holds each chart's SVG, in
/// order of appearance.
pub(crate) fn html(title: &str, blocks: &[Block], svgs: &[String], footer: &[Block]) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!(
        "<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n",
        escape(title)
    ));
    out.push_str(&format!("<h1>{}</h1>\n", escape(title)));
    out.push_str("<nav>\n<p><strong>Contents</strong></p>\n<ul>\n");
    for b in blocks {
        if let Block::Heading { level: 2, text } = b {
            out.push_str(&format!("<li><a href=\"#{}\">{}</a></li>\n", slug(text), escape(text)));
        }
    }
    out.push_str("</ul>\n</nav>\n<main>\n");
    let mut svg_iter = svgs.iter();
    for b in blocks {
        html_block(&mut out, b, &mut svg_iter);
    }
    out.push_str("</main>\n<footer>\n");
    for b in footer {
        html_block(&mut out, b, &mut svg_iter);
    }
    out.push_str("</footer>\n</body>\n</html>\n");
    out
}

fn html_block<'a>(out: &mut String, b: &Block, svgs: &mut impl Iterator<Item = &'a String>) {
    match b {
        Block::Heading { level, text } => {
            out.push_str(&format!("<h{level} id=\"{}\">{}</h{level}>\n", slug(text), escape(text)));
        }
        Block::Para(t) => out.push_str(&format!("<p>{}</p>\n", escape(t))),
        Block::Note(t) => out.push_str(&format!("<p class=\"note\">{}</p>\n", escape(t))),
        Block::List(items) => {
            out.push_str("<ul>\n");
            for i in items {
                out.push_str(&format!("<li>{}</li>\n", escape(i)));
            }
            out.push_str("</ul>\n");
        }
        Block::Code(lines) => {
            out.push_str("<pre>");
            out.push_str(&escape(&lines.join("\n")));
            out.push_str("</pre>\n");
        }
        Block::Table(t) => {
            out.push_str(&format!("<table id=\"table-{}\">\n<caption>{} <small>(data/{}.csv)</small></caption>\n<thead><tr>", t.name, escape(&t.caption), t.name));
            for (i, h) in t.header.iter().enumerate() {
                let class = if t.numeric(i) { "" } else { " class=\"l\"" };
                out.push_str(&format!("<th{class}>{}</th>", escape(h)));
            }
            out.push_str("</tr></thead>\n<tbody>\n");
            for r in &t.rows {
                out.push_str("<tr>");
                for (i, c) in r.iter().enumerate() {
                    let class = if t.numeric(i) { "" } else { " class=\"l\"" };
                    out.push_str(&format!("<td{class}>{}</td>", escape(c)));
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</tbody>\n</table>\n");
        }
        Block::Chart(c) => {
            out.push_str(&format!("<figure id=\"chart-{}\">\n", c.name));
            if let Some(svg) = svgs.next() {
                out.push_str(svg.trim());
                out.push('\n');
            }
            out.push_str(&format!(
                "<figcaption>{} <small>(data/{}.csv)</small></figcaption>\n</figure>\n",
                escape(&c.caption),
                c.name
            ));
        }
    }
}

/// Text for Markdown: `&`, `<` and `>` as HTML entities, so that a name from a scenario
/// (a site called `<script>`, say) is shown, never passed on as raw HTML.
fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

fn md_cell(s: &str) -> String {
    md_text(s).replace('|', "\\|")
}

/// Renders the blocks as Markdown with PNG charts under `charts/`.
pub(crate) fn markdown(title: &str, blocks: &[Block], footer: &[Block]) -> String {
    let mut out = format!("# {}\n\n", md_text(title));
    for b in blocks.iter().chain(footer) {
        match b {
            Block::Heading { level, text } => {
                let text = md_text(text);
                out.push_str(&format!("{} {text}\n\n", "#".repeat(usize::from(*level))));
            }
            Block::Para(t) => out.push_str(&format!("{}\n\n", md_text(t))),
            Block::Note(t) => out.push_str(&format!("> **Note.** {}\n\n", md_text(t))),
            Block::List(items) => {
                for i in items {
                    out.push_str(&format!("- {}\n", md_text(i)));
                }
                out.push('\n');
            }
            Block::Code(lines) => {
                out.push_str("```text\n");
                for l in lines {
                    out.push_str(l);
                    out.push('\n');
                }
                out.push_str("```\n\n");
            }
            Block::Table(t) => {
                out.push_str(&format!("**{}** (data/{}.csv)\n\n", md_text(&t.caption), t.name));
                out.push_str(&format!(
                    "| {} |\n",
                    t.header.iter().map(|h| md_cell(h)).collect::<Vec<_>>().join(" | ")
                ));
                out.push_str(&format!(
                    "|{}\n",
                    t.header
                        .iter()
                        .enumerate()
                        .map(|(i, _)| if t.numeric(i) { "---:|" } else { "---|" })
                        .collect::<String>()
                ));
                for r in &t.rows {
                    out.push_str(&format!(
                        "| {} |\n",
                        r.iter().map(|c| md_cell(c)).collect::<Vec<_>>().join(" | ")
                    ));
                }
                out.push('\n');
            }
            Block::Chart(c) => {
                out.push_str(&format!(
                    "![{}](charts/{}.png)\n\n*{}* (data/{}.csv)\n\n",
                    md_text(&c.title).replace(']', "\\]"),
                    c.name,
                    md_text(&c.caption),
                    c.name
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: `report.md` passed raw HTML from site names.
    #[test]
    fn markdown_shows_html_in_names_as_text() {
        let blocks = vec![
            Block::Heading { level: 2, text: "Site <b>x</b>".to_owned() },
            Block::Para("<script>alert(1)</script> & more".to_owned()),
            Block::Note("a > b".to_owned()),
            Block::List(vec!["<img src=x>".to_owned()]),
        ];
        let md = markdown("T<i>", &blocks, &[]);
        assert!(!md.contains('<'), "{md}");
        assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"), "{md}");
        assert!(md.contains("Site &lt;b&gt;x&lt;/b&gt;"), "{md}");
        assert!(md.starts_with("# T&lt;i&gt;\n"), "{md}");
    }
}
