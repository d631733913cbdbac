//! The shortlist of a search: a scored row ([`Ranked`]) in the total order the result
//! follows, the buffered top-k each task keeps ([`TopK`]) and the floor the tasks of one
//! search share ([`SharedFloor`]).

use std::cmp::Ordering;
use std::sync::atomic::{AtomicU32, Ordering as AtomicOrdering};

use super::IdentityId;

/// A scored row, ordered so that "greater" means "ranks higher": higher score, then the
/// smaller identity.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ranked {
    /// The row's score.
    pub(super) score: f32,
    /// Its identity (ranks ties: the smaller first).
    pub(super) id: IdentityId,
    /// Its row in the gallery.
    pub(super) row: usize,
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score.total_cmp(&other.score).then_with(|| other.id.cmp(&self.id))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked {}

/// The highest floor any job of a search has reached for one probe, shared between threads.
/// Stored as an order-preserving integer key of the f32; stale reads are still valid floors.
#[derive(Default)]
pub(super) struct SharedFloor(AtomicU32);

impl SharedFloor {
    /// Maps f32 order onto u32 order (negative values flipped, positive ones above them).
    fn key(score: f32) -> u32 {
        let bits = score.to_bits();
        if bits >> 31 == 1 { !bits } else { bits | 1 << 31 }
    }

    /// The highest floor raised so far (`-∞` before any).
    pub(super) fn get(&self) -> f32 {
        match self.0.load(AtomicOrdering::Relaxed) {
            0 => f32::NEG_INFINITY,
            key if key >> 31 == 1 => f32::from_bits(key & !(1 << 31)),
            key => f32::from_bits(!key),
        }
    }

    /// Raises the floor to `floor` unless it is higher already.
    pub(super) fn raise(&self, floor: f32) {
        self.0.fetch_max(Self::key(floor), AtomicOrdering::Relaxed);
    }
}

/// The best `capacity` entries offered so far.
///
/// Entries at or above the floor are appended to a buffer; when it holds four times the
/// capacity, a selection keeps the best `capacity` and raises the floor to the worst kept.
/// An entry below the floor is worse than `capacity` kept ones, so it can never rank: the
/// result is the exact top `capacity` whatever the offering order.
pub(super) struct TopK {
    capacity: usize,
    /// The entries kept (the best `capacity` after a [`TopK::select`], in no order).
    pub(super) kept: Vec<Ranked>,
    /// Score of the worst entry kept after the last selection (`-∞` before): a cheap first
    /// test.
    pub(super) floor: f32,
}

impl TopK {
    /// Empty, keeping the best `capacity`.
    pub(super) fn new(capacity: usize) -> Self {
        Self { capacity, kept: Vec::with_capacity(4 * capacity + 1), floor: f32::NEG_INFINITY }
    }

    /// Keeps `entry` unless it is below the floor.
    #[inline]
    pub(super) fn offer(&mut self, entry: Ranked) {
        if entry.score < self.floor {
            return;
        }
        self.kept.push(entry);
        if self.kept.len() >= 4 * self.capacity {
            self.select();
        }
    }

    /// Keeps the best `capacity` entries and raises the floor to the worst of them.
    pub(super) fn select(&mut self) {
        if self.kept.len() > self.capacity && self.capacity > 0 {
            self.kept.select_nth_unstable_by(self.capacity - 1, |a, b| b.cmp(a));
            self.kept.truncate(self.capacity);
            self.floor = self.kept[self.capacity - 1].score;
        }
    }

    /// Offers every row of a tile (`dots[i] × scales[i]` is row `i`'s score; `entry` builds
    /// the entry of a row that may rank). Sixteen rows at a time are first tested against the
    /// floor with branch-free vector arithmetic, so most rows of a large gallery cost no branch.
    #[inline]
    pub(super) fn offer_tile(
        &mut self,
        dots: &[i32],
        scales: &[f32],
        shared: &SharedFloor,
        entry: impl Fn(usize, f32) -> Ranked,
    ) {
        const GROUP: usize = 16;
        self.floor = self.floor.max(shared.get());
        let (dot_groups, dot_rest) = dots.as_chunks::<GROUP>();
        let (scale_groups, scale_rest) = scales.as_chunks::<GROUP>();
        for (g, (group_dots, group_scales)) in dot_groups.iter().zip(scale_groups).enumerate() {
            let floor = self.floor;
            let mut hits = 0_u32;
            for i in 0..GROUP {
                // The probe's own scale is common to all rows: leave it out.
                hits |= u32::from(group_dots[i] as f32 * group_scales[i] >= floor) << i;
            }
            let before = self.floor;
            while hits != 0 {
                let i = hits.trailing_zeros() as usize;
                hits &= hits - 1;
                let score = group_dots[i] as f32 * group_scales[i];
                if score >= self.floor {
                    self.offer(entry(g * GROUP + i, score));
                }
            }
            if self.floor > before {
                shared.raise(self.floor);
            }
        }
        let done = dot_groups.len() * GROUP;
        for (i, (&dot, &scale)) in dot_rest.iter().zip(scale_rest).enumerate() {
            let score = dot as f32 * scale;
            if score >= self.floor {
                self.offer(entry(done + i, score));
            }
        }
    }
}
