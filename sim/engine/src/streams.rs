//! Named random streams: one portable generator per (seed, replication, purpose, site key).
//!
//! The four numbers (8 bytes each) are the key of a ChaCha8 generator — a keyed
//! pseudo-random function — whose first 32 bytes seed the stream's PCG-64 generator. Every
//! stream is thus fixed by its four numbers alone, whatever order streams are used in. The
//! site key is [`site_key`] of the site's id, never its position in the scenario: adding,
//! removing or editing one site never shifts another site's numbers, so paired comparisons
//! get common random numbers for free. PCG-64 draws cost a few nanoseconds, which matters at several
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
    /// Whether a person who left unserved comes back, when, and their patience and balking
    /// draw on that visit (keyed by person, one ChaCha8 stream per visit).
    Retrial = 12,
    /// Whether a person's application is eligible and genuine (keyed by person).
    Truth = 13,
    /// Who a person is to Face-ID beyond their face: a minor's age band, an impostor, a true
    /// duplicate (keyed by person, so the same at every device and in every variant).
    FaceTruth = 14,
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
            Purpose::FaceId
            | Purpose::Case
            | Purpose::Retrial
            | Purpose::Truth
            | Purpose::FaceTruth => usize::MAX,
            other => other as usize,
        }
    }
}

/// The stable key of the site whose id is `id`: FNV-1a (64-bit) of its UTF-8 bytes, mixed
/// by SplitMix64's finaliser (so ids that differ in one character differ in every bit
/// range). It keys the site's streams ([`stream`]) and tags its people's ids
/// ([`person_id`]), so a site's random numbers follow its id wherever it stands in the
/// scenario. Value-stable: never change it (a test pins values).
pub fn site_key(id: &str) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut z = id.bytes().fold(OFFSET, |h, b| (h ^ u64::from(b)).wrapping_mul(PRIME));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Bits of a person id that hold the site's own request number.
pub const PERSON_NUMBER_BITS: u32 = 40;

/// The id of the `number`-th request (from 1, portal included) made at the site keyed
/// `site_key`: 22 bits of the key above the number's 40, so bits 62 and 63 stay clear (the
/// Face-ID gallery's ids have bit 62 set). Ids depend on the site's id and its own count of
/// requests only, never on other sites; two sites share a tag with probability about
/// n²/2²³ for n sites (a test checks the bundled scenarios have none), which would only
/// give two people the same synthetic face and case draws.
pub fn person_id(site_key: u64, number: u64) -> u64 {
    let tag = (site_key >> 42) & ((1 << 22) - 1);
    (tag << PERSON_NUMBER_BITS) | (number & ((1 << PERSON_NUMBER_BITS) - 1))
}

/// The generator of one stream; `site` is the site's [`site_key`].
pub fn stream(seed: u64, replication: u32, purpose: Purpose, site: u64) -> StreamRng {
    let mut key = [0u8; 32];
    key[0..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&u64::from(replication).to_le_bytes());
    key[16..24].copy_from_slice(&(purpose as u64).to_le_bytes());
    key[24..32].copy_from_slice(&site.to_le_bytes());
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
    /// Streams for the sites keyed `site_keys` (see [`site_key`]), in scenario order.
    pub(crate) fn new(seed: u64, replication: u32, site_keys: &[u64]) -> Self {
        let by_site = site_keys
            .iter()
            .map(|&k| SITE_PURPOSES.map(|p| stream(seed, replication, p, k)))
            .collect();
        Self { by_site }
    }

    /// The generators of site index `site`, indexed by purpose.
    pub(crate) fn site_mut(&mut self, site: usize) -> &mut [StreamRng; PURPOSES] {
        &mut self.by_site[site]
    }
}
