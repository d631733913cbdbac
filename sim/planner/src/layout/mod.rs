//! The edited scenario: placing edits on the raw scenario, each checked by the scenario
//! loader before it is kept, with undo and redo.
//!
//! The planner edits [`RawScenario`] — the same plain form a RON file has — so that saving
//! writes exactly what was edited and loading it again gives the same runs. Every edit is
//! validated with [`navbat_scenario::from_raw`]; a rejected edit leaves the layout untouched.

mod apply;

use apply::*;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use navbat_scenario::{
    Day, RawCounter, RawDemand, RawHours, RawKiosk, RawRouting, RawScenario, RawShift, RawSite,
    Scenario, SiteKind,
};

use crate::error::PlannerError;

/// Kinds of place a candidate site can be opened at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CandidateKind {
    /// A shopping mall.
    ShoppingMall,
    /// A leisure centre.
    LeisureCentre,
    /// A tourist zone.
    TouristZone,
}

impl CandidateKind {
    /// Every kind, in menu order.
    pub const ALL: [Self; 3] = [Self::ShoppingMall, Self::LeisureCentre, Self::TouristZone];

    /// The site kind in the scenario format.
    pub fn site_kind(self) -> SiteKind {
        match self {
            Self::ShoppingMall => SiteKind::ShoppingMall,
            Self::LeisureCentre => SiteKind::LeisureCentre,
            Self::TouristZone => SiteKind::TouristZone,
        }
    }

    /// Human name.
    pub fn label(self) -> &'static str {
        match self {
            Self::ShoppingMall => "shopping mall",
            Self::LeisureCentre => "leisure centre",
            Self::TouristZone => "tourist zone",
        }
    }

    fn id_stem(self) -> &'static str {
        match self {
            Self::ShoppingMall => "mall",
            Self::LeisureCentre => "leisure",
            Self::TouristZone => "tourist",
        }
    }

    /// Opening hours a new site of this kind starts with: an estimate the planner edits.
    fn default_hours(self) -> &'static str {
        match self {
            Self::ShoppingMall | Self::LeisureCentre => "10:00-22:00",
            Self::TouristZone => "09:00-21:00",
        }
    }
}

/// Opening hours as the planner edits them: one `"HH:MM-HH:MM"` list per day class, ranges
/// separated by commas, empty for closed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HoursText {
    /// Monday to Friday.
    pub weekdays: String,
    /// Saturday.
    pub saturday: String,
    /// Sunday.
    pub sunday: String,
}

impl HoursText {
    /// The hours of a raw site as text.
    pub fn of(hours: &RawHours) -> Self {
        Self {
            weekdays: hours.weekdays.join(", "),
            saturday: hours.saturday.join(", "),
            sunday: hours.sunday.join(", "),
        }
    }
}

