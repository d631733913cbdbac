//! Reports of hand-built results directories: every section fed with numbers chosen so the
//! outcome is known (recommended kiosk counts, ranking, flagged groups, a failed audit
//! chain), and the same run without its baseline and optional files.

use std::path::{Path, PathBuf};

use navbat_record::{
    BackOfficeRow, ExpansionRow, FaceIdOutline, FaceRow, Prices, RunFile, SelectionRow,
    SensitivityRow, SiteOutline, SiteRecord,
};
use navbat_report::write_report;

use crate::{check_charts, check_html, check_tables, csv_rows, fixture, out_dir, read};

/// The fixture's `run.json` with hand-set Face-ID and economics and two more candidate sites
/// (copies of a pilot site without kiosks). One kiosk costs 150 M / 5 years + 10 M = 40 M UZS
/// a year; groups are flagged above a ratio of 1.5.
fn run_json() -> String {
    let mut run = RunFile::from_json(&read(&fixture().join("run.json"))).expect("fixture run.json");
    let sc = &mut run.scenario;
    let template = sc.site("zangiota").cloned().expect("zangiota");
    for (id, name, district) in [
        ("chirchiq", "Chirchiq city migration unit", "Chirchiq"),
        ("mall", "Samarqand Darvoza mall", "-"),
    ] {
        let site = SiteOutline {
            id: id.to_owned(),
            name: name.to_owned(),
            district: district.to_owned(),
            kiosks: 0,
            ..template.clone()
        };
        sc.sites.push(site);
        sc.candidates.push(id.to_owned());
    }
    sc.face_id = Some(FaceIdOutline { flag_ratio: 1.5 });
    sc.economics = Some(Prices {
        currency: "UZS".to_owned(),
        kiosk_capital: 150_000_000.0,
        kiosk_life_years: 5.0,
        kiosk_running_per_year: 10_000_000.0,
        officer_hour: 50_000.0,
        citizen_hour: 20_000.0,
    });
    serde_json::to_string_pretty(&run).expect("run.json")
}

fn write_csv<T: serde::Serialize>(path: &Path, rows: &[T]) {
    let mut w = csv::Writer::from_path(path).expect("create csv");
    for r in rows {
        w.serialize(r).expect("write row");
    }
    w.flush().expect("flush");
}

fn read_records(path: &Path) -> Vec<SiteRecord> {
    let mut r = csv::Reader::from_path(path).expect("open");
    r.deserialize().collect::<Result<_, _>>().expect("records")
}

/// Case-workflow results for a record: `scale` is 1 for the pilot, larger for the baseline.
fn with_cases(mut r: SiteRecord, pilot: bool) -> SiteRecord {
    let rep = f64::from(r.replication);
    r.kiosks = if pilot { 2 } else { 0 };
    r.citizen_hours = r.time_in_line_min / 60.0 + r.served as f64 * 0.25;
    r.cases_opened = r.served;
    r.cases_delivered = r.served * 9 / 10;
    r.cases_refused = r.served / 50;
    r.cases_lapsed = r.served / 100;
    r.cases_open_end = 40 + u64::from(r.replication);
    r.cases_no_officer = if pilot { r.cases_delivered / 5 } else { 0 };
    r.sla_cases = r.cases_delivered / 2;
    r.sla_met = r.sla_cases * if pilot { 95 } else { 80 } / 100;
    r.end_to_end_mean_days = if pilot { 11.0 } else { 13.0 } + 0.1 * rep;
    r.end_to_end_p50_days = if pilot { 9.0 } else { 11.0 } + 0.1 * rep;
    r.end_to_end_p90_days = if pilot { 20.0 } else { 24.0 } + 0.2 * rep;
    r.pickups = r.cases_delivered * 7 / 10;
    r.pickups_kiosk = if pilot { r.pickups / 3 } else { 0 };
    r.automated_decisions = r.cases_delivered * 3 / 5;
    r.reviewed_decisions = r.cases_delivered * 2 / 5;
    r.adjudications = 12 + u64::from(r.replication);
    r.appeals = 30 + u64::from(r.replication);
    r.appeals_upheld = 10;
    r.audit_verified = r.cases_delivered + r.cases_refused + r.cases_lapsed;
    r.audit_failed = 0;
    // First ID cards: 30 certificates and 30 registrations, plus the replication number.
    r.esign_certificates = 30 + u64::from(r.replication);
    r.egov_registrations = 30 + u64::from(r.replication);
    if pilot {
        r.floor_assistants = 1;
        r.assisted = 120;
        r.assist_wait_mean_min = 1.5;
        r.assistant_utilization = 0.04;
    }
    r
}

