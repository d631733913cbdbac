//! The pilot's `sensitivity` block: every `[est.]` of the file is listed there (a factor the
//! screening moves, or a value left unvaried with its reason), its paths resolve, and a
//! factor at a level is the overrides it should be.

use navbat_locate::{Path, Step, locate};
use navbat_scenario::{Override, RawScenario, parse_raw, reach};

use crate::{PILOT, check_error, from_str, line_of, pilot_with};

/// The byte range of every value the block lists, in `text`.
fn listed_spans(text: &str, raw: &RawScenario) -> Vec<(usize, usize)> {
    let block = raw.sensitivity.as_ref().expect("the pilot has a sensitivity block");
    let paths = block
        .factors
        .iter()
        .flat_map(|f| f.vary.iter().map(|c| c.path().to_owned()))
        .chain(block.not_varied.iter().map(|n| n.path.clone()));
    let mut spans = Vec::new();
    for path in paths {
        for concrete in reach(raw, &path).unwrap_or_else(|e| panic!("{path}: {e}")) {
            spans.push(locate(text, &to_locate(&concrete)));
        }
    }
    spans
}

/// A concrete override path (`sites.0.demand.1.yearly`) as a path into the text.
fn to_locate(concrete: &str) -> Path {
    Path(
        concrete
            .split('.')
            .map(|s| match s.parse::<usize>() {
                Ok(i) => Step::Index(i),
                // Field names of a test's own paths: a few dozen short strings.
                Err(_) => Step::Field(Box::leak(s.to_owned().into_boxed_str())),
            })
            .collect(),
    )
}

/// The services the file's header estimates, by the label its table uses.
const HEADER_SERVICES: [(&str, &str); 7] = [
    ("ID card", "id-card"),
    ("foreigner reg.", "foreigner-registration"),
    ("e-visa extension", "e-visa-extension"),
    ("work permit", "work-permit"),
    ("stateless travel", "stateless-travel-document"),
    ("compatriot invite", "compatriot-invitation"),
    ("citizenship", "citizenship-application"),
];

/// The 1-based lines holding `[est` whose value no listed path reaches. A trailing comment
/// (or a string) annotates its own line; a comment line annotates the block that follows it
/// (to the next line indented no deeper that is not a closing bracket); a line of the
/// header's demand table annotates the first site's demand line of its service.
fn uncovered(text: &str) -> Vec<usize> {
    let raw = parse_raw("pilot.ron", text).expect("parses");
    let spans = listed_spans(text, &raw);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let starts: Vec<usize> = lines
        .iter()
        .scan(0, |at, l| {
            let s = *at;
            *at += l.len();
            Some(s)
        })
        .collect();
    let body = lines.iter().position(|l| l.starts_with("Scenario(")).expect("Scenario(");
    let indent = |l: &str| l.len() - l.trim_start().len();
    let is_comment = |l: &str| l.trim_start().starts_with("//");
    // The block's own comment and reasons say `[est.]` of its ranges.
    let mut block =
        lines.iter().position(|l| l.starts_with("    sensitivity:")).unwrap_or(lines.len());
    while block > 0 && is_comment(lines[block - 1]) {
        block -= 1;
    }
    let mut missing = Vec::new();
    for (i, line) in lines.iter().enumerate().take(block) {
        if !line.contains("[est") {
            continue;
        }
        let target: (usize, usize) = if i < body {
            if !line.starts_with("//   ") {
                continue; // the header's prose, not a figure
            }
            let (_, service) = HEADER_SERVICES
                .iter()
                .find(|(label, _)| line[5..].starts_with(label))
                .unwrap_or_else(|| panic!("line {}: a header estimate of no known service", i + 1));
            let needle = format!("(service: \"{service}\"");
            let at = text.find(&needle).expect("the service has a demand line");
            let from = text[..at].rfind('\n').map_or(0, |n| n + 1);
            (from, at + text[at..].find('\n').unwrap_or(text.len() - at))
        } else if !is_comment(line) {
            (starts[i], starts[i] + line.len())
        } else {
            let Some(first) = (i + 1..lines.len())
                .find(|&j| !is_comment(lines[j]) && !lines[j].trim().is_empty())
            else {
                missing.push(i + 1);
                continue;
            };
            let depth = indent(line);
            let end = (first + 1..lines.len())
                .find(|&j| {
                    let t = lines[j].trim_start();
                    indent(lines[j]) <= depth && !t.starts_with(']') && !t.starts_with(')')
                })
                .unwrap_or(lines.len());
            (starts[first], starts[end - 1] + lines[end - 1].len())
        };
        if !spans.iter().any(|&(s, e)| s < target.1 && target.0 < e) {
            missing.push(i + 1);
        }
    }
    missing
}

