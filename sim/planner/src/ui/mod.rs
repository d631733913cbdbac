//! The planner's panels, drawn with egui every frame from [`Planner`]: the time bar, the
//! layout editor, the map and the Situation Centre. The panels are here; the map and its
//! site cards are in `map.rs`, the keyboard shortcuts and the help overlay in `keys.rs`.

mod keys;
mod map;

use keys::{help_overlay, shortcuts};
use map::{card_label, map};

use bevy_egui::egui::{
    self, Align2, Color32, CornerRadius, FontId, Key, Modifiers, Pos2, Rect, RichText, Sense,
    Shape, Stroke, StrokeKind, Ui, Vec2, pos2, vec2,
};
use navbat_engine::Whereabouts;
use navbat_scenario::SiteKind;

use crate::clock::{SPEEDS, speed_label};
use crate::layout::{CandidateKind, Edit, HoursText};
use crate::map::{hit, simplified_polyline, thinned_polyline};
use crate::planner::Planner;
use crate::situation::{SiteReading, SlaState, Sparkline, WaitBand};

/// Colours of the map and charts.
mod palette {
    use bevy_egui::egui::Color32;

    pub(super) const LAND: Color32 = Color32::from_rgb(250, 248, 241);
    pub(super) const NEIGHBOUR_BORDER: Color32 = Color32::from_rgb(168, 168, 160);
    pub(super) const COUNTRY_BORDER: Color32 = Color32::from_rgb(92, 96, 120);
    pub(super) const GRID: Color32 = Color32::from_rgb(196, 204, 212);
    pub(super) const INK: Color32 = Color32::from_rgb(36, 40, 52);
    pub(super) const MUTED: Color32 = Color32::from_rgb(110, 116, 128);
    pub(super) const CARD: Color32 = Color32::from_rgb(255, 255, 255);
    pub(super) const SELECT: Color32 = Color32::from_rgb(20, 110, 220);
    pub(super) const OFFICER: Color32 = Color32::from_rgb(66, 84, 140);
    pub(super) const KIOSK: Color32 = Color32::from_rgb(0, 140, 150);
    pub(super) const DOWN: Color32 = Color32::from_rgb(200, 40, 40);
    pub(super) const OFF: Color32 = Color32::from_rgb(205, 208, 214);
    /// Demand zones (their sprites carry the opacity). The window's earlier zones, painted as
    /// translucent (90, 120, 200) by egui, came out in this greyer blue.
    pub(super) const ZONE: Color32 = Color32::from_rgb(46, 57, 84);
}

/// Fills a rounded rectangle (radii: north-west, north-east, south-east, south-west) with
/// [`crate::fills::convex_fill`]: the look of `Painter::rect_filled` (corners on whole
/// pixels, a one-pixel anti-aliasing fringe) in triangles that cross a fraction of the pixel
/// blocks egui's fan of slivers does.
fn fill_rounded(
    painter: &egui::Painter,
    rect: Rect,
    radii: crate::fills::Corners,
    colour: Color32,
) {
    let ppp = painter.ctx().pixels_per_point();
    let outline = crate::fills::rounded_rect_outline(
        egui::emath::GuiRounding::round_to_pixels(rect, ppp),
        radii,
    );
    painter.add(Shape::mesh(crate::fills::convex_fill(&outline, colour, ppp)));
}

/// Colour of a wait band.
fn wait_colour(band: WaitBand) -> Color32 {
    match band {
        WaitBand::Short => Color32::from_rgb(46, 160, 67),
        WaitBand::Moderate => Color32::from_rgb(222, 180, 20),
        WaitBand::Long => Color32::from_rgb(235, 120, 20),
        WaitBand::Severe => Color32::from_rgb(210, 40, 40),
    }
}

fn sla_colour(state: SlaState) -> Color32 {
    match state {
        SlaState::Closed => palette::MUTED,
        SlaState::Met => wait_colour(WaitBand::Short),
        SlaState::AtRisk => wait_colour(WaitBand::Long),
        SlaState::Breached => wait_colour(WaitBand::Severe),
    }
}

