//! navbat's planner window: place kiosks on a map of the pilot districts and watch the twin
//! live, with the same engine the headless runs use.
//!
//! # Brief overview
//!
//! `navbat plan` opens a Bevy window whose panels are drawn with egui. Everything the window
//! does goes through plain Rust state that tests drive without a window:
//!
//! 1. the layout — [`Layout`] keeps the scenario in its raw, savable form; an [`Edit`] (add,
//!    remove or move a kiosk, open a candidate site, officers, opening hours, kiosk adoption)
//!    is checked by the scenario loader before it is kept, with undo and redo;
//! 2. the live twin — [`LiveTwin`] is one replication of the engine's `Simulation`; each
//!    frame the [`SimClock`] turns frame time × speed into simulated milliseconds and the
//!    twin calls the engine's `step_until`, cut at the Situation Centre's sampling instants.
//!    There is no second model: a window run and a headless run of the same scenario and
//!    seed measure the same KPIs;
//! 3. the Situation Centre — [`SiteReading`]s of each floor (queues, waits, utilisation,
//!    [`SlaState`]) and their [`History`] for sparklines; a [`CompareJob`] runs replications
//!    of the layout and the saved baseline on background threads and gives a [`Comparison`]
//!    with paired 95 % intervals;
//! 4. the suggestion — a [`SuggestJob`] runs the placement optimiser (`navbat-optimise`) on the
//!    layout and a budget off the window's thread and gives a [`Suggestion`]: the sites whose
//!    kiosks change, new stations, and the paired benefit against the layout; applying it is
//!    one undoable [`Edit`]. A [`ReportJob`] writes the layout's full evaluation report through
//!    `navbat run --report`; [`place_cards`] keeps each site's card beside its site.
//!
//! [`run`] wires these into the window; [`PlanOptions`] adds a screenshot mode for CI.
//!
//! ```
//! use navbat_planner::{Edit, Layout, LiveTwin, SimClock};
//! let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/pilot-2026.ron");
//! let mut layout = Layout::load(&path).unwrap();
//! layout.apply(&Edit::AddKiosk { site: 1 }).unwrap();
//! assert_eq!(layout.scenario().sites[1].kiosks[0].count, 4);
//!
//! // Thirty frames of 1/30 s at ×1,000: a thousand simulated seconds.
//! let mut twin = LiveTwin::new(layout.scenario(), 42);
//! let mut clock = SimClock::new();
//! let start = twin.now();
//! for _ in 0..30 {
//!     let ms = clock.advance_ms(1.0 / 30.0);
//!     twin.frame(ms);
//! }
//! assert!((twin.now().0 - start.0 - 1_000_000).abs() <= 1);
//! assert_eq!(twin.readings().len(), layout.scenario().sites.len());
//! ```

mod app;
mod clock;
mod compare;
mod direct;
mod error;
mod export;
mod fills;
mod labels;
mod layout;
mod live;
mod map;
mod options;
mod planner;
mod situation;
mod sprites;
mod suggest;
mod ui;

pub use crate::app::run;
pub use crate::clock::{MAX_FRAME_S, SPEEDS, SimClock, speed_label};
pub use crate::compare::{Changes, CompareJob, Comparison, SiteDifference};
pub use crate::error::PlannerError;
pub use crate::export::{ReportJob, navbat_binary, report_command};
pub use crate::labels::{leader_anchor, place_cards};
pub use crate::layout::{CandidateKind, Edit, HoursText, Layout};
pub use crate::live::{JUMP_PER_FRAME_MS, LiveTwin, StepReport};
pub use crate::map::{BaseMap, CountryRing, MapView};
pub use crate::options::PlanOptions;
pub use crate::planner::{
    COMPARE_REPLICATIONS, FramePerf, Planner, SUGGEST_MAX_EVALUATIONS, SUGGEST_REPLICATIONS,
    parse_when,
};
pub use crate::situation::{
    History, LONG_DAYS, SAMPLE_EVERY_MS, SHORT_SAMPLES, SiteHistory, SiteReading, SlaState,
    Sparkline, WaitBand,
};
pub use crate::suggest::{
    SiteChange, SuggestJob, SuggestSettings, Suggestion, layout_capital, suggest,
};