/// The candidate sites' own rows in replications.csv (as they are, no kiosks).
fn candidate_record(template: &SiteRecord, site: &str) -> SiteRecord {
    let mut r = with_cases(template.clone(), false);
    r.site = site.to_owned();
    r
}

fn face_rows(reps: &[u32]) -> Vec<FaceRow> {
    let mut out = Vec::new();
    for &rep in reps {
        for site in ["zangiota", "uchkuprik", "chirchiq"] {
            // (age band, sex, attempts, FTA, FNM, extra minutes): elderly women fail to be
            // acquired three times as often as adult men (ratio 3 > 1.5, flagged).
            for (band, sex, attempts, fta, fnm, extra) in [
                ("adult", "female", 1000, 20, 10, 900.0),
                ("adult", "male", 1000, 10, 8, 700.0),
                ("elderly", "female", 200, 6, 4, 400.0),
                ("elderly", "male", 200, 3, 2, 200.0),
            ] {
                out.push(FaceRow {
                    replication: rep,
                    site: site.to_owned(),
                    age_band: band.to_owned(),
                    sex: sex.to_owned(),
                    attempts,
                    failed_to_acquire: fta,
                    false_non_matches: fnm,
                    searches: attempts / 2,
                    adjudications: 1,
                    extra_min: extra + f64::from(rep),
                    segment: String::new(),
                    genuine_checks: 0,
                    genuine_unmatched: 0,
                    impostor_checks: 0,
                    impostors_matched: 0,
                    mated_searches: 0,
                    mated_misses: 0,
                    nonmated_searches: 0,
                    nonmated_candidates: 0,
                });
            }
        }
    }
    out
}

fn back_office_rows(reps: &[u32]) -> Vec<BackOfficeRow> {
    let mut out = Vec::new();
    for &rep in reps {
        for (skill, tasks, hours) in [
            ("document-review", 4000, 900.0),
            ("biometric-adjudication", 40, 20.0),
            ("appeal", 35, 60.0),
        ] {
            out.push(BackOfficeRow {
                replication: rep,
                skill: skill.to_owned(),
                tasks_opened: tasks + u64::from(rep),
                tasks_done: tasks - 5,
                mean_wait_hours: 3.0 + f64::from(rep) * 0.1,
                p90_wait_hours: 9.0,
                waiting_end: 5,
                busy_hours: hours + f64::from(rep),
            });
        }
    }
    out
}

/// Candidates with 0..3 kiosks. Values are (officer hours freed, citizen hours saved) at
/// 1, 2, 3 kiosks; at 50,000 and 20,000 UZS an hour:
/// - chirchiq: gross 45, 74, 85 M: marginal 45, 29, 11 against a cost of 40: 1 kiosk.
/// - mall: gross 85, 150, 179 M: marginal 85, 65, 29: 2 kiosks, net per kiosk 35 M.
pub(crate) const CANDIDATES: [(&str, [(f64, f64); 3]); 2] = [
    ("chirchiq", [(500.0, 1000.0), (800.0, 1700.0), (900.0, 2000.0)]),
    ("mall", [(900.0, 2000.0), (1600.0, 3500.0), (1900.0, 4200.0)]),
];