fn kind_label(kind: SiteKind) -> &'static str {
    match kind {
        SiteKind::DistrictOffice => "district office",
        SiteKind::ShoppingMall => "shopping mall",
        SiteKind::LeisureCentre => "leisure centre",
        SiteKind::TouristZone => "tourist zone",
    }
}

/// Draws the whole window and handles its keyboard shortcuts.
pub(crate) fn draw(ctx: &egui::Context, planner: &mut Planner) {
    shortcuts(ctx, planner);
    let mut root = Ui::new(
        ctx.clone(),
        "navbat-planner".into(),
        egui::UiBuilder::new().layer_id(egui::LayerId::background()).max_rect(ctx.viewport_rect()),
    );
    // Panels leave their background to the window's clear colour: on a
    // software renderer every pixel egui fills costs shader time.
    let frame = egui::Frame::side_top_panel(&ctx.global_style()).fill(Color32::TRANSPARENT);
    egui::Panel::top("time-bar").frame(frame).show(&mut root, |ui| time_bar(ui, planner));
    egui::Panel::bottom("status-bar").frame(frame).show(&mut root, |ui| status_bar(ui, planner));
    egui::Panel::left("layout-panel").frame(frame).exact_size(310.0).show(&mut root, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| layout_panel(ui, planner));
    });
    egui::Panel::right("situation-centre").frame(frame).exact_size(450.0).show(&mut root, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| situation_centre(ui, planner));
    });
    egui::CentralPanel::no_frame().show(&mut root, |ui| map(ui, planner));
    if planner.help_open {
        help_overlay(ctx, planner);
    }
}

fn time_bar(ui: &mut Ui, p: &mut Planner) {
    ui.horizontal(|ui| {
        ui.label(RichText::new("navbat").strong().size(18.0).color(palette::SELECT));
        ui.label(RichText::new("Planner").size(18.0));
        ui.separator();
        let modified = if p.layout.is_modified() { " (edited)" } else { "" };
        ui.label(format!("{}{modified}", p.layout.scenario().name));
        ui.separator();
        let now = p.twin.now().to_datetime();
        ui.label(
            RichText::new(now.strftime("%a %d %b %Y  %H:%M").to_string())
                .monospace()
                .size(20.0)
                .strong()
                .color(palette::INK),
        )
        .on_hover_text("Simulated date and time (Uzbekistan, UTC+5)");
        let day = (p.twin.now().0 - p.twin.start().0).div_euclid(navbat_engine::DAY_MS) + 1;
        ui.label(
            RichText::new(format!("day {day} of {}", p.layout.scenario().days()))
                .color(palette::MUTED),
        );
        ui.separator();
        let play = if p.clock.paused { "▶ Play" } else { "⏸ Pause" };
        if ui.button(play).on_hover_text("Space").clicked() {
            p.clock.paused = !p.clock.paused;
        }
        if ui.button("⏭ +15 min").on_hover_text("Step a quarter hour (.)").clicked() {
            p.step_quarter_hour();
        }
        ui.label("Speed");
        if ui.small_button("−").on_hover_text("-").clicked() {
            p.clock.slower();
        }
        let mut index = p.clock.speed_index();
        egui::ComboBox::from_id_salt("speed")
            .width(90.0)
            .selected_text(speed_label(p.clock.speed()))
            .show_ui(ui, |ui| {
                for (i, s) in SPEEDS.iter().enumerate() {
                    ui.selectable_value(&mut index, i, speed_label(*s));
                }
            });
        p.clock.set_speed_index(index);
        if ui.small_button("+").on_hover_text("+").clicked() {
            p.clock.faster();
        }
        ui.separator();
        ui.label("Jump to");
        let field = ui.add(egui::TextEdit::singleline(&mut p.jump_text).desired_width(120.0));
        let enter = field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
        if ui.button("Go").clicked() || enter {
            p.jump_to_text();
        }
        if let Some(goal) = p.twin.jump_target() {
            ui.spinner();
            ui.label(format!("→ {}", goal.to_datetime().strftime("%d %b %Y")));
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("Help (F1)").clicked() {
                p.help_open = !p.help_open;
            }
        });
    });
}