fn ranges(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

/// One change to the layout.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// One more kiosk at a site (like its existing kiosks, or like the nearest site's).
    AddKiosk {
        /// Site index.
        site: usize,
    },
    /// One kiosk fewer at a site.
    RemoveKiosk {
        /// Site index.
        site: usize,
    },
    /// Move one kiosk from one site to another.
    MoveKiosk {
        /// Site index it leaves.
        from: usize,
        /// Site index it goes to.
        to: usize,
    },
    /// Open a candidate site at a point, with two kiosks and no officers; it takes
    /// `catchment_share` of the nearest site's kiosk-capable demand (moved, not added).
    AddSite {
        /// Latitude, degrees north.
        lat: f64,
        /// Longitude, degrees east.
        lon: f64,
        /// What kind of place.
        kind: CandidateKind,
        /// Share of the nearest site's kiosk-capable demand that moves here, 0 to 1.
        catchment_share: f64,
    },
    /// Close a candidate site (mall, leisure centre, tourist zone): its demand goes back to
    /// the nearest remaining site; its kiosks leave with it.
    RemoveSite {
        /// Site index.
        site: usize,
    },
    /// Set the number of officer counters in one counter group of a site.
    SetOfficers {
        /// Site index.
        site: usize,
        /// Counter group index in the site.
        group: usize,
        /// New number of counters (at least 1).
        count: u32,
    },
    /// Set a site's opening hours; officers' shifts on those days follow the new hours.
    SetHours {
        /// Site index.
        site: usize,
        /// The new hours.
        hours: HoursText,
    },
    /// Set the share of a segment's requests that go to a kiosk (kiosk adoption), keeping
    /// the ratio between counter and portal.
    SetKioskShare {
        /// Segment index.
        segment: usize,
        /// Probability of choosing a kiosk, 0 to 0.95.
        share: f64,
    },
    /// Multiply every demand line of a site by a factor (more or fewer requests a year).
    ScaleDemand {
        /// Site index.
        site: usize,
        /// Factor, above 0 (the loader's limits apply to the result).
        factor: f64,
    },
    /// Set the false-match rate the Face-ID 1:1 threshold is set for (a lower rate is a
    /// stricter threshold: fewer impostors matched, more genuine people not matched).
    SetFaceIdFmr {
        /// Target false-match rate, in (0, 0.1].
        target_fmr: f64,
    },
    /// Switch the app's "least loaded unit" advice on with these settings, or off.
    SetRouting {
        /// The advice, or `None` for none.
        routing: Option<RawRouting>,
    },
    /// Take the optimiser's suggested placement: the layout becomes the suggestion's (units'
    /// kiosks, assistants and demand; new stations added).
    ApplySuggestion {
        /// The suggested layout, raw.
        raw: Box<RawScenario>,
        /// What it changes, in words.
        summary: String,
    },
}

impl Edit {
    /// The edit in words, for the history list and messages.
    pub fn describe(&self, raw: &RawScenario) -> String {
        let site = |i: &usize| raw.sites.get(*i).map_or("?", |s| s.name.as_str()).to_owned();
        match self {
            Self::AddKiosk { site: s } => format!("add a kiosk at {}", site(s)),
            Self::RemoveKiosk { site: s } => format!("remove a kiosk at {}", site(s)),
            Self::MoveKiosk { from, to } => {
                format!("move a kiosk from {} to {}", site(from), site(to))
            }
            Self::AddSite { lat, lon, kind, catchment_share } => format!(
                "open a {} at {lat:.2}°N {lon:.2}°E taking {:.0} % of nearby kiosk demand",
                kind.label(),
                catchment_share * 100.0
            ),
            Self::RemoveSite { site: s } => format!("close {}", site(s)),
            Self::SetOfficers { site: s, group, count } => {
                let g = raw
                    .sites
                    .get(*s)
                    .and_then(|x| x.counters.get(*group))
                    .map_or("?", |c| c.id.as_str());
                format!("set {count} officer counters ({g}) at {}", site(s))
            }
            Self::SetHours { site: s, hours } => format!(
                "set hours at {} to {} / Sat {} / Sun {}",
                site(s),
                or_closed(&hours.weekdays),
                or_closed(&hours.saturday),
                or_closed(&hours.sunday)
            ),
            Self::SetKioskShare { segment, share } => format!(
                "set kiosk adoption of {} to {:.0} %",
                raw.segments.get(*segment).map_or("?", |s| s.id.as_str()),
                share * 100.0
            ),
            Self::ScaleDemand { site: s, factor } => {
                format!("scale demand at {} by ×{factor:.2}", site(s))
            }
            Self::SetFaceIdFmr { target_fmr } => {
                format!("set the Face-ID threshold for a false-match rate of {target_fmr:.0e}")
            }
            Self::SetRouting { routing: None } => "switch the app's routing off".to_owned(),
            Self::SetRouting { routing: Some(r) } => format!(
                "set the app's routing: {:.0} % follow it, within {:.0} km at {:.0} km/h",
                r.app_share * 100.0,
                r.radius_km,
                r.km_per_hour
            ),
            Self::ApplySuggestion { summary, .. } => format!("apply the suggestion: {summary}"),
        }
    }
}

fn or_closed(text: &str) -> &str {
    if text.trim().is_empty() { "closed" } else { text }
}

