//! The planner's map: the base map, demand zones, site cards with their queues, the legend,
//! and what a click or a drag on the map does.

use super::*;

/// Places each site's card beside its point with [`crate::labels::place_cards`]: no card on
/// another, none on another site's point, each as near its own as the others allow.
/// The placement is kept between frames while the sites' points and the map stay put.
pub(super) fn glyphs(ctx: &egui::Context, p: &Planner, rect: Rect) -> Vec<SiteGlyph> {
    let points: Vec<Pos2> =
        p.layout.scenario().sites.iter().map(|s| p.view.project(rect, s.lat, s.lon)).collect();
    let id = egui::Id::new("navbat-planner-cards");
    let memo: Option<(Vec<Pos2>, Rect, Vec<Rect>)> = ctx.data(|d| d.get_temp(id));
    let cards = match memo {
        Some((pts, r, cards)) if pts == points && r == rect => cards,
        _ => {
            let cards = crate::labels::place_cards(&points, CARD_SIZE, rect.shrink(4.0));
            ctx.data_mut(|d| d.insert_temp(id, (points.clone(), rect, cards.clone())));
            cards
        }
    };
    points
        .into_iter()
        .zip(cards)
        .map(|(point, card)| {
            let kiosk_row =
                Rect::from_min_size(card.min + vec2(6.0, 36.0), vec2(CARD_SIZE.x - 12.0, 12.0));
            SiteGlyph { point, card, kiosk_row }
        })
        .collect()
}