#[test]
fn every_estimate_of_the_pilot_is_listed_for_the_screening() {
    let missing = uncovered(PILOT);
    assert!(
        missing.is_empty(),
        "[est.] lines of scenarios/pilot-2026.ron not in its sensitivity block: {missing:?}"
    );
    let s = from_str("pilot.ron", PILOT).expect("pilot loads");
    assert!(s.sensitivity.factors.len() >= 30, "{} factors", s.sensitivity.factors.len());
}

#[test]
fn an_estimate_dropped_from_the_block_is_found_missing() {
    // The coverage check can fail: without the warm-up factor, the warm-up line is missing.
    let from = "            (id: \"warm-up\", reason: \"[est.] teething days left out: none to two weeks\",\n             vary: [Set(path: \"horizon.warm_up_days\", low: 0, high: 14)]),\n";
    let text = pilot_with(from, "");
    assert_eq!(uncovered(&text), [line_of(&text, "warm_up_days: 7,")]);
    // And a new [est.] figure nobody listed is found too.
    let text = pilot_with("verify_seconds: 3.0,", "verify_seconds: 3.0, // [est.] a new guess");
    assert_eq!(uncovered(&text), [line_of(&text, "a new guess")]);
}

#[test]
fn a_path_that_reaches_nothing_is_a_located_error() {
    let text = pilot_with("path: \"face_id.impostors\"", "path: \"face_id.imposters\"");
    check_error(&text, "face_id.imposters", &["imposters"]);
    let text = pilot_with(
        "path: \"face_id.duplicates\", low: 0.2",
        "path: \"face_id.duplicates\", low: 5.0",
    );
    check_error(&text, "face_id.duplicates\", low: 5.0", &["low < high"]);
    let text = pilot_with("path: \"sites.*.hours\"", "path: \"sites.*.hourz\"");
    check_error(&text, "sites.*.hourz", &["hourz"]);
}

#[test]
fn a_factor_at_a_level_is_its_overrides() {
    let raw = parse_raw("pilot.ron", PILOT).expect("parses");
    let s = from_str("pilot.ron", PILOT).expect("loads");
    let factor = |id: &str| s.sensitivity.factors.iter().find(|f| f.id == id).expect(id).clone();
    // Scale keeps each value's own base: young 75 min and adults 90 min, times 1.05 at
    // level 0.5 of 0.6..1.5.
    let patience = factor("patience").overrides(&raw, 0.5).expect("overrides");
    assert_eq!(patience.len(), 7);
    assert_eq!(patience[0].path, "segments.0.patience_min.LogNormal.mean");
    assert!((patience[0].value.as_f64().expect("number") - 75.0 * 1.05).abs() < 1e-9);
    assert!((patience[1].value.as_f64().expect("number") - 90.0 * 1.05).abs() < 1e-9);
    // Whole numbers stay whole: 0..14 warm-up days at level 1/3 is 5 (4.67 rounded).
    let warm = factor("warm-up").overrides(&raw, 1.0 / 3.0).expect("overrides");
    assert_eq!(warm, [Override { path: "horizon.warm_up_days".to_owned(), value: 5.into() }]);
    // `*` passes over sites without the service: ID-card demand at the seven sites that
    // have it (the tourist zone has none).
    let id = factor("demand-id-card").overrides(&raw, 1.0).expect("overrides");
    assert_eq!(id.len(), 7);
    // Volumes are numbers with fractions in the file's types: scaled, not rounded.
    assert_eq!(id[0].value, serde_json::Value::from(13678.0 * 1.2));
    // Every factor's ends load as scenarios.
    for f in &s.sensitivity.factors {
        for level in [0.0, 1.0] {
            let sets = f.overrides(&raw, level).expect("overrides");
            let changed = navbat_scenario::apply_overrides(&raw, &sets).expect("applies");
            let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
            navbat_scenario::from_raw_at(&f.id, &changed, &base)
                .unwrap_or_else(|e| panic!("{} at level {level}: {e}", f.id));
        }
    }
}