fn status_bar(ui: &mut Ui, p: &mut Planner) {
    ui.horizontal(|ui| {
        let perf = &p.perf;
        let fps = if perf.last_frame_s > 0.0 { 1.0 / perf.last_frame_s } else { 0.0 };
        ui.label(
            RichText::new(format!(
                "{fps:>4.0} fps · step {:.2} ms (max {:.1}) · {} events",
                perf.last_step_ms,
                perf.step_ms_max,
                p.twin.simulation().events()
            ))
            .monospace()
            .color(palette::MUTED),
        );
        ui.separator();
        if let Some(m) = p.messages.back() {
            ui.label(m);
        }
    });
}

fn layout_panel(ui: &mut Ui, p: &mut Planner) {
    ui.heading("Layout");
    ui.horizontal(|ui| {
        if ui.add_enabled(p.layout.history().next().is_some(), egui::Button::new("Undo")).clicked()
        {
            p.undo();
        }
        if ui.add_enabled(p.layout.next_redo().is_some(), egui::Button::new("Redo")).clicked() {
            p.redo();
        }
        ui.label(RichText::new("Ctrl+Z / Ctrl+Y").color(palette::MUTED));
    });
    ui.separator();
    ui.label(RichText::new("Sites").strong());
    let sites: Vec<(String, SiteKind, u32, u32)> = p
        .layout
        .scenario()
        .sites
        .iter()
        .map(|s| {
            let counters = s.counters.iter().map(|c| c.count).sum();
            let kiosks = s.kiosks.iter().map(|k| k.count).sum();
            (s.name.clone(), s.kind, counters, kiosks)
        })
        .collect();
    for (i, (name, kind, counters, kiosks)) in sites.iter().enumerate() {
        let text =
            format!("{name}\n   {} · {counters} officers · {kiosks} kiosks", kind_label(*kind));
        if ui.selectable_label(p.selected == Some(i), text).clicked() {
            p.selected = Some(i);
        }
    }
    ui.separator();
    if let Some(site) = p.selected {
        selected_site(ui, p, site);
        ui.separator();
    }
    candidate_site(ui, p);
    ui.separator();
    suggest_panel(ui, p);
    ui.separator();
    demand_and_policy(ui, p);
    ui.separator();
    files(ui, p);
}