fn expansion_rows(reps: &[u32]) -> Vec<ExpansionRow> {
    let mut out = Vec::new();
    for &rep in reps {
        // A little paired noise per replication, symmetric around the listed values.
        let noise = (f64::from(rep) - 1.0) * 10.0;
        for (site, levels) in CANDIDATES {
            let base = (3000.0 + f64::from(rep) * 50.0, 9000.0 + f64::from(rep) * 100.0);
            for k in 0..=3u32 {
                let (freed, saved) = match k {
                    0 => (0.0, 0.0),
                    k => {
                        let (f, s) = levels[k as usize - 1];
                        (f + noise, s + noise)
                    }
                };
                out.push(ExpansionRow {
                    replication: rep,
                    site: site.to_owned(),
                    kiosks: k,
                    arrivals: 10_000,
                    served: 9_800,
                    served_kiosk: u64::from(k) * 1500,
                    abandoned: 200 - u64::from(k) * 20,
                    mean_wait_min: 12.0 - f64::from(k) * 2.5,
                    p90_wait_min: 30.0 - f64::from(k) * 6.0,
                    citizen_hours: base.1 - saved,
                    officer_busy_hours: base.0 - freed,
                    kiosk_utilization: if k == 0 { 0.0 } else { 0.4 },
                });
            }
        }
    }
    out
}

/// KN++ picked 1 kiosk at chirchiq and 3 at the mall (not the marginal rule's 2, so the
/// report must quote the selection); fresh replications 10 to 12 confirm them. At 50,000 and
/// 20,000 UZS an hour and 40 M a kiosk: chirchiq 25 + 20 − 40 = 5 M, mall 95 + 84 − 120 =
/// 59 M, each ± 0.7 M between replications.
fn selection_rows() -> (Vec<SelectionRow>, Vec<ExpansionRow>) {
    let mut plans = Vec::new();
    let mut fresh = Vec::new();
    for (site, best) in [("chirchiq", 1u32), ("mall", 3)] {
        for k in 0..=3u32 {
            plans.push(SelectionRow {
                site: site.to_owned(),
                kiosks: k,
                replications: if k == best { 14 } else { 10 },
                mean_net_benefit: 1e6 * f64::from(k),
                eliminated_after: (k != best).then_some(10),
                selected: k == best,
                capped: false,
                indifference: 10_000_000.0,
                pcs: 0.975,
                first_stage: 10,
                max_replications: 50,
            });
        }
        let levels = CANDIDATES.iter().find(|(s, _)| *s == site).expect("candidate").1;
        for rep in 10..=12u32 {
            let noise = (f64::from(rep) - 11.0) * 10.0;
            for k in [0, best] {
                let (freed, saved) = if k == 0 { (0.0, 0.0) } else { levels[k as usize - 1] };
                let (freed, saved) =
                    if k == 0 { (freed, saved) } else { (freed + noise, saved + noise) };
                fresh.push(ExpansionRow {
                    replication: rep,
                    site: site.to_owned(),
                    kiosks: k,
                    arrivals: 10_000,
                    served: 9_800,
                    served_kiosk: 0,
                    abandoned: 200,
                    mean_wait_min: 10.0,
                    p90_wait_min: 25.0,
                    citizen_hours: 9000.0 - saved,
                    officer_busy_hours: 3000.0 - freed,
                    kiosk_utilization: 0.4,
                });
            }
        }
    }
    (plans, fresh)
}

/// As the engine writes it: one shared base run, then each assumption low and high.
fn sensitivity_rows(reps: &[u32]) -> Vec<SensitivityRow> {
    let mut out = Vec::new();
    for &rep in reps {
        for (assumption, level, factor, freed, saved) in [
            ("base", "base", 1.0, 2500.0, 5200.0),
            ("demand", "low", 0.8, 2000.0, 4000.0),
            ("demand", "high", 1.2, 3100.0, 6700.0),
            ("kiosk_adoption", "low", 0.8, 1800.0, 3600.0),
            ("kiosk_adoption", "high", 1.2, 2900.0, 6100.0),
        ] {
            out.push(SensitivityRow {
                assumption: assumption.to_owned(),
                level: level.to_owned(),
                factor,
                replication: rep,
                citizen_hours_saved: saved + f64::from(rep),
                officer_hours_freed: freed,
                served_kiosk: 5000,
            });
        }
    }
    out
}