/// An edit kept in the history.
#[derive(Debug, Clone)]
struct Snapshot {
    label: String,
    raw: RawScenario,
}

/// The scenario being edited, with its history and the saved baseline.
#[derive(Debug, Clone)]
pub struct Layout {
    file: PathBuf,
    /// Folder the scenario's relative paths (`workflows.services`) start from: the folder of
    /// the file it was opened from, kept when the layout is saved elsewhere.
    base: PathBuf,
    raw: RawScenario,
    scenario: Arc<Scenario>,
    baseline: Arc<Scenario>,
    undo: Vec<Snapshot>,
    redo: Vec<Snapshot>,
    revision: u64,
}

impl Layout {
    /// Opens the scenario file at `path` for editing; it is also the baseline.
    pub fn load(path: &Path) -> Result<Self, PlannerError> {
        let text = std::fs::read_to_string(path).map_err(|e| PlannerError::Scenario {
            path: path.to_path_buf(),
            source: Box::new(navbat_scenario::ScenarioError::Io {
                path: path.to_path_buf(),
                source: e,
            }),
        })?;
        let name = path.display().to_string();
        let bad = |e| PlannerError::Scenario { path: path.to_path_buf(), source: Box::new(e) };
        let raw = navbat_scenario::parse_raw(&name, &text).map_err(bad)?;
        // `load` checks the same text with errors pointing into the file, and resolves relative
        // paths from the file's folder.
        let scenario = navbat_scenario::load(path).map_err(bad)?;
        Ok(Self::with_checked(path.to_path_buf(), raw, scenario))
    }

    /// A layout over a raw scenario built in code; `file` is where it would be saved.
    pub fn from_raw(file: &Path, raw: RawScenario) -> Result<Self, PlannerError> {
        let scenario =
            navbat_scenario::from_raw_at(&file.display().to_string(), &raw, &folder_of(file))
                .map_err(|e| PlannerError::Scenario {
                    path: file.to_path_buf(),
                    source: Box::new(e),
                })?;
        Ok(Self::with_checked(file.to_path_buf(), raw, scenario))
    }

    fn with_checked(file: PathBuf, raw: RawScenario, scenario: Scenario) -> Self {
        let scenario = Arc::new(scenario);
        Self {
            base: folder_of(&file),
            file,
            raw,
            baseline: scenario.clone(),
            scenario,
            undo: Vec::new(),
            redo: Vec::new(),
            revision: 0,
        }
    }

    /// The raw scenario as edited.
    pub fn raw(&self) -> &RawScenario {
        &self.raw
    }

    /// The checked scenario as edited.
    pub fn scenario(&self) -> &Arc<Scenario> {
        &self.scenario
    }

    /// The scenario as last loaded or saved: what comparisons measure against.
    pub fn baseline(&self) -> &Arc<Scenario> {
        &self.baseline
    }

    /// The file the layout came from or was last saved to.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The folder the scenario's relative paths (`workflows.services`) start from.
    pub fn base(&self) -> &Path {
        &self.base
    }

    /// Changes with every applied edit, undo and redo (for redrawing and restarting the twin).
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Whether the layout differs from the baseline.
    pub fn is_modified(&self) -> bool {
        *self.scenario != *self.baseline
    }

    /// Labels of the edits that can be undone, oldest first.
    pub fn history(&self) -> impl Iterator<Item = &str> {
        self.undo.iter().map(|s| s.label.as_str())
    }

    /// Label of the edit that redo would apply again.
    pub fn next_redo(&self) -> Option<&str> {
        self.redo.last().map(|s| s.label.as_str())
    }

    /// Applies `edit` if the result is a valid scenario; otherwise returns why and keeps
    /// the layout as it was.
    pub fn apply(&mut self, edit: &Edit) -> Result<(), PlannerError> {
        let label = edit.describe(&self.raw);
        let reject = |reason: String| PlannerError::EditRejected { edit: label.clone(), reason };
        let mut next = self.raw.clone();
        apply_to(&mut next, edit).map_err(reject)?;
        let scenario =
            navbat_scenario::from_raw_at(&self.file.display().to_string(), &next, &self.base)
                .map_err(|e| reject(e.to_string()))?;
        let before = std::mem::replace(&mut self.raw, next);
        self.undo.push(Snapshot { label, raw: before });
        self.redo.clear();
        self.scenario = Arc::new(scenario);
        self.revision += 1;
        Ok(())
    }

