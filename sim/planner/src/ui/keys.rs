//! The planner's keyboard shortcuts and the help overlay that lists them.

use super::*;

pub(super) fn shortcuts(ctx: &egui::Context, p: &mut Planner) {
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
    if pressed(Modifiers::NONE, Key::G) {
        p.start_suggestion();
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

pub(super) fn help_overlay(ctx: &egui::Context, p: &mut Planner) {
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
                    (
                        "G",
                        "suggest a placement within the budget (the optimiser, in the background)",
                    ),
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
