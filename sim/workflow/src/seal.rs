//! Sealing exported case logs: each event carries its entry's encoding and chain hash, each
//! case its head and the head's HMAC, each run a Merkle root over all heads and its HMAC.
//!
//! # The seal
//!
//! - **Entry.** An exported event carries `navbat:entry`, the hex of the exact bytes the
//!   chain hashes for its log entry ([`entry_encoding`]), and `navbat:chain`, the entry's
//!   hash: SHA-256(previous hash ‖ encoding), starting from [`genesis_hash`] of the case id
//!   ([`next_hash`]). A verifier decodes the encoding ([`decode_entry`]) and checks that the
//!   event's visible attributes (timestamp, sequence number, resource, activity, step) agree
//!   with it, so editing what a reader sees without the encoding is caught, and editing the
//!   encoding breaks the chain.
//! - **Case.** A trace (XES) or case object (OCEL) carries `navbat:head`, the last hash of its
//!   chain, and with a key `navbat:head_hmac` = HMAC-SHA-256(key, "navbat-workflow/head/v1" ‖
//!   case id as 8 bytes little-endian ‖ head) ([`head_hmac`]).
//! - **Run.** The log's header carries `navbat:merkle_root` over all heads ([`merkle_root`]),
//!   and with a key `navbat:merkle_root_hmac` = HMAC-SHA-256(key, "navbat-workflow/root/v1" ‖
//!   root) ([`root_hmac`]). The tree: heads sorted by case id; SHA-256 throughout; leaf =
//!   H(0x00 ‖ case id as 8 bytes little-endian ‖ head); node = H(0x01 ‖ left ‖ right); a level
//!   with an odd number of nodes promotes its last node unchanged to the next level; the root
//!   of no cases is H() (SHA-256 of nothing). The same heads, with their HMACs and the root,
//!   go to a heads file ([`RunSeal::write_heads_csv`]) that can be kept apart from the log.
//!
//! # Audit trail: threat model
//!
//! What is protected: given the key, a verifier of an exported log detects any change to a
//! sealed event's encoding or chain hash, to its timestamp, sequence number, resource or
//! activity, the deletion, insertion or reordering of events, the removal or addition of a
//! case, and a rewrite of a whole case or run (the heads' and the root's HMACs no longer
//! match). Without the key, the chain only shows that a log is *self-consistent*: anyone can
//! rewrite an event and recompute every hash, head and the root with this module's public
//! functions, and such a log verifies.
//!
//! What is not protected:
//! - **A key holder can forge.** The HMAC is symmetric: whoever holds the key (the twin's
//!   operator, a verifier given the key) can seal any log they like. The key shows that a key
//!   holder sealed the log, not that the log is true.
//! - **The twin only attests what it wrote.** A seal says "this is the log navbat exported";
//!   it says nothing about whether the simulated cases, or the records fed to the twin, were
//!   right, nor about logs that were never exported.
//! - **Verification is of exported logs.** It checks a file against its own seal (and the
//!   key); the case store's in-memory chain is checked by [`crate::verify_chain`]. A log
//!   replaced whole by an older sealed log of the same key verifies; compare the root with a
//!   copy of the heads file kept elsewhere to catch that.
//! - Step names are checked for consistency within the log (one name per step of a service),
//!   not against the service definitions, which the log does not carry; reason texts are not
//!   checked (their numbers are in the encoding).
//! - The key is read from a file and never written to any output; a key file readable by
//!   whoever can write the logs protects nothing.

use std::io::Write;
use std::path::Path;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::case::{
    CaseId, CheckResult, Decision, Event, Hash, Input, LogEntry, MatchInputs, OfficerId, Pseudonym,
    Reason, Reasons, Review, ReviewReasons, RuleInput,
};
use crate::definition::{Facts, ReasonCode, RuleId, ServiceId, StepId, Trigger};
use crate::error::WorkflowError;
use crate::time::Timestamp;

