//! The data the twin's parts share: events and their sites, the people on a floor, the
//! clock and step target (resources), and what the app announces of a site.
//!
//! Every event concerns exactly one site, so the state an event touches — lines, counters,
//! kiosks and the people inside — lives together in that site's floor
//! ([`SiteState`](crate::SiteState), the `floor` module) and is reached with one lookup.
//! The event calendar is in the `calendar` module.

use bevy_ecs::prelude::*;
use navbat_scenario::{SegmentIdx, ServiceIdx};

use crate::time::SimTime;

/// A server at a site: counter or kiosk, by index in the site's floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Server {
    /// Officer counter number.
    Counter(u16),
    /// Kiosk number.
    Kiosk(u16),
}

/// A handle on a person in a site's floor: slot and generation (a slot is reused after the
/// person leaves; the generation tells a stale handle from a live one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PersonKey {
    /// Slot in the floor's table of people.
    pub slot: u32,
    /// Generation of the slot.
    pub generation: u32,
}

/// The calendar's "site" of events that belong to the back office, not to a floor.
pub const OFFICE: u32 = u32::MAX;

/// What happens at an instant, at one site (or, for case and officer events, at the back
/// office: site `OFFICE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Event {
    /// The next person arrives.
    Arrival,
    /// The site opens one of its windows.
    Open,
    /// The site closes a window.
    Close,
    /// An officer's shift starts.
    ShiftStart(u16),
    /// An officer's shift ends.
    ShiftEnd(u16),
    /// A counter or kiosk finishes session `session` (stale sessions are ignored).
    ServiceDone(Server, u32),
    /// A waiting person gives up, unless they already left stay `stay` in line.
    Renege(PersonKey, u32),
    /// A part of a kiosk breaks down: 0 the whole device, `1 + i` its `i`-th component.
    KioskFail(u16, u8),
    /// That part of a kiosk is repaired.
    KioskRepaired(u16, u8),
    /// The person of a case comes back to collect their document (case id).
    Pickup(u64),
    /// A person sent here by the app's advice arrives (index in the run's transfers).
    Transfer(u32),
    /// The world answers a case (case id): back office.
    Case(u64, crate::office::CaseStep),
    /// A back-office officer's shift or task: back office.
    Officer(u16, crate::office::OfficerStep),
    /// A floor assistant finishes helping someone at a kiosk.
    AssistDone,
    /// A person who left unserved comes back (index in the site's people away).
    Return(u32),
}

/// The simulated clock.
#[derive(Resource, Debug, Clone, Copy, Default)]
pub struct Clock {
    /// Now.
    pub now: SimTime,
    /// Events handled so far.
    pub events: u64,
    /// Instant of the last handled event.
    pub last_event: SimTime,
}

/// How far the next schedule pass may go: every event at or before `until` is handled.
#[derive(Resource, Debug, Clone, Copy)]
pub struct StepTarget {
    /// Horizon of this pass.
    pub until: SimTime,
}

/// Stop admitting people after this many requests (used by the queue calculator).
#[derive(Resource, Debug, Clone, Copy)]
pub struct ArrivalLimit {
    /// Requests after which no one else comes.
    pub max: u64,
    /// The first this-many requests are left out of statistics (warm-up by count).
    pub uncounted_first: u64,
}

/// What the app announces of a site: people waiting, servers working, open or not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Board {
    /// People waiting in both lines.
    pub waiting: u32,
    /// Officers on duty plus kiosks up.
    pub servers: u32,
    /// Open now.
    pub open: bool,
}

/// One Face-ID capture and verification of a person.
#[derive(Debug, Clone)]
pub struct FaceSession {
    /// Group index: segment × 8 + age band × 2 + female (bands: child, adolescent, adult,
    /// elderly).
    pub group: usize,
    /// 0 matched, 1 failed to acquire, 2 not matched.
    pub outcome: u8,
    /// 1:1 score against the record photo (0 when nothing was captured).
    pub score: f32,
    /// The live capture, when one was usable and has not been searched yet.
    pub template: Option<navbat_matching::Template>,
    /// When the session was made with its case's 1:N search: the best score mapped to the
    /// national gallery (`Some(None)`: nothing to search with, or no gallery).
    pub searched: Option<Option<f32>>,
    /// The live face was an impostor's (presenting as the person).
    pub impostor: bool,
    /// The person is a true duplicate: already enrolled under another identity.
    pub duplicate: bool,
    /// A duplicate's search made with the session: their earlier enrolment's score.
    pub mate: Option<f32>,
}

/// Where a person stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whereabouts {
    /// In the counter line.
    CounterLine,
    /// In the kiosk line.
    KioskLine,
    /// Being served.
    InService,
}