fn selected_site(ui: &mut Ui, p: &mut Planner, site: usize) {
    let Some(s) = p.layout.raw().sites.get(site).cloned() else {
        return;
    };
    ui.label(RichText::new(&s.name).strong().size(15.0));
    ui.label(format!("{}, {} · {:.2}°N {:.2}°E", s.district, s.region, s.lat, s.lon));
    let yearly: f64 = s.demand.iter().map(|d| d.yearly).sum();
    ui.horizontal(|ui| {
        ui.label(format!("Demand {yearly:.0} requests a year"));
        let key = ui.make_persistent_id(("demand-factor", site, p.layout.revision()));
        let mut factor: f64 = ui.data_mut(|d| d.get_temp(key)).unwrap_or(1.0);
        ui.add(egui::DragValue::new(&mut factor).speed(0.01).range(0.05..=10.0).prefix("×"));
        if ui.add_enabled(factor != 1.0, egui::Button::new("Scale")).clicked() {
            p.edit(&Edit::ScaleDemand { site, factor });
        }
        ui.data_mut(|d| d.insert_temp(key, factor));
    });
    let kiosks: u32 = s.kiosks.iter().map(|k| k.count).sum();
    ui.horizontal(|ui| {
        ui.label(format!("Kiosks: {kiosks}"));
        if ui.button("+ add").on_hover_text("K").clicked() {
            p.edit(&Edit::AddKiosk { site });
        }
        if ui.button("− remove").on_hover_text("Shift+K").clicked() {
            p.edit(&Edit::RemoveKiosk { site });
        }
    });
    let names: Vec<String> = p
        .layout
        .raw()
        .sites
        .iter()
        .map(|x| card_label(x.kind, &x.district, &x.name).to_owned())
        .collect();
    ui.horizontal(|ui| {
        ui.label("Move one to");
        let id = ui.make_persistent_id("move-to");
        let mut to: usize = ui.data_mut(|d| *d.get_temp_mut_or(id, usize::MAX));
        egui::ComboBox::from_id_salt("move-target")
            .width(110.0)
            .selected_text(names.get(to).map_or("site…", String::as_str))
            .show_ui(ui, |ui| {
                for (i, n) in names.iter().enumerate().filter(|(i, _)| *i != site) {
                    ui.selectable_value(&mut to, i, n);
                }
            });
        ui.data_mut(|d| d.insert_temp(id, to));
        if ui.add_enabled(to < names.len(), egui::Button::new("Move")).clicked() {
            p.edit(&Edit::MoveKiosk { from: site, to });
        }
    });
    ui.label(
        RichText::new("…or drag from a site's kiosk row on the map to another site.")
            .color(palette::MUTED),
    );
    for (g, c) in s.counters.iter().enumerate() {
        ui.horizontal(|ui| {
            ui.label(format!("Officers ({}): {}", c.id, c.count));
            if ui.small_button("−").clicked() {
                p.edit(&Edit::SetOfficers { site, group: g, count: c.count.saturating_sub(1) });
            }
            if ui.small_button("+").clicked() {
                p.edit(&Edit::SetOfficers { site, group: g, count: c.count + 1 });
            }
        });
    }
    if s.counters.is_empty() {
        ui.label(RichText::new("No officer counters (self-service only).").color(palette::MUTED));
    }
    if s.kind != SiteKind::DistrictOffice && ui.button("Close this candidate site (Del)").clicked()
    {
        p.edit(&Edit::RemoveSite { site });
    }
    hours_editor(ui, p, site, &HoursText::of(&s.hours));
}

fn hours_editor(ui: &mut Ui, p: &mut Planner, site: usize, current: &HoursText) {
    let id = ui.make_persistent_id(("hours", site, p.layout.revision()));
    let mut h: HoursText = ui.data_mut(|d| d.get_temp(id)).unwrap_or_else(|| current.clone());
    egui::Grid::new("hours").num_columns(2).show(ui, |ui| {
        ui.label("Mon–Fri");
        ui.add(egui::TextEdit::singleline(&mut h.weekdays).desired_width(170.0));
        ui.end_row();
        ui.label("Saturday");
        ui.add(egui::TextEdit::singleline(&mut h.saturday).desired_width(170.0));
        ui.end_row();
        ui.label("Sunday");
        ui.add(egui::TextEdit::singleline(&mut h.sunday).desired_width(170.0).hint_text("closed"));
        ui.end_row();
    });
    let changed = h != *current;
    if ui.add_enabled(changed, egui::Button::new("Apply opening hours")).clicked() {
        p.edit(&Edit::SetHours { site, hours: h.clone() });
    }
    ui.data_mut(|d| d.insert_temp(id, h));
}

fn candidate_site(ui: &mut Ui, p: &mut Planner) {
    ui.label(RichText::new("New candidate site").strong());
    ui.horizontal(|ui| {
        for kind in CandidateKind::ALL {
            ui.selectable_value(&mut p.candidate_kind, kind, kind.label());
        }
    });
    ui.add(
        egui::Slider::new(&mut p.catchment_share, 0.0..=0.5)
            .text("of nearby kiosk demand")
            .custom_formatter(|v, _| format!("{:.0} %", v * 100.0)),
    );
    let label = if p.placing { "Click on the map… (Esc)" } else { "Place on the map (N)" };
    if ui.selectable_label(p.placing, label).clicked() {
        p.placing = !p.placing;
    }
}

