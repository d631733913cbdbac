//! The audit chain's hashing: a compact binary encoding of each log entry, SHA-256 chained.
//!
//! Every hashed message is short (a genesis message of 32 bytes, an entry of at most 106
//! bytes with the previous hash), so it is written straight into a two-block buffer, padded
//! there and run through the SHA-256 compression function: no hasher state, no copies. The
//! result is plain SHA-256 of the same bytes (checked against `sha2::Sha256` in the tests).

use sha2::compress256;
use sha2::digest::generic_array::GenericArray;

use crate::case::{CaseId, Decision, Event, Hash, Input, LogEntry, Reason};

/// SHA-256 initial hash value (FIPS 180-4, 5.3.3).
const SHA256_INIT: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// Longest message that fits two blocks with its padding (one 0x80 byte, 8 length bytes).
const MAX_MESSAGE: usize = 2 * 64 - 9;

/// The hash a case's chain starts from: binds the chain to its case id.
pub(crate) fn genesis(id: CaseId) -> Hash {
    let mut m = Message::new();
    m.put(*b"navbat-workflow/audit/v1");
    m.put(id.0.to_le_bytes());
    m.digest()
}

/// SHA-256 over the previous hash and the entry's compact binary encoding.
pub(crate) fn chain_hash(prev: &Hash, entry: &LogEntry) -> Hash {
    let mut m = Message::new();
    m.put(*prev);
    encode(&mut m, entry);
    m.digest()
}

/// The entry's compact binary encoding: the bytes [`chain_hash`] hashes after the previous
/// hash (at most 74 bytes).
pub(crate) fn encoding(entry: &LogEntry) -> Vec<u8> {
    let mut m = Message::new();
    encode(&mut m, entry);
    m.buf[..m.len].to_vec()
}

/// A message of at most [`MAX_MESSAGE`] bytes, hashed in place.
struct Message {
    buf: [u8; 128],
    len: usize,
}

impl Message {
    fn new() -> Self {
        Message { buf: [0; 128], len: 0 }
    }

    /// Append a fixed-size field (sizes are constants, so no call to `memcpy`).
    #[inline]
    fn put<const N: usize>(&mut self, bytes: [u8; N]) {
        let end = self.len + N;
        if end <= MAX_MESSAGE
            && let Some(dst) = self.buf.get_mut(self.len..end)
        {
            dst.copy_from_slice(&bytes);
            self.len = end;
        }
    }

    /// SHA-256 of the bytes put so far: pad in the buffer (0x80, zeros, bit length
    /// big-endian) and compress the one or two blocks.
    fn digest(&mut self) -> Hash {
        let len = self.len;
        let end = if len + 9 <= 64 { 64 } else { 128 };
        self.buf[len] = 0x80;
        self.buf[end - 8..end].copy_from_slice(&(len as u64 * 8).to_be_bytes());
        let mut state = SHA256_INIT;
        for block in self.buf[..end].chunks_exact(64) {
            compress256(&mut state, std::slice::from_ref(GenericArray::from_slice(block)));
        }
        let mut out = [0; 32];
        for (dst, word) in out.chunks_exact_mut(4).zip(state) {
            dst.copy_from_slice(&word.to_be_bytes());
        }
        out
    }
}

fn encode(out: &mut Message, e: &LogEntry) {
    out.put(e.seq.to_le_bytes());
    out.put(e.at.0.to_le_bytes());
    out.put(e.from.0.to_le_bytes());
    out.put(e.to.0.to_le_bytes());
    out.put([e.trigger.map_or(0xff, |t| t as u8)]);
    match e.input {
        Input::Open { service, subject, facts } => {
            out.put([0]);
            out.put(service.0.to_le_bytes());
            out.put(subject.0.to_le_bytes());
            out.put(facts.0.to_le_bytes());
        }
        Input::Claim { officer } => {
            out.put([1]);
            out.put(officer.0.to_le_bytes());
        }
        Input::Release => out.put([2]),
        Input::TimerFired => out.put([3]),
        Input::Event(ev) => encode_event(out, ev),
    }
    for r in e.reasons.iter() {
        match *r {
            Reason::Rule { rule, input, observed, threshold } => {
                out.put([0x20 | input as u8]);
                out.put(rule.0.to_le_bytes());
                out.put(observed.to_le_bytes());
                out.put(threshold.to_le_bytes());
            }
            Reason::Review { code } => {
                out.put([0x30]);
                out.put(code.0.to_le_bytes());
            }
        }
    }
}

