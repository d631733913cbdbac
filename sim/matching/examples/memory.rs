//! Measures what a gallery really holds: enrols N templates (default 1,000,000) and prints
//! `Gallery::memory_bytes` next to the process's resident-memory growth (Linux `VmRSS`),
//! which also counts the id index and allocator overhead.
//! Usage: `cargo run --release -p navbat-matching --example memory -- [N]`

use navbat_matching::{Gallery, IdentityId, Template};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};

fn rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn main() -> Result<(), navbat_matching::MatchError> {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut gallery = Gallery::new(512)?;
    let before = rss_bytes().unwrap_or(0);
    gallery.reserve(n);
    for i in 0..n {
        let v: Vec<f32> = (0..512).map(|_| StandardNormal.sample(&mut rng)).collect();
        gallery.enrol(IdentityId(i as u64), &Template::new(v)?)?;
    }
    let after = rss_bytes().unwrap_or(0);
    let mb = |b: u64| b as f64 / 1e6;
    println!(
        "{n} templates: memory_bytes {:.1} MB, resident growth {:.1} MB",
        mb(gallery.memory_bytes() as u64),
        mb(after.saturating_sub(before))
    );
    Ok(())
}
