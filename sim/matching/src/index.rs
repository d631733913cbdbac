//! The gallery's id → row index in 4 bytes a row: row numbers sorted by identity, plus a
//! short unsorted tail of recent enrolments that is merged in when it fills.
//!
//! A `BTreeMap<IdentityId, usize>` costs about 30 bytes a row with its node overhead, which
//! alone pushed a 1 M gallery past its 600 MB budget. Lookups here are a binary search (ids
//! are compared through the gallery's row → id vector) and a scan of at most `TAIL` rows;
//! enrolling in increasing id order, the usual case, appends each merged tail in place.

use crate::IdentityId;

/// Most recent enrolments kept unsorted before a merge.
const TAIL: usize = 1024;

/// Where an identity's entry sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Sorted(usize),
    Tail(usize),
}

/// Row numbers ordered by the identity stored in each row.
#[derive(Debug, Clone, Default)]
pub(crate) struct RowIndex {
    sorted: Vec<u32>,
    tail: Vec<u32>,
}

fn row_u32(row: usize) -> u32 {
    // A gallery of 2^32 rows would hold over 2 TB of codes; rows always fit.
    u32::try_from(row).unwrap_or(u32::MAX)
}

impl RowIndex {
    fn find(&self, ids: &[IdentityId], id: IdentityId) -> Option<Slot> {
        if let Ok(i) = self.sorted.binary_search_by(|&r| ids[r as usize].cmp(&id)) {
            return Some(Slot::Sorted(i));
        }
        self.tail.iter().position(|&r| ids[r as usize] == id).map(Slot::Tail)
    }

    fn row(&self, slot: Slot) -> usize {
        match slot {
            Slot::Sorted(i) => self.sorted[i] as usize,
            Slot::Tail(i) => self.tail[i] as usize,
        }
    }

    /// The row holding `id`.
    pub(crate) fn get(&self, ids: &[IdentityId], id: IdentityId) -> Option<usize> {
        self.find(ids, id).map(|s| self.row(s))
    }

    /// Records that `ids[row]` was just enrolled (and was not enrolled before).
    pub(crate) fn insert(&mut self, ids: &[IdentityId], row: usize) {
        self.tail.push(row_u32(row));
        if self.tail.len() >= TAIL {
            self.merge(ids);
        }
    }

    fn merge(&mut self, ids: &[IdentityId]) {
        let mut tail = std::mem::take(&mut self.tail);
        tail.sort_unstable_by_key(|&r| ids[r as usize]);
        let after_all = match (self.sorted.last(), tail.first()) {
            (Some(&l), Some(&f)) => ids[l as usize] < ids[f as usize],
            _ => true,
        };
        if after_all {
            self.sorted.extend_from_slice(&tail);
        } else {
            let old = std::mem::take(&mut self.sorted);
            let mut merged = Vec::with_capacity(old.len() + tail.len());
            let (mut a, mut b) = (old.iter().peekable(), tail.iter().peekable());
            while let (Some(&&x), Some(&&y)) = (a.peek(), b.peek()) {
                if ids[x as usize] < ids[y as usize] {
                    merged.push(x);
                    a.next();
                } else {
                    merged.push(y);
                    b.next();
                }
            }
            merged.extend(a);
            merged.extend(b);
            self.sorted = merged;
        }
        self.tail = tail;
        self.tail.clear();
    }

    /// Forgets `id`; returns the row it was in.
    pub(crate) fn remove(&mut self, ids: &[IdentityId], id: IdentityId) -> Option<usize> {
        let slot = self.find(ids, id)?;
        let row = self.row(slot);
        match slot {
            Slot::Sorted(i) => {
                self.sorted.remove(i);
            }
            Slot::Tail(i) => {
                self.tail.swap_remove(i);
            }
        }
        Some(row)
    }

    /// Points `id`'s entry at row `to` (call while `ids` still holds `id` at its old row).
    pub(crate) fn relocate(&mut self, ids: &[IdentityId], id: IdentityId, to: usize) {
        match self.find(ids, id) {
            Some(Slot::Sorted(i)) => self.sorted[i] = row_u32(to),
            Some(Slot::Tail(i)) => self.tail[i] = row_u32(to),
            None => {}
        }
    }

    /// Bytes of its entries (4 a row).
    pub(crate) fn memory_bytes(&self) -> usize {
        (self.sorted.len() + self.tail.len()) * size_of::<u32>()
    }
}