    /// Undoes the last edit; returns its label, or `None` when there is nothing to undo.
    pub fn undo(&mut self) -> Option<String> {
        let snap = self.undo.pop()?;
        let label = snap.label.clone();
        let current = std::mem::replace(&mut self.raw, snap.raw);
        self.redo.push(Snapshot { label: snap.label, raw: current });
        self.recheck();
        Some(label)
    }

    /// Applies the last undone edit again; returns its label.
    pub fn redo(&mut self) -> Option<String> {
        let snap = self.redo.pop()?;
        let label = snap.label.clone();
        let current = std::mem::replace(&mut self.raw, snap.raw);
        self.undo.push(Snapshot { label: snap.label, raw: current });
        self.recheck();
        Some(label)
    }

    fn recheck(&mut self) {
        // Every raw scenario in the history passed validation when it was made.
        if let Ok(s) =
            navbat_scenario::from_raw_at(&self.file.display().to_string(), &self.raw, &self.base)
        {
            self.scenario = Arc::new(s);
        }
        self.revision += 1;
    }

    /// The layout as RON text: loading it gives the same scenario.
    pub fn to_ron(&self) -> String {
        navbat_scenario::to_ron(&self.raw)
    }

    /// The layout as raw with a relative services folder written as an absolute path (for a
    /// file written as `path` in another folder).
    fn raw_with_absolute_services(&self, path: &Path) -> Result<RawScenario, PlannerError> {
        let mut raw = self.raw.clone();
        if let Some(w) = raw.workflows.as_mut()
            && Path::new(&w.services).is_relative()
        {
            let services = std::path::absolute(self.base.join(&w.services))
                .map_err(|source| PlannerError::Write { path: path.to_path_buf(), source })?;
            w.services = services.display().to_string();
        }
        Ok(raw)
    }

    /// The layout as RON text that loads the same from any folder (a relative services
    /// folder written as an absolute path): what a temporary copy for `navbat run` holds.
    pub fn to_ron_anywhere(&self) -> Result<String, PlannerError> {
        Ok(navbat_scenario::to_ron(&self.raw_with_absolute_services(&self.file)?))
    }

    /// Writes the layout to `path` as RON; it becomes the file and the baseline.
    pub fn save(&mut self, path: &Path) -> Result<(), PlannerError> {
        // A relative services folder is relative to the file: saved in another folder, the
        // layout names the folder it came from by its absolute path.
        let folder = folder_of(path);
        let raw = if folder == self.base {
            self.raw.clone()
        } else {
            self.raw_with_absolute_services(path)?
        };
        std::fs::write(path, navbat_scenario::to_ron(&raw))
            .map_err(|source| PlannerError::Write { path: path.to_path_buf(), source })?;
        self.raw = raw;
        self.base = folder;
        self.file = path.to_path_buf();
        self.baseline = self.scenario.clone();
        Ok(())
    }
}