fn demand_and_policy(ui: &mut Ui, p: &mut Planner) {
    ui.label(RichText::new("Kiosk adoption by segment (end of year)").strong());
    let segments: Vec<(String, f64)> = p
        .layout
        .scenario()
        .segments
        .iter()
        .map(|s| (s.id.clone(), s.kiosk_adoption.map_or(s.channel.kiosk, |a| a.1)))
        .collect();
    for (i, (id, share)) in segments.iter().enumerate() {
        let key = ui.make_persistent_id(("adoption", i, p.layout.revision()));
        let mut v: f64 = ui.data_mut(|d| d.get_temp(key)).unwrap_or(*share);
        let r = ui.add(
            egui::Slider::new(&mut v, 0.0..=0.95)
                .text(id)
                .custom_formatter(|v, _| format!("{:.0} %", v * 100.0)),
        );
        ui.data_mut(|d| d.insert_temp(key, v));
        if r.drag_stopped() || (r.changed() && !r.dragged()) {
            p.edit(&Edit::SetKioskShare { segment: i, share: v });
        }
    }
    face_id_and_routing(ui, p);
}

fn face_id_and_routing(ui: &mut Ui, p: &mut Planner) {
    ui.label(RichText::new("Face-ID threshold").strong());
    match p.layout.raw().face_id.as_ref().map(|f| f.target_fmr) {
        Some(current) => {
            let key = ui.make_persistent_id(("fmr", p.layout.revision()));
            let mut text: String =
                ui.data_mut(|d| d.get_temp(key)).unwrap_or_else(|| format!("{current:e}"));
            ui.horizontal(|ui| {
                ui.label("false-match rate");
                ui.add(egui::TextEdit::singleline(&mut text).desired_width(70.0));
                if ui.button("Apply").clicked() {
                    match text.trim().parse::<f64>() {
                        Ok(v) => {
                            p.edit(&Edit::SetFaceIdFmr { target_fmr: v });
                        }
                        Err(_) => p.reject(format!(
                            "Face-ID: expected a false-match rate such as 1e-6, found {text:?}"
                        )),
                    }
                }
            });
            ui.data_mut(|d| d.insert_temp(key, text));
            ui.label(
                RichText::new("Lower is stricter: fewer impostors matched, more people not.")
                    .small()
                    .color(palette::MUTED),
            );
        }
        None => {
            ui.label(
                RichText::new("This scenario has no Face-ID block (kiosk success rates decide).")
                    .color(palette::MUTED),
            );
        }
    }
    ui.label(RichText::new("The app's routing (least-loaded advice)").strong());
    let current = p.layout.raw().routing.clone();
    let key = ui.make_persistent_id(("routing", p.layout.revision()));
    let mut r: (bool, f64, f64, f64) = ui.data_mut(|d| d.get_temp(key)).unwrap_or_else(|| {
        current
            .as_ref()
            .map_or((false, 0.2, 15.0, 30.0), |r| (true, r.app_share, r.radius_km, r.km_per_hour))
    });
    ui.checkbox(&mut r.0, "on: some people follow the app to a less loaded unit");
    ui.add_enabled_ui(r.0, |ui| {
        egui::Grid::new("routing").num_columns(2).show(ui, |ui| {
            ui.label("share who follow");
            ui.add(egui::DragValue::new(&mut r.1).speed(0.01).max_decimals(2));
            ui.end_row();
            ui.label("radius, km");
            ui.add(egui::DragValue::new(&mut r.2).speed(0.5));
            ui.end_row();
            ui.label("travel, km/h");
            ui.add(egui::DragValue::new(&mut r.3).speed(0.5));
            ui.end_row();
        });
    });
    let wanted = r.0.then_some(navbat_scenario::RawRouting {
        app_share: r.1,
        radius_km: r.2,
        km_per_hour: r.3,
    });
    if ui.add_enabled(wanted != current, egui::Button::new("Apply routing")).clicked() {
        p.edit(&Edit::SetRouting { routing: wanted });
    }
    ui.data_mut(|d| d.insert_temp(key, r));
    if let Some(why) = &p.last_rejection {
        ui.label(RichText::new(why).color(wait_colour(WaitBand::Severe)));
    }
}

