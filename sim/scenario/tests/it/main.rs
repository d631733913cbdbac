//! Scenario loading: the bundled files load, and every class of bad input is a located error.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test stops at the first failed assumption, helpers included"
)]

use navbat_scenario::{ScenarioError, parse_raw, to_ron};

mod bounds;
mod estimates;

const PILOT: &str = include_str!("../../../../scenarios/pilot-2026.ron");

/// Checks `text` as if it were a file in `scenarios/` (where the pilot's service
/// definitions are found).
fn from_str(file: &str, text: &str) -> Result<navbat_scenario::Scenario, ScenarioError> {
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    navbat_scenario::from_str_at(file, text, &base)
}

fn pilot_with(from: &str, to: &str) -> String {
    assert!(PILOT.contains(from), "fixture text {from:?} not found in the pilot scenario");
    PILOT.replacen(from, to, 1)
}

/// 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in text"));
    text[..at].matches('\n').count() + 1
}

/// Loads `text`, expects an error on the line holding `marker`, whose message mentions
/// every one of `words`.
#[track_caller]
fn check_error(text: &str, marker: &str, words: &[&str]) -> ScenarioError {
    let err = from_str("pilot.ron", text).expect_err("the scenario should be rejected");
    let msg = err.to_string();
    let (line, col) = err.position().expect("a text error has a position");
    assert_eq!(line, line_of(text, marker), "wrong line in {msg}");
    assert!(col >= 1);
    assert!(msg.starts_with(&format!("pilot.ron:{line}:{col}: ")), "{msg}");
    for w in words {
        assert!(msg.contains(w), "{msg:?} should mention {w:?}");
    }
    err
}

#[test]
fn bundled_scenarios_load() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios");
    let mut files = vec![std::path::PathBuf::from(root).join("pilot-2026.ron")];
    for entry in std::fs::read_dir(format!("{root}/validation")).expect("validation folder") {
        files.push(entry.expect("entry").path());
    }
    assert!(files.len() >= 5, "expected the pilot and four validation models");
    for f in files {
        let s = navbat_scenario::load(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert!(!s.sites.is_empty());
    }
}

