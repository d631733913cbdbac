//! In-process throughput of each fuzz target on seeded mutations of its corpus (no AFL, no
//! instrumentation): `cargo run --release -p navbat-fuzz --example throughput [CASES [TARGET]]`.

use std::path::Path;
use std::time::Instant;

type Target = fn(&[u8]);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cases: usize = std::env::args().nth(1).map_or(Ok(20_000), |a| a.parse())?;
    let targets: [(&str, Target); 5] = [
        ("scenario", navbat_fuzz::scenario),
        ("overrides", navbat_fuzz::overrides),
        ("sweep", navbat_fuzz::sweep),
        ("service", navbat_fuzz::service),
        ("records", navbat_fuzz::records),
    ];
    let only = std::env::args().nth(2);
    for (name, f) in targets {
        if only.as_ref().is_some_and(|o| o != name) {
            continue;
        }
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(name);
        let mut files: Vec<_> =
            std::fs::read_dir(&dir)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
        files.sort();
        let seeds: Vec<Vec<u8>> = files.iter().map(std::fs::read).collect::<Result<_, _>>()?;
        let mut m = navbat_fuzz::Mutator::new(7);
        let inputs: Vec<Vec<u8>> = (0..cases).map(|i| m.mutate(&seeds[i % seeds.len()])).collect();
        let t = Instant::now();
        for input in &inputs {
            f(input);
        }
        let s = t.elapsed().as_secs_f64();
        println!("{name:10} {cases} inputs in {s:.2} s: {:.0} a second", cases as f64 / s);
    }
    Ok(())
}
