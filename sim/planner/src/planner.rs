//! The planner's whole state and its actions, without any drawing: the window calls these
//! from its systems and panels, tests call them directly.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use navbat_engine::{DAY_MS, MINUTE_MS, SimTime};

use crate::clock::SimClock;
use crate::compare::{CompareJob, Comparison};
use crate::error::PlannerError;
use crate::export::{ReportJob, navbat_binary};
use crate::layout::{CandidateKind, Edit, Layout};
use crate::live::{LiveTwin, StepReport};
use crate::map::{BaseMap, MapView};
use crate::suggest::{SuggestJob, SuggestSettings, Suggestion, layout_capital};

/// Replications per layout in a comparison.
pub const COMPARE_REPLICATIONS: u32 = 20;
/// Replications each plan of a suggestion is scored on (and the benefit's pairs).
pub const SUGGEST_REPLICATIONS: u32 = 5;
/// Most plans a suggestion evaluates on the twin.
pub const SUGGEST_MAX_EVALUATIONS: usize = 40;
/// Messages kept for the status bar and log.
const MESSAGES: usize = 6;

/// Frame and step timings of a window run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FramePerf {
    /// Frames seen.
    pub frames: u32,
    /// Sum of frame times after the first [`FramePerf::SKIP`] frames, seconds.
    pub frame_s_total: f64,
    /// Longest frame after the first [`FramePerf::SKIP`] frames, seconds.
    pub frame_s_max: f64,
    /// Sum of simulation step times, milliseconds.
    pub step_ms_total: f64,
    /// Longest simulation step, milliseconds.
    pub step_ms_max: f64,
    /// Sum of the time spent building the egui panels, milliseconds.
    pub draw_ms_total: f64,
    /// Frames whose panels were built.
    pub draws: u32,
    /// Frame time of the last frame, seconds.
    pub last_frame_s: f64,
    /// Simulation step time of the last frame, milliseconds.
    pub last_step_ms: f64,
}

impl FramePerf {
    /// Frames left out of the means: the first ones compile pipelines and upload fonts.
    pub const SKIP: u32 = 10;

    /// Records one frame.
    pub fn record(&mut self, frame_s: f64, step_ms: f64) {
        self.frames += 1;
        self.last_frame_s = frame_s;
        self.last_step_ms = step_ms;
        self.step_ms_total += step_ms;
        self.step_ms_max = self.step_ms_max.max(step_ms);
        if self.frames > Self::SKIP {
            self.frame_s_total += frame_s;
            self.frame_s_max = self.frame_s_max.max(frame_s);
        }
    }

    /// Records the time spent building one frame's panels.
    pub fn record_draw(&mut self, draw_ms: f64) {
        self.draws += 1;
        self.draw_ms_total += draw_ms;
    }

    /// Mean time building the panels, milliseconds.
    pub fn mean_draw_ms(&self) -> f64 {
        if self.draws == 0 { 0.0 } else { self.draw_ms_total / f64::from(self.draws) }
    }

    /// Mean frames per second after the first frames (0 before any).
    pub fn mean_fps(&self) -> f64 {
        let n = self.frames.saturating_sub(Self::SKIP);
        if n == 0 || self.frame_s_total <= 0.0 { 0.0 } else { f64::from(n) / self.frame_s_total }
    }

    /// Mean simulation step, milliseconds.
    pub fn mean_step_ms(&self) -> f64 {
        if self.frames == 0 { 0.0 } else { self.step_ms_total / f64::from(self.frames) }
    }
}

/// Everything the window shows and edits.
#[derive(Debug)]
pub struct Planner {
    /// The edited scenario.
    pub layout: Layout,
    /// The live replication of the layout.
    pub twin: LiveTwin,
    /// Play, pause, speed.
    pub clock: SimClock,
    /// Master seed of the live twin and of comparisons.
    pub seed: u64,
    /// Country outlines.
    pub base_map: BaseMap,
    /// Map centre and zoom.
    pub view: MapView,
    /// Selected site index.
    pub selected: Option<usize>,
    /// Clicking the map opens a candidate site.
    pub placing: bool,
    /// Kind of the next candidate site.
    pub candidate_kind: CandidateKind,
    /// Share of the nearest site's kiosk demand a new candidate site takes.
    pub catchment_share: f64,
    /// Waiting-time target of the Situation Centre, minutes (a planner's setting).
    pub sla_target_min: f64,
    /// The jump-to-date field.
    pub jump_text: String,
    /// Where "save" writes.
    pub save_path: String,
    /// The folder "Export report" writes the evaluation report into.
    pub report_dir: String,
    /// A report being written.
    pub report: Option<ReportJob>,
    /// Help overlay shown.
    pub help_open: bool,
    /// Recent messages, newest last.
    pub messages: VecDeque<String>,
    /// Why the last edit was rejected (cleared by the next accepted one), shown beside the
    /// settings.
    pub last_rejection: Option<String>,
    /// A comparison in progress.
    pub compare: Option<CompareJob>,
    /// The last finished comparison.
    pub comparison: Option<Comparison>,
    /// Capital budget of a suggestion, in the scenario's currency (starts at what the
    /// layout's kiosks cost).
    pub suggest_budget: f64,
    /// Candidate file with new stations a suggestion may open (empty: the layout's sites).
    pub suggest_candidates: String,
    /// A suggestion being searched.
    pub suggest: Option<SuggestJob>,
    /// The last suggestion, shown on the map until applied or dismissed.
    pub suggestion: Option<Suggestion>,
    /// Frame timings.
    pub perf: FramePerf,
    twin_revision: u64,
}