pub(super) fn map(ui: &mut Ui, p: &mut Planner) {
    let rect = ui.available_rect_before_wrap();
    let response = ui.allocate_rect(rect, Sense::click_and_drag());
    let painter = ui.painter_at(rect);
    painter.rect_stroke(rect, 0.0, Stroke::new(1.0, palette::OFF), StrokeKind::Inside);
    base_map(&painter, p, rect);
    let glyphs = glyphs(ui.ctx(), p, rect);
    catchments(&painter, p, rect);
    let points: Vec<Pos2> = glyphs.iter().map(|g| g.point).collect();
    for (i, g) in glyphs.iter().enumerate() {
        site_card(&painter, p, i, g);
    }
    suggestion_diff(&painter, p, rect, &glyphs);
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

/// The shown suggestion as a change on the map: each changed site ringed, its change on a
/// badge above its card (cards stay apart where sites crowd), kiosks moved as arrows from the
/// cards of the sites that give them to those that take them, new stations as dashed rings.
fn suggestion_diff(painter: &egui::Painter, p: &Planner, rect: Rect, glyphs: &[SiteGlyph]) {
    let Some(s) = &p.suggestion else { return };
    const GAIN: Color32 = Color32::from_rgb(20, 150, 70);
    const LOSS: Color32 = Color32::from_rgb(200, 60, 40);
    let sites = &p.layout.scenario().sites;
    let card = |c: &crate::suggest::SiteChange| {
        sites.iter().position(|x| x.id == c.id).and_then(|i| glyphs.get(i)).map(|g| g.card)
    };
    // Where a change is shown: its site's card, or its point for a new station.
    let at = |c: &crate::suggest::SiteChange| {
        card(c).map_or_else(|| p.view.project(rect, c.lat, c.lon), |r| r.center())
    };
    let point = |c: &crate::suggest::SiteChange| p.view.project(rect, c.lat, c.lon);
    // Arrows: donors' kiosks to receivers, largest first, as a transport plan.
    let mut give: Vec<(Pos2, u32)> = s
        .changes
        .iter()
        .filter(|c| c.kiosks_before > c.kiosks_after)
        .map(|c| (at(c), c.kiosks_before - c.kiosks_after))
        .collect();
    let mut take: Vec<(Pos2, u32)> = s
        .changes
        .iter()
        .filter(|c| c.kiosks_after > c.kiosks_before)
        .map(|c| (at(c), c.kiosks_after - c.kiosks_before))
        .collect();
    let (mut i, mut j) = (0, 0);
    while i < give.len() && j < take.len() {
        let n = give[i].1.min(take[j].1);
        let (a, b) = (give[i].0, take[j].0);
        if a.distance(b) > 16.0 {
            let stroke = Stroke::new(2.5, palette::SELECT);
            let dir = (b - a).normalized();
            // From the edge of the giving card to the edge of the taking one (a card's half
            // size along the direction; a new station's point has none).
            let half = |v: Pos2| {
                s.changes.iter().find(|c| at(c) == v).and_then(card).map_or(0.0, |r| {
                    (r.width() / 2.0 / dir.x.abs().max(1e-3))
                        .min(r.height() / 2.0 / dir.y.abs().max(1e-3))
                })
            };
            let (from, to) = (a + dir * (half(a) + 4.0), b - dir * (half(b) + 6.0));
            painter.line_segment([from, to], stroke);
            let side = vec2(-dir.y, dir.x) * 5.0;
            painter.add(Shape::convex_polygon(
                vec![to, to - dir * 10.0 + side, to - dir * 10.0 - side],
                palette::SELECT,
                Stroke::NONE,
            ));
            painter.text(
                from.lerp(to, 0.5) + side * 2.0,
                Align2::CENTER_CENTER,
                format!("{n} kiosk{}", if n == 1 { "" } else { "s" }),
                FontId::proportional(11.0),
                palette::SELECT,
            );
        }
        give[i].1 -= n;
        take[j].1 -= n;
        if give[i].1 == 0 {
            i += 1;
        }
        if take[j].1 == 0 {
            j += 1;
        }
    }
    for c in &s.changes {
        let q = point(c);
        let delta = i64::from(c.kiosks_after) - i64::from(c.kiosks_before);
        let colour = if delta >= 0 { GAIN } else { LOSS };
        if c.new_site {
            // Dashed ring: a station the layout does not have.
            let r = 13.0;
            for k in 0..12 {
                let a0 = k as f32 * std::f32::consts::TAU / 12.0;
                let a1 = a0 + std::f32::consts::TAU / 24.0;
                painter.line_segment(
                    [q + vec2(a0.cos(), a0.sin()) * r, q + vec2(a1.cos(), a1.sin()) * r],
                    Stroke::new(2.5, GAIN),
                );
            }
            painter.circle_filled(q, 5.0, GAIN);
        } else {
            painter.circle_stroke(q, 14.0, Stroke::new(2.5, colour));
        }
        let assistants = i64::from(c.assistants_after) - i64::from(c.assistants_before);
        let mut text = if c.new_site {
            format!("new: {} kiosks", c.kiosks_after)
        } else if delta != 0 {
            format!("{delta:+} kiosks, {} in all", c.kiosks_after)
        } else {
            String::new()
        };
        if assistants != 0 {
            if !text.is_empty() {
                text.push_str(", ");
            }
            text.push_str(&format!("{assistants:+} assistant"));
        }
        let galley = painter.layout_no_wrap(text, FontId::proportional(11.5), Color32::WHITE);
        let badge = match card(c) {
            Some(r) => {
                painter.rect_stroke(
                    r.expand(2.0),
                    6.0,
                    Stroke::new(2.5, colour),
                    StrokeKind::Outside,
                );
                Rect::from_min_size(
                    r.left_top() + vec2(8.0, -galley.size().y - 6.0),
                    galley.size() + vec2(8.0, 4.0),
                )
            }
            None => Rect::from_min_size(
                q + vec2(-galley.size().x / 2.0 - 4.0, 17.0),
                galley.size() + vec2(8.0, 4.0),
            ),
        };
        fill_rounded(painter, badge, [3.0; 4], colour);
        painter.galley(badge.min + vec2(4.0, 2.0), galley, Color32::WHITE);
    }
    let b = &s.benefit;
    let title = if s.revision == p.layout.revision() {
        format!(
            "Suggestion: {} · {:+.1} million {} a year [{:+.1}, {:+.1}] against the layout",
            s.summary(),
            b.mean / 1e6,
            s.currency,
            b.ci95_low / 1e6,
            b.ci95_high / 1e6
        )
    } else {
        "Suggestion for an earlier layout: suggest again".to_owned()
    };
    let galley = painter.layout_no_wrap(title, FontId::proportional(13.0), palette::INK);
    let banner = Rect::from_min_size(
        rect.center_top() + vec2(-galley.size().x / 2.0 - 8.0, 34.0),
        galley.size() + vec2(16.0, 10.0),
    );
    fill_rounded(painter, banner, [4.0; 4], Color32::from_rgb(232, 241, 253));
    painter.rect_stroke(banner, 4.0, Stroke::new(1.0, palette::SELECT), StrokeKind::Inside);
    painter.galley(banner.min + vec2(8.0, 5.0), galley, palette::INK);
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
    let anchor = crate::labels::leader_anchor(g.point, g.card);
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

/// A site's short label: an office by its district; a mall, leisure centre or tourist zone
/// by its own name (several can share a district), without a trailing " station".
pub(super) fn card_label<'a>(kind: SiteKind, district: &'a str, name: &'a str) -> &'a str {
    match kind {
        SiteKind::DistrictOffice => district,
        _ => name.strip_suffix(" station").unwrap_or(name),
    }
}
