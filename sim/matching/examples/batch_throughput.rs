//! Batch search throughput on an exported data set (`side_by_side export DIR N Q`), best of
//! three runs per configuration, without the slow ground truth: a quick loop for kernel work.
//!
//! `cargo run --release -p navbat-matching --example batch_throughput -- DIR`

use std::path::Path;
use std::time::Instant;

use navbat_matching::{Gallery, IdentityId, Rescoring, Template};

fn read_f32(path: &Path, d: usize) -> std::io::Result<Vec<Template>> {
    let bytes = std::fs::read(path)?;
    let values: Vec<f32> =
        bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    Ok(values
        .chunks_exact(d)
        .map(|v| Template::new(v.to_vec()).expect("exported templates are valid"))
        .collect())
}

fn main() -> std::io::Result<()> {
    let dir = std::env::args().nth(1).ok_or_else(|| std::io::Error::other("usage: DIR"))?;
    let dir = Path::new(&dir);
    let d = 512;
    let templates = read_f32(&dir.join("gallery.f32"), d)?;
    let probes = read_f32(&dir.join("queries.f32"), d)?;
    for rescoring in [Rescoring::QuantizedOnly, Rescoring::Exact] {
        let mut gallery = Gallery::with_rescoring(d, rescoring).expect("valid dimension");
        gallery.reserve(templates.len());
        for (i, t) in templates.iter().enumerate() {
            gallery.enrol(IdentityId(i as u64), t).expect("new id");
        }
        let mut best = f64::INFINITY;
        let mut checksum = 0.0_f64;
        for _ in 0..3 {
            let started = Instant::now();
            let found = gallery.search_batch(&probes, 10).expect("non-empty gallery");
            best = best.min(started.elapsed().as_secs_f64());
            checksum = found.iter().flatten().map(|c| f64::from(c.score)).sum();
        }
        println!(
            "{rescoring:?}: n {} queries {} batch {:.1} q/s (best of 3), score checksum {checksum:.6}",
            gallery.len(),
            probes.len(),
            probes.len() as f64 / best
        );
    }
    Ok(())
}