/// A secret key for the heads' HMACs: at least [`AuditKey::MIN_LEN`] bytes. Its `Debug` shows
/// only its length.
#[derive(Clone)]
pub struct AuditKey {
    bytes: Vec<u8>,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuditKey({} bytes)", self.bytes.len())
    }
}

impl AuditKey {
    /// Fewest bytes a key may have (the HMAC-SHA-256 output size).
    pub const MIN_LEN: usize = 32;

    /// A key from its bytes; an error when there are fewer than [`AuditKey::MIN_LEN`].
    pub fn new(bytes: Vec<u8>) -> Result<Self, WorkflowError> {
        if bytes.len() < Self::MIN_LEN {
            return Err(WorkflowError::AuditKey {
                path: Default::default(),
                problem: format!(
                    "expected at least {} bytes, found {}",
                    Self::MIN_LEN,
                    bytes.len()
                ),
            });
        }
        Ok(AuditKey { bytes })
    }

    /// The key file's bytes, as they are (no trimming): a missing, unreadable or short file
    /// is an error naming it.
    pub fn read(path: &Path) -> Result<Self, WorkflowError> {
        let bytes = std::fs::read(path).map_err(|e| WorkflowError::AuditKey {
            path: path.to_path_buf(),
            problem: format!("cannot read the key file: {e}"),
        })?;
        AuditKey::new(bytes).map_err(|e| match e {
            WorkflowError::AuditKey { problem, .. } => {
                WorkflowError::AuditKey { path: path.to_path_buf(), problem }
            }
            other => other,
        })
    }

    fn mac(&self, parts: &[&[u8]]) -> Hash {
        // HMAC takes keys of any length, so this cannot fail.
        let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(&self.bytes) {
            Ok(m) => m,
            Err(_) => return [0; 32],
        };
        for p in parts {
            mac.update(p);
        }
        mac.finalize().into_bytes().into()
    }
}

/// The hash a case's chain starts from: SHA-256("navbat-workflow/audit/v1" ‖ case id as 8
/// bytes little-endian).
pub fn genesis_hash(id: CaseId) -> Hash {
    crate::chain::genesis(id)
}

/// The exact bytes the chain hashes for `entry` after the previous hash.
pub fn entry_encoding(entry: &LogEntry) -> Vec<u8> {
    crate::chain::encoding(entry)
}

/// The next link: SHA-256(`prev` ‖ `encoding`).
pub fn next_hash(prev: &Hash, encoding: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(encoding);
    h.finalize().into()
}

/// HMAC-SHA-256 of a case's head (see the module doc).
pub fn head_hmac(key: &AuditKey, case: CaseId, head: &Hash) -> Hash {
    key.mac(&[b"navbat-workflow/head/v1", &case.0.to_le_bytes(), head])
}

/// HMAC-SHA-256 of a run's Merkle root (see the module doc).
pub fn root_hmac(key: &AuditKey, root: &Hash) -> Hash {
    key.mac(&[b"navbat-workflow/root/v1", root])
}

/// The Merkle root over case heads (any order: they are sorted by case id here).
pub fn merkle_root(heads: &[(CaseId, Hash)]) -> Hash {
    let mut sorted: Vec<&(CaseId, Hash)> = heads.iter().collect();
    sorted.sort_by_key(|(id, _)| *id);
    let mut level: Vec<Hash> = sorted
        .iter()
        .map(|(id, head)| {
            let mut h = Sha256::new();
            h.update([0x00]);
            h.update(id.0.to_le_bytes());
            h.update(head);
            h.finalize().into()
        })
        .collect();
    if level.is_empty() {
        return Sha256::digest([]).into();
    }
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [left, right] => {
                    let mut h = Sha256::new();
                    h.update([0x01]);
                    h.update(left);
                    h.update(right);
                    h.finalize().into()
                }
                [single] => *single,
                _ => [0; 32],
            })
            .collect();
    }
    level[0]
}

/// Lower-case hex of some bytes.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// Bytes from hex (either case); `None` when it is not hex.
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    let t = text.as_bytes();
    if !t.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| char::from(c).to_digit(16).map(|d| d as u8);
    t.chunks_exact(2).map(|p| Some(digit(p[0])? << 4 | digit(p[1])?)).collect()
}

