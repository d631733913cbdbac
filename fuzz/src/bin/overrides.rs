//! AFL++ target: `navbat_fuzz::overrides` on every input (`fuzz/README.md` says how to run it).

fn main() {
    afl::fuzz!(|data: &[u8]| navbat_fuzz::overrides(data));
}