#[test]
fn pilot_has_the_pilot_year_and_four_districts() {
    let s = from_str("pilot.ron", PILOT).expect("pilot loads");
    assert_eq!(s.start.to_string(), "2026-05-01");
    assert_eq!(s.end.to_string(), "2027-04-30");
    assert_eq!(s.days(), 365);
    let regions: Vec<&str> = s.sites.iter().map(|x| x.region.as_str()).collect();
    for r in ["Tashkent region", "Samarkand region", "Fergana region", "Republic of Karakalpakstan"]
    {
        assert!(regions.contains(&r), "missing {r}");
    }
    assert_eq!(s.services.len(), 10);
    // Profiles are normalised.
    for p in &s.profiles {
        assert!((p.hour_of_day.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
}

#[test]
fn raw_round_trip_gives_the_same_scenario() {
    let raw = parse_raw("pilot.ron", PILOT).expect("parses");
    let again = to_ron(&raw);
    assert_eq!(from_str("a", PILOT).expect("a"), from_str("b", &again).expect("b"));
}

#[test]
fn syntax_error_is_located() {
    let text = pilot_with("name: \"pilot-2026\",", "name: \"pilot-2026\"");
    let err = from_str("pilot.ron", &text).expect_err("missing comma");
    assert!(matches!(err, ScenarioError::Syntax { .. }), "{err}");
    assert!(err.to_string().starts_with("pilot.ron:"), "{err}");
}

#[test]
fn unknown_field_is_an_error() {
    let text = pilot_with("warm_up_days: 7,", "warm_up_days: 7, warmup: 3,");
    let err = check_error(&text, "warmup: 3", &["warmup"]);
    assert!(matches!(err, ScenarioError::Syntax { .. }));
}

#[test]
fn wrong_type_is_an_error() {
    let text = pilot_with("warm_up_days: 7,", "warm_up_days: \"seven\",");
    check_error(&text, "\"seven\"", &[]);
}

#[test]
fn negative_volume_is_an_error() {
    let text = pilot_with("yearly: 13678", "yearly: -13678");
    check_error(&text, "yearly: -13678", &["sites[0].demand[0].yearly", "-13678"]);
}

#[test]
fn empty_opening_window_is_an_error() {
    let text = pilot_with("saturday: [\"09:00-15:00\"]", "saturday: [\"09:00-09:00\"]");
    check_error(&text, "\"09:00-09:00\"", &["hours.saturday[0]", "end after it starts"]);
}

#[test]
fn malformed_time_is_an_error() {
    let text = pilot_with("weekdays: [\"09:00-18:00\"]", "weekdays: [\"9am-6pm\"]");
    check_error(&text, "9am-6pm", &["expected a time range"]);
}

#[test]
fn dangling_service_reference_is_an_error() {
    let text = pilot_with(
        "(service: \"work-permit\", yearly: 98",
        "(service: \"work-permits\", yearly: 98",
    );
    check_error(&text, "work-permits", &["unknown service", "work-permits"]);
}

#[test]
fn dangling_counter_service_is_an_error() {
    let text = pilot_with(
        "services: [\"foreigner-registration\",",
        "services: [\"foreigner-registratoin\",",
    );
    check_error(&text, "registratoin", &["counters[1].services[0]", "unknown service"]);
}

#[test]
fn dangling_segment_reference_is_an_error() {
    let text = pilot_with("segments: [(\"foreigner\", 1.0)]),", "segments: [(\"tourist\", 1.0)]),");
    check_error(&text, "\"tourist\"", &["unknown segment"]);
}

#[test]
fn dangling_profile_reference_is_an_error() {
    let text =
        pilot_with("yearly: 1974, profile: \"visitors\"", "yearly: 1974, profile: \"tourists\"");
    check_error(&text, "\"tourists\"", &["unknown profile"]);
}

#[test]
fn duplicate_id_is_an_error() {
    let text = pilot_with("(id: \"urgut\",", "(id: \"zangiota\",");
    let marker = "(id: \"zangiota\", name: \"Urgut";
    check_error(&text, marker, &["duplicate id"]);
}

#[test]
fn pilot_states_its_decision_rule() {
    let s = from_str("pilot.ron", PILOT).expect("pilot loads");
    assert!(s.decision.stated);
    assert_eq!(s.decision.abandonment_margin_points, 0.5);
    assert_eq!(s.decision.precision, 0.05);
    assert_eq!(s.decision.family_alpha, 0.05);
}

#[test]
fn decision_left_out_takes_the_defaults() {
    let start = PILOT.find("    decision: Some((").expect("decision block");
    let end = start + PILOT[start..].find(")),\n").expect("block end") + 4;
    let text = format!("{}{}", &PILOT[..start], &PILOT[end..]);
    let s = from_str("pilot.ron", &text).expect("loads without the block");
    assert!(!s.decision.stated);
    assert_eq!(s.decision.abandonment_margin_points, 0.5);
    let text = pilot_with("        precision: 0.05,\n", "");
    let s = from_str("pilot.ron", &text).expect("loads without one field");
    assert!(s.decision.stated);
    assert_eq!(s.decision.precision, 0.05);
}

#[test]
fn bad_decision_numbers_are_located_errors() {
    let text = pilot_with("abandonment_margin_points: 0.5", "abandonment_margin_points: -1.0");
    check_error(&text, "abandonment_margin_points: -1.0", &["decision", "percentage points"]);
    let text = pilot_with("        precision: 0.05,", "        precision: 1.5,");
    check_error(&text, "precision: 1.5", &["precision", "between 0 and 1"]);
    let text = pilot_with("family_alpha: 0.05", "family_alpha: 0.0");
    check_error(&text, "family_alpha: 0.0", &["family_alpha"]);
    let text = pilot_with("family_alpha: 0.05", "family_alpha: 0.05, margin: 1.0");
    check_error(&text, "margin: 1.0", &["margin"]);
}

#[test]
fn probability_out_of_range_is_an_error() {
    let text = pilot_with("kiosk_success: 0.945", "kiosk_success: 1.92");
    check_error(&text, "kiosk_success: 1.92", &["probability"]);
}

#[test]
fn wrong_number_of_weights_is_an_error() {
    let text =
        pilot_with("weekday: [1.25, 1.1, 1.0, 1.0, 0.95, 0.7, 0.3],", "weekday: [1.25, 1.1],");
    check_error(&text, "weekday: [1.25, 1.1],", &["expected 7 weights"]);
}

#[test]
fn bad_date_is_an_error() {
    let text = pilot_with("end: \"2027-04-30\"", "end: \"2027-02-30\"");
    check_error(&text, "2027-02-30", &["YYYY-MM-DD"]);
}

#[test]
fn horizon_ending_before_start_is_an_error() {
    let text = pilot_with("end: \"2027-04-30\"", "end: \"2026-04-30\"");
    check_error(&text, "2026-04-30\"", &["on or after the start"]);
}

#[test]
fn nonpositive_distribution_parameter_is_an_error() {
    let text = pilot_with(
        "LogNormal(mean: 12.0, cv: 0.5),\n         kiosk",
        "LogNormal(mean: 0.0, cv: 0.5),\n         kiosk",
    );
    check_error(&text, "LogNormal(mean: 0.0", &["counter_minutes.mean", "> 0"]);
}

#[test]
fn zero_count_is_an_error() {
    let text = pilot_with("(id: \"k\", count: 3,", "(id: \"k\", count: 0,");
    check_error(&text, "count: 0,", &["kiosks[0].count"]);
}

#[test]
fn service_nobody_can_serve_is_an_error() {
    // Uchkuprik has only general counters; restrict them so nobody handles citizenship.
    let text = pilot_with(
        "(id: \"general\", count: 3, shifts",
        "(id: \"general\", count: 3, services: [\"id-card\"], shifts",
    );
    check_error(
        &text,
        "(service: \"stateless-travel-document\", yearly: 7",
        &["no counter or kiosk"],
    );
}

#[test]
fn missing_file_is_an_io_error() {
    let err =
        navbat_scenario::load(std::path::Path::new("/nonexistent/x.ron")).expect_err("no file");
    assert!(matches!(err, ScenarioError::Io { .. }));
    assert!(err.to_string().contains("/nonexistent/x.ron"));
}

mod overrides {
    use navbat_scenario::{Override, OverrideError, apply_overrides, from_raw, parse_raw};

    fn raw() -> navbat_scenario::RawScenario {
        parse_raw("pilot.ron", super::PILOT).expect("parses")
    }

    fn set(text: &str) -> Result<navbat_scenario::RawScenario, OverrideError> {
        apply_overrides(&raw(), &[Override::parse(text).expect("path=value")])
    }

    #[test]
    fn by_id_changes_one_element() {
        let r = set("sites.urgut.kiosks.k.count=5").expect("applies");
        let counts: Vec<u32> = r.sites.iter().map(|s| s.kiosks[0].count).collect();
        assert_eq!(counts, vec![2, 5, 2, 2, 2, 2, 2, 1]);
    }

    #[test]
    fn wildcard_and_index_reach_every_element() {
        let r = set("sites.*.kiosks.0.count=4").expect("applies");
        assert!(r.sites.iter().all(|s| s.kiosks[0].count == 4));
    }

    #[test]
    fn enum_variant_and_bare_words_work() {
        let r = set("services.id-card.counter_minutes.LogNormal.mean=11.5").expect("applies");
        assert_eq!(
            r.services[0].counter_minutes,
            navbat_scenario::Dist::LogNormal { mean: 11.5, cv: 0.5 }
        );
        let r = set("queue.discipline=Fifo").expect("applies");
        assert_eq!(r.queue.discipline, navbat_scenario::Discipline::Fifo);
    }

    #[test]
    fn unknown_path_names_the_missing_step() {
        let err = set("sites.urgut.kiosk.count=5").expect_err("no such field");
        assert_eq!(
            err,
            OverrideError::NoSuchField {
                path: "sites.urgut.kiosk.count".into(),
                step: "kiosk".into(),
                at: "sites.urgut".into()
            }
        );
        assert!(set("sites.samarkand.name=x").is_err(), "unknown site id");
    }

    #[test]
    fn wrong_type_is_an_error_naming_the_path() {
        let err = set("sites.urgut.kiosks.k.count=-1").expect_err("u32");
        assert!(err.to_string().contains("sites.urgut.kiosks.k.count"), "{err}");
        assert!(Override::parse("no-equals-sign").is_err());
    }

    #[test]
    fn overridden_scenario_is_validated() {
        let r = set("sites.urgut.demand.0.yearly=-3").expect("type fits");
        let err = from_raw("pilot with --set", &r).expect_err("negative volume");
        assert!(err.to_string().contains("sites[1].demand[0].yearly"), "{err}");
    }

    #[test]
    fn sweep_grid_is_the_cartesian_product_in_order() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../scenarios/sweeps/kiosks-and-officers.ron");
        let sweep = navbat_scenario::load_sweep(&path).expect("sweep loads");
        assert_eq!(sweep.points.len(), 4 * 3);
        assert_eq!(sweep.points[0][0].to_string(), "sites.*.kiosks.k.count=1");
        assert_eq!(sweep.points[1][1].to_string(), "sites.*.counters.general.count=4");
        assert_eq!(sweep.points[3][0].to_string(), "sites.*.kiosks.k.count=2");
        assert!(sweep.scenario.ends_with("pilot-2026.ron"));
        assert!(sweep.baseline);
    }

    #[test]
    fn empty_axis_is_an_error() {
        let raw: navbat_scenario::RawSweep =
            ron::from_str(r#"Sweep(scenario: "x.ron", axes: [(path: "a", values: [])])"#)
                .expect("parses");
        let err = raw.expand(std::path::Path::new("s.ron")).expect_err("empty axis");
        assert!(err.contains("axes[0].values"), "{err}");
    }
}

#[test]
fn adoption_outside_zero_one_is_an_error() {
    let text = pilot_with(
        "kiosk_adoption: Some((start: 0.25, end: 0.50))",
        "kiosk_adoption: Some((start: 0.25, end: 1.50))",
    );
    check_error(&text, "end: 1.50", &["kiosk_adoption.end", "probability"]);
}

#[test]
fn channel_at_moves_the_kiosk_share_linearly() {
    let s = from_str("pilot.ron", PILOT).expect("pilot");
    let young = &s.segments[0];
    let (a, b) = (young.channel_at(0.0), young.channel_at(1.0));
    assert!((a.kiosk - 0.25).abs() < 1e-12 && (b.kiosk - 0.50).abs() < 1e-12);
    for c in [a, b, young.channel_at(0.5)] {
        assert!((c.kiosk + c.counter + c.portal - 1.0).abs() < 1e-12);
    }
    // Counter and portal keep their proportions (0.45 : 0.15).
    assert!((b.counter / b.portal - 3.0).abs() < 1e-9);
}

#[test]
fn unknown_back_office_skill_is_an_error() {
    let text = pilot_with("skills: [\"appeal\", \"case-decision\"]", "skills: [\"apeal\"]");
    check_error(&text, "\"apeal\"", &["back_office[3].skills[0]", "expected a skill"]);
}

#[test]
fn a_fact_the_service_does_not_define_is_an_error() {
    let text = pilot_with("fact: \"minor\", share: 0.12", "fact: \"first-issue\", share: 0.12");
    check_error(
        &text,
        "fact: \"first-issue\", share: 0.12",
        &["workflows.facts[2].fact", "\"foreign-passport\"", "minor", "\"first-issue\""],
    );
}

#[test]
fn a_portal_service_without_a_no_visit_path_is_an_error() {
    let text = pilot_with(
        "name: \"Travel document of a stateless person\",",
        "name: \"Travel document of a stateless person\",\n         portal: true, // stateless online",
    );
    check_error(
        &text,
        "stateless online",
        &["services[7].portal", "\"stateless-travel-document\"", "\"online\""],
    );
}

#[test]
fn production_days_of_an_unknown_service_are_an_error() {
    let text = pilot_with(
        "(\"foreign-passport\", LogNormal(mean: 5.0",
        "(\"passport\", LogNormal(mean: 5.0",
    );
    check_error(
        &text,
        "(\"passport\", LogNormal(mean: 5.0",
        &["production_days_by_service[0][0]", "expected a service id"],
    );
}

#[test]
fn missing_service_definitions_are_an_error() {
    let text = pilot_with("services: \"services\",", "services: \"no-such-folder\",");
    check_error(&text, "no-such-folder", &["workflows.services", "folder of service definitions"]);
}

#[test]
fn workflows_without_face_id_are_an_error() {
    let start = PILOT.find("    face_id: Some((").expect("face_id block");
    let end = start + PILOT[start..].find("    )),\n").expect("block end") + "    )),\n".len();
    let text = format!("{}{}", &PILOT[..start], &PILOT[end..]);
    check_error(&text, "workflows: Some((", &["workflows", "face_id"]);
}

#[test]
fn unknown_candidate_site_is_an_error() {
    let text = pilot_with("\"registan\"]", "\"registon\"]");
    check_error(&text, "\"registon\"", &["candidates[3]", "expected a site id"]);
}

#[test]
fn negative_cost_is_an_error() {
    let text = pilot_with("officer_hour: 60000.0", "officer_hour: -1.0");
    check_error(&text, "officer_hour: -1.0", &["economics.officer_hour", "amount >= 0"]);
}

#[test]
fn the_audit_key_must_exist_and_hold_32_bytes() {
    let dir = std::env::temp_dir().join(format!("navbat-scenario-key-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let (short, good) = (dir.join("short.key"), dir.join("good.key"));
    std::fs::write(&short, [7u8; 31]).expect("write");
    std::fs::write(&good, [7u8; 32]).expect("write");
    let with_key = |file: &std::path::Path| {
        pilot_with(
            "services: \"services\",",
            &format!("services: \"services\", audit_key: Some({:?}),", file.display().to_string()),
        )
    };
    let missing = dir.join("missing.key");
    check_error(&with_key(&missing), "audit_key", &["workflows.audit_key", "missing.key"]);
    check_error(
        &with_key(&short),
        "audit_key",
        &["workflows.audit_key", "at least 32 bytes", "31"],
    );
    let s = from_str("pilot.ron", &with_key(&good)).expect("a good key");
    let w = s.workflows.as_ref().expect("workflows");
    assert_eq!(w.audit_key.as_deref(), Some(good.as_path()));
    // Results never name the key: the checked block does not serialize it.
    let json = serde_json::to_string(w).expect("json");
    assert!(!json.contains("audit_key") && !json.contains("good.key"), "{json}");
    // Without one there is none.
    let plain = from_str("pilot.ron", PILOT).expect("pilot");
    assert!(plain.workflows.as_ref().is_some_and(|w| w.audit_key.is_none()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hours_of_single_days_replace_the_weekday_ranges() {
    let text = pilot_with(
        r#"hours: (weekdays: ["09:00-18:00"], saturday: ["09:00-15:00"]),"#,
        r#"hours: (weekdays: ["09:00-18:00"], saturday: ["09:00-15:00"], days: [(Wed, ["10:00-12:00", "13:00-14:00"]), (Sun, ["08:00-09:00"])]),"#,
    );
    let sc = from_str("pilot.ron", &text).expect("loads");
    let week = &sc.sites[0].hours.by_weekday;
    assert_eq!(week[0], [(540, 1080)], "Monday keeps the weekday hours");
    assert_eq!(week[2], [(600, 720), (780, 840)], "Wednesday has its own");
    assert_eq!(week[5], [(540, 900)]);
    assert_eq!(week[6], [(480, 540)], "Sunday opens for an hour");
    let twice = pilot_with(
        r#"hours: (weekdays: ["09:00-18:00"], saturday: ["09:00-15:00"]),"#,
        r#"hours: (weekdays: ["09:00-18:00"], saturday: ["09:00-15:00"], days: [(Wed, [])
            , (Wed, ["10:00-11:00"])]),"#,
    );
    check_error(&twice, ", (Wed,", &["Wed", "twice"]);
}