/// A hash from 64 hex digits.
pub fn hash_from_hex(text: &str) -> Option<Hash> {
    from_hex(text)?.try_into().ok()
}

/// Reads an encoding field by field.
struct Decoder<'a> {
    rest: &'a [u8],
}

impl Decoder<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], &'static str> {
        let (head, rest) = self.rest.split_first_chunk::<N>().ok_or("encoding ends early")?;
        self.rest = rest;
        Ok(*head)
    }

    fn u8(&mut self) -> Result<u8, &'static str> {
        Ok(self.take::<1>()?[0])
    }
    fn u16(&mut self) -> Result<u16, &'static str> {
        Ok(u16::from_le_bytes(self.take()?))
    }
    fn u32(&mut self) -> Result<u32, &'static str> {
        Ok(u32::from_le_bytes(self.take()?))
    }
    fn f32(&mut self) -> Result<f32, &'static str> {
        Ok(f32::from_le_bytes(self.take()?))
    }
}

/// The log entry an encoding describes (the inverse of [`entry_encoding`]). The encoding
/// holds no hash (the returned `hash` is zero), and a review's reason codes are held as the
/// entry's reasons, so the decoded [`Review::reasons`] is empty.
pub fn decode_entry(encoding: &[u8]) -> Result<LogEntry, WorkflowError> {
    decode(encoding).map_err(|problem| WorkflowError::SealedLog {
        origin: "entry encoding".to_owned(),
        problem: problem.to_owned(),
    })
}

fn decode(encoding: &[u8]) -> Result<LogEntry, &'static str> {
    let mut d = Decoder { rest: encoding };
    let seq = d.u32()?;
    let at = Timestamp(i64::from_le_bytes(d.take()?));
    let from = StepId(d.u16()?);
    let to = StepId(d.u16()?);
    let trigger = match d.u8()? {
        0xff => None,
        t => Some(*Trigger::ALL.get(usize::from(t)).ok_or("unknown trigger code")?),
    };
    let input = match d.u8()? {
        0 => Input::Open {
            service: ServiceId(d.u16()?),
            subject: Pseudonym(u64::from_le_bytes(d.take()?)),
            facts: Facts(d.u16()?),
        },
        1 => Input::Claim { officer: OfficerId(d.u32()?) },
        2 => Input::Release,
        3 => Input::TimerFired,
        tag => Input::Event(decode_event(tag, &mut d)?),
    };
    let mut reasons = Reasons::default();
    let mut count = 0;
    while !d.rest.is_empty() {
        count += 1;
        if count > 4 {
            return Err("more than four reasons");
        }
        let tag = d.u8()?;
        let reason = match tag {
            0x20..=0x23 => Reason::Rule {
                input: [
                    RuleInput::VerifyScore,
                    RuleInput::Liveness,
                    RuleInput::CandidateScore,
                    RuleInput::CheckResult,
                ][usize::from(tag & 3)],
                rule: RuleId(d.u16()?),
                observed: d.f32()?,
                threshold: d.f32()?,
            },
            0x30 => Reason::Review { code: ReasonCode(d.u16()?) },
            _ => return Err("unknown reason tag"),
        };
        reasons.push(reason);
    }
    Ok(LogEntry { seq, at, input, trigger, from, to, reasons, hash: [0; 32] })
}

