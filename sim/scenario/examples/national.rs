//! Generates `scenarios/national-2026.ron`: every district-level migration unit of
//! Uzbekistan (208, the number of district and city public service centres), each with the
//! pilot's counters, kiosks and services, demand from its population.
//!
//! ```text
//! cargo run -p navbat-scenario --example national > scenarios/national-2026.ron
//! ```
//!
//! Populations and unit counts come from `../shared/domain/parameters.md` (Population) for
//! the four regions it lists; the other eleven units of government share the rest of the
//! national population evenly [est.]. Everything else (services, segments, profiles, Face-ID,
//! workflows, costs) is the pilot scenario's, so the two stay comparable.

use std::fmt::Write as _;
use std::path::Path;

use navbat_scenario::{RawCounter, RawDemand, RawKiosk, RawShift, RawSite, parse_raw};

/// Uzbekistan on 2026-01-01 (parameters.md, Population: Statistics Committee).
const NATIONAL_POPULATION: f64 = 38_236_704.0;
/// District and city units (parameters.md, Service operations: 208 public service centres).
const UNITS: usize = 208;

/// A region: name, population, number of district-level units, approximate centre.
struct Region {
    name: &'static str,
    population: f64,
    units: usize,
    lat: f64,
    lon: f64,
}

/// The four regions parameters.md gives populations and unit counts for.
const SOURCED: [Region; 4] = [
    Region { name: "Tashkent region", population: 3_160_700.0, units: 22, lat: 41.0, lon: 69.6 },
    Region { name: "Samarkand region", population: 4_379_800.0, units: 16, lat: 39.6, lon: 66.9 },
    Region { name: "Fergana region", population: 4_223_000.0, units: 19, lat: 40.4, lon: 71.5 },
    Region {
        name: "Republic of Karakalpakstan",
        population: 2_053_200.0,
        units: 17,
        lat: 42.8,
        lon: 59.8,
    },
];

/// The other units of government with approximate centres [est.]; they share the rest of
/// the population and of the 208 units evenly [est.].
const OTHERS: [(&str, f64, f64); 10] = [
    ("Tashkent city", 41.31, 69.28),
    ("Andijan region", 40.78, 72.34),
    ("Namangan region", 41.00, 71.67),
    ("Bukhara region", 39.77, 64.42),
    ("Navoiy region", 40.10, 65.38),
    ("Kashkadarya region", 38.86, 65.80),
    ("Surkhandarya region", 37.22, 67.28),
    ("Jizzakh region", 40.12, 67.84),
    ("Sirdaryo region", 40.49, 68.78),
    ("Khorezm region", 41.55, 60.63),
];

/// Requests a year per 1,000 people, by service: the pilot scenario's rates (its header
/// gives the source or estimate of each).
const RATES: [(&str, f64, &str); 10] = [
    ("id-card", 70.0, "office"),
    ("foreign-passport", 44.5, "office"),
    ("residence-registration", 12.7, "office"),
    ("foreigner-registration", 10.1, "visitors"),
    ("student-registration", 1.0, "students"),
    ("e-visa-extension", 0.17, "visitors"),
    ("work-permit", 0.5, "office"),
    ("stateless-travel-document", 0.03, "office"),
    ("compatriot-invitation", 0.13, "office"),
    ("citizenship-application", 0.08, "office"),
];

