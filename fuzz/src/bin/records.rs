//! AFL++ target: `navbat_fuzz::records` on every input (`fuzz/README.md` says how to run it).

fn main() {
    afl::fuzz!(|data: &[u8]| navbat_fuzz::records(data));
}
