//! Upper bounds at validation: each regression input from the "nothing lost, nothing silent,
//! nothing crashes" report is refused with a located error naming the field and the limit.

use super::{check_error, pilot_with};

#[test]
fn kiosk_count_of_u32_max_is_refused() {
    let text =
        pilot_with("kiosks: [(id: \"k\", count: 2,", "kiosks: [(id: \"k\", count: 4294967295,");
    check_error(&text, "count: 4294967295", &["kiosks[0].count", "1 to 1000 kiosks"]);
}

#[test]
fn counter_count_past_the_limit_is_refused() {
    let text = pilot_with("(id: \"general\", count: 2,", "(id: \"general\", count: 1001,");
    check_error(&text, "count: 1001", &["counters[0].count", "1 to 1000 counters"]);
}

#[test]
fn floor_assistants_past_the_limit_are_refused() {
    let text = pilot_with("floor_assistants: 1,", "floor_assistants: 4294967295,");
    check_error(&text, "floor_assistants: 4294967295", &["floor_assistants", "at most 1000"]);
}

#[test]
fn back_office_officers_past_the_limit_are_refused() {
    let text = pilot_with("(id: \"identity\", officers: 2,", "(id: \"identity\", officers: 10001,");
    check_error(&text, "officers: 10001", &["back_office[0].officers", "1 to 10000"]);
}

#[test]
fn yearly_volume_of_1e12_is_refused() {
    let text = pilot_with("yearly: 13678,", "yearly: 1e12,");
    check_error(&text, "yearly: 1e12", &["demand[0].yearly", "0 to 10000000"]);
}

#[test]
fn yearly_volumes_adding_up_past_the_limit_are_refused() {
    // Each line is allowed; together (dozens of lines) they pass the scenario's total.
    let mut parts = super::PILOT.split("yearly: ");
    let mut text = parts.next().unwrap_or_default().to_owned();
    for part in parts {
        let digits = part.find(|c: char| !c.is_ascii_digit()).unwrap_or(0);
        text.push_str("yearly: 9999999");
        text.push_str(&part[digits..]);
    }
    let Err(err) = super::from_str("pilot.ron", &text) else {
        panic!("too many applicants should be refused");
    };
    let msg = err.to_string();
    assert!(msg.contains("add up to more than 100000000"), "{msg}");
    assert!(err.position().is_some_and(|(line, _)| line > 1), "{msg}");
}

#[test]
fn mean_of_1e308_is_refused() {
    let text = pilot_with(
        "counter_minutes: LogNormal(mean: 10.0, cv: 0.5),",
        "counter_minutes: Exponential(mean: 1e308),",
    );
    check_error(&text, "mean: 1e308", &["counter_minutes.mean", "at most 5270400 minutes"]);
}

#[test]
fn cv_of_1e300_is_refused_not_run_as_a_constant() {
    let text = pilot_with(
        "counter_minutes: LogNormal(mean: 10.0, cv: 0.5),",
        "counter_minutes: LogNormal(mean: 10.0, cv: 1e300),",
    );
    check_error(&text, "cv: 1e300", &["counter_minutes.cv", "(0, 10]"]);
}

#[test]
fn gamma_that_rand_distr_cannot_build_is_refused() {
    // cv² underflows to 0, so the shape 1/cv² is infinite: rand_distr has no such gamma.
    let text = pilot_with(
        "counter_minutes: LogNormal(mean: 10.0, cv: 0.5),",
        "counter_minutes: Gamma(mean: 10.0, cv: 1e-200),",
    );
    check_error(&text, "cv: 1e-200", &["counter_minutes", "no distribution that can be sampled"]);
}

