//! Site cards beside their sites: a small label-placement pass over candidate positions
//! around each point, scored by the leader line's length and by what a card would cover.
//!
//! Each point gets [`CANDIDATES_PER_RING`] positions (the card's side, corner or middle
//! towards the point) on rings of growing distance. A card's cost is its leader's length plus
//! penalties for overlapping another card, covering another site's point, a leader crossing
//! another card, and leaving the map. Cards are placed greedily in an order, then each is
//! moved to its cheapest position given the others until no move helps (a few rounds); six
//! orders are tried (most crowded point first, by index, and sweeps across the map from each
//! side) and the cheapest placement is kept. Where sites crowd (the Samarkand cluster at the country's zoom) the cards fan out
//! around the cluster, each as near its own point as the others leave room for.

use bevy_egui::egui::{Pos2, Rect, Vec2, pos2};

/// Gap between a point and the nearest edge of its card on the first ring, pixels.
const FIRST_GAP: f32 = 12.0;
/// Further rings: each this much farther, pixels.
const RING_STEP: f32 = 30.0;
/// Rings of candidate positions.
const RINGS: usize = 8;
/// Positions on a ring: east and west (centred, above, below), north and south (centred,
/// left, right), and the four corners.
const CANDIDATES_PER_RING: usize = 16;
/// Cost of a card overlapping another entirely, in pixels of leader line.
const OVERLAP_COST: f32 = 4000.0;
/// Cost of a card covering another site's point.
const COVER_COST: f32 = 600.0;
/// Cost of a leader line crossing another card.
const CROSS_COST: f32 = 150.0;
/// Cost of a card not wholly on the map.
const OUTSIDE_COST: f32 = 20_000.0;
/// Leader length at which its cost doubles, pixels.
const LEADER_SQUARE_PX: f32 = 60.0;
/// Improvement rounds after the greedy placement.
const ROUNDS: usize = 8;

/// The card rectangles for `points`, each of `size`, inside `bounds`.
pub fn place_cards(points: &[Pos2], size: Vec2, bounds: Rect) -> Vec<Rect> {
    let candidates: Vec<Vec<Rect>> = points.iter().map(|&p| candidate_cards(p, size)).collect();
    // Most crowded first (the number of other points within three card widths), then five
    // sweeps across the map; the placement that costs least in all is kept.
    let crowd =
        |i: usize| points.iter().filter(|q| q.distance(points[i]) < 3.0 * size.x).count() as i64;
    let index: Vec<usize> = (0..points.len()).collect();
    let mut orders = vec![index.clone(); 6];
    orders[0].sort_by_key(|&i| (-crowd(i), i));
    orders[2].sort_by(|&a, &b| points[a].x.total_cmp(&points[b].x));
    orders[3].sort_by(|&a, &b| points[b].x.total_cmp(&points[a].x));
    orders[4].sort_by(|&a, &b| points[a].y.total_cmp(&points[b].y));
    orders[5].sort_by(|&a, &b| points[b].y.total_cmp(&points[a].y));
    let mut best: Option<(f32, Vec<Rect>)> = None;
    for order in &orders {
        let placed = place_in_order(order, points, &candidates, bounds);
        let all: Vec<Option<Rect>> = placed.iter().copied().map(Some).collect();
        let total: f32 = (0..points.len()).map(|i| cost(i, placed[i], points, &all, bounds)).sum();
        if best.as_ref().is_none_or(|(t, _)| total < *t) {
            best = Some((total, placed));
        }
    }
    best.map(|(_, placed)| placed).unwrap_or_default()
}

