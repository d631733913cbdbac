//! The readers on files: XES and XES.gz give the same log, OCEL 2.0 JSON takes cases from an
//! object type, bad input names file, line and column.

use std::io::Write;

use navbat_discover::{DiscoverError, EventLog, Lifecycle, read_log, write_xes};

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("navbat-discover-read-{}", std::process::id()));
    // A failure here shows as the write of the file that follows.
    let _ = std::fs::create_dir_all(&dir);
    dir.join(name)
}

const XES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <global scope="event"><string key="concept:name" value="UNKNOWN"/></global>
  <string key="concept:name" value="log name"/>
  <trace>
    <string key="concept:name" value="c1"/>
    <string key="AMOUNT_REQ" value="5000"/>
    <event>
      <string key="concept:name" value="A &amp; B"/>
      <string key="lifecycle:transition" value="START"/>
      <string key="org:resource" value="112"/>
      <date key="time:timestamp" value="2011-10-01T09:00:00.000+02:00"/>
    </event>
    <event>
      <string key="concept:name" value="A &amp; B"/>
      <string key="lifecycle:transition" value="COMPLETE"/>
      <date key="time:timestamp" value="2011-10-01T09:30:00.000+02:00"/>
      <string key="nested" value="x"><string key="inner" value="y"/></string>
    </event>
  </trace>
  <trace>
    <string key="concept:name" value="c2"/>
    <event>
      <string key="concept:name" value="C"/>
      <date key="time:timestamp" value="2011-10-02T10:00:00.000+02:00"/>
    </event>
  </trace>
</log>
"#;

#[test]
fn xes_and_its_gzip_read_the_same() {
    let p = tmp("a.xes");
    std::fs::write(&p, XES).unwrap();
    let log = read_log(&p).unwrap();
    assert_eq!(log.cases.len(), 2);
    assert_eq!(log.cases[0].id, "c1");
    assert_eq!(log.cases[0].attributes, vec![("AMOUNT_REQ".to_owned(), "5000".to_owned())]);
    assert_eq!(log.activities, vec!["A & B".to_owned(), "C".to_owned()]);
    assert_eq!(log.cases[0].events[0].lifecycle, Lifecycle::Start);
    assert_eq!(log.cases[1].events[0].lifecycle, Lifecycle::Complete, "no lifecycle: complete");
    let inst = EventLog::instances(&log.cases[0]);
    assert_eq!(inst.len(), 1);
    assert_eq!(inst[0].end.utc_ms - inst[0].start.utc_ms, 30 * 60_000);
    let gz = tmp("b.xes.gz");
    write_xes(&log, &gz).unwrap();
    let back = read_log(&gz).unwrap();
    assert_eq!(back.cases, log.cases);
}

#[test]
fn bad_xes_names_file_line_and_column() {
    let p = tmp("bad.xes");
    let bad = XES.replace("2011-10-02T10:00:00.000+02:00", "yesterday");
    std::fs::write(&p, bad).unwrap();
    match read_log(&p) {
        Err(DiscoverError::Syntax { line, column, message, .. }) => {
            assert_eq!((line, column), (25, 7), "{message}");
            assert!(message.contains("yesterday"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let p = tmp("cut.xes");
    std::fs::write(&p, &XES[..XES.len() / 2]).unwrap();
    assert!(matches!(read_log(&p), Err(DiscoverError::Syntax { .. })));
    let p = tmp("noname.xes");
    std::fs::write(&p, XES.replace("<string key=\"concept:name\" value=\"C\"/>", "")).unwrap();
    match read_log(&p) {
        Err(e @ DiscoverError::Syntax { line: 23, .. }) => {
            assert!(e.to_string().contains("noname.xes:23:5"), "{e}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn ocel_cases_come_from_an_object_type() {
    let p = tmp("a.jsonocel");
    let mut f = std::fs::File::create(&p).unwrap();
    write!(
        f,
        r#"{{"objectTypes": [], "eventTypes": [],
  "objects": [{{"id": "case-1", "type": "case", "attributes": [{{"name": "service", "value": "permit"}}]}},
              {{"id": "o-7", "type": "officer"}}],
  "events": [
    {{"id": "e2", "type": "Decide", "time": "2026-03-02T13:00:00+05:00", "relationships": [{{"objectId": "case-1", "qualifier": ""}}, {{"objectId": "o-7", "qualifier": ""}}]}},
    {{"id": "e1", "type": "Open", "time": "2026-03-02T09:00:00+05:00", "relationships": [{{"objectId": "case-1", "qualifier": ""}}]}}
  ]}}"#
    )
    .unwrap();
    drop(f);
    let log = read_log(&p).unwrap();
    assert_eq!(log.cases.len(), 1);
    let c = &log.cases[0];
    assert_eq!(c.attributes, vec![("service".to_owned(), "permit".to_owned())]);
    assert_eq!(log.activity_name(c.events[0].activity), "Open", "events in time order");
    assert_eq!(c.events[1].resource.map(|r| log.resources[r as usize].as_str()), Some("o-7"));
    std::fs::write(&p, r#"{"objects": [{"id": "c", "type": "case"}], "events": [{"id": "e1", "type": "X", "time": "soon"}]}"#).unwrap();
    let e = read_log(&p).unwrap_err().to_string();
    assert!(e.contains(":1:") && e.contains("soon"), "{e}");
}