#[test]
fn weibull_shapes_and_scales_out_of_range_are_refused_where_they_stand() {
    let with = |dist: &str| {
        pilot_with(
            "counter_minutes: LogNormal(mean: 10.0, cv: 0.5),",
            &format!("counter_minutes: {dist},"),
        )
    };
    // A shape of 0.1 would give a coefficient of variation near 400.
    check_error(
        &with("Weibull(shape: 0.1, scale: 10.0)"),
        "shape: 0.1",
        &["counter_minutes.shape", "[0.24, 100]"],
    );
    check_error(
        &with("Weibull(shape: NaN, scale: 10.0)"),
        "shape: NaN",
        &["counter_minutes.shape"],
    );
    check_error(
        &with("Weibull(shape: 1.5, scale: -1.0)"),
        "scale: -1.0",
        &["counter_minutes.scale", "> 0"],
    );
    // A year-long mean (5,270,400 minutes is the limit): the scale is where it is set.
    check_error(
        &with("Weibull(shape: 0.3, scale: 1e6)"),
        "scale: 1e6",
        &["counter_minutes.scale", "at most"],
    );
    let text = with("Weibull(shape: 1.5, scale: 10.0)");
    let s = crate::from_str("pilot.ron", &text).expect("valid");
    let d = s
        .services
        .iter()
        .map(|sv| &sv.counter_minutes)
        .find(|d| matches!(d, navbat_scenario::Dist::Weibull { .. }))
        .expect("the Weibull service");
    // Γ(1 + 1/1.5) = 0.902745...
    assert!((d.mean() - 10.0 * 0.902_745_292_950_934).abs() < 1e-9, "{d:?}");
}

#[test]
fn triangular_past_the_duration_limit_is_refused() {
    let text = pilot_with(
        "kiosk_minutes: Some(Triangular(min: 5.0, mode: 7.0, max: 10.0)),",
        "kiosk_minutes: Some(Triangular(min: 5.0, mode: 7.0, max: 1e20)),",
    );
    check_error(&text, "max: 1e20", &["kiosk_minutes.max", "at most"]);
}

#[test]
fn repair_hours_are_bounded_in_hours() {
    // 87,840 hours is ten years; the same number of minutes would be allowed.
    let text = pilot_with(
        "repair_hours: LogNormal(mean: 3.0, cv: 0.8))",
        "repair_hours: Constant(value: 87841.0))",
    );
    check_error(&text, "value: 87841.0", &["repair_hours.value", "at most 87840 hours"]);
}

#[test]
fn horizon_in_year_9999_is_refused() {
    let text = pilot_with("start: \"2026-05-01\"", "start: \"9999-12-01\"");
    check_error(&text, "9999-12-01", &["horizon.start", "years 1900 to 2200"]);
}

#[test]
fn horizon_before_1900_is_refused() {
    let text = pilot_with("start: \"2026-05-01\"", "start: \"1899-05-01\"");
    check_error(&text, "1899-05-01", &["horizon.start", "years 1900 to 2200"]);
}

#[test]
fn bom_and_crlf_are_accepted_and_positions_stay_right() {
    let crlf = format!("\u{feff}{}", super::PILOT.replace('\n', "\r\n"));
    let s = super::from_str("pilot.ron", &crlf).expect("a BOM and CRLF line ends are fine");
    assert_eq!(s.days(), 365);
    // An error still points at the right line and column.
    let bad = pilot_with("yearly: 13678,", "yearly: -5,");
    let (line, col) = super::from_str("pilot.ron", &bad)
        .expect_err("negative volume")
        .position()
        .expect("located");
    let bad_crlf = format!("\u{feff}{}", bad.replace('\n', "\r\n"));
    let err = super::from_str("pilot.ron", &bad_crlf).expect_err("negative volume");
    assert_eq!(err.position(), Some((line, col)), "{err}");
    assert_eq!(line, super::line_of(&bad, "yearly: -5"));
    // A syntax error too.
    let broken =
        format!("\u{feff}{}", pilot_with("yearly: 13678,", "yearly: ,").replace('\n', "\r\n"));
    let err = super::from_str("pilot.ron", &broken).expect_err("syntax");
    let (l, c) = err.position().expect("located");
    assert_eq!(l, line, "{err}");
    assert!(c > 1, "{err}");
}

mod sweeps {
    use std::path::Path;

    fn sweep(text: &str) -> Result<navbat_scenario::Sweep, navbat_scenario::ScenarioError> {
        navbat_scenario::sweep_from_str("s.ron", text, Path::new("scenarios/sweeps/s.ron"))
    }

