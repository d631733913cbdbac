//! Generates `scenarios/candidates-2026.ron`: every district unit of
//! `scenarios/national-2026.ron` as a candidate, plus malls, leisure centres and tourist zones
//! per region that take a share of the demand of the units they draw on.
//!
//! ```text
//! cargo run -p navbat-optimise --example candidates > scenarios/candidates-2026.ron
//! ```
//!
//! No footfall of an Uzbek mall or leisure centre is published in `../shared/domain/
//! parameters.md`, so those figures are estimates, each marked `[est.]` with its reason in the
//! file; the tourist zones' footfall is derived from the sourced 11.7M foreign arrivals of 2025
//! and their 14 % travel share [P: Volumes]. The file is checked by parsing it back.

#![expect(clippy::print_stdout, reason = "the generator writes the file to stdout")]

use std::fmt::Write as _;
use std::path::Path;

use navbat_optimise::{Candidates, DEFAULT_COSTS};

/// A new station: id suffix, kind, name, footfall a day, the reason for the footfall, how
/// many of the region's units it draws on, services drawn (empty: all).
struct Station {
    suffix: &'static str,
    kind: &'static str,
    name: &'static str,
    footfall: f64,
    why: &'static str,
    units: usize,
    services: &'static [&'static str],
}

const FOREIGNER: &[&str] = &["foreigner-registration", "e-visa-extension"];

/// Foreign arrivals a year, 2025 [P: Volumes, Sputnik via news.mail.ru].
const FOREIGN_ARRIVALS: f64 = 11.7e6;
/// Share of arrivals travelling as tourists, 2025 Jan-Apr [P: Volumes, repost.uz].
const TRAVEL_SHARE: f64 = 0.14;

/// Share of a drawn unit's demand a mall or leisure centre takes: one applicant in ten per
/// 20,000 visitors a day, at most a fifth [est.: people combine errands with a trip they make
/// anyway; the cap keeps the unit the main office].
fn mall_share(footfall: f64) -> f64 {
    (0.10 * footfall / 20_000.0).min(0.20)
}

/// Share of a drawn unit's foreigner registrations and e-visa extensions a tourist zone takes
/// [est.: visitors register where they stay, and the old towns hold most guest houses].
const TOURIST_SHARE: f64 = 0.30;

