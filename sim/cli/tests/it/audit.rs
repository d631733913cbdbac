//! `navbat run --event-log … --audit-key` and `navbat audit verify`: a sealed log verifies,
//! edits fail, and a full rewrite without the key passes only the unkeyed check.

use std::path::{Path, PathBuf};

use navbat_workflow::CaseId;
use navbat_workflow::seal::{
    decode_entry, entry_encoding, from_hex, genesis_hash, hash_from_hex, merkle_root, next_hash,
    to_hex,
};

use super::{navbat, path, stderr, stdout};

/// A folder with a 48-byte key and a two-day pilot exported as `cases.xes` and
/// `cases.jsonocel`, sealed with that key.
fn exported(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("navbat-audit-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("k.key"), [0x5a; 48]).expect("key");
    for file in ["cases.xes", "cases.jsonocel"] {
        let o = navbat(&[
            "run",
            &path("pilot-2026.ron"),
            "--replications",
            "1",
            "--set",
            "horizon.end=\"2026-05-05\"",
            "--set",
            "horizon.warm_up_days=1",
            "--set",
            "candidates=[]",
            "--event-log",
            &dir.join(file).display().to_string(),
            "--audit-key",
            &dir.join("k.key").display().to_string(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert!(dir.join("cases.heads.csv").exists(), "heads file beside the log");
    dir
}

/// `navbat audit verify LOG [--key k.key]`: (exit code, stdout).
fn verify(dir: &Path, log: &str, keyed: bool) -> (Option<i32>, String) {
    let log = dir.join(log).display().to_string();
    let key = dir.join("k.key").display().to_string();
    let mut args = vec!["audit", "verify", &log];
    if keyed {
        args.extend(["--key", &key]);
    }
    let o = navbat(&args);
    (o.status.code(), stdout(&o))
}

/// The value of `key="…" value="…"` on a line.
fn value_of(line: &str) -> &str {
    let start = line.find("value=\"").expect("value") + "value=\"".len();
    &line[start..start + line[start..].find('"').expect("closing quote")]
}

fn with_value(line: &str, new: &str) -> String {
    line.replace(value_of(line), new)
}

#[test]
fn an_untouched_export_verifies_with_and_without_the_key() {
    let dir = exported("clean");
    for log in ["cases.xes", "cases.jsonocel"] {
        for keyed in [false, true] {
            let (code, out) = verify(&dir, log, keyed);
            assert_eq!(code, Some(0), "{log} keyed={keyed}: {out}");
            assert!(out.contains(" 0 broken") && out.contains("verified"), "{out}");
        }
        let (_, out) = verify(&dir, log, true);
        assert!(out.contains(" 0 unauthenticated"), "{out}");
    }
    let heads = std::fs::read_to_string(dir.join("cases.heads.csv")).expect("heads");
    let xes = std::fs::read_to_string(dir.join("cases.xes")).expect("xes");
    let root = heads.lines().last().expect("root line");
    assert!(root.starts_with("merkle-root,,"), "{root}");
    let root = root.split(',').nth(2).expect("root");
    assert!(xes.contains(&format!("key=\"navbat:merkle_root\" value=\"{root}\"")));
    assert!(!xes.contains(&to_hex(&[0x5a; 48])), "the key is never written");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn editing_a_timestamp_or_deleting_an_event_fails() {
    let dir = exported("edit");
    let xes = std::fs::read_to_string(dir.join("cases.xes")).expect("xes");
    // One event's timestamp, one second later.
    let line = xes.lines().filter(|l| l.contains("time:timestamp")).nth(5).expect("6 events");
    let stamp = value_of(line);
    let later = stamp.replacen(&stamp[17..19], if &stamp[17..19] == "59" { "58" } else { "59" }, 1);
    std::fs::write(dir.join("edited.xes"), xes.replacen(line, &with_value(line, &later), 1))
        .expect("write");
    for keyed in [false, true] {
        let (code, out) = verify(&dir, "edited.xes", keyed);
        assert_eq!(code, Some(1), "{out}");
        assert!(out.contains("1 broken") && out.contains("FAILED"), "{out}");
        let finding = out.lines().next().expect("a finding");
        assert!(finding.starts_with("case-") && finding.contains(", event "), "{finding}");
        assert!(finding.contains("time"), "{finding}");
    }
    // The last event of the first trace removed.
    let end = xes.find("  </trace>").expect("a trace");
    let start = xes[..end].rfind("    <event>").expect("an event");
    std::fs::write(dir.join("deleted.xes"), format!("{}{}", &xes[..start], &xes[end..]))
        .expect("write");
    let (code, out) = verify(&dir, "deleted.xes", false);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("navbat:head is not the last chain hash"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// What someone who can write the log but holds no key can do with navbat-workflow's public
/// hashing: move the second event of the first case an hour back (in its encoding and its
/// visible timestamp), recompute that case's chain hashes and head, and the run's Merkle root.
fn rewrite_without_the_key(xes: &str) -> String {
    let log = navbat_workflow::read_sealed_xes("cases.xes", xes).expect("readable");
    let first = &log.cases[0];
    let id = CaseId(first.name["case-".len()..].parse().expect("case id"));
    let mut out: Vec<String> = Vec::new();
    let (mut in_first, mut event, mut prev) = (false, 0usize, genesis_hash(id));
    let mut time_line = None;
    for line in xes.lines() {
        let mut line = line.to_owned();
        if line == "  <trace>" {
            in_first = event == 0;
        } else if line == "  </trace>" {
            in_first = false;
        } else if in_first && event == 1 && line.contains("key=\"time:timestamp\"") {
            time_line = Some(out.len());
        } else if in_first && line.contains("key=\"navbat:entry\"") {
            let mut e = decode_entry(&from_hex(value_of(&line)).expect("hex")).expect("entry");
            if event == 1 {
                e.at = navbat_workflow::Timestamp(e.at.0 - 3_600_000);
                let at = time_line.expect("the timestamp comes first");
                out[at] = with_value(&out[at], &e.at.to_string());
            }
            let bytes = entry_encoding(&e);
            prev = next_hash(&prev, &bytes);
            line = with_value(&line, &to_hex(&bytes));
        } else if in_first && line.contains("key=\"navbat:chain\"") {
            line = with_value(&line, &to_hex(&prev));
            event += 1;
        }
        out.push(line);
    }
    // The case's new head, and the run's new root over every head.
    let mut heads: Vec<(CaseId, [u8; 32])> = log
        .cases
        .iter()
        .map(|c| {
            let id = CaseId(c.name["case-".len()..].parse().expect("id"));
            (id, hash_from_hex(c.head.as_deref().expect("head")).expect("hash"))
        })
        .collect();
    heads[0].1 = prev;
    let root = merkle_root(&heads);
    let old_head = first.head.clone().expect("head");
    let old_root = log.root.clone().expect("root");
    (out.join("\n") + "\n").replacen(&old_head, &to_hex(&prev), 1).replacen(
        &old_root,
        &to_hex(&root),
        1,
    )
}

#[test]
fn a_full_rewrite_passes_without_the_key_and_fails_with_it() {
    let dir = exported("rewrite");
    let xes = std::fs::read_to_string(dir.join("cases.xes")).expect("xes");
    std::fs::write(dir.join("forged.xes"), rewrite_without_the_key(&xes)).expect("write");
    let (code, out) = verify(&dir, "forged.xes", false);
    assert_eq!(code, Some(0), "without the key a consistent rewrite is undetectable: {out}");
    let (code, out) = verify(&dir, "forged.xes", true);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("navbat:head_hmac does not match"), "{out}");
    assert!(out.contains("merkle_root_hmac does not match"), "{out}");
    assert!(out.contains("0 broken, 1 unauthenticated"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_missing_or_short_key_is_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("navbat-audit-key-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("short.key"), [1u8; 16]).expect("key");
    let log = dir.join("cases.xes").display().to_string();
    for (key, words) in
        [("missing.key", "cannot read the key file"), ("short.key", "at least 32 bytes, found 16")]
    {
        let key = dir.join(key).display().to_string();
        let o = navbat(&[
            "run",
            &path("pilot-2026.ron"),
            "--replications",
            "1",
            "--set",
            "horizon.end=\"2026-05-05\"",
            "--set",
            "horizon.warm_up_days=1",
            "--event-log",
            &log,
            "--audit-key",
            &key,
        ]);
        assert_eq!(o.status.code(), Some(1));
        let err = stderr(&o).split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(err.contains(&key) && err.contains(words), "{err}");
        assert!(!dir.join("cases.xes").exists(), "nothing written");
        std::fs::write(&log, "<log/>").expect("a log");
        let o = navbat(&["audit", "verify", &log, "--key", &key]);
        assert_eq!(o.status.code(), Some(1));
        let err = stderr(&o).split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(err.contains(&key) && err.contains(words), "{err}");
        std::fs::remove_file(&log).expect("remove");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