/// A results directory with every file, built from the fixture plus the rows above.
pub(crate) fn full_results(name: &str) -> PathBuf {
    let dir = out_dir(&format!("results-{name}"));
    std::fs::create_dir_all(&dir).expect("mkdir");
    for f in ["scenario.ron", "breakdown.csv"] {
        std::fs::copy(fixture().join(f), dir.join(f)).expect("copy");
    }
    std::fs::write(dir.join("run.json"), run_json()).expect("run.json");
    let pilot = read_records(&fixture().join("replications.csv"));
    let baseline = read_records(&fixture().join("baseline.csv"));
    let mut pilot: Vec<SiteRecord> = pilot.into_iter().map(|r| with_cases(r, true)).collect();
    let mut baseline: Vec<SiteRecord> =
        baseline.into_iter().map(|r| with_cases(r, false)).collect();
    // One pilot audit chain fails, so the governance section must say so.
    pilot[0].audit_failed = 1;
    let reps: Vec<u32> = {
        let mut r: Vec<u32> = pilot.iter().map(|r| r.replication).collect();
        r.dedup();
        r
    };
    // Candidates, as they are, appear in both runs (they must not enter the pilot figures).
    let with_candidates = |rows: &mut Vec<SiteRecord>| {
        let template = rows[0].clone();
        let mut out = Vec::new();
        for &rep in &reps {
            out.extend(rows.iter().filter(|r| r.replication == rep).cloned());
            for site in ["chirchiq", "mall"] {
                let mut c = candidate_record(&template, site);
                c.replication = rep;
                out.push(c);
            }
        }
        *rows = out;
    };
    with_candidates(&mut pilot);
    with_candidates(&mut baseline);
    write_csv(&dir.join("replications.csv"), &pilot);
    write_csv(&dir.join("baseline.csv"), &baseline);
    write_csv(&dir.join("face.csv"), &face_rows(&reps));
    write_csv(&dir.join("backoffice.csv"), &back_office_rows(&reps));
    write_csv(&dir.join("expansion.csv"), &expansion_rows(&reps));
    write_csv(&dir.join("sensitivity.csv"), &sensitivity_rows(&reps));
    let (selection, confirmation) = selection_rows();
    write_csv(&dir.join("selection.csv"), &selection);
    write_csv(&dir.join("confirmation.csv"), &confirmation);
    navbat_record::folder::seal_folder(&dir).expect("manifest");
    dir
}

/// With `NAVBAT_REPORT_KEEP=DIR`, keeps copies of the report and of its results directory
/// in `DIR/NAME` and `DIR/NAME-results` to look at.
fn keep(out: &Path, results: &Path, name: &str) {
    if let Some(dir) = std::env::var_os("NAVBAT_REPORT_KEEP") {
        for (from, to) in [(out, name.to_owned()), (results, format!("{name}-results"))] {
            let target = Path::new(&dir).join(to);
            let _ = std::fs::remove_dir_all(&target);
            crate::copy_dir(from, &target);
        }
    }
}

fn row_starting<'a>(rows: &'a [Vec<String>], first: &str) -> &'a Vec<String> {
    rows.iter().find(|r| r[0] == first).unwrap_or_else(|| panic!("no row {first:?} in {rows:?}"))
}