impl Planner {
    /// A planner over `layout`, the live twin at the start of the horizon, paused at ×1,000.
    pub fn new(layout: Layout, seed: u64, base_map: BaseMap) -> Self {
        let twin = LiveTwin::new(layout.scenario(), seed);
        let jump_text = layout.scenario().start.to_string();
        let save_path = default_save_path(layout.file()).display().to_string();
        let twin_revision = layout.revision();
        let suggest_budget = layout_capital(layout.raw());
        let report_dir = default_report_dir(layout.file()).display().to_string();
        Self {
            layout,
            twin,
            clock: SimClock::new(),
            seed,
            base_map,
            view: MapView::default(),
            selected: Some(0),
            placing: false,
            candidate_kind: CandidateKind::ShoppingMall,
            catchment_share: 0.15,
            sla_target_min: 30.0,
            jump_text,
            report_dir,
            report: None,
            save_path,
            help_open: false,
            messages: VecDeque::new(),
            last_rejection: None,
            compare: None,
            comparison: None,
            suggest_budget,
            suggest_candidates: String::new(),
            suggest: None,
            suggestion: None,
            perf: FramePerf::default(),
            twin_revision,
        }
    }

    /// Adds a message to the status bar.
    pub fn say(&mut self, message: impl Into<String>) {
        if self.messages.len() == MESSAGES {
            self.messages.pop_front();
        }
        self.messages.push_back(message.into());
    }

    /// Applies an edit; a rejection becomes a message and changes nothing.
    pub fn edit(&mut self, edit: &Edit) -> bool {
        match self.layout.apply(edit) {
            Ok(()) => {
                let text = self.layout.history().last().unwrap_or_default().to_owned();
                self.say(format!("Done: {text}."));
                self.last_rejection = None;
                self.after_edit();
                true
            }
            Err(e) => {
                self.reject(e.to_string());
                false
            }
        }
    }

    /// Says why something the planner asked for was not done, and keeps it beside the
    /// settings.
    pub fn reject(&mut self, why: String) {
        self.say(why.clone());
        self.last_rejection = Some(why);
    }

    /// Undoes the last edit.
    pub fn undo(&mut self) {
        match self.layout.undo() {
            Some(label) => self.say(format!("Undone: {label}.")),
            None => self.say("Nothing to undo."),
        }
        self.after_edit();
    }

    /// Redoes the last undone edit.
    pub fn redo(&mut self) {
        match self.layout.redo() {
            Some(label) => self.say(format!("Redone: {label}.")),
            None => self.say("Nothing to redo."),
        }
        self.after_edit();
    }

    fn after_edit(&mut self) {
        let sites = self.layout.scenario().sites.len();
        if self.selected.is_some_and(|s| s >= sites) {
            self.selected = sites.checked_sub(1);
        }
        self.restart_twin_if_edited();
    }

    /// When the layout changed, starts a new live twin of it and re-runs it to the instant
    /// the old one had reached (over the next frames).
    pub fn restart_twin_if_edited(&mut self) {
        if self.layout.revision() == self.twin_revision {
            return;
        }
        let reached = self.twin.now();
        self.twin = LiveTwin::new(self.layout.scenario(), self.seed);
        self.twin.jump_to(reached);
        self.twin_revision = self.layout.revision();
        let span = span_label(reached.0 - self.twin.start().0);
        self.say(format!(
            "The twin re-runs the edited layout to {} ({span} of simulated time).",
            reached.to_datetime().strftime("%d %b %Y %H:%M")
        ));
    }

    /// One frame: the clock turns `frame_s` wall-clock seconds into simulated time and the
    /// twin advances by it; the twin pauses at the end of its horizon.
    pub fn step_frame(&mut self, frame_s: f64) -> StepReport {
        let ms = self.clock.advance_ms(frame_s);
        let report = self.twin.frame(ms);
        if self.twin.at_end() && !self.clock.paused {
            self.clock.paused = true;
            self.say("End of the horizon: the twin stops here.");
        }
        report
    }