fn suggest_panel(ui: &mut Ui, p: &mut Planner) {
    ui.label(RichText::new("Suggest placement").strong());
    let currency = p.layout.raw().economics.as_ref().map_or("", |e| e.currency.as_str()).to_owned();
    let mut millions = p.suggest_budget / 1e6;
    ui.horizontal(|ui| {
        ui.label("budget");
        ui.add(egui::DragValue::new(&mut millions).speed(10.0).range(0.0..=1e9).max_decimals(0));
        ui.label(format!("million {currency}"));
    });
    p.suggest_budget = millions * 1e6;
    ui.horizontal(|ui| {
        ui.label("candidates");
        ui.add(
            egui::TextEdit::singleline(&mut p.suggest_candidates)
                .desired_width(190.0)
                .hint_text("the layout's sites"),
        );
    });
    match p.suggest.as_ref().map(|job| (job.progress(), job.cancelling())) {
        Some((done, cancelling)) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("{done} site replications simulated"));
                let label = if cancelling { "Cancelling…" } else { "Cancel" };
                if ui.add_enabled(!cancelling, egui::Button::new(label)).clicked() {
                    p.cancel_suggestion();
                }
            });
        }
        None => {
            if ui
                .button("Suggest placement (G)")
                .on_hover_text("The optimiser on the twin, in the background")
                .clicked()
            {
                p.start_suggestion();
            }
        }
    }
    let Some(s) = &p.suggestion else { return };
    let stale = s.revision != p.layout.revision();
    let b = s.benefit;
    let summary = s.summary();
    let benefit = format!(
        "benefit {:+.1} million {} a year, 95 % CI [{:+.1}, {:+.1}]",
        b.mean / 1e6,
        s.currency,
        b.ci95_low / 1e6,
        b.ci95_high / 1e6
    );
    let how = format!(
        "suggestion minus layout, paired over {} replications (each site simulated alone); \
         capital {:.0} → {:.0} million; {} plans evaluated",
        s.replications,
        s.layout_capital / 1e6,
        s.capital / 1e6,
        s.evaluations
    );
    ui.label(RichText::new(summary).color(palette::SELECT));
    ui.label(benefit);
    ui.label(RichText::new(how).small().color(palette::MUTED));
    ui.horizontal(|ui| {
        if ui.add_enabled(!stale, egui::Button::new("Apply")).clicked() {
            p.apply_suggestion();
        }
        if ui.button("Dismiss").clicked() {
            p.suggestion = None;
        }
        if stale {
            ui.label(RichText::new("layout edited since").color(palette::MUTED));
        }
    });
}

fn files(ui: &mut Ui, p: &mut Planner) {
    ui.label(RichText::new("Save and report").strong());
    ui.add(egui::TextEdit::singleline(&mut p.save_path).desired_width(300.0));
    ui.horizontal(|ui| {
        if ui.button("Save layout (Ctrl+S)").clicked()
            && let Err(e) = p.save()
        {
            p.say(e.to_string());
        }
        if ui.add_enabled(p.comparison.is_some(), egui::Button::new("Export comparison")).clicked()
            && let Err(e) = p.export_comparison()
        {
            p.say(e.to_string());
        }
    });
    ui.horizontal(|ui| {
        ui.label("report folder");
        ui.add(egui::TextEdit::singleline(&mut p.report_dir).desired_width(190.0));
    });
    ui.horizontal(|ui| match &p.report {
        Some(job) => {
            ui.spinner();
            ui.label(format!("writing {}…", job.out.display()));
        }
        None => {
            if ui
                .button("Export report")
                .on_hover_text("The full one-year evaluation of the layout (navbat run --report)")
                .clicked()
            {
                p.export_report();
            }
        }
    });
    ui.label(RichText::new("History").strong());
    let history: Vec<String> = p.layout.history().map(str::to_owned).collect();
    if history.is_empty() {
        ui.label(RichText::new("No edits yet.").color(palette::MUTED));
    }
    for h in history.iter().rev().take(8) {
        ui.label(RichText::new(format!("• {h}")).small());
    }
}