fn decode_event(tag: u8, d: &mut Decoder<'_>) -> Result<Event, &'static str> {
    Ok(match tag {
        10 => Event::Captured,
        11 => {
            let verify_score = d.f32()?;
            let liveness_score = d.f32()?;
            let best = d.f32()?;
            // The encoding writes "no candidate" as -1.
            let best_candidate_score = (best != -1.0).then_some(best);
            Event::Matched(MatchInputs { verify_score, liveness_score, best_candidate_score })
        }
        12 => Event::Paid,
        13 => Event::ConsentGiven,
        14 => Event::ConsentRefused,
        15 => Event::ConsentTimedOut,
        16 => Event::CheckReturned(match d.u8()? {
            0 => CheckResult::Clear,
            1 => CheckResult::Hit,
            2 => CheckResult::Failed,
            _ => return Err("unknown check result"),
        }),
        17 => {
            let officer = OfficerId(d.u32()?);
            let decision = match d.u8()? {
                0 => Decision::Approve,
                1 => Decision::Reject,
                2 => Decision::Done { branch: d.u8()? },
                _ => return Err("unknown decision"),
            };
            Event::Reviewed(Review { officer, decision, reasons: ReviewReasons::default() })
        }
        18 => Event::Produced,
        19 => Event::Collected,
        20 => Event::Appealed,
        21 => Event::Withdrawn,
        _ => return Err("unknown input tag"),
    })
}

/// One case's head in a run's seal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseHead {
    /// The case.
    pub case: CaseId,
    /// Its service's name.
    pub service: String,
    /// The last hash of its chain.
    pub head: Hash,
    /// [`head_hmac`] of it, when a key was given.
    pub hmac: Option<Hash>,
}

impl CaseHead {
    /// The head of case `case`, authenticated when `key` is given.
    pub fn new(case: CaseId, service: &str, head: Hash, key: Option<&AuditKey>) -> Self {
        CaseHead {
            case,
            service: service.to_owned(),
            head,
            hmac: key.map(|k| head_hmac(k, case, &head)),
        }
    }
}

/// A run's seal: every case's head (sorted by case id), their Merkle root and its HMAC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunSeal {
    /// The heads, sorted by case id.
    pub heads: Vec<CaseHead>,
    /// [`merkle_root`] of the heads.
    pub root: Hash,
    /// [`root_hmac`] of the root, when a key was given.
    pub root_hmac: Option<Hash>,
}

impl RunSeal {
    /// Seal `heads` (any order).
    pub fn new(mut heads: Vec<CaseHead>, key: Option<&AuditKey>) -> Self {
        heads.sort_by_key(|h| h.case);
        let pairs: Vec<(CaseId, Hash)> = heads.iter().map(|h| (h.case, h.head)).collect();
        let root = merkle_root(&pairs);
        RunSeal { heads, root, root_hmac: key.map(|k| root_hmac(k, &root)) }
    }

