//! What `navbat plan` is asked to do: scenario, seed, and the screenshot mode's settings.

use std::path::PathBuf;

use crate::error::PlannerError;

/// Options of a planner run.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOptions {
    /// The scenario file to open.
    pub scenario: PathBuf,
    /// Master seed of the live twin and of comparisons.
    pub seed: u64,
    /// Screenshot mode: save the window as this PNG after `frames` frames, then exit.
    pub screenshot: Option<PathBuf>,
    /// Frames to render before the screenshot; without a screenshot, 0 runs until the window
    /// is closed and N > 0 exits after N frames (for measuring frame rates).
    pub frames: u32,
    /// Simulated hours to advance before the window opens.
    pub sim_hours: f64,
    /// Start "Suggest placement" at once (screenshot mode waits for its answer).
    pub suggest: bool,
}

impl PlanOptions {
    /// The bundled pilot scenario path, relative to the repository root.
    pub const DEFAULT_SCENARIO: &'static str = "scenarios/pilot-2026.ron";

    /// Parses `[SCENARIO] [--seed N] [--screenshot FILE.png] [--frames N] [--sim-hours H]`.
    pub fn from_args<I: IntoIterator<Item = String>>(args: I) -> Result<Self, PlannerError> {
        let mut options = Self {
            scenario: PathBuf::from(Self::DEFAULT_SCENARIO),
            seed: 42,
            screenshot: None,
            frames: 0,
            sim_hours: 0.0,
            suggest: false,
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let mut value = |option: &'static str| {
                args.next()
                    .ok_or(PlannerError::Option { option, message: "expected a value".into() })
            };
            let number = |option: &'static str, text: String| PlannerError::Option {
                option,
                message: format!("expected a number, found {text:?}"),
            };
            match arg.as_str() {
                "--seed" => {
                    let v = value("--seed")?;
                    options.seed = v.parse().map_err(|_| number("--seed", v))?;
                }
                "--screenshot" => options.screenshot = Some(PathBuf::from(value("--screenshot")?)),
                "--frames" => {
                    let v = value("--frames")?;
                    options.frames = v.parse().map_err(|_| number("--frames", v))?;
                }
                "--suggest" => options.suggest = true,
                "--sim-hours" => {
                    let v = value("--sim-hours")?;
                    options.sim_hours = v.parse().map_err(|_| number("--sim-hours", v))?;
                }
                flag if flag.starts_with("--") => {
                    return Err(PlannerError::Option {
                        option: "arguments",
                        message: format!(
                            "unknown option {flag:?}; expected [SCENARIO] [--seed N] \
                             [--screenshot FILE.png] [--frames N] [--sim-hours H] [--suggest]"
                        ),
                    });
                }
                _ => options.scenario = PathBuf::from(arg),
            }
        }
        options.check()?;
        Ok(options)
    }

    /// Checks the values: a screenshot needs at least one frame; hours are finite, ≥ 0.
    pub fn check(&self) -> Result<(), PlannerError> {
        if self.screenshot.is_some() && self.frames == 0 {
            return Err(PlannerError::Option {
                option: "--frames",
                message: "a screenshot needs at least 1 frame".into(),
            });
        }
        if !(self.sim_hours.is_finite() && self.sim_hours >= 0.0) {
            return Err(PlannerError::Option {
                option: "--sim-hours",
                message: format!("expected hours ≥ 0, found {}", self.sim_hours),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<PlanOptions, PlannerError> {
        PlanOptions::from_args(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn parses_screenshot_mode() {
        let o = parse(&["x.ron", "--screenshot", "a.png", "--frames", "5", "--sim-hours", "11.5"])
            .unwrap();
        assert_eq!(o.scenario, PathBuf::from("x.ron"));
        assert_eq!(o.screenshot, Some(PathBuf::from("a.png")));
        assert_eq!((o.frames, o.sim_hours, o.seed), (5, 11.5, 42));
        assert_eq!(parse(&[]).unwrap().scenario, PathBuf::from(PlanOptions::DEFAULT_SCENARIO));
        assert!(parse(&["--suggest"]).unwrap().suggest);
        assert!(!parse(&[]).unwrap().suggest);
    }

    #[test]
    fn bad_values_name_the_option() {
        let err = parse(&["--frames", "many"]).unwrap_err();
        assert_eq!(err.to_string(), "option --frames: expected a number, found \"many\"");
        assert!(parse(&["--screenshot", "a.png"]).unwrap_err().to_string().contains("--frames"));
        assert!(parse(&["--sim-hours", "-1"]).is_err());
        assert!(parse(&["--seed"]).is_err());
        assert!(parse(&["--fast"]).is_err());
    }
}