fn situation_centre(ui: &mut Ui, p: &mut Planner) {
    ui.heading("Situation Centre");
    ui.label(
        RichText::new(format!(
            "Live twin: replication 0, seed {} · sparklines: last 24 h, 30 days",
            p.seed
        ))
        .color(palette::MUTED),
    );
    ui.add(
        egui::Slider::new(&mut p.sla_target_min, 5.0..=120.0)
            .text("wait target (min)")
            .step_by(5.0),
    );
    let names: Vec<String> = p.layout.scenario().sites.iter().map(|s| s.name.clone()).collect();
    let readings = p.twin.readings().to_vec();
    for (i, r) in readings.iter().enumerate() {
        let name = names.get(i).map_or("?", String::as_str);
        site_row(ui, p, i, name, r);
    }
    ui.separator();
    comparison(ui, p);
}

fn site_row(ui: &mut Ui, p: &mut Planner, i: usize, name: &str, r: &SiteReading) {
    let selected = p.selected == Some(i);
    let frame = egui::Frame::NONE
        .fill(if selected { Color32::from_rgb(232, 241, 253) } else { Color32::TRANSPARENT })
        .stroke(Stroke::new(1.0, if selected { palette::SELECT } else { palette::OFF }))
        .corner_radius(CornerRadius::same(4))
        .inner_margin(egui::Margin::same(6));
    let resp = frame
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.label(RichText::new(name).strong());
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let sla = r.sla(p.sla_target_min);
                    ui.label(
                        RichText::new(sla.label())
                            .color(Color32::WHITE)
                            .background_color(sla_colour(sla)),
                    );
                    ui.label(if r.open { "open" } else { "closed" });
                });
            });
            let wait = wait_colour(WaitBand::of(r.longest_wait_min));
            ui.horizontal(|ui| {
                ui.label(RichText::new(format!("{:>3} waiting", r.waiting())).monospace().strong());
                ui.label(
                    RichText::new(format!(
                        "({} counter · {} kiosk)",
                        r.counter_waiting, r.kiosk_waiting
                    ))
                    .color(palette::MUTED),
                );
                ui.label(
                    RichText::new(format!("longest {:.0} min", r.longest_wait_min))
                        .color(wait)
                        .strong(),
                );
            });
            ui.horizontal(|ui| {
                let util = r
                    .officer_utilization()
                    .map_or("–".to_owned(), |u| format!("{:.0} %", u * 100.0));
                ui.label(format!(
                    "officers {}/{} busy ({util})",
                    r.officers_busy, r.officers_on_duty
                ));
                ui.label(format!(
                    "kiosks {}/{} busy, {} down",
                    r.kiosks_busy,
                    r.kiosks_up,
                    r.kiosks - r.kiosks_up
                ));
            });
            if let Some(h) = p.twin.history().sites.get(i) {
                ui.horizontal(|ui| {
                    sparkline(ui, "waiting 24 h", &h.waiting, palette::OFFICER, false);
                    sparkline(
                        ui,
                        "longest wait 24 h",
                        &h.longest_wait_min,
                        wait_colour(WaitBand::Long),
                        false,
                    );
                    sparkline(
                        ui,
                        "peak wait 30 d",
                        &h.daily_peak_wait_min,
                        wait_colour(WaitBand::Severe),
                        true,
                    );
                });
            }
            if let Some(c) = &p.comparison
                && let Some(site) = c.sites.get(i)
            {
                let a = &site.layout.abandoned;
                ui.label(
                    RichText::new(format!(
                        "abandoned {:.0} a year [{:.0}, {:.0}] · kiosk share {:.0} % (evaluation)",
                        a.mean,
                        a.ci95_low,
                        a.ci95_high,
                        site.layout.kiosk_share.mean * 100.0
                    ))
                    .color(palette::MUTED),
                );
            }
        })
        .response;
    if resp.interact(Sense::click()).clicked() {
        p.selected = Some(i);
    }
    ui.add_space(4.0);
}

