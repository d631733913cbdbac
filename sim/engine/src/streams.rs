//! Named random streams: one portable generator per (seed, replication, purpose, site).
//!
//! The ChaCha8 key is the four numbers themselves (8 bytes each), so every stream is an
//! independent output of a keyed pseudo-random function, whatever order streams are used in.
//! A change at one site never shifts another site's numbers: common random numbers for
//! paired comparisons come for free.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

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
}

/// Number of purposes.
pub const PURPOSES: usize = 9;

/// The generator of one stream.
pub fn stream(seed: u64, replication: u32, purpose: Purpose, site: u32) -> ChaCha8Rng {
    let mut key = [0u8; 32];
    key[0..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&u64::from(replication).to_le_bytes());
    key[16..24].copy_from_slice(&(purpose as u64).to_le_bytes());
    key[24..32].copy_from_slice(&u64::from(site).to_le_bytes());
    ChaCha8Rng::from_seed(key)
}

/// All streams of one replication, indexed by site then purpose.
#[derive(Debug, Clone)]
pub struct Streams {
    by_site: Vec<[ChaCha8Rng; PURPOSES]>,
}

impl Streams {
    /// Streams for `sites` sites.
    pub fn new(seed: u64, replication: u32, sites: usize) -> Self {
        use Purpose::*;
        let all = [
            Arrivals,
            Choice,
            CounterService,
            KioskService,
            Patience,
            Balking,
            KioskOutcome,
            KioskFailure,
            KioskRepair,
        ];
        let by_site = (0..sites)
            .map(|s| {
                let s = u32::try_from(s).unwrap_or(u32::MAX);
                all.map(|p| stream(seed, replication, p, s))
            })
            .collect();
        Self { by_site }
    }

    /// The generator for `purpose` at site index `site`.
    pub fn get(&mut self, site: usize, purpose: Purpose) -> &mut ChaCha8Rng {
        &mut self.by_site[site][purpose as usize]
    }
}
