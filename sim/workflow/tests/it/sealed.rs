//! Sealed exports: an untouched log verifies, edits and deletions are caught, and a full
//! rewrite by someone without the key passes only the unkeyed check.

use navbat_workflow::seal::{
    decode_entry, entry_encoding, genesis_hash, hash_from_hex, merkle_root, next_hash, to_hex,
};
use navbat_workflow::{
    AuditKey, AuditReport, Case, CaseId, SealedLog, Timestamp, XesWriter, ocel_json,
    read_sealed_ocel, read_sealed_xes, verify_sealed, write_xes,
};

use crate::export::many_cases;

fn key() -> AuditKey {
    AuditKey::new(b"navbat test key: 32 bytes or more!".to_vec()).expect("long enough")
}

fn xes(key: Option<&AuditKey>) -> String {
    let st = many_cases();
    let cases: Vec<&Case> = st.cases().collect();
    let mut out = Vec::new();
    write_xes(&mut out, st.catalog(), cases, key).expect("xes");
    String::from_utf8(out).expect("utf8")
}

fn check(text: &str, key: Option<&AuditKey>) -> AuditReport {
    verify_sealed(&read_sealed_xes("test.xes", text).expect("readable"), key)
}

#[test]
fn an_untouched_export_verifies_with_and_without_the_key() {
    let text = xes(Some(&key()));
    let r = check(&text, None);
    assert!(r.is_ok(), "{:?}", r.findings);
    assert!(r.cases >= 20 && r.events > r.cases, "{r:?}");
    assert_eq!((r.broken, r.unauthenticated), (0, r.cases), "no key: nothing authenticated");
    let r = check(&text, Some(&key()));
    assert!(r.is_ok(), "{:?}", r.findings);
    assert_eq!((r.broken, r.unauthenticated), (0, 0));
    // Sealed without a key: fine without one, unauthenticated with one.
    let plain = xes(None);
    assert!(check(&plain, None).is_ok());
    let r = check(&plain, Some(&key()));
    assert!(!r.is_ok() && r.unauthenticated == r.cases, "{r:?}");
    let other = AuditKey::new(vec![9; 32]).expect("key");
    assert_eq!(check(&text, Some(&other)).unauthenticated, r.cases, "a wrong key fails");
}

#[test]
fn the_streaming_writer_seals_like_write_xes() {
    let st = many_cases();
    let cases: Vec<&Case> = st.cases().collect();
    for k in [None, Some(key())] {
        let mut w = XesWriter::new(std::io::Cursor::new(Vec::new()), k.clone()).expect("header");
        for c in &cases {
            w.write_case(st.catalog(), c).expect("trace");
        }
        let (out, seal) = w.finish().expect("footer");
        let mut whole = Vec::new();
        let seal2 =
            write_xes(&mut whole, st.catalog(), cases.iter().copied(), k.as_ref()).expect("xes");
        assert_eq!(out.into_inner(), whole);
        assert_eq!(seal, seal2);
    }
}

#[test]
fn editing_a_visible_timestamp_or_deleting_an_event_fails() {
    let text = xes(Some(&key()));
    // The third event's timestamp moved by a minute, nothing else touched.
    let at = text.match_indices("key=\"time:timestamp\" value=\"").nth(2).expect("3 events").0;
    let stamp = at + "key=\"time:timestamp\" value=\"".len();
    let old = &text[stamp..stamp + 29];
    let minute = &old[14..16];
    let new_minute = if minute == "59" {
        "58".to_owned()
    } else {
        format!("{:02}", minute.parse::<u8>().expect("minute") + 1)
    };
    let edited = format!("{}{new_minute}{}", &text[..stamp + 14], &text[stamp + 16..]);
    let r = check(&edited, None);
    assert_eq!(r.broken, 1, "{:?}", r.findings);
    assert!(r.findings[0].problem.starts_with("time "), "{}", r.findings[0]);
    assert!(r.findings[0].event.is_some());
    // The second event of the first trace deleted whole.
    let first = text.find("    <event>").expect("event");
    let second = first + 1 + text[first + 1..].find("    <event>").expect("second");
    let end = second + text[second..].find("    </event>\n").expect("end") + "    </event>\n".len();
    let deleted = format!("{}{}", &text[..second], &text[end..]);
    let r = check(&deleted, Some(&key()));
    assert!(!r.is_ok() && r.broken == 1, "{:?}", r.findings);
    assert!(r.findings[0].to_string().starts_with("case-"), "{}", r.findings[0]);
}