#[test]
fn every_section_of_a_full_run_is_filled_and_agrees_with_its_data() {
    let results = full_results("full");
    let out = out_dir("full");
    let files = write_report(&results, &out).expect("report of the hand-built run");
    check_html(&out);
    let names = check_charts(&out);
    for chart in [
        "face-error-rates",
        "face-extra-minutes",
        "back-office-hours",
        "benefit-components",
        "net-benefit-per-kiosk",
        "candidates-net-benefit-per-kiosk",
        "candidates-marginal-benefit",
        "tornado",
        "end-to-end-by-site",
        "zangiota-end-to-end",
    ] {
        assert!(names.iter().any(|n| n == chart), "chart {chart} missing: {names:?}");
    }
    assert_eq!(files.charts.len(), names.len());
    check_tables(&out, &names);
    let md = read(&out.join("report.md"));
    let html = read(&out.join("index.html"));
    let data = |n: &str| csv_rows(&out.join("data").join(format!("{n}.csv")));

    // Executive summary: pilot sites only, the five numbers with cost per transaction.
    let headline = data("headline");
    let measures: Vec<&str> = headline[1..].iter().map(|r| r[1].as_str()).collect();
    for m in [
        "Mean wait",
        "P90 wait",
        "End-to-end days",
        "Officer-free share of delivered",
        "Citizen hours at the site",
        "Cost per transaction",
    ] {
        assert!(measures.iter().any(|x| x.starts_with(m)), "{m} not in {measures:?}");
    }
    let summary = data("summary");
    assert!(summary.iter().all(|r| !r[0].contains("Chirchiq") && !r[0].contains("mall")));
    for row in &headline[1..] {
        let cells = format!("| {} | {} | {} | {} | {} |", row[3], row[4], row[5], row[6], row[7]);
        assert!(md.contains(&cells), "headline row not in the Markdown: {row:?}");
    }
    // End-to-end: the hand-built pilot is 2 days faster in every replication.
    let e2e = headline.iter().find(|r| r[1].starts_with("End-to-end")).expect("e2e row");
    assert_eq!((e2e[5].as_str(), e2e[6].as_str(), e2e[7].as_str()), ("-2.00", "-2.00", "-2.00"));

    // Per site: floor assistance in the operations table, pilot only.
    let ops = data("zangiota-operations");
    let helped = row_starting(&ops, "Kiosk sessions helped by an assistant");
    assert!(helped[2].starts_with("120"), "{helped:?}");
    assert_eq!(helped[3], "no kiosks", "{helped:?}");
    assert!(row_starting(&ops, "Floor assistant utilisation")[2].starts_with("4.0"), "{ops:?}");

    // Per site: cases table and its end-to-end rows.
    let cases = data("zangiota-cases");
    assert_eq!(cases[0], ["Measure", "Unit", "Pilot", "Baseline"]);
    let sla = row_starting(&cases, "SLA compliance (finished within the deadline)");
    assert!(sla[2].starts_with("95.0") && sla[3].starts_with("80.0"), "{sla:?}");
    // The consistency check stays quiet on consistent data (the fixture's baseline trips it).
    assert!(!md.contains("yet its records count pickups at a kiosk"));
    for row in &cases[1..] {
        assert!(md.contains(&format!("| {} |", row.join(" | "))), "{row:?}");
    }

    // Fairness: elderly women's FTA ratio is 3 / 1 = 3 (> 1.5), flagged; adult men are best.
    let ratios = data("face-ratios");
    let ef = row_starting(&ratios, "elderly female");
    // Every replication has the same rates: the interval has no width and lies above 1.5.
    assert_eq!(ef[1], "3.00 (3.00 to 3.00)");
    assert!(ef[5].starts_with("yes") && ef[5].contains("failure to acquire"), "{ef:?}");
    assert_eq!(row_starting(&ratios, "adult male")[1], "1.00 (1.00 to 1.00)");
    assert!(md.contains("elderly female (failure to acquire, ratio 3.00 (3.00 to 3.00))"));
    // Candidate sites' Face-ID rows are left out: attempts are the two pilot sites' only.
    let outcomes = data("face-outcomes");
    assert_eq!(row_starting(&outcomes, "adult female")[1], "2000");
    let all_groups = row_starting(&outcomes, "All groups");
    assert_eq!(all_groups[1], "4800");
    assert!(md.contains(&format!("cost people {} hours a year", all_groups[7])));
    let back = data("back-office");
    assert!(row_starting(&back, "appeal")[6].starts_with("61 "), "{back:?}");
    let all_skills = row_starting(&back, "All skills");
    assert!(all_skills[6].starts_with("983 "), "{all_skills:?}");
    assert!(md.contains(&format!("spends {} officer hours a year", all_skills[6])));

    // Governance: the decree's outcomes per site; the fixture's months hold none.
    let decree = data("decree");
    assert_eq!(decree[0], ["Site", "E-signature certificates", "E-government registrations"]);
    let reps = decree_reps(&results);
    let mean = 30.0 + reps.iter().map(|&r| f64::from(r)).sum::<f64>() / reps.len() as f64;
    let z = row_starting(&decree, "Zangiota district migration unit");
    assert!(z[1].starts_with(&format!("{mean:.0} (")), "{z:?} against {mean}");
    assert!(data("decree-by-month")[1..].iter().all(|r| r[2] == "0.0"));

    // Governance: the failed audit chain is said plainly.
    let audit = data("audit");
    assert_eq!(row_starting(&audit, "Pilot")[2], "1");
    assert!(md.contains("Audit chains FAILED to verify (Pilot: 1)"));
    let files_table = data("results-files");
    for f in ["backoffice.csv", "expansion.csv", "face.csv", "sensitivity.csv", "scenario.ron"] {
        assert!(files_table.iter().any(|r| r[0] == f), "{f} not listed");
    }
    assert!(row_starting(&files_table, "face.csv")[1].contains("extra_min"));
    assert!(md.contains("No column holds a name"));

    // Costs: 2 kiosks a site at 40 M a year.
    let costs = data("costs-benefits");
    assert_eq!(row_starting(&costs, "Zangiota district migration unit")[1..3], ["2", "80.00"]);
    assert_eq!(row_starting(&costs, "All pilot sites")[1..3], ["4", "160.00"]);
    // The recommendation quotes the same net benefit as the table.
    let net = &row_starting(&costs, "All pilot sites")[5];
    let (mean, ci) = net.split_once(" (").expect("mean (ci)");
    let (lo, hi) = ci.trim_end_matches(')').split_once(" to ").expect("ci");
    let quoted = format!("net benefit of {mean} million UZS (95 % CI {lo} to {hi}) a year");
    assert!(md.contains(&format!("the pilot's 4 kiosks return a {quoted}")), "{quoted}");

    // Expansion: mall first with 2 kiosks (35 M net per kiosk), then chirchiq with 1 (5 M).
    let ranking = data("expansion-ranking");
    assert_eq!(ranking[1][..4], ["1", "Samarqand Darvoza mall", "2", "2"]);
    assert!(ranking[1][4].starts_with("35.00"), "{ranking:?}");
    assert_eq!(ranking[2][1..4], ["Chirchiq city migration unit", "1", "1"]);
    assert!(ranking[2][4].starts_with("5.00"), "{ranking:?}");
    // The proposal is the ranking and selection's, confirmed on fresh replications.
    assert!(md.contains(
        "Proposal (by the ranking and selection above, not by the marginal rule of this table): Chirchiq city migration unit: 1 kiosk; Samarqand Darvoza mall: 3 kiosks."
    ));
    let confirmed = data("expansion-confirmation");
    assert_eq!(confirmed[1][..3], ["Chirchiq city migration unit", "1", "10 to 12"]);
    assert!(confirmed[1][3].starts_with("5.00 ("), "{confirmed:?}");
    assert!(confirmed[2][3].starts_with("59.00 ("), "{confirmed:?}");
    assert!(md.contains("all 2 are right together with probability at least 95.0 %"));
    assert!(md.contains(
        "Samarqand Darvoza mall: 3 kiosks, confirmed net benefit 59.00 million UZS (95 % CI"
    ));
    // Three replications leave the pilot's headlines wider than ±5 %: no verdict, so the
    // expansion is not recommended from the summary either.
    assert!(md.contains("No verdict: 2 of 2 pilot sites have insufficient evidence"));
    assert!(!md.contains("The expansion analysis below recommends, by its stated rule"));
    let marginal = data("expansion-marginal");
    let m3 = marginal
        .iter()
        .find(|r| r[0] == "Samarqand Darvoza mall" && r[1] == "3")
        .expect("mall k=3");
    assert!(m3[2].starts_with("29.00") && m3[4] == "no", "{m3:?}");

    // Tornado: sorted by swing, economic and simulated assumptions, base = proposal.
    let tornado = data("sensitivity");
    let swings: Vec<f64> = tornado[1..].iter().map(|r| r[3].parse().expect("swing")).collect();
    assert!(swings.windows(2).all(|w| w[0] >= w[1]), "{swings:?}");
    assert_eq!(tornado.len(), 1 + 5, "3 economic + 2 simulated assumptions");
    // Demand: the shared base run is worth 109.02 M, low 60.02 M, high 169.02 M; the changes
    // (-49, +60) are carried onto the proposal's 75 M.
    assert_eq!(row_starting(&tornado, "Demand (×0.8 / ×1.2)")[1..3], ["26.00", "135.00"]);
    assert!(md.contains("the candidate sites as the scenario equips them (2 kiosks)"));
    // Proposal: 3 kiosks; gross 45 + 150 = 195 M, cost 120 M: net 75 M.
    assert!(
        md.contains("The proposal (3 kiosks) has a net benefit of 75.00 million UZS"),
        "proposal sentence"
    );
    let chart = data("tornado");
    assert_eq!(chart[1][..2], ["base", "75"]);
    assert!(html.contains("id=\"chart-tornado\""));
    keep(&out, &results, "full");
    std::fs::remove_dir_all(&out).expect("clean up");
    std::fs::remove_dir_all(&results).expect("clean up");
}

