//! The Rust side of the FAISS comparison (`benches/faiss/run.sh`): exports the bench data set
//! as raw little-endian f32 files, and measures this crate's search on the same files.
//!
//! `side_by_side export DIR N Q` writes `DIR/gallery.f32` (N×512), `DIR/queries.f32` (Q×512)
//! and `DIR/meta.json`; `side_by_side measure DIR` prints one JSON line per configuration.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "an example stops if its bundled fixtures do not load"
)]

#[path = "../benches/common/mod.rs"]
mod common;

use std::path::Path;
use std::time::Instant;

use navbat_matching::{Gallery, IdentityId, Rescoring, Template};

fn write_f32(path: &Path, templates: &[Template]) -> std::io::Result<()> {
    let mut bytes = Vec::with_capacity(templates.len() * 512 * 4);
    for t in templates {
        for v in t.as_slice() {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
    }
    std::fs::write(path, bytes)
}

fn read_f32(path: &Path, d: usize) -> std::io::Result<Vec<Template>> {
    let bytes = std::fs::read(path)?;
    let values: Vec<f32> =
        bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    Ok(values
        .chunks_exact(d)
        .map(|v| Template::new(v.to_vec()).expect("exported templates are valid"))
        .collect())
}

fn measure(dir: &Path) -> std::io::Result<()> {
    let d = 512;
    let gallery_templates = read_f32(&dir.join("gallery.f32"), d)?;
    let probes = read_f32(&dir.join("queries.f32"), d)?;
    let k = 10;
    let started = Instant::now();
    let exact = common::exact_top_k(&gallery_templates, &probes, k);
    let exact_s = started.elapsed().as_secs_f64();
    println!(
        "{{\"engine\":\"navbat\",\"index\":\"brute-force f32 (ground truth, unoptimised)\",\"n\":{},\"queries\":{},\"batch_qps\":{:.1}}}",
        gallery_templates.len(),
        probes.len(),
        probes.len() as f64 / exact_s
    );
    for rescoring in [Rescoring::QuantizedOnly, Rescoring::Exact] {
        let mut gallery = Gallery::with_rescoring(d, rescoring).expect("valid dimension");
        gallery.reserve(gallery_templates.len());
        for (i, t) in gallery_templates.iter().enumerate() {
            gallery.enrol(IdentityId(i as u64), t).expect("new id");
        }
        let started = Instant::now();
        let batch = gallery.search_batch(&probes, k).expect("non-empty gallery");
        let batch_s = started.elapsed().as_secs_f64();
        let single_n = probes.len().min(200);
        let started = Instant::now();
        for probe in &probes[..single_n] {
            std::hint::black_box(gallery.search(probe, k).expect("non-empty gallery"));
        }
        let single_s = started.elapsed().as_secs_f64();
        let found: Vec<Vec<u64>> =
            batch.iter().map(|c| c.iter().map(|c| c.id.0).collect()).collect();
        println!(
            "{{\"engine\":\"navbat\",\"index\":\"int8 exact scan, rescoring {:?}\",\"n\":{},\"queries\":{},\"batch_qps\":{:.1},\"single_qps\":{:.1},\"recall_at_10\":{:.5},\"memory_bytes\":{}}}",
            rescoring,
            gallery.len(),
            probes.len(),
            probes.len() as f64 / batch_s,
            single_n as f64 / single_s,
            common::recall(&exact, &found),
            gallery.memory_bytes()
        );
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let usage = || std::io::Error::other("usage: side_by_side export DIR N Q | measure DIR");
    match args.get(1).map(String::as_str) {
        Some("export") => {
            let dir = Path::new(args.get(2).ok_or_else(usage)?);
            let n: usize = args.get(3).and_then(|v| v.parse().ok()).ok_or_else(usage)?;
            let q: usize = args.get(4).and_then(|v| v.parse().ok()).ok_or_else(usage)?;
            let (gallery, probes) = common::dataset(n, q);
            write_f32(&dir.join("gallery.f32"), &gallery)?;
            write_f32(&dir.join("queries.f32"), &probes)?;
            std::fs::write(
                dir.join("meta.json"),
                format!(
                    "{{\"n\":{n},\"queries\":{q},\"dimension\":512,\"seed\":{}}}",
                    common::SEED
                ),
            )
        }
        Some("measure") => measure(Path::new(args.get(2).ok_or_else(usage)?)),
        _ => Err(usage()),
    }
}