    /// Steps the twin by a quarter of an hour (the "step" button).
    pub fn step_quarter_hour(&mut self) {
        let to = SimTime(self.twin.now().0 + 15 * MINUTE_MS);
        self.twin.advance_to(to);
    }

    /// Jumps to the date in the jump field (`YYYY-MM-DD`, optionally `HH:MM` after a space).
    pub fn jump_to_text(&mut self) {
        match parse_when(&self.jump_text) {
            Some(when) => {
                self.twin.jump_to(when);
                self.say(format!(
                    "Jumping to {}.",
                    when.to_datetime().strftime("%a %d %b %Y %H:%M")
                ));
            }
            None => self.say(format!(
                "Jump: expected a date like 2026-06-15 or 2026-06-15 10:30, found {:?}.",
                self.jump_text
            )),
        }
    }

    /// Opens a candidate site at a point with the chosen kind and catchment share.
    pub fn place_candidate(&mut self, lat: f64, lon: f64) {
        let edit = Edit::AddSite {
            lat,
            lon,
            kind: self.candidate_kind,
            catchment_share: self.catchment_share,
        };
        if self.edit(&edit) {
            self.selected = Some(self.layout.scenario().sites.len() - 1);
            self.placing = false;
        }
    }

    /// Starts comparing the layout with the baseline in the background.
    pub fn start_comparison(&mut self) {
        if self.compare.is_some() {
            self.say("A comparison is already running.");
            return;
        }
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1));
        self.compare = Some(CompareJob::start(
            self.layout.baseline(),
            self.layout.scenario(),
            self.seed,
            COMPARE_REPLICATIONS,
            threads.max(1),
        ));
        self.say(format!(
            "Comparing the layout with the baseline: {COMPARE_REPLICATIONS} replications each, in the background."
        ));
    }

    /// Collects a finished comparison.
    pub fn poll_comparison(&mut self) {
        let finished = match self.compare.as_mut().and_then(CompareJob::poll) {
            Some(Ok(c)) => Ok(c.clone()),
            Some(Err(e)) => Err(e.clone()),
            None => return,
        };
        self.compare = None;
        match finished {
            Ok(c) => {
                self.comparison = Some(c);
                self.say("Comparison finished: see the Situation Centre.");
            }
            Err(e) => self.say(format!("Comparison failed: {e}")),
        }
    }

    /// Starts searching a placement for the layout within the budget, in the background.
    pub fn start_suggestion(&mut self) {
        if self.suggest.is_some() {
            self.say("A suggestion is already being searched.");
            return;
        }
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1));
        let candidates = self.suggest_candidates.trim();
        let settings = SuggestSettings {
            budget: self.suggest_budget,
            replications: SUGGEST_REPLICATIONS,
            max_evaluations: SUGGEST_MAX_EVALUATIONS,
            candidates: (!candidates.is_empty()).then(|| PathBuf::from(candidates)),
        };
        self.suggest = Some(SuggestJob::start(
            self.layout.raw(),
            self.layout.base(),
            self.layout.revision(),
            self.seed,
            settings,
            threads.max(1),
        ));
        self.suggestion = None;
        self.say(format!(
            "Searching a placement within {:.0} million in the background (the optimiser on the twin).",
            self.suggest_budget / 1e6
        ));
    }

    /// Asks a running search to stop.
    pub fn cancel_suggestion(&mut self) {
        if let Some(job) = &self.suggest {
            job.cancel();
            self.say("Cancelling the search…");
        }
    }

    /// Collects a finished search.
    pub fn poll_suggestion(&mut self) {
        let finished = match self.suggest.as_mut().and_then(SuggestJob::poll) {
            Some(r) => r.clone(),
            None => return,
        };
        self.suggest = None;
        match finished {
            Ok(s) => {
                self.say(format!(
                    "Suggestion: {} (benefit {:+.0} million a year [{:+.0}, {:+.0}]).",
                    s.summary(),
                    s.benefit.mean / 1e6,
                    s.benefit.ci95_low / 1e6,
                    s.benefit.ci95_high / 1e6
                ));
                self.suggestion = Some(s);
            }
            Err(e) => self.say(format!("No suggestion: {e}.")),
        }
    }

    /// Applies the shown suggestion as one edit (undoable); refused when the layout changed
    /// since the search started.
    pub fn apply_suggestion(&mut self) -> bool {
        let Some(s) = self.suggestion.take() else {
            self.say("No suggestion to apply.");
            return false;
        };
        if s.revision != self.layout.revision() {
            self.say("The layout changed since the search: suggest again.");
            return false;
        }
        let edit = Edit::ApplySuggestion { summary: s.summary(), raw: Box::new(s.raw) };
        self.edit(&edit)
    }

    /// Saves the layout to the save path.
    pub fn save(&mut self) -> Result<PathBuf, PlannerError> {
        let path = PathBuf::from(self.save_path.trim());
        self.layout.save(&path)?;
        self.say(format!("Saved the layout to {}; it is the new baseline.", path.display()));
        Ok(path)
    }

    /// Ends the session: runs the live twin to the end of its horizon and returns what it
    /// measured.
    pub fn finish(self) -> navbat_record::ReplicationRecord {
        self.twin.finish()
    }

    /// Starts writing the full evaluation report of the layout as edited into the report
    /// folder, through `navbat run --report` on a background thread.
    pub fn export_report(&mut self) {
        if self.report.is_some() {
            self.say("A report is already being written.");
            return;
        }
        let text = match self.layout.to_ron_anywhere() {
            Ok(t) => t,
            Err(e) => return self.reject(e.to_string()),
        };
        let out = PathBuf::from(self.report_dir.trim());
        let navbat = navbat_binary();
        self.say(format!(
            "Writing the evaluation report of the layout into {} ({} run --report, in the background).",
            out.display(),
            navbat.display()
        ));
        self.report = Some(ReportJob::start(text, out, self.seed, navbat));
    }

    /// Collects a finished report.
    pub fn poll_report(&mut self) {
        let finished = match self.report.as_mut().and_then(ReportJob::poll) {
            Some(r) => r.clone(),
            None => return,
        };
        self.report = None;
        match finished {
            Ok(index) => self.say(format!("Report written: {}.", index.display())),
            Err(e) => self.reject(format!("Report not written: {e}")),
        }
    }

    /// Writes the last comparison as a Markdown evaluation beside the save path.
    pub fn export_comparison(&mut self) -> Result<PathBuf, PlannerError> {
        let Some(c) = &self.comparison else {
            self.say("Run a comparison first (E): the report shows its estimates.");
            return Err(PlannerError::Option {
                option: "export",
                message: "no comparison has finished yet".into(),
            });
        };
        let text = c.to_markdown(&self.layout.scenario().name);
        let path = PathBuf::from(self.save_path.trim()).with_extension("evaluation.md");
        std::fs::write(&path, text)
            .map_err(|source| PlannerError::Write { path: path.clone(), source })?;
        self.say(format!("Wrote the comparison {}.", path.display()));
        Ok(path)
    }
}