/// What someone who can write the log but holds no key can do: change an entry, then
/// recompute every chain hash after it, the case's head and the run's root with the crate's
/// public hashing. The old HMACs stay, as they cannot be recomputed.
fn rewrite(log: &mut SealedLog) {
    let case = &mut log.cases[0];
    let id = CaseId(case.name["case-".len()..].parse().expect("id"));
    let mut prev = genesis_hash(id);
    for (i, ev) in case.events.iter_mut().enumerate() {
        let bytes =
            navbat_workflow::seal::from_hex(ev.entry.as_deref().expect("entry")).expect("hex");
        let mut entry = decode_entry(&bytes).expect("decodes");
        assert_eq!(entry_encoding(&entry), bytes, "decoding round-trips");
        if i == 1 {
            entry.at = Timestamp(entry.at.0 - 3_600_000);
            ev.time = Some(entry.at.to_string());
        }
        let bytes = entry_encoding(&entry);
        prev = next_hash(&prev, &bytes);
        ev.entry = Some(to_hex(&bytes));
        ev.chain = Some(to_hex(&prev));
    }
    case.head = Some(to_hex(&prev));
    let heads: Vec<(CaseId, [u8; 32])> = log
        .cases
        .iter()
        .map(|c| {
            let id = CaseId(c.name["case-".len()..].parse().expect("id"));
            (id, hash_from_hex(c.head.as_deref().expect("head")).expect("hash"))
        })
        .collect();
    log.root = Some(to_hex(&merkle_root(&heads)));
}

#[test]
fn a_full_rewrite_passes_without_the_key_and_fails_with_it() {
    let text = xes(Some(&key()));
    let mut log = read_sealed_xes("test.xes", &text).expect("readable");
    rewrite(&mut log);
    let r = verify_sealed(&log, None);
    assert!(r.is_ok(), "unkeyed, a consistent rewrite is undetectable: {:?}", r.findings);
    let r = verify_sealed(&log, Some(&key()));
    assert!(!r.is_ok());
    assert_eq!(r.unauthenticated, 1, "{:?}", r.findings);
    let problems: Vec<String> = r.findings.iter().map(ToString::to_string).collect();
    assert!(problems.iter().any(|p| p.contains("navbat:head_hmac does not match")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("merkle_root_hmac does not match")), "{problems:?}");
}

#[test]
fn the_ocel_export_is_sealed_the_same_way() {
    let st = many_cases();
    let doc = ocel_json(st.catalog(), st.cases(), Some(&key())).expect("ocel");
    let text = doc.to_string();
    let log = read_sealed_ocel("test.jsonocel", &text).expect("readable");
    let r = verify_sealed(&log, Some(&key()));
    assert!(r.is_ok() && r.cases == st.cases().count(), "{:?}", r.findings);
    assert_eq!(r.events, st.cases().map(|c| c.log.len()).sum::<usize>());
    let mut log2 = log.clone();
    log2.cases[3].events[1].resource = Some("officer-999".into());
    let r = verify_sealed(&log2, None);
    assert_eq!(r.broken, 1, "{:?}", r.findings);
    assert!(r.findings[0].problem.starts_with("resource"), "{}", r.findings[0]);
    let mut log3 = log.clone();
    log3.cases.remove(2);
    let r = verify_sealed(&log3, None);
    assert!(r.findings.iter().any(|f| f.problem.contains("merkle_root does not match")));
    let mut log4 = log;
    rewrite(&mut log4);
    assert!(verify_sealed(&log4, None).is_ok());
    assert!(!verify_sealed(&log4, Some(&key())).is_ok());
}