/// Greedy placement in `order`, then rounds in which each card moves to its cheapest position
/// given the others, until none moves.
fn place_in_order(
    order: &[usize],
    points: &[Pos2],
    candidates: &[Vec<Rect>],
    bounds: Rect,
) -> Vec<Rect> {
    let mut placed: Vec<Option<Rect>> = vec![None; points.len()];
    for &i in order {
        placed[i] = Some(cheapest(i, points, &candidates[i], &placed, bounds));
    }
    for _ in 0..ROUNDS {
        let mut moved = false;
        for &i in order {
            let others: Vec<Option<Rect>> =
                placed.iter().enumerate().map(|(j, r)| if j == i { None } else { *r }).collect();
            let now = placed[i].map_or(f32::INFINITY, |r| cost(i, r, points, &others, bounds));
            let best = cheapest(i, points, &candidates[i], &others, bounds);
            if cost(i, best, points, &others, bounds) + 0.5 < now {
                placed[i] = Some(best);
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    // `order` holds every index and each has candidates, so every card is placed.
    placed.into_iter().flatten().collect()
}

/// Where a card's leader line meets it: the point of the card nearest its site.
pub fn leader_anchor(point: Pos2, card: Rect) -> Pos2 {
    pos2(point.x.clamp(card.left(), card.right()), point.y.clamp(card.top(), card.bottom()))
}

/// Candidate cards around `p`, nearest ring first.
fn candidate_cards(p: Pos2, size: Vec2) -> Vec<Rect> {
    let (w, h) = (size.x, size.y);
    let mut out = Vec::with_capacity(RINGS * CANDIDATES_PER_RING);
    for ring in 0..RINGS {
        let g = FIRST_GAP + RING_STEP * ring as f32;
        // Top-left corners: east and west (centred, wholly above the point, wholly below it),
        // north and south (centred, to the left, to the right), then the four corners.
        let mins = [
            pos2(p.x + g, p.y - h / 2.0),
            pos2(p.x - g - w, p.y - h / 2.0),
            pos2(p.x + g, p.y - h - 4.0),
            pos2(p.x - g - w, p.y - h - 4.0),
            pos2(p.x + g, p.y + 4.0),
            pos2(p.x - g - w, p.y + 4.0),
            pos2(p.x - w / 2.0, p.y - g - h),
            pos2(p.x - w / 2.0, p.y + g),
            pos2(p.x - w + 16.0, p.y - g - h),
            pos2(p.x - 16.0, p.y - g - h),
            pos2(p.x - w + 16.0, p.y + g),
            pos2(p.x - 16.0, p.y + g),
            pos2(p.x + g * 0.7, p.y - g * 0.7 - h),
            pos2(p.x - g * 0.7 - w, p.y - g * 0.7 - h),
            pos2(p.x + g * 0.7, p.y + g * 0.7),
            pos2(p.x - g * 0.7 - w, p.y + g * 0.7),
        ];
        out.extend(mins.iter().map(|&m| Rect::from_min_size(m, size)));
    }
    out
}

fn cheapest(
    i: usize,
    points: &[Pos2],
    candidates: &[Rect],
    placed: &[Option<Rect>],
    bounds: Rect,
) -> Rect {
    let mut best = (f32::INFINITY, candidates[0]);
    for &c in candidates {
        let k = cost(i, c, points, placed, bounds);
        if k < best.0 {
            best = (k, c);
        }
    }
    best.1
}

/// The cost of card `card` for point `i` with the other cards `placed` (`None`: not placed).
fn cost(i: usize, card: Rect, points: &[Pos2], placed: &[Option<Rect>], bounds: Rect) -> f32 {
    let p = points[i];
    let anchor = leader_anchor(p, card);
    let d = p.distance(anchor);
    // Long leaders cost more than in proportion: two cards a little off their sites beat one
    // far away.
    let mut k = d + d * d / LEADER_SQUARE_PX;
    if !bounds.contains_rect(card) {
        k += OUTSIDE_COST;
    }
    let area = card.area().max(1.0);
    for (j, other) in placed.iter().enumerate() {
        if j == i {
            continue;
        }
        if let Some(o) = other {
            let overlap = card.expand(3.0).intersect(*o);
            if overlap.is_positive() {
                k += OVERLAP_COST * (0.1 + overlap.area() / area);
            }
            if crosses(p, anchor, o.shrink(2.0)) {
                k += CROSS_COST;
            }
        }
    }
    for (j, q) in points.iter().enumerate() {
        if j != i && card.expand(6.0).contains(*q) {
            k += COVER_COST;
        }
    }
    k
}

/// Whether the segment `a`–`b` passes through `r` (sampled every few pixels: leaders are
/// short).
fn crosses(a: Pos2, b: Pos2, r: Rect) -> bool {
    if !r.is_positive() {
        return false;
    }
    let steps = (a.distance(b) / 4.0).ceil().max(1.0) as usize;
    (0..=steps).any(|s| r.contains(a.lerp(b, s as f32 / steps as f32)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bevy_egui::egui::vec2;

    const CARD: Vec2 = vec2(178.0, 74.0);

    #[test]
    fn a_lone_point_gets_its_card_right_beside_it() {
        let bounds = Rect::from_min_size(Pos2::ZERO, vec2(800.0, 800.0));
        let p = pos2(400.0, 400.0);
        let cards = place_cards(&[p], CARD, bounds);
        assert!((p.distance(leader_anchor(p, cards[0])) - FIRST_GAP).abs() < 1.0, "{cards:?}");
    }

    #[test]
    fn crowded_points_get_cards_that_do_not_overlap() {
        let bounds = Rect::from_min_size(Pos2::ZERO, vec2(900.0, 800.0));
        // Five points within 12 pixels, as the Samarkand cluster at the country's zoom.
        let points: Vec<Pos2> = (0..5).map(|i| pos2(450.0 + 3.0 * i as f32, 400.0)).collect();
        let cards = place_cards(&points, CARD, bounds);
        let mut near = 0;
        for (i, a) in cards.iter().enumerate() {
            assert!(bounds.contains_rect(*a));
            for b in &cards[i + 1..] {
                assert!(!a.intersects(*b), "{a:?} and {b:?} overlap");
            }
            let leader = points[i].distance(leader_anchor(points[i], *a));
            // Four cards fit beside a point (east and west, above and below its level); the
            // fifth goes above or below them.
            assert!(leader <= 110.0, "card {i} is {leader} px from its point");
            near += usize::from(leader < 25.0);
        }
        assert!(near >= 4, "{cards:?}");
    }

    #[test]
    fn a_card_stays_on_the_map_near_an_edge() {
        let bounds = Rect::from_min_size(Pos2::ZERO, vec2(600.0, 400.0));
        let p = pos2(590.0, 10.0);
        let card = place_cards(&[p], CARD, bounds)[0];
        assert!(bounds.contains_rect(card), "{card:?}");
        assert!(p.distance(leader_anchor(p, card)) <= FIRST_GAP + 1.0);
    }
}
