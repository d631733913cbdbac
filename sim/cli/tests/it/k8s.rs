//! The Kubernetes recipe (`deploy/k8s`): the manifests parse, the Indexed Job's completion
//! indexes are the shards `--shard` numbers, the merge Job lists exactly those shards' folders,
//! and the containers' arguments, run here one index at a time, give the single machine's
//! sweep byte for byte.

use std::path::{Path, PathBuf};

use serde_norway::Value;

use super::{navbat, path, stderr};

fn k8s(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/k8s").join(file)
}

/// Every document of a multi-document YAML file.
fn documents(file: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(k8s(file)).expect("manifest");
    serde_norway::Deserializer::from_str(&text)
        .map(|d| serde::Deserialize::deserialize(d).expect("a YAML document"))
        .collect()
}

fn job<'a>(docs: &'a [Value], name: &str) -> &'a Value {
    docs.iter()
        .find(|d| d["kind"].as_str() == Some("Job") && d["metadata"]["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("no Job {name}"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_sequence()
        .expect("a list")
        .iter()
        .map(|a| a.as_str().expect("a string").to_owned())
        .collect()
}

#[test]
fn the_indexed_job_and_the_merge_name_the_shards_of_shard() {
    let sweep_docs = documents("sweep.yaml");
    let shards = job(&sweep_docs, "navbat-sweep");
    let spec = &shards["spec"];
    assert_eq!(spec["completionMode"].as_str(), Some("Indexed"));
    let n = spec["completions"].as_u64().expect("completions");
    assert!(spec["parallelism"].as_u64().expect("parallelism") <= n);
    let container = &spec["template"]["spec"]["containers"][0];
    // The shard number is the completion index, from the downward API.
    let env = &container["env"][0];
    assert_eq!(env["name"].as_str(), Some("SHARD_INDEX"));
    assert_eq!(
        env["valueFrom"]["fieldRef"]["fieldPath"].as_str(),
        Some("metadata.annotations['batch.kubernetes.io/job-completion-index']")
    );
    let args = strings(&container["args"]);
    assert_eq!(args[0], "sweep");
    let shard_at = args.iter().position(|a| a == "--shard").expect("--shard") + 1;
    assert_eq!(args[shard_at], format!("$(SHARD_INDEX)/{n}"), "--shard I/N with N = completions");
    let out_at = args.iter().position(|a| a == "--out").expect("--out") + 1;
    let out = &args[out_at];
    assert!(out.contains("$(SHARD_INDEX)"), "{out}");

    let merge_docs = documents("merge.yaml");
    let merge = strings(
        &job(&merge_docs, "navbat-merge")["spec"]["template"]["spec"]["containers"][0]["args"],
    );
    assert_eq!(merge[0], "merge");
    let merged_at = merge.iter().position(|a| a == "--out").expect("--out");
    let expected: Vec<String> =
        (0..n).map(|i| out.replace("$(SHARD_INDEX)", &i.to_string())).collect();
    assert_eq!(merge[1..merged_at], expected[..], "the merge lists every shard once");

    // Run the containers' arguments here, index by index, with the volume and the sweep file
    // mapped to a scratch folder and a small sweep; then the merge's.
    let dir = std::env::temp_dir().join(format!("navbat-k8s-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch");
    let sweep = dir.join("sweep.ron");
    std::fs::write(
        &sweep,
        format!(
            r#"Sweep(scenario: "{}", replications: 1, seed: 3, baseline: true,
               axes: [(path: "sites.*.kiosks.k.count", values: [1, 2]),
                      (path: "horizon.end", values: ["2026-05-09"])])"#,
            path("pilot-2026.ron")
        ),
    )
    .expect("sweep file");
    let volume = dir.join("results").display().to_string();
    let local = |a: &str, index: Option<u64>| {
        let a = a.replace("/sweep/sweep.ron", &sweep.display().to_string());
        let a = a.replace("/results", &volume);
        match index {
            Some(i) => a.replace("$(SHARD_INDEX)", &i.to_string()),
            None => a,
        }
    };
    for i in 0..n {
        let a: Vec<String> = args.iter().map(|a| local(a, Some(i))).collect();
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let o = navbat(&a);
        assert!(o.status.success(), "shard {i}: {}", stderr(&o));
    }
    let m: Vec<String> = merge.iter().map(|a| local(a, None)).collect();
    let m: Vec<&str> = m.iter().map(String::as_str).collect();
    let o = navbat(&m);
    assert!(o.status.success(), "merge: {}", stderr(&o));
    let one = dir.join("one").display().to_string();
    let o = navbat(&["sweep", &sweep.display().to_string(), "--out", &one]);
    assert!(o.status.success(), "single sweep: {}", stderr(&o));
    let merged = Path::new(&local(&merge[merged_at + 1], None)).to_path_buf();
    for file in ["sweep.csv", "summary.json", "manifest.sha256"] {
        let (a, b) = (std::fs::read(dir.join("one").join(file)), std::fs::read(merged.join(file)));
        assert!(a.expect("single") == b.expect("merged"), "{file} differs");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_config_maps_sweep_is_a_valid_sweep_of_the_shipped_scenario() {
    let docs = documents("sweep.yaml");
    let map = docs.iter().find(|d| d["kind"].as_str() == Some("ConfigMap")).expect("ConfigMap");
    let text = map["data"]["sweep.ron"].as_str().expect("sweep.ron");
    // The image ships the scenarios under /opt/navbat/scenarios.
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let text = text.replace("/opt/navbat/scenarios", &scenarios.display().to_string());
    let dir = std::env::temp_dir().join(format!("navbat-k8s-map-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch");
    let file = dir.join("sweep.ron");
    std::fs::write(&file, text).expect("sweep file");
    // Shard 99 999 of 100 000 runs none of the 150 evaluations: it only validates every point.
    let out = dir.join("out").display().to_string();
    let o =
        navbat(&["sweep", &file.display().to_string(), "--shard", "99999/100000", "--out", &out]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("0 of 150 evaluations"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}
