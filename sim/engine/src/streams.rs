//! Named random streams: one portable generator per (seed, replication, purpose, site).
//!
//! The four numbers (8 bytes each) are the key of a ChaCha8 generator — a keyed
//! pseudo-random function — whose first 32 bytes seed the stream's PCG-64 generator. Every
//! stream is thus fixed by its four numbers alone, whatever order streams are used in: a
//! change at one site never shifts another site's numbers, so paired comparisons get common
//! random numbers for free. PCG-64 draws cost a few nanoseconds, which matters at several
//! draws per simulated person; both generators are portable and value-stable.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_pcg::Pcg64;

/// The generator type of every stream.
pub type StreamRng = Pcg64;

/// What a stream is used for. The discriminant is part of the key: never reorder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Purpose {
    /// Arrival instants.
    Arrivals = 0,
    /// Which service, segment and channel an arrival has.
    Choice = 1,
    /// Officer service times.
    CounterService = 2,
    /// Kiosk session times.
    KioskService = 3,
    /// Patience before reneging.
    Patience = 4,
    /// Balking decisions.
    Balking = 5,
    /// Whether a kiosk session succeeds.
    KioskOutcome = 6,
    /// Kiosk failure instants.
    KioskFailure = 7,
    /// Kiosk repair times.
    KioskRepair = 8,
    /// A person's Face-ID captures (keyed by person, not by site: see [`person_stream`]).
    FaceId = 9,
    /// What happens to a person's case after the visit (keyed by person).
    Case = 10,
    /// Whether a person needs a floor assistant at a kiosk, and for how long (a site
    /// stream, drawn on arrival like the other needs of a person).
    Assistance = 11,
}

/// The purposes with a stream per site, in the order of [`Streams`]' slots.
const SITE_PURPOSES: [Purpose; 10] = {
    use Purpose::*;
    [
        Arrivals,
        Choice,
        CounterService,
        KioskService,
        Patience,
        Balking,
        KioskOutcome,
        KioskFailure,
        KioskRepair,
        Assistance,
    ]
};

/// Number of site streams.
pub(crate) const PURPOSES: usize = SITE_PURPOSES.len();

impl Purpose {
    /// This purpose's slot among a site's streams. `FaceId` and `Case` are keyed by person
    /// ([`person_stream`]) and have no slot: asking for one is a bug, caught by the index.
    pub(crate) const fn site_slot(self) -> usize {
        match self {
            Purpose::Assistance => 9,
            Purpose::FaceId | Purpose::Case => usize::MAX,
            other => other as usize,
        }
    }
}

/// The generator of one stream.
pub fn stream(seed: u64, replication: u32, purpose: Purpose, site: u32) -> StreamRng {
    let mut key = [0u8; 32];
    key[0..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&u64::from(replication).to_le_bytes());
    key[16..24].copy_from_slice(&(purpose as u64).to_le_bytes());
    key[24..32].copy_from_slice(&u64::from(site).to_le_bytes());
    let mut prf = ChaCha8Rng::from_seed(key);
    let mut seed = [0u8; 32];
    prf.fill_bytes(&mut seed);
    Pcg64::from_seed(seed)
}

/// A person's own generator (ChaCha8 keyed by seed, replication, purpose and person id):
/// what happens to one person does not depend on the order others were handled in, so
/// variants of a scenario stay in step person by person.
pub fn person_stream(seed: u64, replication: u32, purpose: Purpose, person: u64) -> ChaCha8Rng {
    let mut key = [0u8; 32];
    key[0..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&u64::from(replication).to_le_bytes());
    key[16..24].copy_from_slice(&(purpose as u64 | 1 << 32).to_le_bytes());
    key[24..32].copy_from_slice(&person.to_le_bytes());
    ChaCha8Rng::from_seed(key)
}

/// All streams of one replication, indexed by site then purpose.
#[derive(Debug, Clone)]
pub(crate) struct Streams {
    by_site: Vec<[StreamRng; PURPOSES]>,
}

impl Streams {
    /// Streams for `sites` sites.
    pub(crate) fn new(seed: u64, replication: u32, sites: usize) -> Self {
        let by_site = (0..sites)
            .map(|s| {
                let s = u32::try_from(s).unwrap_or(u32::MAX);
                SITE_PURPOSES.map(|p| stream(seed, replication, p, s))
            })
            .collect();
        Self { by_site }
    }

    /// The generators of site index `site`, indexed by purpose.
    pub(crate) fn site_mut(&mut self, site: usize) -> &mut [StreamRng; PURPOSES] {
        &mut self.by_site[site]
    }
}
