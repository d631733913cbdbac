//! Scenario text with comments beside chosen fields: how a fitted scenario says where each
//! of its numbers came from.
//!
//! The scenario is written with [`crate::to_ron`] first; each [`Note`] is then put on its own
//! `//` lines just above the line where its field's value starts (found by the same walk along
//! a field path that locates validation errors), indented like that line. Comments are
//! ignored by the parser, so the annotated text loads to the same scenario.

use crate::RawScenario;
use crate::locate::{Path, locate};

/// A path from the top of a scenario to one field, built step by step:
/// `FieldPath::root().field("services").index(2).field("counter_minutes")`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath(Path);

impl FieldPath {
    /// The whole scenario.
    pub fn root() -> FieldPath {
        FieldPath::default()
    }

    /// The field `name` of the value at this path.
    #[must_use]
    pub fn field(&self, name: &'static str) -> FieldPath {
        FieldPath(self.0.field(name))
    }

    /// Element `i` of the list or tuple at this path.
    #[must_use]
    pub fn index(&self, i: usize) -> FieldPath {
        FieldPath(self.0.index(i))
    }
}

impl std::fmt::Display for FieldPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A comment to write beside one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The field the comment is about.
    pub at: FieldPath,
    /// The comment, one or more lines, without the `//`.
    pub text: String,
}

/// Writes `raw` as pretty RON with `header` lines at the top and every note on `//` lines
/// above its field. A note whose field is absent lands above the closest enclosing value.
pub fn to_ron_with_notes(raw: &RawScenario, header: &[String], notes: &[Note]) -> String {
    let text = crate::to_ron(raw);
    // (line start, indentation, comment lines); insertions are made from the end backwards,
    // so earlier offsets stay valid.
    let mut inserts: Vec<(usize, usize, &Note)> = notes
        .iter()
        .enumerate()
        .map(|(order, note)| {
            let (start, _) = locate(&text, &note.at.0);
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            (line_start, order, note)
        })
        .collect();
    inserts.sort_by_key(|&(at, order, _)| (std::cmp::Reverse(at), std::cmp::Reverse(order)));
    let mut out = text.clone();
    for (at, _, note) in inserts {
        let indent: String = text[at..].chars().take_while(|c| *c == ' ' || *c == '\t').collect();
        let mut block = String::new();
        for line in note.text.lines() {
            block.push_str(&indent);
            block.push_str("// ");
            block.push_str(line);
            block.push('\n');
        }
        out.insert_str(at, &block);
    }
    let mut top = String::new();
    for line in header.iter().flat_map(|h| h.lines()) {
        top.push_str("// ");
        top.push_str(line);
        top.push('\n');
    }
    top + &out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_land_above_their_fields_and_the_text_loads_the_same() {
        let text = include_str!("../../../scenarios/pilot-2026.ron");
        let raw = crate::parse_raw("pilot-2026.ron", text).expect("the pilot parses");
        let notes = [
            Note {
                at: FieldPath::root().field("services").index(1).field("counter_minutes"),
                text: "fit: lognormal\nsecond line".into(),
            },
            Note { at: FieldPath::root().field("name"), text: "the name".into() },
        ];
        let out = to_ron_with_notes(&raw, &["header".into()], &notes);
        assert!(out.starts_with("// header\n"), "{}", &out[..80]);
        let back = crate::parse_raw("annotated", &out).expect("annotated text parses");
        assert_eq!(back, raw);
        let at = out.find("// fit: lognormal").expect("note written");
        let after = &out[at..];
        let next: Vec<&str> = after.lines().take(3).map(str::trim).collect();
        assert_eq!(next[1], "// second line");
        assert!(next[2].starts_with("counter_minutes:"), "{next:?}");
        assert!(out.contains("// the name\n    name:"), "name note");
    }
}