fn stations(region: &str) -> Vec<Station> {
    let tourists = |share: f64| FOREIGN_ARRIVALS * TRAVEL_SHARE * share / 365.0;
    let mut list = vec![Station {
        suffix: "mall",
        kind: "ShoppingMall",
        name: "central mall",
        footfall: 12_000.0,
        why: "[est.] a regional centre's main mall, about 4 % of a 300,000-person city a day",
        units: 2,
        services: &[],
    }];
    match region {
        "Tashkent city" => {
            list[0].footfall = 30_000.0;
            list[0].why = "[est.] the capital's largest malls draw tens of thousands a day";
            list.push(Station {
                suffix: "mall-2",
                kind: "ShoppingMall",
                name: "second mall",
                footfall: 20_000.0,
                why: "[est.] a second large mall of the capital",
                units: 2,
                services: &[],
            });
            list.push(Station {
                suffix: "leisure",
                kind: "LeisureCentre",
                name: "leisure park",
                footfall: 15_000.0,
                why: "[est.] a city leisure park on a weekday",
                units: 2,
                services: &[],
            });
            list.push(Station {
                suffix: "old-city",
                kind: "TouristZone",
                name: "old city",
                footfall: tourists(0.5),
                why: "= 11.7M arrivals x 14 % travel x half through the capital / 365 [P: Volumes]",
                units: 3,
                services: FOREIGNER,
            });
        }
        "Samarkand region" => {
            list.push(Station {
                suffix: "registan",
                kind: "TouristZone",
                name: "Registan tourist zone",
                footfall: tourists(0.4),
                why: "= 11.7M arrivals x 14 % travel x 40 % to Samarkand [est.] / 365 [P: Volumes]",
                units: 2,
                services: FOREIGNER,
            });
            list.push(Station {
                suffix: "leisure",
                kind: "LeisureCentre",
                name: "leisure centre",
                footfall: 6_000.0,
                why: "[est.] a regional leisure centre on a weekday",
                units: 1,
                services: &[],
            });
        }
        "Bukhara region" => list.push(Station {
            suffix: "old-town",
            kind: "TouristZone",
            name: "old town tourist zone",
            footfall: tourists(0.3),
            why: "= 11.7M arrivals x 14 % travel x 30 % to Bukhara [est.] / 365 [P: Volumes]",
            units: 2,
            services: FOREIGNER,
        }),
        "Khorezm region" => list.push(Station {
            suffix: "ichan-kala",
            kind: "TouristZone",
            name: "Khiva Ichan Kala tourist zone",
            footfall: tourists(0.2),
            why: "= 11.7M arrivals x 14 % travel x 20 % to Khiva [est.] / 365 [P: Volumes]",
            units: 2,
            services: FOREIGNER,
        }),
        "Fergana region" => list.push(Station {
            suffix: "leisure",
            kind: "LeisureCentre",
            name: "leisure centre",
            footfall: 6_000.0,
            why: "[est.] a regional leisure centre on a weekday",
            units: 1,
            services: &[],
        }),
        _ => {}
    }
    list
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/national-2026.ron");
    let text = std::fs::read_to_string(&path)?;
    let raw = navbat_scenario::parse_raw("national-2026.ron", &text)?;
    let c = DEFAULT_COSTS;
    let mut out = String::new();
    writeln!(
        out,
        "// Generated by `cargo run -p navbat-optimise --example candidates`; edit the generator,\n\
         // not this file. Candidates for `navbat optimise scenarios/national-2026.ron`: every\n\
         // district unit of that scenario, plus malls, leisure centres and tourist zones. A new\n\
         // station takes `share` of each drawn unit's demand (of `services`, or all) when a plan\n\
         // opens it, and the unit keeps the rest: no request is counted twice.\n\
         // [P: ...] = ../shared/domain/parameters.md; [est.] = our estimate, reason on the line.\n\
         Candidates(\n    costs: Costs(\n        \
         assistant_per_year: {:.1}, // [est.] 2,000 working hours at 36,000 UZS, below the officer hour of the economics block\n        \
         new_site_capital: {:.1}, // [est.] fit-out of a kiosk corner with one counter: partition, furniture, network\n        \
         new_site_per_year: {:.1}, // [est.] rent of 40 m2 at 150,000 UZS/m2 a month (72M) plus one officer (72M)\n    ),\n    \
         max_kiosks: 6, // [est.] the largest pilot floor holds 3; twice that is the most a unit's hall takes\n    \
         max_assistants: 2, // [est.] one per three kiosks at most\n    sites: [",
        c.assistant_per_year, c.new_site_capital, c.new_site_per_year
    )?;
    for s in &raw.sites {
        writeln!(out, "        Unit(site: {:?}),", s.id)?;
    }
    let mut regions: Vec<&str> = Vec::new();
    for s in &raw.sites {
        if !regions.contains(&s.region.as_str()) {
            regions.push(&s.region);
        }
    }
    for region in regions {
        let units: Vec<_> = raw.sites.iter().filter(|s| s.region == region).collect();
        let (lat, lon) = (
            units.iter().map(|s| s.lat).sum::<f64>() / units.len() as f64,
            units.iter().map(|s| s.lon).sum::<f64>() / units.len() as f64,
        );
        let slug = region.to_lowercase().replace(' ', "-");
        // Stations draw on consecutive units, each unit drawn by one station of a kind, so
        // the shares stay far below 1.
        let mut next = 0;
        for (i, st) in stations(region).into_iter().enumerate() {
            // Stations a little apart around the centre, so the map shows each [est.].
            let angle = i as f64 * 2.1;
            let (lat, lon) = (lat + 0.12 * angle.sin(), lon + 0.15 * angle.cos());
            let share =
                if st.services.is_empty() { mall_share(st.footfall) } else { TOURIST_SHARE };
            writeln!(
                out,
                "        New(id: \"{slug}-{}\", name: \"{region} {}\", kind: {}, region: {region:?},\n            \
                 lat: {:.4}, lon: {:.4}, // [est.] the region's centre, near the units' ring\n            \
                 footfall_per_day: {:.0}, // {}\n            draws: [ // {}",
                st.suffix,
                st.name,
                st.kind,
                lat,
                lon,
                st.footfall,
                st.why,
                if st.services.is_empty() {
                    "share = 0.10 x footfall / 20,000, at most 0.20 [est.: errands combined with a trip made anyway]"
                } else {
                    "share = 30 % of foreigner registrations and e-visa extensions [est.: visitors register where they stay]"
                }
            )?;
            for k in 0..st.units {
                let unit = units[(next + k) % units.len()];
                let services: Vec<String> = st.services.iter().map(|s| format!("{s:?}")).collect();
                writeln!(
                    out,
                    "                Draw(unit: {:?}, share: {share:.4}, services: [{}]),",
                    unit.id,
                    services.join(", ")
                )?;
            }
            if st.services.is_empty() {
                next += st.units;
            }
            writeln!(out, "            ]),")?;
        }
    }
    writeln!(out, "    ],\n)")?;
    // Check the file as `navbat optimise` will read it.
    Candidates::parse("candidates-2026.ron", &out, &raw)?;
    print!("{out}");
    Ok(())
}