/// A person at a site.
#[derive(Debug, Clone)]
pub struct Applicant {
    /// Stable id ([`crate::person_id`]: the site's tag in the high bits, its own request
    /// number in the low bits).
    pub id: u64,
    /// Requested service.
    pub service: ServiceIdx,
    /// Segment.
    pub segment: SegmentIdx,
    /// Served first under the priority discipline.
    pub priority: bool,
    /// Arrived after the warm-up: counts in statistics.
    pub counted: bool,
    /// Arrival instant.
    pub arrived: SimTime,
    /// Where the person stands.
    pub at: Whereabouts,
    /// When the current stay in line began.
    pub queued_at: SimTime,
    /// Stays in line so far (a renege event names one).
    pub stay: u32,
    /// Total time spent in lines, ms.
    pub waited_ms: i64,
    /// Officer time this person needs, ms (drawn on arrival).
    pub counter_ms: i64,
    /// Kiosk time this person needs, ms (drawn on arrival; 0 if kiosks cannot serve them).
    pub kiosk_ms: i64,
    /// How long this person waits in a line before giving up, ms.
    pub patience_ms: Option<i64>,
    /// Whether a kiosk session would succeed for this person.
    pub kiosk_ok: bool,
    /// The case whose document this visit collects (a pickup visit), by case id.
    pub pickup: Option<u64>,
    /// When Face-ID failed at a kiosk and sent the person on to a counter, and their group.
    pub face_fallback: Option<(SimTime, u16)>,
    /// When a kiosk session sent this person on to the counter line, which issued their
    /// second ticket of the visit then (`None`: the visit has one ticket).
    pub sent_on: Option<SimTime>,
    /// Face-ID sessions asked of the worker ahead and not taken yet: bit 0 the kiosk
    /// camera's, bit 1 an officer station's.
    pub face_jobs: u8,
    /// Uniform draw that decides balking against the segment's probability.
    pub balk_draw: f64,
    /// A floor assistant's time this person needs at a kiosk, ms (0: they manage alone).
    pub assist_ms: i64,
    /// Where this person falls in the breakdowns.
    pub keys: crate::tally::Keys,
    /// Visits before this one for the same request (0: the first visit; see
    /// [`navbat_scenario::Retrial`]).
    pub visit: u16,
}

/// The people at a site: a table of slots reused with a generation count, so handles in
/// lines and events stay small and stale ones are recognised.
///
/// A person who leaves stays readable in their slot until the slot is reused, so leaving
/// hands back a reference instead of moving the record out.
#[derive(Debug, Default)]
pub struct People {
    slots: Vec<Slot>,
    free: Vec<u32>,
    present: u32,
}

#[derive(Debug)]
struct Slot {
    generation: u32,
    here: bool,
    person: Applicant,
}

impl People {
    /// Adds a person and returns their handle.
    #[inline(always)]
    pub fn insert(&mut self, a: Applicant) -> PersonKey {
        self.present += 1;
        if let Some(slot) = self.free.pop()
            && let Some(entry) = self.slots.get_mut(slot as usize)
        {
            entry.here = true;
            entry.person = a;
            return PersonKey { slot, generation: entry.generation };
        }
        let slot = u32::try_from(self.slots.len()).unwrap_or(u32::MAX);
        self.slots.push(Slot { generation: 0, here: true, person: a });
        PersonKey { slot, generation: 0 }
    }

    /// The person behind `key`, if still here.
    #[inline]
    pub fn get(&self, key: PersonKey) -> Option<&Applicant> {
        match self.slots.get(key.slot as usize) {
            Some(s) if s.here && s.generation == key.generation => Some(&s.person),
            _ => None,
        }
    }

    /// The person behind `key`, mutably.
    #[inline]
    pub fn get_mut(&mut self, key: PersonKey) -> Option<&mut Applicant> {
        match self.slots.get_mut(key.slot as usize) {
            Some(s) if s.here && s.generation == key.generation => Some(&mut s.person),
            _ => None,
        }
    }

    /// Removes the person (they left; their slot's generation moves on) and returns their
    /// record, readable until the next [`People::insert`].
    #[inline]
    pub fn remove(&mut self, key: PersonKey) -> Option<&Applicant> {
        let entry = self.slots.get_mut(key.slot as usize)?;
        if !entry.here || entry.generation != key.generation {
            return None;
        }
        entry.here = false;
        entry.generation = entry.generation.wrapping_add(1);
        self.free.push(key.slot);
        self.present -= 1;
        Some(&entry.person)
    }

    /// People at the site now.
    pub fn len(&self) -> u32 {
        self.present
    }

    /// Whether nobody is at the site.
    pub fn is_empty(&self) -> bool {
        self.present == 0
    }

    /// Everyone present, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = &Applicant> {
        self.slots.iter().filter(|s| s.here).map(|s| &s.person)
    }
}
