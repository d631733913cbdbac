//! Writing an [`EventLog`] as XES (`.xes`, or gzip-compressed when the name ends in `.gz`),
//! streamed, through a temporary name so that no half-written file is left behind.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;
use quick_xml::escape::escape;

use crate::error::DiscoverError;
use crate::log::{EventLog, Lifecycle};

const HEADER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <classifier name="Activity" keys="concept:name"/>
"#;

/// Write the log as XES; gzip when the file name ends in `.gz`.
pub fn write_xes(log: &EventLog, path: &Path) -> Result<(), DiscoverError> {
    let io =
        |e: std::io::Error| DiscoverError::Io { path: path.to_owned(), message: e.to_string() };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.partial"));
    let file = File::create(&tmp).map_err(io)?;
    let result = if name.ends_with(".gz") {
        let mut gz = GzEncoder::new(BufWriter::new(file), Compression::default());
        write_body(log, &mut gz).and_then(|()| gz.finish()).and_then(|mut w| w.flush())
    } else {
        let mut w = BufWriter::new(file);
        write_body(log, &mut w).and_then(|()| w.flush())
    };
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e));
    }
    std::fs::rename(&tmp, path).map_err(io)
}

fn write_body<W: Write>(log: &EventLog, w: &mut W) -> std::io::Result<()> {
    w.write_all(HEADER.as_bytes())?;
    for c in &log.cases {
        writeln!(
            w,
            "  <trace>\n    <string key=\"concept:name\" value=\"{}\"/>",
            escape(c.id.as_str())
        )?;
        for (k, v) in &c.attributes {
            writeln!(
                w,
                "    <string key=\"{}\" value=\"{}\"/>",
                escape(k.as_str()),
                escape(v.as_str())
            )?;
        }
        for e in &c.events {
            let life = match e.lifecycle {
                Lifecycle::Start => "start",
                Lifecycle::Complete => "complete",
                Lifecycle::Other => "schedule",
            };
            writeln!(w, "    <event>")?;
            writeln!(
                w,
                "      <string key=\"concept:name\" value=\"{}\"/>",
                escape(log.activity_name(e.activity))
            )?;
            writeln!(w, "      <string key=\"lifecycle:transition\" value=\"{life}\"/>")?;
            if let Some(r) = e.resource.and_then(|r| log.resources.get(r as usize)) {
                writeln!(
                    w,
                    "      <string key=\"org:resource\" value=\"{}\"/>",
                    escape(r.as_str())
                )?;
            }
            writeln!(w, "      <date key=\"time:timestamp\" value=\"{}\"/>", e.time.to_iso())?;
            writeln!(w, "    </event>")?;
        }
        writeln!(w, "  </trace>")?;
    }
    w.write_all(b"</log>\n")
}
