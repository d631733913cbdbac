//! `navbat run --timings`: each phase's wall-clock and CPU seconds on stderr, and how many
//! cores it kept busy on average (CPU over wall), to see where an evaluation's time goes.

use std::time::Instant;

/// CPU seconds (user and system, every thread) the process has used so far, from
/// `/proc/self/stat`; `None` where that file is not there (not Linux).
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: fields after it.
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 (utime, stime) are the 12th and 13th after the name, in clock ticks
    // of USER_HZ, which Linux fixes at 100 for user space.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// A clock over the phases of one command; silent unless enabled.
#[derive(Debug)]
pub(crate) struct Phases {
    enabled: bool,
    started: Instant,
    cpu: Option<f64>,
    first: Instant,
    first_cpu: Option<f64>,
}

impl Phases {
    /// Starts the clock; reads and prints nothing when `enabled` is false.
    pub(crate) fn start(enabled: bool) -> Self {
        let now = Instant::now();
        let cpu = if enabled { process_cpu_seconds() } else { None };
        Self { enabled, started: now, cpu, first: now, first_cpu: cpu }
    }

    /// Ends the phase `what` (printing its figures) and starts the next.
    pub(crate) fn lap(&mut self, what: &str) {
        if !self.enabled {
            return;
        }
        let (now, cpu) = (Instant::now(), process_cpu_seconds());
        self.print(what, now.duration_since(self.started).as_secs_f64(), self.cpu, cpu);
        self.started = now;
        self.cpu = cpu;
    }

    /// Prints the figures of the whole command.
    pub(crate) fn total(&self) {
        if !self.enabled {
            return;
        }
        let cpu = process_cpu_seconds();
        self.print("total", self.first.elapsed().as_secs_f64(), self.first_cpu, cpu);
    }

    fn print(&self, what: &str, wall: f64, from: Option<f64>, to: Option<f64>) {
        match (from, to) {
            (Some(a), Some(b)) => eprintln!(
                "timing {what}: {wall:.1} s wall, {:.1} s CPU ({:.2} cores busy)",
                b - a,
                (b - a) / wall.max(1e-9)
            ),
            _ => eprintln!("timing {what}: {wall:.1} s wall"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_seconds_grow_with_work() {
        let Some(before) = process_cpu_seconds() else {
            eprintln!("no /proc/self/stat here: skipped");
            return;
        };
        // Spin until the count moves (a loaded machine may give this thread little time),
        // or give up after 30 s of wall-clock time.
        let started = Instant::now();
        let mut x = 0_u64;
        let mut after = before;
        while after - before < 0.05 && started.elapsed().as_secs_f64() < 30.0 {
            for _ in 0..1_000_000 {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            }
            after = process_cpu_seconds().unwrap_or(before);
        }
        std::hint::black_box(x);
        assert!(after - before >= 0.05, "30 s of spinning counted {} s of CPU", after - before);
        assert!(after - before < started.elapsed().as_secs_f64() * 64.0 + 1.0);
    }
}
