//! The planner's panels, drawn with egui every frame from [`Planner`]: the time bar, the
//! layout editor, the map and the Situation Centre.

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

fn shortcuts(ctx: &egui::Context, p: &mut Planner) {
    if ctx.egui_wants_keyboard_input() {
        return;
    }
    let pressed = |m: Modifiers, k: Key| ctx.input_mut(|i| i.consume_key(m, k));
    if pressed(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z) || pressed(Modifiers::COMMAND, Key::Y)
    {
        p.redo();
    }
    if pressed(Modifiers::COMMAND, Key::Z) {
        p.undo();
    }
    if pressed(Modifiers::COMMAND, Key::S)
        && let Err(e) = p.save()
    {
        p.say(e.to_string());
    }
    if pressed(Modifiers::NONE, Key::Space) {
        p.clock.paused = !p.clock.paused;
    }
    if pressed(Modifiers::NONE, Key::Period) {
        p.step_quarter_hour();
    }
    if pressed(Modifiers::NONE, Key::Plus) || pressed(Modifiers::NONE, Key::Equals) {
        p.clock.faster();
    }
    if pressed(Modifiers::NONE, Key::Minus) {
        p.clock.slower();
    }
    let digits = [
        Key::Num1,
        Key::Num2,
        Key::Num3,
        Key::Num4,
        Key::Num5,
        Key::Num6,
        Key::Num7,
        Key::Num8,
        Key::Num9,
    ];
    for (i, k) in digits.into_iter().enumerate() {
        if pressed(Modifiers::NONE, k) {
            p.clock.set_speed_index(i);
        }
    }
    if pressed(Modifiers::SHIFT, Key::K) {
        if let Some(site) = p.selected {
            p.edit(&Edit::RemoveKiosk { site });
        }
    } else if pressed(Modifiers::NONE, Key::K)
        && let Some(site) = p.selected
    {
        p.edit(&Edit::AddKiosk { site });
    }
    if pressed(Modifiers::NONE, Key::Delete)
        && let Some(site) = p.selected
    {
        p.edit(&Edit::RemoveSite { site });
    }
    if pressed(Modifiers::NONE, Key::N) {
        p.placing = !p.placing;
    }
    if pressed(Modifiers::NONE, Key::E) {
        p.start_comparison();
    }
    if pressed(Modifiers::NONE, Key::R) {
        p.view = crate::map::MapView::default();
    }
    if pressed(Modifiers::NONE, Key::F1) || pressed(Modifiers::NONE, Key::H) {
        p.help_open = !p.help_open;
    }
    if pressed(Modifiers::NONE, Key::Escape) {
        p.placing = false;
        p.help_open = false;
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
    ui.label(format!("Demand {yearly:.0} requests a year"));
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
    ui.label(
        RichText::new(
            "Face-ID match threshold and the app's routing policy appear here once the engine \
             reads them from the scenario.",
        )
        .color(palette::MUTED),
    );
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
        if ui.add_enabled(p.comparison.is_some(), egui::Button::new("Export report")).clicked()
            && let Err(e) = p.export_report()
        {
            p.say(e.to_string());
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

/// Places each site's card beside its point: the first of a ring of candidate offsets that
/// stays inside the map and clear of the cards and points already placed.
fn glyphs(p: &Planner, rect: Rect) -> Vec<SiteGlyph> {
    let points: Vec<Pos2> =
        p.layout.scenario().sites.iter().map(|s| p.view.project(rect, s.lat, s.lon)).collect();
    let (w, h) = (CARD_SIZE.x, CARD_SIZE.y);
    let mut offsets = Vec::new();
    for step in 0..4 {
        let dy = step as f32 * (h + 6.0);
        for (x, y) in [
            (14.0, -h / 2.0 + dy),
            (-14.0 - w, -h / 2.0 + dy),
            (14.0, -h / 2.0 - dy),
            (-14.0 - w, -h / 2.0 - dy),
        ] {
            offsets.push(vec2(x, y));
        }
    }
    offsets.extend([vec2(-w / 2.0, 14.0), vec2(-w / 2.0, -14.0 - h)]);
    let inner = rect.shrink(4.0);
    let mut placed: Vec<Rect> = Vec::new();
    let mut glyphs = Vec::new();
    for (i, &point) in points.iter().enumerate() {
        let free = |card: &Rect| {
            inner.contains_rect(*card)
                && placed.iter().all(|c| !c.expand(3.0).intersects(*card))
                && points.iter().enumerate().all(|(j, q)| j == i || !card.expand(6.0).contains(*q))
        };
        let card = offsets
            .iter()
            .map(|o| Rect::from_min_size(point + *o, CARD_SIZE))
            .find(|c| free(c))
            .unwrap_or_else(|| Rect::from_min_size(point + offsets[0], CARD_SIZE));
        placed.push(card);
        let kiosk_row = Rect::from_min_size(card.min + vec2(6.0, 36.0), vec2(w - 12.0, 12.0));
        glyphs.push(SiteGlyph { point, card, kiosk_row });
    }
    glyphs
}

fn map(ui: &mut Ui, p: &mut Planner) {
    let rect = ui.available_rect_before_wrap();
    let response = ui.allocate_rect(rect, Sense::click_and_drag());
    let painter = ui.painter_at(rect);
    painter.rect_stroke(rect, 0.0, Stroke::new(1.0, palette::OFF), StrokeKind::Inside);
    base_map(&painter, p, rect);
    let glyphs = glyphs(p, rect);
    catchments(&painter, p, rect);
    let points: Vec<Pos2> = glyphs.iter().map(|g| g.point).collect();
    for (i, g) in glyphs.iter().enumerate() {
        site_card(&painter, p, i, g);
    }
    map_interaction(ui, p, rect, &response, &glyphs, &points);
    legend(&painter, p, rect);
    if p.placing {
        painter.text(
            rect.center_top() + vec2(0.0, 14.0),
            Align2::CENTER_TOP,
            format!("Click where the candidate {} opens · Esc to cancel", p.candidate_kind.label()),
            FontId::proportional(15.0),
            palette::SELECT,
        );
    }
}

/// Shortest screen step kept when drawing the base map's outlines, pixels.
const OUTLINE_STEP_PX: f32 = 1.5;

/// How far from the drawn line a dropped outline point may lie, pixels: under a pixel is
/// under the outline's own width, and every point kept costs a software renderer four to
/// six thin triangles.
const OUTLINE_TOLERANCE_PX: f32 = 0.5;

fn base_map(painter: &egui::Painter, p: &Planner, rect: Rect) {
    // Graticule every 2 degrees: half-pixel lines, drawn as one-pixel quads at half opacity
    // on whole pixels (two triangles each, no anti-aliasing fringe to shade).
    let ppp = painter.ctx().pixels_per_point();
    let mut grid = egui::Mesh::default();
    let grid_colour = palette::GRID.gamma_multiply(0.5);
    for lon in (50..=78).step_by(2) {
        let a = p.view.project(rect, 35.0, f64::from(lon));
        let b = p.view.project(rect, 48.0, f64::from(lon));
        let x = (a.x * ppp).floor() / ppp;
        grid.add_colored_rect(Rect::from_x_y_ranges(x..=x + 1.0 / ppp, b.y..=a.y), grid_colour);
        painter.text(
            pos2(a.x + 2.0, rect.bottom() - 4.0),
            Align2::LEFT_BOTTOM,
            format!("{lon}°E"),
            FontId::proportional(10.0),
            palette::MUTED,
        );
    }
    for lat in (36..=47).step_by(2) {
        let a = p.view.project(rect, f64::from(lat), 50.0);
        let b = p.view.project(rect, f64::from(lat), 78.0);
        let y = (a.y * ppp).floor() / ppp;
        grid.add_colored_rect(Rect::from_x_y_ranges(a.x..=b.x, y..=y + 1.0 / ppp), grid_colour);
        painter.text(
            pos2(rect.left() + 4.0, a.y - 2.0),
            Align2::LEFT_BOTTOM,
            format!("{lat}°N"),
            FontId::proportional(10.0),
            palette::MUTED,
        );
    }
    painter.add(Shape::mesh(grid));
    // Outlines are thinned to a vertex per 1.5 px of screen: Natural Earth 1:50m has several
    // points a pixel at the country-wide zoom, and each one costs a software renderer
    // triangles to set up without changing a pixel.
    let project = |q: &[f64; 2]| p.view.project(rect, q[1], q[0]);
    for border in &p.base_map.borders {
        let pts = simplified_polyline(
            &thinned_polyline(border, OUTLINE_STEP_PX, project),
            OUTLINE_TOLERANCE_PX,
        );
        painter.add(Shape::line(pts, Stroke::new(0.8, palette::NEIGHBOUR_BORDER)));
    }
    for crate::map::CountryRing { outline: ring, triangles: tris } in &p.base_map.country {
        let mut mesh = egui::Mesh::default();
        for q in ring {
            mesh.colored_vertex(p.view.project(rect, q[1], q[0]), palette::LAND);
        }
        for t in tris {
            mesh.add_triangle(t[0], t[1], t[2]);
        }
        painter.add(Shape::mesh(mesh));
        let mut pts = simplified_polyline(
            &thinned_polyline(ring, OUTLINE_STEP_PX, project),
            OUTLINE_TOLERANCE_PX,
        );
        if let Some(first) = pts.first().copied() {
            pts.push(first);
        }
        painter.add(Shape::line(pts, Stroke::new(1.4, palette::COUNTRY_BORDER)));
    }
    let label = p.view.project(rect, 41.6, 63.8);
    painter.text(
        label,
        Align2::CENTER_CENTER,
        "U Z B E K I S T A N",
        FontId::proportional(16.0),
        Color32::from_rgb(190, 186, 174),
    );
}

/// Demand zones: a disc per site whose area grows with its yearly demand.
///
/// Each zone — the disc, its inner core and its rim, in one colour — is one coverage sprite
/// drawn as one textured quad: see [`crate::sprites`] for why egui's own circles are not
/// used here.
fn catchments(painter: &egui::Painter, p: &Planner, rect: Rect) {
    let km_per_px = p.view.km_per_px(rect);
    let ppp = painter.ctx().pixels_per_point();
    for s in &p.layout.scenario().sites {
        let yearly: f64 = s.demand.iter().map(|d| d.yearly).sum();
        if yearly <= 0.0 {
            continue;
        }
        // 40 km radius per 10,000 requests a year, by area.
        let radius_km = 40.0 * (yearly / 10_000.0).sqrt();
        let r = (radius_km / km_per_px) as f32;
        // Centred on a pixel corner, so the sprite's texels fall on whole pixels.
        let centre = (p.view.project(rect, s.lat, s.lon) * ppp).round() / ppp;
        let texture = zone_sprite(painter.ctx(), r * ppp, ppp);
        painter.image(
            texture.id(),
            Rect::from_center_size(centre, texture.size_vec2() / ppp),
            Rect::from_min_max(Pos2::ZERO, pos2(1.0, 1.0)),
            palette::ZONE,
        );
    }
}

/// Demand-zone sprites uploaded so far, by radius in quarter pixels; cleared when it grows
/// past [`SPRITE_CACHE_MAX`] (each zoom step makes new sizes).
#[derive(Clone, Default)]
struct SpriteCache(std::collections::BTreeMap<u32, egui::TextureHandle>);

const SPRITE_CACHE_MAX: usize = 64;

/// The demand zone of `radius_px` physical pixels: a disc at 14 % opacity, a core of 0.6 of
/// its radius at 12 % more and a 0.8-point rim at 40 %.
fn zone_sprite(ctx: &egui::Context, radius_px: f32, ppp: f32) -> egui::TextureHandle {
    use crate::sprites::{Shape, concentric};
    let key = (radius_px.max(0.0) * 4.0).round() as u32;
    let id = egui::Id::new("navbat-planner-zone-sprites");
    if let Some(t) =
        ctx.data(|d| d.get_temp::<SpriteCache>(id).and_then(|c| c.0.get(&key).cloned()))
    {
        return t;
    }
    let r = key as f32 / 4.0;
    let coverage = concentric(&[
        (Shape::Disc(r), 36.0 / 255.0),
        (Shape::Disc(0.6 * r), 30.0 / 255.0),
        (Shape::Ring(r, 0.8 * ppp), 0.4),
    ]);
    // White texels with coverage in alpha (premultiplied), as in egui's font atlas.
    let pixels = coverage.alpha.iter().map(|&a| Color32::from_white_alpha(a)).collect();
    let image = egui::ColorImage::new([coverage.side, coverage.side], pixels);
    let texture =
        ctx.load_texture(format!("navbat-zone-{key}"), image, egui::TextureOptions::LINEAR);
    ctx.data_mut(|d| {
        let cache = d.get_temp_mut_or_default::<SpriteCache>(id);
        if cache.0.len() >= SPRITE_CACHE_MAX {
            cache.0.clear();
        }
        cache.0.insert(key, texture.clone());
    });
    texture
}

fn site_card(painter: &egui::Painter, p: &Planner, i: usize, g: &SiteGlyph) {
    let scenario = p.layout.scenario();
    let Some(site) = scenario.sites.get(i) else {
        return;
    };
    let reading = p.twin.readings().get(i).copied().unwrap_or_default();
    let band = WaitBand::of(reading.longest_wait_min);
    let selected = p.selected == Some(i);
    // The site's point.
    let marker =
        if site.kind == SiteKind::DistrictOffice { palette::OFFICER } else { palette::KIOSK };
    let anchor = pos2(
        g.point.x.clamp(g.card.left(), g.card.right()),
        g.point.y.clamp(g.card.top(), g.card.bottom()),
    );
    painter.line_segment([g.point, anchor], Stroke::new(1.0, palette::MUTED));
    painter.circle_filled(g.point, 6.0, marker);
    painter.circle_stroke(g.point, 6.0, Stroke::new(2.0, Color32::WHITE));
    if selected {
        painter.circle_stroke(g.point, 11.0, Stroke::new(2.0, palette::SELECT));
    }
    // The card.
    fill_rounded(
        painter,
        g.card.translate(vec2(1.5, 2.0)),
        [5.0; 4],
        Color32::from_black_alpha(40),
    );
    fill_rounded(painter, g.card, [5.0; 4], palette::CARD);
    let border = if selected {
        Stroke::new(2.0, palette::SELECT)
    } else {
        Stroke::new(1.0, wait_colour(band))
    };
    painter.rect_stroke(g.card, 5.0, border, StrokeKind::Inside);
    fill_rounded(
        painter,
        Rect::from_min_size(g.card.min, vec2(5.0, g.card.height())),
        [5.0, 0.0, 0.0, 5.0],
        wait_colour(band),
    );
    let x = g.card.left() + 10.0;
    painter.text(
        pos2(x, g.card.top() + 4.0),
        Align2::LEFT_TOP,
        card_label(site.kind, &site.district, &site.name),
        FontId::proportional(13.5),
        palette::INK,
    );
    let open = if reading.open { "open" } else { "closed" };
    painter.text(
        pos2(g.card.right() - 6.0, g.card.top() + 5.0),
        Align2::RIGHT_TOP,
        open,
        FontId::proportional(10.5),
        palette::MUTED,
    );
    // Officer counters: filled = serving, outlined = on duty, grey = off duty.
    let floor = p.twin.simulation().floors();
    let f = floor.get(i);
    let mut cx = x;
    let cy = g.card.top() + 23.0;
    if let Some(f) = f {
        for c in &f.counters {
            let r = Rect::from_min_size(pos2(cx, cy), vec2(9.0, 9.0));
            if c.serving.is_some() {
                painter.rect_filled(r, 1.5, palette::OFFICER);
            } else if c.on_duty {
                painter.rect_stroke(r, 1.5, Stroke::new(1.5, palette::OFFICER), StrokeKind::Inside);
            } else {
                painter.rect_filled(r, 1.5, palette::OFF);
            }
            cx += 12.0;
        }
        // Kiosks: filled = in a session, outlined = free, red = broken.
        let mut kx = g.kiosk_row.left() + 4.0;
        for k in &f.kiosks {
            let centre = pos2(kx + 4.5, g.kiosk_row.center().y);
            if !k.up {
                painter.circle_filled(centre, 4.5, palette::DOWN);
            } else if k.serving.is_some() {
                painter.circle_filled(centre, 4.5, palette::KIOSK);
            } else {
                painter.circle_stroke(centre, 4.0, Stroke::new(1.5, palette::KIOSK));
            }
            kx += 12.0;
        }
    }
    painter.text(
        pos2(g.card.right() - 6.0, cy - 1.0),
        Align2::RIGHT_TOP,
        "officers",
        FontId::proportional(9.5),
        palette::MUTED,
    );
    painter.text(
        pos2(g.card.right() - 6.0, g.kiosk_row.top()),
        Align2::RIGHT_TOP,
        "kiosks",
        FontId::proportional(9.5),
        palette::MUTED,
    );
    // The queue: one dot per waiting person, coloured by how long they have waited.
    let qy = g.card.bottom() - 12.0;
    let mut waits: Vec<f64> = f
        .map(|f| {
            f.people
                .iter()
                .filter(|a| a.at != Whereabouts::InService)
                .map(|a| p.twin.now().minutes_since(a.queued_at))
                .collect()
        })
        .unwrap_or_default();
    waits.sort_by(|a, b| b.total_cmp(a));
    // Up to 14 dots, longest wait first; the count beside them says how many in all.
    for (j, w) in waits.iter().take(14).enumerate() {
        painter.circle_filled(
            pos2(x + 3.0 + j as f32 * 6.0, qy),
            2.6,
            wait_colour(WaitBand::of(*w)),
        );
    }
    let text = if waits.is_empty() {
        "no queue".to_owned()
    } else {
        format!("{} · {:.0} min", waits.len(), reading.longest_wait_min)
    };
    painter.text(
        pos2(g.card.right() - 6.0, qy),
        Align2::RIGHT_CENTER,
        text,
        FontId::proportional(11.0),
        wait_colour(band),
    );
}

fn map_interaction(
    ui: &mut Ui,
    p: &mut Planner,
    rect: Rect,
    response: &egui::Response,
    glyphs: &[SiteGlyph],
    points: &[Pos2],
) {
    let under = |pos: Pos2| {
        hit(points, pos, 12.0).or_else(|| glyphs.iter().position(|g| g.card.contains(pos)))
    };
    let drag_id = ui.make_persistent_id("kiosk-drag");
    let mut dragging: Option<usize> = ui.data_mut(|d| d.get_temp(drag_id));
    // Where the button went down: egui reports a drag only after the pointer has moved.
    if response.drag_started()
        && let Some(pos) = ui.input(|i| i.pointer.press_origin())
    {
        dragging = glyphs.iter().position(|g| g.kiosk_row.contains(pos));
    }
    if let Some(from) = dragging {
        if let Some(pos) = ui.ctx().pointer_latest_pos() {
            let painter = ui.painter_at(rect);
            painter.line_segment(
                [glyphs[from].kiosk_row.center(), pos],
                Stroke::new(2.0, palette::KIOSK),
            );
            painter.circle_filled(pos, 6.0, palette::KIOSK);
            painter.text(
                pos + vec2(10.0, 0.0),
                Align2::LEFT_CENTER,
                "move a kiosk here",
                FontId::proportional(12.0),
                palette::KIOSK,
            );
        }
        if response.drag_stopped() {
            if let Some(to) = response.interact_pointer_pos().and_then(under)
                && to != from
            {
                p.edit(&Edit::MoveKiosk { from, to });
            }
            dragging = None;
        }
    } else if response.dragged() {
        p.view.pan(rect, -response.drag_delta());
    }
    ui.data_mut(|d| match dragging {
        Some(v) => {
            d.insert_temp(drag_id, v);
        }
        None => d.remove::<usize>(drag_id),
    });
    if response.clicked()
        && let Some(pos) = response.interact_pointer_pos()
    {
        match under(pos) {
            Some(i) if !p.placing => p.selected = Some(i),
            _ if p.placing => {
                let (lat, lon) = p.view.unproject(rect, pos);
                p.place_candidate(lat, lon);
            }
            _ => {}
        }
    }
    if response.hovered() {
        let scroll = ui.input(|i| i.smooth_scroll_delta().y);
        if scroll != 0.0
            && let Some(pos) = response.hover_pos()
        {
            p.view.zoom_at(rect, pos, f64::from((scroll / 200.0).exp()));
        }
    }
}

fn legend(painter: &egui::Painter, p: &Planner, rect: Rect) {
    let box_rect = Rect::from_min_size(rect.left_bottom() + vec2(10.0, -118.0), vec2(275.0, 96.0));
    fill_rounded(painter, box_rect, [4.0; 4], Color32::from_white_alpha(230));
    painter.rect_stroke(box_rect, 4.0, Stroke::new(1.0, palette::OFF), StrokeKind::Inside);
    let mut y = box_rect.top() + 8.0;
    let x = box_rect.left() + 10.0;
    painter.text(
        pos2(x, y),
        Align2::LEFT_TOP,
        "Longest wait now",
        FontId::proportional(11.5),
        palette::INK,
    );
    y += 16.0;
    let mut lx = x;
    for (band, label) in [
        (WaitBand::Short, "<15"),
        (WaitBand::Moderate, "15–30"),
        (WaitBand::Long, "30–60"),
        (WaitBand::Severe, ">60 min"),
    ] {
        painter.circle_filled(pos2(lx + 4.0, y + 6.0), 4.5, wait_colour(band));
        let r = painter.text(
            pos2(lx + 12.0, y),
            Align2::LEFT_TOP,
            label,
            FontId::proportional(11.0),
            palette::INK,
        );
        lx = r.right() + 12.0;
    }
    y += 18.0;
    painter.circle_filled(
        pos2(x + 4.0, y + 6.0),
        5.0,
        Color32::from_rgba_unmultiplied(90, 120, 200, 70),
    );
    painter.text(
        pos2(x + 14.0, y),
        Align2::LEFT_TOP,
        "demand zone: area grows with requests a year",
        FontId::proportional(11.0),
        palette::INK,
    );
    y += 18.0;
    painter.rect_filled(
        Rect::from_min_size(pos2(x, y + 2.0), vec2(8.0, 8.0)),
        1.5,
        palette::OFFICER,
    );
    painter.text(
        pos2(x + 14.0, y),
        Align2::LEFT_TOP,
        "officer serving",
        FontId::proportional(11.0),
        palette::INK,
    );
    painter.circle_filled(pos2(x + 118.0, y + 6.0), 4.5, palette::KIOSK);
    painter.text(
        pos2(x + 128.0, y),
        Align2::LEFT_TOP,
        "kiosk in use",
        FontId::proportional(11.0),
        palette::INK,
    );
    // Scale bar: 200 km.
    let px = (200.0 / p.view.km_per_px(rect)) as f32;
    let a = pos2(rect.right() - 20.0 - px, rect.bottom() - 24.0);
    let b = pos2(rect.right() - 20.0, rect.bottom() - 24.0);
    painter.line_segment([a, b], Stroke::new(2.0, palette::INK));
    painter.line_segment([a, a - vec2(0.0, 5.0)], Stroke::new(2.0, palette::INK));
    painter.line_segment([b, b - vec2(0.0, 5.0)], Stroke::new(2.0, palette::INK));
    painter.text(
        pos2((a.x + b.x) / 2.0, a.y - 4.0),
        Align2::CENTER_BOTTOM,
        "200 km",
        FontId::proportional(11.0),
        palette::INK,
    );
    painter.text(
        rect.right_top() + vec2(-8.0, 6.0),
        Align2::RIGHT_TOP,
        "Boundaries: Natural Earth 1:50m (public domain)",
        FontId::proportional(9.5),
        palette::MUTED,
    );
}

fn help_overlay(ctx: &egui::Context, p: &mut Planner) {
    let mut open = p.help_open;
    egui::Window::new("Keyboard shortcuts")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(Align2::CENTER_CENTER, Vec2::ZERO)
        .show(ctx, |ui| {
            egui::Grid::new("keys").num_columns(2).striped(true).show(ui, |ui| {
                for (k, what) in [
                    ("Space", "play / pause"),
                    (".", "step 15 simulated minutes"),
                    ("+ / −", "faster / slower"),
                    ("1 … 9", "speed ×1, ×10, ×60, ×100, ×600, ×1,000, ×3,600, ×10,000, ×100,000"),
                    ("K / Shift+K", "add / remove a kiosk at the selected site"),
                    ("drag kiosks", "move a kiosk to another site (drag from the kiosk row)"),
                    ("N", "place a candidate site (then click the map)"),
                    ("Delete", "close the selected candidate site (its demand goes back)"),
                    ("Ctrl+Z / Ctrl+Y", "undo / redo"),
                    ("Ctrl+S", "save the layout (it becomes the baseline)"),
                    ("E", "compare the layout with the baseline (20 replications each)"),
                    ("wheel / drag", "zoom / pan the map;  R resets the view"),
                    ("Jump to", "type 2026-06-15 or 2026-06-15 10:30 in the top bar, Enter"),
                    ("F1 or H", "this help;  Esc closes it"),
                ] {
                    ui.label(RichText::new(k).monospace().strong());
                    ui.label(what);
                    ui.end_row();
                }
            });
            ui.separator();
            ui.label(
                "Edits restart the live twin from the start of the horizon and re-run it to the \
                 date it had reached, so what you see is always the edited layout.",
            );
        });
    p.help_open = open;
}

/// A site's short label: an office by its district; a mall, leisure centre or tourist zone
/// by its own name (several can share a district), without a trailing " station".
fn card_label<'a>(kind: SiteKind, district: &'a str, name: &'a str) -> &'a str {
    match kind {
        SiteKind::DistrictOffice => district,
        _ => name.strip_suffix(" station").unwrap_or(name),
    }
}