fn default_report_dir(file: &Path) -> PathBuf {
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("scenario");
    PathBuf::from(format!("{stem}-report"))
}

fn default_save_path(file: &Path) -> PathBuf {
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("scenario");
    PathBuf::from(format!("{stem}-layout.ron"))
}

/// Parses `YYYY-MM-DD` or `YYYY-MM-DD HH:MM`.
pub fn parse_when(text: &str) -> Option<SimTime> {
    let text = text.trim();
    let (date, time) = text.split_once(' ').unwrap_or((text, "00:00"));
    let date: jiff::civil::Date = date.trim().parse().ok()?;
    let (h, m) = time.trim().split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    if !(0..24).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    Some(SimTime(SimTime::at_midnight(date).0 + (h * 60 + m) * MINUTE_MS))
}

/// Days and hours of a span, for "re-running to ..." messages.
fn span_label(ms: i64) -> String {
    let days = ms / DAY_MS;
    let hours = (ms % DAY_MS) / (60 * MINUTE_MS);
    if days > 0 { format!("{days} d {hours} h") } else { format!("{hours} h") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_with_and_without_time() {
        let d = parse_when("2026-05-01").unwrap();
        assert_eq!(d.to_datetime().to_string(), "2026-05-01T00:00:00");
        let t = parse_when(" 2026-05-01 10:30 ").unwrap();
        assert_eq!(t.0 - d.0, 630 * MINUTE_MS);
        assert!(parse_when("2026-13-01").is_none());
        assert!(parse_when("2026-05-01 25:00").is_none());
        assert!(parse_when("tomorrow").is_none());
    }

    #[test]
    fn frame_perf_skips_warm_up_frames() {
        let mut p = FramePerf::default();
        for _ in 0..FramePerf::SKIP {
            p.record(1.0, 0.1);
        }
        for _ in 0..30 {
            p.record(0.02, 0.5);
        }
        assert!((p.mean_fps() - 50.0).abs() < 1e-9);
        assert_eq!(p.step_ms_max, 0.5);
        assert_eq!(span_label(DAY_MS + 3 * 60 * MINUTE_MS), "1 d 3 h");
    }
}
