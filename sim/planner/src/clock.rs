//! The planner's clock: how much simulated time a frame is worth.
//!
//! Simulated time per frame = speed × frame time. Fractions of a millisecond are carried to
//! the next frame, so the simulated clock never drifts from the wall clock at a fixed speed.

/// Speeds offered, simulated seconds per wall-clock second.
pub const SPEEDS: [f64; 9] = [1.0, 10.0, 60.0, 100.0, 600.0, 1_000.0, 3_600.0, 10_000.0, 100_000.0];

/// Longest frame the clock honours, seconds: after a stall (window dragged, machine busy)
/// the twin does not leap ahead.
pub const MAX_FRAME_S: f64 = 0.25;

/// Play, pause and speed.
#[derive(Debug, Clone, PartialEq)]
pub struct SimClock {
    speed_index: usize,
    /// Whether the twin stands still.
    pub paused: bool,
    carry_ms: f64,
}

impl SimClock {
    /// A running clock at ×1,000 (a nine-hour office day in about half a minute).
    pub fn new() -> Self {
        Self { speed_index: 5, paused: false, carry_ms: 0.0 }
    }

    /// Simulated seconds per wall-clock second.
    pub fn speed(&self) -> f64 {
        SPEEDS[self.speed_index]
    }

    /// Index of the speed in [`SPEEDS`].
    pub fn speed_index(&self) -> usize {
        self.speed_index
    }

    /// Sets the speed by its index in [`SPEEDS`] (clamped to the list).
    pub fn set_speed_index(&mut self, index: usize) {
        self.speed_index = index.min(SPEEDS.len() - 1);
    }

    /// One step faster (stays at the fastest).
    pub fn faster(&mut self) {
        self.set_speed_index(self.speed_index + 1);
    }

    /// One step slower (stays at the slowest).
    pub fn slower(&mut self) {
        self.set_speed_index(self.speed_index.saturating_sub(1));
    }

    /// Simulated milliseconds a frame of `frame_s` wall-clock seconds is worth: 0 when
    /// paused; frames longer than [`MAX_FRAME_S`] count as that long.
    pub fn advance_ms(&mut self, frame_s: f64) -> i64 {
        if self.paused || !frame_s.is_finite() || frame_s <= 0.0 {
            return 0;
        }
        let exact = frame_s.min(MAX_FRAME_S) * self.speed() * 1000.0 + self.carry_ms;
        let whole = exact.floor();
        self.carry_ms = exact - whole;
        whole as i64
    }
}

impl Default for SimClock {
    fn default() -> Self {
        Self::new()
    }
}

/// A speed as the planner shows it: `×1`, `×1,000`, `×100,000`.
pub fn speed_label(speed: f64) -> String {
    let mut digits = format!("{}", speed.round() as i64);
    let mut out = String::new();
    while digits.len() > 3 {
        let tail = digits.split_off(digits.len() - 3);
        out = format!(",{tail}{out}");
    }
    format!("×{digits}{out}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixty_frames_a_second_at_x1000_make_a_thousand_seconds() {
        let mut clock = SimClock::new();
        assert_eq!(clock.speed(), 1_000.0);
        let total: i64 = (0..60).map(|_| clock.advance_ms(1.0 / 60.0)).sum();
        assert!((999_999..=1_000_000).contains(&total), "{total}");
    }

    #[test]
    fn fractions_carry_over_at_x1() {
        let mut clock = SimClock::new();
        clock.set_speed_index(0);
        // 0.3 ms a frame: nothing, nothing, nothing, then a whole millisecond.
        let steps: Vec<i64> = (0..4).map(|_| clock.advance_ms(0.0003)).collect();
        assert_eq!(steps.iter().sum::<i64>(), 1);
    }

    #[test]
    fn pause_stall_and_speed_limits() {
        let mut clock = SimClock::new();
        clock.paused = true;
        assert_eq!(clock.advance_ms(0.5), 0);
        clock.paused = false;
        clock.set_speed_index(99);
        assert_eq!(clock.speed(), 100_000.0);
        assert_eq!(clock.advance_ms(10.0), 25_000_000);
        clock.faster();
        assert_eq!(clock.speed(), 100_000.0);
        clock.set_speed_index(0);
        clock.slower();
        assert_eq!(clock.speed(), 1.0);
        assert_eq!(clock.advance_ms(f64::NAN), 0);
    }

    #[test]
    fn labels_group_thousands() {
        assert_eq!(speed_label(1.0), "×1");
        assert_eq!(speed_label(1_000.0), "×1,000");
        assert_eq!(speed_label(100_000.0), "×100,000");
    }
}