/// A small chart of a series with its label and largest value.
fn sparkline(ui: &mut Ui, label: &str, s: &Sparkline, colour: Color32, bars: bool) {
    ui.vertical(|ui| {
        ui.label(
            RichText::new(format!("{label} · max {:.0}", s.max())).small().color(palette::MUTED),
        );
        let (rect, _) = ui.allocate_exact_size(vec2(128.0, 30.0), Sense::hover());
        let painter = ui.painter_at(rect);
        fill_rounded(&painter, rect, [2.0; 4], Color32::from_rgb(245, 246, 248));
        let max = s.max().max(1.0);
        let n = s.len().max(2) as f32;
        let point = |i: usize, v: f32| {
            pos2(
                rect.left() + rect.width() * i as f32 / (n - 1.0),
                rect.bottom() - rect.height() * v / max,
            )
        };
        if bars {
            let w = rect.width() / n;
            for (i, v) in s.values().enumerate() {
                let x = rect.left() + w * i as f32;
                let top = rect.bottom() - rect.height() * v / max;
                painter.rect_filled(
                    Rect::from_min_max(pos2(x + 0.5, top), pos2(x + w - 0.5, rect.bottom())),
                    0.0,
                    colour,
                );
            }
        } else {
            let pts: Vec<Pos2> = s.values().enumerate().map(|(i, v)| point(i, v)).collect();
            // Flat stretches (nights, quiet hours) become single segments.
            let pts = simplified_polyline(&pts, 0.25);
            if pts.len() > 1 {
                painter.add(Shape::line(pts, Stroke::new(1.5, colour)));
            }
        }
    });
}

fn comparison(ui: &mut Ui, p: &mut Planner) {
    ui.label(RichText::new("Layout vs saved baseline").strong());
    match &p.compare {
        Some(job) => {
            let (done, total) = job.progress();
            ui.add(
                egui::ProgressBar::new(done as f32 / total.max(1) as f32)
                    .text(format!("{done} of {total} replications")),
            );
        }
        None => {
            if ui
                .button(format!(
                    "Run {} replications of each (E)",
                    crate::planner::COMPARE_REPLICATIONS
                ))
                .clicked()
            {
                p.start_comparison();
            }
        }
    }
    let Some(c) = &p.comparison else {
        ui.label(
            RichText::new("Differences with 95 % intervals appear here.").color(palette::MUTED),
        );
        return;
    };
    ui.label(
        RichText::new(format!(
            "Change, layout minus baseline ({} paired replications)",
            c.replications
        ))
        .color(palette::MUTED),
    );
    egui::Grid::new("diff").striped(true).num_columns(4).show(ui, |ui| {
        for h in ["site", "mean wait (min)", "P90 wait (min)", "abandoned / year"] {
            ui.label(RichText::new(h).strong());
        }
        ui.end_row();
        for s in &c.sites {
            ui.label(&s.site);
            match &s.change {
                Some(ch) => {
                    for e in [ch.mean_wait_min, ch.p90_wait_min, ch.abandoned] {
                        let colour = if e.ci95_high < 0.0 {
                            wait_colour(WaitBand::Short)
                        } else if e.ci95_low > 0.0 {
                            wait_colour(WaitBand::Severe)
                        } else {
                            palette::MUTED
                        };
                        ui.label(
                            RichText::new(format!(
                                "{:+.1} [{:+.1}, {:+.1}]",
                                e.mean, e.ci95_low, e.ci95_high
                            ))
                            .color(colour),
                        );
                    }
                }
                None => {
                    ui.label(format!("new site: {:.1}", s.layout.mean_wait_min.mean));
                    ui.label(format!("{:.1}", s.layout.p90_wait_min.mean));
                    ui.label(format!("{:.0}", s.layout.abandoned.mean));
                }
            }
            ui.end_row();
        }
    });
}

/// Screen geometry of one site on the map.
struct SiteGlyph {
    point: Pos2,
    card: Rect,
    kiosk_row: Rect,
}

const CARD_SIZE: Vec2 = vec2(178.0, 74.0);
