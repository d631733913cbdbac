//! The audit chain's hashing: a compact binary encoding of each log entry, SHA-256 chained.

use sha2::{Digest, Sha256};

use crate::case::{CaseId, Event, Hash, Input, LogEntry, Reason};

/// The hash a case's chain starts from: binds the chain to its case id.
pub(crate) fn genesis(id: CaseId) -> Hash {
    let mut h = Sha256::new();
    h.update(b"navbat-workflow/audit/v1");
    h.update(id.0.to_le_bytes());
    h.finalize().into()
}

/// SHA-256 over the previous hash and the entry's compact binary encoding.
pub(crate) fn chain_hash(prev: &Hash, entry: &LogEntry) -> Hash {
    let mut buf = Encoder { buf: [0; 160], len: 0 };
    buf.put(prev);
    encode(&mut buf, entry);
    Sha256::digest(&buf.buf[..buf.len]).into()
}

struct Encoder {
    buf: [u8; 160],
    len: usize,
}

impl Encoder {
    fn put(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        if let Some(dst) = self.buf.get_mut(self.len..end) {
            dst.copy_from_slice(bytes);
            self.len = end;
        }
    }
}

fn encode(out: &mut Encoder, e: &LogEntry) {
    out.put(&e.seq.to_le_bytes());
    out.put(&e.at.0.to_le_bytes());
    out.put(&e.from.0.to_le_bytes());
    out.put(&e.to.0.to_le_bytes());
    out.put(&[e.trigger.map_or(0xff, |t| t as u8)]);
    match e.input {
        Input::Open { service, subject, facts } => {
            out.put(&[0]);
            out.put(&service.0.to_le_bytes());
            out.put(&subject.0.to_le_bytes());
            out.put(&facts.0.to_le_bytes());
        }
        Input::Claim { officer } => {
            out.put(&[1]);
            out.put(&officer.0.to_le_bytes());
        }
        Input::Release => out.put(&[2]),
        Input::TimerFired => out.put(&[3]),
        Input::Event(ev) => encode_event(out, ev),
    }
    for r in e.reasons.iter() {
        match *r {
            Reason::Rule { rule, input, observed, threshold } => {
                out.put(&[0x20 | input as u8]);
                out.put(&rule.0.to_le_bytes());
                out.put(&observed.to_le_bytes());
                out.put(&threshold.to_le_bytes());
            }
            Reason::Review { code } => {
                out.put(&[0x30]);
                out.put(&code.0.to_le_bytes());
            }
        }
    }
}

fn encode_event(out: &mut Encoder, ev: Event) {
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
    out.put(&[tag]);
    match ev {
        Event::Matched(m) => {
            out.put(&m.verify_score.to_le_bytes());
            out.put(&m.liveness_score.to_le_bytes());
            out.put(&m.best_candidate_score.unwrap_or(-1.0).to_le_bytes());
        }
        Event::CheckReturned(r) => out.put(&[r.code()]),
        Event::Reviewed(r) => {
            out.put(&r.officer.0.to_le_bytes());
            out.put(&[r.decision as u8]);
        }
        _ => {}
    }
}