/// The folder of a scenario file, where its relative paths start (`.` for a bare name).
fn folder_of(file: &Path) -> PathBuf {
    file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pilot() -> Layout {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/pilot-2026.ron");
        Layout::load(&path).expect("the bundled pilot scenario loads")
    }

    fn kiosks(layout: &Layout, site: usize) -> u32 {
        layout.scenario().sites[site].kiosks.iter().map(|k| k.count).sum()
    }

    #[test]
    fn add_and_remove_kiosk_change_the_count_and_undo_restores_it() {
        let mut l = pilot();
        let before = kiosks(&l, 1);
        l.apply(&Edit::AddKiosk { site: 1 }).unwrap();
        assert_eq!(kiosks(&l, 1), before + 1);
        l.apply(&Edit::RemoveKiosk { site: 1 }).unwrap();
        l.apply(&Edit::RemoveKiosk { site: 1 }).unwrap();
        assert_eq!(kiosks(&l, 1), before - 1);
        assert_eq!(l.history().count(), 3);
        l.undo();
        l.undo();
        assert_eq!(kiosks(&l, 1), before + 1);
        assert_eq!(l.redo().as_deref(), Some("remove a kiosk at Urgut district migration unit"));
        assert_eq!(kiosks(&l, 1), before);
        l.undo();
        l.undo();
        assert!(!l.is_modified());
        assert_eq!(l.undo(), None);
    }

    #[test]
    fn a_site_without_kiosks_cannot_lose_one_and_the_layout_stays() {
        let mut l = pilot();
        let n = kiosks(&l, 0);
        for _ in 0..n {
            l.apply(&Edit::RemoveKiosk { site: 0 }).unwrap();
        }
        assert!(l.scenario().sites[0].kiosks.is_empty());
        let rev = l.revision();
        let err = l.apply(&Edit::RemoveKiosk { site: 0 }).unwrap_err();
        assert!(err.to_string().contains("has no kiosk"), "{err}");
        assert_eq!(l.revision(), rev);
        // A kiosk added back copies the nearest site's kind of kiosk.
        l.apply(&Edit::AddKiosk { site: 0 }).unwrap();
        assert_eq!(kiosks(&l, 0), 1);
    }

    #[test]
    fn moving_a_kiosk_keeps_the_total() {
        let mut l = pilot();
        let total = |l: &Layout| (0..4).map(|s| kiosks(l, s)).sum::<u32>();
        let t = total(&l);
        l.apply(&Edit::MoveKiosk { from: 0, to: 3 }).unwrap();
        assert_eq!(total(&l), t);
        assert_eq!(kiosks(&l, 3), 3);
        assert!(l.apply(&Edit::MoveKiosk { from: 2, to: 2 }).is_err());
        assert!(l.apply(&Edit::MoveKiosk { from: 2, to: 9 }).is_err());
        assert_eq!(total(&l), t);
    }

    #[test]
    fn a_candidate_site_takes_kiosk_demand_from_the_nearest_office() {
        let mut l = pilot();
        let yearly = |l: &Layout| -> Vec<f64> {
            l.scenario().sites.iter().map(|s| s.demand.iter().map(|d| d.yearly).sum()).collect()
        };
        let before = yearly(&l);
        let n = before.len();
        let urgut = l.scenario().sites.iter().position(|s| s.id == "urgut").unwrap();
        // Near Urgut (39.40 N, 67.25 E), far from every other office.
        let edit = Edit::AddSite {
            lat: 39.35,
            lon: 67.35,
            kind: CandidateKind::ShoppingMall,
            catchment_share: 0.2,
        };
        l.apply(&edit).unwrap();
        let after = yearly(&l);
        assert_eq!(after.len(), n + 1);
        let site = &l.scenario().sites[n];
        assert_eq!(site.id, "mall-1");
        assert_eq!(site.kind, SiteKind::ShoppingMall);
        assert!(site.counters.is_empty());
        assert_eq!(site.kiosks[0].count, 2);
        assert!(after[n] > 0.0);
        // Demand moved from Urgut only, and none was created or lost.
        assert!((before.iter().sum::<f64>() - after.iter().sum::<f64>()).abs() < 1e-6);
        assert!((before[urgut] - after[urgut] - after[n]).abs() < 1e-6);
        for i in (0..n).filter(|&i| i != urgut) {
            assert_eq!(before[i], after[i]);
        }
        l.apply(&edit).unwrap();
        assert_eq!(l.scenario().sites[n + 1].id, "mall-2");
        // Closing both gives Urgut its demand back; an office does not close.
        l.apply(&Edit::RemoveSite { site: n + 1 }).unwrap();
        l.apply(&Edit::RemoveSite { site: n }).unwrap();
        let closed = yearly(&l);
        assert_eq!(closed.len(), n);
        assert!((closed[urgut] - before[urgut]).abs() < 1e-6);
        let err = l.apply(&Edit::RemoveSite { site: urgut }).unwrap_err();
        assert!(err.to_string().contains("district office"), "{err}");
    }

    #[test]
    fn officers_and_hours_edits_are_checked() {
        let mut l = pilot();
        l.apply(&Edit::SetOfficers { site: 1, group: 0, count: 6 }).unwrap();
        assert_eq!(l.scenario().sites[1].counters[0].count, 6);
        assert!(l.apply(&Edit::SetOfficers { site: 1, group: 0, count: 0 }).is_err());
        assert!(l.apply(&Edit::SetOfficers { site: 1, group: 7, count: 2 }).is_err());

        let hours = HoursText {
            weekdays: "08:00-20:00".into(),
            saturday: "09:00-17:00".into(),
            sunday: String::new(),
        };
        l.apply(&Edit::SetHours { site: 1, hours }).unwrap();
        let site = &l.scenario().sites[1];
        assert_eq!(site.hours.by_weekday[0], vec![(480, 1200)]);
        assert_eq!(site.hours.by_weekday[5], vec![(540, 1020)]);
        assert!(site.hours.by_weekday[6].is_empty());
        // The general officers work the new hours; the foreigners' desk stays weekdays only.
        assert_eq!(site.counters[0].shifts.len(), 2);
        assert_eq!(site.counters[0].shifts[0].start, 480);
        assert_eq!(site.counters[1].shifts.len(), 1);

        let bad = HoursText { weekdays: "25:00-26:00".into(), ..HoursText::default() };
        let err = l.apply(&Edit::SetHours { site: 1, hours: bad }).unwrap_err();
        assert!(err.to_string().contains("hours"), "{err}");
        assert_eq!(l.scenario().sites[1].hours.by_weekday[0], vec![(480, 1200)]);
    }

    #[test]
    fn kiosk_share_sets_the_channel_probability() {
        // The pilot's students have a fixed channel choice (counter 0.3, portal 0.7).
        let mut l = pilot();
        let seg = l.scenario().segments.iter().position(|s| s.id == "student").unwrap();
        l.apply(&Edit::SetKioskShare { segment: seg, share: 0.5 }).unwrap();
        let c = l.scenario().segments[seg].channel;
        assert!((c.kiosk - 0.5).abs() < 1e-9, "{c:?}");
        assert!((c.counter / c.portal - 0.3 / 0.7).abs() < 1e-9);
        assert!(l.apply(&Edit::SetKioskShare { segment: seg, share: 1.0 }).is_err());
    }

    #[test]
    fn kiosk_share_scales_a_growing_adoption_curve() {
        // The pilot's adults adopt kiosks from 18 % to 40 % over the year.
        let mut l = pilot();
        let seg = l.scenario().segments.iter().position(|s| s.id == "citizen-adult").unwrap();
        l.apply(&Edit::SetKioskShare { segment: seg, share: 0.6 }).unwrap();
        let (start, end) = l.scenario().segments[seg].kiosk_adoption.unwrap();
        assert!((end - 0.6).abs() < 1e-12);
        assert!((start - 0.6 * 0.18 / 0.40).abs() < 1e-12, "{start}");
    }

    #[test]
    fn saved_layout_loads_to_the_same_scenario() {
        let mut l = pilot();
        l.apply(&Edit::MoveKiosk { from: 0, to: 1 }).unwrap();
        l.apply(&Edit::AddSite {
            lat: 41.3,
            lon: 69.3,
            kind: CandidateKind::TouristZone,
            catchment_share: 0.1,
        })
        .unwrap();
        let dir = std::env::temp_dir().join(format!("navbat-planner-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("edited.ron");
        l.save(&path).unwrap();
        assert!(!l.is_modified());
        let again = Layout::load(&path).unwrap();
        assert_eq!(again.raw(), l.raw());
        assert_eq!(**again.scenario(), **l.scenario());
        std::fs::remove_dir_all(&dir).ok();
    }
}