fn encode_event(out: &mut Message, ev: Event) {
    let tag: u8 = match ev {
        Event::Captured => 10,
        Event::Matched(_) => 11,
        Event::Paid => 12,
        Event::ConsentGiven => 13,
        Event::ConsentRefused => 14,
        Event::ConsentTimedOut => 15,
        Event::CheckReturned(_) => 16,
        Event::Reviewed(_) => 17,
        Event::Produced => 18,
        Event::Collected => 19,
        Event::Appealed => 20,
        Event::Withdrawn => 21,
    };
    out.put([tag]);
    match ev {
        Event::Matched(m) => {
            out.put(m.verify_score.to_le_bytes());
            out.put(m.liveness_score.to_le_bytes());
            out.put(m.best_candidate_score.unwrap_or(-1.0).to_le_bytes());
        }
        Event::CheckReturned(r) => out.put([r.code()]),
        Event::Reviewed(r) => {
            out.put(r.officer.0.to_le_bytes());
            out.put([r.decision.code()]);
            if let Decision::Done { branch } = r.decision {
                out.put([branch]);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::*;
    use crate::case::{MatchInputs, Pseudonym, Reasons, RuleInput};
    use crate::definition::{Facts, RuleId, ServiceId, StepId, Trigger};
    use crate::time::Timestamp;

    #[test]
    fn the_in_place_digest_is_sha256_at_every_length() {
        // Every length a message can have, across the one/two-block boundary (55/56 bytes).
        let bytes: Vec<u8> = (0..MAX_MESSAGE as u32).map(|i| (i * 37 + 11) as u8).collect();
        for n in 0..=MAX_MESSAGE {
            let mut m = Message::new();
            for b in &bytes[..n] {
                m.put([*b]);
            }
            assert_eq!(m.len, n);
            let want: Hash = Sha256::digest(&bytes[..n]).into();
            assert_eq!(m.digest(), want, "length {n}");
        }
    }

    #[test]
    fn the_longest_entry_fits_and_hashes_as_sha256() {
        let mut reasons = Reasons::default();
        for i in 0..4 {
            reasons.push(Reason::Rule {
                rule: RuleId(i),
                input: RuleInput::CandidateScore,
                observed: 0.5,
                threshold: 0.25,
            });
        }
        let matched = Input::Event(Event::Matched(MatchInputs {
            verify_score: 0.9,
            liveness_score: 0.8,
            best_candidate_score: Some(0.7),
        }));
        let open =
            Input::Open { service: ServiceId(3), subject: Pseudonym(u64::MAX), facts: Facts(5) };
        for input in [matched, open] {
            let entry = LogEntry {
                seq: u32::MAX,
                at: Timestamp(i64::MIN),
                input,
                trigger: Some(Trigger::Timeout),
                from: StepId(1),
                to: StepId(2),
                reasons,
                hash: [0; 32],
            };
            let prev = [0xab; 32];
            let mut m = Message::new();
            m.put(prev);
            encode(&mut m, &entry);
            assert!(m.len <= 106, "{} bytes", m.len);
            let want: Hash = Sha256::digest(&m.buf[..m.len]).into();
            assert_eq!(chain_hash(&prev, &entry), want);
        }
        let mut g = Sha256::new();
        g.update(b"navbat-workflow/audit/v1");
        g.update(42u64.to_le_bytes());
        assert_eq!(genesis(CaseId(42)), <Hash>::from(g.finalize()));
    }
}