#[test]
fn a_run_without_baseline_or_optional_files_is_reported_and_says_what_is_missing() {
    let results = full_results("bare");
    for f in ["baseline.csv", "face.csv", "backoffice.csv", "expansion.csv", "sensitivity.csv"] {
        std::fs::remove_file(results.join(f)).expect("remove");
    }
    navbat_record::folder::seal_folder(&results).expect("manifest");
    let out = out_dir("bare");
    write_report(&results, &out).expect("report without a baseline");
    check_html(&out);
    let names = check_charts(&out);
    assert!(
        !names.iter().any(|n| n.contains("hours-freed") || n.contains("benefit") || n == "tornado")
    );
    let md = read(&out.join("report.md"));
    for sentence in [
        "needs the no-kiosk baseline, and this run has none",
        "The scenario turns Face-ID on, but the results directory holds no face.csv",
        "Case workflows ran, but the results directory holds no backoffice.csv",
        "The scenario names 3 candidate sites, but this run holds no expansion experiment",
    ] {
        assert!(md.contains(sentence), "missing: {sentence}");
    }
    assert!(!md.contains("| Baseline |"), "no baseline column without a baseline");
    let headline = csv_rows(&out.join("data/headline.csv"));
    assert_eq!(
        headline[0],
        ["Site", "Measure", "Unit", "Pilot", "95 % CI low", "95 % CI high", "Interval"]
    );
    assert!(headline[1..].iter().any(|r| r[1] == "Cost per transaction"));
    keep(&out, &results, "bare");
    std::fs::remove_dir_all(&out).expect("clean up");
    std::fs::remove_dir_all(&results).expect("clean up");
}

/// The replication numbers of the pilot's records in `results`.
fn decree_reps(results: &Path) -> Vec<u32> {
    let mut reps: Vec<u32> =
        read_records(&results.join("replications.csv")).iter().map(|r| r.replication).collect();
    reps.sort_unstable();
    reps.dedup();
    reps
}