    #[test]
    fn four_billion_replications_are_refused_at_their_line() {
        let text = "Sweep(\n    scenario: \"../pilot-2026.ron\",\n    replications: 4000000000,\n    axes: [(path: \"seed\", values: [1])],\n)";
        let err = sweep(text).expect_err("too many replications");
        assert_eq!(err.position(), Some((3, 19)), "{err}");
        let msg = err.to_string();
        assert!(msg.starts_with("s.ron:3:19: `replications`: expected 1 to 10000"), "{msg}");
    }

    #[test]
    fn points_times_replications_past_the_limit_are_refused() {
        let values: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
        let text = format!(
            "Sweep(scenario: \"p.ron\", replications: 600, baseline: true,\n axes: [(path: \"a\", values: [{}])])",
            values.join(", ")
        );
        let msg = sweep(&text).expect_err("1000 x 600 x 2 runs").to_string();
        assert!(msg.contains("1200000 runs; expected at most 1000000"), "{msg}");
        assert!(msg.starts_with("s.ron:1:"), "{msg}");
    }

    #[test]
    fn bundled_sweeps_load_with_a_bom_and_crlf() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/sweeps");
        for name in ["adoption-50.ron", "kiosks-and-officers.ron"] {
            let path = root.join(name);
            let text = std::fs::read_to_string(&path).expect("bundled sweep");
            let plain = sweep(&text).expect("loads");
            let odd = format!("\u{feff}{}", text.replace('\n', "\r\n"));
            assert_eq!(sweep(&odd).expect("loads too"), plain);
        }
    }
}

#[test]
fn national_scenario_is_within_every_bound() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/national-2026.ron");
    let s = navbat_scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.sites.len(), 208);
}

#[test]
fn override_of_an_empty_or_numeric_string_is_shown_so_that_it_parses_back() {
    // Found while writing the overrides fuzz target's round-trip check: `name=""` was shown as
    // `name=`, which is not an override, and `name="3"` as `name=3`, a number.
    for text in [r#"name="""#, r#"name="3""#, r#"name=" x""#, "queue.discipline=Fifo", "a.b=1.5"] {
        let change = navbat_scenario::Override::parse(text).expect("parses");
        let shown = change.to_string();
        assert_eq!(navbat_scenario::Override::parse(&shown), Ok(change), "{text} shown as {shown}");
    }
    let bare = navbat_scenario::Override::parse("queue.discipline=Fifo").expect("parses");
    assert_eq!(bare.to_string(), "queue.discipline=Fifo");
}

/// The first segment's retrial block, as the pilot writes it.
const RETRIAL: &str = "retrial: Some((probability: 0.80, delay_days: LogNormal(mean: 3.0, cv: 1.0), max_visits: 3, trip_minutes: 60.0))";

#[test]
fn retrial_fields_out_of_range_are_refused_where_they_stand() {
    let cases = [
        (
            "probability: 0.80",
            "probability: 1.5",
            "segments[0].retrial.probability",
            "between 0 and 1",
        ),
        ("max_visits: 3", "max_visits: 0", "segments[0].retrial.max_visits", "between 1 and 20"),
        ("max_visits: 3", "max_visits: 21", "segments[0].retrial.max_visits", "between 1 and 20"),
        (
            "trip_minutes: 60.0",
            "trip_minutes: -1.0",
            "segments[0].retrial.trip_minutes",
            "between 0 and 1440",
        ),
        (
            "trip_minutes: 60.0",
            "trip_minutes: 1e9",
            "segments[0].retrial.trip_minutes",
            "between 0 and 1440",
        ),
        (
            "delay_days: LogNormal(mean: 3.0, cv: 1.0)",
            "delay_days: Exponential(mean: 1e6)",
            "segments[0].retrial.delay_days.mean",
            "at most 3660 days",
        ),
    ];
    for (from, to, field, limit) in cases {
        let text = pilot_with(RETRIAL, &RETRIAL.replace(from, to));
        check_error(&text, "retrial: Some((probability:", &[field, limit]);
    }
}