const FOREIGNER_SERVICES: [&str; 7] = [
    "foreigner-registration",
    "student-registration",
    "e-visa-extension",
    "work-permit",
    "stateless-travel-document",
    "citizenship-application",
    "residence-registration",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pilot_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/pilot-2026.ron");
    let text = std::fs::read_to_string(&pilot_path)?;
    let mut raw = parse_raw(&pilot_path.display().to_string(), &text)?;
    raw.name = "national-2026".to_owned();
    raw.description = "Every district-level migration unit of Uzbekistan (208) with the \
        pilot's kiosks, counters and services for one year from 1 May 2026: the scale test \
        of a national rollout."
        .to_owned();
    raw.candidates.clear();
    // The pilot's sensitivity block names the pilot's sites: it screens the pilot, not this.
    raw.sensitivity = None;

    let sourced_pop: f64 = SOURCED.iter().map(|r| r.population).sum();
    let sourced_units: usize = SOURCED.iter().map(|r| r.units).sum();
    let other_units = UNITS - sourced_units;
    let other_pop = NATIONAL_POPULATION - sourced_pop;
    let mut regions: Vec<Region> = SOURCED.into_iter().collect();
    for (i, &(name, lat, lon)) in OTHERS.iter().enumerate() {
        // Spread the remaining units as evenly as whole numbers allow.
        let units = other_units / OTHERS.len() + usize::from(i < other_units % OTHERS.len());
        regions.push(Region {
            name,
            population: other_pop * units as f64 / other_units as f64,
            units,
            lat,
            lon,
        });
    }

    let template = raw.sites.first().ok_or("the pilot scenario has no sites")?.clone();
    let mut sites = Vec::with_capacity(UNITS);
    for region in &regions {
        let per_unit = region.population / region.units as f64;
        for u in 0..region.units {
            // Units on a small ring around the region's centre, for the map [est.].
            let angle = u as f64 / region.units as f64 * std::f64::consts::TAU;
            let mut id = String::new();
            write!(id, "{}-{:02}", slug(region.name), u + 1)?;
            let general = (per_unit / 100_000.0).ceil().max(2.0) as u32;
            let foreigners = if per_unit > 400_000.0 { 2 } else { 1 };
            let kiosks = if per_unit > 400_000.0 { 3 } else { 2 };
            let weekdays = vec![RawShift {
                days: {
                    use navbat_scenario::Day::*;
                    vec![Mon, Tue, Wed, Thu, Fri]
                },
                time: "09:00-18:00".to_owned(),
            }];
            let mut general_shifts = weekdays.clone();
            general_shifts.push(RawShift {
                days: vec![navbat_scenario::Day::Sat],
                time: "09:00-15:00".to_owned(),
            });
            sites.push(RawSite {
                id: id.clone(),
                name: format!("{} unit {}", region.name, u + 1),
                kind: navbat_scenario::SiteKind::DistrictOffice,
                district: format!("{} unit {}", region.name, u + 1),
                region: region.name.to_owned(),
                lat: region.lat + 0.35 * angle.sin(),
                lon: region.lon + 0.45 * angle.cos(),
                hours: template.hours.clone(),
                counters: vec![
                    RawCounter {
                        id: "general".to_owned(),
                        count: general,
                        services: Vec::new(),
                        shifts: general_shifts,
                    },
                    RawCounter {
                        id: "foreigners".to_owned(),
                        count: foreigners,
                        services: FOREIGNER_SERVICES.iter().map(|s| (*s).to_owned()).collect(),
                        shifts: weekdays,
                    },
                ],
                kiosks: template
                    .kiosks
                    .iter()
                    .take(1)
                    .map(|k| RawKiosk { count: kiosks, ..k.clone() })
                    .collect::<Vec<_>>(),
                // As the pilot offices: one assistant on the kiosk floor [est.].
                floor_assistants: template.floor_assistants,
                demand: RATES
                    .iter()
                    .map(|&(service, per_thousand, profile)| RawDemand {
                        service: service.to_owned(),
                        yearly: (per_unit * per_thousand / 1000.0).round(),
                        profile: profile.to_owned(),
                    })
                    .collect(),
            });
        }
    }
    raw.sites = sites;
    // The back office grows with the number of units: the pilot's teams serve four [est.].
    if let Some(w) = raw.workflows.as_mut() {
        let scale = UNITS.div_ceil(4) as u32;
        for team in &mut w.back_office {
            team.officers *= scale;
        }
    }
    print!(
        "// Generated by `cargo run -p navbat-scenario --example national`; edit the generator,\n\
         // not this file. Populations: parameters.md (Population) for Tashkent, Samarkand and\n\
         // Fergana regions and Karakalpakstan; the rest of the 38,236,704 people and of the\n\
         // 208 units shared evenly among the other units of government [est.]. Demand rates,\n\
         // services, segments, Face-ID, workflows and costs: scenarios/pilot-2026.ron.\n{}\n",
        ron::ser::to_string_pretty(
            &raw,
            ron::ser::PrettyConfig::default().struct_names(true).depth_limit(3),
        )?
    );
    Ok(())
}

/// `Tashkent region` → `tashkent-region`.
fn slug(name: &str) -> String {
    name.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join("-")
}