    /// The heads file: `case,service,head,hmac`, one row per case (by case id, hex hashes,
    /// `hmac` empty without a key), then `merkle-root,,ROOT,ROOT_HMAC`.
    pub fn write_heads_csv<W: Write>(&self, mut out: W) -> Result<(), WorkflowError> {
        let err = |e: std::io::Error| WorkflowError::Export { message: e.to_string() };
        let hex_or_empty = |h: &Option<Hash>| h.as_ref().map(|h| to_hex(h)).unwrap_or_default();
        writeln!(out, "case,service,head,hmac").map_err(err)?;
        for h in &self.heads {
            // Service names are identifiers (no commas or quotes); quote anyway if one is not.
            let service = if h.service.contains([',', '"', '\n']) {
                format!("\"{}\"", h.service.replace('"', "\"\""))
            } else {
                h.service.clone()
            };
            writeln!(out, "{},{service},{},{}", h.case.0, to_hex(&h.head), hex_or_empty(&h.hmac))
                .map_err(err)?;
        }
        writeln!(out, "merkle-root,,{},{}", to_hex(&self.root), hex_or_empty(&self.root_hmac))
            .map_err(err)?;
        out.flush().map_err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(b: u8) -> Hash {
        [b; 32]
    }

    fn leaf(id: u64, head: &Hash) -> Hash {
        let mut v = vec![0u8];
        v.extend(id.to_le_bytes());
        v.extend(head);
        Sha256::digest(&v).into()
    }

    fn node(l: &Hash, r: &Hash) -> Hash {
        let mut v = vec![1u8];
        v.extend(l);
        v.extend(r);
        Sha256::digest(&v).into()
    }

    #[test]
    fn the_merkle_tree_is_the_documented_one() {
        assert_eq!(merkle_root(&[]), <Hash>::from(Sha256::digest([])));
        assert_eq!(merkle_root(&[(CaseId(5), h(1))]), leaf(5, &h(1)));
        // Three heads given out of order: sorted by id, the third is promoted.
        let root = merkle_root(&[(CaseId(9), h(3)), (CaseId(2), h(1)), (CaseId(4), h(2))]);
        let want = node(&node(&leaf(2, &h(1)), &leaf(4, &h(2))), &leaf(9, &h(3)));
        assert_eq!(root, want);
    }

    #[test]
    fn the_hmac_is_rfc_2104_hmac_sha256_of_the_tagged_message() {
        // RFC 4231 test case 2 checks the primitive itself.
        let key = AuditKey { bytes: b"Jefe".to_vec() };
        let mac = key.mac(&[b"what do ya want ", b"for nothing?"]);
        assert_eq!(
            to_hex(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let key = AuditKey::new(vec![7; 32]).expect("32 bytes");
        assert_ne!(head_hmac(&key, CaseId(1), &h(0)), head_hmac(&key, CaseId(2), &h(0)));
        assert_ne!(root_hmac(&key, &h(0)), head_hmac(&key, CaseId(0), &h(0)));
    }

    #[test]
    fn short_keys_are_refused() {
        let e = AuditKey::new(vec![1; 31]).expect_err("31 bytes");
        assert!(e.to_string().contains("at least 32 bytes, found 31"), "{e}");
        let e = AuditKey::read(Path::new("/nonexistent/navbat.key")).expect_err("missing");
        assert!(e.to_string().contains("/nonexistent/navbat.key"), "{e}");
        assert_eq!(format!("{:?}", AuditKey::new(vec![1; 40]).expect("ok")), "AuditKey(40 bytes)");
    }

    #[test]
    fn hex_round_trips() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(from_hex(&to_hex(&bytes)), Some(bytes));
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("zz"), None);
        assert_eq!(hash_from_hex(&"AB".repeat(32)), Some([0xab; 32]));
    }

    #[test]
    fn trigger_codes_are_their_place_in_all() {
        for (i, t) in Trigger::ALL.iter().enumerate() {
            assert_eq!(*t as u8 as usize, i);
        }
    }

    #[test]
    fn decoding_inverts_the_encoding() {
        let mut reasons = Reasons::default();
        reasons.push(Reason::Rule {
            rule: RuleId(3),
            input: RuleInput::Liveness,
            observed: 0.25,
            threshold: 0.5,
        });
        reasons.push(Reason::Review { code: ReasonCode(2) });
        let inputs = [
            Input::Open { service: ServiceId(2), subject: Pseudonym(99), facts: Facts(3) },
            Input::Claim { officer: OfficerId(12) },
            Input::Release,
            Input::TimerFired,
            Input::Event(Event::Matched(MatchInputs {
                verify_score: 0.9,
                liveness_score: 0.7,
                best_candidate_score: None,
            })),
            Input::Event(Event::CheckReturned(CheckResult::Hit)),
            Input::Event(Event::Reviewed(Review {
                officer: OfficerId(4),
                decision: Decision::Reject,
                reasons: ReviewReasons::default(),
            })),
            Input::Event(Event::Withdrawn),
        ];
        for (i, input) in inputs.into_iter().enumerate() {
            let e = LogEntry {
                seq: i as u32,
                at: Timestamp(1_000 * i as i64),
                input,
                trigger: Trigger::ALL.get(i).copied(),
                from: StepId(1),
                to: StepId(i as u16),
                reasons,
                hash: [0; 32],
            };
            let bytes = entry_encoding(&e);
            assert_eq!(decode_entry(&bytes).expect("decodes"), e, "{input:?}");
            assert!(decode_entry(&bytes[..bytes.len() - 1]).is_err());
            let prev = h(9);
            assert_eq!(next_hash(&prev, &bytes), crate::chain::chain_hash(&prev, &e));
        }
    }
}
